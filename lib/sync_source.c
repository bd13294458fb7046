/* sync_source.c: a SQLite source (see sync_int.h): opened read-only on
 * a connection of its own, read by a keyset cursor on the source's own
 * values; the leads' statuses written back; a listing read on demand. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "sync_int.h"

/* an SQL identifier, quoted (owned, sqlite3_free): "a""b" */
static char *qid(const char *s)
{
	return sqlite3_mprintf("\"%w\"", s);
}

/* The source's file, opened read-only (rw: read-write, for writeback):
 * 66 when it is not there or no SQLite database, 78 when its table is
 * not there. */
static int source_open(struct crm *crm, const char *name, const struct crm_source *src,
                       int rw, sqlite3 **db)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*db = NULL;
	if (access(src->sqlite, R_OK) != 0)
		return crm_err(crm, CRM_NOINPUT, "sync: sources.%s: cannot open '%s': %s", name,
		               src->sqlite, "no such file, or it cannot be read");
	if (sqlite3_open_v2(src->sqlite, db, rw ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
	                    NULL) != SQLITE_OK) {
		rc = crm_err(crm, CRM_NOINPUT, "sync: sources.%s: cannot open '%s': %s", name,
		             src->sqlite, sqlite3_errmsg(*db));
		goto fail;
	}
	sqlite3_busy_timeout(*db, 5000);
	if (sqlite3_prepare_v2(*db, "SELECT 1 FROM pragma_table_info(?1)", -1, &st, NULL)) {
		rc = crm_err(crm, CRM_NOINPUT, "sync: sources.%s: '%s': %s", name, src->sqlite,
		             sqlite3_errmsg(*db));
		goto fail;
	}
	sqlite3_bind_text(st, 1, src->table, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		rc = crm_err(crm, CRM_CONFIG, "sync: sources.%s: no table '%s' in '%s'", name,
		             src->table, src->sqlite);
	else
		rc = crm_err(crm, rc == SQLITE_BUSY ? CRM_TEMPFAIL : CRM_NOINPUT,
		             "sync: sources.%s: '%s': %s", name, src->sqlite, sqlite3_errmsg(*db));
fail:
	sqlite3_close(*db);
	*db = NULL;
	return rc;
}

/* whether the source's table has column col (rowid: whether it has
 * rowids, as a table that is not WITHOUT ROWID has) */
static int has_column(sqlite3 *db, const char *table, const char *col)
{
	sqlite3_stmt *st;
	int yes;

	if (!strcmp(col, "rowid")) {
		char *sql = sqlite3_mprintf("SELECT rowid FROM \"%w\" LIMIT 0", table);
		yes = sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
		sqlite3_finalize(st);
		sqlite3_free(sql);
		return yes;
	}
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1,
	                       &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

static int need_column(struct crm *crm, const char *name, const struct crm_source *src,
                       sqlite3 *db, const char *col)
{
	if (has_column(db, src->table, col))
		return 0;
	return crm_err(crm, CRM_CONFIG, "sync: sources.%s: no column '%s' in table '%s' of '%s'",
	               name, col, src->table, src->sqlite);
}

static int need_map(struct crm *crm, const char *name, const struct crm_source *src,
                    sqlite3 *db)
{
	int rc = 0;

	for (int i = 0; !rc && i < src->nmap; i++)
		rc = need_column(crm, name, src, db, src->map[i].key);
	return rc;
}

/* the renames a bot's store needs when its map does not say: url is
 * the source_url, contacted_at the time (at) */
static const char *contact_default(const struct crm_source *src, const char *col)
{
	const char *m = pull_mapped(src, col);

	if (m != col)
		return m;
	if (!strcmp(col, "url"))
		return "source_url";
	if (!strcmp(col, "contacted_at"))
		return "at";
	return col;
}

/* the row of st from column first on, as a record of mapped names */
static void row_record(struct pull *p, sqlite3_stmt *st, int first, struct crm_record *rec)
{
	int n = sqlite3_column_count(st);

	rec->nfields = 0;
	rec->json = 1;
	rec->line = 0;
	for (int i = first; i < n; i++) {
		int t = sqlite3_column_type(st, i);
		const char *col = sqlite3_column_name(st, i);
		if (t == SQLITE_NULL)
			continue;
		rec->fields[rec->nfields++] = (struct crm_field){
			p->name[0] == 'c' ? contact_default(p->src, col) : pull_mapped(p->src, col),
			(const char *)sqlite3_column_text(st, i),
			t == SQLITE_INTEGER || t == SQLITE_FLOAT ? V_NUM : V_STR };
	}
}

/* the cursor as JSON (owned): {"at": value, "key": value}, the values of
 * the source's own types */
static char *cursor_json(struct crm *crm, sqlite3_value *at, sqlite3_value *key)
{
	sqlite3_stmt *st = crm_stmt(crm, "SELECT json_object('at', ?1, 'key', ?2)");
	char *out = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_value(st, 1, at);
	sqlite3_bind_value(st, 2, key);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = crm_column_dup(st, 0);
	sqlite3_reset(st);
	return out;
}

static int cursor_parse(struct crm *crm, const char *json, sqlite3_value **at,
                        sqlite3_value **key)
{
	sqlite3_stmt *st = crm_stmt(crm, "SELECT CASE WHEN json_valid(?1) THEN ?1 ->> '$.at' END,"
	                                 " CASE WHEN json_valid(?1) THEN ?1 ->> '$.key' END");

	*at = *key = NULL;
	if (!json)
		return 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*at = sqlite3_value_dup(sqlite3_column_value(st, 0));
		*key = sqlite3_value_dup(sqlite3_column_value(st, 1));
	}
	sqlite3_reset(st);
	return 0;
}

