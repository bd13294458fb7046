/* automation.c: crm automation on|off|pause|due|why (see crm-automation(1)). */
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "client.h"
#include "cmd.h"
#include "filters.h"

/* on and off: CLIENT...|-, all or nothing */
static int auto_switch(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT...|-";
	int on = !strcmp(argv[0], "on"), n, nids, rc, changed = 0;
	long long *ids = NULL;
	struct opt opts[] = { OPT_POS(COMPL_CLIENT), OPT_END() };

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n == 0)
		return opt_error(crm, usage, "clients (ids, emails or phones) or '-' are required");
	if (!(rc = cmd_refs(crm, n, argv, crm_client_resolve, &ids, &nids)) &&
	    !(rc = crm_auto_set(crm, ids, nids, on, &changed)))
		cmd_say(crm, "automation %s: %d of %d client%s changed", on ? "on" : "off",
		        changed, nids, nids == 1 ? "" : "s");
	free(ids);
	return rc;
}

static int auto_pause(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT...|- --until TIME";
	const char *until = NULL;
	char t[CRM_TIME_LEN];
	long long *ids = NULL;
	int n, nids, rc, changed = 0;
	struct opt opts[] = {
		OPT_STRING("until", &until, "TIME", "paused until TIME (2026-12-01, +3d, monday, ...)"),
		OPT_POS(COMPL_CLIENT),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n == 0)
		return opt_error(crm, usage, "clients (ids, emails or phones) or '-' are required");
	if (!until)
		return opt_error(crm, usage, "--until is required");
	/* a span is ahead of now: --until 3d is three days from now */
	if (crm_time_parse_as(until, CRM_TIME_AHEAD, t))
		return crm_err(crm, CRM_DATAERR, "%s: --until '%s': not a time (use %s)",
		               crm->cmdname, until, CRM_TIME_FORMS);
	if (!(rc = cmd_refs(crm, n, argv, crm_client_resolve, &ids, &nids)) &&
	    !(rc = crm_auto_pause(crm, ids, nids, t, &changed)))
		cmd_say(crm, "automation pause: %d of %d client%s paused until %s", changed, nids,
		        nids == 1 ? "" : "s", t);
	free(ids);
	return rc;
}

/* due: the client filters, --channel the channel of the row to make */
struct due_args {
	struct client_filter_args cf;
	const char *const *channel;
	struct list_cmd lc;
};

static int due_finish(struct crm *crm, void *args)
{
	struct due_args *a = args;
	int rc = client_filter_finish(crm, &a->cf);

	if (rc)
		return rc;
	if (a->cf.flt.sort)
		return crm_err(crm, CRM_USAGE, "%s: --sort: the order is the touch due"
		               " longest ago, then viability", crm->cmdname);
	a->channel = a->cf.flt.channel;
	a->cf.flt.channel = NULL;
	return 0;
}

static int due_list(struct crm *crm, void *args, int wide, struct printer *pr)
{
	struct due_args *a = args;
	int readonly, rc;

	(void)wide;
	rc = crm_auto_due(crm, &a->cf.flt, a->channel, pr, &readonly);
	if (readonly)
		cmd_say(crm, "%s: the database is read-only: overdue notifications not written",
		        crm->cmdname);
	return rc;
}

static int auto_due(struct crm *crm, int argc, char **argv)
{
	struct due_args a;

	memset(&a, 0, sizeof a);
	a.lc = *client_filter_init(crm, &a.cf);
	/* --channel: the channel of the touch to make, as the row has it */
	for (struct opt *o = a.cf.opts; o->kind != OPT_END_; o++)
		if (o->name && !strcmp(o->name, "channel"))
			o->help = "the channel of the touch to make";
	a.lc.what = "clients due";
	a.lc.finish = due_finish;
	a.lc.list = due_list;
	a.lc.args = &a;
	return cmd_list(crm, argc, argv, "[client filters] [--channel C] [--limit N]", &a.lc);
}

static int auto_why(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_POS(COMPL_CLIENT), OPT_END() };
	struct printer *pr;
	long long id;
	int n, rc;

	if ((n = opt_parse(crm, argc, argv, opts, "CLIENT")) < 0)
		return OPT_EXIT(n);
	if ((rc = cmd_one_client(crm, "CLIENT", n, argv, &id)))
		return rc;
	pr = cmd_list_printer(crm);
	rc = crm_auto_why(crm, id, pr);
	printer_free(pr);
	return rc;
}

const struct cmd automation_cmds[] = {
	{ "on", auto_switch, CMD_DB | CMD_WRITES, "let the bot contact these clients", NULL },
	{ "off", auto_switch, CMD_DB | CMD_WRITES, "stop the bot contacting these clients", NULL },
	{ "pause", auto_pause, CMD_DB | CMD_WRITES, "pause the bot for these clients until a time", NULL },
	{ "due", auto_due, CMD_DB | CMD_LIST, "list the clients the bot may contact now", NULL },
	{ "why", auto_why, CMD_DB, "say, rule by rule, why a client is due or not", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
