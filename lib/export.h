/* export.h: crm export: the clients a client filter selects, their
 * communications, their leads and the pipeline they make, as sheets of
 * one printer, read from one snapshot of the database. */
#ifndef CRM_EXPORT_H
#define CRM_EXPORT_H

#include "catalog.h"
#include "client.h"

enum crm_export_what {
	EXPORT_CLIENTS,
	EXPORT_COMMS,
	EXPORT_LEADS,
	EXPORT_ALL,       /* the three, then the pipeline */
};
/* "clients", "comms", "leads", "all", NULL-terminated, in the enum's order */
extern const char *const crm_export_whats[];

struct crm_export {
	const struct crm_client_filter *flt;
	enum crm_export_what what;
	/* the columns of the first sheet (the clients' for EXPORT_ALL), by
	 * catalog name, NULL-terminated; NULL: every column */
	const char *const *columns;
};

/* The entity whose columns --columns names for what. */
const struct crm_entity *crm_export_entity(enum crm_export_what what);
/* 0 when each of names is a column of e (as machine formats print it),
 * none twice; else CRM_USAGE "export: --columns 'x': unknown column; did
 * you mean 'y'? (known: a, b, ...)". */
int crm_export_columns_check(struct crm *crm, const struct crm_entity *e,
                             const char *const *names);
/* Whether a filter narrows the clients (any but --all and --sort): when
 * none does, the leads exported are every lead of the operator in force,
 * not only those of the clients. */
int crm_export_narrows(const struct crm_client_filter *flt);

/* Print what ex asks through pr, a sheet each (printer_sheet), in one
 * read transaction: what the sheets show agrees, whatever is written
 * meanwhile, and no writer waits for it.  Communications are those of the
 * clients selected; leads those linked to them, or every lead of the
 * operator in force when no filter narrows the clients; the pipeline
 * (EXPORT_ALL) counts the selected clients by stage, in the pipeline's
 * order, and the reply rate by channel. */
int crm_export_run(struct crm *crm, const struct crm_export *ex, struct printer *pr);

#endif
