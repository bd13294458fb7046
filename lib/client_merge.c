/* client_merge.c: two clients that are one owner made one (crm client
 * merge): KEEP takes DROP's communications, listings, leads, tags,
 * custom fields, notifications and history, and the fields it has no
 * value for; DROP is removed.  One change set, with history rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "client.h"

/* a client as merge reads it: its settable fields in enum order, then
 * the rest */
struct mrow {
	char *v[CF_COUNT];
	long long op;
	char *custom, *paused;
	int dnc;
};

enum { M_OP = CF_COUNT, M_CUSTOM, M_PAUSED, M_DNC, M_NCOL };

static void mrow_free(struct mrow *m)
{
	for (int i = 0; i < CF_COUNT; i++)
		free(m->v[i]);
	free(m->custom);
	free(m->paused);
	memset(m, 0, sizeof *m);
}

static int load(struct crm *crm, long long id, struct mrow *m)
{
	static char sql[640];
	sqlite3_stmt *st;
	int rc;

	memset(m, 0, sizeof *m);
	if (!sql[0]) {
		size_t at = (size_t)snprintf(sql, sizeof sql, "SELECT ");
		for (int i = 0; i < CF_COUNT; i++)
			at += (size_t)snprintf(sql + at, sizeof sql - at, "%s, ",
			                       crm_client_field_name(i));
		snprintf(sql + at, sizeof sql - at, "operator_id, custom, automation_paused_until,"
		         " dnc FROM clients WHERE id = ?1");
	}
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < CF_COUNT; i++)
			m->v[i] = crm_column_dup(st, i);
		m->op = sqlite3_column_int64(st, M_OP);
		m->custom = crm_column_dup(st, M_CUSTOM);
		m->paused = crm_column_dup(st, M_PAUSED);
		m->dnc = sqlite3_column_int(st, M_DNC);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_NOTFOUND, "client merge: client '%lld': not found", id);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "client merge");
}

/* run sql with ?1 keep and ?2 drop; *n (may be NULL) the rows it changed */
static int move(struct crm *crm, const char *sql, long long keep, long long drop,
                long long *n)
{
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, keep);
	sqlite3_bind_int64(st, 2, drop);
	if ((rc = crm_exec_stmt(crm, st, "client merge")))
		return rc;
	if (n)
		*n = sqlite3_changes(crm->db);
	return 0;
}

/* DROP's tags (owned, *n of them) */
static int tags_of(struct crm *crm, long long id, char ***tags, int *n)
{
	static const char sql[] = "SELECT tag FROM client_tags WHERE client_id = ?1 ORDER BY tag";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*tags = NULL;
	*n = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*tags = xrealloc(*tags, (size_t)(*n + 1) * sizeof **tags);
		(*tags)[(*n)++] = crm_column_dup(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "client merge");
}

/* tell one thing the merge moved: a history row of KEEP's */
static int told(struct crm *crm, long long keep, const char *field, long long n,
                const char *old, const char *reason)
{
	char v[24];

	if (!n)
		return 0;
	snprintf(v, sizeof v, "%lld", n);
	return crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_MERGED, keep, field, old, v,
	                  reason });
}

/* KEEP's custom fields over DROP's: KEEP's keys win; *added counts the
 * keys that came from DROP */
static int merge_custom(struct crm *crm, long long keep, const struct mrow *k,
                        const struct mrow *d, long long *added)
{
	static const char sql[] =
		"SELECT json_patch(?2, ?1), (SELECT count(*) FROM json_each(?2) WHERE"
		" json_type(?1, '$.\"' || key || '\"') IS NULL)";
	static const char set[] = "UPDATE clients SET custom = ?2, updated_at = ?3 WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	char *merged = NULL;
	int rc;

	*added = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, k->custom ? k->custom : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->custom ? d->custom : "{}", -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		merged = crm_column_dup(st, 0);
		*added = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return crm_sqlerr(crm, "client merge");
	rc = *added ? crm_client_set_column(crm, keep, set, merged, CHANGE_CLIENT_FIELD, "custom",
	                                    k->custom, merged, "merge") : 0;
	free(merged);
	return rc;
}

/* the fields KEEP takes from DROP: those it has no value for; the
 * later contact times; a stop of automation on either */
