/* lead_view.c: reading leads: list and show. */
#include <stdlib.h>
#include <string.h>

#include "lead.h"
#include "query.h"

#define LEAD_SELECT \
	"SELECT l.id, l.external_id, l.operator_id, l.source_type, l.source_url," \
	" l.listing_ref, l.listing_hash, l.contact_name, l.contact_email," \
	" l.contact_phone, l.channel, l.title, l.location, l.price, l.status," \
	" l.viability, l.viability_given, l.client_id, l.raw, l.created_at," \
	" l.updated_at FROM leads l"

static const struct pcol wide_cols[] = {
	{ "id", COL_INT }, { "external_id", COL_TEXT }, { "operator_id", COL_INT },
	{ "source_type", COL_TEXT }, { "source_url", COL_TEXT },
	{ "listing_ref", COL_TEXT }, { "listing_hash", COL_TEXT },
	{ "contact_name", COL_TEXT }, { "contact_email", COL_TEXT },
	{ "contact_phone", COL_TEXT }, { "channel", COL_TEXT },
	{ "title", COL_TEXT }, { "location", COL_TEXT }, { "price", COL_AUTO },
	{ "status", COL_TEXT }, { "viability", COL_INT },
	{ "viability_given", COL_INT }, { "client_id", COL_INT }, { "raw", COL_JSON }, { "created_at", COL_TEXT }, { "updated_at", COL_TEXT },
};
#define NWIDE ((int)(sizeof wide_cols / sizeof wide_cols[0]))

#define NARROW_SELECT \
	"SELECT l.id, l.status, l.viability, l.contact_name, l.contact_email," \
	" l.contact_phone, l.location, l.price, l.client_id FROM leads l"

static const struct pcol narrow_cols[] = {
	{ "id", COL_INT }, { "status", COL_TEXT }, { "viability", COL_INT },
	{ "contact_name", COL_TEXT }, { "contact_email", COL_TEXT },
	{ "contact_phone", COL_TEXT }, { "location", COL_TEXT },
	{ "price", COL_AUTO }, { "client_id", COL_INT },
};
#define NNARROW ((int)(sizeof narrow_cols / sizeof narrow_cols[0]))

void crm_lead_filter_init(struct crm_lead_filter *flt)
{
	memset(flt, 0, sizeof *flt);
	flt->min_viability = -1;
	flt->limit = -1;
}

int crm_lead_list(struct crm *crm, const struct crm_lead_filter *flt,
                  struct printer *pr)
{
	struct query q;
	int rc;

	query_init(&q, flt->wide ? LEAD_SELECT : NARROW_SELECT);
	if (flt->status) {
		query_where(&q, "l.status = ?");
		query_bind_text(&q, flt->status);
	}
	if (flt->source_type) {
		query_where(&q, "l.source_type = ?");
		query_bind_text(&q, flt->source_type);
	}
	if (flt->operator_id > 0) {
		query_where(&q, "l.operator_id = ?");
		query_bind_int(&q, flt->operator_id);
	}
	if (flt->min_viability >= 0) {
		query_where(&q, "l.viability >= ?");
		query_bind_int(&q, flt->min_viability);
	}
	if (flt->since) {
		query_where(&q, "l.created_at >= ?");
		query_bind_text(&q, flt->since);
	}
	if (flt->q) {
		static const char *const cols[] = { "l.contact_name", "l.contact_email",
			"l.contact_phone", "l.title", "l.location", "l.source_url" };
		query_where_like(&q, flt->q, cols, 6);
	}
	query_add(&q, " ORDER BY l.id");
	rc = query_print(crm, &q, flt->limit, pr, flt->wide ? wide_cols : narrow_cols,
	                 flt->wide ? NWIDE : NNARROW, "lead list");
	query_free(&q);
	return rc;
}


int crm_lead_show(struct crm *crm, long long id, FILE *out)
{
	struct query q;
	sqlite3_stmt *st = NULL;
	struct printer *pr = NULL;
	int rc;

	query_init(&q, LEAD_SELECT " WHERE l.id = ?");
	query_bind_int(&q, id);
	if ((rc = query_prepare(crm, &q, &st)))
		goto cleanup;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ?
			crm_err(crm, CRM_NOTFOUND, "lead '%lld': not found", id) :
			crm_sqlerr(crm, "lead show");
		goto cleanup;
	}
	rc = 0;
	if (crm->fmt == FMT_TABLE) {
		/* for a person: one field a line */
		printer_fields(out, st, wide_cols, NWIDE);
		goto cleanup;
	}
	pr = printer_new(out, crm->fmt == FMT_JSON ? FMT_JSONL : crm->fmt);
	printer_begin(pr, wide_cols, NWIDE);
	printer_row_stmt(pr, st);
	printer_end(pr);
cleanup:
	if (pr)
		printer_free(pr);
	sqlite3_finalize(st);
	query_free(&q);
	return rc;
}
