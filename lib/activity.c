/* activity.c: the audit trail.  Every stage change, edit, toggle, merge
 * and forget leaves a row: who, when, what, old and new value. */
#include "client.h"

int crm_activity(struct crm *crm, const char *entity, long long id,
                 const char *action, const char *field, const char *old_value,
                 const char *new_value, const char *reason)
{
	static const char sql[] =
		"INSERT INTO activity_logs (entity, entity_id, action, field,"
		" old_value, new_value, reason, actor, at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, sql);

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	crm_bind_text(st, 4, field);
	crm_bind_text(st, 5, old_value);
	crm_bind_text(st, 6, new_value);
	crm_bind_text(st, 7, reason);
	sqlite3_bind_text(st, 8, crm->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
	return crm_exec_stmt(crm, st, "history");
}
