/* batch.c: one transaction over a stream of records (see batch.h). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "batch.h"
#include "hooks.h"
#include "outfile.h"

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

/* a bad record: told at the end of an all-or-nothing batch (strict),
 * or to the reject file, the warning stream, or the end */
static int reject(struct crm *crm, struct crm_batch *b, FILE *rf,
                  struct crm_reader *r, const char *reason, int strict)
{
	long line = reader_line(r);

	b->rejected++;
	if (strict) {
		if (b->ntold < BATCH_TELL) {
			b->told[b->ntold].line = line;
			snprintf(b->told[b->ntold++].reason, sizeof b->told[0].reason, "%s", reason);
		}
		return 0;
	}
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

void crm_batch_tune(struct crm *crm, const struct crm_importer *imp)
{
	/* a batch inserts into several indexes at once: a larger page cache
	 * for this connection keeps their paths in memory */
	if (imp->cache_mib > 0) {
		char sql[48];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", imp->cache_mib * 1024);
		sqlite3_exec(crm->db, sql, NULL, NULL, NULL);
	}
	/* A statement with triggers keeps a journal of the pages it changes,
	 * and so does a savepoint.  Past 64 KiB one spills to a temporary
	 * file, which then takes every statement's journal to the end of the
	 * transaction: a dozen writes a row.  In memory they stay a
	 * statement's pages each. */
	if (imp->journal_in_memory)
		sqlite3_exec(crm->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
}

int crm_batch_run(struct crm *crm, struct crm_batch *b)
{
	struct crm_reader *r = NULL;
	struct crm_record *rec;
	struct crm_outfile rej = { 0 };
	FILE *rf = NULL;
	char reason[sizeof crm->err], first[sizeof crm->err] = "";
	int rc = 0, got, outcome, tolerant, guarded;
	struct crm_change_state before = { 0, 0, 0 };
	long long stored = 0;
	size_t hooks_mark = 0;

	memset(b->counts, 0, sizeof b->counts);
	b->rejected = 0;
	b->committed = 0;
	b->ntold = 0;
	if (b->max_errors < 0 && !b->reject_path)
		b->max_errors = 0;
	tolerant = b->reject_path || b->max_errors != 0;
	/* a record that fails leaves nothing: each in a savepoint when some
	 * may fail and the rest be stored; all or nothing, from the first bad
	 * one on, so that it leaves nothing for the next to find */
	guarded = tolerant;
	/* never the database or the input; renamed into place only when the
	 * batch is stored */
	if (b->reject_path) {
		if ((rc = crm_out_open(crm, "reject file", b->reject_path, &b->in, 1, &rej)))
			return rc;
		rf = rej.fp;
	}
	crm_batch_tune(crm, b->imp);
	r = reader_new(b->in, b->name, b->fmt);
	if (b->nmap)
		reader_map(r, b->map_src, b->map_dst, b->nmap);
	if (b->imp->known)
		reader_known(r, b->imp->known, b->imp->hint);
	if (b->imp->column)
		reader_columns(r, b->imp->column);
	if ((rc = crm_begin(crm)))
		goto cleanup;
	while (!rc && (got = reader_next(r, &rec, reason, sizeof reason)) != 0) {
		if (got == -3) {
			rc = crm_err(crm, CRM_USAGE, "%s: %s", crm->cmdname ? crm->cmdname : "import",
			             reason);
			break;
		}
		if (got == -2) {
			rc = crm_err(crm, CRM_DATAERR, "%s:%ld: %s", b->name, reader_line(r), reason);
			break;
		}
		if (got < 0) {
			if (!tolerant && !b->rejected)
				memcpy(first, reason, sizeof first);
			rc = reject(crm, b, rf, r, reason, !tolerant);
			continue;
		}
		if (guarded && (rc = savepoint(crm, "SAVEPOINT record")))
			break;
		hooks_mark = crm_hooks_mark();
		before = crm->changes;
		outcome = 0;
		crm->err[0] = '\0';
		rc = b->imp->fn(crm, rec, b->arg, &outcome);
		if (rc == CRM_DATAERR || rc == CRM_NOTFOUND) {
			memcpy(reason, crm->err, sizeof reason);
			/* a record undone by halves would be stored by halves */
			if (guarded && (rc = savepoint(crm, "ROLLBACK TO record; RELEASE record")))
				break;
			if (guarded)
				crm_hooks_undo(hooks_mark);   /* nor its hooks */
			/* what the record changed is gone, its change set too when
			 * it made it */
			if (guarded)
				crm->changes = before;
			if (!tolerant && !b->rejected)
				memcpy(first, reason, sizeof first);
			rc = reject(crm, b, rf, r, reason, !tolerant);
			guarded = 1;
			continue;
		}
		if (rc)
			break;
		if (guarded && (rc = savepoint(crm, "RELEASE record")))
			break;
		if (outcome >= 0 && outcome < BATCH_MAX_OUTCOMES)
			b->counts[outcome]++;
		stored++;
	}
	/* input that broke off is not a whole batch: store none of it */
	if (!rc && ferror(b->in))
		rc = crm_err(crm, CRM_NOINPUT, "%s: read error: %s", b->name, strerror(errno));
	/* all or nothing: one bad record is the error; more, how many */
	if (!rc && !tolerant && b->rejected == 1) {
		rc = crm_err(crm, CRM_DATAERR, "%s:%ld: %s", b->name, b->told[0].line, first);
		b->ntold = 0;
	} else if (!rc && !tolerant && b->rejected) {
		rc = crm_err(crm, CRM_DATAERR, "%s: %lld bad lines, nothing stored", b->name,
		             b->rejected);
	}
	/* the rejects are on disk before the good records are committed */
	if (!rc && rf && !b->dry_run && (rc = crm_out_close(crm, &rej)) == 0)
		rf = NULL;
	if (!rc && b->before_commit)
		rc = b->before_commit(crm);
	/* a dry run went through: its counts are exact, and it is undone */
	if (!rc && b->dry_run)
		crm_rollback(crm);
	else if (!rc)
		rc = crm_commit(crm);
	if (rc) {
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
	/* a batch that was not stored leaves the old reject file (if any)
	 * as it was: no file of this run's to mislead */
	if (b->reject_path) {
		int wrc = b->committed && !b->dry_run ? crm_out_commit(crm, &rej) :
		          (crm_out_abort(&rej), 0);
		if (wrc && !rc)
			rc = wrc;
	}
	return rc;
}

int crm_batch_map_field(struct crm *crm, const struct crm_importer *imp,
                        const char **field)
{
	const char *const *fields = imp->fields(), *f = *field, *guess;
	size_t np = imp->extra ? strlen(imp->extra) : 0;
	char list[1024];

	for (const char *const *k = fields; *k; k++)
		if (!strcasecmp(*k, f)) {
			*field = *k;
			return 0;
		}
	if (np && !strncmp(f, imp->extra, np) && f[np])
		return 0;
	guess = crm_suggest(f, fields);
	crm_set_list(fields, list, sizeof list);
	return crm_err(crm, CRM_USAGE, "unknown field '%s'%s%s%s (known fields: %s%s%s%s)", f,
	               guess ? "; did you mean '" : "", guess ? guess : "", guess ? "'?" : "",
	               list, np ? ", or " : "", np ? imp->extra : "", np ? "KEY" : "");
}
