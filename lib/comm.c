/* comm.c: logging contact events, and what an event changes. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "input.h"
#include "comm.h"
#include "lead.h"
#include "query.h"

const char *const crm_comm_kinds[] = {
	"email", "form", "fb_message", "call", "sms", "whatsapp", "meeting",
	"note", "marked_contacted", NULL
};

/* the bot's names for what it did */
static const struct { const char *alias, *kind; } kind_aliases[] = {
	{ "email_sent", "email" },
	{ "form_submitted", "form" },
	{ "fb_message_sent", "fb_message" },
};

/* the kind an event has when it names none, by channel */
static const struct { const char *channel, *kind; } channel_kinds[] = {
	{ "email", "email" }, { "form", "form" }, { "fb", "fb_message" },
	{ "phone", "call" }, { "sms", "sms" }, { "whatsapp", "whatsapp" },
};

const char *const crm_comm_statuses[] = {
	"sent", "delivered", "failed", "bounced", "received", "logged", NULL
};

static const char *const sources[] = { "bot", "manual", "sync", "import", NULL };

static const char *event_kind(const struct crm_event *ev)
{
	if (ev->kind) {
		for (size_t i = 0; i < sizeof kind_aliases / sizeof *kind_aliases; i++)
			if (!strcmp(ev->kind, kind_aliases[i].alias))
				return kind_aliases[i].kind;
		return crm_in_set(ev->kind, crm_comm_kinds);
	}
	for (size_t i = 0; i < sizeof channel_kinds / sizeof *channel_kinds; i++)
		if (!strcmp(ev->channel, channel_kinds[i].channel))
			return channel_kinds[i].kind;
	return "note";
}

/* In a batch, the newest contact times of each client are kept here and
 * written once per client before the batch commits, rather than once per
 * event.  The table has a fixed size: once half full, further clients
 * are written at once, so memory does not grow with the input. */
#define BULK_SLOTS (1 << 18)
#define BULK_FULL (BULK_SLOTS / 2)

struct bulk_slot {
	long long id;                 /* 0: empty */
	long long out, in;            /* newest outbound and inbound, epoch + 1; 0: none */
};

static struct bulk_slot *bulk;
static int bulk_used;

void crm_comm_bulk(struct crm *crm)
{
	(void)crm;
	if (!bulk) {
		bulk = xmalloc(BULK_SLOTS * sizeof *bulk);
		memset(bulk, 0, BULK_SLOTS * sizeof *bulk);
		bulk_used = 0;
	}
}

static const char out_sql[] =
	"UPDATE clients SET last_contacted_at = ?2, updated_at = ?3"
	" WHERE id = ?1 AND (last_contacted_at IS NULL OR last_contacted_at < ?2)";
static const char in_sql[] =
	"UPDATE clients SET last_interaction_at = ?2, updated_at = ?3"
	" WHERE id = ?1 AND (last_interaction_at IS NULL OR last_interaction_at < ?2)";

/* move a client's last contact time forward (never back) */
static int touch_client(struct crm *crm, long long id, int inbound, const char *at)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, inbound ? in_sql : out_sql);

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	return crm_exec_stmt(crm, st, "comm log");
}

int crm_comm_bulk_flush(struct crm *crm)
{
	int rc = 0;

	if (!bulk)
		return 0;
	char at[CRM_TIME_LEN];

	for (size_t i = 0; i < BULK_SLOTS; i++) {
		struct bulk_slot *b = &bulk[i];
		if (!b->id)
			continue;
		if (!rc && b->out) {
			crm_time_from_epoch(b->out - 1, at);
			rc = touch_client(crm, b->id, 0, at);
		}
		if (!rc && b->in) {
			crm_time_from_epoch(b->in - 1, at);
			rc = touch_client(crm, b->id, 1, at);
		}
		b->id = 0;
	}
	bulk_used = 0;
	return rc;
}

void crm_comm_bulk_end(void)
{
	free(bulk);
	bulk = NULL;
}

/* Remember the time for the client, written out before the commit.  A
 * client that finds the table full is written at once: the table is
 * never written out in the middle of a record, whose savepoint (with a
 * reject file) could undo what it wrote for the others. */
