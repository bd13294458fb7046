/* report.c: crm report: the weekly page (see crm-report(1)). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "filters.h"
#include "outfile.h"
#include "report.h"

static const char usage[] = "[--since TIME] [--until TIME] [client filters] [--weeks N]"
	" -o FILE.html";

/* the filters as typed, for the page's header (owned) */
static char *typed(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	*s = '\0';
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") ||
		    !strcmp(argv[i], "--weeks")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--output=", 9) || !strncmp(argv[i], "--weeks=", 8) ||
		    !strncmp(argv[i], "-o", 2))
			continue;
		if (*s)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int cmd_report(struct crm *crm, int argc, char **argv)
{
	struct period_args a;
	const char *path = NULL;
	long long weeks = 8;
	const struct opt more[] = {
		{ OPT_STRING_, "output", 'o', &path, "FILE", "write the page to FILE (required on"
		  " a terminal)", COMPL_FILE, NULL, NULL, OPTF_NONEMPTY },
		OPT_INT("weeks", &weeks, "N", "the chart of contacts and replies: the last N weeks"
		        " (default 8)", NULL),
		OPT_END()
	};
	struct crm_report_opts o = { 0 };
	struct crm_outfile f = { 0 };
	char since[CRM_TIME_LEN], *filters = NULL;
	int rc;

	if ((rc = period_filter_parse(crm, argc, argv, usage, &a, more))) {
		rc = rc < 0 ? OPT_EXIT(rc) : rc;
		goto cleanup;
	}
	if (weeks < 1 || weeks > 520) {
		rc = opt_error(crm, usage, "--weeks %lld: from 1 to 520", weeks);
		goto cleanup;
	}
	if ((!path || !strcmp(path, "-")) && isatty(STDOUT_FILENO)) {
		rc = opt_error(crm, usage, "an HTML page is not for a terminal: -o FILE.html,"
		               " or a pipe");
		goto cleanup;
	}
	/* the last 7 days, unless told */
	if (!a.since) {
		crm_time_parse("7d", since);
		a.since = since;
	}
	filters = typed(argc, argv);
	o = (struct crm_report_opts){ &a.cf.flt, a.since, a.until, (int)weeks, filters };
	if (path && strcmp(path, "-")) {
		if ((rc = crm_out_open(crm, "report", path, NULL, 0, &f)))
			goto cleanup;
		if ((rc = crm_report_write(crm, &o, f.fp)))
			crm_out_abort(&f);
		else
			rc = crm_out_commit(crm, &f);
	} else {
		rc = crm_report_write(crm, &o, stdout);
	}
cleanup:
	free(filters);
	opt_free(a.opts);
	return rc;
}
