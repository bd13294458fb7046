/* db.c: the one SQLite file: where it is, how it is opened, what it says
 * of itself, transactions and a cache of prepared statements. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm.h"
#include "hooks.h"

char *crm_default_db_path(void)
{
	const char *base = getenv("XDG_DATA_HOME");
	const char *tail = "/crm/crm.db";
	char *path;

	if (!base || *base != '/') {
		base = getenv("HOME");
		tail = "/.local/share/crm/crm.db";
		if (!base || !*base)
			return NULL;
	}
	path = xmalloc(strlen(base) + strlen(tail) + 1);
	strcpy(path, base);
	strcat(path, tail);
	return path;
}

int crm_db_path(struct crm *crm)
{
	if (crm->db_path)
		return 0;
	if (crm->db_opt && *crm->db_opt)
		crm->db_path = xstrdup(crm->db_opt);
	else if (crm->cfg.database)   /* the default path when none is set */
		crm->db_path = xstrdup(crm->cfg.database);
	else
		return crm_err(crm, CRM_CANTCREAT,
		               "database: neither --db, $CRM_DB nor $HOME is set");
	return 0;
}

/* mkdir -p of path's folder, new folders with mode 0700 */
static int make_parent(struct crm *crm, const char *path)
{
	char *dir = xstrdup(path), *p;
	int rc = 0;

	p = strrchr(dir, '/');
	if (!p || p == dir)
		goto cleanup;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				rc = crm_err(crm, CRM_CANTCREAT, "database: cannot create '%s': %s",
				             dir, strerror(errno));
				goto cleanup;
			}
			*p = c;
			if (!c)
				break;
		}
	}
cleanup:
	free(dir);
	return rc;
}

/* Create the file with mode 0600 before SQLite opens it, so the data is
 * never readable by others, even for a moment. */
static int create_file(struct crm *crm, const char *path)
{
	int fd;

	if (access(path, F_OK) == 0)
		return 0;
	if (make_parent(crm, path))
		return CRM_CANTCREAT;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 && errno != EEXIST)
		return crm_err(crm, CRM_CANTCREAT, "database: cannot create '%s': %s",
		               path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return 0;
}

int crm_db_exec(struct crm *crm, const char *sql, const char *ctx)
{
	if (sqlite3_exec(crm->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, ctx);
	return 0;
}

/* One integer a PRAGMA or query gives; 0 or a status. */
static int query_int(struct crm *crm, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(crm->db, sql, -1, &st, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, "database");
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = 0;
	} else {
		rc = crm_sqlerr(crm, "database");
	}
	sqlite3_finalize(st);
	return rc;
}

int crm_db_ident(struct crm *crm, struct crm_db_ident *id)
{
	int rc;

	/* every process opens the database: two bare PRAGMAs cost a tenth of
	 * one SELECT over the pragma functions; the schema is counted only
	 * when the file may be new */
	id->nobjects = -1;
	if ((rc = query_int(crm, "PRAGMA user_version", &id->version)) ||
	    (rc = query_int(crm, "PRAGMA application_id", &id->appid)))
		return rc;
	if (id->version == 0 && id->appid == 0)
		rc = query_int(crm, "SELECT count(*) FROM sqlite_schema", &id->nobjects);
	return rc;
}

/* "file:PATH?immutable=1", PATH percent-encoded where a URI needs it
 * (owned).  Immutable: SQLite reads the file without the -shm it cannot
 * make beside a database it may not write. */
static char *readonly_uri(const char *path, const char *query)
{
	char *uri = xmalloc(strlen(path) * 3 + strlen(query) + 16), *o = uri;

	/* an absolute path after an empty authority: "//x" is not a host */
	o += sprintf(o, *path == '/' ? "file://" : "file:");
	for (const char *s = path; *s; s++)
		if (*s == '%' || *s == '?' || *s == '#')
			o += sprintf(o, "%%%02X", (unsigned char)*s);
		else
			*o++ = *s;
	strcpy(o, query);
	return uri;
}

/* Whether this user may write the database: the file, and its folder
 * (WAL needs its -wal and -shm beside it). */
static int may_write(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int ok;

	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	ok = access(path, W_OK) == 0 && access(slash ? dir : ".", W_OK) == 0;
	free(dir);
	return ok;
}

/* A database this user may not write is still read: read-only, which
 * sees what a writer has in its -wal; else, when the -shm cannot be
 * made, immutable.  A write then exits 73, "attempt to write a readonly
 * database". */
