/* crm.c: the dispatcher.  One command table is the single source of truth
 * for `crm help`, the bash completion and the man page check. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "hooks.h"
#include "print.h"

static int cmd_init(struct crm *crm, int argc, char **argv);
static int cmd_help(struct crm *crm, int argc, char **argv);
static int cmd_complete(struct crm *crm, int argc, char **argv);
static int run(struct crm *crm, int argc, char **argv);

static const struct cmd commands[] = {
	{ "init", cmd_init, CMD_DB | CMD_WRITES, "create or migrate the database", NULL },
	{ "client", NULL, 0, "add, list, show and move clients through the pipeline", client_cmds },
	{ "comm", NULL, 0, "log and list communications: contacts and replies", comm_cmds },
	{ "lead", NULL, 0, "import, list and promote leads from the scraper", lead_cmds },
	{ "dnc", NULL, 0, "do-not-contact: emails and phones never to contact again", dnc_cmds },
	{ "automation", NULL, 0, "whom the bot may contact now, and why", automation_cmds },
	{ "export", NULL, 0, "export clients, communications and leads: csv, xlsx, jsonl", export_cmds },
	{ "config", NULL, 0, "check and read the configuration", config_cmds },
	{ "db", NULL, 0, "check, back up and measure the database", db_cmds },
	{ "ai", NULL, 0, "set what the AI responder may do for clients", ai_cmds },
	{ "notify", cmd_notify, CMD_DB | CMD_LIST, "list and mark read what needs a person", NULL },
	{ "pipeline", cmd_pipeline, CMD_DB, "the board: clients per stage, and each stage's best", NULL },
	{ "report", cmd_report, CMD_DB, "the weekly report: one HTML page, charts inline", NULL },
	{ "stats", cmd_stats, CMD_DB, "the evaluation panel: funnel, reply rates, weeks", NULL },
	{ "sync", cmd_sync, CMD_DB | CMD_WRITES, "pull the sources, push changes to the webhook", sync_cmds },
	{ "undo", cmd_undo, CMD_DB | CMD_WRITES | CMD_LIST, "revert the last change set, or list them", NULL },
	{ "help", cmd_help, 0, "show help for crm or a command", NULL },
	{ "__complete", cmd_complete, CMD_HIDDEN, "completion helper", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};

static const char usage_text[] =
	"usage: crm [--db PATH] [--config PATH] [--operator ID] [--format FMT]\n"
	"           [--safe-csv] [--actor NAME] [-q] [--no-pager] [--no-hooks] [--help]\n"
	"           [--version]\n"
	"           COMMAND [ARGS]\n";

static const struct cmd *find(const struct cmd *table, const char *name)
{
	for (const struct cmd *c = table; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* "; did you mean 'client'?" when a command of the table that help
 * lists is what name likely meant, else "" */
static const char *command_hint(const struct cmd *table, const char *name, char *buf,
                                size_t size)
{
	const char *names[64], *best;
	int n = 0;

	for (const struct cmd *c = table; c->name && n < 63; c++)
		if (!(c->flags & CMD_HIDDEN))
			names[n++] = c->name;
	names[n] = NULL;
	if (!(best = crm_suggest(name, names)))
		return "";
	snprintf(buf, size, "; did you mean '%s'?", best);
	return buf;
}

/* what the command is, for the option parser: whether it writes (its
 * --actor), and the formats it prints */
static void command_is(struct crm *crm, const struct cmd *c)
{
	crm->writes = !!(c->flags & CMD_WRITES);
	crm->fmt_refused = c->flags & CMD_LIST ? 0 : 1u << FMT_IDS;
}

static void list_table(FILE *out, const struct cmd *table)
{
	for (const struct cmd *c = table; c->name; c++)
		if (!(c->flags & CMD_HIDDEN))
			fprintf(out, "  %-10s %s\n", c->name, c->help);
}

