/* export.c: crm export's sheets, from one snapshot (see export.h). */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "query.h"

const char *const crm_export_whats[] = { "clients", "comms", "leads", "all", NULL };

const struct crm_entity *crm_export_entity(enum crm_export_what what)
{
	return what == EXPORT_COMMS ? &crm_comms : what == EXPORT_LEADS ? &crm_leads :
	       &crm_clients;
}

/* the names of e's columns that machine formats print, NULL-terminated,
 * into out (room for e->ncols + 1) */
static const char **known_columns(const struct crm_entity *e, const char **out)
{
	struct pcol cols[CRM_CATALOG_MAX];
	int n = crm_entity_pcols(e, CAT_WIDE, cols);

	for (int i = 0; i < n; i++)
		out[i] = cols[i].name;
	out[n] = NULL;
	return out;
}

int crm_export_columns_check(struct crm *crm, const struct crm_entity *e,
                             const char *const *names)
{
	const char *known[CRM_CATALOG_MAX + 1], *best;
	char list[1024];

	known_columns(e, known);
	for (int i = 0; names && names[i]; i++) {
		for (int j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return crm_err(crm, CRM_USAGE, "export: --columns '%s': named twice",
				               names[i]);
		if (crm_in_set(names[i], known))
			continue;
		best = crm_suggest(names[i], known);
		crm_set_list(known, list, sizeof list);
		return crm_err(crm, CRM_USAGE, "export: --columns '%s': unknown column%s%s%s"
		               " (known: %s)", names[i], best ? "; did you mean '" : "",
		               best ? best : "", best ? "'?" : "", list);
	}
	return 0;
}

int crm_export_narrows(const struct crm_client_filter *f)
{
	return f->stage || f->status || f->channel || f->source_type || f->tag ||
	       f->automation || f->ai || f->operators || f->q || f->since || f->until ||
	       f->due || f->overdue || f->min_viability >= 0 || f->stale_days >= 0 ||
	       f->limit >= 0 || f->offset > 0;
}

/* q begun as the SELECT of e's columns named names (every one when
 * NULL), and the printer's columns into cols; how many */
static int sheet_query(const struct crm_entity *e, const char *const *names,
                       struct query *q, struct pcol *cols)
{
	const struct crm_col *c;
	int n = 0;

	if (!names)
		return crm_entity_query(e, CAT_WIDE, q, cols);
	query_init(q, "SELECT ");
	for (; names[n]; n++) {
		c = crm_entity_col(e, names[n]);
		if (n)
			query_add(q, ", ");
		query_add(q, c->sql);
		cols[n] = (struct pcol){ c->name, c->type, 0 };
	}
	query_add(q, " FROM ");
	query_add(q, e->from);
	return n;
}

/* the rows of q, a sheet of pr: its name, and each JSON object's type
 * when several sheets are printed */
static int sheet(struct crm *crm, const struct crm_export *ex, struct printer *pr,
                 struct query *q, const struct pcol *cols, int n, const char *name,
                 const char *type)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = query_prepare(crm, q, &st)))
		return rc;
	printer_sheet(pr, name, ex->what == EXPORT_ALL ? type : NULL);
	printer_begin(pr, cols, n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_row_stmt(pr, st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "export");
	printer_end(pr);
	sqlite3_finalize(st);
	return rc;
}

/* " LIMIT ? OFFSET ?" of the filter, when it has them */
static void limit(struct query *q, const struct crm_client_filter *flt)
{
	if (flt->limit < 0 && flt->offset <= 0)
		return;
	query_add(q, " LIMIT ? OFFSET ?");
	query_bind_int(q, flt->limit);   /* -1: no limit */
	query_bind_int(q, flt->offset > 0 ? flt->offset : 0);
}

static int clients_sheet(struct crm *crm, const struct crm_export *ex, struct printer *pr)
{
	struct pcol cols[CRM_CATALOG_MAX];
	struct query q;
	int n = sheet_query(&crm_clients, ex->columns, &q, cols), rc;

	if (!(rc = crm_client_where(crm, &q, ex->flt)) &&
	    !(rc = crm_client_order(crm, &q, ex->flt))) {
		limit(&q, ex->flt);
		rc = sheet(crm, ex, pr, &q, cols, n, "Clients", "client");
	}
	query_free(&q);
	return rc;
}

static const char sql_selection[] =
	"CREATE TEMP TABLE IF NOT EXISTS export_clients (id INTEGER PRIMARY KEY);"
	" DELETE FROM temp.export_clients";

/* temp.export_clients: the ids of the clients selected, for the sheets
 * that follow them (a table of the connection's own: writing it takes
 * no lock of the database) */
static int select_clients(struct crm *crm, const struct crm_client_filter *flt)
{
	struct query q;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = crm_db_exec(crm, sql_selection, "export")))
		return rc;
	query_init(&q, "INSERT INTO temp.export_clients SELECT c.id FROM clients c");
	if (!(rc = crm_client_where(crm, &q, flt)) && !(rc = crm_client_order(crm, &q, flt))) {
		limit(&q, flt);
		if (!(rc = query_prepare(crm, &q, &st)))
			rc = crm_exec_stmt(crm, st, "export");
	}
	sqlite3_finalize(st);
	query_free(&q);
	return rc;
}