static int bulk_touch(struct crm *crm, long long id, int inbound, const char *at)
{
	size_t h = ((unsigned long long)id * 11400714819323198485ULL) >> 46;
	struct bulk_slot *b;
	long long t;

	while (bulk[h].id && bulk[h].id != id)
		h = (h + 1) & (BULK_SLOTS - 1);
	b = &bulk[h];
	if (!b->id) {
		if (bulk_used >= BULK_FULL)
			return touch_client(crm, id, inbound, at);
		b->id = id;
		b->out = b->in = 0;
		bulk_used++;
	}
	if (crm_time_to_epoch(at, &t))
		return crm_err(crm, CRM_SOFTWARE, "comm log: time '%s'", at);
	t++;
	if (inbound && t > b->in)
		b->in = t;
	else if (!inbound && t > b->out)
		b->out = t;
	return 0;
}

/* A client by what the event knows of it, within the operator (0: any);
 * ops as crm_lookup_owned gives them. */
static int client_by(struct crm *crm, const char *by, const char *value,
                     long long op, long long *id, long long ops[2])
{
	static const char by_email[] =
		"SELECT id, operator_id FROM clients WHERE email_norm = ?2 AND operator_id IN"
		" (SELECT id FROM operators WHERE ?1 = 0 OR id = ?1)";
	static const char by_phone[] =
		"SELECT id, operator_id FROM clients WHERE phone_norm = ?2 AND operator_id IN"
		" (SELECT id FROM operators WHERE ?1 = 0 OR id = ?1)";
	static const char by_url[] =
		"SELECT client_id, c.operator_id FROM client_listings l"
		" JOIN clients c ON c.id = l.client_id"
		" WHERE l.source_url = ?2 AND (?1 = 0 OR c.operator_id = ?1)"
		" UNION ALL SELECT id, operator_id FROM clients"
		" WHERE source_url = ?2 AND (?1 = 0 OR operator_id = ?1)";
	static const char by_hash[] =
		"SELECT client_id, c.operator_id FROM client_listings l"
		" JOIN clients c ON c.id = l.client_id"
		" WHERE l.listing_hash = ?2 AND (?1 = 0 OR c.operator_id = ?1)";
	const char *sql = !strcmp(by, "email") ? by_email :
	                  !strcmp(by, "phone") ? by_phone :
	                  !strcmp(by, "source_url") ? by_url : by_hash;

	return crm_lookup_owned(crm, sql, op, value, id, ops, "comm log");
}

/* A client, else a lead, known by field `by` = v: in operator op, or,
 * with op 0 (neither the event nor crm names one), in whichever operator
 * knows it; clients (or leads) of two operators make the event
 * ambiguous. */
static int who_by(struct crm *crm, const char *by, const char *v, long long op,
                  long long *client, long long *lead)
{
	long long ops[2];
	int rc;

	*lead = 0;
	if ((rc = client_by(crm, by, v, op, client, ops)))
		return rc;
	if (!*client && (rc = crm_lead_find(crm, by, v, op, lead, ops)))
		return rc;
	if (ops[1])
		return crm_err(crm, CRM_DATAERR, "%s '%s': known to operators %lld and %lld;"
		               " give operator_id", by, v, ops[0] < ops[1] ? ops[0] : ops[1],
		               ops[0] < ops[1] ? ops[1] : ops[0]);
	return 0;
}

/* Who the event is about: client_id, lead_id (the source's id, else
 * crm's own), then email, phone, source_url and listing_hash, each tried
 * in turn until one matches a client (*id) or a lead (*lead, which the
 * caller promotes: first contact). */
static int find_client(struct crm *crm, const struct crm_event *ev,
                       long long op, long long *id, long long *lead_out)
{
	static const char *const by[] = { "email", "phone", "source_url", "listing_hash" };
	const char *vals[] = { ev->email, ev->phone, ev->source_url, ev->listing_hash };
	long long n, lead = 0;
	char *norm = NULL;
	int rc;

	*id = *lead_out = 0;
	if (ev->client)
		return crm_client_resolve(crm, ev->client, id);
	if (ev->client_id) {
		if (crm_parse_int(ev->client_id, &n) || n < 1)
			return crm_err(crm, CRM_DATAERR, "client_id '%s': not an id", ev->client_id);
		*id = n; /* whether it exists, the stage lookup tells */
		return 0;
	}
	if (ev->lead_id) {
		if ((rc = crm_lead_resolve_source(crm, ev->lead_id, &lead)))
			return rc == CRM_NOTFOUND ?
				crm_err(crm, CRM_DATAERR, "lead '%s': not found", ev->lead_id) : rc;
	}
	for (int i = 0; !lead && i < 4; i++) {
		if (!vals[i])
			continue;
		const char *v = vals[i];
		free(norm);
		norm = NULL;
		if (i < 2 && (rc = crm_owner_value(crm, by[i], vals[i], i, NULL, &norm)))
			goto cleanup;
		if (norm)
			v = norm;
		if ((rc = who_by(crm, by[i], v, op, id, &lead)) || *id)
			goto cleanup;
		/* no one by this field: the next one given may know */
	}
	if (!lead)
		rc = crm_err(crm, CRM_DATAERR, "no client or lead matches the event");
	*lead_out = lead;
cleanup:
	free(norm);
	return rc;
}

