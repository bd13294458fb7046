/* cmd.h: the command tables.  Each command group (cmd/<group>.c) exports
 * its sub-table; cmd/crm.c holds the top table.  `crm help`, the
 * completion helper and the consistency test all read these tables. */
#ifndef CRM_CMD_H
#define CRM_CMD_H

#include "../lib/crm.h"
#include "opt.h"
#include "batch.h"

enum cmd_flags {
	CMD_DB = 1 << 0,      /* opens the database first: a command that
	                         writes creates it, one that reads needs it
	                         to exist (66) */
	CMD_WRITES = 1 << 1,  /* changes the database (for the reader of the
	                         table: every write takes its own transaction) */
	CMD_HIDDEN = 1 << 2,  /* not listed by help or completion */
	CMD_DB_ASIS = 1 << 3, /* opens the database read-only, as it is: it
	                         must exist (66); never created nor migrated,
	                         nor refused for its id or version */
	CMD_LIST = 1 << 4,    /* prints rows that have an id: the ids format
	                         is one of its formats (no other command has it) */
	CMD_OWN_CONFIG = 1 << 5, /* loads the configuration it works on itself
	                            (the dispatcher loads none) */
};

/* A handler gets argv[0] = its own name.  It returns an exit status; for a
 * status other than 0 with crm->err set, the dispatcher prints
 * "crm: <err>". */
typedef int (*cmd_fn)(struct crm *crm, int argc, char **argv);

struct cmd {
	const char *name;
	cmd_fn fn;             /* NULL when sub is set */
	unsigned flags;
	const char *help;      /* one line */
	const struct cmd *sub; /* subcommand table, NULL-name terminated */
};

extern const struct cmd automation_cmds[];
extern const struct cmd client_cmds[];
extern const struct cmd config_cmds[];
extern const struct cmd comm_cmds[];
extern const struct cmd db_cmds[];
extern const struct cmd dnc_cmds[];
extern const struct cmd export_cmds[];
extern const struct cmd lead_cmds[];
extern const struct cmd ai_cmds[];
/* cmd/sync.c: crm sync with no subcommand pulls, then pushes */
extern const struct cmd sync_cmds[];
int cmd_sync(struct crm *crm, int argc, char **argv);
int cmd_notify(struct crm *crm, int argc, char **argv);
/* cmd/pipeline.c */
int cmd_pipeline(struct crm *crm, int argc, char **argv);
/* cmd/report.c */
int cmd_report(struct crm *crm, int argc, char **argv);
/* cmd/stats.c */
int cmd_stats(struct crm *crm, int argc, char **argv);
/* cmd/undo.c */
int cmd_undo(struct crm *crm, int argc, char **argv);

/* shared helpers for command files (cmd/common.c) */
/* Report a failed status: print "crm: <crm->err>" unless empty; return st. */
int cmd_fail(struct crm *crm, int st);
/* A library check of one of the command's arguments failed with st: its
 * message names the command ("client stage: stage 'x': ..."); st. */
int cmd_arg_fail(struct crm *crm, int st);
/* The printer of a show command: a person's view of the whole record,
 * whether or not stdout is a terminal, unless --format asks for another.
 * The caller frees it. */
struct printer *cmd_show_printer(struct crm *crm);
/* The printer of a list (cmd/pager.c): in the table format on a
 * terminal, a table longer than the screen goes through $PAGER (default
 * "less -FRX"; an empty $PAGER or "cat": none), unless --no-pager.  The
 * caller frees it. */
struct printer *cmd_list_printer(struct crm *crm);
/* A subcommand of no argument that prints what fn gives (db stats,
 * client dupes, dnc list): options parsed, an argument refused (64).
 * With list (what its rows are, "do-not-contact entries"), the output is
 * a list's: paged on a terminal, and none found is said there. */
int cmd_print_all(struct crm *crm, int argc, char **argv,
                  int (*fn)(struct crm *crm, struct printer *pr), const char *list);
/* The same, printed as a record is (cmd_show_printer): sync status. */
int cmd_show_all(struct crm *crm, int argc, char **argv,
                 int (*fn)(struct crm *crm, struct printer *pr));