static void group_help(struct crm *crm, FILE *out, const struct cmd *group)
{
	if (group->fn && out == stdout) {
		/* a group that runs itself: its own usage and options first */
		char *args[] = { (char *)group->name, "--help", NULL };
		crm->cmdname = group->name;
		command_is(crm, group);
		group->fn(crm, 2, args);
		fputs("\nsubcommands:\n", out);
	} else {
		fprintf(out, "usage: crm %s SUBCOMMAND [ARGS]\n\n%s.\n\nsubcommands:\n",
		        group->name, group->help);
	}
	list_table(out, group->sub);
	fprintf(out, "\nSee 'crm %s SUBCOMMAND --help' and 'man crm-%s'.\n",
	        group->name, group->name);
}

static int cmd_help(struct crm *crm, int argc, char **argv)
{
	const struct cmd *c;
	int n = opt_parse(crm, argc, argv, (const struct opt[]){
		OPT_POS(COMPL_NONE), OPT_END() }, "[COMMAND [SUBCOMMAND]]");

	if (n < 0)
		return OPT_EXIT(n);
	if (n == 0) {
		fputs(usage_text, stdout);
		fputs("\ncommands:\n", stdout);
		list_table(stdout, commands);
		fputs("\nSee 'crm help COMMAND' and 'man crm'.\n", stdout);
		return 0;
	}
	c = find(commands, argv[0]);
	if (!c || (c->flags & CMD_HIDDEN)) {
		char hint[96];
		return crm_err(crm, CRM_USAGE, "help: '%s' is not a crm command%s", argv[0],
		               command_hint(commands, argv[0], hint, sizeof hint));
	}
	if (n > 2)
		return crm_err(crm, CRM_USAGE, "help: a command and a subcommand at most");
	if (n == 2 && !c->sub)
		return crm_err(crm, CRM_USAGE, "help: '%s' has no subcommand '%s'",
		               c->name, argv[1]);
	if (n == 2) {
		/* crm help client add: the subcommand's own --help */
		char *args[] = { (char *)c->name, argv[1], "--help", NULL };
		return run(crm, 3, args);
	}
	/* the man page is the long help, when it is installed and a person
	 * is reading */
	if (isatty(STDOUT_FILENO) && getenv("CRM_NO_MAN") == NULL) {
		char page[64];
		snprintf(page, sizeof page, "crm-%s", c->name);
		if (!c->sub && !strcmp(c->name, "help"))
			snprintf(page, sizeof page, "crm");
		char cmdline[128];
		snprintf(cmdline, sizeof cmdline, "man -w %s >/dev/null 2>&1", page);
		if (system(cmdline) == 0) {
			fflush(stdout);
			execlp("man", "man", page, (char *)NULL);
		}
	}
	if (c->sub) {
		group_help(crm, stdout, c);
		return 0;
	}
	char *args[] = { (char *)c->name, "--help", NULL };
	crm->cmdname = c->name;
	command_is(crm, c);
	return c->fn(crm, 2, args);
}

