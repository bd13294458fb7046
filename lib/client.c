/* client.c: adding and changing clients, one owner each, with the values
 * client_values.c has checked. */
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "catalog.h"
#include "client_values.h"
#include "dnc.h"
#include "query.h"

/* the write path's SQL over the settable fields, from the catalog */
static const char *field_sql(char *buf, size_t size, const char *prefix, const char *fmt,
                             int first, const char *sep, const char *suffix)
{
	return crm_entity_fields_sql(&crm_clients, CF_COUNT, -1, buf, size, prefix, fmt, first,
	                             sep, suffix);
}

int crm_client_find_owner(struct crm *crm, long long operator_id,
                          const char *email_norm, const char *phone_norm,
                          long long *id)
{
	static const char sql[] =
		"SELECT id FROM clients WHERE operator_id = ?1 AND email_norm = ?2"
		" UNION ALL "
		"SELECT id FROM clients WHERE operator_id = ?1 AND phone_norm = ?3"
		" LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if (!email_norm && !phone_norm)
		return 0;
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, operator_id);
	crm_bind_text(st, 2, email_norm);
	crm_bind_text(st, 3, phone_norm);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "client");
}

int crm_client_set_column(struct crm *crm, long long id, const char *sql,
                          const char *value, enum crm_change_kind kind,
                          const char *field, const char *old, const char *new,
                          const char *reason)
{
	return crm_change_column(crm, sql, value,
	                         &(struct crm_change){ kind, id, field, old, new, reason }, NULL);
}

/* Owner-centric: a data error when a client other than self (0 when
 * adding) already has the email or the phone of vals in the operator,
 * naming the value that matched and that client. */
static int owner_clash(struct crm *crm, long long op, long long self,
                       const struct client_values *vals)
{
	/* one probe of each owner index; the email's match first */
	static const char sql[] =
		"SELECT id, ?2 IS NOT NULL AND email_norm IS ?2 FROM clients"
		" WHERE operator_id = ?1 AND (email_norm = ?2 OR phone_norm = ?3)"
		" AND id IS NOT ?4 ORDER BY 2 DESC LIMIT 1";
	sqlite3_stmt *st;
	long long other = 0;
	int rc, by_email = 0;

	if (!vals->email_norm && !vals->phone_norm)
		return 0;
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, op);
	crm_bind_text(st, 2, vals->email_norm);
	crm_bind_text(st, 3, vals->phone_norm);
	sqlite3_bind_int64(st, 4, self);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		other = sqlite3_column_int64(st, 0);
		by_email = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(crm, "client");
	if (other)
		return crm_err(crm, CRM_DATAERR, "client '%s': already exists as %lld",
		               vals->v[by_email ? CF_EMAIL : CF_PHONE], other);
	return 0;
}

/* The notes of vals with its note added (when it has one): on a line of
 * their own after the notes, dated now in UTC.  base is the notes it
 * adds to. */
static void add_note(struct client_values *vals, const char *base)
{
	char now[CRM_TIME_LEN], *notes;
	size_t len;

	if (!vals->f.note)
		return;
	crm_now(now);
	len = (base ? strlen(base) + 1 : 0) + 17 + strlen(vals->f.note) + 1;
	notes = xmalloc(len);
	snprintf(notes, len, "%s%s%.10s %.5s %s", base ? base : "", base ? "\n" : "", now,
	         now + 11, vals->f.note);
	free(vals->v[CF_NOTES]);
	vals->v[CF_NOTES] = notes;
	vals->given[CF_NOTES] = 1;
}

/* what names an owner who came without a name */
static const char *owner_label(const struct client_values *vals)
{
	return vals->v[CF_EMAIL] ? vals->v[CF_EMAIL] :
	       vals->v[CF_PHONE] ? vals->v[CF_PHONE] : "";
}

/* what a new client has for field i when it is not given (NULL: none) */
static const char *field_default(struct crm *crm, int i)
{
	switch (i) {
	case CF_STAGE: return crm->cfg.stages.v[0];
	case CF_STATUS: return "active";
	case CF_AUTOMATION: return "1";
	case CF_AI_MODE: return crm->cfg.ai_default ? crm->cfg.ai_default : "draft";
	default: return NULL;
	}
}

