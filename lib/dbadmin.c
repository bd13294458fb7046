/* dbadmin.c: the database examined, copied and measured (see dbadmin.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbadmin.h"
#include "outfile.h"

/* foreign key problems told one by one, then the rest counted in one
 * line (PRAGMA integrity_check stops itself at 100) */
#define MAX_PROBLEM_LINES 100

/* What the file says of itself. */
static int read_ids(struct crm *crm, int *appid, int *version)
{
	struct crm_db_ident id = { 0, 0, 0 };
	int rc = crm_db_ident(crm, &id);

	*appid = id.appid;
	*version = id.version;
	return rc;
}

/* 73 unless the open database has crm's application id: backup and stats
 * take any version (they change nothing), but only a crm database. */
static int require_crm(struct crm *crm)
{
	int appid, version, rc;

	if ((rc = read_ids(crm, &appid, &version)))
		return rc;
	if (appid != crm_db_application_id())
		return crm_err(crm, CRM_CANTCREAT, "database '%s': not a crm database"
		               " (application id %d, schema version %d)", crm->db_path,
		               appid, version);
	return 0;
}

/* --- check --- */

struct check {
	struct crm *crm;
	crm_problem_fn fn;
	void *arg;
	long n;      /* problems told */
	long more;   /* foreign key rows past MAX_PROBLEM_LINES, told as one */
};

static void problem(struct check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct check *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* one problem, one line */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	c->fn(c->arg, line);
	c->n++;
}

/* An SQLite error met while checking: corruption is what the check is
 * looking for, so it is a problem found; anything else (busy, out of
 * memory, I/O) stops the check with its status. */
static int check_failed(struct check *c, const char *what)
{
	int e = sqlite3_errcode(c->crm->db) & 0xff;

	if (e == SQLITE_CORRUPT || e == SQLITE_NOTADB) {
		problem(c, "%s: %s", what, sqlite3_errmsg(c->crm->db));
		return 0;
	}
	return crm_sqlerr(c->crm, what);
}

/* Run a statement that takes no parameters (the pragmas), with fn seeing
 * each row; not cached, each runs once. */
static int each_row(struct check *c, const char *sql, const char *what,
                    void (*fn)(struct check *, sqlite3_stmt *, long))
{
	sqlite3_stmt *st;
	long row = 0;
	int rc;

	if (sqlite3_prepare_v2(c->crm->db, sql, -1, &st, NULL) != SQLITE_OK)
		return check_failed(c, what);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(c, st, row++);
	rc = rc == SQLITE_DONE ? 0 : check_failed(c, what);
	sqlite3_finalize(st);
	return rc;
}

static int check_ids(struct check *c, int *is_crm)
{
	int appid, version, rc, known = crm_db_schema_version();

	if ((rc = read_ids(c->crm, &appid, &version)))
		return check_failed(c, "database");
	*is_crm = appid == crm_db_application_id();
	if (!*is_crm)
		problem(c, "not a crm database: application id %d, not %d", appid,
		        crm_db_application_id());
	else if (version < known)
		problem(c, "schema version %d is older than this crm's (%d);"
		        " 'crm init' migrates it", version, known);
	else if (version > known)
		problem(c, "schema version %d is newer than this crm knows (%d)",
		        version, known);
	return 0;
}

/* Every table, index, view and trigger that schema.sql makes, read from
 * the schema made in memory, is in the database under the same name and
 * type. */