static int comms_sheet(struct crm *crm, const struct crm_export *ex, struct printer *pr)
{
	struct pcol cols[CRM_CATALOG_MAX];
	struct query q;
	int n = sheet_query(&crm_comms, ex->what == EXPORT_COMMS ? ex->columns : NULL, &q,
	                    cols), rc;

	query_add(&q, " WHERE m.client_id IN (SELECT id FROM temp.export_clients)"
	          " ORDER BY m.client_id, m.occurred_at, m.id");
	rc = sheet(crm, ex, pr, &q, cols, n, "Communications", "communication");
	query_free(&q);
	return rc;
}

static int leads_sheet(struct crm *crm, const struct crm_export *ex, struct printer *pr)
{
	struct pcol cols[CRM_CATALOG_MAX];
	struct query q;
	int n = sheet_query(&crm_leads, ex->what == EXPORT_LEADS ? ex->columns : NULL, &q,
	                    cols), rc;

	if (crm_export_narrows(ex->flt))
		query_where(&q, "l.client_id IN (SELECT id FROM temp.export_clients)");
	else if (crm->operator_id > 0)
		query_where_int(&q, "l.operator_id = ?", crm->operator_id);
	query_add(&q, " ORDER BY l.id");
	rc = sheet(crm, ex, pr, &q, cols, n, "Leads", "lead");
	query_free(&q);
	return rc;
}

/* the selected clients by stage, every stage of the pipeline in its
 * order (0 for one that has none); ?1 the stages as a JSON array */
static const char sql_stages[] =
	"SELECT s.value, coalesce(n.clients, 0) FROM json_each(?1) s"
	" LEFT JOIN (SELECT c.stage, count(*) AS clients FROM clients c"
	" JOIN temp.export_clients e ON e.id = c.id GROUP BY c.stage) n ON n.stage = s.value"
	" ORDER BY s.key";
/* By channel: the selected clients contacted on it (an outbound
 * communication), those of them with an inbound one on the same
 * channel after their first outbound, and the rate; the channels of
 * the config (?1) in its order, then any other */
static const char sql_replies[] =
	"WITH first_out AS (SELECT m.client_id, m.channel, min(m.occurred_at) AS at"
	" FROM communications m JOIN temp.export_clients e ON e.id = m.client_id"
	" WHERE m.direction = 'out' GROUP BY m.client_id, m.channel),"
	" replies AS (SELECT f.channel, count(*) AS contacted,"
	" sum(EXISTS (SELECT 1 FROM communications i WHERE i.client_id = f.client_id"
	" AND i.channel = f.channel AND i.direction = 'in' AND i.occurred_at > f.at))"
	" AS replied FROM first_out f GROUP BY f.channel)"
	" SELECT channel, contacted, replied, round(1.0 * replied / contacted, 4) FROM replies"
	" ORDER BY (SELECT key FROM json_each(?1) WHERE value = channel) NULLS LAST, channel";

static const struct pcol stage_cols[] = {
	{ "stage", COL_TEXT, 0 },
	{ "clients", COL_INT, 0 },
};
static const struct pcol reply_cols[] = {
	{ "channel", COL_TEXT, 0 },
	{ "contacted", COL_INT, 0 },
	{ "replied", COL_INT, 0 },
	{ "reply_rate", COL_AUTO, 0 },
};

/* one table of the pipeline sheet (begun by the first, sheet NULL for
 * the next): sql with ?1 the names of set */
static int pipeline_table(struct crm *crm, struct printer *pr, const char *sql,
                          const struct crm_strlist *set, const struct pcol *cols, int n,
                          const char *sheet, const char *type, const char *title, int val)
{
	char *json = crm_json_strings((const char *const *)set->v, set->n);
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st) {
		free(json);
		return crm_stmt_status(crm);
	}
	sqlite3_bind_text(st, 1, json, -1, free);
	printer_sheet(pr, sheet, type);
	printer_begin(pr, cols, n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_row_stmt(pr, st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "export: pipeline");
	printer_end(pr);
	printer_chart(pr, title, 0, val);
	sqlite3_reset(st);
	return rc;
}

int crm_export_run(struct crm *crm, const struct crm_export *ex, struct printer *pr)
{
	int rc;

	/* one snapshot: every sheet read in this one transaction (WAL:
	 * writers go on meanwhile, and none of their commits shows) */
	if ((rc = crm_db_exec(crm, "BEGIN", "export")))
		return rc;
	if (ex->what == EXPORT_CLIENTS || ex->what == EXPORT_ALL)
		rc = clients_sheet(crm, ex, pr);
	if (!rc && ex->what != EXPORT_CLIENTS)
		rc = select_clients(crm, ex->flt);
	if (!rc && (ex->what == EXPORT_COMMS || ex->what == EXPORT_ALL))
		rc = comms_sheet(crm, ex, pr);
	if (!rc && (ex->what == EXPORT_LEADS || ex->what == EXPORT_ALL))
		rc = leads_sheet(crm, ex, pr);
	if (!rc && ex->what == EXPORT_ALL) {
		rc = pipeline_table(crm, pr, sql_stages, &crm->cfg.stages, stage_cols, 2, "Pipeline", "stage",
		                    "Clients by stage", 1);
		/* the second table goes on the same sheet */
		if (!rc)
			rc = pipeline_table(crm, pr, sql_replies, &crm->cfg.channels, reply_cols, 4,
			                    NULL, "reply_rate", "Reply rate by channel", 3);
	}
	if (rc)
		crm_db_exec(crm, "ROLLBACK", "export");
	else
		rc = crm_db_exec(crm, "COMMIT", "export");
	return rc;
}
