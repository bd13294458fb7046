/* lead.c: crm lead import|list|show|promote|status (see crm-lead(1)). */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cmd.h"
#include "filters.h"
#include "lead.h"

static int lead_import(struct crm *crm, int argc, char **argv)
{
	return cmd_import(crm, argc, argv, &crm_lead_importer);
}

static int lead_list(struct crm *crm, int argc, char **argv)
{
	struct lead_filter_args lf;

	return cmd_list(crm, argc, argv, "[--status S] [--min-viability N] ...",
	                lead_filter_init(crm, &lf));
}

static int lead_show(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	struct printer *pr;
	long long id;
	int n, rc;

	if ((n = opt_parse(crm, argc, argv, opts, "LEAD")) < 0)
		return OPT_EXIT(n);
	if (n != 1)
		return opt_error(crm, "LEAD", "one lead (id or external id)");
	if ((rc = crm_lead_resolve(crm, argv[0], &id)))
		return rc;
	pr = cmd_show_printer(crm);
	rc = crm_lead_show(crm, id, pr);
	printer_free(pr);
	return rc;
}

/* LEAD...|-: ids or external ids, all or nothing */
static int lead_ids(struct crm *crm, int n, char **argv, long long **ids, int *nids)
{
	return cmd_refs(crm, n, argv, crm_lead_resolve, ids, nids);
}

static int lead_promote(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "LEAD...|- [--stage STAGE]";
	const char *stage = NULL;
	long long *ids = NULL, *clients;
	int n, nids, rc, made = 0;
	struct opt opts[] = {
		OPT_STRINGC("stage", &stage, "STAGE", "the new client's stage", COMPL_STAGE),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n < 1)
		return opt_error(crm, usage, "leads are required");
	if (stage && (rc = crm_stage_check(crm, stage)))
		return cmd_arg_fail(crm, rc);
	if ((rc = lead_ids(crm, n, argv, &ids, &nids)))
		return rc;
	clients = xmalloc((size_t)nids * sizeof *clients);
	/* the ids print once the whole batch is in: none for a rollback */
	if (!(rc = crm_lead_promote_all(crm, ids, nids, stage, clients, &made))) {
		for (int i = 0; i < nids; i++)
			printf("%lld\n", clients[i]);
		cmd_say(crm, "lead promote: %d client%s created, %d linked to an existing client",
		        made, made == 1 ? "" : "s", nids - made);
	}
	free(clients);
	free(ids);
	return rc;
}

static int lead_status(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "LEAD...|- STATUS";
	long long *ids = NULL;
	int n, nids, rc, total = 0;
	struct opt opts[] = {
		OPT_POSV(crm_lead_statuses),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n < 2)
		return opt_error(crm, usage, "leads and a status are required");
	if ((rc = crm_lead_status_check(crm, argv[n - 1])))
		return cmd_arg_fail(crm, rc);
	if ((rc = lead_ids(crm, n - 1, argv, &ids, &nids)))
		return rc;
	if (!(rc = crm_lead_set_status_all(crm, ids, nids, argv[n - 1], &total)))
		cmd_say(crm, "lead status: %d of %d lead%s set to '%s'", total, nids,
		        nids == 1 ? "" : "s", argv[n - 1]);
	free(ids);
	return rc;
}

const struct cmd lead_cmds[] = {
	{ "import", lead_import, CMD_DB | CMD_WRITES, "import leads from CSV or JSONL", NULL },
	{ "list", lead_list, CMD_DB | CMD_LIST, "list leads matching filters", NULL },
	{ "show", lead_show, CMD_DB, "show one lead", NULL },
	{ "promote", lead_promote, CMD_DB | CMD_WRITES, "turn leads into clients", NULL },
	{ "status", lead_status, CMD_DB | CMD_WRITES, "set the status of leads", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