/* Whether an event with this external_id is stored already (*dup). */
static int comm_stored(struct crm *crm, const char *external_id, int *dup)
{
	static const char sql[] = "SELECT 1 FROM communications WHERE external_id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*dup = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		*dup = 1;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "comm log");
}

/* The client's stage (into stage); CRM_DATAERR when there is no such
 * client. */
/* the client's stage (owned, into *stage) */
static int client_stage(struct crm *crm, long long id, char **stage)
{
	static const char sql[] = "SELECT stage FROM clients WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*stage = crm_column_dup(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_DATAERR, "client %lld: not found", id);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "comm log");
}

/* automation.stop_on_reply: a reply turns the bot off for its client,
 * with a history row; a person turns it on again */
static int stop_automation(struct crm *crm, long long id)
{
	static const char sql[] =
		"UPDATE clients SET automation_enabled = ?2, updated_at = ?3"
		" WHERE id = ?1 AND automation_enabled";

	if (!crm->cfg.automation.stop_on_reply)
		return 0;
	return crm_client_set_column(crm, id, sql, "0", "automation", "automation_enabled",
	                             "1", "0", "reply received");
}

/* Move the client from stage to `to` when stage is one of the first
 * `below` stages of the pipeline and comes before `to`. */
static int advance_stage(struct crm *crm, long long id, const char *stage,
                         const char *to, int below, const char *why)
{
	int at = -1, target = -1;

	if (crm_config_is_terminal(&crm->cfg, stage))
		return 0;   /* closed: only a person moves it out */
	for (int i = 0; i < crm->cfg.stages.n; i++) {
		if (!strcmp(crm->cfg.stages.v[i], stage))
			at = i;
		if (!strcmp(crm->cfg.stages.v[i], to))
			target = i;
	}
	if (at < 0 || target < 0 || at >= target || at >= below)
		return 0;
	return crm_client_move(crm, id, stage, to, why);
}

/* Every text of the event is UTF-8: no byte of it is lost or changed
 * when it is printed again. */
static int event_utf8(struct crm *crm, const struct crm_event *ev)
{
	const char *const v[] = {
		ev->client, ev->client_id, ev->lead_id, ev->email, ev->phone,
		ev->source_url, ev->listing_hash, ev->channel, ev->direction,
		ev->kind, ev->status, ev->subject, ev->body, ev->at,
		ev->external_id, ev->operator_id, ev->source,
	};
	static const char *const names[] = {
		"client", "client_id", "lead_id", "email", "phone", "source_url",
		"listing_hash", "channel", "direction", "kind", "status", "subject",
		"body", "at", "external_id", "operator_id", "source",
	};
	size_t bad;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] && (bad = crm_utf8_check(v[i], strlen(v[i]))))
			return crm_err(crm, CRM_DATAERR, "%s: not valid UTF-8 (byte %zu)",
			               names[i], bad);
	return 0;
}

int crm_comm_log(struct crm *crm, const struct crm_event *ev,
                 enum crm_logged *outcome, long long *client_out)
{
	static const char ins[] =
		"INSERT INTO communications (client_id, channel, direction, kind,"
		" status, subject, body, occurred_at, source, external_id, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (external_id) DO NOTHING";
	const char *kind, *status, *source, *dir = ev->direction ? ev->direction : "out";
	char at[CRM_TIME_LEN], now[CRM_TIME_LEN], *stage = NULL;
	char *subject = NULL, *body = NULL;
	/* 0: no operator named, any that knows who the event is about */
	long long op = crm->operator_id, id = 0, lead = 0;
	int rc, own, inbound, dup = 0, created;
	sqlite3_stmt *st;

