/* catalog.c: what every entity's catalog gives (see catalog.h).  The
 * catalogs themselves are beside the SQL of their entity. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "query.h"

/* the column at place `at` of the narrow table, NULL past its end */
static const struct crm_col *narrow_at(const struct crm_entity *e, int at)
{
	for (int i = 0; i < e->ncols; i++)
		if (e->cols[i].narrow == at)
			return &e->cols[i];
	return NULL;
}

/* the i-th column (from 0) of the view */
static const struct crm_col *nth(const struct crm_entity *e, enum cat_view view, int i)
{
	if (view == CAT_NARROW)
		return narrow_at(e, i + 1);
	if (i >= e->ncols || (view == CAT_WIDE && (e->cols[i].flags & COLF_PERSON)))
		return NULL;   /* the person's columns are last */
	return &e->cols[i];
}

char *crm_entity_select(const struct crm_entity *e, enum cat_view view)
{
	size_t len = strlen("SELECT  FROM ") + strlen(e->from) + 1;
	const struct crm_col *c;
	char *sql;

	for (int i = 0; i < e->ncols; i++)
		len += strlen(e->cols[i].sql) + 2;
	sql = xmalloc(len);
	strcpy(sql, "SELECT ");
	for (int i = 0; (c = nth(e, view, i)); i++) {
		if (i)
			strcat(sql, ", ");
		strcat(sql, c->sql);
	}
	strcat(sql, " FROM ");
	strcat(sql, e->from);
	return sql;
}

int crm_entity_pcols(const struct crm_entity *e, enum cat_view view, struct pcol *out)
{
	const struct crm_col *c;
	int n;

	for (n = 0; (c = nth(e, view, n)); n++) {
		out[n].name = view == CAT_NARROW && c->label ? c->label : c->name;
		out[n].type = c->type;
		out[n].flags = (c->narrow ? PCOL_NARROW : 0) |
		               (c->flags & COLF_PERSON ? PCOL_PERSON : 0);
	}
	return n;
}

const char *crm_entity_fields_sql(const struct crm_entity *e, int nfields, int skip,
                                  char *buf, size_t size, const char *prefix,
                                  const char *fmt, int first, const char *sep,
                                  const char *suffix)
{
	size_t len;
	int n = 0;

	if (buf[0])
		return buf;
	len = (size_t)snprintf(buf, size, "%s", prefix);
	for (int i = 0; i < nfields && len < size; i++) {
		if (i == skip)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s", n++ ? sep : "");
		len += (size_t)snprintf(buf + len, size - len, fmt,
		                        crm_entity_field(e, i)->name, first + i);
	}
	snprintf(buf + len, len < size ? size - len : 0, "%s", suffix);
	return buf;
}

const struct crm_col *crm_entity_col(const struct crm_entity *e, const char *name)
{
	for (int i = 0; i < e->ncols; i++)
		if (!strcmp(e->cols[i].name, name))
			return &e->cols[i];
	return NULL;
}

const struct crm_col *crm_entity_field(const struct crm_entity *e, int f)
{
	for (int i = 0; i < e->ncols; i++)
		if (e->cols[i].field == f)
			return &e->cols[i];
	return NULL;
}

int crm_entity_query(const struct crm_entity *e, enum cat_view view, struct query *q,
                     struct pcol *cols)
{
	char *select = crm_entity_select(e, view);

	query_init(q, select);
	free(select);
	return crm_entity_pcols(e, view, cols);
}

/* the view's SELECT of e, then tail, bound to id, prepared into *st */
static int select_by(struct crm *crm, const struct crm_entity *e, enum cat_view view,
                     const char *tail, long long id, sqlite3_stmt **st)
{
	struct pcol *cols = xmalloc((size_t)e->ncols * sizeof *cols);
	struct query q;
	int rc;

	crm_entity_query(e, view, &q, cols);
	free(cols);
	query_add(&q, tail);
	query_bind_int(&q, id);
	rc = query_prepare(crm, &q, st);
	query_free(&q);
	return rc;
}

int crm_entity_record(struct crm *crm, const struct crm_entity *e, const char *idcol,
                      long long id, const char *what, struct printer *pr)
{
	struct pcol *cols = xmalloc((size_t)e->ncols * sizeof *cols);
	int n = crm_entity_pcols(e, CAT_WIDE, cols), rc;
	char tail[64];
	sqlite3_stmt *st = NULL;

	snprintf(tail, sizeof tail, " WHERE %s = ?", idcol);
	if ((rc = crm_fmt_check(crm, cols, n)) || (rc = select_by(crm, e, CAT_WIDE, tail, id, &st)))
		goto cleanup;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_record(pr, cols, n, st);
	rc = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ?
		crm_err(crm, CRM_NOTFOUND, "%s '%lld': not found", what, id) :
		crm_sqlerr(crm, what);
cleanup:
	sqlite3_finalize(st);
	free(cols);
	return rc;
}

int crm_entity_list(struct crm *crm, const struct crm_entity *e, const char *tail,
                    long long id, const char *key, const char *title, struct printer *pr)
{
	/* the printer keeps the columns until the record ends */
	static struct pcol cols[64];
	int n = crm_entity_pcols(e, CAT_ALL, cols), rc;
	sqlite3_stmt *st;

	if ((rc = select_by(crm, e, CAT_ALL, tail, id, &st)))
		return rc;
	printer_list(pr, key, title, cols, n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_list_row(pr, st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, key);
	sqlite3_finalize(st);
	return rc;
}
