/* client_view.c: reading clients: list, show, history. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "client.h"
#include "query.h"
#include "sync_int.h"


const char *const crm_client_sort_fields[] = {
	"id", "name", "stage", "viability", "created_at", "updated_at",
	"last_contacted_at", "last_interaction_at", "next_action_at", NULL
};

void crm_client_filter_init(struct crm_client_filter *flt)
{
	memset(flt, 0, sizeof *flt);
	flt->min_viability = -1;
	flt->stale_days = -1;
	flt->limit = -1;
}

/* the sort fields that may have no time */
static const char *const nullable_times[] = {
	"last_contacted_at", "last_interaction_at", "next_action_at", NULL
};

static int add_sort(struct crm *crm, struct query *q, const char *sort)
{
	const char *field = sort ? sort : "last_contacted_at";
	int desc = *field == '-';
	char buf[128];

	field += desc;
	for (const char *const *f = crm_client_sort_fields; *f; f++) {
		if (strcmp(*f, field))
			continue;
		if (!strcmp(field, "stage")) {
			/* in the order of the pipeline, not of the alphabet */
			char *json = crm_json_strings((const char *const *)crm->cfg.stages.v,
			                              crm->cfg.stages.n);
			snprintf(buf, sizeof buf, " ORDER BY (SELECT key FROM json_each(?)"
			         " WHERE value = c.stage)%s", desc ? " DESC" : "");
			query_add(q, buf);
			query_bind_owned(q, json);
		} else {
			/* a time not set (never contacted, nothing due) comes last
			 * either way; the indexes still give the order */
			snprintf(buf, sizeof buf, " ORDER BY c.%s%s%s%s", field,
			         strcmp(field, "name") ? "" : " COLLATE NOCASE",
			         desc ? " DESC" : "",
			         crm_in_set(field, nullable_times) ? " NULLS LAST" : "");
			query_add(q, buf);
		}
		if (strcmp(field, "id"))
			query_add(q, desc ? ", c.id DESC" : ", c.id");
		return 0;
	}
	{
		char list[512];
		const char *best = crm_suggest(field, crm_client_sort_fields);
		crm_set_list(crm_client_sort_fields, list, sizeof list);
		return crm_err(crm, CRM_USAGE, "%s: cannot sort by '%s' (%s;"
		               " '-' before for descending)%s%s%s%s", crm->cmdname, field, list,
		               best ? "; did you mean '" : "", best && desc ? "-" : "",
		               best ? best : "", best ? "'?" : "");
	}
}

int crm_client_where(struct crm *crm, struct query *q, const struct crm_client_filter *flt)
{
	char cutoff[CRM_TIME_LEN];

	for (int i = 0; flt->stage && flt->stage[i]; i++)
		if (crm_stage_check(crm, flt->stage[i]))
			return CRM_DATAERR;
	for (int i = 0; flt->channel && flt->channel[i]; i++)
		if (crm_channel_check(crm, flt->channel[i]))
			return CRM_DATAERR;
	query_where_in(q, "c.stage IN (?)", flt->stage, 0);
	if (flt->operators)
		query_where_in(q, "c.operator_id IN (?)", flt->operators, 1);
	else if (flt->operator_id > 0)
		query_where_int(q, "c.operator_id = ?", flt->operator_id);
	if (flt->status)
		query_where_in(q, "c.status IN (?)", flt->status, 0);
	else if (!flt->all)   /* archived and forgotten clients are out of sight */
		query_where(q, "c.status NOT IN ('archived', 'forgotten')");
	query_where_in(q, "c.channel IN (?)", flt->channel, 0);
	query_where_in(q, "c.source_type IN (?)", flt->source_type, 0);
	if (flt->automation) {
		int on = crm_in_set("on", flt->automation) != NULL;
		if (on != (crm_in_set("off", flt->automation) != NULL))   /* not both */
			query_where_int(q, "c.automation_enabled = ?", on);
	}
	query_where_in(q, "c.ai_mode IN (?)", flt->ai, 0);
	query_where_text(q, "c.created_at >= ?", flt->since);
	query_where_text(q, "c.created_at < ?", flt->until);
	query_where_text(q, "c.next_action_at < ?", flt->due);
	if (flt->overdue) {
		char now[CRM_TIME_LEN];
		crm_now(now);
		query_where(q, "c.next_action_at < ?");
		query_bind_owned(q, xstrdup(now));
	}
	query_where_in(q, "c.id IN (SELECT client_id FROM client_tags WHERE tag IN (?))", flt->tag, 0);
	if (flt->min_viability >= 0)
		query_where_int(q, "c.viability >= ?", flt->min_viability);
	if (flt->stale_days >= 0) {
		/* no contact either way for that long, in a stage still open */
		long long now = crm_now_epoch();
		/* more days than there have been since 1970: before any time */
		crm_time_from_epoch(flt->stale_days > now / 86400 ? 0 :
		                    now - flt->stale_days * 86400, cutoff);
		query_where(q, "max(coalesce(c.last_contacted_at, ''),"
		            " coalesce(c.last_interaction_at, ''), c.created_at) < ?");
		query_bind_owned(q, xstrdup(cutoff));   /* it outlives this function */
		/* the terminal stages as one JSON array: however many there are */
		query_where(q, "c.stage NOT IN (SELECT value FROM json_each(?))");
		query_bind_owned(q, crm_json_strings((const char *const *)crm->cfg.terminal.v,
		                                      crm->cfg.terminal.n));
	}
	return query_where_search(crm, q, "c.id IN (SELECT rowid FROM clients_fts"
	                          " WHERE clients_fts MATCH ?)",
	                          "c.operator_id IN (SELECT id FROM operators)"
	                          " AND c.email_norm = ?", flt->q);
}

