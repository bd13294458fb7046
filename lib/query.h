/* query.h: a SELECT built from optional filters, every value bound. */
#ifndef CRM_QUERY_H
#define CRM_QUERY_H

#include "crm.h"

#define QUERY_MAX_BINDS 32

struct query {
	char *sql;
	size_t len, cap;
	int nbind;
	struct {
		int is_int;
		long long i;
		const char *s;  /* not owned: must outlive query_prepare's use */
	} bind[QUERY_MAX_BINDS];
	int nwhere;
};

void query_init(struct query *q, const char *select);
void query_add(struct query *q, const char *sql);    /* raw text */
/* " WHERE cond" or " AND cond"; each "?" in cond takes the next bind */
void query_where(struct query *q, const char *cond);
void query_bind_text(struct query *q, const char *s);
void query_bind_int(struct query *q, long long v);
/* prepare and bind; the caller finalizes the statement */
int query_prepare(struct crm *crm, struct query *q, sqlite3_stmt **st);
void query_free(struct query *q);
/* "%TEXT%" for LIKE ... ESCAPE '\\', with % _ \\ in text escaped (owned) */
char *query_like(const char *text);

#endif
