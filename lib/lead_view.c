/* lead_view.c: reading leads: list and show. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lead.h"
#include "query.h"

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
	{ "channel", "l.channel", COL_TEXT, 0, LF_CHANNEL, NULL, 0 },
	{ "title", "l.title", COL_TEXT, 0, LF_TITLE, NULL, 0 },
	{ "location", "l.location", COL_TEXT, 7, LF_LOCATION, NULL, 0 },
	{ "price", "l.price", COL_AUTO, 8, LF_PRICE, NULL, 0 },
	{ "status", "l.status", COL_TEXT, 2, LF_STATUS, NULL, 0 },
	{ "viability", "l.viability", COL_INT, 3, LF_VIABILITY, NULL, 0 },
	{ "viability_given", "l.viability_given", COL_INT, 0, -1, NULL, 0 },
	{ "client_id", "l.client_id", COL_INT, 9, -1, NULL, 0 },
	{ "raw", "l.raw", COL_JSON, 0, -1, NULL, 0 },
	{ "created_at", "l.created_at", COL_TEXT, 0, -1, NULL, 0 },
	{ "updated_at", "l.updated_at", COL_TEXT, 0, -1, NULL, 0 },
};
#define NLEAD_COLS ((int)(sizeof lead_cols / sizeof lead_cols[0]))

const struct crm_entity crm_leads = { "leads l", lead_cols, NLEAD_COLS };

void crm_lead_filter_init(struct crm_lead_filter *flt)
{
	memset(flt, 0, sizeof *flt);
	flt->min_viability = -1;
	flt->limit = -1;
}

int crm_lead_list(struct crm *crm, const struct crm_lead_filter *flt,
                  struct printer *pr)
{
	struct pcol cols[NLEAD_COLS];
	struct query q;
	int n = crm_entity_query(&crm_leads, flt->wide ? CAT_WIDE : CAT_NARROW, &q, cols), rc;

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
		static const char *const cols_q[] = { "l.contact_name", "l.contact_email",
			"l.contact_phone", "l.title", "l.location", "l.source_url" };
		query_where_like(&q, flt->q, cols_q, 6);
	}
	query_add(&q, " ORDER BY l.id");
	rc = query_print(crm, &q, flt->limit, pr, cols, n, "lead list");
	query_free(&q);
	return rc;
}

int crm_lead_show(struct crm *crm, long long id, struct printer *pr)
{
	int rc = crm_entity_record(crm, &crm_leads, "l.id", id, "lead", pr);

	if (!rc)
		printer_record_end(pr);
	return rc;
}