	*outcome = LOGGED_NEW;
	if ((rc = event_utf8(crm, ev)))
		return rc;
	if (!ev->channel)
		return crm_err(crm, CRM_DATAERR, "channel: missing");
	if (!crm_config_has_channel(&crm->cfg, ev->channel))
		return crm_err(crm, CRM_DATAERR, "channel '%s': not a configured channel",
		               ev->channel);
	if (strcmp(dir, "out") && strcmp(dir, "in"))
		return crm_err(crm, CRM_DATAERR, "direction '%s': not out or in", dir);
	inbound = dir[0] == 'i';
	if (!(kind = event_kind(ev)))
		return crm_err(crm, CRM_DATAERR, "kind '%s': not a known kind", ev->kind);
	if (ev->status) {
		if (!(status = crm_in_set(ev->status, crm_comm_statuses)))
			return crm_err(crm, CRM_DATAERR, "status '%s': not a known status",
			               ev->status);
	} else {
		status = inbound ? "received" : !strcmp(kind, "marked_contacted") ||
		         !strcmp(kind, "note") ? "logged" : "sent";
	}
	source = ev->source ? crm_in_set(ev->source, sources) : "manual";
	if (!source)
		return crm_err(crm, CRM_DATAERR, "source '%s': not bot, manual, sync or import",
		               ev->source);
	crm_now(now);
	if (ev->at) {
		if (crm_time_parse(ev->at, at))
			return crm_err(crm, CRM_DATAERR, "at '%s': not a date or time", ev->at);
	} else {
		memcpy(at, now, sizeof at);
	}
	if (ev->operator_id && (crm_parse_int(ev->operator_id, &op) || op < 1))
		return crm_err(crm, CRM_DATAERR, "operator_id '%s': not an id", ev->operator_id);

	if ((rc = crm_text(crm, "subject", ev->subject ? ev->subject : "", &subject)) ||
	    (rc = crm_text(crm, "body", ev->body ? ev->body : "", &body)))
		goto cleanup;
	if ((rc = crm_tx_begin(crm, &own)))
		goto cleanup;
	/* A re-sent event is a duplicate before anything is changed for it,
	 * even when who it names has changed since.  When its client is
	 * found, the insert itself tells a stored external_id; when no one
	 * is found, or a lead would be promoted, it is looked up first. */
	rc = find_client(crm, ev, op, &id, &lead);
	if ((!rc || rc == CRM_DATAERR || rc == CRM_NOTFOUND) && !id && ev->external_id) {
		int found = rc;
		if ((rc = comm_stored(crm, ev->external_id, &dup)))
			goto done;
		rc = dup ? 0 : found;
	}
	if (rc || dup)
		goto done;
	/* first contact: the lead becomes a client */
	if (!id && (rc = crm_lead_promote(crm, lead, NULL, ev->channel,
	                                  inbound ? NULL : "contacted", &id, &created)))
		goto done;
	if (!(st = crm_stmt(crm, ins))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ev->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, inbound ? "in" : "out", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
	crm_bind_text(st, 6, subject);
	crm_bind_text(st, 7, body);
	sqlite3_bind_text(st, 8, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, source, -1, SQLITE_STATIC);
	crm_bind_text(st, 10, ev->external_id);
	sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(crm->db) == SQLITE_CONSTRAINT_FOREIGNKEY ?
			crm_err(crm, CRM_DATAERR, "client %lld: not found", id) :
			crm_sqlerr(crm, "comm log");
		goto done;
	}
	if ((dup = !sqlite3_changes(crm->db)) ||
	    (rc = client_stage(crm, id, &stage)))
		goto done;
	if (inbound && (rc = stop_automation(crm, id)))
		goto done;
	if (inbound && crm->cfg.on_reply) {
		/* a reply moves a client still before on_reply to it */
		int below = crm->cfg.stages.n;
		for (int i = 0; i < crm->cfg.stages.n; i++)
			if (!strcmp(crm->cfg.stages.v[i], crm->cfg.on_reply))
				below = i;
		rc = advance_stage(crm, id, stage, crm->cfg.on_reply, below, "reply received");
	} else if (!inbound && strcmp(status, "failed") && crm->cfg.on_first_contact) {
		/* a first contact moves a client of the first stage on */
		rc = advance_stage(crm, id, stage, crm->cfg.on_first_contact, 1, "first contact");
	}
	/* last: nothing after it can fail and leave a remembered time behind */
	if (!rc)
		rc = bulk ? bulk_touch(crm, id, inbound, at) : touch_client(crm, id, inbound, at);
done:
	rc = crm_tx_end(crm, own, rc);
	if (!rc && dup)
		*outcome = LOGGED_DUPLICATE;
cleanup:
	free(stage);
	free(subject);
	free(body);
	if (client_out)
		*client_out = rc || dup ? 0 : id;
	return rc;
}

