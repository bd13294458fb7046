/* stats_print.c: the evaluation panel through the printer (see stats.h).
 *
 * Each list has the columns machines read (the figures, rates as
 * fractions) and those a person reads in the table (a count with its
 * bar, a rate in per cent): the table shows the narrow ones, the machine
 * formats every one but a person's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "stats.h"

#define N PCOL_NARROW
#define P (PCOL_PERSON | PCOL_NARROW)
#define BAR_WIDTH 20
#define MAXCOLS 16
#define CELL 96

const char *crm_stats_num(double x, int places, char *buf, size_t size)
{
	char *e;

	if (x < 0)
		return NULL;
	snprintf(buf, size, "%.*f", places, x);
	if (strchr(buf, '.')) {
		for (e = buf + strlen(buf) - 1; *e == '0'; e--)
			*e = '\0';
		if (*e == '.')
			*e = '\0';
	}
	return buf;
}

/* n as a count with a bar of its share of max, its digits padded to
 * those of max: "  12 ██████▍" */
static const char *bar(long long n, long long max, char *buf, size_t size)
{
	static const char *const eighths[] = { "", "\u258f", "\u258e", "\u258d", "\u258c",
		"\u258b", "\u258a", "\u2589" };
	int digits = snprintf(NULL, 0, "%lld", max > n ? max : n);
	size_t len = (size_t)snprintf(buf, size, "%*lld ", digits, n);
	long long e = max > 0 ? n * BAR_WIDTH * 8 / max : 0;

	if (n > 0 && e == 0)
		e = 1;   /* something is more than nothing */
	for (long long i = 0; i < e / 8 && len + 4 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "\u2588");
	if (len + 4 < size)
		snprintf(buf + len, size - len, "%s", eighths[e % 8]);
	return buf;
}

/* x as a per cent for a person: "23.5%"; NULL when x < 0 */
static const char *percent(double x, char *buf, size_t size)
{
	if (x < 0)
		return NULL;
	snprintf(buf, size, "%.1f%%", 100 * x);
	return buf;
}

static const char *count(long long n, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", n);
	return buf;
}

double crm_stats_ratio(long long a, long long b)
{
	return b ? (double)a / (double)b : -1;
}

/* A row being made: cell i's text in a buffer of its own */
struct cells {
	char buf[MAXCOLS][CELL];
	const char *v[MAXCOLS];
};

/* Where rows go: a list of the record (the printer shows a person the
 * narrow columns, and machines all but a person's), or the list itself
 * (the columns the format prints, picked here). */
struct out {
	struct printer *pr;
	int record, table;
	int idx[MAXCOLS], k;
	struct pcol sel[MAXCOLS];
};

static void out_begin(struct out *o, const char *key, const char *title,
                      const struct pcol *cols, int n)
{
	if (o->record) {
		printer_list(o->pr, key, title, cols, n);
		return;
	}
	o->k = 0;
	for (int i = 0; i < n; i++)
		if (o->table ? (cols[i].flags & PCOL_NARROW) : !(cols[i].flags & PCOL_PERSON)) {
			o->idx[o->k] = i;
			o->sel[o->k++] = cols[i];
		}
	printer_begin(o->pr, o->sel, o->k);
}

static void out_row(struct out *o, const struct cells *c)
{
	const char *v[MAXCOLS];

	if (o->record) {
		printer_list_vals(o->pr, c->v);
		return;
	}
	for (int i = 0; i < o->k; i++)
		v[i] = c->v[o->idx[i]];
	printer_row(o->pr, v);
}

static void out_end(struct out *o)
{
	if (!o->record)
		printer_end(o->pr);
}

/* cell i of a row: text made in its buffer, or a name of the stats
 * (which outlive the row), or NULL */
static void set(struct cells *c, int i, const char *v)
{
	c->v[i] = v;
}
#define NUM(c, i, x, places) set(c, i, crm_stats_num(x, places, (c)->buf[i], CELL))
#define INT(c, i, n) set(c, i, count(n, (c)->buf[i], CELL))
#define BAR(c, i, n, max) set(c, i, bar(n, max, (c)->buf[i], CELL))
#define PCT(c, i, x) set(c, i, percent(x, (c)->buf[i], CELL))