/* Every row of the operators' table, in one transaction. */
static int pull_all(struct pull *p, sqlite3 *db)
{
	struct crm_record rec = { 0 };
	char *sql, where[128];
	sqlite3_stmt *st = NULL;
	int rc, s = SQLITE_DONE;

	if ((rc = need_column(p->crm, p->name, p->src, db, pull_unmapped(p->src, "id"))) ||
	    (rc = need_column(p->crm, p->name, p->src, db, pull_unmapped(p->src, "name"))))
		goto cleanup;
	sql = sqlite3_mprintf("SELECT * FROM \"%w\"", p->src->table);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc) {
		rc = crm_err(p->crm, CRM_NOINPUT, "sync: sources.%s: %s", p->name, sqlite3_errmsg(db));
		goto cleanup;
	}
	rec.fields = xmalloc((size_t)sqlite3_column_count(st) * sizeof *rec.fields);
	if ((rc = pull_begin(p)))
		goto cleanup;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		row_record(p, st, 0, &rec);
		snprintf(where, sizeof where, "row %lld", p->st.read + 1);
		rc = pull_row(p, &rec, where);
	}
	if (!rc && s != SQLITE_DONE)
		rc = crm_err(p->crm, s == SQLITE_BUSY ? CRM_TEMPFAIL : CRM_NOINPUT,
		             "sync: sources.%s: %s", p->name, sqlite3_errmsg(db));
	rc = pull_end(p, NULL, p->st.added + p->st.updated, rc);
cleanup:
	sqlite3_finalize(st);
	free(rec.fields);
	return rc;
}

/* How far back a run starts reading (owned; NULL: from the cursor's own
 * value): the cursor's value less the source's overlap in seconds.  A
 * number less the seconds; a time or date in the form the source writes
 * it (its separator kept, so that text compares as the source's does);
 * any other value, itself.  Never after the cursor. */
static sqlite3_value *overlap_from(sqlite3 *db, sqlite3_value *at, int secs)
{
	static const char sql[] =
		"SELECT min(?1, CASE"
		" WHEN typeof(?1) IN ('integer', 'real') THEN ?1 - ?2"
		" WHEN julianday(?1) IS NULL THEN ?1"
		" WHEN length(?1) <= 10 THEN date(?1, printf('-%d seconds', ?2))"
		" ELSE replace(datetime(?1, printf('-%d seconds', ?2)), ' ', substr(?1, 11, 1)) END)";
	sqlite3_stmt *st = NULL;
	sqlite3_value *v = NULL;

	if (!at || secs <= 0)
		return NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_value(st, 1, at);
		sqlite3_bind_int(st, 2, secs);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_value_dup(sqlite3_column_value(st, 0));
	}
	sqlite3_finalize(st);
	return v;
}

