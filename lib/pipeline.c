/* pipeline.c: the pipeline board (see pipeline.h). */
#include <stdlib.h>
#include <string.h>

#include "pipeline.h"
#include "query.h"

/* Whether the index clients_pipeline (stage, viability, status) holds
 * every column flt's WHERE reads: then the counts come from it alone. */
static int index_covers(const struct crm_client_filter *flt)
{
	return !flt->channel && !flt->source_type && !flt->tag && !flt->automation &&
	       !flt->ai && !flt->operators && flt->operator_id <= 0 &&
	       !flt->q && !flt->since && !flt->until && !flt->due && !flt->overdue &&
	       flt->stale_days < 0;
}

/* Begin q as the counts of the stages: the clients flt selects, counted
 * a stage, then the configured stages in their order with theirs, zero
 * for none, and after them the stages no longer configured.  Columns:
 * stage, clients, terminal, configured, viability_avg, and the order's
 * key. */
static int counts_query(struct crm *crm, const struct crm_client_filter *flt, struct query *q)
{
	int rc;

	query_init(q, "WITH n AS (SELECT c.stage AS stage, count(*) AS clients,"
	           " round(avg(c.viability), 1) AS viability_avg FROM clients c");
	if ((rc = crm_client_where(crm, q, flt)))
		return rc;
	/* Grouped in the index's order when it covers the filters (11 ms
	 * for 100,000 clients, where a sort of them takes 32).  A filter on
	 * another column reads the rows anyway: then grouped by an
	 * expression, which SQLite sorts, so that it does not walk the
	 * index in stage order to look up every row (59 ms, not 277, for
	 * --channel). */
	query_add(q, index_covers(flt) ? " GROUP BY c.stage)," : " GROUP BY +c.stage),");
	query_add(q, " conf(stage, pos) AS (SELECT value, key FROM json_each(?))"
	          " SELECT conf.stage, coalesce(n.clients, 0),"
	          " conf.stage IN (SELECT value FROM json_each(?)), 1, n.viability_avg, conf.pos"
	          " FROM conf LEFT JOIN n ON n.stage = conf.stage"
	          " UNION ALL"
	          " SELECT n.stage, n.clients, 0, 0, n.viability_avg, 0 FROM n"
	          " WHERE n.stage NOT IN (SELECT stage FROM conf)"
	          " ORDER BY 4 DESC, 6, 1");
	query_bind_owned(q, crm_json_strings((const char *const *)crm->cfg.stages.v,
	                                     crm->cfg.stages.n));
	query_bind_owned(q, crm_json_strings((const char *const *)crm->cfg.terminal.v,
	                                     crm->cfg.terminal.n));
	return 0;
}

int crm_pipeline_counts(struct crm *crm, const struct crm_client_filter *flt,
                        struct printer *pr)
{
	static const struct pcol cols[] = {
		{ "stage", COL_TEXT, 0 },
		{ "clients", COL_INT, 0 },
		{ "terminal", COL_INT, 0 },
		{ "configured", COL_INT, 0 },
		{ "viability_avg", COL_AUTO, 0 },
	};
	struct query q;
	int rc;

	if (!(rc = counts_query(crm, flt, &q)))
		rc = query_print(crm, &q, -1, pr, cols, (int)(sizeof cols / sizeof cols[0]),
		                 "pipeline");
	query_free(&q);
	return rc;
}

/* the best clients of stage s, at most top, into s->top */
static int stage_top(struct crm *crm, const struct crm_client_filter *flt, long long top,
                     struct crm_board_stage *s)
{
	struct query q;
	sqlite3_stmt *st = NULL;
	int rc;

	query_init(&q, "SELECT c.id, c.name, c.viability FROM clients c");
	if ((rc = crm_client_where(crm, &q, flt)))
		goto cleanup;
	query_where_text(&q, "c.stage = ?", s->stage);
	query_add(&q, " ORDER BY c.viability DESC, c.id LIMIT ?");
	query_bind_int(&q, top);
	if ((rc = query_prepare(crm, &q, &st)))
		goto cleanup;
	s->top = xcalloc((size_t)(top < s->clients ? top : s->clients) + 1, sizeof *s->top);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->ntop < top && s->ntop < s->clients) {
		struct crm_board_client *c = &s->top[s->ntop++];
		c->id = sqlite3_column_int64(st, 0);
		c->name = crm_column_dup(st, 1);
		c->viability = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 :
		               sqlite3_column_int64(st, 2);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "pipeline");
cleanup:
	sqlite3_finalize(st);
	query_free(&q);
	return rc;
}

int crm_pipeline_board(struct crm *crm, const struct crm_client_filter *flt,
                       long long top, struct crm_board *b)
{
	struct query q;
	sqlite3_stmt *st = NULL;
	int rc, cap = 0;

	memset(b, 0, sizeof *b);
	if ((rc = counts_query(crm, flt, &q)) || (rc = query_prepare(crm, &q, &st)))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b->n == cap) {
			cap = cap ? cap * 2 : 16;
			b->stages = xrealloc(b->stages, (size_t)cap * sizeof *b->stages);
		}
		struct crm_board_stage *s = &b->stages[b->n++];
		memset(s, 0, sizeof *s);
		s->stage = crm_column_dup(st, 0);
		s->clients = sqlite3_column_int64(st, 1);
		s->terminal = sqlite3_column_int(st, 2);
		s->configured = sqlite3_column_int(st, 3);
	}
	if (rc != SQLITE_DONE) {
		rc = crm_sqlerr(crm, "pipeline");
		goto cleanup;
	}
	rc = 0;
	/* One indexed query a stage: the stage's best come first in
	 * clients_pipeline, so that each reads little more than it lists
	 * (all those of the last viability it lists, to order them by id):
	 * 3 to 4 ms a stage on bench/run's 100,000 clients.  One query
	 * numbering the rows of each stage (ROW_NUMBER() OVER (PARTITION BY
	 * stage ...)) reads and sorts every client: 200 ms. */
	for (int i = 0; i < b->n && !rc; i++)
		if (top > 0 && b->stages[i].clients > 0)
			rc = stage_top(crm, flt, top, &b->stages[i]);
cleanup:
	sqlite3_finalize(st);
	query_free(&q);
	if (rc)
		crm_board_free(b);
	return rc;
}

void crm_board_free(struct crm_board *b)
{
	for (int i = 0; i < b->n; i++) {
		for (int k = 0; k < b->stages[i].ntop; k++)
			free(b->stages[i].top[k].name);
		free(b->stages[i].top);
		free(b->stages[i].stage);
	}
	free(b->stages);
	memset(b, 0, sizeof *b);
}