static const struct pcol stage_cols[] = {
	{ "stage", COL_TEXT, N },
	{ "clients", COL_INT, 0 },
	{ "reached", COL_INT, 0 },
	{ "conversion", COL_INT, 0 },
	{ "median_days", COL_INT, 0 },
	{ "stays", COL_INT, 0 },
	{ "clients", COL_TEXT, P },
	{ "reached", COL_TEXT, P },
	{ "to next", COL_TEXT, P },
	{ "median days", COL_TEXT, P },
};

static void stages(struct out *o, const struct crm_stats *s)
{
	long long max = 0, maxr = 0;
	struct cells c;

	for (int i = 0; i < s->nstages; i++) {
		if (s->stages[i].clients > max)
			max = s->stages[i].clients;
		if (s->stages[i].reached > maxr)
			maxr = s->stages[i].reached;
	}
	out_begin(o, "stages", "Stages (now; reached: ever at it or past it)", stage_cols,
	          (int)(sizeof stage_cols / sizeof *stage_cols));
	for (int i = 0; i < s->nstages; i++) {
		const struct crm_stats_stage *g = &s->stages[i];
		set(&c, 0, g->name);
		INT(&c, 1, g->clients);
		INT(&c, 2, g->reached);
		NUM(&c, 3, g->conversion, 4);
		NUM(&c, 4, g->median_days, 2);
		INT(&c, 5, g->stays);
		BAR(&c, 6, g->clients, max);
		BAR(&c, 7, g->reached, maxr);
		PCT(&c, 8, g->conversion);
		NUM(&c, 9, g->median_days, 1);
		out_row(o, &c);
	}
	out_end(o);
}

static const struct pcol channel_cols[] = {
	{ "channel", COL_TEXT, N },
	{ "contacts", COL_INT, 0 },
	{ "replies", COL_INT, 0 },
	{ "contacted", COL_INT, 0 },
	{ "replied", COL_INT, 0 },
	{ "reply_rate", COL_INT, 0 },
	{ "median_reply_hours", COL_INT, 0 },
	{ "contacts", COL_TEXT, P },
	{ "replied", COL_TEXT, P },
	{ "reply rate", COL_TEXT, P },
	{ "median reply h", COL_TEXT, P },
};

static void channels(struct out *o, const struct crm_stats *s)
{
	long long max = 0;
	struct cells c;

	for (int i = 0; i < s->nchannels; i++)
		if (s->channels[i].contacts > max)
			max = s->channels[i].contacts;
	out_begin(o, "channels", "Channels (replied: after the first contact, on the channel)",
	          channel_cols, (int)(sizeof channel_cols / sizeof *channel_cols));
	for (int i = 0; i < s->nchannels; i++) {
		const struct crm_stats_channel *g = &s->channels[i];
		set(&c, 0, g->name);
		INT(&c, 1, g->contacts);
		INT(&c, 2, g->replies);
		INT(&c, 3, g->contacted);
		INT(&c, 4, g->replied);
		NUM(&c, 5, g->reply_rate, 4);
		NUM(&c, 6, g->median_reply_hours, 2);
		BAR(&c, 7, g->contacts, max);
		snprintf(c.buf[8], CELL, "%lld of %lld", g->replied, g->contacted);
		set(&c, 8, c.buf[8]);
		PCT(&c, 9, g->reply_rate);
		NUM(&c, 10, g->median_reply_hours, 1);
		out_row(o, &c);
	}
	out_end(o);
}

static const struct pcol week_cols[] = {
	{ "week", COL_TEXT, N },
	{ "contacts", COL_INT, 0 },
	{ "replies", COL_INT, 0 },
	{ "new_clients", COL_INT, 0 },
	{ "contacts", COL_TEXT, P },
	{ "replies", COL_TEXT, P },
	{ "new clients", COL_TEXT, P },
};

