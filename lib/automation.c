/* automation.c: the rules of automation.* (see automation.h), and the
 * changes that switch automation on, off or pause it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "change.h"
#include "client.h"
#include "notify.h"

const char *const crm_rule_names[RULE_COUNT] = {
	"automation", "paused", "stage", "do_not_contact", "status", "max_touches",
	"followup", "quiet_hours",
};

const char *const crm_touch_kinds[] = {
	"email", "form", "fb_message", "sms", "whatsapp", "call", NULL
};

int crm_is_touch(int inbound, const char *kind)
{
	return !inbound && kind && crm_in_set(kind, crm_touch_kinds);
}

/* the rules no passing of time changes */
#define STATIC_RULES (1u << RULE_AUTOMATION | 1u << RULE_STAGE | 1u << RULE_DNC | \
                      1u << RULE_STATUS | 1u << RULE_MAX_TOUCHES)

static long long floor_mod(long long a, long long b)
{
	long long m = a % b;
	return m < 0 ? m + b : m;
}

/* Whether at is inside automation.quiet_hours ([start, end) in local time
 * of automation.timezone; start after end crosses midnight), and when
 * that window ends (*end).  The answer for the last time asked is kept:
 * a list asks for one time, now, for every client. */
struct quiet {
	long long at, end;
	int quiet, minute, set;
};

static int quiet_at(struct crm *crm, long long at, struct quiet *out)
{
	static struct quiet last;
	static const char *last_cfg;
	const char *q = crm->cfg.automation.quiet_hours, *zone = crm->cfg.automation.timezone;
	int sh, sm, eh, em, s, e, rc;
	long off, off_end;
	long long local, day, lend;

	if (last.set && last.at == at && last_cfg == q) {
		*out = last;
		return 0;
	}
	memset(out, 0, sizeof *out);
	out->at = out->end = at;
	if ((rc = crm_zone_offset(zone, at, &off)))
		return rc;
	local = at + off;
	day = local - floor_mod(local, 86400);
	out->minute = (int)((local - day) / 60);
	if (q && sscanf(q, "%d:%d-%d:%d", &sh, &sm, &eh, &em) == 4) {
		s = sh * 60 + sm;
		e = eh * 60 + em;
		out->quiet = s < e ? out->minute >= s && out->minute < e :
		             s > e ? out->minute >= s || out->minute < e : 0;
		if (out->quiet) {
			/* the next local e:00 o'clock, in the offset it has then */
			lend = day + e * 60LL;
			if (lend <= local)
				lend += 86400;
			if ((rc = crm_zone_offset(zone, lend - off, &off_end)))
				return rc;
			out->end = lend - off_end;
			if (out->end <= at)
				out->end = at + 60;
		}
	}
	out->set = 1;
	last = *out;
	last_cfg = q;
	return 0;
}

/* the wait before touch touches + 1, in seconds: followup_days[touches - 1],
 * the last value repeating */
static long long followup_wait(const struct crm *crm, long long touches)
{
	int n = crm->cfg.automation.nfollowup_days;

	if (n <= 0 || touches <= 0)
		return 0;
	return crm->cfg.automation.followup_days[touches - 1 < n ? touches - 1 : n - 1] * 86400LL;
}

static void put_time(char *out, size_t size, const char *before, long long t)
{
	char s[CRM_TIME_LEN];

	crm_time_from_epoch(t, s);
	snprintf(out, size, "%s%s", before, s);
}

int crm_auto_eval(struct crm *crm, const struct crm_auto_client *c, long long at,
                  struct crm_auto_verdict *v, char (*text)[CRM_RULE_TEXT])
{
	const struct crm_config *cfg = &crm->cfg;
	long long wait = 0, ready, next;
	struct quiet q;
	int rc, in_stages = c->stage && crm_strlist_has(&cfg->automation.stages, c->stage),
	    terminal = c->stage && crm_config_is_terminal(cfg, c->stage),
	    touched = c->touches > 0 && c->last_touch >= 0;

