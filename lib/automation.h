/* automation.h: whom the bot may contact now (crm automation).
 *
 * One function, crm_auto_eval, holds the rules of automation.*: `automation
 * due` asks it for every client its query finds, `automation why` for one
 * client rule by rule, and `comm log` for the client an outbound touch
 * goes to.  The state it reads is the client's row, kept by comm.c
 * (touches, last_touch_at) and by the commands that switch automation. */
#ifndef CRM_AUTOMATION_H
#define CRM_AUTOMATION_H

#include "crm.h"
#include "print.h"

/* the rules, in the order they are checked and `why` prints them */
enum crm_rule {
	RULE_AUTOMATION,   /* automation_enabled */
	RULE_PAUSED,       /* automation_paused_until not after the time */
	RULE_STAGE,        /* in automation.stages, not terminal */
	RULE_DNC,          /* not on do-not-contact */
	RULE_STATUS,       /* active: not archived nor forgotten */
	RULE_MAX_TOUCHES,  /* touches < automation.max_touches */
	RULE_FOLLOWUP,     /* the last touch followup_days[touches - 1] days old */
	RULE_QUIET_HOURS,  /* outside automation.quiet_hours */
	RULE_COUNT
};
/* "automation", "paused", ...: as `why` and violation notifications
 * name them */
extern const char *const crm_rule_names[RULE_COUNT];

/* The kinds of an outbound communication that count as a touch (not a
 * note, a meeting or a marked contact); NULL-terminated. */
extern const char *const crm_touch_kinds[];
int crm_is_touch(int inbound, const char *kind);
/* The same in SQL, for the statements that count a client's touches again
 * from its communications (merge, undo): the SET of touches, last_touch_at
 * and last_touch_channel for the client row aliased c. */
#define CRM_TOUCH_SQL "m.client_id = c.id AND m.direction = 'out'" \
	" AND m.kind IN ('email', 'form', 'fb_message', 'sms', 'whatsapp', 'call')"
#define CRM_TOUCHES_SET \
	" touches = (SELECT count(*) FROM communications m WHERE " CRM_TOUCH_SQL ")," \
	" last_touch_at = (SELECT max(m.occurred_at) FROM communications m WHERE " CRM_TOUCH_SQL ")," \
	" last_touch_channel = (SELECT m.channel FROM communications m WHERE " CRM_TOUCH_SQL \
	"  ORDER BY m.occurred_at DESC, m.id DESC LIMIT 1)"

/* What the rules read of a client.  Times are epoch seconds, -1: none. */
struct crm_auto_client {
	int enabled;
	long long paused_until;
	const char *stage, *status;
	int dnc;
	long long touches;
	long long last_touch;
	long long created;
};

struct crm_auto_verdict {
	unsigned failed;        /* a bit (1 << rule) for each rule that fails; 0: due */
	long long due_since;    /* due or not: when the follow-up wait ended (the
	                           client's creation when never touched), or the
	                           end of a pause that ended later */
	long long next;         /* when all rules will hold: at itself when due;
	                           -1 never (a rule no time changes fails) */
};

#define CRM_RULE_TEXT 128
/* Evaluate every rule for client c at time at (epoch).  With text, each
 * rule's deciding value is written there, for a person ("3 of 4",
 * "22:30 in 21:00-08:00 Europe/Madrid").  0, or a status when the
 * automation time zone cannot be read. */
int crm_auto_eval(struct crm *crm, const struct crm_auto_client *c, long long at,
                  struct crm_auto_verdict *v, char (*text)[CRM_RULE_TEXT]);

/* Within lib/: c from columns first .. first + 7 of st (automation_enabled,
 * automation_paused_until, stage, status, dnc, touches, last_touch_at,
 * created_at); the strings live until st moves. */
#define CRM_AUTO_COLUMNS "c.automation_enabled, c.automation_paused_until, c.stage," \
	" c.status, c.dnc, c.touches, c.last_touch_at, c.created_at"
void crm_auto_client_row(sqlite3_stmt *st, int first, struct crm_auto_client *c);

/* comm log: an outbound touch to client id at time at that breaks a rule
 * (its state as c has it, before the touch) writes a `violation`
 * notification naming the first rule broken, or with strict is refused:
 * CRM_DATAERR "client N: not due: RULE (VALUE)".  *violated says whether
 * it broke one; notify 0 writes no notification (a batch writes one a
 * client). */
int crm_auto_touch_check(struct crm *crm, long long id, const struct crm_auto_client *c,
                         long long at, int strict, int notify, int *violated);

/* on (1) or off (0) for each client of ids, one transaction, with a
 * history row each one that changes; on also ends a pause.  *changed
 * counts them. */
int crm_auto_set(struct crm *crm, const long long *ids, int n, int on, int *changed);
/* pause each client of ids until the canonical time until */
int crm_auto_pause(struct crm *crm, const long long *ids, int n, const char *until,
                   int *changed);

/* A client whose stage is now a terminal one: its automation off, with
 * a history row (lib/client.c calls it on every stage change). */
int crm_auto_stage_changed(struct crm *crm, long long id, const char *stage);

/* automation due: the clients the filter selects that are due now, in
 * order of the touch due longest ago, then viability, highest first;
 * channel (may be NULL) keeps those whose channel is one of them.
 * Columns: id, name, email, phone, channel, touch, ai_mode, viability,
 * last_contacted_at, due_since.  A follow-up due more than
 * notify.overdue_hours writes an `overdue` notification, once per client
 * and touch, unless the database is read-only (*readonly says so).
 * CRM_NOTFOUND when none is due.  pr NULL prints nothing. */
struct crm_client_filter;
int crm_auto_due(struct crm *crm, const struct crm_client_filter *flt,
                 const char *const *channel, struct printer *pr, int *readonly);
/* The same, printing nothing (pr NULL lists nothing), for the `overdue`
 * notifications alone: crm notify looks for them before it lists; 0 when
 * none is due. */
int crm_auto_overdue(struct crm *crm, int *readonly);

/* automation why: a row (rule, result, value) for each rule, then
 * next_due: "now", "later" with the time, or "never". */
int crm_auto_why(struct crm *crm, long long id, struct printer *pr);

#endif