static void weeks(struct out *o, const struct crm_stats *s)
{
	long long max = 0;
	struct cells c;

	for (int i = 0; i < s->nweeks; i++) {
		if (s->weeks[i].contacts > max)
			max = s->weeks[i].contacts;
		if (s->weeks[i].replies > max)
			max = s->weeks[i].replies;
	}
	out_begin(o, "weeks", "Weeks (from Monday)", week_cols,
	          (int)(sizeof week_cols / sizeof *week_cols));
	for (int i = 0; i < s->nweeks; i++) {
		const struct crm_stats_week *g = &s->weeks[i];
		set(&c, 0, g->start);
		INT(&c, 1, g->contacts);
		INT(&c, 2, g->replies);
		INT(&c, 3, g->new_clients);
		BAR(&c, 4, g->contacts, max);
		BAR(&c, 5, g->replies, max);
		INT(&c, 6, g->new_clients);
		out_row(o, &c);
	}
	out_end(o);
}

static const struct pcol group_cols[] = {
	{ NULL, COL_TEXT, N },   /* operator_id or source_type */
	{ "name", COL_TEXT, N },
	{ "clients", COL_INT, 0 },
	{ "contacts", COL_INT, 0 },
	{ "contacted", COL_INT, 0 },
	{ "replied", COL_INT, 0 },
	{ "reply_rate", COL_INT, 0 },
	{ "won", COL_INT, N },
	{ "won_touches", COL_INT, 0 },
	{ "touches_per_won", COL_INT, 0 },
	{ "clients", COL_TEXT, P },
	{ "contacts", COL_TEXT, P },
	{ "reply rate", COL_TEXT, P },
	{ "touches per won", COL_TEXT, P },
};

/* by operator (with its name) or by source type (none: its column
 * dropped, and the cells of the row with it) */
static void groups(struct out *o, const struct crm_stats *s, int operators)
{
	struct pcol cols[sizeof group_cols / sizeof *group_cols];
	int n = 0;
	long long max = 0;
	struct cells c;

	for (int i = 0; i < (int)(sizeof group_cols / sizeof *group_cols); i++)
		if (operators || i != 1)
			cols[n++] = group_cols[i];
	cols[0].name = operators ? "operator_id" : "source_type";
	cols[0].type = operators ? COL_INT : COL_TEXT;
	for (int i = 0; i < s->ngroups; i++)
		if (s->groups[i].clients > max)
			max = s->groups[i].clients;
	out_begin(o, operators ? "operators" : "sources", operators ? "Operators" : "Sources",
	          cols, n);
	for (int i = 0; i < s->ngroups; i++) {
		const struct crm_stats_group *g = &s->groups[i];
		double rate = crm_stats_ratio(g->replied, g->contacted), per = crm_stats_ratio(g->won_touches, g->won);
		set(&c, 0, g->key);
		set(&c, 1, g->name);
		INT(&c, 2, g->clients);
		INT(&c, 3, g->contacts);
		INT(&c, 4, g->contacted);
		INT(&c, 5, g->replied);
		NUM(&c, 6, rate, 4);
		INT(&c, 7, g->won);
		INT(&c, 8, g->won_touches);
		NUM(&c, 9, per, 2);
		BAR(&c, 10, g->clients, max);
		INT(&c, 11, g->contacts);
		PCT(&c, 12, rate);
		NUM(&c, 13, per, 1);
		if (!operators)
			memmove(&c.v[1], &c.v[2], (MAXCOLS - 2) * sizeof c.v[0]);
		out_row(o, &c);
	}
	out_end(o);
}

/* the totals: for machines, and for a person */
static const struct pcol total_cols[] = {
	{ "since", COL_TIME, 0 },
	{ "until", COL_TIME, 0 },
	{ "clients", COL_INT, 0 },
	{ "contacts", COL_INT, 0 },
	{ "replies", COL_INT, 0 },
	{ "contacted", COL_INT, 0 },
	{ "replied", COL_INT, 0 },
	{ "reply_rate", COL_INT, 0 },
	{ "median_reply_hours", COL_INT, 0 },
	{ "won", COL_INT, 0 },
	{ "won_touches", COL_INT, 0 },
	{ "touches_per_won", COL_INT, 0 },
};

