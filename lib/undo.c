/* undo.c: reverting a change set from its history rows (see undo.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "change.h"
#include "client.h"
#include "lead.h"
#include "query.h"
#include "undo.h"

int crm_undo_list(struct crm *crm, long long limit, struct printer *pr)
{
	static const char sql[] =
		"SELECT s.id, s.command, s.actor, s.at,"
		" (SELECT coalesce(sum(CASE WHEN a.entity = 'communication' AND a.action = 'log'"
		"  THEN CAST(a.new_value AS INTEGER) - a.entity_id + 1 ELSE 1 END), 0)"
		"  FROM activity_logs a WHERE a.change_set = s.id),"
		" s.undone_at FROM change_sets s ORDER BY s.id DESC";
	static const struct pcol cols[] = {
		{ "id", COL_INT, 0 }, { "command", COL_TEXT, 0 }, { "actor", COL_TEXT, 0 },
		{ "at", COL_TIME, 0 }, { "changes", COL_INT, 0 }, { "undone_at", COL_TIME, 0 },
	};
	struct query q;
	int rc;

	query_init(&q, sql);
	rc = query_print(crm, &q, limit, pr, cols, 6, "undo");
	query_free(&q);
	return rc;
}

/* one history row of the change set */
struct urow {
	long long id, entity_id;
	char *entity, *action, *field, *old, *new;
};

struct uset {
	long long id;
	char command[64], undone[CRM_TIME_LEN];
	struct urow *rows;
	int n;
};

static void uset_free(struct uset *u)
{
	for (int i = 0; i < u->n; i++) {
		free(u->rows[i].entity);
		free(u->rows[i].action);
		free(u->rows[i].field);
		free(u->rows[i].old);
		free(u->rows[i].new);
	}
	free(u->rows);
	u->rows = NULL;
	u->n = 0;
}

static int is(const char *s, const char *t)
{
	return s && !strcmp(s, t);
}

/* The change set to undo: id, or the last that is not undone and no
 * undo; its rows, newest first. */
