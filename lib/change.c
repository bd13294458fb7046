/* change.c: the change-capture point (see change.h). */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "change.h"
#include "hooks.h"
#include "notify.h"
#include "outbox.h"

/* what each kind of change is in the history; NULL: no history row
 * (contact times move with every event, and undo works them out again
 * from the communications; the communications logged are one row per
 * change set, written by crm_change_flush) */
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
	[CHANGE_LEAD_CREATED] = { "lead", "create" },
	[CHANGE_LEAD_STATUS] = { "lead", "status" },
	[CHANGE_CLIENT_DNC] = { "client", "dnc" },
	[CHANGE_CLIENT_FORGET] = { "client", "forget" },
	[CHANGE_DNC_ADD] = { "do_not_contact", "add" },
	[CHANGE_DNC_REMOVE] = { "do_not_contact", "remove" },
	[CHANGE_LEAD_UPDATED] = { "lead", "update" },
	[CHANGE_LEAD_LINKED] = { "lead", "link" },
	[CHANGE_LISTING_ADDED] = { "client", "listing" },
	[CHANGE_CLIENT_MERGED] = { "client", "merge" },
	[CHANGE_CLIENT_UNMERGED] = { "client", "unmerge" },
	[CHANGE_CLIENT_REMOVED] = { "client", "remove" },
	[CHANGE_LEAD_REMOVED] = { "lead", "remove" },
	[CHANGE_COMM_REMOVED] = { "communication", "remove" },
	[CHANGE_UNDONE] = { "change_set", "undo" },
};

int crm_change_set(struct crm *crm, long long *id)
{
	static const char sql[] =
		"INSERT INTO change_sets (command, actor, at) VALUES (?1, ?2, ?3)";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if ((*id = crm->changes.set))
		return 0;
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, crm->cmdname ? crm->cmdname : "crm", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, crm->actor ? crm->actor : "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	if ((rc = crm_exec_stmt(crm, st, "change set")))
		return rc;
	*id = crm->changes.set = sqlite3_last_insert_rowid(crm->db);
	return 0;
}

/* the history row: who changed what, when, from what to what, in which
 * change set */
static int history(struct crm *crm, const char *entity, const char *action,
                   const struct crm_change *c, long long set)
{
	static const char sql[] =
		"INSERT INTO activity_logs (entity, entity_id, action, field,"
		" old_value, new_value, reason, actor, at, change_set)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, sql);

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, c->id);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	crm_bind_text(st, 4, c->field);
	crm_bind_text(st, 5, c->old);
	crm_bind_text(st, 6, c->new);
	crm_bind_text(st, 7, c->reason);
	sqlite3_bind_text(st, 8, crm->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 10, set);
	return crm_exec_stmt(crm, st, "history");
}

/* s cut to at most n bytes, at a character's start, "..." after what
 * was cut, into buf (n + 4 bytes) */
static const char *cut(const char *s, size_t n, char *buf)
{
	size_t len = strlen(s);

	if (len <= n)
		return s;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* A reply arrived: its notification, and the hook on_reply. */
static int replied(struct crm *crm, const struct crm_change *c)
{
	char msg[256], subject[100];
	long long client = c->new ? strtoll(c->new, NULL, 10) : 0;
	int rc;

	if (c->reason && *c->reason)
		snprintf(msg, sizeof msg, "reply on %s: %s", c->old ? c->old : "?",
		         cut(c->reason, sizeof subject - 4, subject));
	else
		snprintf(msg, sizeof msg, "reply on %s", c->old ? c->old : "?");
	if ((rc = crm_notify_add(crm, "reply", client, msg, NULL, NULL)))
		return rc;
	crm_hook_queue(crm, HOOK_REPLY, c->id);
	return 0;
}

/* A client changed stage (row: its history row): the hooks
 * on_stage_change and on_won; a notification when it entered meeting. */
static int staged(struct crm *crm, const struct crm_change *c, long long row)
{
	char msg[256], why[100];

	crm_hook_queue(crm, HOOK_STAGE, row);
	if (!c->new)
		return 0;
	if (!strcmp(c->new, "won"))
		crm_hook_queue(crm, HOOK_WON, row);
	if (strcmp(c->new, "meeting"))
		return 0;
	snprintf(msg, sizeof msg, "entered meeting (from %s)%s%s", c->old ? c->old : "none",
	         c->reason && *c->reason ? ": " : "",
	         c->reason && *c->reason ? cut(c->reason, sizeof why - 4, why) : "");
	return crm_notify_add(crm, "meeting", c->id, msg, NULL, NULL);
}

int crm_change(struct crm *crm, const struct crm_change *c)
{
	struct crm_change_state *cs = &crm->changes;
	long long set;
	int rc;

	if (c->kind < 0 || c->kind >= CHANGE_KINDS)
		return crm_err(crm, CRM_SOFTWARE, "change: kind %d", (int)c->kind);
	if ((rc = crm_change_set(crm, &set)))
		return rc;
	if (c->kind == CHANGE_COMM_LOGGED) {
		/* the write lock is held: the ids of the transaction's
		 * communications only grow, and no one else's come between */
		if (!cs->comm_first)
			cs->comm_first = c->id;
		cs->comm_last = c->id;
		return c->field && !strcmp(c->field, "in") ? replied(crm, c) : 0;
	}
	if (kinds[c->kind].action &&
	    (rc = history(crm, kinds[c->kind].entity, kinds[c->kind].action, c, set)))
		return rc;
	if (c->kind == CHANGE_CLIENT_STAGE) {
		long long row = sqlite3_last_insert_rowid(crm->db);
		if ((rc = crm_outbox_change(crm, c)))
			return rc;
		return staged(crm, c, row);
	}
	return crm_outbox_change(crm, c);
}

int crm_change_flush(struct crm *crm)
{
	struct crm_change_state *cs = &crm->changes;
	char last[24];
	int rc;

	if (!cs->set || !cs->comm_first)
		return 0;
	snprintf(last, sizeof last, "%lld", cs->comm_last);
	rc = history(crm, "communication", "log", &(struct crm_change){ CHANGE_COMM_LOGGED,
	             cs->comm_first, "id", NULL, last, NULL }, cs->set);
	if (!rc)
		rc = crm_outbox_comms(crm, cs->comm_first, cs->comm_last);
	cs->comm_first = cs->comm_last = 0;
	return rc;
}

void crm_change_forget(struct crm *crm)
{
	crm->changes.set = crm->changes.comm_first = crm->changes.comm_last = 0;
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
