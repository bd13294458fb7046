/* sync_apply.c: an external CRM's events applied (see sync.h and
 * crm-sync(1), Apply).
 *
 * The input is read whole (at most APPLY_MAX bytes): one JSON value, or
 * one JSON value a line (JSON Lines); a value is an event (an object) or
 * an array of them, read by sync_event.c.  A creation makes a client, or
 * links the owner crm has already; a change sets the fields and the
 * stage sync.inbound.fields maps, unless it is older than the field's
 * last change.  sync_links keeps the external object's client,
 * sync_inbox the events applied, so that an event comes in once.
 *
 * Everything happens in one transaction, with crm->sync_inbound set so
 * the outbox does not send the changes back; with dry_run it is rolled
 * back. */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "sync_event.h"

#define APPLY_MAX (64L << 20)      /* the input, in bytes */
#define APPLY_LINE_MAX (1L << 20)  /* one line of JSON Lines */

/* the client linked to system's object, 0 when none */
static int linked(struct crm *crm, const char *system, const char *object, long long *id)
{
	static const char sql[] =
		"SELECT client_id FROM sync_links WHERE system = ?1 AND external_id = ?2";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*id = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, system, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, object, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "sync apply");
}

static int link(struct crm *crm, const char *system, const char *object, long long id)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO sync_links (system, external_id, client_id, created_at)"
		" VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	char now[CRM_TIME_LEN];

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, system, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, object, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	return crm_exec_stmt(crm, st, "sync apply");
}

/* The owner of the event's email or phone (*id, 0 when none); a value
 * that is no email or phone is left out */
static int owner(struct crm *crm, const struct event *ev, long long *id)
{
	char *email = ev->v[T_EMAIL] ? crm_norm_email(ev->v[T_EMAIL]) : NULL;
	char *phone = NULL;
	int rc;

	if (ev->v[T_PHONE] && crm_phone_key(crm, ev->v[T_PHONE], &phone) == CRM_SOFTWARE) {
		free(email);
		return CRM_SOFTWARE;
	}
	rc = crm_client_find_owner(crm, crm_operator(crm), email, phone, id);
	free(email);
	free(phone);
	return rc;
}

/* the name the event gives: name, else first and last name */
static char *event_name(const struct event *ev)
{
	const char *f = ev->v[T_FIRST], *l = ev->v[T_LAST];
	size_t n;
	char *s;

	if (ev->v[T_NAME])
		return xstrdup(ev->v[T_NAME]);
	if (!f && !l)
		return NULL;
	n = (f ? strlen(f) : 0) + (l ? strlen(l) : 0) + 2;
	s = xmalloc(n);
	snprintf(s, n, "%s%s%s", f ? f : "", f && l ? " " : "", l ? l : "");
	return s;
}

/* A new client from a creation; an owner crm has already (the same
 * email or phone) is linked instead, as it is. */
static int create(struct crm *crm, struct event *ev, long long *id)
{
	struct crm_client_fields f;
	char label[128];
	char *name = event_name(ev);
	int rc;

	if ((rc = owner(crm, ev, id)) || *id)
		goto done;
	memset(&f, 0, sizeof f);
	snprintf(label, sizeof label, "%s %s", ev->system, ev->object);
	f.v[CF_NAME] = name ? name : ev->v[T_EMAIL] || ev->v[T_PHONE] ? NULL : label;
	f.v[CF_EMAIL] = ev->v[T_EMAIL];
	f.v[CF_PHONE] = ev->v[T_PHONE];
	f.source = ev->system;
	rc = crm_client_add(crm, &f, id);
done:
	free(name);
	return rc ? rc : link(crm, ev->system, ev->object, *id);
}

/* When the client's field last changed (*at, "" when never): a change
 * from an external CRM at the time it happened there (its reason is
 * "SYSTEM (TIME)"; a name, email or phone applied before crm kept that
 * time has none, and is not compared), any other when it was made */
static int last_change(struct crm *crm, long long id, const char *field,
                       char at[CRM_TIME_LEN])
{
#define TIMED "((a.reason GLOB 'hubspot (*Z)' OR a.reason GLOB 'pipedrive (*Z)')" \
	" AND substr(a.reason, -22, 1) = '(' AND substr(a.reason, -11, 1) = 'T')"
	static const char sql[] =
		"SELECT max(CASE WHEN " TIMED " THEN substr(a.reason, -21, 20) ELSE a.at END)"
		" FROM activity_logs a LEFT JOIN change_sets cs ON cs.id = a.change_set"
		" WHERE a.entity = 'client' AND a.entity_id = ?1 AND (a.field = ?2 OR a.action = 'create')"
		" AND (" TIMED " OR cs.command IS NOT 'sync apply')";
#undef TIMED
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	at[0] = '\0';
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(at, CRM_TIME_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "sync apply");
}

