/* bare_insert: the floor for `crm comm log -`: the same N events inserted
 * into the same schema with one prepared statement in one transaction,
 * columns bound, a 64 MiB page cache.  usage: bare_insert DB N NCLIENTS */
#include <stdlib.h>
#include <sqlite3.h>

#include "events.h"

static const char sql[] =
	"INSERT INTO communications (client_id, channel, direction, kind, status,"
	" subject, body, occurred_at, source, external_id, created_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'bot', ?9, ?10)";

int main(int argc, char **argv)
{
	long long n = argc > 2 ? atoll(argv[2]) : 1000000;
	long long nclients = argc > 3 ? atoll(argv[3]) : 100000;
	struct bench_event e;
	sqlite3 *db;
	sqlite3_stmt *st;

	if (argc < 2 || sqlite3_open(argv[1], &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	             "PRAGMA cache_size = -65536; BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bare_insert: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	for (long long i = 0; i < n; i++) {
		bench_event(i, nclients, &e);
		sqlite3_bind_int64(st, 1, e.client_id);
		sqlite3_bind_text(st, 2, e.channel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, e.direction, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, e.kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, e.status, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, e.subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, e.body, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, e.at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, e.external_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, "2026-11-25T00:00:00Z", -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "bare_insert: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return sqlite3_close(db) != SQLITE_OK;
}
