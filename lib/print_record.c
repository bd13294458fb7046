/* print_record.c: a record, as `show` prints one, through the printer
 * (see print.h): its own fields, then lists of rows under a key (JSON)
 * and a title (the table). */
#include <stdlib.h>
#include <string.h>

#include "display.h"
#include "print.h"
#include "print_int.h"

static void fields(FILE *out, const char *const *vals, sqlite3_stmt *st,
                   const struct pcol *cols, int ncols)
{
	int w = 0;

	for (int i = 0; i < ncols; i++)
		if ((int)strlen(cols[i].name) > w)
			w = (int)strlen(cols[i].name);
	crm_time_zone_begin();
	for (int i = 0; i < ncols; i++) {
		const char *v = st ? (const char *)sqlite3_column_text(st, i) : vals[i];
		char *t = !v ? NULL : cols[i].type == COL_LIST ? crm_list_text(v) :
		          cols[i].type == COL_TIME ? crm_person_time(v, 0) : NULL;
		if (t)
			v = t;
		if (v && *v) {
			fprintf(out, "%-*s  ", w, cols[i].name);
			crm_put_display(out, v, strlen(v), w + 2);
			putc('\n', out);
		} else
			fprintf(out, "%s\n", cols[i].name);
		free(t);
	}
	crm_time_zone_end();
}

void printer_fields(FILE *out, sqlite3_stmt *st, const struct pcol *cols,
                    int ncols)
{
	fields(out, NULL, st, cols, ncols);
}

/* --- records --- */

static void record(struct printer *p, const struct pcol *cols, int ncols,
                   const char *const *vals, sqlite3_stmt *st)
{
	p->cols = cols;
	p->ncols = ncols;
	p->idcol = print_id_column(cols, ncols);
	switch (p->fmt) {
	case FMT_JSON:
	case FMT_JSONL:
		putc('{', p->out);
		print_json_members(p, vals, st);
		break;
	case FMT_TABLE:
		fields(p->out, vals, st, cols, ncols);
		break;
	default:
		/* its own row, as a list of one */
		printer_begin(p, cols, ncols);
		print_row(p, vals, st);
		printer_end(p);
	}
}

void printer_record(struct printer *p, const struct pcol *cols, int ncols, sqlite3_stmt *st)
{
	record(p, cols, ncols, NULL, st);
}

void printer_record_vals(struct printer *p, const struct pcol *cols, int ncols,
                         const char *const *vals)
{
	record(p, cols, ncols, vals, NULL);
}

/* the list of a record being printed ends */
static void end_list(struct printer *p)
{
	if (p->nlist < 0)
		return;
	if (p->fmt == FMT_JSON || p->fmt == FMT_JSONL)
		putc(']', p->out);
	if (p->list) {
		if (printer_end(p->list) == 0)
			fputs("  (none)\n", p->out);
		printer_free(p->list);
		p->list = NULL;
	}
	p->nlist = -1;
}

void printer_list(struct printer *p, const char *key, const char *title,
                  const struct pcol *cols, int ncols)
{
	end_list(p);
	p->nlist = 0;
	p->cols = cols;
	p->ncols = ncols;
	if (p->fmt == FMT_JSON || p->fmt == FMT_JSONL) {
		putc(',', p->out);
		json_put_string(p->out, key);
		fputs(":[", p->out);
	} else if (p->fmt == FMT_TABLE) {
		/* the narrow columns, in a table of its own */
		p->nsub = 0;
		for (int i = 0; i < ncols && p->nsub < PRINTER_SUB_MAX; i++)
			if (cols[i].flags & PCOL_NARROW) {
				p->sub[p->nsub] = cols[i];
				p->subidx[p->nsub++] = i;
			}
		fprintf(p->out, "\n%s:\n", title);
		p->list = printer_new(p->out, FMT_TABLE);
		printer_begin(p->list, p->sub, p->nsub);
	}
}

static void list_row(struct printer *p, const char *const *vals, sqlite3_stmt *st)
{
	if (p->fmt == FMT_JSON || p->fmt == FMT_JSONL) {
		fputs(p->nlist ? ",{" : "{", p->out);
		print_json_members(p, vals, st);
		putc('}', p->out);
	} else if (p->list) {
		const char *sub[PRINTER_SUB_MAX];
		for (int i = 0; i < p->nsub; i++)
			sub[i] = st ? (const char *)sqlite3_column_text(st, p->subidx[i]) :
			              vals[p->subidx[i]];
		print_row(p->list, sub, NULL);
	}
	p->nlist++;
}

void printer_list_row(struct printer *p, sqlite3_stmt *st)
{
	list_row(p, NULL, st);
}

void printer_list_vals(struct printer *p, const char *const *vals)
{
	list_row(p, vals, NULL);
}

void printer_record_end(struct printer *p)
{
	end_list(p);
	if (p->fmt == FMT_JSON || p->fmt == FMT_JSONL)
		fputs("}\n", p->out);
}
