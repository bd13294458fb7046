/* outbox.c: the events of crm's changes, for crm sync push (see
 * outbox.h).  Each payload is thin: ids, the field, its old and new
 * values, the time; built in SQL, so that every value is bound. */
#include <string.h>

#include "outbox.h"

#define EVENT_ID "'evt_' || lower(hex(randomblob(16)))"
#define INSERT "INSERT INTO outbox (event_id, type, aggregate, aggregate_id, client_id," \
	" payload, created_at, next_attempt_at) "
/* ?5 the field: the custom fields' object is an object, not its text */
#define VALUE(n) "CASE WHEN ?5 = 'custom' AND json_valid(?" #n ") THEN json(?" #n ")" \
	" ELSE ?" #n " END"

/* ?1 type, ?2 aggregate, ?3 its id, ?4 client_id, ?5 field, ?6 old,
 * ?7 new, ?8 now, ?9 the key of the other id, ?10 that id */
static const char field_sql[] =
	INSERT "VALUES (" EVENT_ID ", ?1, ?2, ?3, ?4, json_object('id', ?3, 'field', ?5,"
	" 'old', " VALUE(6) ", 'new', " VALUE(7) ", 'at', ?8), ?8, ?8)";
static const char created_sql[] =
	INSERT "SELECT " EVENT_ID ", ?1, ?2, id, ?4, json_object('id', id,"
	" 'operator_id', operator_id, 'name', name, 'email', email, 'phone', phone,"
	" 'stage', stage, 'channel', channel, 'source_type', source_type, 'at', ?8), ?8, ?8"
	" FROM clients WHERE id = ?3";
static const char id_sql[] =
	INSERT "VALUES (" EVENT_ID ", ?1, ?2, ?3, ?4, json_object('id', ?3, 'at', ?8), ?8, ?8)";
static const char ref_sql[] =
	INSERT "VALUES (" EVENT_ID ", ?1, ?2, ?3, ?4,"
	" json_object('id', ?3, ?9, CAST(?10 AS INTEGER), 'at', ?8), ?8, ?8)";
/* what was not sent about the client merged away is about KEEP now:
 * forgetting KEEP purges it */
static const char repoint_sql[] =
	"UPDATE outbox SET client_id = ?1 WHERE client_id = ?2 AND delivered_at IS NULL";

/* what a kind of change sends; NULL type: nothing */
struct event {
	const char *type, *sql, *ref_key, *ref;   /* ref: "old" or "new" */
	int comm, no_client;
};

static int event_of(const struct crm_change *c, struct event *e)
{
	memset(e, 0, sizeof *e);
	e->sql = field_sql;
	switch (c->kind) {
	case CHANGE_CLIENT_CREATED:
		e->type = "client.created";
		e->sql = created_sql;
		break;
	case CHANGE_CLIENT_FIELD:
	case CHANGE_CLIENT_TAG:
	case CHANGE_CLIENT_UNTAG:
	case CHANGE_CLIENT_AUTOMATION:
	case CHANGE_CLIENT_DNC:
		e->type = "client.updated";
		break;
	case CHANGE_CLIENT_STAGE:
		e->type = "client.stage_changed";
		break;
	case CHANGE_CLIENT_MERGED:
		/* of a merge's rows, the one that says which client went */
		if (!c->field || strcmp(c->field, "client"))
			return 0;
		*e = (struct event){ "client.merged", ref_sql, "merged_id", c->old, 0, 0 };
		break;
	case CHANGE_CLIENT_UNMERGED:
		*e = (struct event){ "client.unmerged", ref_sql, "merged_into", c->old, 0, 0 };
		break;
	case CHANGE_CLIENT_REMOVED:
		*e = (struct event){ "client.removed", id_sql, NULL, NULL, 0, 0 };
		break;
	case CHANGE_CLIENT_FORGET:
		/* the id alone, and no client_id: a later forget keeps it */
		*e = (struct event){ "client.forgotten", id_sql, NULL, NULL, 0, 1 };
		break;
	case CHANGE_COMM_REMOVED:
		/* undo took back a range of communications: ids id..new */
		*e = (struct event){ "communication.removed", ref_sql, "last_id", c->new, 1, 1 };
		break;
	default:
		return 0;
	}
	return 1;
}

/* Whether this database keeps an outbox: once a process with a webhook
 * set up has made a change in it (settings 'outbox'), every process
 * does, whatever configuration it found; read once a process.  1, 0, or
 * a status (negative). */
static int kept(struct crm *crm)
{
	static const char mark_sql[] =
		"INSERT OR IGNORE INTO settings (name, value) VALUES ('outbox', ?1)";
	static const char read_sql[] = "SELECT 1 FROM settings WHERE name = 'outbox'";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if (crm->sync_inbound)
		return 0;
	if (crm->outbox)
		return crm->outbox > 0;
	if (crm->cfg.webhook.url) {
		if (!(st = crm_stmt(crm, mark_sql)))
			return -crm_stmt_status(crm);
		crm_now(now);
		sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
		if ((rc = crm_exec_stmt(crm, st, "outbox")))
			return -rc;
		crm->outbox = 1;
		return 1;
	}
	if (!(st = crm_stmt(crm, read_sql)))
		return -crm_stmt_status(crm);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -crm_sqlerr(crm, "outbox");
	crm->outbox = rc == SQLITE_ROW ? 1 : -1;
	return crm->outbox > 0;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int crm_outbox_change(struct crm *crm, const struct crm_change *c)
{
	char now[CRM_TIME_LEN];
	struct event e;
	sqlite3_stmt *st;
	int rc;

	if (!event_of(c, &e))
		return 0;
	if ((rc = kept(crm)) <= 0)
		return -rc;
	if (e.sql == field_sql && same(c->old, c->new))
		return 0;   /* nothing changed: nothing to tell */
	if (!(st = crm_stmt(crm, e.sql)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, e.type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e.comm ? "communication" : "client", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->id);
	if (!e.no_client)
		sqlite3_bind_int64(st, 4, c->id);
	crm_bind_text(st, 5, c->field);
	sqlite3_bind_text(st, 6, c->old, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, c->new, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_TRANSIENT);
	if (e.ref_key) {
		sqlite3_bind_text(st, 9, e.ref_key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, e.ref, -1, SQLITE_STATIC);
	}
	if ((rc = crm_exec_stmt(crm, st, "outbox")))
		return rc;
	if (c->kind != CHANGE_CLIENT_MERGED || !c->old)
		return 0;
	if (!(st = crm_stmt(crm, repoint_sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, c->old, -1, SQLITE_STATIC);
	return crm_exec_stmt(crm, st, "outbox");
}

int crm_outbox_comms(struct crm *crm, long long first, long long last)
{
	static const char sql[] =
		INSERT "SELECT " EVENT_ID ", 'communication.logged', 'communication', id,"
		" client_id, json_object('id', id, 'client_id', client_id, 'channel', channel,"
		" 'direction', direction, 'kind', kind, 'status', status,"
		" 'occurred_at', occurred_at, 'external_id', external_id), ?3, ?3"
		" FROM communications WHERE id BETWEEN ?1 AND ?2 ORDER BY id";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	if (!first)
		return 0;
	if ((rc = kept(crm)) <= 0)
		return -rc;
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	return crm_exec_stmt(crm, st, "outbox");
}
