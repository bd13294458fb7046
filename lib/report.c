/* report.c: crm report: the evaluation panel as one HTML page for a
 * weekly mail (see report.h).  No script, no font, no image from
 * elsewhere: the charts are inline SVG drawn here, the lists are the
 * printer's html back-end, and the figures are those of crm stats. */
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "client.h"
#include "html.h"
#include "notify.h"
#include "print.h"
#include "report.h"
#include "stats.h"

#define LIST_ROWS 25   /* of each list: the first, and how many in all */

static const char style[] =
	":root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--out:#2f6fde;--in:#e8833a;"
	"--bar:#3f8f74}\n"
	"body{font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
	"color:var(--ink);margin:0 auto;max-width:60rem;padding:1rem}\n"
	"h1{font-size:1.5rem;margin:.2rem 0}\n"
	"h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line)}\n"
	".meta,.none,.note{color:var(--muted);font-size:.9rem}\n"
	".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.6rem}\n"
	".tile{border:1px solid var(--line);border-radius:6px;padding:.5rem .7rem}\n"
	".tile b{display:block;font-size:1.4rem}\n"
	"svg{width:100%;height:auto;display:block;margin:.4rem 0}\n"
	"svg text{font:12px system-ui,sans-serif;fill:var(--ink)}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
	"th,td{text-align:left;padding:.25rem .45rem;border-bottom:1px solid var(--line);"
	"vertical-align:top}\n"
	"th{font-weight:600}\n"
	".n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"section{break-inside:avoid}\n"
	"@media (max-width:640px){svg text{font-size:19px}.tile b{font-size:1.2rem}}\n"
	"@media print{@page{size:A4;margin:14mm}body{max-width:none;padding:0;font-size:10pt}"
	".scroll{overflow:visible}}\n";

/* a figure for a person: "12", "50.0%", "4.5"; "-" for none */
static const char *num(double x, const char *fmt, char *buf, size_t size)
{
	if (x < 0)
		return "-";
	snprintf(buf, size, fmt, x);
	return buf;
}

/* a cell of a figure, with its value for machines (as crm stats gives it) */
static void cell(FILE *out, double x, int places, const char *shown)
{
	char v[32];
	const char *m = crm_stats_num(x, places, v, sizeof v);

	fprintf(out, "<td class=\"n\" data-value=\"%s\">", m ? m : "");
	html_put(out, shown);
	fputs("</td>", out);
}

static void count_cell(FILE *out, long long n)
{
	fprintf(out, "<td class=\"n\">%lld</td>", n);
}

static void tile(FILE *out, const char *id, const char *label, const char *value)
{
	fprintf(out, "<div class=\"tile\" id=\"%s\">", id);
	html_put(out, label);
	fputs("<b>", out);
	html_put(out, value);
	fputs("</b></div>\n", out);
}

static void tiles(FILE *out, const struct crm_stats *s)
{
	char b[32];

	fputs("<div class=\"tiles\">\n", out);
	snprintf(b, sizeof b, "%lld", s->clients);
	tile(out, "t-clients", "Clients", b);
	snprintf(b, sizeof b, "%lld", s->contacts);
	tile(out, "t-contacts", "Contacts sent", b);
	snprintf(b, sizeof b, "%lld", s->replies);
	tile(out, "t-replies", "Replies", b);
	tile(out, "t-rate", "Reply rate", num(100 * s->reply_rate, "%.1f%%", b, sizeof b));
	tile(out, "t-reply-hours", "Median time to reply",
	     s->median_reply_hours < 0 ? "-" : num(s->median_reply_hours, "%.1f h", b, sizeof b));
	snprintf(b, sizeof b, "%lld", s->won);
	tile(out, "t-won", "Won", b);
	tile(out, "t-touches-per-won", "Touches per won client",
	     num(crm_stats_ratio(s->won_touches, s->won), "%.1f", b, sizeof b));
	fputs("</div>\n", out);
}

/* --- the funnel: a bar for each stage of it, centred, its width the
 * clients that reached it --- */

