/* notify.c: crm notify: what needs a person (see crm-notify(1)). */
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "cmd.h"
#include "notify.h"
#include "print.h"

static const char usage[] = "[--type TYPE] [--since TIME] [--mark-read [ID...|-|--all]]";

/* --mark-read: ids (or "-") or --all, in one transaction */
static int mark_read(struct crm *crm, int n, char **argv, int all,
                     const struct crm_notify_filter *f)
{
	long long *ids = NULL, marked = 0;
	int nids = 0, rc;

	if (!n && !all)
		return opt_error(crm, usage, "--mark-read: ids, '-' or --all");
	if (n && all)
		return opt_error(crm, usage, "--mark-read: ids or --all, not both");
	if (n && (f->types || f->since))
		return opt_error(crm, usage, "--type and --since choose what --all marks,"
		                 " not ids");
	if (n && (rc = cmd_refs(crm, n, argv, crm_notify_resolve, &ids, &nids)))
		return cmd_arg_fail(crm, rc);
	rc = crm_notify_mark_read(crm, all ? NULL : ids, nids, f, &marked);
	if (!rc && !all && marked < nids)
		cmd_say(crm, "notify: %lld marked read (%lld read already)", marked,
		        nids - marked);
	else if (!rc)
		cmd_say(crm, "notify: %lld marked read", marked);
	free(ids);
	return rc;
}

int cmd_notify(struct crm *crm, int argc, char **argv)
{
	struct crm_notify_filter f = { 0 };
	struct strvec types = { 0 };
	const char *since = NULL;
	char since_t[CRM_TIME_LEN];
	int n, rc, mark = 0, all = 0;
	struct printer *pr;
	struct opt opts[] = {
		OPT_ANYOF("type", &types, "TYPE", "of this type", COMPL_VALUES, crm_notify_types),
		OPT_STRING("since", &since, "TIME", "written at or after TIME (or 7d, 24h, ...)"),
		OPT_FLAG("mark-read", 0, &mark, "mark read the notifications ID..., '-' (ids on"
		         " stdin) or --all"),
		OPT_FLAG("all", 0, &all, "with --mark-read: every unread one (of --type, --since)"),
		OPT_POS(COMPL_NONE),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (!mark && (n || all))
		rc = opt_error(crm, usage, n ? "unexpected argument '%s'; ids are for --mark-read" :
		               "--all is for --mark-read%s", n ? argv[0] : "");
	else if (since && crm_time_parse(since, since_t))
		rc = crm_err(crm, CRM_DATAERR, "%s: --since '%s': not a time (use %s)",
		             crm->cmdname, since, CRM_TIME_FORMS);
	else {
		f.types = types.v;
		f.since = since ? since_t : NULL;
		if (mark) {
			rc = mark_read(crm, n, argv, all, &f);
		} else {
			/* nothing to see is exit 1 and no word: `crm notify -q || ...` */
			pr = cmd_list_printer(crm);
			/* follow-ups overdue by now are notifications too */
			int readonly;
			rc = crm_auto_overdue(crm, &readonly);
			if (!rc)
				rc = crm_notify_list(crm, &f, pr);
			printer_free(pr);
		}
	}
	opt_free(opts);
	return rc;
}
