/* migrate.c: the schema's versions.  A new database gets schema.sql whole;
 * an older one the numbered steps from its version (PRAGMA user_version)
 * to this binary's, in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

#define CRM_APPLICATION_ID 0x63726d31 /* "crm1" */

/* Migrations: step i brings a database from version i to i + 1, with
 * its sql, then the named section of schema.sql (from "-- [name]" to
 * "-- [/name]"), which holds what that version added.  A new database
 * gets schema.sql whole and the last version at once. */
static const struct migration {
	const char *sql, *section;
} migrations[] = {
	{ NULL, NULL }, /* 0 -> 1: schema.sql */
	/* 1 -> 2: emails are owner keys in NFC and case folded, not only in
	 * ASCII lower case.  A key another owner has already keeps its old
	 * form (OR IGNORE), and one that is no longer an email too. */
	{ "UPDATE OR IGNORE clients SET email_norm = coalesce(crm_norm_email(email), email_norm)"
	  " WHERE email IS NOT NULL;"
	  "UPDATE leads SET email_norm = coalesce(crm_norm_email(contact_email), email_norm)"
	  " WHERE contact_email IS NOT NULL;", NULL },
	/* 2 -> 3: phones are owner keys in E.164 (libphonenumber, in
	 * phone.default_region), else their digits as typed; the same owner
	 * may now show as two clients, which `crm client dupes` lists (the
	 * second keeps its old key: OR IGNORE).  And the search index. */
	{ "UPDATE OR IGNORE clients SET phone_norm = coalesce(crm_phone_key(phone), phone_norm)"
	  " WHERE phone IS NOT NULL;"
	  "UPDATE leads SET phone_norm = coalesce(crm_phone_key(contact_phone), phone_norm)"
	  " WHERE contact_phone IS NOT NULL;", "search" },
	/* 3 -> 4: touches counted on the client, do-not-contact on the
	 * client, change sets for undo, keyed notifications, settings */
	{ NULL, "outreach" },
	/* 4 -> 5: the stage history indexed for crm stats; the index of
	 * the pipeline board */
	{ NULL, "stats" },
	/* 5 -> 6: crm sync's outbox, cursors and inbox */
	{ NULL, "sync" },
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int crm_db_schema_version(void)
{
	return SCHEMA_VERSION;
}

int crm_db_application_id(void)
{
	return CRM_APPLICATION_ID;
}

/* WAL mode for a new file.  The change takes a lock that the busy
 * handler does not wait for, so processes that all open the new file at
 * once wait here, up to the busy timeout. */
static int set_wal(struct crm *crm)
{
	int rc;

	for (int waited = 0; ; waited += 20) {
		rc = sqlite3_exec(crm->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_BUSY || waited >= 5000)
			break;
		sqlite3_sleep(20);
	}
	return rc == SQLITE_OK ? 0 : crm_sqlerr(crm, "database");
}

/* crm_norm_email() in SQL, for the migrations */
static void sql_norm_email(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	char *norm = s ? crm_norm_email(s) : NULL;

	(void)argc;
	if (norm)
		sqlite3_result_text(ctx, norm, -1, free);
	else
		sqlite3_result_null(ctx);
}

/* crm_phone_key() in SQL, for the migrations: NULL for no phone; an
 * error when the phone library cannot be loaded */
static void sql_phone_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct crm *crm = sqlite3_user_data(ctx);
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	char *key = NULL;
	int rc = s ? crm_phone_key(crm, s, &key) : 0;

	(void)argc;
	if (rc && rc != CRM_DATAERR)
		sqlite3_result_error(ctx, crm->err, -1);
	else if (key)
		sqlite3_result_text(ctx, key, -1, free);
	else
		sqlite3_result_null(ctx);
}

int crm_db_functions(struct crm *crm)
{
	if (sqlite3_create_function(crm->db, "crm_norm_email", 1,
	                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                            sql_norm_email, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(crm->db, "crm_phone_key", 1,
	                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, crm,
	                            sql_phone_key, NULL, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, "database");
	return 0;
}

/* Run the section of schema.sql between "-- [name]" and "-- [/name]". */
static int run_section(struct crm *crm, const char *name)
{
	char open[64], close[64], *sql;
	const char *from, *to;
	int rc;

	snprintf(open, sizeof open, "-- [%s]", name);
	snprintf(close, sizeof close, "-- [/%s]", name);
	if (!(from = strstr(crm_schema_sql, open)) || !(to = strstr(from, close)))
		return crm_err(crm, CRM_SOFTWARE, "migration: schema.sql has no section '%s'", name);
	sql = xstrndup(from, (size_t)(to - from));
	rc = crm_db_exec(crm, sql, "migration");
	free(sql);
	return rc;
}

/* 0 when the file is a crm database of a version this binary can open or
 * bring up to date, or a new empty file; else 73 with the reason.  A
 * version is ours only with our application id. */
static int check_id(struct crm *crm, const struct crm_db_ident *id)
{
	if (id->version == 0 && id->appid == 0 && id->nobjects == 0)
		return 0;   /* new */
	if (id->appid != CRM_APPLICATION_ID || id->version <= 0)
		return crm_err(crm, CRM_CANTCREAT, "database '%s': not a crm database"
		               " (application id %d, schema version %d)", crm->db_path,
		               id->appid, id->version);
	if (id->version > SCHEMA_VERSION)
		return crm_err(crm, CRM_CANTCREAT,
		               "database '%s': schema version %d is newer than this crm knows (%d); upgrade crm",
		               crm->db_path, id->version, SCHEMA_VERSION);
	return 0;
}

int crm_db_migrate(struct crm *crm)
{
	struct crm_db_ident id;
	int version, rc;
	char sql[64];

	if ((rc = crm_db_ident(crm, &id)) || (rc = check_id(crm, &id)))
		return rc;
	if (id.version == SCHEMA_VERSION)
		return 0;
	/* A new, empty file: WAL, so that readers go on while one process
	 * writes.  The mode is kept in the file; it cannot change inside a
	 * transaction, and an existing database keeps the mode it has (a
	 * read-only one could not change it). */
	if (id.version == 0 && (rc = set_wal(crm)))
		return rc;
	if ((rc = crm_begin(crm)))
		return rc;
	/* look again inside the write lock: another process may have won */
	if ((rc = crm_db_ident(crm, &id)) || (rc = check_id(crm, &id)))
		goto fail;
	if (id.version == SCHEMA_VERSION)
		return crm_commit(crm);
	version = id.version;
	if (version == 0) {
		if ((rc = crm_db_exec(crm, crm_schema_sql, "schema")))
			goto fail;
		version = SCHEMA_VERSION;
	}
	if (version < SCHEMA_VERSION && (rc = crm_db_functions(crm)))
		goto fail;
	for (; version < SCHEMA_VERSION; version++) {
		const struct migration *m = &migrations[version];
		if ((m->sql && (rc = crm_db_exec(crm, m->sql, "migration"))) ||
		    (m->section && (rc = run_section(crm, m->section))))
			goto fail;
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SCHEMA_VERSION);
	if ((rc = crm_db_exec(crm, sql, "migration")) ||
	    (rc = crm_db_exec(crm, "PRAGMA application_id = 1668443441", "migration")))
		goto fail;
	return crm_commit(crm);
fail:
	crm_rollback(crm);
	return rc;
}