int crm_client_order(struct crm *crm, struct query *q, const struct crm_client_filter *flt)
{
	/* what is due comes soonest first, unless asked otherwise */
	return add_sort(crm, q, flt->sort ? flt->sort :
	                flt->due || flt->overdue ? "next_action_at" : NULL);
}

int crm_client_list(struct crm *crm, const struct crm_client_filter *flt,
                    struct printer *pr)
{
	struct pcol cols[CRM_CATALOG_MAX];
	struct query q;
	int n = crm_entity_query(&crm_clients, flt->wide ? CAT_WIDE : CAT_NARROW, &q, cols), rc;

	q.offset = flt->offset;
	if (!(rc = crm_client_where(crm, &q, flt)) && !(rc = crm_client_order(crm, &q, flt)))
		rc = query_print(crm, &q, flt->limit, pr, cols, n, "client list");
	query_free(&q);
	return rc;
}


static const struct pcol context_cols[] = {
	{ "listing_ref", COL_TEXT, PCOL_NARROW },
	{ "title", COL_TEXT, PCOL_NARROW | PCOL_CUT(40) },
	{ "location", COL_TEXT, PCOL_NARROW | PCOL_CUT(30) },
	{ "price", COL_AUTO, PCOL_NARROW },
	{ "listing", COL_JSON, 0 },
};

int crm_listing_show(struct crm *crm, const char *refs_sql, long long id,
                     struct printer *pr)
{
	static const char fields_sql[] =
		"SELECT ?1 ->> '$.title', ?1 ->> '$.location', ?1 ->> '$.price'";
	sqlite3_stmt *st, *f;
	char **refs = NULL;
	int n = 0, rc;