/* Leads or contacts, a chunk at a time, each chunk in one transaction
 * with the cursor of its last row: the rows whose (cursor, key) comes
 * after it.  A run starts by reading again the rows of the overlap
 * before the cursor (sources.NAME.overlap seconds; with 0, those of the
 * cursor's value itself), so that a row committed late with a value a
 * little before the cursor is not missed; the rows read again change
 * nothing.  Rows with no cursor value or no key are not read. */
static int pull_keyset(struct pull *p, sqlite3 *db)
{
	const struct crm_source *src = p->src;
	const char *curcol = src->cursor ? src->cursor :
	                     p->name[0] == 'c' ? "contacted_at" : "updated_at";
	const char *keycol = src->key ? src->key : p->name[0] == 'l' ? "id" :
	                     has_column(db, src->table, "id") ? "id" : "rowid";
	char *t = NULL, *c = NULL, *k = NULL, *sql = NULL, *json = NULL;
	sqlite3_value *at = NULL, *key = NULL, *from = NULL;
	struct crm_record rec = { 0 };
	sqlite3_stmt *st = NULL;
	int rc, s = SQLITE_DONE, overlap = 1;
	long long n, brought;

	if ((rc = need_column(p->crm, p->name, src, db, curcol)) ||
	    (rc = need_column(p->crm, p->name, src, db, keycol)) ||
	    (rc = need_map(p->crm, p->name, src, db)) ||
	    (rc = crm_sync_state_get(p->crm, p->name, &json)) ||
	    (rc = cursor_parse(p->crm, json, &at, &key)))
		goto cleanup;
	from = overlap_from(db, at, src->overlap);
	t = qid(src->table);
	c = qid(curcol);
	k = qid(keycol);
	sql = sqlite3_mprintf("SELECT %s, %s, * FROM %s WHERE %s IS NOT NULL AND %s IS NOT NULL"
	                      " AND (?1 IS NULL OR %s > ?1 OR (%s = ?1 AND (?3 OR %s > ?2))"
	                      " OR (?3 AND %s >= ?4)) ORDER BY %s, %s LIMIT %d",
	                      c, k, t, c, k, c, c, k, c, c, k, PULL_CHUNK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL)) {
		rc = crm_err(p->crm, CRM_CONFIG, "sync: sources.%s: %s", p->name, sqlite3_errmsg(db));
		goto cleanup;
	}
	rec.fields = xmalloc((size_t)sqlite3_column_count(st) * sizeof *rec.fields);
	do {
		char where[160], *cur = NULL;
		n = 0;
		brought = p->st.added + p->st.updated;
		if ((rc = pull_begin(p)))
			break;
		if (at) {
			sqlite3_bind_value(st, 1, at);
			sqlite3_bind_value(st, 2, key);
		}
		sqlite3_bind_int(st, 3, overlap);
		if (from)
			sqlite3_bind_value(st, 4, from);
		while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
			n++;
			row_record(p, st, 2, &rec);
			snprintf(where, sizeof where, "%s %.100s", keycol,
			         (const char *)sqlite3_column_text(st, 1));
			sqlite3_value_free(at);
			sqlite3_value_free(key);
			at = sqlite3_value_dup(sqlite3_column_value(st, 0));
			key = sqlite3_value_dup(sqlite3_column_value(st, 1));
			rc = pull_row(p, &rec, where);
		}
		if (!rc && s != SQLITE_DONE)
			rc = crm_err(p->crm, s == SQLITE_BUSY ? CRM_TEMPFAIL : CRM_NOINPUT,
			             "sync: sources.%s: %s", p->name, sqlite3_errmsg(db));
		sqlite3_reset(st);
		if (!rc && n && !(cur = cursor_json(p->crm, at, key)))
			rc = crm_sqlerr(p->crm, "sync pull");
		rc = pull_end(p, cur, p->st.added + p->st.updated - brought, rc);
		free(cur);
		overlap = 0;
	} while (!rc && n == PULL_CHUNK);