static int check_objects(struct check *c)
{
	static const char expected_sql[] =
		"SELECT type, name FROM sqlite_schema"
		" WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid";
	static const char found_sql[] =
		"SELECT 1 FROM sqlite_schema WHERE type = ?1 AND name = ?2";
	sqlite3 *mem = NULL;
	sqlite3_stmt *exp = NULL, *st;
	int rc = 0, src;

	if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(mem, crm_schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(mem, expected_sql, -1, &exp, NULL) != SQLITE_OK) {
		rc = crm_err(c->crm, CRM_SOFTWARE, "schema: %s",
		             mem ? sqlite3_errmsg(mem) : "out of memory");
		goto cleanup;
	}
	while ((src = sqlite3_step(exp)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(exp, 0);
		const char *name = (const char *)sqlite3_column_text(exp, 1);
		int found;
		if (!(st = crm_stmt(c->crm, found_sql))) {
			rc = check_failed(c, "schema");
			goto cleanup;
		}
		sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		found = sqlite3_step(st);
		if (found == SQLITE_DONE)
			problem(c, "%s '%s' is missing", type, name);
		else if (found != SQLITE_ROW)
			/* a schema that cannot be read is one problem, not one
			 * per name */
			rc = check_failed(c, "schema");
		sqlite3_reset(st);
		if (found != SQLITE_DONE && found != SQLITE_ROW)
			goto cleanup;
	}
	if (src != SQLITE_DONE)
		rc = crm_err(c->crm, CRM_SOFTWARE, "schema: %s", sqlite3_errmsg(mem));
cleanup:
	sqlite3_finalize(exp);
	sqlite3_close(mem);
	return rc;
}

static void integrity_row(struct check *c, sqlite3_stmt *st, long row)
{
	const char *msg = (const char *)sqlite3_column_text(st, 0);

	(void)row;
	if (!msg || !strcmp(msg, "ok"))
		return;
	/* "*** in database main ***\nPage 5: ...": the first line names the
	 * schema, which is always main here */
	if (!strncmp(msg, "*** ", 4) && strchr(msg, '\n'))
		msg = strchr(msg, '\n') + 1;
	problem(c, "integrity: %s", msg);
}

static int check_integrity(struct check *c)
{
	static const char sql[] = "PRAGMA integrity_check";

	return each_row(c, sql, "integrity", integrity_row);
}

static void foreign_key_row(struct check *c, sqlite3_stmt *st, long row)
{
	const char *table = (const char *)sqlite3_column_text(st, 0);
	const char *parent = (const char *)sqlite3_column_text(st, 2);

	if (row >= MAX_PROBLEM_LINES) {
		c->more++;
		return;
	}
	if (sqlite3_column_type(st, 1) == SQLITE_NULL)
		problem(c, "foreign key: a row of %s refers to a %s row that does not exist",
		        table, parent);
	else
		problem(c, "foreign key: %s row %lld refers to a %s row that does not exist",
		        table, (long long)sqlite3_column_int64(st, 1), parent);
}

static int check_foreign_keys(struct check *c)
{
	static const char sql[] = "PRAGMA foreign_key_check";
	int rc = each_row(c, sql, "foreign key", foreign_key_row);

	if (c->more)
		problem(c, "foreign key: %ld more rows refer to rows that do not exist",
		        c->more);
	return rc;
}

int crm_db_check(struct crm *crm, crm_problem_fn fn, void *arg, long *problems)
{
	struct check c = { crm, fn, arg, 0, 0 };
	int rc, is_crm = 0;

	*problems = 0;
	/* one read snapshot for every check, while writers go on */
	if (sqlite3_exec(crm->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, "database");
	if (!(rc = check_ids(&c, &is_crm)) && is_crm)
		rc = check_objects(&c);
	if (!rc)
		rc = check_integrity(&c);
	if (!rc)
		rc = check_foreign_keys(&c);
	crm_rollback(crm);
	*problems = c.n;
	if (!rc)
		crm->err[0] = '\0';   /* an error that was a problem found */
	return rc;
}

/* --- backup --- */

/* The copy in WAL mode, as crm makes its databases, so that a copy put
 * back in place lets readers go on while one process writes. */
static int copy_to_wal(struct crm *crm, const char *tmp, const char *path)
{
	static const char sql[] = "PRAGMA journal_mode = WAL";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = crm_err(crm, CRM_CANTCREAT, "backup '%s': %s", path,
		             db ? sqlite3_errmsg(db) : "out of memory");
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "wal"))
		rc = crm_err(crm, CRM_CANTCREAT, "backup '%s': cannot set WAL mode", path);
	sqlite3_finalize(st);
	if (sqlite3_close(db) != SQLITE_OK && !rc)
		rc = crm_err(crm, CRM_CANTCREAT, "backup '%s': %s", path, sqlite3_errmsg(db));
	return rc;
}