static int load(struct crm *crm, long long id, struct uset *u)
{
	static const char last[] =
		"SELECT id, command, undone_at FROM change_sets WHERE undone_at IS NULL"
		" AND command <> 'undo' AND (?1 = 0 OR id = ?1) ORDER BY id DESC LIMIT 1";
	static const char given[] = "SELECT id, command, undone_at FROM change_sets WHERE id = ?1";
	static const char rows[] =
		"SELECT id, entity, entity_id, action, field, old_value, new_value"
		" FROM activity_logs WHERE change_set = ?1 ORDER BY id DESC";
	sqlite3_stmt *st = crm_stmt(crm, id ? given : last);
	int rc;

	memset(u, 0, sizeof *u);
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		u->id = sqlite3_column_int64(st, 0);
		snprintf(u->command, sizeof u->command, "%s", sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			snprintf(u->undone, sizeof u->undone, "%s", sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(crm, "undo");
	if (!u->id && id)
		return crm_err(crm, CRM_NOTFOUND, "undo: change set %lld: not found", id);
	if (!u->id)
		return crm_err(crm, CRM_NOTFOUND, "undo: nothing to undo");
	if (u->undone[0])
		return crm_err(crm, CRM_DATAERR, "undo: change set %lld (%s): undone already, at %s",
		               u->id, u->command, u->undone);
	if (!strcmp(u->command, "undo"))
		return crm_err(crm, CRM_DATAERR, "undo: change set %lld is an undo itself;"
		               " an undo is not undone", u->id);
	if (!(st = crm_stmt(crm, rows)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, u->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct urow *r;
		u->rows = xrealloc(u->rows, (size_t)(u->n + 1) * sizeof *u->rows);
		r = &u->rows[u->n++];
		r->id = sqlite3_column_int64(st, 0);
		r->entity = crm_column_dup(st, 1);
		r->entity_id = sqlite3_column_int64(st, 2);
		r->action = crm_column_dup(st, 3);
		r->field = crm_column_dup(st, 4);
		r->old = crm_column_dup(st, 5);
		r->new = crm_column_dup(st, 6);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "undo");
}

/* What undo does with a row: "remove", "restore", "tag", "untag"; NULL
 * when it cannot revert it. */
static const char *verb(const struct urow *r)
{
	if (is(r->entity, "client")) {
		if (is(r->action, "create") || is(r->action, "listing"))
			return "remove";
		if (is(r->action, "merge"))
			return "unmerge";
		if (is(r->action, "tag"))
			return "untag";
		if (is(r->action, "untag"))
			return "tag";
		if (is(r->action, "dnc") && is(r->field, "dnc") && r->old)
			return "restore";
		if ((is(r->action, "edit") || is(r->action, "stage") || is(r->action, "automation")) &&
		    r->field && (crm_client_field(r->field) >= 0 || is(r->field, "custom") ||
		                 !strncmp(r->field, "custom.", 7)))
			return "restore";
	} else if (is(r->entity, "lead")) {
		if (is(r->action, "create"))
			return "remove";
		if ((is(r->action, "status") && r->old) || is(r->action, "link") ||
		    (is(r->action, "update") && r->old))
			return "restore";
	} else if (is(r->entity, "communication") && is(r->action, "log")) {
		return "remove";
	} else if (is(r->entity, "do_not_contact") && is(r->action, "add") && r->new) {
		return "remove";   /* a removal is not undone: the hash keeps no kind */
	}
	return NULL;
}

/* 0 when every row can be reverted; else why not */
static int undoable(struct crm *crm, const struct uset *u)
{
	const struct urow *merged = NULL;
	int snap = 0;

	for (int i = 0; i < u->n; i++) {
		if (is(u->rows[i].action, "merge") && is(u->rows[i].field, "client"))
			merged = &u->rows[i];
		snap |= is(u->rows[i].action, "merge") && is(u->rows[i].field, "snapshot");
	}
	if (merged && !snap)
		return crm_err(crm, CRM_DATAERR, "undo: change set %lld (%s) merged client %s"
		               " into %lld with no snapshot of it: it cannot be undone", u->id,
		               u->command, merged->old ? merged->old : "?", merged->entity_id);
	for (int i = 0; i < u->n; i++) {
		const struct urow *r = &u->rows[i];
		if (is(r->action, "forget"))
			return crm_err(crm, CRM_DATAERR, "undo: change set %lld (%s) forgot %s %lld:"
			               " a forget cannot be undone, the personal data it erased is"
			               " gone", u->id, u->command, r->entity, r->entity_id);
		if (!verb(r))
			return crm_err(crm, CRM_DATAERR, "undo: change set %lld (%s): cannot undo"
			               " '%s' of %s %lld", u->id, u->command, r->action, r->entity,
			               r->entity_id);
	}
	return 0;
}

/* A later change set, not undone, that touched a row of u's: refused,
 * naming them.  The rows of a change set are its entities (client 3,
 * lead 5), and the clients of the communications it logged. */
static int later(struct crm *crm, const struct uset *u)
{
	static const char sql[] =
		"WITH mine(entity, id) AS ("
		" SELECT entity, entity_id FROM activity_logs WHERE change_set = ?1"
		"  AND entity <> 'communication'"
		" UNION SELECT 'client', m.client_id FROM activity_logs a JOIN communications m"
		"  ON m.id BETWEEN a.entity_id AND CAST(a.new_value AS INTEGER)"
		"  WHERE a.change_set = ?1 AND a.entity = 'communication' AND a.action = 'log'),"
		" sets(id) AS (SELECT id FROM change_sets WHERE id > ?1 AND undone_at IS NULL"
		"  AND command <> 'undo'),"
		" theirs(set_id, entity, id) AS ("
		" SELECT a.change_set, a.entity, a.entity_id FROM activity_logs a"
		"  WHERE a.change_set IN sets AND a.entity <> 'communication'"
		" UNION SELECT a.change_set, 'client', m.client_id FROM activity_logs a"
		"  JOIN communications m ON m.id BETWEEN a.entity_id AND CAST(a.new_value AS INTEGER)"
		"  WHERE a.change_set IN sets AND a.entity = 'communication' AND a.action = 'log')"
		" SELECT t.set_id, s.command, t.entity, t.id FROM theirs t"
		" JOIN mine USING (entity, id) JOIN change_sets s ON s.id = t.set_id"
		" ORDER BY t.set_id DESC, t.entity, t.id LIMIT 4";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	char what[768] = "";
	long long first = 0;
	int rc, n = 0;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, u->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t at = strlen(what);
		if (n++ == 3) {
			snprintf(what + at, sizeof what - at, ", ...");
			break;
		}
		if (!first)
			first = sqlite3_column_int64(st, 0);
		snprintf(what + at, sizeof what - at, "%schange set %lld (%s) changed %s %lld",
		         at ? ", " : "", sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1),
		         sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(crm, "undo");
	if (n)
		return crm_err(crm, CRM_DATAERR, "undo: change set %lld (%s) cannot be undone:"
		               " %s since; undo the newer first (crm undo %lld)", u->id, u->command,
		               what, first);
	return 0;
}

/* delete the one row of sql (?1 the id) and tell it as c */
static int remove_row(struct crm *crm, const char *sql, long long id,
                      const struct crm_change *c)
{
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = crm_exec_stmt(crm, st, "undo")) || !sqlite3_changes(crm->db) || !c)
		return rc;
	return crm_change(crm, c);
}

/* The communications of ids first..last removed, and what they made of
 * their clients worked out again from those that remain: the touches,
 * the last touch, and the contact times a removed one had set. */
static int remove_comms(struct crm *crm, long long first, long long last)
{
	static const char mark[] =
		"INSERT INTO temp.undo_clients SELECT client_id,"
		" max(CASE WHEN direction = 'out' AND kind <> 'note' THEN occurred_at END),"
		" max(CASE WHEN direction = 'in' AND kind <> 'note' THEN occurred_at END)"
		" FROM communications WHERE id BETWEEN ?1 AND ?2 GROUP BY client_id";
	static const char del[] = "DELETE FROM communications WHERE id BETWEEN ?1 AND ?2";
	static const char again[] =
		"UPDATE clients AS c SET" CRM_TOUCHES_SET ","
		" last_contacted_at = CASE WHEN u.out_at IS NULL OR c.last_contacted_at > u.out_at"
		"  THEN c.last_contacted_at ELSE (SELECT max(m.occurred_at) FROM communications m"
		"  WHERE m.client_id = c.id AND m.direction = 'out' AND m.kind <> 'note') END,"
		" last_interaction_at = CASE WHEN u.in_at IS NULL OR c.last_interaction_at > u.in_at"
		"  THEN c.last_interaction_at ELSE (SELECT max(m.occurred_at) FROM communications m"
		"  WHERE m.client_id = c.id AND m.direction = 'in' AND m.kind <> 'note') END,"
		" updated_at = ?1"
		" FROM temp.undo_clients u WHERE u.id = c.id";
	char now[CRM_TIME_LEN], lastid[24];
	sqlite3_stmt *st;
	int rc;

	if ((rc = crm_db_exec(crm, "CREATE TEMP TABLE IF NOT EXISTS undo_clients"
	                      " (id INTEGER PRIMARY KEY, out_at TEXT, in_at TEXT);"
	                      "DELETE FROM temp.undo_clients", "undo")))
		return rc;
	for (int i = 0; i < 2; i++) {
		if (!(st = crm_stmt(crm, i ? del : mark)))
			return crm_stmt_status(crm);
		sqlite3_bind_int64(st, 1, first);
		sqlite3_bind_int64(st, 2, last);
		if ((rc = crm_exec_stmt(crm, st, "undo")))
			return rc;
	}
	if (!(st = crm_stmt(crm, again)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "undo")))
		return rc;
	snprintf(lastid, sizeof lastid, "%lld", last);
	return crm_change(crm, &(struct crm_change){ CHANGE_COMM_REMOVED, first, "id", NULL,
	                  lastid, NULL });
}

