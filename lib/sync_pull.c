/* sync_pull.c: the sources crm sync pulls (see sync.h): each source in
 * turn, and each row it brings through the code of `crm lead import`
 * (leads) or `crm comm log` (contacts), in transactions that carry the
 * source's cursor with the rows. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "comm.h"
#include "hooks.h"
#include "lead.h"
#include "crypto.h"
#include "sync_int.h"

const char *pull_mapped(const struct crm_source *src, const char *col)
{
	for (int i = 0; i < src->nmap; i++)
		if (!strcmp(src->map[i].key, col))
			return src->map[i].value;
	return col;
}

const char *pull_unmapped(const struct crm_source *src, const char *field)
{
	for (int i = 0; i < src->nmap; i++)
		if (!strcmp(src->map[i].value, field))
			return src->map[i].key;
	return field;
}

static int savepoint(struct crm *crm, const char *sql)
{
	return sqlite3_exec(crm->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	       crm_sqlerr(crm, "sync pull");
}

int pull_begin(struct pull *p)
{
	return crm_begin(p->crm);
}

int pull_end(struct pull *p, const char *cursor, long long rows, int rc)
{
	char result[sizeof p->skip + 64];

	if (!rc && !p->dry) {
		if (p->st.skipped)
			snprintf(result, sizeof result, "ok, %lld skipped (first: %s)", p->st.skipped,
			         p->skip);
		else
			snprintf(result, sizeof result, "ok");
		rc = crm_sync_state_put(p->crm, p->name, cursor, result, rows);
	}
	if (rc || p->dry) {
		crm_rollback(p->crm);
		return rc;
	}
	return crm_commit(p->crm);
}

/* --- what each kind of row becomes --- */

/* whether the lead with this external_id is in crm already */
static int lead_known(struct crm *crm, const char *ext, int *known)
{
	long long id;
	int rc = crm_lookup_id(crm, "SELECT id FROM leads WHERE external_id = ?2", 0, ext, &id,
	                       "sync pull");

	*known = id != 0;
	return rc;
}

/* A lead: its external_id is the source's key (key:, default id, for a
 * SQLite source; a feed without key: is matched as lead import matches).
 * The status a source gives is taken for a new lead only: once in crm,
 * the lead's status is crm's (and written back, with writeback). */
static int lead_row(struct pull *p, const struct crm_record *rec, int *outcome)
{
	const char *keycol = p->src->key ? p->src->key : p->src->sqlite ? "id" : NULL;
	const char *ext = keycol ? record_get(rec, pull_mapped(p->src, keycol)) : NULL;
	struct crm_record r = *rec;
	int rc, known = 0, n = 0;

	if (keycol && !ext)
		return crm_err(p->crm, CRM_DATAERR, "no key ('%s')", keycol);
	if (ext && (rc = lead_known(p->crm, ext, &known)))
		return rc;
	r.fields = xmalloc(((size_t)rec->nfields + 1) * sizeof *r.fields);
	if (ext)
		r.fields[n++] = (struct crm_field){ "external_id", ext, V_STR };
	for (int i = 0; i < rec->nfields; i++) {
		const char *k = rec->fields[i].key;
		if ((ext && !strcmp(k, "external_id")) || (known && !strcmp(k, "status")))
			continue;
		r.fields[n++] = rec->fields[i];
	}
	r.nfields = n;
	rc = crm_lead_importer.fn(p->crm, &r, NULL, outcome);
	free(r.fields);
	return rc;
}

/* A contact the bot made: a communication, source "sync".  An event
 * without an external_id gets one from what it says (who, by which
 * channel, which way, what kind, when, its subject), each field ended by
 * a NUL, so that reading it again stores nothing and two contacts that
 * differ in any of those are two.  Its status and body are left out: a
 * bot that marks a message delivered later has not made a second one. */
static int contact_row(struct pull *p, const struct crm_record *rec, int *outcome)
{
	struct crm_event ev;
	enum crm_logged logged = LOGGED_NEW;
	char ext[4 + 65];
	int rc;

	crm_event_from_record(rec, &ev);
	ev.source = "sync";
	if (!ev.external_id) {
		const char *parts[] = { ev.client_id, ev.lead_id, ev.email, ev.phone, ev.source_url,
		                        ev.listing_hash, ev.channel, ev.direction, ev.kind, ev.at,
		                        ev.subject };
		size_t np = sizeof parts / sizeof *parts, n = 0, len[sizeof parts / sizeof *parts];
		char *buf;
		for (size_t i = 0; i < np; i++)
			n += (len[i] = parts[i] ? strlen(parts[i]) : 0) + 1;
		buf = xmalloc(n);
		n = 0;
		for (size_t i = 0; i < np; i++) {
			memcpy(buf + n, parts[i] ? parts[i] : "", len[i]);
			n += len[i];
			buf[n++] = '\0';
		}
		memcpy(ext, "bot:", 4);
		rc = crm_sha256_hex(p->crm, buf, n, ext + 4);
		free(buf);
		if (rc)
			return rc;
		ev.external_id = ext;
	}
	if ((rc = crm_comm_log(p->crm, &ev, &logged, NULL)))
		return rc;
	*outcome = logged == LOGGED_DUPLICATE ? UPSERT_UNCHANGED : UPSERT_INSERTED;
	return 0;
}

/* An operator: id and name, added or renamed; none is removed (clients
 * and leads name them). */