/* the stage sync.inbound.stages maps value to, NULL when none */
static const char *stage_of(const struct crm_config *cfg, const char *value)
{
	for (int i = 0; i < cfg->inbound.nstages; i++)
		if (!strcmp(cfg->inbound.stages[i].key, value))
			return cfg->inbound.stages[i].value;
	return NULL;
}

/* The history rows of the open change set that set client id's name,
 * email or phone and have no reason get "SYSTEM (TIME)", the time the
 * event happened there, as a stage's has: last_change() reads it.
 * (crm_client_update gives a reason to a stage only.) */
static int stamp(struct crm *crm, long long id, const struct event *ev)
{
	static const char sql[] =
		"UPDATE activity_logs SET reason = ?1 WHERE change_set = ?2 AND entity = 'client'"
		" AND entity_id = ?3 AND field IN ('name', 'email', 'phone') AND reason IS NULL";
	sqlite3_stmt *st;
	char reason[64];
	long long set;
	int rc;

	if ((rc = crm_change_set(crm, &set)))
		return rc;
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	snprintf(reason, sizeof reason, "%s (%s)", ev->system, ev->at);
	sqlite3_bind_text(st, 1, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, set);
	sqlite3_bind_int64(st, 3, id);
	return crm_exec_stmt(crm, st, "sync apply");
}

/* The client's name, email and phone from a change: none older than
 * the field's last change, no email or phone of a client on
 * do-not-contact (it would take the client off), none another client
 * owns; each set with the event's time (stamp()).  *n counts what
 * changed, *stale what was too old. */
static int identity(struct crm *crm, long long id, struct event *ev, int *n, int *stale)
{
	static const char dnc_sql[] = "SELECT dnc, name FROM clients WHERE id = ?1";
	struct crm_client_fields f;
	sqlite3_stmt *st = crm_stmt(crm, dnc_sql);
	char at[CRM_TIME_LEN], label[128], *name = event_name(ev), *cur = NULL;
	int rc = 0, dnc = 0, changed = 0;
	long long other;

	memset(&f, 0, sizeof f);
	if (!st) {
		free(name);
		return crm_stmt_status(crm);
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		dnc = sqlite3_column_int(st, 0);
		cur = crm_column_dup(st, 1);
	}
	sqlite3_reset(st);
	/* the name crm gave a contact made with none is no name */
	snprintf(label, sizeof label, "%s %s", ev->system, ev->object);
	if (cur && !strcmp(cur, label)) {
		free(cur);
		cur = NULL;
	}
	/* one half of a name replaces that half of the name crm has */
	if (!ev->v[T_NAME] && !(ev->v[T_FIRST] && ev->v[T_LAST]) && name && cur) {
		char *sp = strchr(cur, ' ');
		if (sp && ev->v[T_FIRST]) {
			char *s = xmalloc(strlen(name) + strlen(sp) + 1);
			strcpy(s, name);
			strcat(s, sp);
			free(name);
			name = s;
		} else if (sp && ev->v[T_LAST]) {
			*sp = '\0';
			char *s = xmalloc(strlen(cur) + strlen(name) + 2);
			sprintf(s, "%s %s", cur, name);
			free(name);
			name = s;
		}
	}
	const char *vals[3] = { name, dnc ? NULL : ev->v[T_EMAIL], dnc ? NULL : ev->v[T_PHONE] };
	const char *fields[3] = { "name", "email", "phone" };
	const int cf[3] = { CF_NAME, CF_EMAIL, CF_PHONE };
	for (int i = 0; i < 3 && !rc; i++) {
		if (!vals[i])
			continue;
		if ((rc = last_change(crm, id, fields[i], at)))
			break;
		if (*at && strcmp(ev->at, at) < 0) {
			(*stale)++;
			continue;
		}
		if (i) {
			struct event probe = { 0 };
			probe.v[i == 1 ? T_EMAIL : T_PHONE] = (char *)vals[i];
			if ((rc = owner(crm, &probe, &other)))
				break;
			if (other && other != id)
				continue;
		}
		f.v[cf[i]] = vals[i];
	}
	if (!rc && (f.v[CF_NAME] || f.v[CF_EMAIL] || f.v[CF_PHONE]))
		rc = crm_client_update(crm, id, &f, &changed);
	if (!rc && changed)
		rc = stamp(crm, id, ev);
	*n += changed;
	free(name);
	free(cur);
	return rc;
}

/* The stage the event's value maps to, unless it is older than the
 * stage's last change; *result says what became of it. */
