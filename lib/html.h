/* html.h: HTML for crm report: escaped text, and the printer's html
 * back-end (a list as a <table>, for a person: local times, lists
 * joined with ","), which is not a --format of its own. */
#ifndef CRM_HTML_H
#define CRM_HTML_H

#include <stdio.h>
#include <sqlite3.h>

#include "print.h"

/* s with & < > " ' as entities; a bad UTF-8 byte as U+FFFD, control
 * characters but TAB and newline left out */
void html_put(FILE *out, const char *s);

void html_table_begin(FILE *out, const struct pcol *cols, int ncols);
/* vals[i] or column i of st */
void html_table_row(FILE *out, const struct pcol *cols, int ncols, const char *const *vals,
                    sqlite3_stmt *st);
void html_table_end(FILE *out, long rows);

#endif
