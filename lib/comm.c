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

/* In a batch, what crm knows of each client it has logged an event for
 * is kept here: its newest contact times, written once per client before
 * the batch commits rather than once per event; its stage; whether a
 * reply has stopped its automation.  The batch holds the write lock, so
 * no one else changes them meanwhile.  The table has a fixed size: once
 * half full, further clients are looked up and written at once, so
 * memory does not grow with the input. */
#define BULK_SLOTS (1 << 18)
#define BULK_FULL (BULK_SLOTS / 2)

/* What an event reads of its client: its stage, as its index in the
 * pipeline (-1: a stage the pipeline no longer has), what the automation
 * rules read (its touches as stored, and those of the batch so far), and
 * its last outbound contact as stored (epoch, -1: none). */
struct client_state {
	int stage;
	long long contacted;
	struct crm_auto_client a;
};

/* A slot keeps a client_state as small as it goes (64 bytes): its
 * times as seconds from 2000 (0: none), good until 2136. */
struct bulk_slot {
	long long id;                 /* 0: empty */
	long long out, in;            /* newest outbound and inbound, epoch + 1; 0: none */
	unsigned touch_at;            /* newest outbound touch of the batch */
	unsigned paused_until, last_touch, contacted;   /* of the client_state */
	int touches;                  /* stored and the batch's */
	int new_touches;              /* the batch's */
	short stage;
	signed char touch_ch;         /* the channel of touch_at, in channels */
	unsigned char known;          /* the state read */
	unsigned char stopped;        /* automation stopped by a reply */
	unsigned char violated;       /* a violation notification written */
	unsigned char enabled, dnc;
	unsigned char status;         /* in crm_client_statuses; 255: another */
};
_Static_assert(sizeof(struct bulk_slot) <= 64, "a bulk slot is 64 bytes at most");

#define Y2000 946684800LL

static unsigned pack_time(long long t)
{
	if (t < 0)
		return 0;
	if (t < Y2000)
		return 1;
	return t - Y2000 + 1 >= 0xffffffffLL ? 0xffffffffu : (unsigned)(t - Y2000 + 1);
}

static long long unpack_time(unsigned u)
{
	return u ? Y2000 + (long long)u - 1 : -1;
}

/* the client_state a slot keeps, and back */
static void slot_get(const struct crm *crm, const struct bulk_slot *b, struct client_state *cs)
{
	cs->stage = b->stage;
	cs->contacted = unpack_time(b->contacted);
	cs->a.enabled = b->enabled;
	cs->a.paused_until = unpack_time(b->paused_until);
	cs->a.stage = b->stage >= 0 ? crm->cfg.stages.v[b->stage] : NULL;
	cs->a.status = b->status != 255 ? crm_client_statuses[b->status] : NULL;
	cs->a.dnc = b->dnc;
	cs->a.touches = b->touches;
	cs->a.last_touch = unpack_time(b->last_touch);
	cs->a.created = 0;
}

static void slot_put(struct bulk_slot *b, const struct client_state *cs)
{
	b->stage = (short)cs->stage;
	b->contacted = pack_time(cs->contacted);
	b->enabled = (unsigned char)cs->a.enabled;
	b->paused_until = pack_time(cs->a.paused_until);
	b->status = 255;
	for (int i = 0; cs->a.status && crm_client_statuses[i]; i++)
		if (cs->a.status == crm_client_statuses[i])
			b->status = (unsigned char)i;
	b->dnc = (unsigned char)cs->a.dnc;
	b->touches = (int)cs->a.touches;
	b->last_touch = pack_time(cs->a.last_touch);
}

static struct bulk_slot *bulk;
static int bulk_used;

void crm_comm_bulk(struct crm *crm)
{
	(void)crm;
	if (!bulk) {
		bulk = xcalloc(BULK_SLOTS, sizeof *bulk);
		bulk_used = 0;
	}
}

