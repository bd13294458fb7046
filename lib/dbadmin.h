/* dbadmin.h: the database examined, copied and measured (crm db
 * check|backup|stats, see crm-db(1)).  The database is open as it is,
 * read-only (crm_db_open_asis): nothing here writes it. */
#ifndef CRM_DBADMIN_H
#define CRM_DBADMIN_H

#include "crm.h"
#include "print.h"

/* One problem a check found, as one line of text without "crm: ". */
typedef void (*crm_problem_fn)(void *arg, const char *what);

/* Check the database in one read snapshot: its application id and
 * schema version are crm's, every table and index schema.sql makes is
 * there, PRAGMA integrity_check and PRAGMA foreign_key_check find
 * nothing.  Each problem goes to fn, *problems counts them.  Returns 0
 * when the checks ran, whatever they found (corruption met on the way is
 * a problem too); a status when they could not (75: busy). */
int crm_db_check(struct crm *crm, crm_problem_fn fn, void *arg, long *problems);

/* A copy of the database at path, taken with VACUUM INTO from one read
 * snapshot while writers go on: mode 0600 whatever file it replaces, in
 * WAL mode as crm makes its databases, written beside path and renamed
 * into place (lib/outfile.h).  *size is its size in bytes.  CRM_USAGE
 * when path is the database or one of its files; CRM_CANTCREAT when it
 * cannot be written, and then a file already at path is untouched; 73
 * too when the database is not crm's. */
int crm_db_backup(struct crm *crm, const char *path, long long *size);

/* Rows of name, kind, value: each table's row count (kind "table"), the
 * sizes in bytes of the database file and its -wal and -shm ("file",
 * 0 when missing), and the pragmas page_size, page_count,
 * freelist_count, user_version (the schema version) and application_id
 * ("pragma").  The counts come from one read snapshot.  CRM_USAGE for
 * the ids format; 73 when the database is not crm's. */
int crm_db_stats(struct crm *crm, struct printer *pr);

#endif
