/* catalog.c: what every entity's catalog gives (see catalog.h).  The
 * catalogs themselves are beside the SQL of their entity. */
#include <string.h>

#include "catalog.h"

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