void crm_comm_bulk_end(void)
{
	free(bulk);
	bulk = NULL;
}

/* the client's slot, made when it has none; NULL outside a batch, or
 * when the table is full */
static struct bulk_slot *bulk_slot(long long id)
{
	size_t h;

	if (!bulk)
		return NULL;
	h = ((unsigned long long)id * 11400714819323198485ULL) >> 46;
	while (bulk[h].id && bulk[h].id != id)
		h = (h + 1) & (BULK_SLOTS - 1);
	if (!bulk[h].id) {
		if (bulk_used >= BULK_FULL)
			return NULL;
		memset(&bulk[h], 0, sizeof bulk[h]);
		bulk[h].id = id;
		bulk_used++;
	}
	return &bulk[h];
}

static const char touch_sql[] =
	"UPDATE clients SET last_contacted_at = CASE WHEN last_contacted_at IS NULL"
	" OR last_contacted_at < ?2 THEN ?2 ELSE last_contacted_at END,"
	" touches = touches + ?4,"
	" last_touch_channel = CASE WHEN last_touch_at IS NULL OR last_touch_at <= ?5"
	" THEN ?6 ELSE last_touch_channel END,"
	" last_touch_at = CASE WHEN last_touch_at IS NULL OR last_touch_at <= ?5"
	" THEN ?5 ELSE last_touch_at END, updated_at = ?3 WHERE id = ?1";
static const char out_sql[] =
	"UPDATE clients SET last_contacted_at = ?2, updated_at = ?3"
	" WHERE id = ?1 AND (last_contacted_at IS NULL OR last_contacted_at < ?2)";
static const char in_sql[] =
	"UPDATE clients SET last_interaction_at = ?2, updated_at = ?3"
	" WHERE id = ?1 AND (last_interaction_at IS NULL OR last_interaction_at < ?2)";

/* move a client's last contact time forward (never back) */
static int touch_client(struct crm *crm, long long id, int inbound, long long at)
{
	char now[CRM_TIME_LEN], t[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, inbound ? in_sql : out_sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	crm_time_from_epoch(at, t);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "comm log")) || !sqlite3_changes(crm->db))
		return rc;
	return crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_CONTACT, id,
		inbound ? "last_interaction_at" : "last_contacted_at", NULL, t, NULL });
}

/* n outbound touches of client id, the newest at touch_at on channel,
 * counted and its contact time moved forward to out (the client's was
 * contacted, epoch or -1), in one statement */
static int touch_count(struct crm *crm, long long id, int n, long long touch_at,
                       const char *channel, long long out, long long contacted)
{
	char now[CRM_TIME_LEN], t[CRM_TIME_LEN], o[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, touch_sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	crm_now(now);
	crm_time_from_epoch(touch_at, t);
	crm_time_from_epoch(out, o);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, o, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, n);
	sqlite3_bind_text(st, 5, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, channel, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "comm log")))
		return rc;
	if (out > contacted && (rc = crm_change(crm, &(struct crm_change){
		CHANGE_CLIENT_CONTACT, id, "last_contacted_at", NULL, o, NULL })))
		return rc;
	return crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_CONTACT, id, "touches",
		NULL, t, NULL });
}

int crm_comm_bulk_flush(struct crm *crm)
{
	int rc = 0;

	if (!bulk)
		return 0;
	for (size_t i = 0; i < BULK_SLOTS; i++) {
		struct bulk_slot *b = &bulk[i];
		if (!b->id)
			continue;
		if (!rc && b->new_touches)
			rc = touch_count(crm, b->id, b->new_touches, unpack_time(b->touch_at),
			                 crm->cfg.channels.v[b->touch_ch], b->out - 1,
			                 unpack_time(b->contacted));
		else if (!rc && b->out)
			rc = touch_client(crm, b->id, 0, b->out - 1);
		if (!rc && b->in)
			rc = touch_client(crm, b->id, 1, b->in - 1);
		b->id = 0;
	}
	bulk_used = 0;
	return rc;
}

