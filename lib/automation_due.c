/* automation_due.c: automation due and why (see automation.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "client.h"
#include "notify.h"
#include "query.h"

/* crm_due(id, CRM_AUTO_COLUMNS): the client's due_since (epoch seconds:
 * a number sorts faster than text, and only the rows listed are written
 * as times) when crm_auto_eval finds it due now, else NULL.  The WHERE and the column
 * of the list both ask for the same row: the answer for the last id is
 * kept. */
static void sql_due(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static long long last_id, last_since;
	static int last_due;
	struct crm *crm = sqlite3_user_data(ctx);
	struct crm_auto_client c;
	struct crm_auto_verdict v;
	long long id = sqlite3_value_int64(argv[0]), t;
	const char *s;

	(void)argc;
	if (id && id == last_id) {
		if (last_due)
			sqlite3_result_int64(ctx, last_since);
		else
			sqlite3_result_null(ctx);
		return;
	}
	c.enabled = sqlite3_value_int(argv[1]) != 0;
	s = (const char *)sqlite3_value_text(argv[2]);
	c.paused_until = s && !crm_time_to_epoch(s, &t) ? t : -1;
	c.stage = (const char *)sqlite3_value_text(argv[3]);
	c.status = (const char *)sqlite3_value_text(argv[4]);
	c.dnc = sqlite3_value_int(argv[5]) != 0;
	c.touches = sqlite3_value_int64(argv[6]);
	s = (const char *)sqlite3_value_text(argv[7]);
	c.last_touch = s && !crm_time_to_epoch(s, &t) ? t : -1;
	/* the time it was added decides only for a client never touched */
	s = c.touches > 0 && c.last_touch >= 0 ? NULL : (const char *)sqlite3_value_text(argv[8]);
	c.created = s && !crm_time_to_epoch(s, &t) ? t : 0;
	if (crm_auto_eval(crm, &c, crm_now_epoch(), &v, NULL)) {
		sqlite3_result_error(ctx, crm->err, -1);
		return;
	}
	last_id = id;
	last_due = !v.failed;
	if (!last_due) {
		sqlite3_result_null(ctx);
		return;
	}
	last_since = v.due_since;
	sqlite3_result_int64(ctx, last_since);
}

static int register_due(struct crm *crm)
{
	static sqlite3 *done;

	if (done == crm->db)
		return 0;
	if (sqlite3_create_function_v2(crm->db, "crm_due", 9, SQLITE_UTF8, crm, sql_due,
	                               NULL, NULL, NULL) != SQLITE_OK)
		return crm_sqlerr(crm, "automation due");
	done = crm->db;
	return 0;
}

/* the channel of a due row: the preferred one when it is a channel of
 * the config, else the last touch's; its values bound on q */
static void channel_expr(struct crm *crm, struct query *q)
{
	query_add(q, "CASE WHEN c.channel IN (");
	for (int i = 0; i < crm->cfg.channels.n; i++) {
		query_add(q, i ? ", ?" : "?");
		query_bind_text(q, crm->cfg.channels.v[i]);
	}
	query_add(q, ") THEN c.channel ELSE c.last_touch_channel END");
}

struct overdue {
	long long id, touch;
	char since[CRM_TIME_LEN];
};

/* the overdue follow-ups found, each an `overdue` notification once */
static int notify_overdue(struct crm *crm, const struct overdue *o, int n, int *readonly)
{
	char key[64], msg[160];
	int rc, own;

	/* inside a caller's read snapshot (crm report, which wrote them
	 * first with crm_auto_overdue) nothing is written */
	if (n == 0 || sqlite3_txn_state(crm->db, "main") == SQLITE_TXN_READ)
		return 0;
	if (sqlite3_db_readonly(crm->db, "main") == 1) {
		*readonly = 1;
		return 0;
	}
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		snprintf(key, sizeof key, "overdue:%lld:%lld", o[i].id, o[i].touch);
		snprintf(msg, sizeof msg, "client %lld: touch %lld due since %s, more than %d h ago",
		         o[i].id, o[i].touch, o[i].since, crm->cfg.notify_overdue_hours);
		rc = crm_notify_add(crm, "overdue", o[i].id, msg, key, NULL);
	}
	return crm_tx_end(crm, own, rc);
}

