/* print_xlsx.h: the printer's xlsx back-end (lib/print_xlsx.c), for
 * print.c alone; commands reach it through print.h (printer_xlsx_open,
 * printer_sheet, printer_chart, printer_close).
 *
 * A workbook of sheets, each a table or two: a bold header row, frozen,
 * with an autofilter over the first table's rows; times (COL_TIME) as
 * Excel dates, numbers as numbers, long text wrapped, lists as "a,b".
 * Written in libxlsxwriter's constant_memory mode: a row at a time, so
 * memory stays flat whatever the number of rows. */
#ifndef CRM_PRINT_XLSX_H
#define CRM_PRINT_XLSX_H

#include "print.h"

struct crm_xlsx;

/* A workbook to be written to path (made at crm_xlsx_close), with the
 * document properties props; *out owned, freed by crm_xlsx_close.
 * CRM_SOFTWARE when libxlsxwriter cannot be loaded, CRM_CANTCREAT when
 * the workbook cannot be begun. */
int crm_xlsx_open(struct crm *crm, const char *path, const struct xlsx_props *props,
                  struct crm_xlsx **out);
/* A new sheet: the tables from now on go there. */
void crm_xlsx_sheet(struct crm_xlsx *x, const char *name);
/* A table on the sheet (below the one before, a row apart): its header.
 * cols must live until crm_xlsx_end. */
void crm_xlsx_begin(struct crm_xlsx *x, const struct pcol *cols, int ncols);
/* A row: the statement's columns, or vals (text, NULL for none). */
void crm_xlsx_row(struct crm_xlsx *x, const char *const *vals, sqlite3_stmt *st);
/* The table ends: its widths, and the autofilter of the sheet's first. */
void crm_xlsx_end(struct crm_xlsx *x);
/* A bar chart of the last table: categories its column cat, values its
 * column val, beside it. */
void crm_xlsx_chart(struct crm_xlsx *x, const char *title, int cat, int val);
/* Write the workbook and free x; CRM_CANTCREAT when a write failed. */
int crm_xlsx_close(struct crm *crm, struct crm_xlsx *x);

#endif