static void fill(const struct mrow *k, const struct mrow *d, struct crm_client_fields *f,
                 long long *n)
{
	static const int fields[] = {
		CF_EMAIL, CF_PHONE, CF_CHANNEL, CF_SOURCE_TYPE, CF_SOURCE_URL, CF_LISTING_REF,
		CF_VIABILITY, CF_NOTES, CF_LOST_REASON, CF_NEXT_ACTION_AT,
	};
	static const int times[] = { CF_LAST_CONTACTED_AT, CF_LAST_INTERACTION_AT };

	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (!k->v[fields[i]] && d->v[fields[i]])
			f->v[fields[i]] = d->v[fields[i]], ++*n;
	for (size_t i = 0; i < 2; i++)
		if (d->v[times[i]] && (!k->v[times[i]] || strcmp(d->v[times[i]], k->v[times[i]]) > 0))
			f->v[times[i]] = d->v[times[i]], ++*n;
	if (k->v[CF_AUTOMATION] && d->v[CF_AUTOMATION] && !strcmp(d->v[CF_AUTOMATION], "0") &&
	    strcmp(k->v[CF_AUTOMATION], "0"))
		f->v[CF_AUTOMATION] = "0", ++*n;
}

/* The columns of clients, as they are in this database (owned by the
 * caller's buffer): "a, b, c", and what fmt makes of each ("%1$s" the
 * name), joined by ", " */
static int client_columns(struct crm *crm, const char *fmt, char *buf, size_t size)
{
	static const char sql[] = "SELECT name FROM pragma_table_info('clients') ORDER BY cid";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	size_t at = 0;
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && at < size) {
		if (at)
			at += (size_t)snprintf(buf + at, size - at, ", ");
		if (at < size)
			at += (size_t)snprintf(buf + at, size - at, fmt,
			                       (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return crm_sqlerr(crm, "client merge");
	return at < size ? 0 : crm_err(crm, CRM_SOFTWARE, "client merge: too many columns");
}

/* DROP as it is and what of it the merge moves, with what of KEEP the
 * merge changes that no history row tells, as one JSON object (owned,
 * *json): the "snapshot" row of the merge, from which undo makes DROP
 * again */
static int snapshot(struct crm *crm, long long keep, long long drop, char **json)
{
	static char sql[4096];
	char cols[2048];
	sqlite3_stmt *st;
	int rc;

	*json = NULL;
	if (!sql[0]) {
		if ((rc = client_columns(crm, "'%1$s', %1$s", cols, sizeof cols)))
			return rc;
		snprintf(sql, sizeof sql, "SELECT json_object("
		         "'client', (SELECT json_object(%s) FROM clients WHERE id = ?2),"
		         " 'keep', (SELECT json_object('dnc', dnc, 'automation_paused_until',"
		         "  automation_paused_until) FROM clients WHERE id = ?1),"
		         " 'tags', (SELECT json_group_array(tag) FROM client_tags WHERE client_id = ?2),"
		         " 'communications', (SELECT json_group_array(id) FROM communications"
		         "  WHERE client_id = ?2),"
		         " 'listings', (SELECT json_group_array(json_object('id', id, 'lead_id', lead_id,"
		         "  'listing_ref', listing_ref, 'listing_hash', listing_hash, 'source_url',"
		         "  source_url, 'created_at', created_at, 'updated_at', updated_at))"
		         "  FROM client_listings WHERE client_id = ?2),"
		         " 'leads', (SELECT json_group_array(id) FROM leads WHERE client_id = ?2),"
		         " 'notifications', (SELECT json_group_array(id) FROM notifications"
		         "  WHERE client_id = ?2),"
		         " 'history', (SELECT json_group_array(id) FROM activity_logs"
		         "  WHERE entity = 'client' AND entity_id = ?2))", cols);
	}
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, keep);
	sqlite3_bind_int64(st, 2, drop);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*json = crm_column_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW && *json ? 0 : crm_sqlerr(crm, "client merge");
}

int crm_client_unmerge(struct crm *crm, long long keep, const char *json, const char *why)
{
	static char insert[4096];
	static const char *const back[] = {
		"UPDATE communications SET client_id = ?1 ->> '$.client.id'"
		" WHERE id IN (SELECT value FROM json_each(?1, '$.communications'))",
		"UPDATE client_listings SET client_id = ?1 ->> '$.client.id'"
		" WHERE id IN (SELECT value ->> '$.id' FROM json_each(?1, '$.listings'))",
		/* the listings KEEP had already went with DROP's client row */
		"INSERT INTO client_listings (id, client_id, lead_id, listing_ref, listing_hash,"
		" source_url, created_at, updated_at) SELECT value ->> '$.id', ?1 ->> '$.client.id',"
		" value ->> '$.lead_id', value ->> '$.listing_ref', value ->> '$.listing_hash',"
		" value ->> '$.source_url', value ->> '$.created_at', value ->> '$.updated_at'"
		" FROM json_each(?1, '$.listings') WHERE value ->> '$.id' NOT IN"
		" (SELECT id FROM client_listings)",
		"UPDATE leads SET client_id = ?1 ->> '$.client.id'"
		" WHERE id IN (SELECT value FROM json_each(?1, '$.leads'))",
		"UPDATE notifications SET client_id = ?1 ->> '$.client.id'"
		" WHERE id IN (SELECT value FROM json_each(?1, '$.notifications'))",
		"UPDATE activity_logs SET entity_id = ?1 ->> '$.client.id'"
		" WHERE id IN (SELECT value FROM json_each(?1, '$.history'))",
		"INSERT OR IGNORE INTO client_tags (client_id, tag)"
		" SELECT ?1 ->> '$.client.id', value FROM json_each(?1, '$.tags')",
		"UPDATE clients SET dnc = ?1 ->> '$.keep.dnc',"
		" automation_paused_until = ?1 ->> '$.keep.automation_paused_until' WHERE id = ?2",
		"UPDATE clients AS c SET"
		CRM_TOUCHES_SET " WHERE c.id IN (?2, ?1 ->> '$.client.id')",
	};
	char cols[1024], vals[2048], kept[24];
	long long drop = 0;
	sqlite3_stmt *st;
	int rc;

	if (!insert[0]) {
		if ((rc = client_columns(crm, "%1$s", cols, sizeof cols)) ||
		    (rc = client_columns(crm, "?1 -> '$.client' ->> '$.%1$s'", vals, sizeof vals)))
			return rc;
		snprintf(insert, sizeof insert, "INSERT INTO clients (%s) SELECT %s", cols, vals);
	}
	for (size_t i = 0; i <= sizeof back / sizeof *back; i++) {
		if (!(st = crm_stmt(crm, i ? back[i - 1] : insert)))
			return crm_stmt_status(crm);
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, keep);
		if (sqlite3_step(st) != SQLITE_DONE)
			return sqlite3_extended_errcode(crm->db) == SQLITE_CONSTRAINT_UNIQUE ?
				crm_err(crm, CRM_DATAERR, "the merged client's email or phone is another"
				        " client's now") : crm_sqlerr(crm, "undo");
		if (i == 0)
			drop = sqlite3_last_insert_rowid(crm->db);
	}
	snprintf(kept, sizeof kept, "%lld", keep);
	return crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_UNMERGED, drop, "client", kept,
	                  NULL, why });
}

