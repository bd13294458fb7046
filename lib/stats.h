/* stats.h: the evaluation panel: is the outreach working?  crm stats
 * prints it, crm report draws it (crm-stats(1) says what each figure
 * means).
 *
 * The clients are those a client filter selects (added before the end of
 * the period, when it has one).  The period [since, until) bounds what
 * happened: communications, stage changes, wins.  The stages are as they
 * stood at its end; the funnel counts each client's whole history up to
 * it. */
#ifndef CRM_STATS_H
#define CRM_STATS_H

#include "crm.h"

struct crm_client_filter;
struct printer;

/* what crm stats --by lists; STATS_ALL: every figure, as one record */
enum crm_stats_by { STATS_ALL, STATS_STAGE, STATS_CHANNEL, STATS_WEEK, STATS_OPERATOR,
	STATS_SOURCE };
/* "stage", ... (NULL-terminated; in the enum's order from STATS_STAGE) */
extern const char *const crm_stats_bys[];

/* A figure that cannot be had (a rate of nothing, a median of no value)
 * is below 0. */
struct crm_stats_stage {
	const char *name;        /* owned by the stats */
	long long clients;       /* in it at the end of the period */
	long long reached;       /* it or a later stage at some time (the
	                            funnel; for the lost stage: ever lost) */
	double conversion;       /* reached of the next funnel stage / reached */
	double median_days;      /* of the stays in it that ended in the period */
	long long stays;         /* how many those are */
	int lost;                /* pipeline.lost: not on the funnel */
};

struct crm_stats_channel {
	const char *name;        /* owned by the stats */
	long long contacts;      /* outbound communications */
	long long replies;       /* inbound communications */
	long long contacted;     /* clients with an outbound one */
	long long replied;       /* of those, clients with an inbound one
	                            after their first outbound one */
	double reply_rate;       /* replied / contacted */
	double median_reply_hours; /* first outbound to first reply after it */
};

struct crm_stats_week {
	char start[11];          /* its Monday, local (display.timezone) */
	long long contacts, replies, new_clients;
};

struct crm_stats_group {
	char *key;               /* the operator's id or the source type (owned);
	                            NULL: none */
	char *name;              /* the operator's name (owned), or NULL */
	long long clients, contacts, contacted, replied, won, won_touches;
};

struct crm_stats {
	char since[CRM_TIME_LEN], until[CRM_TIME_LEN];   /* "" when open */
	long long clients, contacts, replies, contacted, replied;
	double reply_rate, median_reply_hours;
	long long won;           /* clients in a won stage (terminal, not lost)
	                            at the end, who entered it in the period */
	long long won_touches;   /* their outbound communications before that */
	struct crm_stats_stage *stages;   /* configured ones, in order; then
	                                     those of the data the config lacks */
	int nstages;
	struct crm_stats_channel *channels;
	int nchannels;
	struct crm_stats_week *weeks;      /* every week of the period with
	                                      anything in it, and those between */
	int nweeks;
	struct crm_stats_group *groups;    /* for STATS_OPERATOR, STATS_SOURCE */
	int ngroups;
	char **names;            /* the names stages and channels point into */
	int nnames;
};

/* Compute s (the caller frees it with crm_stats_free) for the clients of
 * flt over the period [since, until) (canonical times, NULL: open); by
 * says which groups to count (STATS_OPERATOR, STATS_SOURCE).  65 for a
 * stage or channel of flt the config lacks. */
int crm_stats_compute(struct crm *crm, const struct crm_client_filter *flt,
                      const char *since, const char *until, enum crm_stats_by by,
                      struct crm_stats *s);
void crm_stats_free(struct crm_stats *s);

/* Print s through pr: STATS_ALL as one record (its totals, then the lists
 * of stages, channels and weeks), another as the list it names.  A
 * person's table has a bar for each count. */
int crm_stats_print(struct crm *crm, const struct crm_stats *s, enum crm_stats_by by,
                    struct printer *pr);

/* a / b; -1 (none) when b is 0 */
double crm_stats_ratio(long long a, long long b);

/* the start of the week of t: Monday 00:00 in display.timezone */
long long crm_stats_week_start(long long t);

/* x rounded to places decimal places, without trailing zeros ("0.5",
 * "12"), into buf; NULL (no value) when x < 0 */
const char *crm_stats_num(double x, int places, char *buf, size_t size);

#endif
