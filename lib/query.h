/* query.h: a SELECT built from optional filters, every value bound. */
#ifndef CRM_QUERY_H
#define CRM_QUERY_H

#include "crm.h"

struct query_bind {
	int is_int;
	long long i;
	const char *s;      /* owned when own is set, else it must outlive
	                       query_prepare's use */
	int own;
};

struct query {
	char *sql;
	size_t len, cap;
	struct query_bind *bind;
	int nbind, bindcap;
	int nwhere;
	long long offset;   /* query_print skips this many rows (0: none) */
};

void query_init(struct query *q, const char *select);
void query_add(struct query *q, const char *sql);    /* raw text */
/* " WHERE cond" or " AND cond"; each "?" in cond takes the next bind */
void query_where(struct query *q, const char *cond);
void query_bind_text(struct query *q, const char *s);
void query_bind_int(struct query *q, long long v);
/* bind s, which the query owns from now on and frees in query_free */
void query_bind_owned(struct query *q, char *s);
/* a filter of one value: cond with s bound, or nothing when s is NULL */
void query_where_text(struct query *q, const char *cond, const char *s);
/* cond with v bound */
void query_where_int(struct query *q, const char *cond, long long v);
/* A filter of any of the values vals (NULL-terminated; nothing when it
 * is NULL or empty): cond has one "?" inside "IN (?)", which becomes a
 * "?" for each value, each bound ("c.stage IN (?)": one value is as
 * "c.stage = ?" to SQLite); as_int binds them as whole numbers (checked
 * before). */
void query_where_in(struct query *q, const char *cond, const char *const *vals, int as_int);
/* With CRM_EXPLAIN set (not empty) in the environment, the plan SQLite
 * makes of sql (EXPLAIN QUERY PLAN), on stderr: "crm: plan: ..." lines.
 * For the bench, which shows the indexes a query uses. */
void crm_explain(struct crm *crm, const char *sql);
/* prepare and bind (the plan first, with CRM_EXPLAIN); the caller
 * finalizes the statement */
int query_prepare(struct crm *crm, struct query *q, sqlite3_stmt **st);
void query_free(struct query *q);
/* The search index's query (FTS5) of what a person typed: each word of
 * letters and digits, quoted, found by its start ("nunez"* "mal"*), all
 * of them; a phone by its digits, with or without the 00 or 0 dialled
 * before it.  Owned; NULL with a usage error when text has no word. */
char *query_search_match(struct crm *crm, const char *text);
/* cond ("x.id IN (SELECT rowid FROM x_fts WHERE x_fts MATCH ?)") with
 * the search index's query for what a person typed after --q: every word
 * found by its start, case and accents aside; a phone by its digits; a
 * whole email address by email_cond ("x.email_norm = ?") with its owner
 * key.  Nothing when text is NULL; 64 when it has no word, 65 for bad
 * UTF-8. */
int query_where_search(struct crm *crm, struct query *q, const char *cond,
                       const char *email_cond, const char *text);
/* " LIMIT ?" when limit >= 0 (" OFFSET ?" after, for q->offset), then
 * prepare, print every row through pr
 * (begun with cols) and end it; CRM_NOTFOUND when there was none. */
struct printer;
struct pcol;
int query_print(struct crm *crm, struct query *q, long long limit,
                struct printer *pr, const struct pcol *cols, int ncols,
                const char *ctx);

#endif
