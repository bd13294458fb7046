/* stats.c: the figures of the evaluation panel (see stats.h).
 *
 * Three passes, each one query read in an index's order: the clients the
 * filter selects (their stage, when they were added, their group); the
 * stage history (activity_logs_stage: a client's changes one after
 * another); the communications of the period in time order
 * (communications_occurred).  What each client needs between the passes
 * is kept in arrays indexed by its id, and what each (client, channel)
 * needs in a hash table, so that no query sorts or groups millions of
 * rows. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "query.h"
#include "stats.h"

const char *const crm_stats_bys[] = { "stage", "channel", "week", "operator", "source", NULL };

#define MAX_NAMES 250   /* stages and channels, each */
#define ANY_CHANNEL 255 /* the hash key of a client's every channel */

/* --- growing arrays of doubles, for medians --- */

struct dvec {
	double *v;
	size_t n, cap;
};

static void dvec_add(struct dvec *d, double x)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	d->v[d->n++] = x;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(struct dvec *d)
{
	if (!d->n)
		return -1;
	qsort(d->v, d->n, sizeof *d->v, dcmp);
	return d->n % 2 ? d->v[d->n / 2] : (d->v[d->n / 2 - 1] + d->v[d->n / 2]) / 2;
}

/* --- (client, channel) -> first outbound, first reply after it --- */

struct pair {
	uint64_t key;           /* id << 8 | channel, + 1; 0: empty */
	long long first_out, first_reply;   /* 0: none yet */
};

struct pairs {
	struct pair *t;
	size_t n, cap;          /* cap a power of 2 */
};

static struct pair *slot(struct pair *t, size_t cap, uint64_t key)
{
	size_t i = (size_t)(key * 0x9e3779b97f4a7c15ull >> 24) & (cap - 1);