int crm_client_merge(struct crm *crm, long long keep, long long drop,
                     struct crm_merge_counts *c)
{
	static const char free_keys[] =
		"UPDATE clients SET email_norm = NULL, phone_norm = NULL WHERE id = ?2";
	static const char comms[] = "UPDATE communications SET client_id = ?1 WHERE client_id = ?2";
	static const char listings[] =
		"UPDATE OR IGNORE client_listings SET client_id = ?1, updated_at = updated_at"
		" WHERE client_id = ?2";
	static const char leads[] = "UPDATE leads SET client_id = ?1 WHERE client_id = ?2";
	static const char notes[] = "UPDATE notifications SET client_id = ?1 WHERE client_id = ?2";
	static const char history[] =
		"UPDATE activity_logs SET entity_id = ?1 WHERE entity = 'client' AND entity_id = ?2";
	static const char derived[] =
		"UPDATE clients AS c SET"
		CRM_TOUCHES_SET ","
		" dnc = max(c.dnc, d.dnc),"
		" automation_paused_until = CASE WHEN d.automation_paused_until"
		"  > coalesce(c.automation_paused_until, '') THEN d.automation_paused_until"
		"  ELSE c.automation_paused_until END"
		" FROM clients d WHERE c.id = ?1 AND d.id = ?2";
	static const char del[] = "DELETE FROM clients WHERE id = ?2";
	struct mrow k, d;
	struct crm_client_fields f;
	char **tags = NULL, dropped[24], *snap = NULL;
	long long filled = 0;
	int rc, own = 0, ntags = 0, changed = 0;