static const struct pcol due_cols[] = {
	{ "id", COL_INT, 0 }, { "name", COL_TEXT, 0 }, { "email", COL_TEXT, 0 },
	{ "phone", COL_TEXT, 0 }, { "channel", COL_TEXT, 0 }, { "touch", COL_INT, 0 },
	{ "ai_mode", COL_TEXT, 0 }, { "viability", COL_INT, 0 },
	{ "last_contacted_at", COL_TIME, PCOL_RELATIVE },
	{ "due_since", COL_TIME, PCOL_RELATIVE },
};
#define NDUE_COLS (int)(sizeof due_cols / sizeof due_cols[0])

int crm_auto_due(struct crm *crm, const struct crm_client_filter *flt,
                 const char *const *channel, struct printer *pr, int *readonly)
{
	struct overdue *od = NULL;
	sqlite3_stmt *st = NULL;
	struct query q;
	long long late = crm->cfg.notify_overdue_hours * 3600LL, now = crm_now_epoch(), t;
	int rc, n = 0, cap = 0, nchan = 0, rows = 0;

	*readonly = 0;
	if ((rc = register_due(crm)) || (rc = crm_fmt_check(crm, due_cols, NDUE_COLS)))
		return rc;
	for (int i = 0; channel && channel[i]; i++, nchan++)
		if (crm_channel_check(crm, channel[i]))
			return CRM_DATAERR;
	/* Which clients are due, and in what order, comes from the index
	 * clients_automation alone (it holds every column the rules read);
	 * the rows of those listed are read afterwards. */
	query_init(&q, "SELECT c.id, c.name, c.email, c.phone, ");
	channel_expr(crm, &q);
	query_add(&q, ", c.touches + 1, c.ai_mode, c.viability, c.last_contacted_at,"
	          " strftime('%Y-%m-%dT%H:%M:%SZ', d.due_since, 'unixepoch')"
	          " FROM (SELECT c.id AS id, c.viability AS viability,"
	          /* CRM_AUTO_COLUMNS, but for the three the WHERE below
	           * settles, as they are there: fewer columns read a row */
	          " crm_due(c.id, 1, c.automation_paused_until, c.stage, 'active', 0,"
	          " c.touches, c.last_touch_at, c.created_at) AS due_since");
	if (nchan) {
		query_add(&q, ", ");
		channel_expr(crm, &q);
		query_add(&q, " AS due_channel");
	}
	query_add(&q, " FROM clients c");
	/* the partial index clients_automation: its condition as it is
	 * written there, and the stages automation works on */
	query_where(&q, "c.automation_enabled = 1 AND c.status = 'active' AND c.dnc = 0");
	query_where(&q, "c.stage IN (");
	for (int i = 0; i < crm->cfg.automation.stages.n; i++) {
		query_add(&q, i ? ", ?" : "?");
		query_bind_text(&q, crm->cfg.automation.stages.v[i]);
	}
	query_add(&q, ")");
	if ((rc = crm_client_where(crm, &q, flt)))
		goto done;
	query_where(&q, "due_since IS NOT NULL");
	if (nchan)
		query_where_in(&q, "due_channel IN (?)", channel, 0);
	/* sorted once: inside, when a LIMIT takes the first; outside, for
	 * the rows printed (notify's look for overdue ones prints none) */
	if (flt->limit >= 0 || flt->offset > 0) {
		query_add(&q, " ORDER BY due_since, c.viability DESC NULLS LAST, c.id"
		          " LIMIT ? OFFSET ?");
		query_bind_int(&q, flt->limit);
		query_bind_int(&q, flt->offset);
	}
	query_add(&q, ") d JOIN clients c ON c.id = d.id");
	if (pr)
		query_add(&q, " ORDER BY d.due_since, d.viability DESC NULLS LAST, d.id");
	/* the query reads a row of every client automation may work on: the
	 * file mapped rather than read a page at a time */
	sqlite3_exec(crm->db, "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
	if ((rc = query_prepare(crm, &q, &st)))
		goto done;
	if (pr)
		printer_begin(pr, due_cols, NDUE_COLS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		if (pr)
			printer_row_stmt(pr, st);
		/* a follow-up (touch 2 on) late by more than notify.overdue_hours */
		const char *since = (const char *)sqlite3_column_text(st, 9);
		if (late > 0 && sqlite3_column_int64(st, 5) > 1 && since &&
		    !crm_time_to_epoch(since, &t) && now - t > late) {
			if (n == cap)
				od = xrealloc(od, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *od);
			od[n].id = sqlite3_column_int64(st, 0);
			od[n].touch = sqlite3_column_int64(st, 5);
			snprintf(od[n++].since, CRM_TIME_LEN, "%s", since);
		}
	}
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "automation due");
	if ((pr ? printer_end(pr) : rows) == 0 && !rc)
		rc = CRM_NOTFOUND;
	sqlite3_finalize(st);
	st = NULL;
	if (!rc || rc == CRM_NOTFOUND) {
		int nrc = notify_overdue(crm, od, n, readonly);
		rc = nrc ? nrc : rc;
	}
done:
	sqlite3_finalize(st);
	free(od);
	query_free(&q);
	return rc;
}

