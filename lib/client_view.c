/* client_view.c: reading clients: list, show, history. */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "query.h"

/* Every column, in the order machine formats print them; these are the
 * names `client import` reads back. */
#define WIDE_SELECT \
	"SELECT c.id, c.operator_id, c.name, c.email, c.phone, c.stage," \
	" c.status, c.channel, c.source_type, c.source_url, c.listing_ref," \
	" c.viability, c.automation_enabled, c.ai_mode," \
	" (SELECT json_group_array(tag) FROM client_tags t WHERE t.client_id = c.id)," \
	" c.custom, c.notes, c.lost_reason, c.next_action_at," \
	" c.last_contacted_at, c.last_interaction_at, c.created_at, c.updated_at" \
	" FROM clients c"

static const struct pcol wide_cols[] = {
	{ "id", COL_INT }, { "operator_id", COL_INT }, { "name", COL_TEXT },
	{ "email", COL_TEXT }, { "phone", COL_TEXT }, { "stage", COL_TEXT },
	{ "status", COL_TEXT }, { "channel", COL_TEXT },
	{ "source_type", COL_TEXT }, { "source_url", COL_TEXT },
	{ "listing_ref", COL_TEXT }, { "viability", COL_INT },
	{ "automation_enabled", COL_INT }, { "ai_mode", COL_TEXT },
	{ "tags", COL_LIST }, { "custom", COL_JSON }, { "notes", COL_TEXT },
	{ "lost_reason", COL_TEXT }, { "next_action_at", COL_TEXT },
	{ "last_contacted_at", COL_TEXT }, { "last_interaction_at", COL_TEXT },
	{ "created_at", COL_TEXT }, { "updated_at", COL_TEXT },
};
#define NWIDE ((int)(sizeof wide_cols / sizeof wide_cols[0]))

/* what a person at a terminal wants to see */
#define NARROW_SELECT \
	"SELECT c.id, c.name, c.stage, c.channel, c.email, c.phone," \
	" c.viability, c.last_contacted_at FROM clients c"

static const struct pcol narrow_cols[] = {
	{ "id", COL_INT }, { "name", COL_TEXT }, { "stage", COL_TEXT },
	{ "channel", COL_TEXT }, { "email", COL_TEXT }, { "phone", COL_TEXT },
	{ "viability", COL_INT }, { "last_contacted", COL_TEXT },
};
#define NNARROW ((int)(sizeof narrow_cols / sizeof narrow_cols[0]))

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
			snprintf(buf, sizeof buf, " ORDER BY c.%s%s%s", field,
			         strcmp(field, "name") ? "" : " COLLATE NOCASE",
			         desc ? " DESC" : "");
			query_add(q, buf);
		}
		if (strcmp(field, "id"))
			query_add(q, desc ? ", c.id DESC" : ", c.id");
		return 0;
	}
	return crm_err(crm, CRM_USAGE,
	               "client list: cannot sort by '%s' (id, name, stage, viability,"
	               " created_at, updated_at, last_contacted_at,"
	               " last_interaction_at, next_action_at; '-' before for descending)",
	               field);
}