static int stage(struct crm *crm, long long id, struct event *ev, const char **result)
{
	const char *to = stage_of(&crm->cfg, ev->v[T_STAGE]);
	char at[CRM_TIME_LEN], reason[64];
	int rc, moved = 0;

	if (!to) {
		*result = "ignored: a stage value sync.inbound.stages does not map";
		return 0;
	}
	if ((rc = last_change(crm, id, "stage", at)))
		return rc;
	if (*at && strcmp(ev->at, at) < 0) {
		*result = "stale";
		return 0;
	}
	snprintf(reason, sizeof reason, "%s (%s)", ev->system, ev->at);
	if ((rc = crm_client_set_stage(crm, &id, 1, to, reason, &moved, NULL)))
		return rc;
	*result = moved ? "applied" : "ignored: in that stage already";
	return 0;
}

static int inbox_has(struct crm *crm, const char *key, int *has)
{
	static const char sql[] = "SELECT 1 FROM sync_inbox WHERE key = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*has = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "sync apply");
}

static int inbox_put(struct crm *crm, const char *key, const char *result)
{
	static const char sql[] =
		"INSERT INTO sync_inbox (key, applied_at, result) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	char now[CRM_TIME_LEN];

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, result, -1, SQLITE_STATIC);
	return crm_exec_stmt(crm, st, "sync apply");
}

/* What the event does to its client. */
static int event_do(struct crm *crm, struct event *ev, const char **result)
{
	long long id;
	int rc, n = 0, stale = 0;

	if ((rc = linked(crm, ev->system, ev->object, &id)))
		return rc;
	if (!id && ev->person[0]) {
		/* a deal: its person's client */
		if ((rc = linked(crm, ev->system, ev->person, &id)))
			return rc;
		if (id && (rc = link(crm, ev->system, ev->object, id)))
			return rc;
	}
	if (!id && !strncmp(ev->object, "deal:", 5)) {
		*result = "ignored: a deal of no person crm knows";
		return 0;
	}
	if (!id) {
		if ((rc = create(crm, ev, &id)))
			return rc;
		n++;
	} else if (ev->act == ACT_CHANGE && (rc = identity(crm, id, ev, &n, &stale))) {
		return rc;
	}
	*result = n ? "applied" : stale ? "stale" : "ignored: no field sync.inbound.fields maps";
	if (ev->v[T_STAGE]) {
		const char *r;
		if ((rc = stage(crm, id, ev, &r)))
			return rc;
		if (!n || !strcmp(r, "applied"))
			*result = r;
	}
	return 0;
}

/* One event, the object json. */
static int apply_event(struct apply *a, const char *json)
{
	struct crm *crm = a->crm;
	struct event ev;
	const char *result;
	int rc, has = 0;

	memset(&ev, 0, sizeof ev);
	a->st->read++;
	if ((rc = crm_event_read(a, json, &ev)) || (rc = inbox_has(crm, ev.key, &has)))
		goto done;
	if (has) {
		a->st->duplicate++;
		goto done;
	}
	if (ev.act == ACT_IGNORE) {
		result = ev.why;
	} else if (!crm->cfg.inbound.nfields) {
		rc = crm_err(crm, CRM_CONFIG, "sync apply: sync.inbound.fields is not set: it maps"
		             " the fields of %s to crm's (see crm.yaml(5))", ev.system);
		goto done;
	} else if ((rc = crm_event_values(a, json, &ev)) || (rc = event_do(crm, &ev, &result))) {
		/* a value crm does not take (an email that is none): where */
		if (rc == CRM_DATAERR) {
			char msg[sizeof crm->err];
			snprintf(msg, sizeof msg, "%s", crm->err);
			crm_apply_bad(a, msg, NULL);
		}
		goto done;
	}
	if (!strcmp(result, "applied"))
		a->st->applied++;
	else if (!strcmp(result, "stale"))
		a->st->stale++;
	else
		a->st->ignored++;
	rc = inbox_put(crm, ev.key, result);
done:
	crm_event_free(&ev);
	return rc;
}

