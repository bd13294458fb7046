/* export.c: crm export's sheets, from one snapshot (see export.h). */
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "stats.h"
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

/* The Pipeline sheet: the figures of crm stats for the clients
 * selected, over their whole history: by stage the clients and the
 * funnel, by channel the reply rate, each table with its chart. */
static const struct pcol stage_cols[] = {
	{ "stage", COL_TEXT, 0 },
	{ "clients", COL_INT, 0 },
	{ "reached", COL_INT, 0 },
	{ "conversion", COL_INT, 0 },
};
static const struct pcol reply_cols[] = {
	{ "channel", COL_TEXT, 0 },
	{ "contacted", COL_INT, 0 },
	{ "replied", COL_INT, 0 },
	{ "reply_rate", COL_INT, 0 },
};

static int pipeline_sheet(struct crm *crm, const struct crm_export *ex, struct printer *pr)
{
	struct crm_stats s;
	char a[24], b[24], c[24];
	const char *v[4];
	int rc;

	if ((rc = crm_stats_compute(crm, ex->flt, NULL, NULL, STATS_ALL, &s)))
		return rc;
	printer_sheet(pr, "Pipeline", "stage");
	printer_begin(pr, stage_cols, 4);
	for (int i = 0; i < s.nstages; i++) {
		snprintf(a, sizeof a, "%lld", s.stages[i].clients);
		snprintf(b, sizeof b, "%lld", s.stages[i].reached);
		v[0] = s.stages[i].name;
		v[1] = a;
		v[2] = b;
		v[3] = crm_stats_num(s.stages[i].conversion, 4, c, sizeof c);
		printer_row(pr, v);
	}
	printer_end(pr);
	printer_chart(pr, "Clients by stage", 0, 1);
	/* the second table goes on the same sheet */
	printer_sheet(pr, NULL, "reply_rate");
	printer_begin(pr, reply_cols, 4);
	for (int i = 0; i < s.nchannels; i++) {
		if (!s.channels[i].contacted)
			continue;
		snprintf(a, sizeof a, "%lld", s.channels[i].contacted);
		snprintf(b, sizeof b, "%lld", s.channels[i].replied);
		v[0] = s.channels[i].name;
		v[1] = a;
		v[2] = b;
		v[3] = crm_stats_num(s.channels[i].reply_rate, 4, c, sizeof c);
		printer_row(pr, v);
	}
	printer_end(pr);
	printer_chart(pr, "Reply rate by channel", 0, 3);
	crm_stats_free(&s);
	return 0;
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
	if (!rc && ex->what == EXPORT_ALL)
		rc = pipeline_sheet(crm, ex, pr);
	if (rc)
		crm_db_exec(crm, "ROLLBACK", "export");
	else
		rc = crm_db_exec(crm, "COMMIT", "export");
	return rc;
}