	while (t[i].key && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* the pair of client id and channel ch, made when new; NULL: no memory */
static struct pair *pair_get(struct pairs *h, long long id, unsigned ch)
{
	uint64_t key = ((uint64_t)id << 8 | ch) + 1;
	struct pair *p;

	if (2 * (h->n + 1) > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 4096;
		struct pair *t = calloc(cap, sizeof *t);
		if (!t)
			return NULL;
		for (size_t i = 0; i < h->cap; i++)
			if (h->t[i].key)
				*slot(t, cap, h->t[i].key) = h->t[i];
		free(h->t);
		h->t = t;
		h->cap = cap;
	}
	p = slot(h->t, h->cap, key);
	if (!p->key) {
		p->key = key;
		h->n++;
	}
	return p;
}

/* --- the work of one computation --- */

enum { FIXED = 1, EVER_LOST = 2 };

struct week_count {
	long long start, contacts, replies;
};

struct work {
	struct crm *crm;
	struct crm_stats *s;
	enum crm_stats_by by;
	long long since, until;      /* epochs; the open ends far out */
	long long maxid;
	/* by client id */
	uint8_t *stage;              /* its stage + 1 at the end; 0: not selected */
	uint8_t *far;                /* its furthest funnel rank + 1 */
	uint8_t *flags;
	long long *added, *mark, *won_at;
	uint16_t *group;
	/* by stage */
	int rank[MAX_NAMES];         /* on the funnel; -1: off it */
	int won[MAX_NAMES];
	struct dvec days[MAX_NAMES];
	/* by channel */
	struct dvec hours[MAX_NAMES + 1];   /* the last: any channel */
	struct pairs pairs;
	/* the weeks of the communications, in time order */
	struct week_count *wc;
	int nwc;
	long long wc_end;            /* the end of the last one */
	long long lo, hi;            /* the first and last time seen */
};

static const char *intern(struct crm_stats *s, const char *name)
{
	s->names = xrealloc(s->names, (size_t)(s->nnames + 1) * sizeof *s->names);
	return s->names[s->nnames++] = xstrdup(name);
}

/* the index of stage name, added (off the funnel) when the config lacks
 * it; -1 for none, or too many */
static int stage_of(struct work *w, const char *name)
{
	struct crm_stats *s = w->s;

	if (!name)
		return -1;
	for (int i = 0; i < s->nstages; i++)
		if (!strcmp(s->stages[i].name, name))
			return i;
	if (s->nstages == MAX_NAMES)
		return -1;
	s->stages[s->nstages] = (struct crm_stats_stage){ .name = intern(s, name) };
	w->rank[s->nstages] = -1;
	return s->nstages++;
}

static int channel_of(struct work *w, const char *name)
{
	struct crm_stats *s = w->s;

	if (!name)
		return -1;
	for (int i = 0; i < s->nchannels; i++)
		if (!strcmp(s->channels[i].name, name))
			return i;
	if (s->nchannels == MAX_NAMES)
		return -1;
	s->channels[s->nchannels] = (struct crm_stats_channel){ .name = intern(s, name) };
	return s->nchannels++;
}

/* the group of a client's operator (id) or source type (text, or NULL) */
static uint16_t group_of(struct work *w, const char *key)
{
	struct crm_stats *s = w->s;

	for (int i = 0; i < s->ngroups; i++)
		if (key ? s->groups[i].key && !strcmp(s->groups[i].key, key) : !s->groups[i].key)
			return (uint16_t)i;
	if (s->ngroups == UINT16_MAX)
		return UINT16_MAX - 1;
	s->groups = xrealloc(s->groups, (size_t)(s->ngroups + 1) * sizeof *s->groups);
	s->groups[s->ngroups] = (struct crm_stats_group){ .key = key ? xstrdup(key) : NULL };
	return (uint16_t)s->ngroups++;
}

static long long epoch_of(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	long long e = 0;

	if (!t || crm_time_to_epoch(t, &e))
		return 0;
	return e;
}

long long crm_stats_week_start(long long t)
{
	struct tm tm;
	long long ws = t;

	if (crm_time_local(t, &tm))
		return t;
	tm.tm_mday -= (tm.tm_wday + 6) % 7;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (crm_time_unlocal(&tm, &ws))
		return t;
	return ws;
}

/* the start of the week after the one that starts at ws */
static long long week_next(long long ws)
{
	struct tm tm;
	long long next = ws + 7 * 86400;

	if (crm_time_local(ws + 12 * 3600, &tm))
		return next;
	tm.tm_mday += 7;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (crm_time_unlocal(&tm, &next) || next <= ws)
		return ws + 7 * 86400;
	return next;
}

static void seen(struct work *w, long long t)
{
	if (t < w->lo)
		w->lo = t;
	if (t > w->hi)
		w->hi = t;
}

/* the week of a communication at t (they come in time order) */
static struct week_count *week_at(struct work *w, long long t)
{
	if (!w->nwc || t >= w->wc_end) {
		long long ws = crm_stats_week_start(t);
		w->wc = xrealloc(w->wc, (size_t)(w->nwc + 1) * sizeof *w->wc);
		w->wc[w->nwc++] = (struct week_count){ ws, 0, 0 };
		w->wc_end = week_next(ws);
	}
	return &w->wc[w->nwc - 1];
}

/* --- pass 1: the clients the filter selects --- */

static int pass_clients(struct work *w, const struct crm_client_filter *flt)
{
	struct crm_stats *s = w->s;
	struct query q;
	sqlite3_stmt *st = NULL;
	int rc;

	query_init(&q, "SELECT c.id, c.stage, c.created_at, c.operator_id, c.source_type"
	           " FROM clients c");
	if ((rc = crm_client_where(w->crm, &q, flt)))
		goto cleanup;
	if (*s->until)
		query_where_text(&q, "c.created_at < ?", s->until);
	if ((rc = query_prepare(w->crm, &q, &st)))
		goto cleanup;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 1 || id > w->maxid)
			continue;
		int i = stage_of(w, (const char *)sqlite3_column_text(st, 1));
		long long t = epoch_of(st, 2);
		w->stage[id] = (uint8_t)(i + 1);
		w->added[id] = w->mark[id] = t;
		if (t >= w->since)
			seen(w, t);
		if (w->by == STATS_OPERATOR || w->by == STATS_SOURCE) {
			const char *key = (const char *)sqlite3_column_text(st, w->by == STATS_OPERATOR ? 3 : 4);
			w->group[id] = group_of(w, key);
			s->groups[w->group[id]].clients++;
		}
		s->clients++;
	}
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(w->crm, "stats");
cleanup:
	sqlite3_finalize(st);
	query_free(&q);
	return rc;
}

