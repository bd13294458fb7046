/* change.c: the change-capture point (see change.h). */
#include "change.h"

/* what each kind of change is in the history; NULL: no history row (a
 * communication is its own record; contact times move with every event) */
static const struct {
	const char *entity, *action;
} kinds[CHANGE_KINDS] = {
	[CHANGE_CLIENT_CREATED] = { "client", "create" },
	[CHANGE_CLIENT_FIELD] = { "client", "edit" },
	[CHANGE_CLIENT_STAGE] = { "client", "stage" },
	[CHANGE_CLIENT_TAG] = { "client", "tag" },
	[CHANGE_CLIENT_UNTAG] = { "client", "untag" },
	[CHANGE_CLIENT_AUTOMATION] = { "client", "automation" },
	[CHANGE_CLIENT_CONTACT] = { "client", NULL },
	[CHANGE_COMM_LOGGED] = { "communication", NULL },
	[CHANGE_LEAD_CREATED] = { "lead", NULL },
	[CHANGE_LEAD_STATUS] = { "lead", "status" },
	[CHANGE_CLIENT_DNC] = { "client", "dnc" },
	[CHANGE_CLIENT_FORGET] = { "client", "forget" },
	[CHANGE_DNC_ADD] = { "do_not_contact", "add" },
	[CHANGE_DNC_REMOVE] = { "do_not_contact", "remove" },
};

/* the history row: who changed what, when, from what to what */
static int history(struct crm *crm, const struct crm_change *c)
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
	sqlite3_bind_text(st, 1, kinds[c->kind].entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->id);
	sqlite3_bind_text(st, 3, kinds[c->kind].action, -1, SQLITE_STATIC);
	crm_bind_text(st, 4, c->field);
	crm_bind_text(st, 5, c->old);
	crm_bind_text(st, 6, c->new);
	crm_bind_text(st, 7, c->reason);
	sqlite3_bind_text(st, 8, crm->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
	return crm_exec_stmt(crm, st, "history");
}

int crm_change(struct crm *crm, const struct crm_change *c)
{
	if (c->kind < 0 || c->kind >= CHANGE_KINDS)
		return crm_err(crm, CRM_SOFTWARE, "change: kind %d", (int)c->kind);
	return kinds[c->kind].action ? history(crm, c) : 0;
}

int crm_change_column(struct crm *crm, const char *sql, const char *value,
                      const struct crm_change *c, int *changed)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (changed)
		*changed = 0;
	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "change")) || !sqlite3_changes(crm->db))
		return rc;   /* the sql's WHERE found nothing to change */
	if (changed)
		*changed = 1;
	return crm_change(crm, c);
}