static int cmd_init(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	int n = opt_parse(crm, argc, argv, opts, "");

	if (n < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return opt_error(crm, "", "unexpected argument '%s'",
		                       argv[0]);
	/* the dispatcher opened, created or migrated it already */
	long long indexed;
	int rc = crm_search_refresh(crm, &indexed);

	if (rc)
		return cmd_fail(crm, rc);
	if (indexed)
		cmd_say(crm, "crm: search index: %lld %s brought up to date", indexed,
		        indexed == 1 ? "client or lead" : "clients and leads");
	cmd_say(crm, "crm: database '%s' is ready (schema version %d)",
	        crm->db_path, crm_db_schema_version());
	return 0;
}

/* The global options of crm, bound to crm (version: --version asked). */
#define NGLOBAL 11
static void global_opts(struct crm *crm, int *version, struct opt out[NGLOBAL])
{
	const struct opt o[NGLOBAL] = {
		{ OPT_STRING_, "db", 0, &crm->db_opt, "PATH", "the database file",
		  COMPL_FILE, NULL, NULL, OPTF_NONEMPTY },
		{ OPT_STRING_, "config", 0, &crm->config_opt, "PATH", "the configuration file",
		  COMPL_FILE, NULL, NULL, OPTF_NONEMPTY },
		OPT_ID("operator", &crm->operator_id, "ID", "act as this operator", NULL),
		{ OPT_FORMAT_, "format", 0, &crm->fmt, "FMT", NULL, COMPL_FORMAT, NULL, NULL, 0 },
		OPT_FLAG("safe-csv", 0, &crm->safe_csv,
		         "in csv, a ' before a cell that a spreadsheet would run"),
		OPT_STRING("actor", &crm->actor, "NAME", "who is acting, for the history"),
		OPT_FLAG("quiet", 'q', &crm->quiet, "no summary on stderr"),
		OPT_FLAG("no-pager", 0, &crm->no_pager, "a long table is not paged"),
		OPT_FLAG("no-hooks", 0, &crm->no_hooks, "run no hook (hooks.*) for this command"),
		OPT_FLAG("version", 'V', version, "print the version"),
		OPT_END()
	};
	memcpy(out, o, sizeof o);
}

static void put_names(const struct cmd *table)
{
	for (const struct cmd *t = table; t->name; t++)
		if (!(t->flags & CMD_HIDDEN))
			puts(t->name);
}

/* crm __complete WORD... CUR: candidates for bash, one a line; "@file"
 * asks for file names.  The words are those after "crm", the last one
 * being completed (it may be empty). */
static int cmd_complete(struct crm *crm, int argc, char **argv)
{
	const struct cmd *group = NULL, *leaf = NULL;
	const char *cur = argc > 1 ? argv[argc - 1] : "";
	const char *prev = argc > 2 ? argv[argc - 2] : "";
	int i;

	int version;
	struct opt globals[NGLOBAL];

	global_opts(crm, &version, globals);
	for (i = 1; i < argc - 1 && !leaf; i++) {
		const char *a = argv[i];
		if (!group && a[0] == '-') {
			if (opt_takes_value(globals, a) && i + 1 < argc - 1) {
				if (!strcmp(a, "--config")) {
					crm_config_free(&crm->cfg);
					crm_config_load(&crm->cfg, argv[i + 1], crm->err,
					                sizeof crm->err);
				}
				i++;
			}
			continue;
		}
		if (group && group->fn && a[0] == '-') {
			leaf = group;   /* the group's own options: no subcommand after them */
			break;
		}
		const struct cmd *c = find(group ? group->sub : commands, a);
		if (!c)
			return 0;
		if (c->sub && !group)
			group = c;
		else
			leaf = c;
	}
	if (!group && !leaf) {
		if (opt_complete_global(crm, globals, prev, cur)) {
			if (cur[0] == '-')
				puts("--help");
		} else if (!opt_takes_value(globals, prev)) {
			put_names(commands);
		}
		return 0;
	}
	if (!leaf && group->fn && (cur[0] == '-' || prev[0] == '-'))
		leaf = group;   /* the group's own options (crm sync --dry-run):
		                   a subcommand comes before any option */
	if (!leaf) {
		if (cur[0] == '-')
			puts("--help");
		else
			put_names(group->sub);
		return 0;
	}
	if (!strcmp(leaf->name, "help")) {
		/* crm help [COMMAND [SUBCOMMAND]] */
		const struct cmd *c = i < argc - 1 ? find(commands, argv[i]) : NULL;
		if (i == argc - 1)
			put_names(commands);
		else if (c && c->sub && i == argc - 2)
			put_names(c->sub);
		return 0;
	}
	char *args[] = { (char *)leaf->name, "--crm-complete", (char *)prev,
	                 (char *)cur, NULL };
	crm->cmdname = leaf->name;
	command_is(crm, leaf);
	return leaf->fn(crm, 4, args) ? 0 : 0;
}

/* Run crm-NAME from PATH, as git runs git-NAME. */
static int run_external(struct crm *crm, int argc, char **argv)
{
	char prog[256];

	if (strchr(argv[0], '/') || strlen(argv[0]) > 200)
		goto unknown;
	snprintf(prog, sizeof prog, "crm-%s", argv[0]);
	if (crm->db_opt)
		setenv("CRM_DB", crm->db_opt, 1);
	if (crm->config_opt)
		setenv("CRM_CONFIG", crm->config_opt, 1);
	if (crm->operator_id > 0) {
		char id[32];
		snprintf(id, sizeof id, "%lld", crm->operator_id);
		setenv("CRM_OPERATOR", id, 1);
	}
	fflush(stdout);
	argv[0] = prog;
	execvp(prog, argv);
	if (errno != ENOENT) {
		fprintf(stderr, "crm: %s: %s\n", prog, strerror(errno));
		return CRM_SOFTWARE;
	}
	argv[0] = prog + 4;
unknown:
	(void)argc;
	char hint[96];
	/* what was typed: no escape sequence in it reaches the terminal */
	crm_err(crm, CRM_USAGE, "'%s' is not a crm command%s", argv[0],
	        *command_hint(commands, argv[0], hint, sizeof hint) ? hint : "; see 'crm help'");
	return cmd_fail(crm, CRM_USAGE);
}

/* The database of the command being run, opened once its options parse
 * (no database for --help or a usage error): created by a command that
 * writes; one that reads needs it to exist; CMD_DB_ASIS, as it is. */
static unsigned db_flags;

static int open_db(struct crm *crm)
{
	int rc = db_flags & CMD_DB_ASIS ? crm_db_open_asis(crm) :
	         db_flags & CMD_WRITES ? crm_db_open(crm) : crm_db_open_existing(crm);

	crm->committed = 0;   /* making the database is not the command's change */
	return cmd_fail(crm, rc);
}

/* stdout is data: a write error (a full disk) must not pass silently.
 * When the command has committed a change, a retry would find it done:
 * say so, with an exit status of its own. */
static int close_stdout(int committed)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "crm: stdout: write error: %s%s\n", strerror(errno),
		        committed ? "; the change was committed, only its output is lost" : "");
		return committed ? CRM_IOERR : CRM_CANTCREAT;
	}
	return 0;
}

