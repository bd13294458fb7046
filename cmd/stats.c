/* stats.c: crm stats: the evaluation panel (see crm-stats(1)). */
#include <string.h>

#include "cmd.h"
#include "filters.h"
#include "print.h"
#include "stats.h"

static const char usage[] = "[--by stage|channel|week|operator|source] [client filters]"
	" [--since TIME] [--until TIME]";

int cmd_stats(struct crm *crm, int argc, char **argv)
{
	struct period_args a;
	const char *by = NULL;
	const struct opt more[] = {
		OPT_ENUM("by", &by, "WHAT", "one list: per stage, channel, week, operator or source"
		         " type", crm_stats_bys),
		OPT_END()
	};
	enum crm_stats_by b = STATS_ALL;
	struct crm_stats s;
	struct printer *pr;
	int rc;

	if ((rc = period_filter_parse(crm, argc, argv, usage, &a, more))) {
		rc = rc < 0 ? OPT_EXIT(rc) : rc;
		goto cleanup;
	}
	for (int i = 0; by && crm_stats_bys[i]; i++)
		if (!strcmp(by, crm_stats_bys[i]))
			b = (enum crm_stats_by)(STATS_STAGE + i);
	if ((rc = crm_stats_compute(crm, &a.cf.flt, a.since, a.until, b, &s)))
		goto cleanup;
	/* a list is paged on a terminal; the whole panel is short enough */
	pr = b == STATS_ALL ? printer_open(crm, stdout) : cmd_list_printer(crm);
	rc = crm_stats_print(crm, &s, b, pr);
	printer_free(pr);
	crm_stats_free(&s);
cleanup:
	opt_free(a.opts);
	return rc;
}