int crm_client_where(struct crm *crm, struct query *q, const struct crm_client_filter *flt)
{
	char cutoff[CRM_TIME_LEN];

	if (flt->stage) {
		if (!crm_config_has_stage(&crm->cfg, flt->stage))
			return crm_err(crm, CRM_DATAERR, "stage '%s': not in the pipeline", flt->stage);
		query_where(q, "c.stage = ?");
		query_bind_text(q, flt->stage);
	}
	if (flt->operator_id > 0) {
		query_where(q, "c.operator_id = ?");
		query_bind_int(q, flt->operator_id);
	}
	if (flt->status) {
		query_where(q, "c.status = ?");
		query_bind_text(q, flt->status);
	}
	if (flt->channel) {
		if (!crm_config_has_channel(&crm->cfg, flt->channel))
			return crm_err(crm, CRM_DATAERR, "channel '%s': not a configured channel",
			               flt->channel);
		query_where(q, "c.channel = ?");
		query_bind_text(q, flt->channel);
	}
	if (flt->source_type) {
		query_where(q, "c.source_type = ?");
		query_bind_text(q, flt->source_type);
	}
	if (flt->automation) {
		query_where(q, "c.automation_enabled = ?");
		query_bind_int(q, !strcmp(flt->automation, "on"));
	}
	if (flt->ai) {
		query_where(q, "c.ai_mode = ?");
		query_bind_text(q, flt->ai);
	}
	if (flt->since) {
		query_where(q, "c.created_at >= ?");
		query_bind_text(q, flt->since);
	}
	if (flt->until) {
		query_where(q, "c.created_at < ?");
		query_bind_text(q, flt->until);
	}
	if (flt->tag) {
		query_where(q, "c.id IN (SELECT client_id FROM client_tags WHERE tag = ?)");
		query_bind_text(q, flt->tag);
	}
	if (flt->min_viability >= 0) {
		query_where(q, "c.viability >= ?");
		query_bind_int(q, flt->min_viability);
	}
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
	if (flt->q) {
		static const char *const cols[] = { "c.name", "c.email", "c.phone",
			"c.notes", "c.source_url", "c.listing_ref" };
		query_where_like(q, flt->q, cols, 6);
	}
	return 0;
}

int crm_client_list(struct crm *crm, const struct crm_client_filter *flt,
                    struct printer *pr)
{
	struct query q;
	int rc;

	query_init(&q, flt->wide ? WIDE_SELECT : NARROW_SELECT);
	if (!(rc = crm_client_where(crm, &q, flt)) && !(rc = add_sort(crm, &q, flt->sort)))
		rc = query_print(crm, &q, flt->limit, pr, flt->wide ? wide_cols : narrow_cols,
		                 flt->wide ? NWIDE : NNARROW, "client list");
	query_free(&q);
	return rc;
}

/* The whole client as one JSON object: every field, its listings and its
 * last communications, newest first. */
static const char show_json_sql[] =
	"SELECT json_object('id', c.id, 'operator_id', c.operator_id,"
	" 'name', c.name, 'email', c.email, 'phone', c.phone, 'stage', c.stage,"
	" 'status', c.status, 'channel', c.channel, 'source_type', c.source_type,"
	" 'source_url', c.source_url, 'listing_ref', c.listing_ref,"
	" 'viability', c.viability, 'automation_enabled', c.automation_enabled,"
	" 'automation_paused_until', c.automation_paused_until,"
	" 'ai_mode', c.ai_mode,"
	" 'tags', (SELECT json_group_array(tag) FROM client_tags t WHERE t.client_id = c.id),"
	" 'custom', json(c.custom), 'notes', c.notes, 'lost_reason', c.lost_reason,"
	" 'next_action_at', c.next_action_at,"
	" 'last_contacted_at', c.last_contacted_at,"
	" 'last_interaction_at', c.last_interaction_at,"
	" 'created_at', c.created_at, 'updated_at', c.updated_at,"
	" 'listings', (SELECT json_group_array(json_object('listing_ref', l.listing_ref,"
	"   'listing_hash', l.listing_hash, 'source_url', l.source_url,"
	"   'lead_id', l.lead_id, 'created_at', l.created_at))"
	"   FROM client_listings l WHERE l.client_id = c.id),"
	" 'communications', (SELECT json_group_array(json_object('id', m.id,"
	"   'occurred_at', m.occurred_at, 'channel', m.channel,"
	"   'direction', m.direction, 'kind', m.kind, 'status', m.status,"
	"   'subject', m.subject, 'body', m.body, 'source', m.source,"
	"   'external_id', m.external_id))"
	"   FROM (SELECT * FROM communications WHERE client_id = c.id"
	"         ORDER BY occurred_at DESC, id DESC LIMIT 20) m))"
	" FROM clients c WHERE c.id = ?1";

static const char show_listings_sql[] =
	"SELECT listing_ref, listing_hash, source_url, lead_id FROM client_listings"
	" WHERE client_id = ?1 ORDER BY id";
