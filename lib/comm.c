/* comm.c: logging contact events, and what an event changes. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "catalog.h"
#include "change.h"
#include "client.h"
#include "input.h"
#include "comm.h"
#include "comm_bulk.h"
#include "dnc.h"
#include "lead.h"
#include "query.h"

const char *const crm_comm_kinds[] = {
	"email", "form", "fb_message", "call", "sms", "whatsapp", "meeting",
	"note", "marked_contacted", "unsubscribe", NULL
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

const char *const crm_comm_directions[] = { "out", "in", NULL };

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
	/* a contact on a channel of the config's own: never a note, which
	 * is no contact */
	return "marked_contacted";
}

/* a note is kept, and is no contact: it moves no contact time and no
 * stage, and promotes a lead without marking it contacted */
static int is_note(const char *kind)
{
	return !strcmp(kind, "note");
}

/* the owner asked never to be contacted again */
static int is_unsubscribe(const char *kind)
{
	return !strcmp(kind, "unsubscribe");
}

/* automation.stop_on_reply: a reply turns the bot off for its client,
 * with a history row; a person turns it on again */
static int stop_automation(struct crm *crm, long long id)
{
	static const char sql[] =
		"UPDATE clients SET automation_enabled = ?2, updated_at = ?3"
		" WHERE id = ?1 AND automation_enabled";

	return crm_client_set_column(crm, id, sql, "0", CHANGE_CLIENT_AUTOMATION, "automation_enabled",
	                             "1", "0", "reply received");
}

/* Move the client from stage index *at to stage `to` when *at is one of
 * the first `below` stages, comes before `to`, and is not terminal; *at
 * follows. */
