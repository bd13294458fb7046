/* ai.c: crm ai off|draft|auto: what the AI responder may do for clients
 * (see crm-ai(1)). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "client.h"

/* argv[0] is the mode: the subcommand's name */
static int ai_set(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT...|-";
	const char *mode = argv[0];
	struct crm_client_fields f;
	long long *ids = NULL;
	int n, nids, rc, yes = 0, changed = 0, changes = 0;
	struct opt opts[] = {
		OPT_FLAG("yes", 'y', &yes, "no question however many clients change"),
		OPT_POS(COMPL_CLIENT),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n == 0)
		return opt_error(crm, usage, "clients (ids, emails, phones) or '-' are required");
	memset(&f, 0, sizeof f);
	f.v[CF_AI_MODE] = mode;
	/* one transaction: every client changes, or none */
	if (!(rc = cmd_refs(crm, n, argv, crm_client_resolve, &ids, &nids)) &&
	    !(rc = cmd_confirm_bulk(crm, nids, crm->cmdname, yes)) &&
	    !(rc = crm_client_update_all(crm, ids, nids, &f, &changed, &changes))) {
		if (changed < nids)
			cmd_say(crm, "%d of %d client%s set to '%s' (%d already)", changed, nids,
			        nids == 1 ? "" : "s", mode, nids - changed);
		else
			cmd_say(crm, "%d of %d client%s set to '%s'", changed, nids,
			        nids == 1 ? "" : "s", mode);
	}
	free(ids);
	return rc;
}

const struct cmd ai_cmds[] = {
	{ "off", ai_set, CMD_DB | CMD_WRITES, "the AI responder does nothing for them", NULL },
	{ "draft", ai_set, CMD_DB | CMD_WRITES, "it drafts replies for a person to approve", NULL },
	{ "auto", ai_set, CMD_DB | CMD_WRITES, "it replies on its own", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
