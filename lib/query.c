/* query.c: SELECTs with optional filters (see query.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
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

static struct query_bind *next_bind(struct query *q)
{
	if (q->nbind == q->bindcap) {
		q->bindcap = q->bindcap ? q->bindcap * 2 : 8;
		q->bind = xrealloc(q->bind, (size_t)q->bindcap * sizeof *q->bind);
	}
	memset(&q->bind[q->nbind], 0, sizeof q->bind[0]);
	return &q->bind[q->nbind++];
}

void query_bind_text(struct query *q, const char *s)
{
	next_bind(q)->s = s;
}

void query_bind_int(struct query *q, long long v)
{
	struct query_bind *b = next_bind(q);
	b->is_int = 1;
	b->i = v;
}

void crm_explain(struct crm *crm, const char *sql)
{
	static const char *on;
	sqlite3_stmt *st;
	char *eqp;

	if (!on)
		on = getenv("CRM_EXPLAIN") ? getenv("CRM_EXPLAIN") : "";
	if (!*on)
		return;
	eqp = xmalloc(strlen(sql) + 20);
	sprintf(eqp, "EXPLAIN QUERY PLAN %s", sql);
	fprintf(stderr, "crm: plan of: %s\n", sql);
	if (sqlite3_prepare_v2(crm->db, eqp, -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			fprintf(stderr, "crm: plan: %s\n", (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
	}
	free(eqp);
}

int query_prepare(struct crm *crm, struct query *q, sqlite3_stmt **st)
{
	crm_explain(crm, q->sql);
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

void query_bind_owned(struct query *q, char *s)
{
	struct query_bind *b = next_bind(q);
	b->s = s;
	b->own = 1;
}

void query_where_text(struct query *q, const char *cond, const char *s)
{
	if (s) {
		query_where(q, cond);
		query_bind_text(q, s);
	}
}

void query_where_int(struct query *q, const char *cond, long long v)
{
	query_where(q, cond);
	query_bind_int(q, v);
}

void query_where_in(struct query *q, const char *cond, const char *const *vals, int as_int)
{
	const char *mark = strchr(cond, '?');
	char *head;
	long long v;
	int n = 0;

	while (vals && vals[n])
		n++;
	if (n == 0 || !mark)
		return;
	head = xstrndup(cond, (size_t)(mark - cond));
	query_where(q, head);
	free(head);
	for (int i = 0; i < n; i++) {
		query_add(q, i ? ", ?" : "?");
		if (as_int && crm_parse_int(vals[i], &v) == 0)
			query_bind_int(q, v);
		else
			query_bind_text(q, vals[i]);
	}
	query_add(q, mark + 1);
}

void query_free(struct query *q)
{
	for (int i = 0; i < q->nbind; i++)
		if (q->bind[i].own)
			free((char *)q->bind[i].s);
	free(q->bind);
	free(q->sql);
	memset(q, 0, sizeof *q);
}

/* A number as the index has it: its digits, and without the 00 or the
 * 0 a person dials before a country code or a national number, so that
 * the index's words for an E.164 number (with and without its country
 * code) find it; no phone library is loaded for a search. */
static char *phone_words(const char *text)
{
	char *digits = xmalloc(strlen(text) + 1), *d = digits, *out;
	const char *bare;

	for (const char *p = text; *p; p++)
		if (*p >= '0' && *p <= '9')
			*d++ = *p;
	*d = '\0';
	bare = digits;
	if (!strchr(text, '+'))
		bare += !strncmp(digits, "00", 2) ? 2 : digits[0] == '0';
	out = xmalloc(2 * strlen(digits) + 16);
	if (bare != digits)
		sprintf(out, "\"%s\"* OR \"%s\"*", digits, bare);
	else
		sprintf(out, "\"%s\"*", digits);
	free(digits);
	return out;
}

/* Each word of letters and digits, quoted, found by its start: all of
 * them ("nunez"* "mal"*); NULL when text has none.  Owned. */
static char *search_words(const char *text)
{
	char *out = xmalloc(3 * strlen(text) + 8), *o = out;
	const unsigned char *p = (const unsigned char *)text;
	int words = 0;

	while (*p) {
		if (!(isalnum(*p) || *p >= 0x80)) {
			p++;
			continue;
		}
		*o++ = words++ ? ' ' : '"';
		if (words > 1)
			*o++ = '"';
		while (isalnum(*p) || *p >= 0x80)
			*o++ = (char)*p++;
		*o++ = '"';
		*o++ = '*';
	}
	*o = '\0';
	if (!words) {
		free(out);
		return NULL;
	}
	return out;
}

char *query_search_match(struct crm *crm, const char *text)
{
	char *words = search_words(text), *phone, *both, *o;

	if (!words) {
		crm_err(crm, CRM_USAGE, "--q '%s': no word to search for", text);
		return NULL;
	}
	if (!crm_phone_like(text))
		return words;
	/* a number as a phone, or as the words it is written in, one after
	 * the other and whole (a listing reference 123-456-789, a date): a
	 * short word found by its start would be the start of every phone */
	phone = phone_words(text);
	both = xmalloc(strlen(phone) + strlen(text) + 8);
	o = both + sprintf(both, "%s OR \"", phone);
	for (const char *p = text; *p; p++)
		*o++ = isalnum((unsigned char)*p) ? *p : ' ';
	strcpy(o, "\"");
	free(phone);
	free(words);
	return both;
}

int query_where_search(struct crm *crm, struct query *q, const char *cond,
                       const char *email_cond, const char *text)
{
	char *match;

	if (!text)
		return 0;
	if (crm_utf8_check(text, strlen(text)))
		return crm_err(crm, CRM_DATAERR, "--q: not valid UTF-8 (byte %zu)",
		               crm_utf8_check(text, strlen(text)));
	/* a whole email is its owner key: an index seek, where its words
	 * ("example", "com") would be in every row */
	if ((match = crm_norm_email(text))) {
		query_where(q, email_cond);
		query_bind_owned(q, match);
		return 0;
	}
	if (!(match = query_search_match(crm, text)))
		return CRM_USAGE;
	query_where(q, cond);
	query_bind_owned(q, match);
	return 0;
}

int query_print(struct crm *crm, struct query *q, long long limit,
                struct printer *pr, const struct pcol *cols, int ncols,
                const char *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (limit >= 0 || q->offset > 0) {
		query_add(q, " LIMIT ?");
		query_bind_int(q, limit);   /* -1: no limit */
	}
	if (q->offset > 0) {
		query_add(q, " OFFSET ?");
		query_bind_int(q, q->offset);
	}
	if ((rc = crm_fmt_check(crm, cols, ncols)) || (rc = query_prepare(crm, q, &st)))
		return rc;
	printer_begin(pr, cols, ncols);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_row_stmt(pr, st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, ctx);
	if (printer_end(pr) == 0 && !rc)
		rc = CRM_NOTFOUND;
	sqlite3_finalize(st);
	return rc;
}
