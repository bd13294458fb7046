/* filters.h: option sets that several commands take, declared once and
 * inherited (OPT_INHERIT): the client filters (client list now; export,
 * automation due and stats take the same), the lead filters, and the end
 * of a list command. */
#ifndef CRM_FILTERS_H
#define CRM_FILTERS_H

#include "client.h"
#include "lead.h"
#include "opt.h"

#define FILTER_NOPTS 24

/* A list command: the filters' options and --wide, then the rows the
 * library's list finds, printed in crm's format (every column unless
 * the format is the table without --wide). */
struct list_cmd {
	const char *what;   /* "clients": "no clients match" */
	const struct opt *filters;
	int (*finish)(struct crm *crm, void *args);   /* after parsing */
	int (*list)(struct crm *crm, void *args, int wide, struct printer *pr);
	void *args;
};
int cmd_list(struct crm *crm, int argc, char **argv, const char *usage,
             const struct list_cmd *lc);

/* The client filters of DESIGN.md sec. 5.  Init binds the options to
 * the struct and returns the list command of clients; finish checks what
 * the parser cannot (times) and takes the operator in force. */
struct client_filter_args {
	struct crm_client_filter flt;
	struct strvec stage, status, channel, source_type, operators, automation, ai, tag;
	const char *since, *until, *due;
	char since_t[CRM_TIME_LEN], until_t[CRM_TIME_LEN], due_t[CRM_TIME_LEN];
	struct opt opts[FILTER_NOPTS];
	struct list_cmd lc;
};
const struct list_cmd *client_filter_init(struct crm *crm, struct client_filter_args *a);
int client_filter_finish(struct crm *crm, void *args);

/* The client filters that choose clients, without those that shape a
 * list (--sort, --limit, --offset): for the commands that count every
 * client chosen (pipeline, stats, report).  a->opts loses them. */
void client_filter_choosing(struct client_filter_args *a);

/* The client filters over a period (stats, report): --since and --until
 * bound what happened, not when the clients were added; there is no
 * --sort, --limit nor --offset.  more: the command's own options (at most PERIOD_MORE).  0, a
 * status, or what opt_parse returns below 0 (OPT_EXIT says the status:
 * 0 after --help).  The caller frees with opt_free(a->opts) once done
 * with a->cf.flt. */
#define PERIOD_MORE 6
struct period_args {
	struct client_filter_args cf;
	const char *since, *until;   /* canonical, or NULL */
	struct opt opts[PERIOD_MORE + 2];
};
int period_filter_parse(struct crm *crm, int argc, char **argv, const char *usage,
                        struct period_args *a, const struct opt *more);

struct lead_filter_args {
	struct crm_lead_filter flt;
	struct strvec status, source_type, operators;
	const char *since;
	char since_t[CRM_TIME_LEN];
	struct opt opts[FILTER_NOPTS];
	struct list_cmd lc;
};
const struct list_cmd *lead_filter_init(struct crm *crm, struct lead_filter_args *a);
int lead_filter_finish(struct crm *crm, void *args);

#endif