/* a field of a client set back to old, as client edit sets it */
static int restore_field(struct crm *crm, const struct urow *r, const char *why)
{
	static const char custom_sql[] =
		"UPDATE clients SET custom = ?2, updated_at = ?3 WHERE id = ?1";
	struct crm_client_fields f;
	struct crm_kv_arg kv;
	const char *one;
	int i;

	memset(&f, 0, sizeof f);
	f.reason = why;
	if (is(r->field, "custom"))
		return crm_client_set_column(crm, r->entity_id, custom_sql, r->old ? r->old : "{}",
		                             CHANGE_CLIENT_FIELD, "custom", r->new, r->old, why);
	if (!strncmp(r->field, "custom.", 7)) {
		kv.key = r->field + 7;
		kv.value = r->old;
		f.set = &kv;
		f.nset = 1;
	} else if (is(r->action, "tag") || is(r->action, "untag")) {
		one = is(r->action, "tag") ? r->new : r->old;
		if (is(r->action, "tag")) {
			f.untags = &one;
			f.nuntags = 1;
		} else {
			f.tags = &one;
			f.ntags = 1;
		}
	} else {
		i = crm_client_field(r->field);
		f.v[i] = r->old ? r->old : "";
	}
	return crm_client_update(crm, r->entity_id, &f, NULL);
}