static int run(struct crm *crm, int argc, char **argv)
{
	const struct cmd *c, *group = NULL;
	char name[96];
	int rc;

	c = find(commands, argv[0]);
	if (!c)
		return run_external(crm, argc, argv);
	if (c->sub && c->fn && (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") &&
	                                     strcmp(argv[1], "-h")))) {
		/* a group that runs itself with no subcommand (crm sync) */
		crm->cmdname = c->name;
	} else if (c->sub) {
		group = c;
		if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			group_help(crm, argc < 2 ? stderr : stdout, group);
			return argc < 2 ? CRM_USAGE : 0;
		}
		c = find(group->sub, argv[1]);
		if (!c) {
			char hint[96], see[96];
			snprintf(see, sizeof see, "; see 'crm %s --help'", group->name);
			crm_err(crm, CRM_USAGE, "%s: unknown subcommand '%s'%s", group->name, argv[1],
			        *command_hint(group->sub, argv[1], hint, sizeof hint) ? hint : see);
			return cmd_fail(crm, CRM_USAGE);
		}
		argc--;
		argv++;
		snprintf(name, sizeof name, "%s %s", group->name, c->name);
		crm->cmdname = name;
	} else {
		crm->cmdname = c->name;
	}
	command_is(crm, c);
	if (strcmp(c->name, "help") && !(c->flags & CMD_OWN_CONFIG)) {
		rc = crm_config_load(&crm->cfg, crm->config_opt, crm->err, sizeof crm->err);
		if (rc)
			return cmd_fail(crm, rc);
		if (!crm->operator_id)
			crm->operator_id = crm->cfg.operator_id;
		crm_time_set_zone(crm->cfg.display.timezone);
	}
	if (c->flags & (CMD_DB | CMD_DB_ASIS)) {
		db_flags = c->flags;
		opt_when_parsed(open_db);
	}
	rc = c->fn(crm, argc, argv);
	opt_when_parsed(NULL);
	rc = cmd_fail(crm, rc);
	/* what the command committed sets off its hooks: never its status */
	crm_hooks_run(crm, stderr);
	return rc;
}