	memset(c, 0, sizeof *c);
	memset(&k, 0, sizeof k);
	memset(&d, 0, sizeof d);
	memset(&f, 0, sizeof f);
	if (keep == drop)
		return crm_err(crm, CRM_DATAERR, "client merge: KEEP and DROP are the same client"
		               " (%lld)", keep);
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	if ((rc = load(crm, keep, &k)) || (rc = load(crm, drop, &d)))
		goto done;
	if (k.op != d.op) {
		rc = crm_err(crm, CRM_DATAERR, "client merge: client %lld is operator %lld's and"
		             " client %lld operator %lld's: the clients of two operators are not"
		             " merged", keep, k.op, drop, d.op);
		goto done;
	}
	/* what undo needs to make DROP again, first: undo reverts it last */
	snprintf(dropped, sizeof dropped, "%lld", drop);
	if ((rc = snapshot(crm, keep, drop, &snap)) ||
	    (rc = crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_MERGED, keep, "snapshot",
	                     snap, dropped, NULL })))
		goto done;
	/* one owner, one client: DROP's keys are freed before KEEP takes them */
	if ((rc = move(crm, free_keys, keep, drop, NULL)) || (rc = tags_of(crm, drop, &tags, &ntags)))
		goto done;
	fill(&k, &d, &f, &filled);
	f.tags = (const char *const *)tags;
	f.ntags = ntags;
	f.reason = "merge";
	if ((rc = crm_client_update(crm, keep, &f, &changed)) ||
	    (rc = merge_custom(crm, keep, &k, &d, &c->custom)))
		goto done;
	c->fields = filled;
	c->tags = changed - filled;
	if ((rc = move(crm, comms, keep, drop, &c->comms)) ||
	    (rc = move(crm, listings, keep, drop, &c->listings)) ||
	    (rc = move(crm, leads, keep, drop, &c->leads)) ||
	    (rc = move(crm, notes, keep, drop, NULL)) ||
	    (rc = move(crm, history, keep, drop, &c->history)) ||
	    (rc = move(crm, derived, keep, drop, NULL)))
		goto done;
	/* KEEP takes DROP's do-not-contact (derived): said as a change of its
	 * own, so that its history and the outbox tell it */
	if (d.dnc && !k.dnc &&
	    (rc = crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_DNC, keep, "dnc", "0", "1",
	                     "merge" })))
		goto done;
	if ((rc = told(crm, keep, "communications", c->comms, dropped, NULL)) ||
	    (rc = told(crm, keep, "listings", c->listings, dropped, NULL)) ||
	    (rc = told(crm, keep, "leads", c->leads, dropped, NULL)) ||
	    (rc = told(crm, keep, "history", c->history, dropped, NULL)) ||
	    (rc = crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_MERGED, keep, "client",
	                     dropped, NULL, d.v[CF_NAME] })) ||
	    (rc = move(crm, del, keep, drop, NULL)))
		goto done;
	/* and a row of DROP's own: a client made later with its id is a
	 * change to the same row, which the undo of the merge is refused for */
	snprintf(dropped, sizeof dropped, "%lld", keep);
	rc = crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_MERGED, drop, "into", NULL,
	                dropped, NULL });
done:
	rc = crm_tx_end(crm, own, rc);
	for (int i = 0; i < ntags; i++)
		free(tags[i]);
	free(tags);
	mrow_free(&k);
	mrow_free(&d);
	free(snap);
	if (rc)
		memset(c, 0, sizeof *c);
	return rc;
}

/* the client id went into, through the merges so far (pairs of drop,
 * keep in into[0..2n)); id itself when it was not merged */
static long long keeper(const long long *into, int n, long long id)
{
	for (int j = 0; j < n; j++)
		if (into[2 * j] == id) {
			id = into[2 * j + 1];
			j = -1;
		}
	return id;
}

int crm_client_merge_all(struct crm *crm, const long long *pairs, int n, int dry_run,
                         void (*each)(void *arg, long long keep, long long drop,
                                      const struct crm_merge_counts *c),
                         void *arg)
{
	/* what each DROP went into, so that a pair that names it again (a
	 * dupes list names an owner once by email and once by phone) names
	 * its keeper */
	long long *into = xmalloc((size_t)(n ? n : 1) * 2 * sizeof *into);
	struct crm_merge_counts c;
	int rc, nmerged = 0;

	if ((rc = crm_begin(crm))) {
		free(into);
		return rc;
	}
	for (int i = 0; i < n && !rc; i++) {
		long long keep = keeper(into, nmerged, pairs[2 * i]);
		long long drop = keeper(into, nmerged, pairs[2 * i + 1]);
		if (keep == drop && pairs[2 * i] != pairs[2 * i + 1])
			continue;   /* the two are one already */
		if ((rc = crm_client_merge(crm, keep, drop, &c)))
			break;
		into[2 * nmerged] = drop;
		into[2 * nmerged++ + 1] = keep;
		if (each)
			each(arg, keep, drop, &c);
	}
	free(into);
	if (rc || dry_run)
		crm_rollback(crm);
	else
		rc = crm_commit(crm);
	return rc;
}