/* The terminal's size (cmd/pager.c), rows and columns: what the
 * terminal on stdout says, else $LINES and $COLUMNS, else 24 by 80. */
void cmd_screen_size(long *rows, long *cols);
/* At the end: stdout closed, and the pager, if one runs, waited for. */
void cmd_pager_wait(void);
/* An empty list, CRM_NOTFOUND: on a terminal, say "no WHAT match" (as an
 * error: exit 1); in a pipe the exit status says it, as grep's does.
 * Returns rc. */
int cmd_none_match(struct crm *crm, int rc, const char *what);
/* Talk on stderr unless -q: "crm: <cmd>: ..." is not used for talk; plain
 * lines are. */
void cmd_say(struct crm *crm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The one CLIENT argument (n of them in argv) of a command that takes
 * one: its id, or 64 with usage when there are none or several. */
int cmd_one_client(struct crm *crm, const char *usage, int n, char **argv, long long *id);
/* fn(crm, ARG, 0, ctx) for each argument, and for "-" fn(crm, LINE,
 * lineno, ctx) for each line of stdin that is not blank (a NUL byte is
 * 65); an error of a line gets "stdin:N: " before it.  Stops at the first
 * failure, and returns it. */
typedef int (*cmd_each_fn)(struct crm *crm, const char *arg, long line, void *ctx);
int cmd_each_arg(struct crm *crm, int argc, char **argv, cmd_each_fn fn, void *ctx);
/* References from arguments (ids, emails, external ids: what resolve
 * takes), "-" reading them from stdin one a line, to ids, all or nothing:
 * one that matches nothing fails the list (from stdin with its line).
 * The same one twice counts once.  *ids is the caller's to free. */
typedef int (*cmd_resolve_fn)(struct crm *crm, const char *ref, long long *id);
int cmd_refs(struct crm *crm, int argc, char **argv, cmd_resolve_fn resolve,
             long long **ids, int *n);

/* A bulk change of n things, more than bulk.confirm (0: never ask), is
 * confirmed on the terminal (/dev/tty: the ids may be on stdin) unless
 * yes is set; with no terminal (cron, scripts) it goes ahead.  0 to go
 * on; CRM_NOTFOUND, with the message set, when the person said no. */
int cmd_confirm_bulk(struct crm *crm, int n, const char *what, int yes);

/* FILE|- input of a batch, with its options */
struct cmd_input {
	const char *infmt, *reject;
	long long max_errors;
	struct strvec maps;
	const char **src, **dst;
	FILE *fp;
	struct crm_batch batch;
};
extern const char *const *cmd_in_formats;
#define CMD_INPUT_OPTS(in) \
	OPT_ENUM("input-format", &(in).infmt, "FMT", "the input's format (default: detected)", cmd_in_formats), \
	OPT_LIST("map", &(in).maps, "SRC=FIELD", "read the column SRC as FIELD"), \
	OPT_STRINGC("reject-file", &(in).reject, "FILE", "store the good records, write the bad ones to FILE", COMPL_FILE), \
	OPT_INT("max-errors", &(in).max_errors, "N", "allow N bad records", NULL), \
	OPT_FLAG("dry-run", 0, &(in).batch.dry_run, "store nothing; say what would be stored")
void cmd_input_init(struct cmd_input *in);
/* n, argv: the positional arguments, FILE or "-" or none (stdin) */
int cmd_input_open(struct crm *crm, const char *usage,
                   int n, char **argv, struct cmd_input *in);
void cmd_input_close(struct cmd_input *in);
/* After crm_batch_run: the bad records it names, one "crm: NAME:LINE:
 * reason" line each, before the message of its status. */
void cmd_batch_told(const struct crm_batch *b);
/* " (dry run: nothing stored)" for a dry run, else "" */
const char *cmd_dry_run(const struct crm_batch *b);
/* An import command: FILE|- and the batch options, each record through
 * imp, then "<cmd>: N inserted, N updated, N unchanged, N rejected" unless
 * -q (its outcomes are enum crm_upsert), marked as a dry run when it is
 * one. */
int cmd_import(struct crm *crm, int argc, char **argv, const struct crm_importer *imp);

#endif
