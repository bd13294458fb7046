/* query.c: SELECTs with optional filters (see query.h). */
#include <stdlib.h>
#include <string.h>

#include "query.h"

void query_init(struct query *q, const char *select)
{
	memset(q, 0, sizeof *q);
	query_add(q, select);
}

void query_add(struct query *q, const char *sql)
{
	size_t n = strlen(sql);

	if (q->len + n + 1 > q->cap) {
		q->cap = (q->len + n + 1) * 2;
		q->sql = xrealloc(q->sql, q->cap);
	}
	memcpy(q->sql + q->len, sql, n + 1);
	q->len += n;
}

void query_where(struct query *q, const char *cond)
{
	query_add(q, q->nwhere++ ? " AND " : " WHERE ");
	query_add(q, cond);
}

static int next_bind(struct query *q)
{
	if (q->nbind >= QUERY_MAX_BINDS) {
		fputs("crm: internal error: too many query parameters\n", stderr);
		abort();
	}
	return q->nbind++;
}

void query_bind_text(struct query *q, const char *s)
{
	int i = next_bind(q);
	q->bind[i].is_int = 0;
	q->bind[i].s = s;
}

void query_bind_int(struct query *q, long long v)
{
	int i = next_bind(q);
	q->bind[i].is_int = 1;
	q->bind[i].i = v;
}

int query_prepare(struct crm *crm, struct query *q, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(crm->db, q->sql, -1, st, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, "query");
	for (int i = 0; i < q->nbind; i++) {
		if (q->bind[i].is_int)
			sqlite3_bind_int64(*st, i + 1, q->bind[i].i);
		else
			sqlite3_bind_text(*st, i + 1, q->bind[i].s, -1, SQLITE_STATIC);
	}
	return 0;
}

void query_free(struct query *q)
{
	free(q->sql);
	q->sql = NULL;
}

char *query_like(const char *text)
{
	char *like = xmalloc(2 * strlen(text) + 3), *o = like;

	*o++ = '%';
	for (; *text; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			*o++ = '\\';
		*o++ = *text;
	}
	*o++ = '%';
	*o = '\0';
	return like;
}
