/* sync.c: crm sync's lock, its cursors and its status (see sync.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync.h"

const char *const crm_sync_sources[] = { "operators", "leads", "contacts", "listings", NULL };
const char *const crm_sync_pulled[] = { "operators", "leads", "contacts", NULL };

const struct crm_source *crm_sync_source(const struct crm *crm, const char *name)
{
	const struct crm_config *c = &crm->cfg;

	if (!name)
		return NULL;
	if (!strcmp(name, "operators"))
		return &c->sources.operators;
	if (!strcmp(name, "leads"))
		return &c->sources.leads;
	if (!strcmp(name, "contacts"))
		return &c->sources.contacts;
	if (!strcmp(name, "listings"))
		return &c->sources.listings;
	return NULL;
}

int crm_sync_lock(struct crm *crm, int wait, int *fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char *path;
	size_t n;
	int rc = 0;

	*fd = -1;
	if (!crm->db_path)
		return crm_err(crm, CRM_SOFTWARE, "sync: no database");
	n = strlen(crm->db_path) + sizeof ".sync.lock";
	path = xmalloc(n);
	snprintf(path, n, "%s.sync.lock", crm->db_path);
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		rc = crm_err(crm, CRM_CANTCREAT, "sync: lock '%s': %s", path, strerror(errno));
		goto cleanup;
	}
	while (fcntl(*fd, wait ? F_SETLKW : F_SETLK, &fl) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EACCES)
			rc = crm_err(crm, CRM_TEMPFAIL, "sync: another sync is running (lock '%s');"
			             " try again, or use --wait", path);
		else
			rc = crm_err(crm, CRM_CANTCREAT, "sync: lock '%s': %s", path,
			             strerror(errno));
		close(*fd);
		*fd = -1;
		break;
	}
cleanup:
	free(path);
	return rc;
}

void crm_sync_unlock(int fd)
{
	if (fd >= 0)
		close(fd);   /* closing the file lets its lock go */
}

int crm_sync_state_put(struct crm *crm, const char *source, const char *cursor,
                       const char *result, long long rows)
{
	static const char sql[] =
		"INSERT INTO sync_state (source, cursor, last_run_at, last_result, rows, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?3) ON CONFLICT (source) DO UPDATE SET"
		" cursor = coalesce(?2, cursor), last_run_at = ?3, last_result = ?4,"
		" rows = rows + ?5, updated_at = ?3";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, sql);

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	crm_bind_text(st, 2, cursor);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	crm_bind_text(st, 4, result);
	sqlite3_bind_int64(st, 5, rows);
	return crm_exec_stmt(crm, st, "sync state");
}

int crm_sync_state_get(struct crm *crm, const char *source, char **cursor)
{
	static const char sql[] = "SELECT cursor FROM sync_state WHERE source = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	const char *s;
	int rc;

	*cursor = NULL;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (s = (const char *)sqlite3_column_text(st, 0)))
		*cursor = xstrdup(s);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "sync state");
}

/* where a source reads: its kind and its file */
static void source_where(const struct crm_source *s, const char **kind, const char **path)
{
	*kind = s->sqlite ? "sqlite" : s->csv ? "csv" : s->jsonl ? "jsonl" : NULL;
	*path = s->sqlite ? s->sqlite : s->csv ? s->csv : s->jsonl;
}

static const struct pcol status_cols[] = {
	{ "webhook", COL_TEXT, 0 },
	{ "endpoint", COL_TEXT, 0 },
	{ "pending", COL_INT, 0 },
	{ "due", COL_INT, 0 },
	{ "delivered", COL_INT, 0 },
	{ "dead", COL_INT, 0 },
	{ "oldest_pending", COL_TIME, 0 },
	{ "next_attempt_at", COL_TIME, 0 },
};
static const struct pcol source_cols[] = {
	{ "source", COL_TEXT, PCOL_NARROW },
	{ "kind", COL_TEXT, PCOL_NARROW },
	{ "path", COL_TEXT, PCOL_NARROW | PCOL_CUT(30) },
	{ "cursor", COL_TEXT, PCOL_NARROW | PCOL_CUT(40) },
	{ "last_run_at", COL_TIME, PCOL_NARROW | PCOL_RELATIVE },
	{ "last_result", COL_TEXT, PCOL_NARROW | PCOL_CUT(40) },
	{ "rows", COL_INT, PCOL_NARROW },
};
#define NCOLS(a) ((int)(sizeof a / sizeof *a))

int crm_sync_status(struct crm *crm, struct printer *pr)
{
	static const char outbox_sql[] =
		"SELECT"
		" (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL),"
		" (SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
		"  AND next_attempt_at <= ?1),"
		" (SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL),"
		" (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL AND delivered_at IS NULL),"
		" (SELECT min(created_at) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL),"
		" (SELECT min(next_attempt_at) FROM outbox WHERE delivered_at IS NULL"
		"  AND dead_at IS NULL),"
		" (SELECT last_result FROM sync_state WHERE source = 'webhook')";
	static const char state_sql[] =
		"SELECT cursor, last_run_at, last_result, rows FROM sync_state WHERE source = ?1";
	char now[CRM_TIME_LEN], num[4][24];
	const char *vals[NCOLS(source_cols)], *rec[NCOLS(status_cols)];
	sqlite3_stmt *st;
	int rc;

	/* one snapshot: the counts and the cursors of the same moment */
	if ((rc = crm_db_exec(crm, "BEGIN", "sync status")))
		return rc;
	if (!(st = crm_stmt(crm, outbox_sql))) {
		rc = crm_stmt_status(crm);
		goto cleanup;
	}
	crm_now(now);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = crm_sqlerr(crm, "sync status");
		goto cleanup;
	}
	const char *endpoint = (const char *)sqlite3_column_text(st, 6);
	rec[0] = crm->cfg.webhook.url;
	rec[1] = !crm->cfg.webhook.url ? "not set" :
	         endpoint && !strncmp(endpoint, "disabled", 8) ? endpoint : "enabled";
	for (int i = 0; i < 4; i++) {
		snprintf(num[i], sizeof num[i], "%lld", (long long)sqlite3_column_int64(st, i));
		rec[2 + i] = num[i];
	}
	rec[6] = (const char *)sqlite3_column_text(st, 4);
	rec[7] = (const char *)sqlite3_column_text(st, 5);
	printer_record_vals(pr, status_cols, NCOLS(status_cols), rec);
	sqlite3_reset(st);

	printer_list(pr, "sources", "Sources", source_cols, NCOLS(source_cols));
	for (int i = 0; crm_sync_sources[i]; i++) {
		const struct crm_source *src = crm_sync_source(crm, crm_sync_sources[i]);
		if (!src->set)
			continue;
		if (!(st = crm_stmt(crm, state_sql))) {
			rc = crm_stmt_status(crm);
			goto cleanup;
		}
		sqlite3_bind_text(st, 1, crm_sync_sources[i], -1, SQLITE_STATIC);
		int row = sqlite3_step(st) == SQLITE_ROW;
		vals[0] = crm_sync_sources[i];
		source_where(src, &vals[1], &vals[2]);
		for (int c = 0; c < 4; c++)
			vals[3 + c] = row ? (const char *)sqlite3_column_text(st, c) : NULL;
		if (!row)
			vals[6] = "0";
		printer_list_vals(pr, vals);
		sqlite3_reset(st);
	}
	printer_record_end(pr);
cleanup:
	sqlite3_exec(crm->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}