/* a do-not-contact hash the change set listed, taken off the list */
static int unlist(struct crm *crm, const char *hash, const char *why)
{
	static const char sql[] = "DELETE FROM do_not_contact WHERE hash = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "undo")) || !sqlite3_changes(crm->db))
		return rc;
	return crm_change(crm, &(struct crm_change){ CHANGE_DNC_REMOVE, 0, "hash", hash, NULL,
	                  why });
}

static int revert(struct crm *crm, const struct urow *r, const char *why)
{
	static const char del_client[] = "DELETE FROM clients WHERE id = ?1";
	static const char del_lead[] = "DELETE FROM leads WHERE id = ?1";
	static const char del_listing[] = "DELETE FROM client_listings WHERE id = ?1";
	static const char relink[] =
		"UPDATE leads SET client_id = ?2, updated_at = ?3 WHERE id = ?1";
	static const char set_dnc[] =
		"UPDATE clients SET dnc = ?2, updated_at = ?3 WHERE id = ?1 AND dnc <> ?2";
	long long n;
	int changed;

	if (is(r->entity, "do_not_contact"))
		return unlist(crm, r->new, why);
	if (is(r->action, "dnc"))
		return crm_change_column(crm, set_dnc, r->old, &(struct crm_change){
		                         CHANGE_CLIENT_DNC, r->entity_id, "dnc", r->new, r->old,
		                         why }, NULL);
	if (is(r->entity, "communication"))
		return crm_parse_int(r->new ? r->new : "", &n) ?
			crm_err(crm, CRM_SOFTWARE, "undo: history row %lld: no last id", r->id) :
			remove_comms(crm, r->entity_id, n);
	if (is(r->entity, "lead")) {
		if (is(r->action, "create"))
			return remove_row(crm, del_lead, r->entity_id, &(struct crm_change){
			                  CHANGE_LEAD_REMOVED, r->entity_id, NULL, NULL, NULL, why });
		if (is(r->action, "status"))
			return crm_lead_set_status(crm, r->entity_id, r->old, &changed);
		if (is(r->action, "update"))
			return crm_lead_restore(crm, r->entity_id, r->old, why);
		return crm_change_column(crm, relink, r->old, &(struct crm_change){
		                         CHANGE_LEAD_LINKED, r->entity_id, "client_id", r->new,
		                         r->old, why }, NULL);
	}
	if (is(r->action, "create"))
		return remove_row(crm, del_client, r->entity_id, &(struct crm_change){
		                  CHANGE_CLIENT_REMOVED, r->entity_id, NULL, r->new, NULL, why });
	if (is(r->action, "merge"))
		return is(r->field, "snapshot") && r->old ?
			crm_client_unmerge(crm, r->entity_id, r->old, why) : 0;
	if (is(r->action, "listing"))
		return crm_parse_int(r->new ? r->new : "", &n) ? 0 :
			remove_row(crm, del_listing, n, &(struct crm_change){ CHANGE_LISTING_ADDED,
			           r->entity_id, "listing", r->new, NULL, why });
	return restore_field(crm, r, why);
}

