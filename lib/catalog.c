/* catalog.c: the columns of every entity, in one place, and what the
 * catalog gives (see catalog.h). */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "client.h"
#include "lead.h"
#include "query.h"

/* Every column of a client, in the order machine formats print them:
 * the names `client import` reads back. */
static const struct crm_col client_cols[] = {
	{ "id", "c.id", COL_INT, 1, -1, NULL, 0 },
	{ "operator_id", "c.operator_id", COL_INT, 0, -1, NULL, 0 },
	{ "name", "c.name", COL_TEXT, 2, CF_NAME, NULL, 0 },
	{ "email", "c.email", COL_TEXT, 5, CF_EMAIL, NULL, 0 },
	{ "phone", "c.phone", COL_TEXT, 6, CF_PHONE, NULL, 0 },
	/* E.164 when libphonenumber read the phone; else none */
	{ "phone_e164", "CASE WHEN c.phone_norm GLOB '+*' THEN c.phone_norm END", COL_TEXT, 0, -1,
	  NULL, 0 },
	{ "stage", "c.stage", COL_TEXT, 3, CF_STAGE, NULL, 0 },
	{ "status", "c.status", COL_TEXT, 0, CF_STATUS, NULL, 0 },
	{ "channel", "c.channel", COL_TEXT, 4, CF_CHANNEL, NULL, 0 },
	{ "source_type", "c.source_type", COL_TEXT, 0, CF_SOURCE_TYPE, NULL, 0 },
	{ "source_url", "c.source_url", COL_TEXT, 0, CF_SOURCE_URL, NULL, 0 },
	{ "listing_ref", "c.listing_ref", COL_TEXT, 0, CF_LISTING_REF, NULL, 0 },
	{ "viability", "c.viability", COL_INT, 7, CF_VIABILITY, NULL, 0 },
	{ "automation_enabled", "c.automation_enabled", COL_INT, 0, CF_AUTOMATION, NULL, 0 },
	{ "automation_paused_until", "c.automation_paused_until", COL_TIME, 0, -1, NULL, 0 },
	{ "ai_mode", "c.ai_mode", COL_TEXT, 0, CF_AI_MODE, NULL, 0 },
	{ "tags", "(SELECT json_group_array(tag) FROM client_tags t WHERE t.client_id = c.id)",
	  COL_LIST, 0, -1, NULL, 0 },
	{ "custom", "c.custom", COL_JSON, 0, -1, NULL, 0 },
	{ "notes", "c.notes", COL_TEXT, 0, CF_NOTES, NULL, 0 },
	{ "lost_reason", "c.lost_reason", COL_TEXT, 0, CF_LOST_REASON, NULL, 0 },
	{ "next_action_at", "c.next_action_at", COL_TIME, 9, CF_NEXT_ACTION_AT,
	  "next_action", COLF_RELATIVE },
	{ "last_contacted_at", "c.last_contacted_at", COL_TIME, 8, CF_LAST_CONTACTED_AT,
	  "last_contact", COLF_RELATIVE },
	{ "last_interaction_at", "c.last_interaction_at", COL_TIME, 0, CF_LAST_INTERACTION_AT, NULL, 0 },
	{ "created_at", "c.created_at", COL_TIME, 0, -1, NULL, 0 },
	{ "updated_at", "c.updated_at", COL_TIME, 0, -1, NULL, 0 },
	/* what a person should know of the record: a phone kept as typed */
	{ "warnings", "CASE WHEN c.phone IS NOT NULL AND c.phone_norm NOT GLOB '+*'"
	  " THEN 'phone not parsed (kept and matched as typed)' END", COL_TEXT, 0, -1, NULL, 0 },
};
#define NCLIENT_COLS ((int)(sizeof client_cols / sizeof client_cols[0]))

const struct crm_entity crm_clients = { "clients c", client_cols, NCLIENT_COLS };

/* a client's listings */
static const struct crm_col listing_cols[] = {
	{ "listing_ref", "l.listing_ref", COL_TEXT, 1, -1, NULL, 0 },
	{ "listing_hash", "l.listing_hash", COL_TEXT, 2, -1, NULL, 0 },
	{ "source_url", "l.source_url", COL_TEXT, 3, -1, NULL, 0 },
	{ "lead_id", "l.lead_id", COL_INT, 4, -1, NULL, 0 },
	{ "created_at", "l.created_at", COL_TIME, 0, -1, NULL, 0 },
};
const struct crm_entity crm_listings = {
	"client_listings l", listing_cols, (int)(sizeof listing_cols / sizeof listing_cols[0])
};

/* the changes of an entity, oldest first */
static const struct crm_col history_cols[] = {
	{ "at", "a.at", COL_TIME, 1, -1, NULL, 0 },
	{ "actor", "a.actor", COL_TEXT, 2, -1, NULL, 0 },
	{ "action", "a.action", COL_TEXT, 3, -1, NULL, 0 },
	{ "field", "a.field", COL_TEXT, 4, -1, NULL, 0 },
	{ "old_value", "a.old_value", COL_TEXT, 5, -1, NULL, 0 },
	{ "new_value", "a.new_value", COL_TEXT, 6, -1, NULL, 0 },
	{ "reason", "a.reason", COL_TEXT, 7, -1, NULL, 0 },
};
const struct crm_entity crm_history = {
	"activity_logs a", history_cols, (int)(sizeof history_cols / sizeof history_cols[0])
};

/* Every column of a lead, in the order machine formats print them: the
 * names `lead import` reads back. */