static void funnel(FILE *out, const struct crm_stats *s)
{
	long long max = 0;
	int n = 0, y = 0;
	char b[32];

	for (int i = 0; i < s->nstages; i++)
		if (!s->stages[i].lost && (i == 0 || s->stages[i].reached || s->stages[i].clients)) {
			n++;
			if (s->stages[i].reached > max)
				max = s->stages[i].reached;
		}
	fprintf(out, "<svg viewBox=\"0 0 600 %d\" role=\"img\" aria-label=\"funnel: clients"
	        " that reached each stage\">\n", n * 30 + 6);
	for (int i = 0; i < s->nstages; i++) {
		const struct crm_stats_stage *g = &s->stages[i];
		if (g->lost || !(i == 0 || g->reached || g->clients))
			continue;
		double w = max ? 340.0 * (double)g->reached / (double)max : 0;
		fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"24\" rx=\"3\""
		        " fill=\"var(--bar)\"/>", 300 - w / 2, y + 3, w);
		fprintf(out, "<text x=\"8\" y=\"%d\">", y + 20);
		html_put(out, g->name);
		fprintf(out, "</text><text x=\"592\" y=\"%d\" text-anchor=\"end\">%lld", y + 20,
		        g->reached);
		if (g->conversion >= 0)
			fprintf(out, " \u2192 %s", num(100 * g->conversion, "%.0f%%", b, sizeof b));
		fputs("</text>\n", out);
		y += 30;
	}
	fputs("</svg>\n", out);
}

static void stage_table(FILE *out, const struct crm_stats *s)
{
	char b[32];

	fputs("<div class=\"scroll\"><table id=\"stages\"><thead><tr><th>stage</th>"
	      "<th class=\"n\">clients</th><th class=\"n\">reached</th>"
	      "<th class=\"n\">to next</th><th class=\"n\">median days</th></tr></thead>\n"
	      "<tbody>\n", out);
	for (int i = 0; i < s->nstages; i++) {
		const struct crm_stats_stage *g = &s->stages[i];
		fputs("<tr><td>", out);
		html_put(out, g->name);
		fputs("</td>", out);
		count_cell(out, g->clients);
		count_cell(out, g->reached);
		cell(out, g->conversion, 4, num(100 * g->conversion, "%.1f%%", b, sizeof b));
		cell(out, g->median_days, 2, num(g->median_days, "%.1f", b, sizeof b));
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
}

/* --- contacts and replies a week: two bars a week --- */

static void week_chart(FILE *out, const struct crm_stats *t)
{
	long long max = 1;
	double x0 = 40, x1 = 592, y0 = 190, h = 160;

	for (int i = 0; i < t->nweeks; i++) {
		if (t->weeks[i].contacts > max)
			max = t->weeks[i].contacts;
		if (t->weeks[i].replies > max)
			max = t->weeks[i].replies;
	}
	fputs("<svg viewBox=\"0 0 600 215\" role=\"img\" aria-label=\"contacts and replies"
	      " a week\">\n", out);
	fputs("<rect x=\"40\" y=\"2\" width=\"10\" height=\"10\" fill=\"var(--out)\"/>"
	      "<text x=\"54\" y=\"11\">contacts</text>"
	      "<rect x=\"170\" y=\"2\" width=\"10\" height=\"10\" fill=\"var(--in)\"/>"
	      "<text x=\"184\" y=\"11\">replies</text>\n", out);
	fprintf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#9aa5b1\"/>"
	        "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">0</text>"
	        "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%lld</text>\n",
	        x0, y0, x1, y0, x0 - 4, y0, x0 - 4, y0 - h + 10, max);
	double gw = t->nweeks ? (x1 - x0) / t->nweeks : 0;
	int every = t->nweeks > 10 ? (t->nweeks + 9) / 10 : 1;
	for (int i = 0; i < t->nweeks; i++) {
		const struct crm_stats_week *wk = &t->weeks[i];
		double x = x0 + gw * i, bw = gw * 0.36;
		double hc = h * (double)wk->contacts / (double)max;
		double hr = h * (double)wk->replies / (double)max;
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
		        " fill=\"var(--out)\"><title>%s: contacts %lld</title></rect>",
		        x + gw * 0.12, y0 - hc, bw, hc, wk->start, wk->contacts);
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
		        " fill=\"var(--in)\"><title>%s: replies %lld</title></rect>",
		        x + gw * 0.12 + bw, y0 - hr, bw, hr, wk->start, wk->replies);
		if (i % every == 0)
			fprintf(out, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%.5s</text>",
			        x + gw / 2, y0 + 16, wk->start + 5);
		fputc('\n', out);
	}
	fputs("</svg>\n", out);
}

