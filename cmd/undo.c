/* undo.c: crm undo [--list] [--dry-run] [CHANGE_SET] (see crm-undo(1)). */
#include <stdlib.h>

#include "cmd.h"
#include "print.h"
#include "undo.h"

int cmd_undo(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "[--list [--limit N]] [--dry-run] [CHANGE_SET]";
	long long id = 0, limit = 20;
	int n, rc, list = 0, dry = 0, limit_seen = 0;
	struct crm_undo_result res;
	struct printer *pr;
	struct opt opts[] = {
		OPT_FLAG("list", 'l', &list, "list the last change sets, newest first"),
		OPT_INT("limit", &limit, "N", "with --list: at most N (default 20)", &limit_seen),
		OPT_FLAG("dry-run", 'n', &dry, "print what would be reverted; change nothing"),
		OPT_POS(COMPL_NONE),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n > 1)
		return opt_error(crm, usage, "one change set at most, not %d", n);
	if (n == 1 && (crm_parse_int(argv[0], &id) || id < 1))
		return opt_error(crm, usage, "change set '%s': not an id", argv[0]);
	if (list && (dry || n))
		return opt_error(crm, usage, "--list takes no change set and no --dry-run");
	if (limit_seen && !list)
		return opt_error(crm, usage, "--limit goes with --list");
	if (list) {
		pr = cmd_list_printer(crm);
		rc = crm_undo_list(crm, limit, pr);
		printer_free(pr);
		return cmd_none_match(crm, rc, "change sets");
	}
	pr = dry ? printer_open(crm, stdout) : NULL;
	rc = crm_undo(crm, id, dry, pr, &res);
	printer_free(pr);
	if (!rc)
		cmd_say(crm, "undo: change set %lld (%s): %lld change%s %s", res.set, res.command,
		        res.changes, res.changes == 1 ? "" : "s",
		        dry ? "would be undone (dry run: nothing changed)" : "undone");
	return rc;
}
