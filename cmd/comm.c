/* comm.c: crm comm log|list (see crm-comm(1)). */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "client.h"
#include "cmd.h"
#include "comm.h"

static const char *const directions[] = { "out", "in", NULL };

/* the summary of a batch or a single event, unless -q */
static void say_counts(struct crm *crm, long long logged, long long dups,
                       long long rejected, const char *dry)
{
	cmd_say(crm, "%s: %lld logged, %lld duplicate%s, %lld rejected%s",
	        crm->cmdname, logged, dups, dups == 1 ? "" : "s", rejected, dry);
}

static int comm_log(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT --channel CHANNEL [...] | -";
	struct crm_event ev;
	struct cmd_input in;
	enum crm_logged logged;
	int n, rc, strict = 0;

	memset(&ev, 0, sizeof ev);
	cmd_input_init(&in);
	in.batch.imp = &crm_comm_importer;
	struct opt opts[] = {
		OPT_STRINGC("channel", &ev.channel, "CHANNEL", "the channel used", COMPL_CHANNEL),
		OPT_ENUM("direction", &ev.direction, "out|in", "out (default) or in: a reply", directions),
		OPT_STRINGV("kind", &ev.kind, "KIND", "email, form, fb_message, call, ...",
		            crm_comm_kinds),
		OPT_STRINGV("status", &ev.status, "STATUS",
		            "sent, delivered, failed, bounced, received, logged", crm_comm_statuses),
		OPT_STRING("subject", &ev.subject, "TEXT", "subject"),
		OPT_STRING("body", &ev.body, "TEXT", "body"),
		OPT_STRING("at", &ev.at, "TIME", "when it happened (default: now)"),
		OPT_STRING("external-id", &ev.external_id, "ID", "the sender's id: the same id is stored once"),
		OPT_FLAG("strict", 0, &strict, "refuse (65) an outbound touch to a client not due"),
		CMD_INPUT_OPTS(in),
		OPT_END()
	};
	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n == 0)
		return opt_error(crm, usage, "a client or '-' is required");
	if (n > 1)
		return opt_error(crm, usage, "one client or '-', not %d", n);
	if (!strcmp(argv[0], "-")) {
		if (!(rc = cmd_input_open(crm, usage, n, argv, &in))) {
			in.batch.before_commit = crm_comm_bulk_flush;
			in.batch.arg = &strict;
			crm_comm_bulk(crm);
			rc = crm_batch_run(crm, &in.batch);
			crm_comm_bulk_end();
			cmd_batch_told(&in.batch);
			if (in.batch.committed)
				say_counts(crm, in.batch.counts[LOGGED_NEW],
				           in.batch.counts[LOGGED_DUPLICATE], in.batch.rejected,
				           cmd_dry_run(&in.batch));
		}
		cmd_input_close(&in);
		return rc;
	}
	if (in.infmt || in.reject || in.maps.n || in.max_errors >= 0 || in.batch.dry_run) {
		strvec_free(&in.maps);
		return opt_error(crm, usage, "--input-format, --map, --reject-file,"
		                       " --max-errors and --dry-run are for '-', the events on stdin");
	}
	if (!ev.channel)
		return opt_error(crm, usage, "--channel is required");
	ev.client = argv[0];
	ev.source = "manual";
	ev.strict = strict;
	rc = crm_comm_log(crm, &ev, &logged, NULL);
	if (!rc)
		say_counts(crm, logged == LOGGED_NEW, logged == LOGGED_DUPLICATE, 0, "");
	return rc;
}

/* each --channel a channel of the config: "comm list: channel 'x': not
 * a configured channel (...)" */
static int channels_check(struct crm *crm, const struct strvec *channels)
{
	int rc = 0;

	for (int i = 0; i < channels->n && !rc; i++)
		rc = cmd_arg_fail(crm, crm_channel_check(crm, channels->v[i]));
	return rc;
}

static int comm_list(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "[CLIENT] [--channel C] [--since TIME] ...";
	struct crm_comm_filter flt = { .limit = -1 };
	struct strvec channels = { 0 }, dirs = { 0 };
	const char *since = NULL, *until = NULL;
	char s[CRM_TIME_LEN], u[CRM_TIME_LEN];
	struct printer *pr;
	int n, rc, wide = 0;
	struct opt opts[] = {
		OPT_ANYOF("channel", &channels, "CHANNEL", "on this channel", COMPL_CHANNEL, NULL),
		OPT_ANYOF("direction", &dirs, "out|in", "outbound or inbound", COMPL_VALUES,
		          directions),
		OPT_STRING("since", &since, "TIME", "at or after TIME (or 7d, 24h, ...)"),
		OPT_STRING("until", &until, "TIME", "before TIME"),
		OPT_INT("limit", &flt.limit, "N", "at most N", NULL),
		OPT_INT("offset", &flt.offset, "N", "skip the first N (for paging)", NULL),
		OPT_FLAG("wide", 0, &wide, "every column in the table format"),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		rc = OPT_EXIT(n);
	else if (n > 1)
		rc = opt_error(crm, usage, "one client at most, not %d", n);
	else if (since && crm_time_parse(since, s))
		rc = crm_err(crm, CRM_DATAERR, "%s: --since '%s': not a time (use %s)",
		             crm->cmdname, since, CRM_TIME_FORMS);
	else if (until && crm_time_parse(until, u))
		rc = crm_err(crm, CRM_DATAERR, "%s: --until '%s': not a time (use %s)",
		             crm->cmdname, until, CRM_TIME_FORMS);
	else if (!(rc = channels_check(crm, &channels)) &&
	         !(rc = n == 1 ? crm_client_resolve(crm, argv[0], &flt.client_id) : 0)) {
		flt.since = since ? s : NULL;
		flt.until = until ? u : NULL;
		flt.channel = channels.v;
		flt.direction = dirs.v;
		flt.wide = wide || crm->fmt != FMT_TABLE;
		pr = cmd_list_printer(crm);
		rc = cmd_none_match(crm, crm_comm_list(crm, &flt, pr), "communications");
		printer_free(pr);
	}
	opt_free(opts);
	return rc;
}

const struct cmd comm_cmds[] = {
	{ "log", comm_log, CMD_DB | CMD_WRITES, "log contact events: one, or a stream from stdin", NULL },
	{ "list", comm_list, CMD_DB | CMD_LIST, "list communications, newest first", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