int crm_db_backup(struct crm *crm, const char *path, long long *size)
{
	/* VACUUM INTO writes a file that is empty (mkstemp made it) from one
	 * read transaction: a consistent snapshot, writers never wait */
	static const char sql[] = "VACUUM INTO ?1";
	struct crm_outfile o = { 0 };
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int rc;

	*size = 0;
	if ((rc = require_crm(crm)) ||
	    (rc = crm_out_open(crm, "backup", path, NULL, 0, &o)))
		return rc;
	if (!o.tmp) {
		/* a device or a FIFO: SQLite writes pages where it seeks */
		rc = crm_err(crm, CRM_CANTCREAT, "backup '%s': not a regular file", path);
		goto fail;
	}
	/* every owner's personal data: readable by this user alone, whatever
	 * mode a file it replaces had */
	if (fchmod(fileno(o.fp), 0600) != 0) {
		rc = crm_err(crm, CRM_CANTCREAT, "backup '%s': %s", path, strerror(errno));
		goto fail;
	}
	if ((rc = crm_out_close(crm, &o)))
		goto fail;
	if (sqlite3_prepare_v2(crm->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = crm_sqlerr(crm, "backup");
		goto fail;
	}
	sqlite3_bind_text(st, 1, o.tmp, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		int e = sqlite3_errcode(crm->db) & 0xff;
		rc = e == SQLITE_BUSY || e == SQLITE_LOCKED
		     ? crm_sqlerr(crm, "backup")
		     : crm_err(crm, CRM_CANTCREAT, "backup '%s': %s", path,
		               sqlite3_errmsg(crm->db));
		goto fail;
	}
	if ((rc = copy_to_wal(crm, o.tmp, path)))
		goto fail;
	if (stat(o.tmp, &sb) == 0)
		*size = (long long)sb.st_size;
	sqlite3_finalize(st);
	return crm_out_commit(crm, &o);
fail:
	sqlite3_finalize(st);
	crm_out_abort(&o);
	return rc;
}

/* --- stats --- */

static void stat_row(struct printer *pr, const char *name, const char *kind,
                     long long value)
{
	char num[24];
	const char *vals[] = { name, kind, num };

	snprintf(num, sizeof num, "%lld", value);
	printer_row(pr, vals);
}

/* The row count of each table of the database, by name (a virtual table
 * would need its module: none is counted). */
static int table_rows(struct crm *crm, struct printer *pr)
{
	static const char sql[] =
		"SELECT name FROM sqlite_schema WHERE type = 'table'"
		" AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		" AND sql NOT LIKE 'CREATE VIRTUAL %' ORDER BY name";
	sqlite3_stmt *names = crm_stmt(crm, sql), *count = NULL;
	int rc = 0, src = SQLITE_DONE;

	if (!names)
		return crm_stmt_status(crm);
	while (!rc && (src = sqlite3_step(names)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(names, 0);
		/* a name cannot be bound: quoted, its quotes doubled (%w) */
		char *q = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", name);
		if (!q)
			rc = crm_err(crm, CRM_SOFTWARE, "out of memory");
		else if (sqlite3_prepare_v2(crm->db, q, -1, &count, NULL) != SQLITE_OK ||
		         sqlite3_step(count) != SQLITE_ROW)
			rc = crm_sqlerr(crm, "stats");
		else
			stat_row(pr, name, "table", sqlite3_column_int64(count, 0));
		sqlite3_finalize(count);
		count = NULL;
		sqlite3_free(q);
	}
	if (!rc && src != SQLITE_DONE)
		rc = crm_sqlerr(crm, "stats");
	sqlite3_reset(names);
	return rc;
}

static void file_rows(struct crm *crm, struct printer *pr)
{
	static const char *const files[][2] = {
		{ "database", "" }, { "wal", "-wal" }, { "shm", "-shm" },
	};
	char *path = xmalloc(strlen(crm->db_path) + 8);
	struct stat sb;

	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		sprintf(path, "%s%s", crm->db_path, files[i][1]);
		stat_row(pr, files[i][0], "file",
		         stat(path, &sb) == 0 ? (long long)sb.st_size : 0);
	}
	free(path);
}

static int pragma_rows(struct crm *crm, struct printer *pr)
{
	static const char sql[] =
		"SELECT (SELECT page_size FROM pragma_page_size),"
		" (SELECT page_count FROM pragma_page_count),"
		" (SELECT freelist_count FROM pragma_freelist_count),"
		" (SELECT user_version FROM pragma_user_version),"
		" (SELECT application_id FROM pragma_application_id)";
	static const char *const names[] = {
		"page_size", "page_count", "freelist_count", "user_version",
		"application_id",
	};
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc = 0;

	if (!st)
		return crm_stmt_status(crm);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = crm_sqlerr(crm, "stats");
	for (int i = 0; !rc && i < (int)(sizeof names / sizeof *names); i++)
		stat_row(pr, names[i], "pragma", sqlite3_column_int64(st, i));
	sqlite3_reset(st);
	return rc;
}

int crm_db_stats(struct crm *crm, struct printer *pr)
{
	static const struct pcol cols[] = {
		{ "name", COL_TEXT, 0 }, { "kind", COL_TEXT, 0 }, { "value", COL_INT, 0 },
	};
	int rc;

	if ((rc = crm_fmt_check(crm, cols, 3)) || (rc = require_crm(crm)))
		return rc;
	/* one read snapshot for the counts and the pages */
	if (sqlite3_exec(crm->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, "database");
	printer_begin(pr, cols, 3);
	if (!(rc = table_rows(crm, pr)))
		file_rows(crm, pr);
	if (!rc)
		rc = pragma_rows(crm, pr);
	crm_rollback(crm);
	printer_end(pr);
	return rc;
}
