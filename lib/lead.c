/* lead.c: leads from the scraper: their fields, finding, promotion to
 * clients, status.  Import and viability are in lead_import.c. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "change.h"
#include "client.h"
#include "dnc.h"
#include "lead.h"

const char *const crm_lead_statuses[] = {
	"new", "contacted", "converted", "rejected", "suppressed", NULL
};

int crm_lead_field(const char *key)
{
	const struct crm_col *c = crm_entity_col(&crm_leads, key);

	return c ? c->field : -1;
}

const char *crm_lead_field_name(enum lead_field f)
{
	return crm_entity_field(&crm_leads, (int)f)->name;
}

/* --- finding, promoting, status --- */

/* ref as crm's own id (when it is a number) or as the source's
 * external_id; source_first says which is tried first */
static int lead_resolve(struct crm *crm, const char *ref, int source_first,
                        long long *id)
{
	static const char sql[] =
		"SELECT id FROM (SELECT id, 0 AS o FROM leads WHERE id = ?1"
		" UNION ALL SELECT id, ?3 FROM leads WHERE external_id = ?2)"
		" ORDER BY o DESC LIMIT 1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	long long n = 0;
	int rc;

	*id = 0;
	if (!st)
		return crm_stmt_status(crm);
	if (crm_parse_int(ref, &n) == 0)
		sqlite3_bind_int64(st, 1, n);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_text(st, 2, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, source_first ? 1 : -1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_NOTFOUND, "lead '%s': not found", ref);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "lead");
}

int crm_lead_resolve(struct crm *crm, const char *ref, long long *id)
{
	return lead_resolve(crm, ref, 0, id);
}

int crm_lead_resolve_source(struct crm *crm, const char *ref, long long *id)
{
	return lead_resolve(crm, ref, 1, id);
}

/* the lead's listing linked to its client, and the lead to the client
 * (old_client: the client it was linked to, as text; NULL: none), each
 * with its history row, which undo reverts */
static int link_listing(struct crm *crm, long long client, long long lead,
                        const char *ref, const char *hash, const char *url,
                        const char *old_client)
{
	static const char sql[] =
		"INSERT INTO client_listings (client_id, lead_id, listing_ref,"
		" listing_hash, source_url, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT DO NOTHING";
	static const char set_lead[] =
		"UPDATE leads SET client_id = ?2, updated_at = ?3 WHERE id = ?1"
		" AND client_id IS NOT ?2";
	char now[CRM_TIME_LEN], id[24];
	sqlite3_stmt *st;
	int rc;

	crm_now(now);
	snprintf(id, sizeof id, "%lld", client);
	if (ref || hash || url) {
		if (!(st = crm_stmt(crm, sql)))
			return crm_stmt_status(crm);
		sqlite3_bind_int64(st, 1, client);
		sqlite3_bind_int64(st, 2, lead);
		crm_bind_text(st, 3, ref);
		crm_bind_text(st, 4, hash);
		crm_bind_text(st, 5, url);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
		if ((rc = crm_exec_stmt(crm, st, "lead promote")))
			return rc;
		if (sqlite3_changes(crm->db)) {
			char listing[24];
			snprintf(listing, sizeof listing, "%lld", sqlite3_last_insert_rowid(crm->db));
			if ((rc = crm_change(crm, &(struct crm_change){ CHANGE_LISTING_ADDED, client,
			                     "listing", NULL, listing, NULL })))
				return rc;
		}
	}
	if (!(st = crm_stmt(crm, set_lead)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, lead);
	sqlite3_bind_int64(st, 2, client);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "lead promote")) || !sqlite3_changes(crm->db))
		return rc;
	return crm_change(crm, &(struct crm_change){ CHANGE_LEAD_LINKED, lead, "client_id",
	                  old_client, id, NULL });
}

/* A lead that is suppressed, or whose owner is on do-not-contact (a
 * forgotten one is), never becomes a client: CRM_DATAERR naming it. */
static int lead_allowed(struct crm *crm, const char *ref, int suppressed,
                        const char *email_norm, const char *phone_norm)
{
	int rc, listed = 0;

	if (!suppressed && (rc = crm_dnc_listed(crm, email_norm, phone_norm, &listed)))
		return rc;
	if (suppressed || listed)
		return crm_err(crm, CRM_DATAERR, "lead '%s': %s; it is never promoted nor"
		               " contacted", ref, suppressed ? "suppressed" :
		               "its owner is on do-not-contact");
	return 0;
}

