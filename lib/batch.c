/* batch.c: one transaction over a stream of records (see batch.h). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"

static int savepoint(struct crm *crm, const char *sql)
{
	if (sqlite3_exec(crm->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, "batch");
	return 0;
}

/* s on one line of the reject file: line ends as \n and \r; with tabs
 * set, tabs as \t too (the reason is one field) */
static void put_oneline(FILE *f, const char *s, int tabs)
{
	for (; *s; s++)
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else if (*s == '\t' && tabs)
			fputs("\\t", f);
		else
			putc(*s, f);
}

/* a bad record: to the reject file, the warning stream, or the end */
static int reject(struct crm *crm, struct crm_batch *b, FILE *rf,
                  struct crm_reader *r, const char *reason)
{
	long line = reader_line(r);

	b->rejected++;
	if (b->max_errors >= 0 && b->rejected > b->max_errors)
		return crm_err(crm, CRM_DATAERR, "%s:%ld: %s", b->name, line, reason);
	if (rf) {
		const char *raw = reader_raw(r);
		fprintf(rf, "%ld\t", line);
		put_oneline(rf, reason, 1);
		putc('\t', rf);
		put_oneline(rf, raw ? raw : "", 0);
		putc('\n', rf);
	} else if (b->warn) {
		fprintf(b->warn, "crm: %s:%ld: %s (skipped)\n", b->name, line, reason);
	}
	return 0;
}

int crm_batch_run(struct crm *crm, struct crm_batch *b)
{
	struct crm_reader *r;
	struct crm_record *rec;
	FILE *rf = NULL;
	char reason[sizeof crm->err];
	int rc = 0, got, outcome, tolerant, made_reject;
	struct stat sb;
	long long stored = 0;

	memset(b->counts, 0, sizeof b->counts);
	b->rejected = 0;
	b->committed = 0;
	if (b->max_errors < 0 && !b->reject_path)
		b->max_errors = 0;
	tolerant = b->reject_path || b->max_errors != 0;
	/* a file this run makes, and may take back on failure */
	made_reject = b->reject_path && access(b->reject_path, F_OK) != 0;
	if (b->reject_path && !(rf = fopen(b->reject_path, "w")))
		return crm_err(crm, CRM_CANTCREAT, "reject file '%s': %s",
		               b->reject_path, strerror(errno));
	r = reader_new(b->in, b->name, b->fmt);
	if (b->nmap)
		reader_map(r, b->map_src, b->map_dst, b->nmap);
	if ((rc = crm_begin(crm)))
		goto cleanup;
	while (!rc && (got = reader_next(r, &rec, reason, sizeof reason)) != 0) {
		if (got < 0) {
			rc = reject(crm, b, rf, r, reason);
			continue;
		}
		if (tolerant && (rc = savepoint(crm, "SAVEPOINT record")))
			break;
		outcome = 0;
		crm->err[0] = '\0';
		rc = b->fn(crm, rec, b->arg, &outcome);
		if (rc == CRM_DATAERR || rc == CRM_NOTFOUND) {
			memcpy(reason, crm->err, sizeof reason);
			/* a record undone by halves would be stored by halves */
			if (tolerant && (rc = savepoint(crm, "ROLLBACK TO record; RELEASE record")))
				break;
			rc = reject(crm, b, rf, r, reason);
			continue;
		}
		if (rc)
			break;
		if (tolerant && (rc = savepoint(crm, "RELEASE record")))
			break;
		if (outcome >= 0 && outcome < BATCH_MAX_OUTCOMES)
			b->counts[outcome]++;
		stored++;
	}
	/* input that broke off is not a whole batch: store none of it */
	if (!rc && ferror(b->in))
		rc = crm_err(crm, CRM_NOINPUT, "%s: read error: %s", b->name, strerror(errno));
	if (rc) {
		crm_rollback(crm);
		memset(b->counts, 0, sizeof b->counts);
		goto cleanup;
	}
	/* a write that failed may have drained the buffer: ask the stream */
	if (rf && (fflush(rf) != 0 || ferror(rf))) {
		crm_rollback(crm);
		rc = crm_err(crm, CRM_CANTCREAT, "reject file '%s': %s", b->reject_path,
		             strerror(errno));
		goto cleanup;
	}
	if ((b->before_commit && (rc = b->before_commit(crm))) || (rc = crm_commit(crm))) {
		crm_rollback(crm);
		memset(b->counts, 0, sizeof b->counts);
		goto cleanup;
	}
	b->committed = 1;
	if (b->rejected && !stored)
		rc = crm_err(crm, CRM_DATAERR, "%s: nothing stored: %lld bad record%s",
		             b->name, b->rejected, b->rejected == 1 ? "" : "s");
cleanup:
	reader_free(r);
	if (rf && fclose(rf) != 0 && !rc)
		rc = crm_err(crm, CRM_CANTCREAT, "reject file '%s': %s", b->reject_path,
		             strerror(errno));
	/* a batch that failed for another reason than bad data (unreadable
	 * input, a busy database) leaves no reject file of its own making to
	 * mislead; a file that was there (or /dev/null) is never removed */
	if (rf && rc && rc != CRM_DATAERR && !b->committed && made_reject &&
	    lstat(b->reject_path, &sb) == 0 && S_ISREG(sb.st_mode))
		unlink(b->reject_path);
	return rc;
}