static int open_readonly(struct crm *crm)
{
	static const char *const queries[] = { "?mode=ro", "?immutable=1" };
	int rc = SQLITE_CANTOPEN;

	for (int i = 0; i < 2; i++) {
		char *uri = readonly_uri(crm->db_path, queries[i]);
		rc = sqlite3_open_v2(uri, &crm->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
		                     SQLITE_OPEN_NOMUTEX, NULL);
		free(uri);
		if (rc == SQLITE_OK)
			sqlite3_busy_timeout(crm->db, 5000);
		if (rc == SQLITE_OK &&
		    (rc = sqlite3_exec(crm->db, "SELECT 1 FROM sqlite_schema LIMIT 1",
		                       NULL, NULL, NULL)) == SQLITE_OK)
			return SQLITE_OK;
		if (i == 0) {
			sqlite3_close(crm->db);
			crm->db = NULL;
		}
	}
	return rc;
}

/* SQLite for a one-thread command, before the first connection */
static void configure(void)
{
	/* one thread: no mutexes, no memory statistics to keep */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* no bulk page cache of 87 KiB for each temporary b-tree: the CHECK
	 * ... IN (...) of an INSERT builds two, and the heap took that block
	 * and gave it back on every row of an import (brk, twice a row) */
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

int crm_db_open(struct crm *crm)
{
	int rc;

	if (crm->db)
		return 0;
	if ((rc = crm_db_path(crm)) || (rc = create_file(crm, crm->db_path)))
		return rc;
	configure();
	if (may_write(crm->db_path))
		rc = sqlite3_open_v2(crm->db_path, &crm->db,
		                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	else
		rc = open_readonly(crm);
	if (rc != SQLITE_OK) {
		rc = crm_err(crm, CRM_CANTCREAT, "database '%s': %s", crm->db_path,
		             crm->db ? sqlite3_errmsg(crm->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(crm->db, 5000);
	sqlite3_extended_result_codes(crm->db, 1);
	/* NORMAL sync is safe with WAL (a crash loses no committed
	 * transaction's consistency); the WAL mode itself is set when the
	 * file is created (migrate) */
	if ((rc = crm_db_exec(crm, "PRAGMA synchronous = NORMAL;"
	               "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;",
	               "database")))
		goto fail;
	if ((rc = crm_db_migrate(crm)))
		goto fail;
	return 0;
fail:
	crm_db_close(crm);
	return rc;
}

/* CRM_NOINPUT when there is no database file (nor, it may be, its
 * folder): the input of a command that reads is missing */
static int must_exist(struct crm *crm)
{
	struct stat sb;

	if (stat(crm->db_path, &sb) != 0 && errno == ENOENT)
		return crm_err(crm, CRM_NOINPUT, "database '%s' does not exist;"
		               " 'crm init' creates it", crm->db_path);
	return 0;
}

int crm_db_open_existing(struct crm *crm)
{
	int rc;

	if (crm->db)
		return 0;
	if ((rc = crm_db_path(crm)) || (rc = must_exist(crm)))
		return rc;
	return crm_db_open(crm);
}

int crm_db_open_asis(struct crm *crm)
{
	int rc;

	if (crm->db)
		return 0;
	if ((rc = crm_db_path(crm)) || (rc = must_exist(crm)))
		return rc;
	configure();
	if (open_readonly(crm) != SQLITE_OK) {
		rc = crm->db ? crm_sqlerr(crm, "database")
		             : crm_err(crm, CRM_CANTCREAT, "database '%s': cannot open",
		                       crm->db_path);
		crm_db_close(crm);
		return rc;
	}
	sqlite3_extended_result_codes(crm->db, 1);
	return crm_db_exec(crm, "PRAGMA trusted_schema = OFF", "database");
}

/* A small open-addressed table from SQL text (by address: the SQL is
 * always a static string) to its prepared statement. */
struct crm_stmt_cache {
	size_t cap, n;
	const char **sql;
	sqlite3_stmt **st;
};

static void cache_grow(struct crm_stmt_cache *c)
{
	struct crm_stmt_cache nc = { c->cap ? c->cap * 2 : 32, 0, NULL, NULL };

	nc.sql = xcalloc(nc.cap, sizeof *nc.sql);
	nc.st = xcalloc(nc.cap, sizeof *nc.st);
	for (size_t i = 0; i < c->cap; i++) {
		if (!c->sql[i])
			continue;
		size_t h = ((uintptr_t)c->sql[i] >> 3) & (nc.cap - 1);
		while (nc.sql[h])
			h = (h + 1) & (nc.cap - 1);
		nc.sql[h] = c->sql[i];
		nc.st[h] = c->st[i];
		nc.n++;
	}
	free(c->sql);
	free(c->st);
	*c = nc;
}

sqlite3_stmt *crm_stmt(struct crm *crm, const char *sql)
{
	struct crm_stmt_cache *c = crm->stmts;
	size_t h;

	if (!c) {
		c = crm->stmts = xmalloc(sizeof *c);
		memset(c, 0, sizeof *c);
	}
	if ((c->n + 1) * 2 > c->cap)
		cache_grow(c);
	h = ((uintptr_t)sql >> 3) & (c->cap - 1);
	while (c->sql[h] && c->sql[h] != sql)
		h = (h + 1) & (c->cap - 1);
	if (c->sql[h]) {
		sqlite3_reset(c->st[h]);
		sqlite3_clear_bindings(c->st[h]);
		return c->st[h];
	}
	if (sqlite3_prepare_v3(crm->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	                       &c->st[h], NULL) != SQLITE_OK) {
		crm->stmt_rc = crm_sqlerr(crm, "prepare");
		return NULL;
	}
	c->sql[h] = sql;
	c->n++;
	return c->st[h];
}

int crm_stmt_status(const struct crm *crm)
{
	return crm->stmt_rc ? crm->stmt_rc : CRM_SOFTWARE;
}

int crm_exec_stmt(struct crm *crm, sqlite3_stmt *st, const char *ctx)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	return crm_sqlerr(crm, ctx);
}

int crm_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	/* not copied: every caller steps the statement while s lives */
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

void crm_db_close(struct crm *crm)
{
	struct crm_stmt_cache *c = crm->stmts;

	if (c) {
		for (size_t i = 0; i < c->cap; i++)
			if (c->st[i])
				sqlite3_finalize(c->st[i]);
		free(c->sql);
		free(c->st);
		free(c);
		crm->stmts = NULL;
	}
	if (crm->db)
		sqlite3_close(crm->db);
	crm->db = NULL;
}

int crm_begin(struct crm *crm)
{
	/* every write begins here: say so before the first statement fails */
	if (sqlite3_db_readonly(crm->db, "main") == 1)
		return crm_err(crm, CRM_CANTCREAT, "database '%s': read-only for this user",
		               crm->db_path);
	return crm_db_exec(crm, "BEGIN IMMEDIATE", "database");
}

int crm_commit(struct crm *crm)
{
	int rc;

	/* the change set is whole, and the search index follows what the
	 * transaction changed */
	if ((rc = crm_change_flush(crm)) || (rc = crm_search_sync(crm))) {
		crm_rollback(crm);
		return rc;
	}
	rc = crm_db_exec(crm, "COMMIT", "commit");
	crm_change_forget(crm);

	if (!rc) {
		crm->committed++;
		crm_hooks_committed();   /* its events' hooks may run */
	}
	return rc;
}

void crm_rollback(struct crm *crm)
{
	crm_hooks_dropped();   /* no hook for what did not happen */
	crm_change_forget(crm);
	if (crm->db && !sqlite3_get_autocommit(crm->db))
		sqlite3_exec(crm->db, "ROLLBACK", NULL, NULL, NULL);
}

long long crm_operator(struct crm *crm)
{
	return crm->operator_id > 0 ? crm->operator_id : 1;
}

int crm_operator_ensure(struct crm *crm, long long id)
{
	static const char sql[] =
		"INSERT INTO operators (id, name, created_at, updated_at) "
		"VALUES (?1, 'operator ' || ?1, ?2, ?2) ON CONFLICT (id) DO NOTHING";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	/* an operator that was there already stays (crm removes none): it
	 * is not looked for again on every row of a batch.  One this call
	 * adds is not remembered, since a rollback may take it back. */
	if (id == crm->operator_known)
		return 0;
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
	if (!(rc = crm_exec_stmt(crm, st, "operator")) && !sqlite3_changes(crm->db))
		crm->operator_known = id;
	return rc;
}

int crm_tx_begin(struct crm *crm, int *own)
{
	*own = sqlite3_get_autocommit(crm->db);
	return *own ? crm_begin(crm) : 0;
}

int crm_tx_end(struct crm *crm, int own, int rc)
{
	if (!own)
		return rc;
	if (rc) {
		crm_rollback(crm);
		return rc;
	}
	return crm_commit(crm);
}

int crm_lookup_id(struct crm *crm, const char *sql, long long a, const char *b,
                  long long *id, const char *ctx)
{
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*id = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, ctx);
}

char *crm_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? xstrdup((const char *)s) : NULL;
}

int crm_lookup_owned(struct crm *crm, const char *sql, long long op, const char *value,
                     long long *id, long long ops[2], const char *ctx)
{
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*id = 0;
	ops[0] = ops[1] = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, op);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long o = sqlite3_column_int64(st, 1);
		if (!*id) {
			*id = sqlite3_column_int64(st, 0);
			ops[0] = o;
		} else if (o != ops[0]) {
			ops[1] = o;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, ctx);
}