int crm_lead_promote(struct crm *crm, long long lead_id, const char *stage,
                     const char *channel, const char *lead_status,
                     long long *client_id, int *created)
{
	static const char sql[] =
		"SELECT operator_id, contact_name, contact_email, contact_phone,"
		" source_type, source_url, listing_ref, listing_hash, channel,"
		" viability, client_id, email_norm, phone_norm, coalesce(external_id, id),"
		" status = 'suppressed' FROM leads WHERE id = ?1";
	enum { NCOL = 15 };
	char *c[NCOL] = { 0 };
	long long op = 0, client = 0;
	sqlite3_stmt *st;
	int rc, own = 0, changed, was_client;

	*client_id = 0;
	*created = 0;
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	if (!(st = crm_stmt(crm, sql))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	sqlite3_bind_int64(st, 1, lead_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		rc = rc == SQLITE_DONE ?
			crm_err(crm, CRM_NOTFOUND, "lead '%lld': not found", lead_id) :
			crm_sqlerr(crm, "lead promote");
		goto done;
	}
	op = sqlite3_column_int64(st, 0);
	for (int i = 1; i < NCOL; i++)
		c[i] = crm_column_dup(st, i);
	client = sqlite3_column_type(st, 10) == SQLITE_NULL ? 0 :
	         sqlite3_column_int64(st, 10);
	sqlite3_reset(st);
	rc = 0;
	was_client = client != 0;
	if (!was_client && (rc = lead_allowed(crm, c[13], !strcmp(c[14], "1"), c[11], c[12])))
		goto done;
	if (!client && (rc = crm_client_find_owner(crm, op, c[11], c[12], &client)))
		goto done;
	if (!client) {
		struct crm_client_fields f;
		memset(&f, 0, sizeof f);
		f.operator_id = op;
		f.v[CF_NAME] = c[1];
		f.v[CF_EMAIL] = c[11] ? c[2] : NULL;
		f.v[CF_PHONE] = c[12] ? c[3] : NULL;
		f.v[CF_SOURCE_TYPE] = c[4];
		f.v[CF_SOURCE_URL] = c[5];
		f.v[CF_LISTING_REF] = c[6];
		f.v[CF_CHANNEL] = c[8] && crm_config_has_channel(&crm->cfg, c[8]) ? c[8] : channel;
		f.v[CF_VIABILITY] = c[9];
		f.v[CF_STAGE] = stage;
		f.source = "lead";
		if (!f.v[CF_NAME] && !f.v[CF_EMAIL] && !f.v[CF_PHONE])
			f.v[CF_NAME] = c[7] ? c[7] : c[5] ? c[5] : "unknown owner";
		if ((rc = crm_client_add(crm, &f, &client)))
			goto done;
		*created = 1;
	}
	if ((rc = link_listing(crm, client, lead_id, c[6], c[7], c[5], c[10])))
		goto done;
	/* a lead that is a client already keeps the status it has */
	if (lead_status && !was_client)
		rc = crm_lead_set_status(crm, lead_id, lead_status, &changed);
	*client_id = client;
done:
	for (int i = 0; i < NCOL; i++)
		free(c[i]);
	rc = crm_tx_end(crm, own, rc);
	if (rc)
		*client_id = 0;
	return rc;
}

/* A lead a person promotes makes a client as `client add` does: with a
 * name, an email or a phone (a lead linked to its client already needs
 * none); CRM_DATAERR naming the lead when it has none. */
static int lead_has_owner(struct crm *crm, long long id)
{
	static const char sql[] =
		"SELECT coalesce(external_id, id), contact_name IS NOT NULL OR email_norm IS NOT NULL"
		" OR phone_norm IS NOT NULL OR client_id IS NOT NULL FROM leads WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	char ref[256] = "";
	int rc, has = 1;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(ref, sizeof ref, "%s", (const char *)sqlite3_column_text(st, 0));
		has = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(crm, "lead promote");
	if (!has)
		return crm_err(crm, CRM_DATAERR, "lead '%s': no contact name, email or phone;"
		               " a client needs one", ref);
	return 0;
}

int crm_lead_promote_all(struct crm *crm, const long long *ids, int n,
                         const char *stage, long long *clients, int *made)
{
	int rc, created, own;

	*made = 0;
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		if ((rc = lead_has_owner(crm, ids[i])))
			break;
		rc = crm_lead_promote(crm, ids[i], stage, NULL, "converted", &clients[i], &created);
		*made += created;
	}
	if (rc)
		*made = 0;
	return crm_tx_end(crm, own, rc);
}

/* crm_lead_set_status inside a transaction */
static int set_status(struct crm *crm, long long id, const char *status, int *changed)
{
	static const char get[] = "SELECT status FROM leads WHERE id = ?1";
	static const char set[] =
		"UPDATE leads SET status = ?2, updated_at = ?3 WHERE id = ?1";
	char old[32] = "";
	sqlite3_stmt *st;
	int rc;

	*changed = 0;
	if (crm_lead_status_check(crm, status))
		return CRM_DATAERR;
	if (!(st = crm_stmt(crm, get)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(old, sizeof old, "%s", sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_NOTFOUND, "lead '%lld': not found", id);
	if (rc != SQLITE_ROW)
		return crm_sqlerr(crm, "lead status");
	if (!strcmp(old, status))
		return 0;
	return crm_change_column(crm, set, status, &(struct crm_change){ CHANGE_LEAD_STATUS, id,
	                         "status", old, status, NULL }, changed);
}

int crm_lead_set_status(struct crm *crm, long long id, const char *status,
                        int *changed)
{
	int rc, own;

	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	return crm_tx_end(crm, own, set_status(crm, id, status, changed));
}

int crm_lead_set_status_all(struct crm *crm, const long long *ids, int n,
                            const char *status, int *changed)
{
	int rc, own, one;

	*changed = 0;
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		rc = set_status(crm, ids[i], status, &one);
		*changed += one;
	}
	if (rc)
		*changed = 0;
	return crm_tx_end(crm, own, rc);
}

int crm_lead_status_ok(const char *status)
{
	return crm_in_set(status, crm_lead_statuses) != NULL;
}

int crm_lead_status_check(struct crm *crm, const char *status)
{
	return crm_lead_status_ok(status) ? 0 :
	       crm_not_in_set(crm, "status", status, "not a lead status", crm_lead_statuses);
}