/* One JSON value, text[0..n): an event or an array of events. */
static int apply_value(struct apply *a, const char *text, size_t n)
{
	static const char type_sql[] = "SELECT json_valid(?1), json_type(?1)";
	static const char each_sql[] = "SELECT type, value FROM json_each(?1)";
	sqlite3_stmt *st = crm_stmt(a->crm, type_sql);
	char *type = NULL;
	int rc = 0, valid;

	if (!st)
		return crm_stmt_status(a->crm);
	sqlite3_bind_text(st, 1, text, (int)n, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		valid = sqlite3_column_int(st, 0);
		type = crm_column_dup(st, 1);
	} else {
		valid = 0;
	}
	sqlite3_reset(st);
	if (!valid) {
		free(type);
		return crm_apply_bad(a, "not JSON", NULL);
	}
	if (!strcmp(type, "object")) {
		char *one = xstrndup(text, n);
		rc = apply_event(a, one);
		free(one);
	} else if (!strcmp(type, "array")) {
		/* the elements first, for the statements an event runs */
		char **items = NULL, *doc = xstrndup(text, n);
		long k = 0;
		if (!(st = crm_stmt(a->crm, each_sql))) {
			rc = crm_stmt_status(a->crm);
		} else {
			sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
			while (!rc && sqlite3_step(st) == SQLITE_ROW) {
				a->item = k + 1;
				if (strcmp((const char *)sqlite3_column_text(st, 0), "object"))
					rc = crm_apply_bad(a, "not an object", NULL);
				items = xrealloc(items, (size_t)(k + 1) * sizeof *items);
				items[k++] = crm_column_dup(st, 1);
			}
			sqlite3_reset(st);
		}
		for (long i = 0; i < k; i++) {
			a->item = i + 1;
			if (!rc)
				rc = apply_event(a, items[i]);
			free(items[i]);
		}
		a->item = 0;
		free(items);
		free(doc);
	} else {
		rc = crm_apply_bad(a, "not an object or an array of objects", NULL);
	}
	free(type);
	return rc;
}

/* the input, whole, into *buf (owned) */
static int slurp(struct crm *crm, FILE *in, const char *name, char **buf, size_t *len)
{
	size_t cap = 0, n;
	char *b = NULL;

	*len = 0;
	do {
		if (cap - *len < 65536) {
			cap = cap ? cap * 2 : 131072;
			b = xrealloc(b, cap + 1);
		}
		n = fread(b + *len, 1, cap - *len, in);
		*len += n;
		if (*len > (size_t)APPLY_MAX) {
			free(b);
			return crm_err(crm, CRM_DATAERR, "%s: more than %ld MiB of events", name,
			               APPLY_MAX >> 20);
		}
	} while (n);
	if (ferror(in)) {
		free(b);
		return crm_err(crm, CRM_NOINPUT, "%s: cannot be read", name);
	}
	b[*len] = '\0';
	*buf = b;
	return 0;
}

/* the input checked: no NUL byte, UTF-8, no line too long */
static int input_check(struct apply *a, const char *b, size_t len)
{
	size_t bad_at = crm_utf8_check(b, len);
	const char *p = b, *nl;

	for (a->line = 1; p < b + len; a->line++, p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(b + len - p))))
			nl = b + len;
		if (memchr(p, '\0', (size_t)(nl - p)))
			return crm_apply_bad(a, "a NUL byte", NULL);
		if (bad_at && (size_t)(nl - b) >= bad_at)
			return crm_apply_bad(a, "not valid UTF-8", NULL);
		if (nl - p > APPLY_LINE_MAX)
			return crm_apply_bad(a, "a line longer than 1 MiB", NULL);
	}
	return 0;
}

/* the whole input as one value, or one value a line */
static int apply_all(struct apply *a, const char *b, size_t len)
{
	static const char valid_sql[] = "SELECT json_valid(?1)";
	sqlite3_stmt *st = crm_stmt(a->crm, valid_sql);
	size_t skip = strspn(b, " \t\r\n");
	int whole = 0, rc = 0;

	if (!st)
		return crm_stmt_status(a->crm);
	if (skip < len) {
		sqlite3_bind_text(st, 1, b, (int)len, SQLITE_STATIC);
		whole = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	if (whole) {
		a->line = 1;
		for (const char *p = b; p < b + skip; p++)
			a->line += *p == '\n';
		return apply_value(a, b + skip, len - skip);
	}
	a->line = 1;
	for (const char *p = b, *nl; !rc && p < b + len; a->line++, p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(b + len - p))))
			nl = b + len;
		size_t n = (size_t)(nl - p), s = 0;
		while (s < n && strchr(" \t\r", p[s]))
			s++;
		if (s < n)
			rc = apply_value(a, p + s, n - s);
	}
	return rc;
}

int crm_sync_apply(struct crm *crm, FILE *in, const char *name, int dry_run,
                   struct crm_apply_stats *st)
{
	struct apply a = { crm, name, 0, 0, st };
	char *buf = NULL;
	size_t len;
	int rc;

	memset(st, 0, sizeof *st);
	if ((rc = slurp(crm, in, name, &buf, &len)) || (rc = input_check(&a, buf, len)))
		goto done;
	if ((rc = crm_begin(crm)))
		goto done;
	crm->sync_inbound = 1;
	rc = apply_all(&a, buf, len);
	if (rc || dry_run)
		crm_rollback(crm);
	else
		rc = crm_commit(crm);
	crm->sync_inbound = 0;
done:
	if (rc)
		memset(st, 0, sizeof *st);
	free(buf);
	return rc;
}