static const struct crm_col lead_cols[] = {
	{ "id", "l.id", COL_INT, 1, -1, NULL, 0 },
	{ "external_id", "l.external_id", COL_TEXT, 0, LF_EXTERNAL_ID, NULL, 0 },
	{ "operator_id", "l.operator_id", COL_INT, 0, LF_OPERATOR_ID, NULL, 0 },
	{ "source_type", "l.source_type", COL_TEXT, 0, LF_SOURCE_TYPE, NULL, 0 },
	{ "source_url", "l.source_url", COL_TEXT, 0, LF_SOURCE_URL, NULL, 0 },
	{ "listing_ref", "l.listing_ref", COL_TEXT, 0, LF_LISTING_REF, NULL, 0 },
	{ "listing_hash", "l.listing_hash", COL_TEXT, 0, LF_LISTING_HASH, NULL, 0 },
	{ "contact_name", "l.contact_name", COL_TEXT, 4, LF_CONTACT_NAME, NULL, 0 },
	{ "contact_email", "l.contact_email", COL_TEXT, 5, LF_CONTACT_EMAIL, NULL, 0 },
	{ "contact_phone", "l.contact_phone", COL_TEXT, 6, LF_CONTACT_PHONE, NULL, 0 },
	{ "contact_phone_e164", "CASE WHEN l.phone_norm GLOB '+*' THEN l.phone_norm END",
	  COL_TEXT, 0, -1, NULL, 0 },
	{ "channel", "l.channel", COL_TEXT, 0, LF_CHANNEL, NULL, 0 },
	{ "title", "l.title", COL_TEXT, 0, LF_TITLE, NULL, 0 },
	{ "location", "l.location", COL_TEXT, 7, LF_LOCATION, NULL, 0 },
	{ "price", "l.price", COL_AUTO, 8, LF_PRICE, NULL, 0 },
	{ "status", "l.status", COL_TEXT, 2, LF_STATUS, NULL, 0 },
	{ "viability", "l.viability", COL_INT, 3, LF_VIABILITY, NULL, 0 },
	{ "viability_given", "l.viability_given", COL_INT, 0, -1, NULL, 0 },
	{ "client_id", "l.client_id", COL_INT, 9, -1, NULL, 0 },
	{ "raw", "l.raw", COL_JSON, 0, -1, NULL, 0 },
	{ "created_at", "l.created_at", COL_TIME, 0, -1, NULL, 0 },
	{ "updated_at", "l.updated_at", COL_TIME, 0, -1, NULL, 0 },
	{ "warnings", "CASE WHEN l.contact_phone IS NOT NULL AND l.phone_norm NOT GLOB '+*'"
	  " THEN 'contact_phone not parsed (kept and matched as typed)' END", COL_TEXT, 0, -1,
	  NULL, 0 },
};
#define NLEAD_COLS ((int)(sizeof lead_cols / sizeof lead_cols[0]))

const struct crm_entity crm_leads = { "leads l", lead_cols, NLEAD_COLS };

/* every column of a communication; the person's table of a client's
 * timeline shows the subject, or the start of the body; the narrow
 * table of `comm list` also the client's name, in 100 columns at most:
 * 16 (a local time) + 16 + 8 + 3 + 10 + 9 + 22, and two between each */
static const struct crm_col comm_cols[] = {
	{ "id", "m.id", COL_INT, 0, -1, NULL, 0 },
	{ "client_id", "m.client_id", COL_INT, 0, -1, NULL, 0 },
	{ "occurred_at", "m.occurred_at", COL_TIME, 1, -1, NULL, 0 },
	{ "channel", "m.channel", COL_TEXT, 3, -1, NULL, COLF_CUT(8) },
	{ "direction", "m.direction", COL_TEXT, 4, -1, "dir", 0 },
	{ "kind", "m.kind", COL_TEXT, 5, -1, NULL, COLF_CUT(10) },
	{ "status", "m.status", COL_TEXT, 6, -1, NULL, COLF_CUT(9) },
	{ "subject", "m.subject", COL_TEXT, 0, -1, NULL, 0 },
	{ "body", "m.body", COL_TEXT, 0, -1, NULL, 0 },
	{ "source", "m.source", COL_TEXT, 0, -1, NULL, 0 },
	{ "external_id", "m.external_id", COL_TEXT, 0, -1, NULL, 0 },
	{ "created_at", "m.created_at", COL_TIME, 0, -1, NULL, 0 },
	{ "subject", "coalesce(m.subject, substr(m.body, 1, 60))", COL_TEXT, 7, -1, NULL,
	  COLF_PERSON | COLF_CUT(22) },
	{ "client", "(SELECT c.name FROM clients c WHERE c.id = m.client_id)", COL_TEXT, 2,
	  -1, NULL, COLF_PERSON | COLF_OWN_LIST | COLF_CUT(16) },
};
const struct crm_entity crm_comms = {
	"communications m", comm_cols, (int)(sizeof comm_cols / sizeof comm_cols[0])
};

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
	if (i >= e->ncols || (view == CAT_WIDE && (e->cols[i].flags & COLF_PERSON)) ||
	    (view == CAT_ALL && (e->cols[i].flags & COLF_OWN_LIST)))
		return NULL;   /* the person's columns are last, the own list's the very last */
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
		               (c->flags & COLF_PERSON ? PCOL_PERSON : 0) |
		               (c->flags & COLF_RELATIVE ? PCOL_RELATIVE : 0) |
		               (view == CAT_NARROW ? c->flags & PCOL_CUT_MASK : 0);
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

const char **crm_entity_field_names(const struct crm_entity *e, const char *const *more,
                                    const char **out)
{
	int n = 0;

	for (int i = 0; i < e->ncols; i++)
		if (e->cols[i].field >= 0)
			out[n++] = e->cols[i].name;
	for (; *more; more++)
		out[n++] = *more;
	out[n] = NULL;
	return out;
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
	static struct pcol cols[CRM_CATALOG_MAX];
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
