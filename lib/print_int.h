/* print_int.h: the printer's insides, for its own files alone (print.c,
 * print_record.c); commands and the rest of lib/ see print.h. */
#ifndef CRM_PRINT_INT_H
#define CRM_PRINT_INT_H

#include "print.h"

struct printer {
	FILE *out;
	enum crm_fmt fmt;
	int safe_csv;
	int tty;             /* out is a terminal (when the printer was made) */
	void (*on_table)(void *arg, long lines, size_t width);
	void *on_table_arg;
	/* a record: its list being printed (rows of cols; for the table, a
	 * printer of its own with the narrow columns, sub[], which are the
	 * columns subidx[] of the rows) */
	struct printer *list;
	long nlist;
#define PRINTER_SUB_MAX 16
	struct pcol sub[PRINTER_SUB_MAX];
	int subidx[PRINTER_SUB_MAX], nsub;
	const struct pcol *cols;
	int ncols, idcol;
	long rows;
	const char *type;    /* json, jsonl: the "type" of each object (NULL: none) */
	struct crm_xlsx *xlsx;
	/* table: every cell kept until the end */
	char **cells;
	size_t ncells, cap;
};

/* a row of the printer's columns: vals[i], or column i of st */
void print_row(struct printer *p, const char *const *vals, sqlite3_stmt *st);
/* "key":value,... of such a row, for json and jsonl */
void print_json_members(struct printer *p, const char *const *vals, sqlite3_stmt *st);
/* the index of the column named "id", -1 when there is none */
int print_id_column(const struct pcol *cols, int ncols);

#endif