int crm_client_add(struct crm *crm, const struct crm_client_fields *f,
                   long long *id)
{
	/* ?1..?6 what the client's fields do not give, ?7.. its fields */
	static char cols[512], vals_sql[256];
	static char sql[sizeof cols + sizeof vals_sql];
	struct client_values vals;
	long long op = f->operator_id > 0 ? f->operator_id : crm_operator(crm);
	char now[CRM_TIME_LEN], *custom = NULL;
	sqlite3_stmt *st;
	int rc, own = 0;

	*id = 0;
	if ((rc = crm_client_values(crm, f, &vals)))
		goto cleanup;
	if (!vals.v[CF_NAME]) {
		/* an owner known only by email or phone is named by it */
		const char *label = owner_label(&vals);
		if (!*label) {
			rc = crm_err(crm, CRM_DATAERR, "client: a name, an email or a phone is needed");
			goto cleanup;
		}
		vals.v[CF_NAME] = xstrdup(label);
	}
	/* the first note is the notes, as given */
	if (vals.f.note && !vals.v[CF_NOTES])
		vals.v[CF_NOTES] = xstrdup(vals.f.note);
	else
		add_note(&vals, vals.v[CF_NOTES]);
	if ((rc = crm_tx_begin(crm, &own)))
		goto cleanup;
	if ((rc = crm_operator_ensure(crm, op)))
		goto done;
	if ((rc = owner_clash(crm, op, 0, &vals)) ||
	    (rc = crm_client_custom_new(crm, &vals.f, &custom)))
		goto done;
	if (!sql[0]) {
		field_sql(cols, sizeof cols, "INSERT INTO clients (operator_id, email_norm,"
		          " phone_norm, created_at, updated_at, custom, ", "%1$s", 0, ", ", ")");
		field_sql(vals_sql, sizeof vals_sql, " VALUES (?1, ?2, ?3, ?4, ?4,"
		          " json_patch(coalesce(?5, '{}'), coalesce(?6, '{}')), ", "%1$.0s?%2$d", 7, ", ", ")");
		snprintf(sql, sizeof sql, "%s%s", cols, vals_sql);
	}
	if (!(st = crm_stmt(crm, sql))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	crm_now(now);
	sqlite3_bind_int64(st, 1, op);
	crm_bind_text(st, 2, vals.email_norm);
	crm_bind_text(st, 3, vals.phone_norm);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	crm_bind_text(st, 5, custom);
	crm_bind_text(st, 6, vals.f.custom_json);
	for (int i = 0; i < CF_COUNT; i++)
		crm_bind_text(st, 7 + i, vals.v[i] ? vals.v[i] : field_default(crm, i));
	if (sqlite3_step(st) != SQLITE_DONE) {
		/* malformed custom JSON is an SQL error; a busy database is not */
		rc = (sqlite3_errcode(crm->db) & 0xff) == SQLITE_ERROR && vals.f.custom_json ?
			crm_err(crm, CRM_DATAERR, "custom '%s': not a JSON object", vals.f.custom_json) :
			crm_sqlerr(crm, "client add");
		goto done;
	}
	*id = sqlite3_last_insert_rowid(crm->db);
	/* the tags and custom fields it is made with are part of its
	 * creation: the one history row tells it */
	if (!(rc = crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_CREATED, *id, NULL,
	                                                 NULL, vals.v[CF_NAME], f->source })))
		rc = crm_client_tags_new(crm, *id, &vals.f);
	/* an owner on do-not-contact is one from the start */
	if (!rc && (vals.email_norm || vals.phone_norm))
		rc = crm_dnc_client_sync(crm, *id);
done:
	rc = crm_tx_end(crm, own, rc);
	if (rc)
		*id = 0;
cleanup:
	free(custom);
	crm_client_values_free(&vals);
	return rc;
}

/* the row's current values, in enum client_field order, then its
 * operator and its owner keys (email, phone) */
static const char *load_sql(void)
{
	static char sql[512];

	return field_sql(sql, sizeof sql, "SELECT ", "%1$s", 0, ", ",
	                 ", operator_id, email_norm, phone_norm FROM clients WHERE id = ?1");
}