static void print_row(struct printer *pr, const struct uset *u, const struct urow *r)
{
	char set[24], id[24], range[64], made[48];
	const char *v[7];

	snprintf(set, sizeof set, "%lld", u->id);
	snprintf(id, sizeof id, "%lld", r->entity_id);
	v[0] = set;
	v[1] = verb(r);
	v[2] = r->entity;
	v[3] = id;
	v[4] = r->field;
	v[5] = is(r->action, "untag") ? NULL : r->new;
	v[6] = is(r->action, "untag") ? r->old : is(r->action, "tag") ? NULL : r->old;
	if (is(r->entity, "communication")) {
		snprintf(range, sizeof range, "%lld-%s", r->entity_id, r->new ? r->new : "");
		v[5] = range;
	}
	if (is(r->action, "create") || is(r->action, "listing"))
		v[6] = NULL;
	if (is(r->action, "merge") && is(r->field, "snapshot")) {
		/* the client it makes again, not the whole snapshot */
		snprintf(made, sizeof made, "client %s", r->new ? r->new : "?");
		v[5] = NULL;
		v[6] = made;
	}
	printer_row(pr, v);
}

int crm_undo(struct crm *crm, long long id, int dry_run, struct printer *pr,
             struct crm_undo_result *res)
{
	static const char done[] = "UPDATE change_sets SET undone_at = ?2 WHERE id = ?1";
	static const struct pcol cols[] = {
		{ "change_set", COL_INT, 0 }, { "undo", COL_TEXT, 0 }, { "entity", COL_TEXT, 0 },
		{ "entity_id", COL_INT, 0 }, { "field", COL_TEXT, 0 }, { "value", COL_TEXT, 0 },
		{ "restored", COL_TEXT, 0 },
	};
	struct uset u;
	char why[96], now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	memset(res, 0, sizeof *res);
	if (pr && (rc = crm_fmt_check(crm, cols, 7)))
		return rc;
	if ((rc = crm_begin(crm)))
		return rc;
	if ((rc = load(crm, id, &u)) || (rc = undoable(crm, &u)) || (rc = later(crm, &u)))
		goto done;
	snprintf(why, sizeof why, "undo of change set %lld", u.id);
	for (int i = 0; i < u.n && !rc; i++) {
		const struct urow *r = &u.rows[i];
		res->changes += is(r->entity, "communication") && r->new ?
		                atoll(r->new) - r->entity_id + 1 : 1;
		if ((rc = revert(crm, r, why))) {
			char msg[sizeof crm->err];
			memcpy(msg, crm->err, sizeof msg);
			crm_err(crm, rc, "undo: change set %lld (%s): %s %lld: %s", u.id, u.command,
			        r->entity, r->entity_id, msg);
		}
	}
	if (rc || !(st = crm_stmt(crm, done))) {
		rc = rc ? rc : crm_stmt_status(crm);
		goto done;
	}
	crm_now(now);
	sqlite3_bind_int64(st, 1, u.id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "undo")) ||
	    (rc = crm_change(crm, &(struct crm_change){ CHANGE_UNDONE, u.id, NULL, NULL, NULL,
	                     u.command })))
		goto done;
	res->set = u.id;
	snprintf(res->command, sizeof res->command, "%s", u.command);
	if (pr) {
		printer_begin(pr, cols, 7);
		for (int i = 0; i < u.n; i++)
			print_row(pr, &u, &u.rows[i]);
		printer_end(pr);
	}
done:
	if (rc || dry_run)
		crm_rollback(crm);
	else
		rc = crm_commit(crm);
	uset_free(&u);
	return rc;
}
