/* one_insert: the floor for one event per process: open the database
 * with the settings crm uses (WAL, synchronous NORMAL), insert one event
 * in a transaction, close.  usage: one_insert DB I */
#include <stdlib.h>
#include <sqlite3.h>

#include "events.h"

int main(int argc, char **argv)
{
	struct bench_event e;
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc;

	if (argc < 3 || sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 1;
	bench_event(atoll(argv[2]), 100000, &e);
	sqlite3_busy_timeout(db, 5000);
	sqlite3_exec(db, "PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO communications (client_id, channel,"
	                   " direction, kind, status, body, occurred_at, source,"
	                   " external_id, created_at) VALUES (?1, ?2, 'out', 'email',"
	                   " 'sent', ?3, ?4, 'manual', ?5, ?4)", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, 1);
	sqlite3_bind_text(st, 2, "email", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, e.body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e.at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e.external_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) != SQLITE_DONE;
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}