/* The fields of an event on stdin (DESIGN.md sec. 6), and where each
 * goes in struct crm_event. */
#define EV(f) offsetof(struct crm_event, f)
static const struct { const char *name; size_t off; } event_fields[] = {
	{ "client_id", EV(client_id) }, { "lead_id", EV(lead_id) },
	{ "email", EV(email) }, { "phone", EV(phone) },
	{ "source_url", EV(source_url) }, { "listing_hash", EV(listing_hash) },
	{ "channel", EV(channel) }, { "direction", EV(direction) },
	{ "kind", EV(kind) }, { "status", EV(status) },
	{ "subject", EV(subject) }, { "body", EV(body) }, { "at", EV(at) },
	{ "external_id", EV(external_id) }, { "operator_id", EV(operator_id) },
	{ "source", EV(source) },
};
#define NEVENT_FIELDS (sizeof event_fields / sizeof event_fields[0])

static int event_field(const char *key)
{
	for (size_t i = 0; i < NEVENT_FIELDS; i++)
		if (!strcmp(event_fields[i].name, key))
			return 1;
	return 0;
}

static int log_record(struct crm *crm, const struct crm_record *rec,
                      void *arg, int *outcome)
{
	struct crm_event ev = { 0 };
	enum crm_logged logged;
	int rc;

	(void)arg;
	for (size_t i = 0; i < NEVENT_FIELDS; i++)
		*(const char **)((char *)&ev + event_fields[i].off) =
			record_get(rec, event_fields[i].name);
	if (!ev.source)
		ev.source = "bot";
	rc = crm_comm_log(crm, &ev, &logged, NULL);
	*outcome = (int)logged;
	return rc;
}

const struct crm_importer crm_comm_importer = {
	/* a million events touch the pages of the clients' four contact
	 * indexes: 64 MiB of page cache */
	log_record, event_field, "client_id, lead_id, email, phone, source_url, channel, ...", 64
};

int crm_comm_list(struct crm *crm, const struct crm_comm_filter *flt,
                  struct printer *pr)
{
	static const struct pcol cols[] = {
		{ "id", COL_INT }, { "client_id", COL_INT }, { "occurred_at", COL_TEXT },
		{ "channel", COL_TEXT }, { "direction", COL_TEXT }, { "kind", COL_TEXT },
		{ "status", COL_TEXT }, { "subject", COL_TEXT }, { "body", COL_TEXT },
		{ "source", COL_TEXT }, { "external_id", COL_TEXT },
		{ "created_at", COL_TEXT },
	};
	struct query q;
	int rc;

	query_init(&q, "SELECT m.id, m.client_id, m.occurred_at, m.channel,"
	           " m.direction, m.kind, m.status, m.subject, m.body, m.source,"
	           " m.external_id, m.created_at FROM communications m");
	if (flt->client_id) {
		query_where(&q, "m.client_id = ?");
		query_bind_int(&q, flt->client_id);
	}
	if (flt->channel) {
		query_where(&q, "m.channel = ?");
		query_bind_text(&q, flt->channel);
	}
	if (flt->direction) {
		query_where(&q, "m.direction = ?");
		query_bind_text(&q, flt->direction);
	}
	if (flt->since) {
		query_where(&q, "m.occurred_at >= ?");
		query_bind_text(&q, flt->since);
	}
	if (flt->until) {
		query_where(&q, "m.occurred_at < ?");
		query_bind_text(&q, flt->until);
	}
	query_add(&q, " ORDER BY m.occurred_at DESC, m.id DESC");
	rc = query_print(crm, &q, flt->limit, pr, cols,
	                 (int)(sizeof cols / sizeof cols[0]), "comm list");
	query_free(&q);
	return rc;
}
