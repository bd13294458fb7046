/* comm_bulk.c: what a batch of events keeps of each client (see
 * comm_bulk.h), and the writes of its contact times and touches. */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "client.h"
#include "comm.h"
#include "comm_bulk.h"

/* the table of slots: a fixed size, half of it used at most */
#define BULK_SLOTS (1 << 18)
#define BULK_FULL (BULK_SLOTS / 2)

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
void comm_slot_get(const struct crm *crm, const struct bulk_slot *b,
                   struct client_state *cs)
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

struct bulk_slot *comm_bulk_slot(long long id)
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

/* touches counted; with the newest, its time and channel (a column of
 * the index clients_automation, rewritten only then) */
static const char touches_sql[] =
	"UPDATE clients SET touches = touches + ?2 WHERE id = ?1";
static const char newest_sql[] =
	"UPDATE clients SET touches = touches + ?2, last_touch_at = ?3,"
	" last_touch_channel = ?4 WHERE id = ?1";
/* the same with a newer last_contacted_at: one write of the row */
static const char touches_out_sql[] =
	"UPDATE clients SET touches = touches + ?2, last_contacted_at = ?5, updated_at = ?6"
	" WHERE id = ?1";
static const char newest_out_sql[] =
	"UPDATE clients SET touches = touches + ?2, last_touch_at = ?3,"
	" last_touch_channel = ?4, last_contacted_at = ?5, updated_at = ?6 WHERE id = ?1";
static const char out_sql[] =
	"UPDATE clients SET last_contacted_at = ?2, updated_at = ?3"
	" WHERE id = ?1 AND (last_contacted_at IS NULL OR last_contacted_at < ?2)";
static const char in_sql[] =
	"UPDATE clients SET last_interaction_at = ?2, updated_at = ?3"
	" WHERE id = ?1 AND (last_interaction_at IS NULL OR last_interaction_at < ?2)";

int comm_touch_client(struct crm *crm, long long id, int inbound, long long at)
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

int comm_touch_count(struct crm *crm, long long id, int n, long long touch_at,
                     const char *channel, int newest, long long out)
{
	char t[CRM_TIME_LEN], o[CRM_TIME_LEN], now[CRM_TIME_LEN];
	sqlite3_stmt *st = crm_stmt(crm, out >= 0 ? (newest ? newest_out_sql : touches_out_sql) :
	                                 newest ? newest_sql : touches_sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	crm_time_from_epoch(touch_at, t);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, n);
	if (newest) {
		sqlite3_bind_text(st, 3, t, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, channel, -1, SQLITE_STATIC);
	}
	if (out >= 0) {
		crm_now(now);
		crm_time_from_epoch(out, o);
		sqlite3_bind_text(st, 5, o, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	}
	if ((rc = crm_exec_stmt(crm, st, "comm log")))
		return rc;
	if (out >= 0 && (rc = crm_change(crm, &(struct crm_change){ CHANGE_CLIENT_CONTACT, id,
		"last_contacted_at", NULL, o, NULL })))
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
		/* the batch's newest touch is the client's when the slot's last
		 * touch, the newer of the stored one and the batch's, is it; its
		 * contact time is written with its touches when it moves */
		if (!rc && b->new_touches)
			rc = comm_touch_count(crm, b->id, b->new_touches, unpack_time(b->touch_at),
			                      crm->cfg.channels.v[b->touch_ch],
			                      b->touch_at >= b->last_touch,
			                      b->out && b->out - 1 > unpack_time(b->contacted) ?
			                      b->out - 1 : -1);
		else if (!rc && b->out)
			rc = comm_touch_client(crm, b->id, 0, b->out - 1);
		if (!rc && b->in)
			rc = comm_touch_client(crm, b->id, 1, b->in - 1);
		b->id = 0;
	}
	bulk_used = 0;
	return rc;
}

int comm_client_state(struct crm *crm, long long id, struct client_state *cs)
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

/* the index of channel in the config's channels (it is one of them) */
static int channel_index(const struct crm *crm, const char *channel)
{
	for (int i = 0; i < crm->cfg.channels.n; i++)
		if (!strcmp(crm->cfg.channels.v[i], channel))
			return i;
	return 0;
}

void comm_slot_update(struct crm *crm, struct bulk_slot *b, const struct client_state *state,
                      int inbound, int touch, long long at, const char *channel, int violated)
{
	struct client_state cs = *state;

	if (inbound && crm->cfg.automation.stop_on_reply)
		cs.a.enabled = 0;
	if (touch) {
		cs.a.touches++;
		if (at > cs.a.last_touch)
			cs.a.last_touch = at;
	}
	slot_put(b, &cs);
	b->known = 1;
	b->stopped |= inbound;
	b->violated |= violated;
	if (touch) {
		b->new_touches++;
		if (at >= unpack_time(b->touch_at)) {
			b->touch_at = pack_time(at);
			b->touch_ch = (signed char)channel_index(crm, channel);
		}
	}
	if (inbound && at + 1 > b->in)
		b->in = at + 1;
	else if (!inbound && at + 1 > b->out)
		b->out = at + 1;
}
