/* forget.c: `crm client forget`: a person's data erased from every table
 * and every file of the database, their addresses kept on do-not-contact
 * as hashes (see dnc.h). */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "client.h"
#include "dnc.h"
#include "lead.h"

#define FORGOTTEN "[forgotten]"

/* what stands in the history for a value of the person's */
static const char history_sql[] =
	"UPDATE activity_logs SET"
	" old_value = CASE WHEN old_value IS NULL THEN NULL ELSE '" FORGOTTEN "' END,"
	" new_value = CASE WHEN new_value IS NULL THEN NULL ELSE '" FORGOTTEN "' END"
	" WHERE entity = 'client' AND entity_id = ?1"
	" AND (field IS NULL OR field NOT IN ('stage', 'status', 'channel', 'automation_enabled',"
	" 'automation_paused_until', 'ai_mode', 'viability', 'source_type', 'next_action_at',"
	" 'last_contacted_at', 'last_interaction_at', 'dnc'))"
	" AND (old_value IS NOT NULL OR new_value IS NOT NULL)";
/* a reason a person typed may name anyone; crm's own are kept */
static const char reasons_sql[] =
	"UPDATE activity_logs SET reason = '" FORGOTTEN "'"
	" WHERE entity = 'client' AND entity_id = ?1 AND reason IS NOT NULL"
	" AND reason NOT IN ('manual', 'import', 'lead', 'reply received', 'first contact',"
	" 'unsubscribe', 'bounced', 'forget', '" FORGOTTEN "')";

/* What sync had not sent about the person is never sent; what it sent
 * keeps no more than which event it was.  Their client.forgotten event
 * is written after these (by crm_change, last in forget_one), says only
 * the id and names no client_id: a later forget of the same person
 * leaves it to be sent. */
static const char outbox_sql[] =
	"DELETE FROM outbox WHERE client_id = ?1 AND delivered_at IS NULL";
static const char outbox_sent_sql[] =
	"UPDATE outbox SET payload = json_object('forgotten', json('true'))"
	" WHERE client_id = ?1 AND delivered_at IS NOT NULL";

static const char *const erase_sql[] = {
	outbox_sql,
	outbox_sent_sql,
	"DELETE FROM communications WHERE client_id = ?1",
	"DELETE FROM client_listings WHERE client_id = ?1",
	"DELETE FROM client_tags WHERE client_id = ?1",
	"DELETE FROM notifications WHERE client_id = ?1",
	history_sql,
	reasons_sql,
	"UPDATE clients SET name = '" FORGOTTEN "', email = NULL, email_norm = NULL,"
	" phone = NULL, phone_norm = NULL, source_url = NULL, listing_ref = NULL, notes = NULL,"
	" custom = '{}', lost_reason = NULL, next_action_at = NULL, status = 'forgotten',"
	" automation_enabled = 0, dnc = 1, updated_at = ?2 WHERE id = ?1",
};

/* The leads of the same owner (the client's own, and any other with its
 * email or phone): suppressed, with their contact and raw record gone. */
static int forget_leads(struct crm *crm, long long id, const char *email, const char *phone)
{
	static const char find[] =
		"SELECT id FROM leads WHERE client_id = ?1"
		" UNION SELECT id FROM leads WHERE email_norm = ?2"
		" AND operator_id IN (SELECT id FROM operators)"
		" UNION SELECT id FROM leads WHERE phone_norm = ?3"
		" AND operator_id IN (SELECT id FROM operators)";
	static const char scrub[] =
		"UPDATE leads SET contact_name = NULL, contact_email = NULL, email_norm = NULL,"
		" contact_phone = NULL, phone_norm = NULL, raw = '{}', updated_at = ?2"
		" WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, find);
	char now[CRM_TIME_LEN];
	long long *ids = NULL;
	int n = 0, rc, changed;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	crm_bind_text(st, 2, email);
	crm_bind_text(st, 3, phone);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xrealloc(ids, (size_t)(n + 1) * sizeof *ids);
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "client forget");
	crm_now(now);
	for (int i = 0; i < n && !rc; i++) {
		if ((rc = crm_lead_set_status(crm, ids[i], "suppressed", &changed)))
			break;
		if (!(st = crm_stmt(crm, scrub))) {
			rc = crm_stmt_status(crm);
			break;
		}
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		rc = crm_exec_stmt(crm, st, "client forget");
	}
	free(ids);
	return rc;
}

static int forget_one(struct crm *crm, long long id)
{
	char *norm[2], now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc, again, dnc;

	if ((rc = crm_dnc_owner(crm, id, norm, &dnc, &again)))
		return rc;
	/* the addresses go on the list before they are erased */
	rc = crm_dnc_client_add(crm, id, "forget");
	if (!rc)
		rc = forget_leads(crm, id, norm[0], norm[1]);
	crm_now(now);
	for (size_t i = 0; !rc && i < sizeof erase_sql / sizeof *erase_sql; i++) {
		if (!(st = crm_stmt(crm, erase_sql[i]))) {
			rc = crm_stmt_status(crm);
			break;
		}
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_bind_parameter_count(st) > 1)
			sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		rc = crm_exec_stmt(crm, st, "client forget");
	}
	/* one row says it happened, and nothing of whom */
	if (!rc && !again)
		rc = crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_FORGET, id, NULL, NULL,
		                                           NULL, NULL });
	free(norm[0]);
	free(norm[1]);
	return rc;
}

/* The search index rewritten whole: FTS5 keeps a deleted row's words in
 * its older segments until they are merged. */
static const char optimize_sql[] =
	"INSERT INTO clients_fts (clients_fts) VALUES ('optimize');"
	"INSERT INTO leads_fts (leads_fts) VALUES ('optimize')";

int crm_client_forget(struct crm *crm, const long long *ids, int n, int *done)
{
	sqlite3_stmt *st;
	int rc, busy = 0;

	*done = 0;
	if (!sqlite3_get_autocommit(crm->db))
		return crm_err(crm, CRM_SOFTWARE, "client forget: inside a transaction");
	/* what is deleted or rewritten is overwritten with zeros, in the
	 * pages of the database and of its WAL */
	if ((rc = crm_db_exec(crm, "PRAGMA secure_delete = ON", "client forget")))
		return rc;
	if ((rc = crm_begin(crm)))
		goto out;
	for (int i = 0; i < n && !rc; i++)
		rc = forget_one(crm, ids[i]);
	if (!rc && !(rc = crm_search_sync(crm)))
		rc = crm_db_exec(crm, optimize_sql, "client forget");
	if (rc) {
		crm_rollback(crm);
		goto out;
	}
	if ((rc = crm_commit(crm)))
		goto out;
	*done = n;
	/* the WAL still holds the pages as they were: copied back, then
	 * emptied to nothing */
	if (!(st = crm_stmt(crm, "PRAGMA wal_checkpoint(TRUNCATE)"))) {
		rc = crm_stmt_status(crm);
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		busy = sqlite3_column_int(st, 0);
	else
		rc = crm_sqlerr(crm, "client forget: checkpoint");
	sqlite3_reset(st);
	if (!rc && busy)
		rc = crm_err(crm, CRM_TEMPFAIL, "client forget: done, but another process reading"
		             " the database kept its WAL from being emptied; run it again");
out:
	crm_db_exec(crm, "PRAGMA secure_delete = OFF", "client forget");
	return rc;
}
