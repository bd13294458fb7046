/* notify.c: notifications (see notify.h). */
#include "notify.h"

const char *const crm_notify_types[] = { CRM_NOTIFY_TYPES, NULL };

int crm_notify_add(struct crm *crm, const char *type, long long client,
                   const char *message, const char *key, int *added)
{
	static const char sql[] =
		"INSERT INTO notifications (kind, client_id, message, created_at, key)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) WHERE key IS NOT NULL DO NOTHING";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if (added)
		*added = 0;
	if (!crm_in_set(type, crm_notify_types))
		return crm_err(crm, CRM_SOFTWARE, "notification type '%s'", type);
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	if (client > 0)
		sqlite3_bind_int64(st, 2, client);
	sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
	crm_bind_text(st, 5, key);
	if ((rc = crm_exec_stmt(crm, st, "notification")))
		return rc;
	if (added)
		*added = sqlite3_changes(crm->db) > 0;
	return 0;
}