cleanup:
	sqlite3_finalize(st);
	sqlite3_value_free(at);
	sqlite3_value_free(key);
	sqlite3_value_free(from);
	free(rec.fields);
	free(json);
	sqlite3_free(sql);
	sqlite3_free(t);
	sqlite3_free(c);
	sqlite3_free(k);
	return rc;
}

int pull_sqlite(struct pull *p)
{
	sqlite3 *db;
	int rc;

	if ((rc = source_open(p->crm, p->name, p->src, 0, &db)))
		return rc;
	rc = p->name[0] == 'o' ? pull_all(p, db) : pull_keyset(p, db);
	sqlite3_close(db);
	return rc;
}

/* --- writeback --- */

/* The lead statuses set in crm since the last writeback (activity_logs
 * entity 'lead', action 'status', after the id kept as the cursor of
 * "leads.writeback"), each lead's status now written to the source's
 * status column by its key.  The source is written first: a run killed
 * between the two writes the same statuses again, which changes
 * nothing. */
int pull_writeback(struct pull *p)
{
	static const char sql[] =
		"SELECT a.id, l.external_id, l.status FROM activity_logs a"
		" LEFT JOIN leads l ON l.id = a.entity_id"
		" WHERE a.entity = 'lead' AND a.action = 'status' AND a.id > ?1 ORDER BY a.id";
	const struct crm_source *src = p->src;
	const char *keycol = src->key ? src->key : "id";
	const char *statcol = pull_unmapped(src, "status");
	char *t = qid(src->table), *k = qid(keycol), *s = qid(statcol), *upd = NULL;
	char *json = NULL, cur[64];
	long long last = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *w = NULL;
	int rc, began = 0;

	if ((rc = source_open(p->crm, p->name, src, !p->dry, &db)) ||
	    (rc = need_column(p->crm, p->name, src, db, keycol)) ||
	    (rc = need_column(p->crm, p->name, src, db, statcol)) ||
	    (rc = crm_sync_state_get(p->crm, "leads.writeback", &json)))
		goto cleanup;
	if (json)
		sscanf(json, "{\"activity_id\":%lld}", &last);
	upd = sqlite3_mprintf("UPDATE %s SET %s = ?1 WHERE %s = ?2 AND %s IS NOT ?1", t, s, k, s);
	if (sqlite3_prepare_v2(db, upd, -1, &w, NULL)) {
		rc = crm_err(p->crm, CRM_CONFIG, "sync: sources.leads: writeback: %s",
		             sqlite3_errmsg(db));
		goto cleanup;
	}
	if (!p->dry && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = crm_err(p->crm, CRM_TEMPFAIL, "sync: sources.leads: writeback: %s",
		             sqlite3_errmsg(db));
		goto cleanup;
	}
	began = !p->dry;
	if (!(st = crm_stmt(p->crm, sql))) {
		rc = crm_stmt_status(p->crm);
		goto cleanup;
	}
	sqlite3_bind_int64(st, 1, last);
	while (!rc && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = 0;
		last = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;           /* a lead of no source, or gone */
		if (p->dry) {
			p->st.written_back++;
			continue;
		}
		sqlite3_bind_value(w, 1, sqlite3_column_value(st, 2));
		sqlite3_bind_value(w, 2, sqlite3_column_value(st, 1));
		if (sqlite3_step(w) != SQLITE_DONE)
			rc = crm_err(p->crm, CRM_NOINPUT, "sync: sources.leads: writeback: %s",
			             sqlite3_errmsg(db));
		else
			p->st.written_back += sqlite3_changes(db);
		sqlite3_reset(w);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc == SQLITE_ROW || (rc > 0 && rc < 64))
		rc = crm_sqlerr(p->crm, "sync writeback");
	sqlite3_reset(st);
	if (rc || p->dry)
		goto cleanup;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = crm_err(p->crm, CRM_TEMPFAIL, "sync: sources.leads: writeback: %s",
		             sqlite3_errmsg(db));
		goto cleanup;
	}
	began = 0;
	snprintf(cur, sizeof cur, "{\"activity_id\":%lld}", last);
	if (!(rc = crm_begin(p->crm))) {
		rc = crm_sync_state_put(p->crm, "leads.writeback", cur, "ok", p->st.written_back);
		rc = rc ? (crm_rollback(p->crm), rc) : crm_commit(p->crm);
	}