/* The UPDATE of one field, made once per process: its address is stable,
 * so crm_stmt() prepares it once. */
static const char *update_sql(int i)
{
	static char sql[CF_COUNT][128];

	if (!sql[i][0]) {
		if (i == CF_EMAIL || i == CF_PHONE)
			snprintf(sql[i], sizeof sql[i],
			         "UPDATE clients SET %s = ?1, %s_norm = ?2, updated_at = ?3 WHERE id = ?4",
			         crm_client_field_name(i), crm_client_field_name(i));
		else
			snprintf(sql[i], sizeof sql[i],
			         "UPDATE clients SET %s = ?1, updated_at = ?3 WHERE id = ?4",
			         crm_client_field_name(i));
	}
	return sql[i];
}

int crm_client_update(struct crm *crm, long long id,
                      const struct crm_client_fields *f, int *changed)
{
	struct client_values vals;
	char *old[CF_COUNT] = { 0 }, *old_key[2] = { 0 };   /* email, phone */
	long long op = 0;
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc, own = 0, n = 0, owner = 0;

	if ((rc = crm_client_values(crm, f, &vals)))
		goto cleanup;
	if ((rc = crm_tx_begin(crm, &own)))
		goto cleanup;
	if (!(st = crm_stmt(crm, load_sql()))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		rc = rc == SQLITE_DONE ?
			crm_err(crm, CRM_NOTFOUND, "client '%lld': not found", id) :
			crm_sqlerr(crm, "client");
		goto done;
	}
	for (int i = 0; i < CF_COUNT; i++)
		if (sqlite3_column_type(st, i) != SQLITE_NULL)
			old[i] = xstrdup((const char *)sqlite3_column_text(st, i));
	op = sqlite3_column_int64(st, CF_COUNT);
	for (int k = 0; k < 2; k++)
		if (sqlite3_column_type(st, CF_COUNT + 1 + k) != SQLITE_NULL)
			old_key[k] = xstrdup((const char *)sqlite3_column_text(st, CF_COUNT + 1 + k));
	sqlite3_reset(st);
	rc = 0;

	if ((rc = owner_clash(crm, op, id, &vals)))
		goto done;
	add_note(&vals, vals.given[CF_NOTES] ? vals.v[CF_NOTES] : old[CF_NOTES]);
	crm_now(now);
	for (int i = 0; i < CF_COUNT && !rc; i++) {
		const char *nv = vals.v[i];
		if (!vals.given[i])
			continue;
		if ((!nv && !old[i]) || (nv && old[i] && !strcmp(nv, old[i])))
			continue;
		/* the same address written another way, when the key stored is
		 * the one crm gives it now (one kept in an older form, before
		 * phone.default_region or by a migration, is written anew) */
		if (nv && (i == CF_EMAIL || i == CF_PHONE)) {
			const char *key = i == CF_EMAIL ? vals.email_norm : vals.phone_norm;
			const char *stored = old_key[i == CF_PHONE];
			if (key && stored && !strcmp(key, stored))
				continue;
		}
		if (!(st = crm_stmt(crm, update_sql(i)))) {
			rc = crm_stmt_status(crm);
			break;
		}
		crm_bind_text(st, 1, nv);
		crm_bind_text(st, 2, i == CF_EMAIL ? vals.email_norm : vals.phone_norm);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, id);
		rc = crm_exec_stmt(crm, st, "client");
		if (!rc)
			rc = crm_change(crm, &(struct crm_change){
				i == CF_STAGE ? CHANGE_CLIENT_STAGE : CHANGE_CLIENT_FIELD, id,
				crm_client_field_name(i), old[i], nv,
				i == CF_STAGE ? vals.f.reason : NULL });
		/* a terminal stage is closed: the bot stops there */
		if (!rc && i == CF_STAGE)
			rc = crm_auto_stage_changed(crm, id, nv);
		n++;
		owner |= i == CF_EMAIL || i == CF_PHONE;
	}
	/* a new email or phone may be on do-not-contact, the old one may
	 * have been */
	if (!rc && owner)
		rc = crm_dnc_client_sync(crm, id);
	if (!rc)
		rc = crm_client_set_extras(crm, id, &vals.f, &n);
done:
	rc = crm_tx_end(crm, own, rc);