/* --- pass 2: the stage history, a client's changes one after another --- */

static const char history_sql[] =
	"SELECT entity_id, old_value, new_value, at FROM activity_logs INDEXED BY activity_logs_stage"
	" WHERE entity = 'client' AND action = 'stage' ORDER BY entity_id, id";

static int pass_history(struct work *w)
{
	sqlite3_stmt *st = NULL;
	int rc;

	crm_explain(w->crm, history_sql);
	if (sqlite3_prepare_v2(w->crm->db, history_sql, -1, &st, NULL) != SQLITE_OK)
		return crm_sqlerr(w->crm, "stats");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 1 || id > w->maxid || !w->stage[id] || (w->flags[id] & FIXED))
			continue;
		int from = stage_of(w, (const char *)sqlite3_column_text(st, 1));
		int to = stage_of(w, (const char *)sqlite3_column_text(st, 2));
		long long t = epoch_of(st, 3);
		if (t >= w->until) {
			/* the first change after the period: it was in `from` then */
			if (from >= 0)
				w->stage[id] = (uint8_t)(from + 1);
			w->flags[id] |= FIXED;
			continue;
		}
		for (int k = 0; k < 2; k++) {
			int i = k ? to : from;
			if (i < 0)
				continue;
			if (w->rank[i] >= 0 && w->rank[i] + 1 > w->far[id])
				w->far[id] = (uint8_t)(w->rank[i] + 1);
			if (w->s->stages[i].lost)
				w->flags[id] |= EVER_LOST;
		}
		if (from >= 0 && t >= w->since && t >= w->mark[id])
			dvec_add(&w->days[from], (double)(t - w->mark[id]) / 86400);
		w->mark[id] = t;
		if (to >= 0 && w->won[to])
			w->won_at[id] = t;
	}
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(w->crm, "stats");
	sqlite3_finalize(st);
	return rc;
}

/* the outbound communications of client id up to t */
static int touches_before(struct work *w, long long id, long long t, long long *n)
{
	static const char sql[] =
		"SELECT count(*) FROM communications"
		" WHERE client_id = ?1 AND occurred_at <= ?2 AND direction = 'out'";
	sqlite3_stmt *st = crm_stmt(w->crm, sql);
	char at[CRM_TIME_LEN];

	if (!st)
		return crm_stmt_status(w->crm);
	crm_time_from_epoch(t, at);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW)
		return crm_sqlerr(w->crm, "stats");
	*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* the stages at the end of the period, the funnel, the wins */