static const struct pcol listing_cols[] = {
	{ "listing_ref", COL_TEXT }, { "listing_hash", COL_TEXT },
	{ "source_url", COL_TEXT }, { "lead_id", COL_INT },
};

static const char show_comms_sql[] =
	"SELECT occurred_at, channel, direction, kind, status,"
	" coalesce(subject, substr(body, 1, 60)) FROM communications"
	" WHERE client_id = ?1 ORDER BY occurred_at DESC, id DESC LIMIT 20";
static const struct pcol comm_cols[] = {
	{ "occurred_at", COL_TEXT }, { "channel", COL_TEXT },
	{ "direction", COL_TEXT }, { "kind", COL_TEXT }, { "status", COL_TEXT },
	{ "subject", COL_TEXT },
};

/* a section of the table view: rows of sql, or "(none)" */
static int show_section(struct crm *crm, FILE *out, const char *title,
                        const char *sql, long long id, const struct pcol *cols,
                        int ncols)
{
	sqlite3_stmt *st = crm_stmt(crm, sql);
	struct printer *pr;
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	fprintf(out, "\n%s:\n", title);
	sqlite3_bind_int64(st, 1, id);
	pr = printer_new(out, FMT_TABLE);
	printer_begin(pr, cols, ncols);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_row_stmt(pr, st);
	sqlite3_reset(st);
	if (printer_end(pr) == 0)
		fputs("  (none)\n", out);
	printer_free(pr);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "client show");
}

int crm_client_show(struct crm *crm, long long id, FILE *out)
{
	struct query q;
	sqlite3_stmt *st = NULL;
	int rc;

	if (crm->fmt == FMT_JSON || crm->fmt == FMT_JSONL) {
		if (!(st = crm_stmt(crm, show_json_sql)))
			return crm_stmt_status(crm);
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			fprintf(out, "%s\n", sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return crm_err(crm, CRM_NOTFOUND, "client '%lld': not found", id);
		return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "client show");
	}
	if (crm->fmt != FMT_TABLE) {
		/* one row, the same columns as `client list` */
		struct printer *pr = printer_open(crm, out);
		query_init(&q, WIDE_SELECT " WHERE c.id = ?");
		query_bind_int(&q, id);
		rc = query_print(crm, &q, -1, pr, wide_cols, NWIDE, "client show");
		printer_free(pr);
		query_free(&q);
		if (rc == CRM_NOTFOUND)
			rc = crm_err(crm, CRM_NOTFOUND, "client '%lld': not found", id);
		return rc;
	}
	/* for a person: one field a line, then the listings and the timeline */
	query_init(&q, WIDE_SELECT " WHERE c.id = ?");
	query_bind_int(&q, id);
	if ((rc = query_prepare(crm, &q, &st)))
		goto cleanup;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ?
			crm_err(crm, CRM_NOTFOUND, "client '%lld': not found", id) :
			crm_sqlerr(crm, "client show");
		goto cleanup;
	}
	printer_fields(out, st, wide_cols, NWIDE);
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = show_section(crm, out, "listings", show_listings_sql, id,
	                       listing_cols, 4)))
		goto cleanup;
	rc = show_section(crm, out, "communications (newest first)", show_comms_sql,
	                  id, comm_cols, 6);
cleanup:
	sqlite3_finalize(st);
	query_free(&q);
	return rc;
}

int crm_client_history(struct crm *crm, long long id, struct printer *pr)
{
	static const char sql[] =
		"SELECT at, actor, action, field, old_value, new_value, reason"
		" FROM activity_logs WHERE entity = 'client' AND entity_id = ?1"
		" ORDER BY id";
	static const struct pcol cols[] = {
		{ "at", COL_TEXT }, { "actor", COL_TEXT }, { "action", COL_TEXT },
		{ "field", COL_TEXT }, { "old_value", COL_TEXT },
		{ "new_value", COL_TEXT }, { "reason", COL_TEXT },
	};
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	if ((rc = crm_fmt_check(crm, cols, 7)))
		return rc;
	printer_begin(pr, cols, 7);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_row_stmt(pr, st);
	sqlite3_reset(st);
	printer_end(pr);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "client history");
}