cleanup:
	if (began)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(w);
	sqlite3_close(db);
	free(json);
	sqlite3_free(upd);
	sqlite3_free(t);
	sqlite3_free(k);
	sqlite3_free(s);
	return rc;
}

/* --- listings --- */

/* the listing of ref in a SQLite listings source, as a JSON object of
 * its columns (renamed by the map) */
static int listing_sqlite(struct crm *crm, const struct crm_source *src, const char *ref,
                          char **json)
{
	const char *keycol = src->key ? src->key : "listing_ref";
	sqlite3_str *q = NULL;
	char *sql = NULL;
	sqlite3 *db;
	sqlite3_stmt *cols = NULL, *st = NULL;
	int rc, n = 0;

	if ((rc = source_open(crm, "listings", src, 0, &db)))
		goto cleanup;
	if ((rc = need_column(crm, "listings", src, db, keycol)))
		goto cleanup;
	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &cols, NULL)) {
		rc = crm_err(crm, CRM_NOINPUT, "sync: sources.listings: %s", sqlite3_errmsg(db));
		goto cleanup;
	}
	sqlite3_bind_text(cols, 1, src->table, -1, SQLITE_STATIC);
	/* each name and value quoted by json_quote, put together here: a
	 * json_object() of every column would be more arguments than SQLite
	 * lets a function take for a table of more than 63 columns */
	q = sqlite3_str_new(db);
	sqlite3_str_appendall(q, "SELECT ");
	for (; sqlite3_step(cols) == SQLITE_ROW; n++)
		sqlite3_str_appendf(q, "%sjson_quote(?%d), json_quote(\"%w\")", n ? ", " : "", n + 2,
		                    (const char *)sqlite3_column_text(cols, 0));
	sqlite3_str_appendf(q, " FROM \"%w\" WHERE \"%w\" = ?1 LIMIT 1", src->table, keycol);
	sql = sqlite3_str_finish(q);
	if (!sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL)) {
		rc = crm_err(crm, CRM_NOINPUT, "sync: sources.listings: %s",
		             sql ? sqlite3_errmsg(db) : "out of memory");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_reset(cols);
	for (int i = 0; sqlite3_step(cols) == SQLITE_ROW && i < n; i++)
		sqlite3_bind_text(st, i + 2, pull_mapped(src, (const char *)sqlite3_column_text(cols, 0)),
		                  -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_str *o = sqlite3_str_new(NULL);
		char *j;
		sqlite3_str_appendchar(o, 1, '{');
		for (int i = 0; i < n; i++)
			sqlite3_str_appendf(o, "%s%s:%s", i ? "," : "",
			                    (const char *)sqlite3_column_text(st, 2 * i),
			                    (const char *)sqlite3_column_text(st, 2 * i + 1));
		sqlite3_str_appendchar(o, 1, '}');
		if ((j = sqlite3_str_finish(o)))
			*json = xstrdup(j);
		sqlite3_free(j);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	     crm_err(crm, CRM_NOINPUT, "sync: sources.listings: %s", sqlite3_errmsg(db));
cleanup:
	sqlite3_finalize(cols);
	sqlite3_finalize(st);
	sqlite3_close(db);
	sqlite3_free(sql);
	return rc;
}

int crm_listing_context(struct crm *crm, const char *ref, char **json)
{
	const struct crm_source *src = &crm->cfg.sources.listings;

	*json = NULL;
	if (!src->set || !ref || !*ref)
		return 0;
	if (src->sqlite)
		return listing_sqlite(crm, src, ref, json);
	return crm_err(crm, CRM_CONFIG, "sync: sources.listings: only a sqlite source is read");
}