static int tally_clients(struct work *w)
{
	struct crm_stats *s = w->s;
	long long at_rank[MAX_NAMES + 1] = { 0 }, lost = 0, n = 0;
	int funnel[MAX_NAMES], nfunnel = 0, rc;

	for (long long id = 1; id <= w->maxid; id++) {
		if (!w->stage[id])
			continue;
		int i = w->stage[id] - 1;
		s->stages[i].clients++;
		if (w->rank[i] >= 0 && w->rank[i] + 1 > w->far[id])
			w->far[id] = (uint8_t)(w->rank[i] + 1);
		if (s->stages[i].lost)
			w->flags[id] |= EVER_LOST;
		at_rank[w->far[id]]++;
		lost += !!(w->flags[id] & EVER_LOST);
		if (!w->won[i])
			continue;
		/* won: when it entered the stage it is in, and the touches before */
		long long when = w->won_at[id] ? w->won_at[id] : w->added[id];
		if (when < w->since)
			continue;
		if ((rc = touches_before(w, id, when, &n)))
			return rc;
		s->won++;
		s->won_touches += n;
		if (w->by == STATS_OPERATOR || w->by == STATS_SOURCE) {
			s->groups[w->group[id]].won++;
			s->groups[w->group[id]].won_touches += n;
		}
	}
	/* reached: at that rank of the funnel or past it */
	for (int i = 0; i < s->nstages; i++)
		if (w->rank[i] >= 0)
			funnel[nfunnel++] = i;
	for (int k = nfunnel - 1; k >= 0; k--) {
		long long past = k + 1 < nfunnel ? s->stages[funnel[k + 1]].reached : 0;
		s->stages[funnel[k]].reached = past + at_rank[k + 1];
	}
	for (int k = 0; k < nfunnel; k++) {
		struct crm_stats_stage *g = &s->stages[funnel[k]];
		g->conversion = k + 1 < nfunnel && g->reached ?
			(double)s->stages[funnel[k + 1]].reached / (double)g->reached : -1;
	}
	for (int i = 0; i < s->nstages; i++) {
		if (s->stages[i].lost) {
			s->stages[i].reached = lost;
			s->stages[i].conversion = -1;
		} else if (w->rank[i] < 0) {
			s->stages[i].reached = s->stages[i].clients;
			s->stages[i].conversion = -1;
		}
		s->stages[i].stays = (long long)w->days[i].n;
		s->stages[i].median_days = median(&w->days[i]);
	}
	return 0;
}

/* --- pass 3: the communications of the period, in time order --- */

static const char comms_sql[] =
	"SELECT client_id, channel, direction, occurred_at FROM communications"
	" WHERE occurred_at >= ?1 AND occurred_at < ?2 ORDER BY occurred_at, id";

/* a reply (inbound at t) to client id on channel ch (ANY_CHANNEL: any);
 * 1 when it is the first after the first outbound one */
static int replied(struct work *w, long long id, unsigned ch, long long t, struct dvec *hours)
{
	struct pair *p = pair_get(&w->pairs, id, ch);

	if (!p || !p->first_out || p->first_reply)
		return 0;
	p->first_reply = t;
	dvec_add(hours, (double)(t - p->first_out) / 3600);
	return 1;
}

/* an outbound communication to client id on ch at t: 1 when the first;
 * -1 when out of memory */
static int contacted(struct work *w, long long id, unsigned ch, long long t)
{
	struct pair *p = pair_get(&w->pairs, id, ch);

	if (!p)
		return -1;
	if (p->first_out)
		return 0;
	p->first_out = t;
	return 1;
}