static int operator_row(struct pull *p, const struct crm_record *rec, int *outcome)
{
	static const char sql[] =
		"INSERT INTO operators (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)"
		" ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at"
		" WHERE name IS NOT excluded.name";
	const char *id = record_get(rec, "id"), *name = record_get(rec, "name");
	char now[CRM_TIME_LEN];
	long long n, before;
	sqlite3_stmt *st;
	int rc;

	if (!id || crm_parse_int(id, &n) || n < 1)
		return crm_err(p->crm, CRM_DATAERR, "id '%s': not an operator id", id ? id : "");
	if (!name || !crm_utf8_valid(name))
		return crm_err(p->crm, CRM_DATAERR, "operator %lld: no name, or not UTF-8", n);
	if ((rc = crm_lookup_id(p->crm, "SELECT id FROM operators WHERE id = ?1", n, NULL,
	                        &before, "sync pull")))
		return rc;
	if (!(st = crm_stmt(p->crm, sql)))
		return crm_stmt_status(p->crm);
	crm_now(now);
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(p->crm, st, "sync pull")))
		return rc;
	*outcome = !before ? UPSERT_INSERTED :
	           sqlite3_changes(p->crm->db) ? UPSERT_UPDATED : UPSERT_UNCHANGED;
	return 0;
}

int pull_row(struct pull *p, const struct crm_record *rec, const char *where)
{
	struct crm *crm = p->crm;
	struct crm_change_state before = crm->changes;
	size_t mark = crm_hooks_mark();
	int rc, outcome = UPSERT_UNCHANGED;

	p->st.read++;
	if ((rc = savepoint(crm, "SAVEPOINT pull_row")))
		return rc;
	crm->err[0] = '\0';
	rc = p->row(p, rec, &outcome);
	if (rc == CRM_DATAERR || rc == CRM_NOTFOUND) {
		/* a bad row is skipped, and the cursor goes past it */
		if ((rc = savepoint(crm, "ROLLBACK TO pull_row; RELEASE pull_row")))
			return rc;
		crm_hooks_undo(mark);
		crm->changes = before;
		if (!p->st.skipped++)
			snprintf(p->skip, sizeof p->skip, "%.150s: %.300s", where, crm->err);
		return 0;
	}
	if (rc)
		return rc;
	if ((rc = savepoint(crm, "RELEASE pull_row")))
		return rc;
	if (outcome == UPSERT_INSERTED)
		p->st.added++;
	else if (outcome == UPSERT_UPDATED)
		p->st.updated++;
	else
		p->st.unchanged++;
	return 0;
}

/* --- the pull --- */

/* each source pulled (crm_sync_pulled), what its rows become, and the
 * batch whose rows they are (the connection set up as it sets it up) */
static const struct pull_kind {
	const char *name;
	int (*row)(struct pull *p, const struct crm_record *rec, int *outcome);
	const struct crm_importer *imp;
} kinds[] = {
	{ "operators", operator_row, NULL },
	{ "leads", lead_row, &crm_lead_importer },
	{ "contacts", contact_row, &crm_comm_importer },
};

static int pull_one(struct crm *crm, const char *name, const struct crm_source *src,
                    int dry, crm_pull_fn fn, void *arg)
{
	struct pull p = { .crm = crm, .name = name, .src = src, .dry = dry };
	int rc;

	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i].name, name)) {
			p.row = kinds[i].row;
			if (kinds[i].imp)
				crm_batch_tune(crm, kinds[i].imp);
		}
	if (!p.row)
		return crm_err(crm, CRM_SOFTWARE, "sync pull: '%s' is not a source crm pulls", name);
	p.st.source = name;
	rc = src->sqlite ? pull_sqlite(&p) : pull_feed(&p);
	if (!rc && !strcmp(name, "leads") && src->writeback)
		rc = pull_writeback(&p);
	if (!rc && fn)
		fn(&p.st, arg);
	return rc;
}

/* a source that failed says so in its row of sync_state */
static void pull_failed(struct crm *crm, const char *name)
{
	char result[sizeof crm->err + 8], err[sizeof crm->err];

	memcpy(err, crm->err, sizeof err);
	snprintf(result, sizeof result, "error: %s", err);
	if (!crm_begin(crm)) {
		if (crm_sync_state_put(crm, name, NULL, result, 0))
			crm_rollback(crm);
		else if (crm_commit(crm))
			crm_rollback(crm);
	}
	memcpy(crm->err, err, sizeof err);
}

int crm_sync_pull(struct crm *crm, const char *name, int dry_run, crm_pull_fn fn, void *arg)
{
	const struct crm_source *src;
	char err[sizeof crm->err];
	int rc, first = 0;

	if (name && !strcmp(name, "listings"))
		return crm_err(crm, CRM_USAGE, "sync pull: source 'listings' is not pulled: a"
		               " listing is read when its client or lead is shown");
	if (name) {
		if (!(src = crm_sync_source(crm, name)) || !src->set)
			return crm_err(crm, CRM_USAGE, "sync pull: source '%s' is not configured"
			               " (sources.%s in crm.yaml)", name, name);
		if ((rc = pull_one(crm, name, src, dry_run, fn, arg)) && !dry_run)
			pull_failed(crm, name);
		return rc;
	}
	/* one source that fails does not keep the others from being pulled:
	 * the first failure is the status, and its message */
	for (int i = 0; crm_sync_sources[i]; i++) {
		src = crm_sync_source(crm, crm_sync_sources[i]);
		if (!src->set || !strcmp(crm_sync_sources[i], "listings"))
			continue;
		if (!(rc = pull_one(crm, crm_sync_sources[i], src, dry_run, fn, arg)))
			continue;
		if (!dry_run)
			pull_failed(crm, crm_sync_sources[i]);
		if (!first) {
			first = rc;
			memcpy(err, crm->err, sizeof err);
		}
	}
	if (first)
		memcpy(crm->err, err, sizeof err);
	return first;
}
