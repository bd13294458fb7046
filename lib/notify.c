/* notify.c: notifications (see notify.h). */
#include "hooks.h"
#include "notify.h"
#include "print.h"
#include "query.h"

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
	if (!sqlite3_changes(crm->db))
		return 0;   /* its key was there */
	if (added)
		*added = 1;
	crm_hook_queue(crm, HOOK_NOTIFY, sqlite3_last_insert_rowid(crm->db));
	return 0;
}

/* the filter's conditions on q, whose notifications are "n" */
static void filter_where(struct crm *crm, struct query *q, const struct crm_notify_filter *f)
{
	query_where(q, "n.read_at IS NULL");
	query_where_in(q, "n.kind IN (?)", f->types, 0);
	query_where_text(q, "n.created_at >= ?", f->since);
	query_where_text(q, "n.created_at < ?", f->until);
	if (crm->operator_id > 0)
		query_where_int(q, "(n.client_id IS NULL OR n.client_id IN"
		                " (SELECT id FROM clients WHERE operator_id = ?))", crm->operator_id);
}

int crm_notify_list(struct crm *crm, const struct crm_notify_filter *f, struct printer *pr)
{
	static const struct pcol cols[] = {
		{ "id", COL_INT, 0 },
		{ "type", COL_TEXT, 0 },
		{ "client_id", COL_INT, 0 },
		{ "name", COL_TEXT, PCOL_CUT(24) },
		{ "message", COL_TEXT, PCOL_CUT(60) },
		{ "created_at", COL_TIME, PCOL_RELATIVE },
	};
	struct query q;
	sqlite3_stmt *st = NULL;
	int rc, any = 0;

	/* none: nothing printed, not even a header, for cron mails what a
	 * command prints */
	query_init(&q, "SELECT 1 FROM notifications n");
	filter_where(crm, &q, f);
	query_add(&q, " LIMIT 1");
	if (!(rc = query_prepare(crm, &q, &st))) {
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			any = 1;
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "notify");
		sqlite3_finalize(st);
	}
	query_free(&q);
	if (rc || !any)
		return rc ? rc : CRM_NOTFOUND;
	query_init(&q, "SELECT n.id, n.kind, n.client_id, c.name, n.message, n.created_at"
	           " FROM notifications n LEFT JOIN clients c ON c.id = n.client_id");
	filter_where(crm, &q, f);
	query_add(&q, " ORDER BY n.id");
	rc = query_print(crm, &q, -1, pr, cols, (int)(sizeof cols / sizeof cols[0]), "notify");
	query_free(&q);
	return rc;
}

int crm_notify_resolve(struct crm *crm, const char *ref, long long *id)
{
	static const char sql[] = "SELECT id FROM notifications WHERE id = ?1";
	sqlite3_stmt *st;
	long long n;
	int rc;

	*id = 0;
	if (crm_parse_int(ref, &n) || n < 1)
		return crm_err(crm, CRM_DATAERR, "notification '%s': not an id", ref);
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, n);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = n;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_NOTFOUND, "notification '%s': not found", ref);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "notify");
}

int crm_notify_mark_read(struct crm *crm, const long long *ids, int n,
                         const struct crm_notify_filter *f, long long *marked)
{
	static const char one[] =
		"UPDATE notifications SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st = NULL;
	struct query q;
	int rc, own;

	*marked = 0;
	crm_now(now);
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	if (!ids) {
		query_init(&q, "UPDATE notifications AS n SET read_at = ?");
		query_bind_text(&q, now);
		filter_where(crm, &q, f);
		if (!(rc = query_prepare(crm, &q, &st))) {
			if (sqlite3_step(st) == SQLITE_DONE)
				*marked = sqlite3_changes(crm->db);
			else
				rc = crm_sqlerr(crm, "notify");
			sqlite3_finalize(st);
		}
		query_free(&q);
	}
	for (int i = 0; ids && i < n && !rc; i++) {
		if (!(st = crm_stmt(crm, one))) {
			rc = crm_stmt_status(crm);
			break;
		}
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		if (!(rc = crm_exec_stmt(crm, st, "notify")))
			*marked += sqlite3_changes(crm->db);
	}
	rc = crm_tx_end(crm, own, rc);
	if (rc)
		*marked = 0;
	return rc;
}
