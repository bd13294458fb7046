/* sync.c: crm sync [pull|push|status|retry|apply] (see crm-sync(1)). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "print.h"
#include "sync.h"

/* what each source brought, on stderr */
static void pulled(const struct crm_pull_stats *s, void *arg)
{
	struct crm *crm = arg;
	char back[48] = "";

	if (s->written_back)
		snprintf(back, sizeof back, ", %lld written back", s->written_back);
	cmd_say(crm, "sync: %s: %lld read, %lld added, %lld updated, %lld unchanged,"
	        " %lld skipped%s", s->source, s->read, s->added, s->updated, s->unchanged,
	        s->skipped, back);
}

static int pull(struct crm *crm, const char *source, int dry)
{
	int rc, any = 0;

	for (int i = 0; crm_sync_sources[i]; i++)
		any |= crm_sync_source(crm, crm_sync_sources[i])->set;
	if (!source && !any) {
		cmd_say(crm, "sync: pull: no sources configured (sources: in crm.yaml)");
		return 0;
	}
	rc = crm_sync_pull(crm, source, dry, pulled, crm);

	if (!rc && dry)
		cmd_say(crm, "sync: pull: dry run: nothing was written");
	return rc;
}

static int push(struct crm *crm, int dry)
{
	struct crm_push_stats st = { 0 };
	struct printer *pr = dry ? printer_open(crm, stdout) : NULL;
	int rc = crm_sync_push(crm, dry, pr, &st);

	printer_free(pr);
	if (!rc || rc == CRM_UNAVAILABLE)
		cmd_say(crm, "sync: push: %lld %s, %lld delivered, %lld rescheduled, %lld dead%s",
		        st.attempted, dry ? "due (dry run: nothing was sent)" : "sent",
		        st.delivered, st.rescheduled, st.dead,
		        st.disabled ? "; the endpoint is disabled (410): see 'crm sync retry'" : "");
	return rc;
}

/* The lock, then what the run does: a second run at the same time exits
 * 75 at once, or waits with --wait. */
static int locked(struct crm *crm, int wait, int (*fn)(struct crm *, const char *, int),
                  const char *source, int dry)
{
	int fd, rc;

	if ((rc = crm_sync_lock(crm, wait, &fd)))
		return rc;
	rc = fn(crm, source, dry);
	crm_sync_unlock(fd);
	return rc;
}

static int run_pull(struct crm *crm, const char *source, int dry)
{
	return pull(crm, source, dry);
}

static int run_push(struct crm *crm, const char *source, int dry)
{
	(void)source;
	return push(crm, dry);
}

/* crm sync: pull, then push when a webhook is set up.  A source that
 * fails does not keep the outbox from being sent: its message is told
 * first, and its status is the run's unless the push fails too. */
static int run_both(struct crm *crm, const char *source, int dry)
{
	int rc = pull(crm, source, dry), prc;

	if (rc == CRM_USAGE)
		return rc;
	if (!crm->cfg.webhook.url) {
		cmd_say(crm, "sync: push: no sync.webhook.url: nothing to push to");
		return rc;
	}
	if (rc)
		cmd_fail(crm, rc);   /* told now: the push may have its own */
	crm->err[0] = '\0';
	prc = push(crm, dry);
	return prc ? prc : rc;
}

static int sync_main(struct crm *crm, int argc, char **argv,
                     int (*fn)(struct crm *, const char *, int), int sources)
{
	static const char usage[] = "[--dry-run] [--source NAME] [--wait]";
	const char *source = NULL;
	int n, dry = 0, wait = 0;
	struct opt opts[] = {
		OPT_FLAG("dry-run", 'n', &dry, "read and tell; change and send nothing"),
		OPT_STRINGV("source", &source, "NAME", "pull this source only", crm_sync_pulled),
		OPT_FLAG("wait", 0, &wait, "wait for a sync that runs already, rather than exit 75"),
		OPT_END()
	};
	struct opt push_opts[] = { opts[0], opts[2], OPT_END() };

	if ((n = opt_parse(crm, argc, argv, sources ? opts : push_opts,
	                   sources ? usage : "[--dry-run] [--wait]")) < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return opt_error(crm, sources ? usage : "[--dry-run] [--wait]",
		                 "unexpected argument '%s'", argv[0]);
	return locked(crm, wait, fn, source, dry);
}

int cmd_sync(struct crm *crm, int argc, char **argv)
{
	return sync_main(crm, argc, argv, run_both, 1);
}

static int sync_pull(struct crm *crm, int argc, char **argv)
{
	return sync_main(crm, argc, argv, run_pull, 1);
}

static int sync_push(struct crm *crm, int argc, char **argv)
{
	return sync_main(crm, argc, argv, run_push, 0);
}

static int sync_status(struct crm *crm, int argc, char **argv)
{
	return cmd_show_all(crm, argc, argv, crm_sync_status);
}

static int sync_retry(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "[--dead]";
	long long count = 0;
	int n, rc, dead = 0;
	struct opt opts[] = {
		OPT_FLAG("dead", 0, &dead, "re-queue the dead letters (default: the events"
		         " waiting for a later attempt)"),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return opt_error(crm, usage, "unexpected argument '%s'", argv[0]);
	if (!(rc = crm_sync_retry(crm, dead, &count)))
		cmd_say(crm, "sync retry: %lld %s event%s due now", count, dead ? "dead" : "pending",
		        count == 1 ? "" : "s");
	return rc;
}

static int sync_apply(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "[FILE|-] [--dry-run]";
	struct crm_apply_stats st = { 0 };
	const char *name = "stdin";
	FILE *in = stdin;
	int n, rc, dry = 0;
	struct opt opts[] = {
		OPT_FLAG("dry-run", 'n', &dry, "read and tell; change nothing"),
		OPT_POS(COMPL_FILE),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n > 1)
		return opt_error(crm, usage, "one file at most");
	if (n == 1 && strcmp(argv[0], "-")) {
		name = argv[0];
		if (!(in = fopen(name, "r")))
			return crm_err(crm, CRM_NOINPUT, "sync apply: %s: %s", name, strerror(errno));
	}
	rc = crm_sync_apply(crm, in, name, dry, &st);
	if (in != stdin)
		fclose(in);
	if (!rc)
		cmd_say(crm, "sync apply: %lld read, %lld applied, %lld already applied,"
		        " %lld older than the last change, %lld ignored%s", st.read, st.applied,
		        st.duplicate, st.stale, st.ignored,
		        dry ? " (dry run: nothing changed)" : "");
	return rc;
}

const struct cmd sync_cmds[] = {
	{ "pull", sync_pull, CMD_DB | CMD_WRITES, "bring in leads, bot contacts, operators", NULL },
	{ "push", sync_push, CMD_DB | CMD_WRITES, "send the outbox to the webhook, signed", NULL },
	{ "status", sync_status, CMD_DB, "each source's cursor, the outbox's counts", NULL },
	{ "retry", sync_retry, CMD_DB | CMD_WRITES, "make waiting or dead events due now", NULL },
	{ "apply", sync_apply, CMD_DB | CMD_WRITES, "apply an external CRM's events", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