cleanup:
	for (int i = 0; i < CF_COUNT; i++)
		free(old[i]);
	free(old_key[0]);
	free(old_key[1]);
	crm_client_values_free(&vals);
	if (changed)
		*changed = rc ? 0 : n;
	return rc;
}

int crm_client_check_fields(struct crm *crm, const struct crm_client_fields *f)
{
	struct client_values vals;
	int rc = crm_client_values(crm, f, &vals);

	crm_client_values_free(&vals);
	return rc;
}

int crm_client_update_all(struct crm *crm, const long long *ids, int n,
                          const struct crm_client_fields *f, int *clients, int *changes)
{
	int rc, own, changed;

	*clients = *changes = 0;
	/* what is wrong with the fields is wrong for every client: said once */
	if ((rc = crm_client_check_fields(crm, f)) || (rc = crm_tx_begin(crm, &own)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		if ((rc = crm_client_update(crm, ids[i], f, &changed))) {
			char msg[sizeof crm->err];
			memcpy(msg, crm->err, sizeof msg);
			crm_err(crm, rc, "client %lld: %s", ids[i], msg);
			break;
		}
		*clients += changed > 0;
		*changes += changed;
	}
	if ((rc = crm_tx_end(crm, own, rc)))
		*clients = *changes = 0;
	return rc;
}

int crm_client_resolve(struct crm *crm, const char *ref, long long *id)
{
	static const char by_id[] = "SELECT id FROM clients WHERE id = ?1";
	static const char by_email[] =
		"SELECT id FROM clients WHERE email_norm = ?1 AND operator_id IN"
		" (SELECT id FROM operators WHERE ?2 = 0 OR id = ?2) LIMIT 2";
	static const char by_phone[] =
		"SELECT id FROM clients WHERE phone_norm = ?1 AND operator_id IN"
		" (SELECT id FROM operators WHERE ?2 = 0 OR id = ?2) LIMIT 2";
	sqlite3_stmt *st;
	char *key = NULL;
	long long n;
	int rc, found = 0, numeric = crm_parse_int(ref, &n) == 0;

	*id = 0;
	/* an id; a number no client has for its id may be a phone */
	if (numeric) {
		if (!(st = crm_stmt(crm, by_id)))
			return crm_stmt_status(crm);
		sqlite3_bind_int64(st, 1, n);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return crm_sqlerr(crm, "client");
		if (*id || !crm_phone_like(ref))
			return *id ? 0 : crm_err(crm, CRM_NOTFOUND, "client '%s': not found", ref);
	}
	if (strchr(ref, '@')) {
		if ((rc = crm_owner_value(crm, "client", ref, 0, NULL, &key)))
			return rc;
		st = crm_stmt(crm, by_email);
	} else if (crm_phone_like(ref)) {
		if ((rc = crm_owner_value(crm, "client", ref, 1, NULL, &key)))
			return rc;
		st = crm_stmt(crm, by_phone);
	} else {
		return crm_err(crm, CRM_DATAERR, "client '%s': not an id, an email or a phone", ref);
	}
	if (!st) {
		free(key);
		return crm_stmt_status(crm);
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, crm->operator_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		found++;
	}
	sqlite3_reset(st);
	free(key);
	if (rc != SQLITE_DONE)
		return crm_sqlerr(crm, "client");
	if (found > 1)
		return crm_err(crm, CRM_DATAERR,
		               "client '%s': belongs to several operators; give --operator or an id",
		               ref);
	if (!found)
		return crm_err(crm, CRM_NOTFOUND, "client '%s': not found", ref);
	return 0;
}

int crm_client_resolve_name(struct crm *crm, const char *ref, long long *id)
{
	static const char sql[] =
		"SELECT id, name FROM clients WHERE id IN (SELECT rowid FROM clients_fts"
		" WHERE clients_fts MATCH ?1) AND operator_id IN"
		" (SELECT id FROM operators WHERE ?2 = 0 OR id = ?2) ORDER BY id LIMIT 4";
	char *words = crm_utf8_valid(ref) ? query_search_match(crm, ref) : NULL, *match;
	char found[512] = "";
	sqlite3_stmt *st;
	int rc, n = 0;

	*id = 0;
	if (!words)
		return crm_err(crm, CRM_DATAERR, "client '%s': not an id, an email, a phone or a name",
		               ref);
	/* every word the start of a word of the name */
	match = xmalloc(strlen(words) + 16);
	sprintf(match, "name : (%s)", words);
	free(words);
	if (!(st = crm_stmt(crm, sql))) {
		free(match);
		return crm_stmt_status(crm);
	}
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, crm->operator_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t at = strlen(found);
		*id = sqlite3_column_int64(st, 0);
		if (n++ < 3)
			snprintf(found + at, sizeof found - at, "%s%lld %.100s", at ? ", " : "",
			         *id, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	free(match);
	if (rc != SQLITE_DONE)
		return crm_sqlerr(crm, "client");
	if (n == 0)
		return crm_err(crm, CRM_NOTFOUND, "client '%s': not found", ref);
	if (n > 1) {
		*id = 0;
		return crm_err(crm, CRM_USAGE, "client '%s': %s%d clients have that name (%s%s);"
		               " give an id, an email or a phone", ref, n > 3 ? "at least " : "",
		               n > 3 ? 4 : n, found, n > 3 ? ", ..." : "");
	}
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int crm_client_count_moves(struct crm *crm, const long long *ids, int n,
                           const char *stage, int *would)
{
	static const char sql[] = "SELECT stage IS NOT ?2 FROM clients WHERE id = ?1";
	long long *sorted = xmalloc((size_t)(n ? n : 1) * sizeof *sorted);
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc = 0;

	*would = 0;
	if (!st) {
		free(sorted);
		return crm_stmt_status(crm);
	}
	memcpy(sorted, ids, (size_t)n * sizeof *sorted);
	qsort(sorted, (size_t)n, sizeof *sorted, cmp_id);
	for (int i = 0; i < n && !rc; i++) {
		if (i && sorted[i] == sorted[i - 1])
			continue;
		sqlite3_bind_int64(st, 1, sorted[i]);
		sqlite3_bind_text(st, 2, stage, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		*would += rc == SQLITE_ROW && sqlite3_column_int(st, 0);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "client stage");
		sqlite3_reset(st);
	}
	free(sorted);
	return rc;
}

/* whether client id is in stage (*in); CRM_NOTFOUND when there is no
 * such client */
static int in_stage(struct crm *crm, long long id, const char *stage, int *in)
{
	static const char sql[] = "SELECT stage IS ?2 FROM clients WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*in = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, stage, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*in = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_NOTFOUND, "client '%lld': not found", id);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "client stage");
}

int crm_client_set_stage(struct crm *crm, const long long *ids, int n,
                         const char *stage, const char *reason, int *moved,
                         int *already)
{
	struct crm_client_fields f;
	int rc = 0, changed, total = 0, there = 0, own, in;

	memset(&f, 0, sizeof f);
	f.v[CF_STAGE] = stage;
	f.reason = reason;
	if (reason && crm->cfg.lost && !strcmp(stage, crm->cfg.lost))
		f.v[CF_LOST_REASON] = reason;
	if (!crm_config_has_stage(&crm->cfg, stage)) {
		struct client_values v;
		memset(&v, 0, sizeof v);
		rc = crm_client_value(crm, CF_STAGE, stage, &v);
		crm_client_values_free(&v);
		return rc;
	}
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		/* there already: not moved, and its lost reason is the first */
		if ((rc = in_stage(crm, ids[i], stage, &in)) || (in && ++there))
			continue;
		rc = crm_client_update(crm, ids[i], &f, &changed);
		total += changed > 0;
	}
	if (moved)
		*moved = rc ? 0 : total;
	if (already)
		*already = rc ? 0 : there;
	return crm_tx_end(crm, own, rc);
}

int crm_client_move(struct crm *crm, long long id, const char *from,
                    const char *to, const char *reason)
{
	static const char sql[] =
		"UPDATE clients SET stage = ?2, updated_at = ?3 WHERE id = ?1";

	int rc = crm_client_set_column(crm, id, sql, to, CHANGE_CLIENT_STAGE, "stage", from, to,
	                               reason);

	return rc ? rc : crm_auto_stage_changed(crm, id, to);
}
