/* catalog.h: the columns of each entity, written once.
 *
 * A catalog row names a column as every output prints it and as imports
 * read it, says how to select it, its type for the printer, whether the
 * narrow table (a person's list) shows it, and which field of the
 * entity's write path sets it.  The SELECTs, the printer's columns, show's
 * records, the imports' known columns and the update statements all come
 * from here, so that they cannot drift apart. */
#ifndef CRM_CATALOG_H
#define CRM_CATALOG_H

#include "crm.h"
#include "print.h"

enum col_flags {
	COLF_PERSON = 1 << 0,   /* for a person's table only; last in the catalog */
	COLF_OWN_LIST = 1 << 1, /* a person's column of the entity's own list,
	                           not of a record's list of it (a client's
	                           timeline needs no client); the very last */
	COLF_RELATIVE = 1 << 2, /* a time the table on a terminal gives as how
	                           far from now it is */
};
/* the narrow table cuts the column's cells at n terminal columns */
#define COLF_CUT(n) PCOL_CUT(n)

struct crm_col {
	const char *name;       /* in machine formats, and what imports read */
	const char *sql;        /* its value in a SELECT of the entity */
	enum col_type type;
	int narrow;             /* its place (from 1) in the table without
	                           --wide; 0: not there */
	int field;              /* the entity's enum of settable fields; -1: none */
	const char *label;      /* the narrow table's name for it, when not name */
	unsigned flags;
};

/* which columns: every one that machine formats print; those of the
 * narrow table, in its order; or all, the person's too (a record's list,
 * which the printer narrows for the table) */
enum cat_view { CAT_WIDE, CAT_NARROW, CAT_ALL };

#define CRM_CATALOG_MAX 32   /* columns of an entity, at most */

struct crm_entity {
	const char *from;       /* "clients c": what the SQL of the columns reads */
	const struct crm_col *cols;
	int ncols;
};

extern const struct crm_entity crm_clients, crm_leads, crm_comms, crm_history,
	crm_listings;

/* "SELECT <the view's columns> FROM <from>" (owned) */
char *crm_entity_select(const struct crm_entity *e, enum cat_view view);
/* The printer's columns of the view into out (room for e->ncols); how
 * many. */
int crm_entity_pcols(const struct crm_entity *e, enum cat_view view, struct pcol *out);
/* q begun as the view's SELECT of e, and the printer's columns of the
 * view into cols (room for e->ncols); how many.  The caller adds to q
 * and frees it. */
struct query;
int crm_entity_query(const struct crm_entity *e, enum cat_view view, struct query *q,
                     struct pcol *cols);

/* The row of e whose idcol is id, begun as a record of pr (its fields;
 * printer_record): CRM_NOTFOUND "WHAT 'ID': not found" when there is
 * none.  The caller adds lists, then ends the record. */
int crm_entity_record(struct crm *crm, const struct crm_entity *e, const char *idcol,
                      long long id, const char *what, struct printer *pr);
/* The rows of e that tail selects (its WHERE, bound to id, and its
 * order), as a list of the record pr prints, under key and title. */
int crm_entity_list(struct crm *crm, const struct crm_entity *e, const char *tail,
                    long long id, const char *key, const char *title, struct printer *pr);

/* SQL over the settable fields 0 .. nfields - 1 of e, made once into buf
 * (a stable address: crm_stmt prepares it once) and returned: prefix,
 * then fmt for each field but skip (-1: none), sep between, then suffix.
 * fmt takes the column's name as %1$s and its bind number, first plus
 * the field's number, as %2$d; one that wants the number alone writes
 * "%1$.0s?%2$d" (numbered arguments are all named, as POSIX asks). */
const char *crm_entity_fields_sql(const struct crm_entity *e, int nfields, int skip,
                                  char *buf, size_t size, const char *prefix,
                                  const char *fmt, int first, const char *sep,
                                  const char *suffix);

/* the column named name, NULL when there is none */
const struct crm_col *crm_entity_col(const struct crm_entity *e, const char *name);
/* The names of the columns that set a field (field >= 0), in the
 * catalog's order, then the NULL-terminated more, into out (room for
 * e->ncols plus more's), NULL-terminated; returns out. */
const char **crm_entity_field_names(const struct crm_entity *e, const char *const *more,
                                    const char **out);
/* the column that sets field f, NULL when there is none */
const struct crm_col *crm_entity_field(const struct crm_entity *e, int f);

#endif