	if (!crm->cfg.sources.listings.set)
		return 0;
	/* the refs first: the source is read with no statement of crm's open */
	if (!(st = crm_stmt(crm, refs_sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		refs = xrealloc(refs, (size_t)(n + 1) * sizeof *refs);
		refs[n++] = crm_column_dup(st, 0);
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "listing context");
	printer_list(pr, "listing_context", "listings (sources.listings)", context_cols,
	             (int)(sizeof context_cols / sizeof *context_cols));
	for (int i = 0; !rc && i < n; i++) {
		char *json = NULL;
		const char *vals[5] = { refs[i] };
		/* a source that cannot be read leaves the listing without its
		 * context: the record is shown all the same */
		if (crm_listing_context(crm, refs[i], &json) || !json)
			continue;
		if (!(f = crm_stmt(crm, fields_sql))) {
			free(json);
			rc = crm_stmt_status(crm);
			break;
		}
		sqlite3_bind_text(f, 1, json, -1, SQLITE_STATIC);
		if (sqlite3_step(f) == SQLITE_ROW)
			for (int c = 0; c < 3; c++)
				vals[1 + c] = (const char *)sqlite3_column_text(f, c);
		vals[4] = json;
		printer_list_vals(pr, vals);
		sqlite3_reset(f);
		free(json);
	}
	for (int i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
	crm->err[0] = '\0';
	return rc;
}

int crm_client_show(struct crm *crm, long long id, struct printer *pr)
{
	int rc;

	/* the client, then its listings and its last communications */
	if ((rc = crm_entity_record(crm, &crm_clients, "c.id", id, "client", pr)))
		return rc;
	if (!(rc = crm_entity_list(crm, &crm_listings, " WHERE l.client_id = ? ORDER BY l.id",
	                           id, "listings", "listings", pr)) &&
	    !(rc = crm_listing_show(crm, "SELECT listing_ref FROM client_listings"
	                            " WHERE client_id = ?1 AND listing_ref IS NOT NULL"
	                            " UNION SELECT listing_ref FROM clients WHERE id = ?1"
	                            " AND listing_ref IS NOT NULL ORDER BY 1", id, pr)))
		rc = crm_entity_list(crm, &crm_comms, " WHERE m.client_id = ?"
		                     " ORDER BY m.occurred_at DESC, m.id DESC LIMIT 20", id,
		                     "communications", "communications (newest first)", pr);
	printer_record_end(pr);
	return rc;
}

int crm_client_history(struct crm *crm, long long id, long long limit, long long offset,
                       struct printer *pr)
{
	struct pcol cols[CRM_CATALOG_MAX];
	struct query q;
	int n = crm_entity_query(&crm_history, CAT_WIDE, &q, cols), rc;

	query_add(&q, " WHERE a.entity = 'client' AND a.entity_id = ? ORDER BY a.id");
	query_bind_int(&q, id);
	q.offset = offset;
	rc = query_print(crm, &q, limit, pr, cols, n, "client history");
	query_free(&q);
	/* a client with no history yet is no error */
	return rc == CRM_NOTFOUND ? 0 : rc;
}

int crm_client_dupes(struct crm *crm, struct printer *pr)
{
	/* only a client whose stored key is not what crm computes now can
	 * share an owner with another: the unique indexes see to the rest */
	static const char sql[] =
		"SELECT c.id, d.id, 'email', d.key FROM"
		" (SELECT id, operator_id, crm_norm_email(email) AS key FROM clients"
		"  WHERE email IS NOT NULL AND email_norm IS NOT crm_norm_email(email)"
		"  AND (?1 = 0 OR operator_id = ?1)) d"
		" JOIN clients c ON c.operator_id = d.operator_id AND c.email_norm = d.key"
		" AND c.id <> d.id"
		" UNION ALL "
		"SELECT c.id, d.id, 'phone', d.key FROM"
		" (SELECT id, operator_id, crm_phone_key(phone) AS key FROM clients"
		"  WHERE phone IS NOT NULL AND phone_norm NOT GLOB '+*'"
		"  AND (?1 = 0 OR operator_id = ?1)) d"
		" JOIN clients c ON c.operator_id = d.operator_id AND c.phone_norm = d.key"
		" AND c.id <> d.id"
		" ORDER BY 1, 2";
	static const struct pcol cols[] = {
		{ "id", COL_INT, 0 }, { "duplicate_id", COL_INT, 0 },
		{ "match", COL_TEXT, 0 }, { "key", COL_TEXT, 0 },
	};
	struct query q;
	int rc;

	if ((rc = crm_db_functions(crm)))
		return rc;
	query_init(&q, sql);
	query_bind_int(&q, crm->operator_id);
	rc = query_print(crm, &q, -1, pr, cols, 4, "client dupes");
	query_free(&q);
	return rc;
}

/* each value of the one-column sql (?1: the prefix, ?2: just past it)
 * given to fn, at most 200 */
static int complete_each(struct crm *crm, const char *sql, const char *prefix,
                         void (*fn)(const char *value, void *arg), void *arg)
{
	sqlite3_stmt *st = crm_stmt(crm, sql);
	size_t n = strlen(prefix);
	char *past = xmalloc(n + 5);
	int rc;

	if (!st) {
		free(past);
		return crm_stmt_status(crm);
	}
	/* the prefix with U+10FFFF after it sorts after every text it starts */
	memcpy(past, prefix, n);
	memcpy(past + n, "\xf4\x8f\xbf\xbf", 5);
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, past, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(st, 0), arg);
	sqlite3_reset(st);
	free(past);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "complete");
}

int crm_client_complete(struct crm *crm, const char *prefix,
                        void (*fn)(const char *email, void *arg), void *arg)
{
	/* the owner keys, through the owner index of each operator, in its
	 * order (bash sorts what it shows) */
	static const char sql[] =
		"SELECT email_norm FROM clients WHERE operator_id IN (SELECT id FROM operators)"
		" AND email_norm >= ?1 AND email_norm < ?2 LIMIT 200";

	return complete_each(crm, sql, prefix, fn, arg);
}

int crm_tag_complete(struct crm *crm, const char *prefix,
                     void (*fn)(const char *tag, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT DISTINCT tag FROM client_tags WHERE tag >= ?1 AND tag < ?2"
		" ORDER BY tag LIMIT 200";

	return complete_each(crm, sql, prefix, fn, arg);
}