/* an operator id from the environment: 0 when not set, -1 when bad */
static long long env_operator(void)
{
	const char *env = getenv("CRM_OPERATOR");
	long long id;

	if (!env || !*env)
		return 0;
	if (crm_parse_int(env, &id) || id < 1) {
		fprintf(stderr, "crm: CRM_OPERATOR: operator '%s' is not a positive whole number\n",
		        env);
		return -1;
	}
	return id;
}

int main(int argc, char **argv)
{
	struct crm crm;
	struct opt globals[NGLOBAL];
	int i, rc, version = 0;

	memset(&crm, 0, sizeof crm);
	crm.fmt = FMT_DEFAULT;
	/* past `ulimit -f` a write fails with EFBIG and is told as such; the
	 * signal would end crm with no word and the transaction half done */
	signal(SIGXFSZ, SIG_IGN);
	crm.db_opt = getenv("CRM_DB");
	crm.config_opt = getenv("CRM_CONFIG");
	crm.actor = getenv("CRM_ACTOR");
	if (!crm.actor || !*crm.actor)
		crm.actor = getenv("USER");
	if (!crm.actor || !*crm.actor)
		crm.actor = "unknown";
	if (crm_now_check()) {
		/* a test or a replay must not run on the real clock by mistake */
		fprintf(stderr, "crm: CRM_NOW '%s': not a time (use 2026-12-01T10:00:00Z or"
		        " 2026-12-01)\n", getenv("CRM_NOW"));
		return CRM_USAGE;
	}
	if ((crm.operator_id = env_operator()) < 0)
		return CRM_USAGE;
	if (getenv("CRM_NO_HOOKS") && *getenv("CRM_NO_HOOKS") && strcmp(getenv("CRM_NO_HOOKS"), "0"))
		crm.no_hooks = 1;
	global_opts(&crm, &version, globals);
	if ((i = opt_parse_global(&crm, argc - 1, argv + 1, globals, usage_text)) == OPT_BAD)
		return CRM_USAGE;
	if (version) {
		printf("crm %s\n", CRM_VERSION);
		return close_stdout(0);
	}
	if (i == OPT_HELP) {
		/* crm --help [COMMAND [SUBCOMMAND]] is crm help [COMMAND
		 * [SUBCOMMAND]]: the words that are not options, nor their values */
		char *args[4] = { "help", NULL, NULL, NULL };
		int n = 1;
		for (int k = 1; k < argc && n < 3; k++) {
			if (!strcmp(argv[k], "--"))
				continue;
			if (argv[k][0] == '-' && argv[k][1]) {
				k += opt_takes_value(globals, argv[k]);
				continue;
			}
			args[n++] = argv[k];
		}
		crm.cmdname = "help";
		rc = cmd_fail(&crm, cmd_help(&crm, n, args));
		crm_config_free(&crm.cfg);   /* a subcommand's help loads it */
		return rc ? rc : close_stdout(0);
	}
	i++;   /* argv[0] was not parsed */
	if (i >= argc) {
		fputs(usage_text, stderr);
		fputs("\ncommands:\n", stderr);
		list_table(stderr, commands);
		return CRM_USAGE;
	}
	rc = run(&crm, argc - i, argv + i);
	crm_db_close(&crm);
	crm_config_free(&crm.cfg);
	free(crm.db_path);
	/* output lost is worse than "nothing matched" */
	if ((i = close_stdout(crm.committed > 0)) && (!rc || rc == CRM_NOTFOUND))
		rc = i;
	cmd_pager_wait();
	return rc;
}
