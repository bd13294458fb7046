/* lead_view.c: reading leads: list and show. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lead.h"
#include "query.h"
#include "sync_int.h"


void crm_lead_filter_init(struct crm_lead_filter *flt)
{
	memset(flt, 0, sizeof *flt);
	flt->min_viability = -1;
	flt->limit = -1;
}

int crm_lead_list(struct crm *crm, const struct crm_lead_filter *flt,
                  struct printer *pr)
{
	struct pcol cols[CRM_CATALOG_MAX];
	struct query q;
	int n = crm_entity_query(&crm_leads, flt->wide ? CAT_WIDE : CAT_NARROW, &q, cols), rc;

	query_where_in(&q, "l.status IN (?)", flt->status, 0);
	query_where_in(&q, "l.source_type IN (?)", flt->source_type, 0);
	if (flt->operators)
		query_where_in(&q, "l.operator_id IN (?)", flt->operators, 1);
	else if (flt->operator_id > 0)
		query_where_int(&q, "l.operator_id = ?", flt->operator_id);
	if (flt->min_viability >= 0)
		query_where_int(&q, "l.viability >= ?", flt->min_viability);
	query_where_text(&q, "l.created_at >= ?", flt->since);
	if ((rc = query_where_search(crm, &q, "l.id IN (SELECT rowid FROM leads_fts"
	                             " WHERE leads_fts MATCH ?)",
	                             "l.operator_id IN (SELECT id FROM operators) AND l.email_norm = ?",
	                             flt->q))) {
		query_free(&q);
		return rc;
	}
	query_add(&q, " ORDER BY l.id");
	q.offset = flt->offset;
	rc = query_print(crm, &q, flt->limit, pr, cols, n, "lead list");
	query_free(&q);
	return rc;
}

int crm_lead_show(struct crm *crm, long long id, struct printer *pr)
{
	int rc = crm_entity_record(crm, &crm_leads, "l.id", id, "lead", pr);

	if (rc)
		return rc;
	rc = crm_listing_show(crm, "SELECT listing_ref FROM leads WHERE id = ?1"
	                      " AND listing_ref IS NOT NULL", id, pr);
	printer_record_end(pr);
	return rc;
}
