/* cmd.h: the command tables.  Each command group (cmd/<group>.c) exports
 * its sub-table; cmd/crm.c holds the top table.  `crm help`, the
 * completion helper and the consistency test all read these tables. */
#ifndef CRM_CMD_H
#define CRM_CMD_H

#include "../lib/crm.h"
#include "opt.h"

enum cmd_flags {
	CMD_DB = 1 << 0,      /* opens (and creates) the database first */
	CMD_WRITES = 1 << 1,  /* changes the database */
	CMD_HIDDEN = 1 << 2,  /* not listed by help or completion */
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

extern const struct cmd client_cmds[];
extern const struct cmd config_cmds[];
extern const struct cmd comm_cmds[];
extern const struct cmd lead_cmds[];

/* shared helpers for command files (cmd/common.c) */
/* Report a failed status: print "crm: <crm->err>" unless empty; return st. */
int cmd_fail(struct crm *crm, int st);
/* A usage error: "crm: <cmd>: <msg>" then the usage line; returns 64. */
int cmd_usage_error(struct crm *crm, const struct opt *opts,
                    const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Talk on stderr unless -q: "crm: <cmd>: ..." is not used for talk; plain
 * lines are. */
void cmd_say(struct crm *crm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Client references (ids or emails; "-" reads them from stdin, one a line)
 * to ids, all or nothing.  *ids is the caller's to free. */
int cmd_client_ids(struct crm *crm, int argc, char **argv, long long **ids,
                   int *n);

#endif