/* The client's state (struct client_state); CRM_DATAERR when there is
 * no such client.  Its texts point to the config's and the statuses'. */
static int client_state(struct crm *crm, long long id, struct client_state *cs)
{
	static const char sql[] =
		"SELECT c.last_contacted_at, " CRM_AUTO_COLUMNS " FROM clients c WHERE c.id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	long long t;
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	cs->stage = -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);
		cs->contacted = s && !crm_time_to_epoch(s, &t) ? t : -1;
		crm_auto_client_row(st, 1, &cs->a);
		for (int i = 0; cs->a.stage && i < crm->cfg.stages.n; i++)
			if (!strcmp(crm->cfg.stages.v[i], cs->a.stage))
				cs->stage = i;
		cs->a.stage = cs->stage >= 0 ? crm->cfg.stages.v[cs->stage] : NULL;
		cs->a.status = cs->a.status ? crm_in_set(cs->a.status, crm_client_statuses) : NULL;
	}
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
		            !strcmp(r->kind, "note") ? "logged" : "sent";
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
	return crm_change(crm, &(struct crm_change){ CHANGE_COMM_LOGGED,
		sqlite3_last_insert_rowid(crm->db), "client_id", NULL, NULL, NULL });
}

/* the index of channel in the config's channels (it is one of them) */
static int channel_index(const struct crm *crm, const char *channel)
{
	for (int i = 0; i < crm->cfg.channels.n; i++)
		if (!strcmp(crm->cfg.channels.v[i], channel))
			return i;
	return 0;
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

	if (is_note(r->kind))
		return 0;
	b = bulk_slot(id);
	if (b && b->known)
		slot_get(crm, b, &cs);
	else if ((rc = client_state(crm, id, &cs)))
		return rc;
	stage = cs.stage;
	if (touch && (rc = crm_auto_touch_check(crm, id, &cs.a, r->at_epoch, ev->strict,
	                                        !(b && b->violated), &violated)))
		return rc;
	if (r->inbound && crm->cfg.automation.stop_on_reply && !(b && b->stopped) &&
	    (rc = stop_automation(crm, id)))
		return rc;
	if (r->inbound && crm->cfg.on_reply) {
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
		return touch_count(crm, id, 1, r->at_epoch, ev->channel, r->at_epoch, cs.contacted);
	if (!b)
		return touch_client(crm, id, r->inbound, r->at_epoch);
	/* last, once nothing can fail: a record undone leaves the slot as
	 * the database is */
	cs.stage = stage;
	if (r->inbound && crm->cfg.automation.stop_on_reply)
		cs.a.enabled = 0;
	if (touch) {
		cs.a.touches++;
		if (r->at_epoch > cs.a.last_touch)
			cs.a.last_touch = r->at_epoch;
	}
	slot_put(b, &cs);
	b->known = 1;
	b->stopped |= r->inbound;
	b->violated |= violated;
	if (touch) {
		b->new_touches++;
		if (r->at_epoch >= unpack_time(b->touch_at)) {
			b->touch_at = pack_time(r->at_epoch);
			b->touch_ch = (signed char)channel_index(crm, ev->channel);
		}
	}
	if (r->inbound && r->at_epoch + 1 > b->in)
		b->in = r->at_epoch + 1;
	else if (!r->inbound && r->at_epoch + 1 > b->out)
		b->out = r->at_epoch + 1;
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

static int log_record(struct crm *crm, const struct crm_record *rec,
                      void *arg, int *outcome)
{
	struct crm_event ev = { 0 };
	enum crm_logged logged;
	int rc;

	for (size_t i = 0; i < NEVENT_FIELDS; i++)
		*(const char **)((char *)&ev + event_offsets[i]) = record_get(rec, event_fields[i]);
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