	v->failed = 0;
	if (!c->enabled)
		v->failed |= 1u << RULE_AUTOMATION;
	if (c->paused_until > at)
		v->failed |= 1u << RULE_PAUSED;
	if (!in_stages || terminal)
		v->failed |= 1u << RULE_STAGE;
	if (c->dnc)
		v->failed |= 1u << RULE_DNC;
	if (!c->status || strcmp(c->status, "active"))
		v->failed |= 1u << RULE_STATUS;
	if (c->touches >= cfg->automation.max_touches)
		v->failed |= 1u << RULE_MAX_TOUCHES;
	/* never touched: due at once */
	ready = c->created;
	if (touched) {
		wait = followup_wait(crm, c->touches);
		ready = c->last_touch + wait;
		if (at < ready)
			v->failed |= 1u << RULE_FOLLOWUP;
	}
	if ((rc = quiet_at(crm, at, &q)))
		return rc;
	if (q.quiet)
		v->failed |= 1u << RULE_QUIET_HOURS;
	v->due_since = c->paused_until > ready ? c->paused_until : ready;
	/* the first time every rule holds: after the pause and the wait,
	 * out of the quiet hours then */
	v->next = -1;
	if (!(v->failed & STATIC_RULES)) {
		next = v->due_since > at ? v->due_since : at;
		if (next != at && (rc = quiet_at(crm, next, &q)))
			return rc;
		v->next = q.quiet ? q.end : next;
		if (next != at)
			quiet_at(crm, at, &q);   /* leave now's answer kept */
	}
	if (!text)
		return 0;
	snprintf(text[RULE_AUTOMATION], CRM_RULE_TEXT, "%s", c->enabled ? "on" : "off");
	if (c->paused_until < 0)
		snprintf(text[RULE_PAUSED], CRM_RULE_TEXT, "not paused");
	else
		put_time(text[RULE_PAUSED], CRM_RULE_TEXT, c->paused_until > at ? "until " :
		         "pause ended ", c->paused_until);
	snprintf(text[RULE_STAGE], CRM_RULE_TEXT, "%.60s%s", c->stage ? c->stage : "",
	         terminal ? ": terminal" : !in_stages ? ": not in automation.stages" : "");
	snprintf(text[RULE_DNC], CRM_RULE_TEXT, "%s", c->dnc ? "listed" : "not listed");
	snprintf(text[RULE_STATUS], CRM_RULE_TEXT, "%.60s", c->status ? c->status : "");
	snprintf(text[RULE_MAX_TOUCHES], CRM_RULE_TEXT, "%lld of %d", c->touches,
	         cfg->automation.max_touches);
	if (touched) {
		char last[CRM_TIME_LEN], due[CRM_TIME_LEN];
		crm_time_from_epoch(c->last_touch, last);
		crm_time_from_epoch(ready, due);
		snprintf(text[RULE_FOLLOWUP], CRM_RULE_TEXT, "last touch %s, wait %lldd: due %s",
		         last, wait / 86400, due);
	} else {
		snprintf(text[RULE_FOLLOWUP], CRM_RULE_TEXT, "never touched");
	}
	if (!cfg->automation.quiet_hours)
		snprintf(text[RULE_QUIET_HOURS], CRM_RULE_TEXT, "none");
	else
		snprintf(text[RULE_QUIET_HOURS], CRM_RULE_TEXT, "%02d:%02d %s %.20s %.60s",
		         q.minute / 60, q.minute % 60, q.quiet ? "in" : "not in",
		         cfg->automation.quiet_hours, cfg->automation.timezone);
	return 0;
}

static long long column_time(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	long long t;

	return s && !crm_time_to_epoch(s, &t) ? t : -1;
}

void crm_auto_client_row(sqlite3_stmt *st, int first, struct crm_auto_client *c)
{
	c->enabled = sqlite3_column_int(st, first) != 0;
	c->paused_until = column_time(st, first + 1);
	c->stage = (const char *)sqlite3_column_text(st, first + 2);
	c->status = (const char *)sqlite3_column_text(st, first + 3);
	c->dnc = sqlite3_column_int(st, first + 4) != 0;
	c->touches = sqlite3_column_int64(st, first + 5);
	c->last_touch = column_time(st, first + 6);
	c->created = column_time(st, first + 7);
}

