/* stats.c: the figures of the evaluation panel (see stats.h).
 *
 * Three passes, each one query read from an index alone, in its order:
 * the clients the filter selects (their stage, when they were added,
 * their group); the stage history (activity_logs_stage: a client's
 * changes one after another); the communications of the period, a
 * client's one after another (communications_client).  What each client
 * needs between the passes is kept in arrays indexed by its id, and a
 * client's communications need only what its own run gives, so that no
 * query sorts or groups millions of rows. */
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

/* the k-th smallest of v[0..n) (from 0), found in place in linear time
 * on average (Hoare's selection); v is left partitioned around it */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

static double median(struct dvec *d)
{
	double hi, lo;

	if (!d->n)
		return -1;
	hi = select_kth(d->v, d->n, d->n / 2);
	if (d->n % 2)
		return hi;
	/* the other middle one: the largest of those below */
	lo = d->v[0];
	for (size_t i = 1; i < d->n / 2; i++)
		if (d->v[i] > lo)
			lo = d->v[i];
	return (lo + hi) / 2;
}

/* --- the work of one computation --- */

/* counts by operator or source type */
static int grouped(enum crm_stats_by by)
{
	return by == STATS_OPERATOR || by == STATS_SOURCE;
}

enum { FIXED = 1, EVER_LOST = 2 };

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
	/* by channel; [ANY]: any channel */
	struct dvec hours[MAX_NAMES + 1];
	long long *voids;            /* change sets that do not count */
	int nvoids;
	/* the weeks: when each starts */
	long long *starts;
	long long lo, hi;            /* the first and last time seen */
	int open_end;                /* no --until: the period ends now */
	char end[CRM_TIME_LEN];      /* its end as text: until, or now */
};
#define ANY MAX_NAMES

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

/* the time of a column; NO_TIME when it is none (NULL, or not a time
 * crm writes: data another program put there) */