static int pass_comms(struct work *w)
{
	struct crm_stats *s = w->s;
	sqlite3_stmt *st = NULL;
	int rc;
	int grouped = w->by == STATS_OPERATOR || w->by == STATS_SOURCE;

	crm_explain(w->crm, comms_sql);
	if (sqlite3_prepare_v2(w->crm->db, comms_sql, -1, &st, NULL) != SQLITE_OK)
		return crm_sqlerr(w->crm, "stats");
	sqlite3_bind_text(st, 1, s->since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, *s->until ? s->until : "~", -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 1 || id > w->maxid || !w->stage[id])
			continue;
		int ch = channel_of(w, (const char *)sqlite3_column_text(st, 1));
		const char *dir = (const char *)sqlite3_column_text(st, 2);
		long long t = epoch_of(st, 3);
		struct crm_stats_group *g = grouped ? &s->groups[w->group[id]] : NULL;
		struct week_count *wk = week_at(w, t);
		int first;
		seen(w, t);
		if (dir && !strcmp(dir, "out")) {
			s->contacts++;
			wk->contacts++;
			if (g)
				g->contacts++;
			if (ch >= 0) {
				s->channels[ch].contacts++;
				if ((first = contacted(w, id, (unsigned)ch, t)) < 0)
					goto nomem;
				s->channels[ch].contacted += first;
			}
			if ((first = contacted(w, id, ANY_CHANNEL, t)) < 0)
				goto nomem;
			s->contacted += first;
			if (g)
				g->contacted += first;
		} else if (dir && !strcmp(dir, "in")) {
			s->replies++;
			wk->replies++;
			if (ch >= 0) {
				s->channels[ch].replies++;
				s->channels[ch].replied += replied(w, id, (unsigned)ch, t, &w->hours[ch]);
			}
			first = replied(w, id, ANY_CHANNEL, t, &w->hours[MAX_NAMES]);
			s->replied += first;
			if (g)
				g->replied += first;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(w->crm, "stats");
	sqlite3_finalize(st);
	return rc;
nomem:
	sqlite3_finalize(st);
	return crm_err(w->crm, CRM_SOFTWARE, "stats: out of memory");
}

/* the weeks: from the first (or the period's start) to the last (or its
 * end), those between too; the new clients of each */
static void tally_weeks(struct work *w)
{
	struct crm_stats *s = w->s;
	long long lo = w->since > LLONG_MIN ? w->since : w->lo;
	long long hi = w->until < LLONG_MAX ? w->until - 1 : w->hi;
	long long *starts = NULL;
	int n = 0, k = 0;

	if (lo > hi)
		return;
	for (long long ws = crm_stats_week_start(lo); ws <= hi; ws = week_next(ws)) {
		starts = xrealloc(starts, (size_t)(n + 1) * sizeof *starts);
		starts[n++] = ws;
	}
	s->weeks = xmalloc((size_t)(n ? n : 1) * sizeof *s->weeks);
	s->nweeks = n;
	for (int i = 0; i < n; i++) {
		struct tm tm;
		struct crm_stats_week *wk = &s->weeks[i];
		memset(wk, 0, sizeof *wk);
		if (crm_time_local(starts[i], &tm) || !strftime(wk->start, sizeof wk->start, "%Y-%m-%d", &tm))
			strcpy(wk->start, "?");
		while (k < w->nwc && w->wc[k].start < starts[i])
			k++;
		if (k < w->nwc && w->wc[k].start == starts[i]) {
			wk->contacts = w->wc[k].contacts;
			wk->replies = w->wc[k].replies;
		}
	}
	for (long long id = 1; id <= w->maxid; id++) {
		long long t = w->added[id];
		if (!w->stage[id] || t < w->since || t > hi || !n || t < starts[0])
			continue;
		int a = 0, b = n - 1;   /* the last week that starts at or before t */
		while (a < b) {
			int m = (a + b + 1) / 2;
			if (starts[m] <= t)
				a = m;
			else
				b = m - 1;
		}
		s->weeks[a].new_clients++;
	}
	free(starts);
}

/* --- the whole --- */

static int max_client_id(struct crm *crm, long long *maxid)
{
	sqlite3_stmt *st = crm_stmt(crm, "SELECT coalesce(max(id), 0) FROM clients");

	if (!st)
		return crm_stmt_status(crm);
	if (sqlite3_step(st) != SQLITE_ROW)
		return crm_sqlerr(crm, "stats");
	*maxid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static void rates(struct work *w)
{
	struct crm_stats *s = w->s;

	for (int i = 0; i < s->nchannels; i++) {
		struct crm_stats_channel *c = &s->channels[i];
		c->reply_rate = c->contacted ? (double)c->replied / (double)c->contacted : -1;
		c->median_reply_hours = median(&w->hours[i]);
	}
	s->reply_rate = s->contacted ? (double)s->replied / (double)s->contacted : -1;
	s->median_reply_hours = median(&w->hours[MAX_NAMES]);
}

/* operators by their names */
static int group_names(struct crm *crm, struct crm_stats *s)
{
	sqlite3_stmt *st = crm_stmt(crm, "SELECT name FROM operators WHERE id = ?");

	for (int i = 0; st && i < s->ngroups; i++) {
		if (!s->groups[i].key)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, strtoll(s->groups[i].key, NULL, 10));
		if (sqlite3_step(st) == SQLITE_ROW)
			s->groups[i].name = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	if (st)
		sqlite3_reset(st);
	return st ? 0 : crm_stmt_status(crm);
}

int crm_stats_compute(struct crm *crm, const struct crm_client_filter *flt,
                      const char *since, const char *until, enum crm_stats_by by,
                      struct crm_stats *s)
{
	struct work w = { .crm = crm, .s = s, .by = by, .since = LLONG_MIN, .until = LLONG_MAX,
	                  .lo = LLONG_MAX, .hi = LLONG_MIN };
	const struct crm_config *cfg = &crm->cfg;
	int rc, r = 0, began = 0;

	memset(s, 0, sizeof *s);
	s->stages = xmalloc(MAX_NAMES * sizeof *s->stages);
	s->channels = xmalloc(MAX_NAMES * sizeof *s->channels);
	if (since) {
		snprintf(s->since, sizeof s->since, "%s", since);
		crm_time_to_epoch(since, &w.since);
	}
	if (until) {
		snprintf(s->until, sizeof s->until, "%s", until);
		crm_time_to_epoch(until, &w.until);
	}
	/* the funnel: the stages in order, but the lost one; the won ones:
	 * terminal, but not lost */
	for (int i = 0; i < cfg->stages.n && i < MAX_NAMES; i++) {
		int k = stage_of(&w, cfg->stages.v[i]);
		s->stages[k].lost = cfg->lost && !strcmp(cfg->lost, cfg->stages.v[i]);
		w.rank[k] = s->stages[k].lost ? -1 : r++;
		w.won[k] = crm_config_is_terminal(cfg, cfg->stages.v[i]) && !s->stages[k].lost;
	}
	for (int i = 0; i < cfg->channels.n && i < MAX_NAMES; i++)
		channel_of(&w, cfg->channels.v[i]);
	/* one snapshot for all of it */
	if ((rc = crm_db_exec(crm, "BEGIN", "stats")))
		goto cleanup;
	began = 1;
	if ((rc = max_client_id(crm, &w.maxid)))
		goto cleanup;
	size_t n = (size_t)w.maxid + 1;
	w.stage = calloc(n, 1);
	w.far = calloc(n, 1);
	w.flags = calloc(n, 1);
	w.added = calloc(n, sizeof *w.added);
	w.mark = calloc(n, sizeof *w.mark);
	w.won_at = calloc(n, sizeof *w.won_at);
	w.group = by == STATS_OPERATOR || by == STATS_SOURCE ? calloc(n, sizeof *w.group) : NULL;
	if (!w.stage || !w.far || !w.flags || !w.added || !w.mark || !w.won_at ||
	    ((by == STATS_OPERATOR || by == STATS_SOURCE) && !w.group)) {
		rc = crm_err(crm, CRM_SOFTWARE, "stats: out of memory for %lld clients", w.maxid);
		goto cleanup;
	}
	if (!(rc = pass_clients(&w, flt)) && !(rc = pass_history(&w)) &&
	    !(rc = tally_clients(&w)) && !(rc = pass_comms(&w))) {
		rates(&w);
		tally_weeks(&w);
		if (by == STATS_OPERATOR)
			rc = group_names(crm, s);
	}
cleanup:
	if (began)
		crm_db_exec(crm, "COMMIT", "stats");
	free(w.stage);
	free(w.far);
	free(w.flags);
	free(w.added);
	free(w.mark);
	free(w.won_at);
	free(w.group);
	free(w.pairs.t);
	free(w.wc);
	for (int i = 0; i < MAX_NAMES; i++) {
		free(w.days[i].v);
		free(w.hours[i].v);
	}
	free(w.hours[MAX_NAMES].v);
	if (rc)
		crm_stats_free(s);
	return rc;
}

void crm_stats_free(struct crm_stats *s)
{
	for (int i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->stages);
	free(s->channels);
	free(s->weeks);
	for (int i = 0; i < s->ngroups; i++) {
		free(s->groups[i].key);
		free(s->groups[i].name);
	}
	free(s->groups);
	memset(s, 0, sizeof *s);
}