static int advance_stage(struct crm *crm, long long id, int *at, const char *to,
                         int below, const char *why)
{
	const struct crm_strlist *st = &crm->cfg.stages;
	int target = -1, rc;

	for (int i = 0; i < st->n && target < 0; i++)
		if (!strcmp(st->v[i], to))
			target = i;
	if (*at < 0 || target < 0 || *at >= target || *at >= below ||
	    crm_config_is_terminal(&crm->cfg, st->v[*at]))
		return 0;   /* a terminal stage is closed: only a person moves it out */
	if ((rc = crm_client_move(crm, id, st->v[*at], to, why)))
		return rc;
	*at = target;
	return 0;
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

/* An event checked, in the form it is stored. */
struct row {
	const char *kind, *status, *source;
	int inbound;
	long long op;            /* 0: none named, any that knows the owner */
	char at[CRM_TIME_LEN], now[CRM_TIME_LEN];
	long long at_epoch;
	char *subject, *body;    /* in NFC (owned) */
};

/* Step 1: every field checked, before the database is touched. */
static int event_check(struct crm *crm, const struct crm_event *ev, struct row *r)
{
	const char *dir = ev->direction ? ev->direction : "out";
	int rc;

	memset(r, 0, sizeof *r);
	r->op = crm->operator_id;
	if ((rc = event_utf8(crm, ev)))
		return rc;
	if (!ev->channel)
		return crm_err(crm, CRM_DATAERR, "channel: missing");
	if (crm_channel_check(crm, ev->channel))
		return CRM_DATAERR;
	if (!crm_in_set(dir, crm_comm_directions))
		return crm_not_in_set(crm, "direction", dir, "not a direction", crm_comm_directions);
	r->inbound = dir[0] == 'i';
	if (!(r->kind = event_kind(ev)))
		return crm_not_in_set(crm, "kind", ev->kind, "not a known kind", crm_comm_kinds);
	if (ev->status && !(r->status = crm_in_set(ev->status, crm_comm_statuses)))
		return crm_not_in_set(crm, "status", ev->status, "not a known status",
		                      crm_comm_statuses);
	if (!ev->status)
		r->status = r->inbound ? "received" : !strcmp(r->kind, "marked_contacted") ||
		            is_note(r->kind) || is_unsubscribe(r->kind) ? "logged" : "sent";
	if (!(r->source = ev->source ? crm_in_set(ev->source, sources) : "manual"))
		return crm_not_in_set(crm, "source", ev->source, "not a known source", sources);
	crm_now(r->now);
	if (!ev->at)
		memcpy(r->at, r->now, sizeof r->at);
	else if (crm_time_parse(ev->at, r->at))
		return crm_err(crm, CRM_DATAERR, "at '%s': not a time (use %s)", ev->at,
		               CRM_TIME_FORMS);
	crm_time_to_epoch(r->at, &r->at_epoch);
	if (ev->operator_id && (crm_parse_int(ev->operator_id, &r->op) || r->op < 1))
		return crm_err(crm, CRM_DATAERR, "operator_id '%s': not an id", ev->operator_id);
	if ((rc = crm_text(crm, "subject", ev->subject ? ev->subject : "", &r->subject)))
		return rc;
	return crm_text(crm, "body", ev->body ? ev->body : "", &r->body);
}

/* Step 2, find or dedupe: the event's client (*id; a lead is promoted at
 * its first contact), or *dup when its external_id is stored already.
 * A re-sent event is a duplicate before anything is changed for it, even
 * when who it names has changed since: when its client is found, the
 * insert tells; when no one is found, or a lead would be promoted, the
 * stored events are asked first. */
static int event_owner(struct crm *crm, const struct crm_event *ev, const struct row *r,
                       long long *id, int *dup)
{
	long long lead = 0;
	int rc, created;

	rc = crm_event_owner(crm, ev, r->op, id, &lead);
	if (*id)
		return rc;
	if (ev->external_id && (!rc || rc == CRM_DATAERR || rc == CRM_NOTFOUND)) {
		int found = rc;
		if ((rc = comm_stored(crm, ev->external_id, dup)) || *dup)
			return rc;
		rc = found;
	}
	if (rc)
		return rc;
	/* first contact: the lead becomes a client (a reply leaves the lead's
	 * status as it is) */
	return crm_lead_promote(crm, lead, NULL, ev->channel,
	                        r->inbound || is_note(r->kind) ? NULL : "contacted", id, &created);
}

/* Step 3: the communication itself; *dup when the insert found its
 * external_id stored. */
static int event_insert(struct crm *crm, const struct crm_event *ev, const struct row *r,
                        long long id, int *dup)
{
	static const char ins[] =
		"INSERT INTO communications (client_id, channel, direction, kind,"
		" status, subject, body, occurred_at, source, external_id, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (external_id) DO NOTHING";
	sqlite3_stmt *st = crm_stmt(crm, ins);

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ev->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->inbound ? "in" : "out", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->status, -1, SQLITE_STATIC);
	crm_bind_text(st, 6, r->subject);
	crm_bind_text(st, 7, r->body);
	sqlite3_bind_text(st, 8, r->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->source, -1, SQLITE_STATIC);
	crm_bind_text(st, 10, ev->external_id);
	sqlite3_bind_text(st, 11, r->now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return sqlite3_extended_errcode(crm->db) == SQLITE_CONSTRAINT_FOREIGNKEY ?
			crm_err(crm, CRM_DATAERR, "client %lld: not found", id) :
			crm_sqlerr(crm, "comm log");
	if ((*dup = !sqlite3_changes(crm->db)))
		return 0;
	char client[24];
	snprintf(client, sizeof client, "%lld", id);
	return crm_change(crm, &(struct crm_change){ CHANGE_COMM_LOGGED,
		sqlite3_last_insert_rowid(crm->db), r->inbound ? "in" : "out", ev->channel,
		client, r->subject });
}

/* Step 4, what the event changes, unless it is a note: an outbound touch
 * to a client that is not due is a violation (automation.h), and is
 * counted; a reply stops automation and moves a client still before
 * pipeline.on_reply to it; a first contact moves a client of the first
 * stage to pipeline.on_first_contact; the client's contact time moves
 * forward.  In a batch, the client's slot saves the lookups and writes of
 * each event after its first. */
static int event_effects(struct crm *crm, const struct crm_event *ev, const struct row *r,
                         long long id)
{
	struct client_state cs;
	struct bulk_slot *b;
	int rc = 0, stage, touch = crm_is_touch(r->inbound, r->kind), violated = 0;

	b = comm_bulk_slot(id);
	if (b && b->known)
		comm_slot_get(crm, b, &cs);
	else if ((rc = comm_client_state(crm, id, &cs)))
		return rc;
	/* nothing of a forgotten person is stored again */
	if (cs.a.status && !strcmp(cs.a.status, "forgotten"))
		return crm_err(crm, CRM_DATAERR, "client %lld: forgotten; nothing is logged for it",
		               id);
	if (is_note(r->kind))
		return 0;
	stage = cs.stage;
	if (touch && (rc = crm_auto_touch_check(crm, id, &cs.a, r->at_epoch, ev->strict,
	                                        !(b && b->violated), &violated)))
		return rc;
	/* who asked to be left alone, or whose address bounced, is on
	 * do-not-contact at once: a later event of the batch sees it */
	const char *stop = is_unsubscribe(r->kind) ? "unsubscribe" :
	                   !r->inbound && !strcmp(r->status, "bounced") &&
	                   crm->cfg.automation.bounce_to_dnc ? "bounced" : NULL;
	if (stop) {
		if ((rc = crm_dnc_client_add(crm, id, stop)))
			return rc;
		cs.a.dnc = 1;
	}
	if (r->inbound && crm->cfg.automation.stop_on_reply && !(b && b->stopped) &&
	    (rc = stop_automation(crm, id)))
		return rc;
	if (r->inbound && crm->cfg.on_reply && !is_unsubscribe(r->kind)) {
		int below = crm->cfg.stages.n;
		for (int i = 0; i < crm->cfg.stages.n; i++)
			if (!strcmp(crm->cfg.stages.v[i], crm->cfg.on_reply))
				below = i;
		rc = advance_stage(crm, id, &stage, crm->cfg.on_reply, below, "reply received");
	} else if (!r->inbound && strcmp(r->status, "failed") && crm->cfg.on_first_contact) {
		rc = advance_stage(crm, id, &stage, crm->cfg.on_first_contact, 1, "first contact");
	}
	if (rc)
		return rc;
	if (!b && touch)
		return comm_touch_count(crm, id, 1, r->at_epoch, ev->channel,
		                        r->at_epoch >= cs.a.last_touch,
		                        r->at_epoch > cs.contacted ? r->at_epoch : -1);
	if (!b)
		return comm_touch_client(crm, id, r->inbound, r->at_epoch);
	/* last, once nothing can fail: a record undone leaves the slot as
	 * the database is */
	cs.stage = stage;
	comm_slot_update(crm, b, &cs, r->inbound, touch, r->at_epoch, ev->channel, violated);
	return 0;
}

int crm_comm_log(struct crm *crm, const struct crm_event *ev,
                 enum crm_logged *outcome, long long *client_out)
{
	struct row r;
	long long id = 0;
	int rc, own, dup = 0;

	*outcome = LOGGED_NEW;
	if (!(rc = event_check(crm, ev, &r)) && !(rc = crm_tx_begin(crm, &own))) {
		if (!(rc = event_owner(crm, ev, &r, &id, &dup)) && !dup &&
		    !(rc = event_insert(crm, ev, &r, id, &dup)) && !dup)
			rc = event_effects(crm, ev, &r, id);
		rc = crm_tx_end(crm, own, rc);
	}
	if (!rc && dup)
		*outcome = LOGGED_DUPLICATE;
	if (client_out)
		*client_out = rc || dup ? 0 : id;
	free(r.subject);
	free(r.body);
	return rc;
}

/* The fields of an event on stdin (DESIGN.md sec. 6), what --map may
 * name; and where each goes in struct crm_event, in the same order. */
static const char *const event_fields[] = {
	"client_id", "lead_id", "email", "phone", "source_url", "listing_hash", "channel",
	"direction", "kind", "status", "subject", "body", "at", "external_id", "operator_id",
	"source", NULL
};
#define EV(f) offsetof(struct crm_event, f)
static const size_t event_offsets[] = {
	EV(client_id), EV(lead_id), EV(email), EV(phone), EV(source_url), EV(listing_hash),
	EV(channel), EV(direction), EV(kind), EV(status), EV(subject), EV(body), EV(at),
	EV(external_id), EV(operator_id), EV(source),
};
#define NEVENT_FIELDS (sizeof event_offsets / sizeof event_offsets[0])

static int event_field(const char *key)
{
	return crm_in_set(key, event_fields) != NULL;
}

static const char *const *map_fields(void)
{
	return event_fields;
}

void crm_event_from_record(const struct crm_record *rec, struct crm_event *ev)
{
	memset(ev, 0, sizeof *ev);
	for (size_t i = 0; i < NEVENT_FIELDS; i++)
		*(const char **)((char *)ev + event_offsets[i]) = record_get(rec, event_fields[i]);
}

static int log_record(struct crm *crm, const struct crm_record *rec,
                      void *arg, int *outcome)
{
	struct crm_event ev;
	enum crm_logged logged;
	int rc;

	crm_event_from_record(rec, &ev);
	if (!ev.source)
		ev.source = "bot";
	ev.strict = arg && *(const int *)arg;
	rc = crm_comm_log(crm, &ev, &logged, NULL);
	*outcome = (int)logged;
	return rc;
}

const struct crm_importer crm_comm_importer = {
	/* a million events touch the pages of the clients' four contact
	 * indexes: 64 MiB of page cache */
	log_record, event_field, "client_id, lead_id, email, phone, source_url, channel, ...", 64,
	event_field, map_fields, NULL, 0
};


int crm_comm_list(struct crm *crm, const struct crm_comm_filter *flt,
                  struct printer *pr)
{
	struct pcol cols[CRM_CATALOG_MAX];
	struct query q;
	int n = crm_entity_query(&crm_comms, flt->wide ? CAT_WIDE : CAT_NARROW, &q, cols), rc;

	if (flt->client_id)
		query_where_int(&q, "m.client_id = ?", flt->client_id);
	query_where_in(&q, "m.channel IN (?)", flt->channel, 0);
	query_where_in(&q, "m.direction IN (?)", flt->direction, 0);
	query_where_text(&q, "m.occurred_at >= ?", flt->since);
	query_where_text(&q, "m.occurred_at < ?", flt->until);
	query_add(&q, " ORDER BY m.occurred_at DESC, m.id DESC");
	q.offset = flt->offset;
	rc = query_print(crm, &q, flt->limit, pr, cols, n, "comm list");
	query_free(&q);
	return rc;
}