#define NO_TIME LLONG_MIN
static long long epoch_of(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	long long e;

	if (!t || crm_time_to_epoch(t, &e))
		return NO_TIME;
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
	query_where_text(&q, "c.created_at < ?", w->end);
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
		if (t != NO_TIME && t >= w->since)
			seen(w, t);
		if (grouped(w->by)) {
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
	"SELECT entity_id, old_value, new_value, at, change_set FROM activity_logs"
	" INDEXED BY activity_logs_stage"
	" WHERE entity = 'client' AND action = 'stage' ORDER BY entity_id, id";

/* The change sets whose changes of stage did not happen: those undone,
 * and those of undo itself, which took them back.  Sorted. */
static int void_sets(struct work *w)
{
	static const char sql[] =
		"SELECT id FROM change_sets WHERE undone_at IS NOT NULL OR command = 'undo' ORDER BY id";
	sqlite3_stmt *st = crm_stmt(w->crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(w->crm);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->voids = xrealloc(w->voids, (size_t)(w->nvoids + 1) * sizeof *w->voids);
		w->voids[w->nvoids++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(w->crm, "stats");
}

static int is_void(const struct work *w, long long set)
{
	int a = 0, b = w->nvoids - 1;

	while (a <= b) {
		int m = (a + b) / 2;
		if (w->voids[m] == set)
			return 1;
		if (w->voids[m] < set)
			a = m + 1;
		else
			b = m - 1;
	}
	return 0;
}

static int pass_history(struct work *w)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = void_sets(w)))
		return rc;
	crm_explain(w->crm, history_sql);
	if (sqlite3_prepare_v2(w->crm->db, history_sql, -1, &st, NULL) != SQLITE_OK)
		return crm_sqlerr(w->crm, "stats");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 1 || id > w->maxid || !w->stage[id] || (w->flags[id] & FIXED) ||
		    (w->nvoids && is_void(w, sqlite3_column_int64(st, 4))))
			continue;
		int from = stage_of(w, (const char *)sqlite3_column_text(st, 1));
		int to = stage_of(w, (const char *)sqlite3_column_text(st, 2));
		long long t = epoch_of(st, 3);
		if (t == NO_TIME)
			continue;
		if (!w->open_end && t >= w->until) {
			/* the first change after the period: it was in `from` then
			 * (with no end, the stage is the one it is in now) */
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
		if (from >= 0 && t >= w->since && w->mark[id] != NO_TIME && t >= w->mark[id])
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
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : crm_sqlerr(w->crm, "stats");
	*n = rc ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
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
		if (grouped(w->by)) {
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

/* --- the weeks --- */

/* The weeks from lo to hi (or the period's ends), before the
 * communications are counted into them */
static void make_weeks(struct work *w)
{
	struct crm_stats *s = w->s;
	long long lo = w->since > LLONG_MIN ? w->since : w->lo;
	long long hi = w->until - 1;

	if (lo > hi)
		return;
	for (long long ws = crm_stats_week_start(lo); ws <= hi; ws = week_next(ws)) {
		w->starts = xrealloc(w->starts, (size_t)(s->nweeks + 1) * sizeof *w->starts);
		s->weeks = xrealloc(s->weeks, (size_t)(s->nweeks + 1) * sizeof *s->weeks);
		w->starts[s->nweeks] = ws;
		struct crm_stats_week *wk = &s->weeks[s->nweeks++];
		struct tm tm;
		memset(wk, 0, sizeof *wk);
		if (crm_time_local(ws, &tm) || !strftime(wk->start, sizeof wk->start, "%Y-%m-%d", &tm))
			strcpy(wk->start, "?");
	}
}

/* the week of t; NULL when none holds it */
static struct crm_stats_week *week_of(struct work *w, long long t)
{
	int a = 0, b = w->s->nweeks - 1;

	if (b < 0 || t < w->starts[0])
		return NULL;
	while (a < b) {   /* the last that starts at or before t */
		int m = (a + b + 1) / 2;
		if (w->starts[m] <= t)
			a = m;
		else
			b = m - 1;
	}
	return &w->s->weeks[a];
}

/* Without a period's start (end), the weeks begin (end) with the first
 * (last) that has anything in it. */
static void trim_weeks(struct work *w)
{
	struct crm_stats *s = w->s;
	int a = 0, b = s->nweeks;

#define EMPTY(k) (!s->weeks[k].contacts && !s->weeks[k].replies && !s->weeks[k].new_clients)
	if (w->since == LLONG_MIN)
		while (a < b && EMPTY(a))
			a++;
	if (w->open_end)
		while (b > a && EMPTY(b - 1))
			b--;
#undef EMPTY
	if (a > 0 && b > a)
		memmove(s->weeks, s->weeks + a, (size_t)(b - a) * sizeof *s->weeks);
	s->nweeks = b - a;
}

/* the first and last communication of the period, of any client */
static int comms_span(struct work *w)
{
	static const char sql[] =
		"SELECT min(occurred_at), max(occurred_at) FROM communications"
		" WHERE occurred_at >= ?1 AND occurred_at < ?2";
	sqlite3_stmt *st = crm_stmt(w->crm, sql);
	int rc = 0;

	if (!st)
		return crm_stmt_status(w->crm);
	sqlite3_bind_text(st, 1, w->s->since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->end, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = crm_sqlerr(w->crm, "stats");
	for (int k = 0; !rc && k < 2; k++) {
		long long t = epoch_of(st, k);
		if (t != NO_TIME)
			seen(w, t);
	}
	sqlite3_reset(st);
	return rc;
}

/* --- pass 3: the communications of the period, a client's together --- */

static const char comms_sql[] =
	"SELECT client_id, channel, direction, occurred_at FROM communications"
	" INDEXED BY communications_client"
	" WHERE occurred_at >= ?1 AND occurred_at < ?2"
	" ORDER BY client_id, occurred_at, direction DESC";

/* A client's run of communications: on each channel (and on any), its
 * first outbound one and whether a reply came after it */
struct run {
	long long id;
	long long first_out[MAX_NAMES + 1];
	uint8_t out[MAX_NAMES + 1];       /* first_out is set */
	uint8_t replied[MAX_NAMES + 1];
	int used[MAX_NAMES + 1], nused;   /* the channels to clear: each once */
};

static void run_start(struct run *r, long long id)
{
	for (int i = 0; i < r->nused; i++)
		r->out[r->used[i]] = r->replied[r->used[i]] = 0;
	r->nused = 0;
	r->id = id;
}

/* an outbound one on channel ch at t: 1 when the first */
static int run_out(struct run *r, int ch, long long t)
{
	if (r->out[ch])
		return 0;
	r->used[r->nused++] = ch;
	r->out[ch] = 1;
	r->first_out[ch] = t;
	return 1;
}

/* an inbound one: 1 when the first reply after the first outbound (one
 * in the same second comes after it: the outbound ones of a second are
 * read first) */
static int run_in(struct run *r, int ch, long long t, struct dvec *hours)
{
	if (!r->out[ch] || r->replied[ch])
		return 0;
	r->replied[ch] = 1;
	dvec_add(hours, (double)(t - r->first_out[ch]) / 3600);
	return 1;
}

static int pass_comms(struct work *w)
{
	struct crm_stats *s = w->s;
	struct run *r = calloc(1, sizeof *r);
	sqlite3_stmt *st = NULL;
	int rc;

	if (!r)
		return crm_err(w->crm, CRM_SOFTWARE, "stats: out of memory");
	crm_explain(w->crm, comms_sql);
	if (sqlite3_prepare_v2(w->crm->db, comms_sql, -1, &st, NULL) != SQLITE_OK) {
		rc = crm_sqlerr(w->crm, "stats");
		goto cleanup;
	}
	sqlite3_bind_text(st, 1, s->since, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->end, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(st, 0);
		if (id < 1 || id > w->maxid || !w->stage[id])
			continue;
		if (id != r->id)
			run_start(r, id);
		int ch = channel_of(w, (const char *)sqlite3_column_text(st, 1));
		const char *dir = (const char *)sqlite3_column_text(st, 2);
		long long t = epoch_of(st, 3);
		if (t == NO_TIME)
			continue;   /* between the bounds as text, but no time */
		struct crm_stats_group *g = grouped(w->by) ? &s->groups[w->group[id]] : NULL;
		struct crm_stats_week *wk = week_of(w, t);
		int first;
		if (dir && !strcmp(dir, "out")) {
			s->contacts++;
			if (wk)
				wk->contacts++;
			if (ch >= 0) {
				s->channels[ch].contacts++;
				s->channels[ch].contacted += run_out(r, ch, t);
			}
			first = run_out(r, ANY, t);
			s->contacted += first;
			if (g) {
				g->contacts++;
				g->contacted += first;
			}
		} else if (dir && !strcmp(dir, "in")) {
			s->replies++;
			if (wk)
				wk->replies++;
			if (ch >= 0) {
				s->channels[ch].replies++;
				s->channels[ch].replied += run_in(r, ch, t, &w->hours[ch]);
			}
			first = run_in(r, ANY, t, &w->hours[ANY]);
			s->replied += first;
			if (g)
				g->replied += first;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(w->crm, "stats");
cleanup:
	sqlite3_finalize(st);
	free(r);
	return rc;
}

/* the new clients of each week */
static void new_clients(struct work *w)
{
	struct crm_stats_week *wk;

	for (long long id = 1; id <= w->maxid; id++)
		if (w->stage[id] && w->added[id] != NO_TIME && w->added[id] >= w->since &&
		    (wk = week_of(w, w->added[id])))
			wk->new_clients++;
}

/* --- the whole --- */

static int max_client_id(struct crm *crm, long long *maxid)
{
	sqlite3_stmt *st = crm_stmt(crm, "SELECT coalesce(max(id), 0) FROM clients");

	if (!st)
		return crm_stmt_status(crm);
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : crm_sqlerr(crm, "stats");
	*maxid = rc ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc;
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
	s->median_reply_hours = median(&w->hours[ANY]);
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
	if (since)
		snprintf(s->since, sizeof s->since, "%s", since);
	/* without an end, the period ends now: nothing dated later counts */
	w.open_end = !until;
	if (until)
		snprintf(s->until, sizeof s->until, "%s", until);
	snprintf(w.end, sizeof w.end, "%s", until ? until : "");
	if (!until)   /* now's second included */
		crm_time_from_epoch(crm_now_epoch() + 1, w.end);
	if (crm_time_to_epoch(w.end, &w.until) || (since && crm_time_to_epoch(since, &w.since))) {
		rc = crm_err(crm, CRM_DATAERR, "stats: the period: not a time");
		goto cleanup;
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
	/* every row of the period is read: the file mapped rather than read
	 * a page at a time; then one snapshot for all of it */
	sqlite3_exec(crm->db, "PRAGMA mmap_size = 2147418112", NULL, NULL, NULL);
	if (sqlite3_get_autocommit(crm->db)) {   /* else the caller's snapshot */
		if ((rc = crm_db_exec(crm, "BEGIN", "stats")))
			goto cleanup;
		began = 1;
	}
	if ((rc = max_client_id(crm, &w.maxid)))
		goto cleanup;
	size_t n = (size_t)w.maxid + 1;
	w.stage = calloc(n, 1);
	w.far = calloc(n, 1);
	w.flags = calloc(n, 1);
	w.added = calloc(n, sizeof *w.added);
	w.mark = calloc(n, sizeof *w.mark);
	w.won_at = calloc(n, sizeof *w.won_at);
	w.group = grouped(by) ? calloc(n, sizeof *w.group) : NULL;
	if (!w.stage || !w.far || !w.flags || !w.added || !w.mark || !w.won_at ||
	    (grouped(by) && !w.group)) {
		rc = crm_err(crm, CRM_SOFTWARE, "stats: out of memory for %lld clients", w.maxid);
		goto cleanup;
	}
	if (!(rc = pass_clients(&w, flt)) && !(rc = pass_history(&w)) &&
	    !(rc = tally_clients(&w)) && !(rc = comms_span(&w))) {
		make_weeks(&w);
		new_clients(&w);
		rc = pass_comms(&w);
	}
	if (!rc) {
		rates(&w);
		trim_weeks(&w);
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
	free(w.starts);
	free(w.voids);
	for (int i = 0; i < MAX_NAMES; i++) {
		free(w.days[i].v);
		free(w.hours[i].v);
	}
	free(w.hours[ANY].v);
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