static const struct pcol person_cols[] = {
	{ "period", COL_TEXT, P },
	{ "clients", COL_TEXT, P },
	{ "contacts", COL_TEXT, P },
	{ "replies", COL_TEXT, P },
	{ "reply rate", COL_TEXT, P },
	{ "median reply", COL_TEXT, P },
	{ "won", COL_TEXT, P },
	{ "touches per won", COL_TEXT, P },
};

static void totals(struct printer *pr, const struct crm_stats *s, int table)
{
	struct cells c;
	char a[CRM_LOCAL_LEN], b[CRM_LOCAL_LEN], t[24];

	if (!table) {
		set(&c, 0, *s->since ? s->since : NULL);
		set(&c, 1, *s->until ? s->until : NULL);
		INT(&c, 2, s->clients);
		INT(&c, 3, s->contacts);
		INT(&c, 4, s->replies);
		INT(&c, 5, s->contacted);
		INT(&c, 6, s->replied);
		NUM(&c, 7, s->reply_rate, 4);
		NUM(&c, 8, s->median_reply_hours, 2);
		INT(&c, 9, s->won);
		INT(&c, 10, s->won_touches);
		NUM(&c, 11, crm_stats_ratio(s->won_touches, s->won), 2);
		printer_record_vals(pr, total_cols, (int)(sizeof total_cols / sizeof *total_cols), c.v);
		return;
	}
	if (!*s->since || crm_time_local_text(s->since, a))
		strcpy(a, "the start");
	if (!*s->until || crm_time_local_text(s->until, b))
		strcpy(b, "now");
	snprintf(c.buf[0], CELL, "from %s to %s", a, b);
	set(&c, 0, c.buf[0]);
	INT(&c, 1, s->clients);
	snprintf(c.buf[2], CELL, "%lld outbound, to %lld clients", s->contacts, s->contacted);
	set(&c, 2, c.buf[2]);
	snprintf(c.buf[3], CELL, "%lld inbound", s->replies);
	set(&c, 3, c.buf[3]);
	snprintf(c.buf[4], CELL, "%s (%lld of %lld clients contacted)",
	         percent(s->reply_rate, t, sizeof t) ? t : "-", s->replied, s->contacted);
	set(&c, 4, c.buf[4]);
	if (crm_stats_num(s->median_reply_hours, 1, t, sizeof t))
		snprintf(c.buf[5], CELL, "%s h after the first contact", t);
	set(&c, 5, s->median_reply_hours < 0 ? "-" : c.buf[5]);
	INT(&c, 6, s->won);
	NUM(&c, 7, crm_stats_ratio(s->won_touches, s->won), 1);
	printer_record_vals(pr, person_cols, (int)(sizeof person_cols / sizeof *person_cols), c.v);
}

int crm_stats_print(struct crm *crm, const struct crm_stats *s, enum crm_stats_by by,
                    struct printer *pr)
{
	struct out o = { .pr = pr, .record = by == STATS_ALL, .table = crm->fmt == FMT_TABLE };

	switch (by) {
	case STATS_ALL:
		totals(pr, s, o.table);
		if (crm->fmt != FMT_TSV && crm->fmt != FMT_CSV) {
			stages(&o, s);
			channels(&o, s);
			weeks(&o, s);
		}
		printer_record_end(pr);
		break;
	case STATS_STAGE:
		stages(&o, s);
		break;
	case STATS_CHANNEL:
		channels(&o, s);
		break;
	case STATS_WEEK:
		weeks(&o, s);
		break;
	case STATS_OPERATOR:
	case STATS_SOURCE:
		groups(&o, s, by == STATS_OPERATOR);
		break;
	}
	return 0;
}