int crm_auto_why(struct crm *crm, long long id, struct printer *pr)
{
	static const char sql[] = "SELECT " CRM_AUTO_COLUMNS " FROM clients c WHERE c.id = ?1";
	static const struct pcol cols[] = {
		{ "rule", COL_TEXT, 0 }, { "result", COL_TEXT, 0 }, { "value", COL_TEXT, 0 },
	};
	char text[RULE_COUNT][CRM_RULE_TEXT], next[CRM_TIME_LEN], why[CRM_RULE_TEXT];
	struct crm_auto_client c;
	struct crm_auto_verdict v;
	sqlite3_stmt *st = crm_stmt(crm, sql);
	long long now = crm_now_epoch();
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	if ((rc = crm_fmt_check(crm, cols, 3)))
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? crm_err(crm, CRM_NOTFOUND, "client %lld: not found", id) :
		       crm_sqlerr(crm, "automation why");
	}
	crm_auto_client_row(st, 0, &c);
	rc = crm_auto_eval(crm, &c, now, &v, text);
	if (!rc) {
		printer_begin(pr, cols, 3);
		for (int r = 0; r < RULE_COUNT; r++)
			printer_row(pr, (const char *const[]){ crm_rule_names[r],
				v.failed & 1u << r ? "fail" : "pass", text[r] });
		why[0] = '\0';
		for (int r = 0; r < RULE_COUNT && v.next < 0; r++)
			if (v.failed & 1u << r) {
				snprintf(why, sizeof why, "%s fails", crm_rule_names[r]);
				break;
			}
		if (v.next >= 0)
			crm_time_from_epoch(v.next, next);
		printer_row(pr, (const char *const[]){ "next_due",
			v.next < 0 ? "never" : v.next <= now ? "now" : "later",
			v.next < 0 ? why : next });
		printer_end(pr);
	}
	sqlite3_reset(st);
	return rc;
}

int crm_auto_overdue(struct crm *crm, int *readonly)
{
	struct crm_client_filter flt;
	int rc;

	*readonly = 0;
	if (crm->cfg.notify_overdue_hours <= 0)
		return 0;   /* none is ever overdue */
	crm_client_filter_init(&flt);
	rc = crm_auto_due(crm, &flt, NULL, NULL, readonly);
	return rc == CRM_NOTFOUND ? 0 : rc;
}