static void week_table(FILE *out, const struct crm_stats *t)
{
	fputs("<div class=\"scroll\"><table id=\"weeks\"><thead><tr><th>week of</th>"
	      "<th class=\"n\">contacts</th><th class=\"n\">replies</th>"
	      "<th class=\"n\">new clients</th></tr></thead>\n<tbody>\n", out);
	for (int i = 0; i < t->nweeks; i++) {
		fprintf(out, "<tr><td>%s</td>", t->weeks[i].start);
		count_cell(out, t->weeks[i].contacts);
		count_cell(out, t->weeks[i].replies);
		count_cell(out, t->weeks[i].new_clients);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
}

/* --- reply rate a channel: a bar each, of those contacted on it --- */

static void channel_chart(FILE *out, const struct crm_stats *s)
{
	int n = 0, y = 0;
	char b[32];

	for (int i = 0; i < s->nchannels; i++)
		n += s->channels[i].contacted > 0;
	if (!n) {
		fputs("<p class=\"none\">No contacts in the period.</p>\n", out);
		return;
	}
	fprintf(out, "<svg viewBox=\"0 0 600 %d\" role=\"img\" aria-label=\"reply rate a"
	        " channel\">\n", n * 28 + 4);
	for (int i = 0; i < s->nchannels; i++) {
		const struct crm_stats_channel *c = &s->channels[i];
		if (!c->contacted)
			continue;
		fprintf(out, "<rect x=\"100\" y=\"%d\" width=\"340\" height=\"20\" fill=\"#eef2f6\"/>"
		        "<rect x=\"100\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"var(--bar)\"/>",
		        y + 3, y + 3, 340 * c->reply_rate);
		fprintf(out, "<text x=\"8\" y=\"%d\">", y + 18);
		html_put(out, c->name);
		fprintf(out, "</text><text x=\"448\" y=\"%d\">%s (%lld of %lld)</text>\n", y + 18,
		        num(100 * c->reply_rate, "%.1f%%", b, sizeof b), c->replied, c->contacted);
		y += 28;
	}
	fputs("</svg>\n", out);
}

static void channel_table(FILE *out, const struct crm_stats *s)
{
	char b[32];

	fputs("<div class=\"scroll\"><table id=\"channels\"><thead><tr><th>channel</th>"
	      "<th class=\"n\">contacts</th><th class=\"n\">replies</th>"
	      "<th class=\"n\">contacted</th><th class=\"n\">replied</th>"
	      "<th class=\"n\">reply rate</th><th class=\"n\">median reply h</th></tr></thead>\n"
	      "<tbody>\n", out);
	for (int i = 0; i < s->nchannels; i++) {
		const struct crm_stats_channel *c = &s->channels[i];
		fputs("<tr><td>", out);
		html_put(out, c->name);
		fputs("</td>", out);
		count_cell(out, c->contacts);
		count_cell(out, c->replies);
		count_cell(out, c->contacted);
		count_cell(out, c->replied);
		cell(out, c->reply_rate, 4, num(100 * c->reply_rate, "%.1f%%", b, sizeof b));
		cell(out, c->median_reply_hours, 2, num(c->median_reply_hours, "%.1f", b, sizeof b));
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
}

/* --- the lists, through the printer --- */

static int lists(struct crm *crm, const struct crm_report_opts *o, FILE *out)
{
	struct crm_client_filter f = *o->flt;
	struct crm_notify_filter nf = { NULL, o->since, o->until };
	struct printer *pr = printer_new(out, FMT_HTML);
	int readonly, rc;

	fprintf(out, "<section><h2 id=\"due\">Due now</h2>\n<p class=\"note\">Whom the bot may"
	        " contact now (crm automation due), the first %d.</p><div class=\"scroll\">\n",
	        LIST_ROWS);
	f.limit = LIST_ROWS;
	f.offset = 0;
	f.wide = 0;
	if ((rc = crm_auto_due(crm, &f, NULL, pr, &readonly)) && rc != CRM_NOTFOUND)
		goto cleanup;
	fprintf(out, "</div></section>\n<section><h2 id=\"overdue\">Overdue next actions</h2>\n"
	        "<p class=\"note\">Clients whose next action is past (crm client list --overdue),"
	        " the first %d.</p><div class=\"scroll\">\n", LIST_ROWS);
	f.overdue = 1;
	f.sort = "next_action_at";
	if ((rc = crm_client_list(crm, &f, pr)) && rc != CRM_NOTFOUND)
		goto cleanup;
	fputs("</div></section>\n<section><h2 id=\"notifications\">Notifications</h2>\n"
	      "<p class=\"note\">Unread, written in the period (crm notify).</p>"
	      "<div class=\"scroll\">\n", out);
	if ((rc = crm_notify_list(crm, &nf, pr)) == CRM_NOTFOUND)
		fputs("<p class=\"none\">None.</p>\n", out);
	else if (rc)
		goto cleanup;
	fputs("</div></section>\n", out);
	rc = 0;
cleanup:
	printer_free(pr);
	return rc;
}

/* a time for a person, into buf (CRM_TIME_LEN); none when there is none */
static void when(const char *canon, const char *none, char *buf)
{
	if (!canon || !*canon || crm_time_local_text(canon, buf))
		snprintf(buf, CRM_TIME_LEN, "%s", none);
}

int crm_report_write(struct crm *crm, const struct crm_report_opts *o, FILE *out)
{
	struct crm_stats s = { 0 }, t = { 0 };
	char a[CRM_TIME_LEN], b[CRM_TIME_LEN], now[CRM_TIME_LEN], made[CRM_TIME_LEN];
	char trend[CRM_TIME_LEN];
	long long end;
	int rc, readonly;

	crm_now(now);
	/* the follow-ups overdue by now are notifications first, in their
	 * own transaction; then one snapshot for every figure and list */
	if ((rc = crm_auto_overdue(crm, &readonly)) || (rc = crm_db_exec(crm, "BEGIN", "report")))
		return rc;
	if ((rc = crm_stats_compute(crm, o->flt, o->since, o->until, STATS_ALL, &s)))
		goto cleanup;
	/* the trend: the weeks up to the end of the period, every one of
	 * them (an end given is no open end, whose empty weeks go) */
	if (!o->until || crm_time_to_epoch(o->until, &end))
		end = crm_now_epoch();
	else
		end--;
	crm_time_from_epoch(crm_stats_week_start(end - 7LL * 86400 * (o->weeks - 1)), trend);
	if ((rc = crm_stats_compute(crm, o->flt, trend, o->until ? o->until : now, STATS_WEEK, &t)))
		goto cleanup;
	when(o->since, "the start", a);
	when(o->until, "now", b);
	when(now, now, made);
	/* HTML that is well-formed XML too: every element closed */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n", out);
	fprintf(out, "<title>crm report: %s to %s</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	        a, b, style);
	fprintf(out, "<header><h1>Outreach report</h1>\n<p class=\"meta\">From %s to %s (", a, b);
	html_put(out, crm->cfg.display.timezone);
	fprintf(out, "). Made %s.", made);
	if (o->filters && *o->filters) {
		fputs(" Options: ", out);
		html_put(out, o->filters);
		fputc('.', out);
	}
	fputs("</p></header>\n<section><h2 id=\"figures\">The period</h2>\n", out);
	tiles(out, &s);
	fputs("</section>\n<section><h2 id=\"funnel\">Funnel</h2>\n<p class=\"note\">Clients"
	      " that reached each stage, or one past it, at any time; the share that went"
	      " on to the next.</p>\n", out);
	funnel(out, &s);
	stage_table(out, &s);
	fprintf(out, "</section>\n<section><h2 id=\"trend\">Contacts and replies a week</h2>\n"
	        "<p class=\"note\">The last %d weeks, from Monday.</p>\n", o->weeks);
	week_chart(out, &t);
	week_table(out, &t);
	fputs("</section>\n<section><h2 id=\"reply-rate\">Reply rate a channel</h2>\n"
	      "<p class=\"note\">Of the clients contacted on a channel in the period, those"
	      " who replied on it after the first contact.</p>\n", out);
	channel_chart(out, &s);
	channel_table(out, &s);
	fputs("</section>\n", out);
	if ((rc = lists(crm, o, out)))
		goto cleanup;
	fputs("</body>\n</html>\n", out);
cleanup:
	crm_db_exec(crm, "COMMIT", "report");
	crm_stats_free(&s);
	crm_stats_free(&t);
	return rc;
}
