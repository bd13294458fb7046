/* db.c: crm db check|backup|stats (see crm-db(1)).  The dispatcher opens
 * the database as it is, read-only (CMD_DB_ASIS): these commands look at
 * it and copy it, and change nothing in it. */
#include "cmd.h"
#include "dbadmin.h"
#include "print.h"

static void tell_problem(void *arg, const char *what)
{
	struct crm *crm = arg;

	fprintf(stderr, "crm: %s: %s\n", crm->cmdname, what);
}

static int db_check(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	long problems;
	int n, rc;

	if ((n = opt_parse(crm, argc, argv, opts, "")) < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return opt_error(crm, "", "unexpected argument '%s'", argv[0]);
	if ((rc = crm_db_check(crm, tell_problem, crm, &problems)))
		return rc;
	/* each problem is told on its own line already; 73, as any command
	 * exits for a file that is not a sound crm database */
	if (problems)
		return CRM_CANTCREAT;
	cmd_say(crm, "db check: ok ('%s', schema version %d)", crm->db_path,
	        crm_db_schema_version());
	return 0;
}

static int db_backup(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "FILE";
	struct opt opts[] = { OPT_POS(COMPL_FILE), OPT_END() };
	long long size;
	int n, rc;

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n == 0)
		return opt_error(crm, usage, "a file to write the copy to is required");
	if (n > 1)
		return opt_error(crm, usage, "one file, not %d", n);
	if (!(rc = crm_db_backup(crm, argv[0], &size)))
		cmd_say(crm, "db backup: %s (%lld bytes)", argv[0], size);
	return rc;
}

static int db_stats(struct crm *crm, int argc, char **argv)
{
	return cmd_print_all(crm, argc, argv, crm_db_stats, NULL);
}

const struct cmd db_cmds[] = {
	{ "check", db_check, CMD_DB_ASIS, "check the database's integrity and schema", NULL },
	{ "backup", db_backup, CMD_DB_ASIS, "copy the database while it is in use", NULL },
	{ "stats", db_stats, CMD_DB_ASIS, "row counts, file sizes and pages", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
