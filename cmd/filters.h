/* filters.h: option sets that several commands take, declared once and
 * inherited (OPT_INHERIT): the client filters (client list now; export,
 * automation due and stats take the same), the lead filters, and the end
 * of a list command. */
#ifndef CRM_FILTERS_H
#define CRM_FILTERS_H

#include "client.h"
#include "lead.h"
#include "opt.h"

#define FILTER_NOPTS 20

/* The client filters of DESIGN.md sec. 5.  Init binds opts to this
 * struct; finish checks what the parser cannot (times) and takes the
 * operator in force. */
struct client_filter_args {
	struct crm_client_filter flt;
	const char *since, *until;
	char since_t[CRM_TIME_LEN], until_t[CRM_TIME_LEN];
	struct opt opts[FILTER_NOPTS];
};
void client_filter_init(struct crm *crm, struct client_filter_args *a);
int client_filter_finish(struct crm *crm, struct client_filter_args *a);

struct lead_filter_args {
	struct crm_lead_filter flt;
	const char *since;
	char since_t[CRM_TIME_LEN];
	struct opt opts[FILTER_NOPTS];
};
void lead_filter_init(struct crm *crm, struct lead_filter_args *a);
int lead_filter_finish(struct crm *crm, struct lead_filter_args *a);

/* A list command's own options: --wide.  list_finish: no positional
 * argument is allowed, and every column is printed unless the format is
 * the table without --wide (*wide says which). */
struct list_args {
	int wide;
	struct opt opts[2];
};
void list_init(struct list_args *l);
int list_finish(struct crm *crm, const struct list_args *l, const char *usage,
                int n, char **argv, int *wide);

#endif