int crm_auto_touch_check(struct crm *crm, long long id, const struct crm_auto_client *c,
                         long long at, int strict, int notify, int *violated)
{
	char text[RULE_COUNT][CRM_RULE_TEXT], msg[CRM_RULE_TEXT + 128], t[CRM_TIME_LEN];
	struct crm_auto_verdict v;
	int rc, r = 0;

	*violated = 0;
	/* a touch older than the last one is history brought in late, not
	 * a contact made now */
	if (c->last_touch >= 0 && at < c->last_touch)
		return 0;
	if ((rc = crm_auto_eval(crm, c, at, &v, NULL)) || !v.failed)
		return rc;
	*violated = 1;
	if ((rc = crm_auto_eval(crm, c, at, &v, text)))
		return rc;
	while (!(v.failed & 1u << r))
		r++;
	crm_time_from_epoch(at, t);
	snprintf(msg, sizeof msg, "client %lld: touched at %s but not due: %s (%.*s)", id, t,
	         crm_rule_names[r], CRM_RULE_TEXT, text[r]);
	if (strict)
		return crm_err(crm, CRM_DATAERR, "%s", msg);
	return notify ? crm_notify_add(crm, "violation", id, msg, NULL, NULL) : 0;
}

/* automation_enabled and automation_paused_until of client id, owned */
static int auto_state(struct crm *crm, long long id, int *enabled, char **paused)
{
	static const char sql[] =
		"SELECT automation_enabled, automation_paused_until FROM clients WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*paused = NULL;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*enabled = sqlite3_column_int(st, 0);
		*paused = crm_column_dup(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_NOTFOUND, "client %lld: not found", id);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "automation");
}

static const char enabled_sql[] =
	"UPDATE clients SET automation_enabled = ?2, updated_at = ?3"
	" WHERE id = ?1 AND automation_enabled IS NOT ?2";
static const char paused_sql[] =
	"UPDATE clients SET automation_paused_until = ?2, updated_at = ?3"
	" WHERE id = ?1 AND automation_paused_until IS NOT ?2";

/* client id: automation on or off (on: no pause either), or (until set)
 * paused until then; *changed when something did */
static int set_one(struct crm *crm, long long id, int on, const char *until, int *changed)
{
	char *paused;
	int enabled = 0, rc, c1 = 0, c2 = 0;

	if ((rc = auto_state(crm, id, &enabled, &paused)))
		return rc;
	if (until) {
		rc = crm_change_column(crm, paused_sql, until, &(struct crm_change){
			CHANGE_CLIENT_AUTOMATION, id, "automation_paused_until", paused, until,
			NULL }, &c2);
	} else {
		rc = crm_change_column(crm, enabled_sql, on ? "1" : "0", &(struct crm_change){
			CHANGE_CLIENT_AUTOMATION, id, "automation_enabled", enabled ? "1" : "0",
			on ? "1" : "0", NULL }, &c1);
		if (!rc && on && paused)
			rc = crm_change_column(crm, paused_sql, NULL, &(struct crm_change){
				CHANGE_CLIENT_AUTOMATION, id, "automation_paused_until", paused, NULL,
				NULL }, &c2);
	}
	free(paused);
	*changed += c1 || c2;
	return rc;
}

static int set_all(struct crm *crm, const long long *ids, int n, int on, const char *until,
                   int *changed)
{
	int rc, own;

	*changed = 0;
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	for (int i = 0; i < n && !rc; i++)
		rc = set_one(crm, ids[i], on, until, changed);
	if ((rc = crm_tx_end(crm, own, rc)))
		*changed = 0;
	return rc;
}

int crm_auto_set(struct crm *crm, const long long *ids, int n, int on, int *changed)
{
	return set_all(crm, ids, n, on, NULL, changed);
}

int crm_auto_pause(struct crm *crm, const long long *ids, int n, const char *until,
                   int *changed)
{
	return set_all(crm, ids, n, 0, until, changed);
}

int crm_auto_stage_changed(struct crm *crm, long long id, const char *stage)
{
	static const char sql[] =
		"UPDATE clients SET automation_enabled = ?2, updated_at = ?3"
		" WHERE id = ?1 AND automation_enabled";
	char why[128];

	if (!stage || !crm_config_is_terminal(&crm->cfg, stage))
		return 0;
	snprintf(why, sizeof why, "stage '%.60s' is terminal", stage);
	return crm_client_set_column(crm, id, sql, "0", CHANGE_CLIENT_AUTOMATION,
	                             "automation_enabled", "1", "0", why);
}
