/* print.c: the row printer (see print.h).  The text formats are rows of a
 * table of modes; json, jsonl and table have their own row writers. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <csv.h>

#include "display.h"
#include "html.h"
#include "print.h"
#include "print_int.h"
#include "print_xlsx.h"

enum quoting { Q_NONE, Q_TSV, Q_CSV };

static const struct mode {
	const char *name;
	char sep;            /* between fields */
	int header;
	enum quoting quote;
} modes[] = {
	[FMT_TABLE] = { "table", ' ', 1, Q_NONE },
	[FMT_TSV] = { "tsv", '\t', 1, Q_TSV },
	[FMT_CSV] = { "csv", ',', 1, Q_CSV },
	[FMT_JSON] = { "json", ',', 0, Q_NONE },
	[FMT_JSONL] = { "jsonl", ',', 0, Q_NONE },
	[FMT_IDS] = { "ids", 0, 0, Q_NONE },
	[FMT_HTML] = { "html", 0, 0, Q_NONE },
};
/* the formats --format names: all but xlsx and html */
#define NMODES (FMT_IDS + 1)

int crm_fmt_parse(const char *s)
{
	for (int i = 0; i < NMODES; i++)
		if (!strcmp(modes[i].name, s))
			return i;
	return -1;
}

int crm_fmt_count(void)
{
	return NMODES;
}

const char *crm_fmt_name(enum crm_fmt fmt)
{
	return fmt >= 0 && (int)fmt < NMODES ? modes[fmt].name : fmt == FMT_XLSX ? "xlsx" :
	       fmt == FMT_HTML ? "html" : "default";
}

struct printer *printer_new(FILE *out, enum crm_fmt fmt)
{
	struct printer *p = xmalloc(sizeof *p);

	memset(p, 0, sizeof *p);
	p->out = out;
	p->fmt = fmt == FMT_DEFAULT ? FMT_TSV : fmt;
	p->nlist = -1;
	p->tty = p->fmt == FMT_TABLE && isatty(fileno(out));
	return p;
}

struct printer *printer_open(struct crm *crm, FILE *out)
{
	struct printer *p = printer_new(out, crm->fmt);

	p->safe_csv = crm->safe_csv;
	return p;
}

void printer_on_table(struct printer *p, void (*fn)(void *arg, long lines, size_t width),
                      void *arg)
{
	p->on_table = fn;
	p->on_table_arg = arg;
}

void printer_safe_csv(struct printer *p, int on)
{
	p->safe_csv = on;
}

/* --- JSON --- */

/* a JSON value for one cell */
static void json_value(struct printer *p, int i, int sqltype, const char *v)
{
	enum col_type t = p->cols[i].type;

	if (!v) {
		fputs("null", p->out);
	} else if (t == COL_JSON || t == COL_LIST) {
		fputs(*v ? v : "null", p->out);
	} else if (t == COL_INT || (t == COL_AUTO && (sqltype == SQLITE_INTEGER ||
	                                               sqltype == SQLITE_FLOAT))) {
		fputs(v, p->out);
	} else {
		json_put_string(p->out, v);
	}
}

/* "key":value,... of the row's columns */
void print_json_members(struct printer *p, const char *const *vals, sqlite3_stmt *st)
{
	FILE *out = p->out;

	for (int i = 0, n = 0; i < p->ncols; i++) {
		if (p->cols[i].flags & PCOL_PERSON)
			continue;
		/* the type first: reading the text may convert the value */
		int type = st ? sqlite3_column_type(st, i) : SQLITE_TEXT;
		const char *v = st ? (const char *)sqlite3_column_text(st, i) : vals[i];
		if (n++)
			putc(',', out);
		json_put_string(out, p->cols[i].name);
		putc(':', out);
		json_value(p, i, type, v);
	}
}

static void json_row(struct printer *p, const char *const *vals, sqlite3_stmt *st)
{
	FILE *out = p->out;

	if (p->fmt == FMT_JSON)
		fputs(p->rows ? ",\n" : "[\n", out);
	putc('{', out);
	if (p->type) {
		fputs("\"type\":", out);
		json_put_string(out, p->type);
		putc(',', out);
	}
	print_json_members(p, vals, st);
	putc('}', out);
	if (p->fmt == FMT_JSONL)
		putc('\n', out);
}

/* --- text --- */

static void put_field(struct printer *p, const char *v)
{
	FILE *out = p->out;

	switch (modes[p->fmt].quote) {
	case Q_TSV:
		for (; *v; v++) {
			switch (*v) {
			case '\\': fputs("\\\\", out); break;
			case '\t': fputs("\\t", out); break;
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			default: putc(*v, out);
			}
		}
		break;
	case Q_CSV:
		if (p->safe_csv && *v && strchr("=+-@\t\r", *v)) {
			/* the ' is part of the cell, inside its quotes */
			size_t n = strlen(v);
			char *t = xmalloc(n + 2);
			t[0] = '\'';
			memcpy(t + 1, v, n + 1);
			csv_fwrite(out, t, n + 1);
			free(t);
		} else if (strpbrk(v, ",\"\r\n") || (*v && (v[0] == ' ' || v[strlen(v) - 1] == ' '))) {
			csv_fwrite(out, v, strlen(v));
		} else {
			fputs(v, out);
		}
		break;
	case Q_NONE:
		fputs(v, out);
		break;
	}
}

static void text_row(struct printer *p, const char *const *vals, sqlite3_stmt *st)
{
	for (int i = 0; i < p->ncols; i++) {
		const char *v = st ? (const char *)sqlite3_column_text(st, i) : vals[i];
		if (i)
			putc(modes[p->fmt].sep, p->out);
		if (!v)
			continue;
		if (p->cols[i].type == COL_LIST) {
			char *t = crm_list_text(v);
			put_field(p, t);
			free(t);
		} else {
			put_field(p, v);
		}
	}
	putc('\n', p->out);
}

/* --- table --- */

static void keep_cell(struct printer *p, const char *v, enum col_type t)
{
	if (p->ncells == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->cells = xrealloc(p->cells, p->cap * sizeof *p->cells);
	}
	p->cells[p->ncells++] = !v ? NULL : t == COL_LIST ? crm_list_text(v) : xstrdup(v);
}

#define CELL_MAX 40

/* where the table cuts the column's cells */
static size_t cell_max(const struct pcol *c)
{
	size_t cut = (c->flags & PCOL_CUT_MASK) >> 8;

	return cut ? cut : CELL_MAX;
}

static void put_cell(FILE *out, const char *s, size_t max, size_t pad, int last)
{
	size_t bytes, w = crm_display_width(s, max, &bytes);

	if (s[bytes]) {   /* longer: cut, with an ellipsis */
		w = crm_display_width(s, max - 1, &bytes);
		crm_put_display(out, s, bytes, -1);
		fputs("\xe2\x80\xa6", out);
		w++;
	} else {
		crm_put_display(out, s, bytes, -1);
	}
	if (!last)
		for (size_t i = w; i < pad + 2; i++)
			putc(' ', out);
}

/* the time cells of the table as a person reads them, in one pass over
 * the display zone */
static void table_times(struct printer *p)
{
	int any = 0;

	for (int i = 0; i < p->ncols; i++)
		any |= p->cols[i].type == COL_TIME;
	if (!any)
		return;
	crm_time_zone_begin();
	for (size_t c = 0; c < p->ncells; c++) {
		const struct pcol *col = &p->cols[c % (size_t)p->ncols];
		char *t;
		if (col->type != COL_TIME ||
		    !(t = crm_person_time(p->cells[c], p->tty && (col->flags & PCOL_RELATIVE))))
			continue;
		free(p->cells[c]);
		p->cells[c] = t;
	}
	crm_time_zone_end();
}

static void table_flush(struct printer *p)
{
	size_t *wid = xmalloc((size_t)p->ncols * sizeof *wid);
	int bold = p->tty && !getenv("NO_COLOR");
	int last = p->ncols - 1;
	char name[64];

	table_times(p);
	for (int i = 0; i < p->ncols; i++)
		wid[i] = crm_display_width(p->cols[i].name, cell_max(&p->cols[i]), NULL);
	for (size_t c = 0; c < p->ncells; c++)
		if (p->cells[c]) {
			size_t w = crm_display_width(p->cells[c],
			                             cell_max(&p->cols[c % (size_t)p->ncols]), NULL);
			if (w > wid[c % (size_t)p->ncols])
				wid[c % (size_t)p->ncols] = w;
		}
	if (p->on_table) {
		size_t width = 0;
		for (int i = 0; i < p->ncols; i++)
			width += wid[i] + (i < last ? 2 : 0);
		p->on_table(p->on_table_arg, (long)(p->ncells / (size_t)p->ncols) + 1, width);
	}
	/* trailing empty columns are not padded */
	if (bold)
		fputs("\033[1m", p->out);
	for (int i = 0; i < p->ncols; i++) {
		size_t k = 0;
		for (const char *s = p->cols[i].name; *s && k < sizeof name - 1; s++)
			name[k++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s == '_' ? ' ' : *s);
		name[k] = '\0';
		put_cell(p->out, name, cell_max(&p->cols[i]), wid[i], i == last);
	}
	if (bold)
		fputs("\033[0m", p->out);
	putc('\n', p->out);
	for (size_t c = 0; c < p->ncells; c++) {
		int i = (int)(c % (size_t)p->ncols);
		/* no trailing spaces: the row ends at its last non-empty cell */
		int end = i;
		size_t row = c - (size_t)i;
		for (int j = p->ncols - 1; j >= 0; j--)
			if (p->cells[row + (size_t)j] && *p->cells[row + (size_t)j]) {
				end = j;
				break;
			}
		if (i <= end)
			put_cell(p->out, p->cells[c] ? p->cells[c] : "", cell_max(&p->cols[i]), wid[i],
			         i == end);
		if (i == last)
			putc('\n', p->out);
	}
	free(wid);
}

/* --- the interface --- */

/* the index of the column named "id", -1 when there is none */
int print_id_column(const struct pcol *cols, int ncols)
{
	for (int i = 0; i < ncols; i++)
		if (!strcmp(cols[i].name, "id"))
			return i;
	return -1;
}

int crm_fmt_check(struct crm *crm, const struct pcol *cols, int ncols)
{
	if (crm->fmt == FMT_IDS && print_id_column(cols, ncols) < 0)
		return crm_err(crm, CRM_USAGE, "%s: format 'ids': its rows have no id",
		               crm->cmdname);
	return 0;
}

int printer_begin(struct printer *p, const struct pcol *cols, int ncols)
{
	p->cols = cols;
	p->ncols = ncols;
	p->rows = 0;
	p->idcol = print_id_column(cols, ncols);
	if (p->fmt == FMT_IDS && p->idcol < 0)
		return -1;
	if (p->fmt == FMT_HTML)
		html_table_begin(p->out, cols, ncols);
	if (p->fmt == FMT_XLSX) {
		crm_xlsx_begin(p->xlsx, cols, ncols);
		return 0;
	}
	if (modes[p->fmt].header && p->fmt != FMT_TABLE) {
		for (int i = 0; i < ncols; i++) {
			if (i)
				putc(modes[p->fmt].sep, p->out);
			put_field(p, cols[i].name);
		}
		putc('\n', p->out);
	}
	return 0;
}

void print_row(struct printer *p, const char *const *vals, sqlite3_stmt *st)
{
	const char *id;

	switch (p->fmt) {
	case FMT_JSON:
	case FMT_JSONL:
		json_row(p, vals, st);
		break;
	case FMT_IDS:
		if (p->idcol < 0)
			return;
		id = st ? (const char *)sqlite3_column_text(st, p->idcol) : vals[p->idcol];
		if (!id)
			return;
		fputs(id, p->out);
		putc('\n', p->out);
		break;
	case FMT_TABLE:
		for (int i = 0; i < p->ncols; i++)
			keep_cell(p, st ? (const char *)sqlite3_column_text(st, i) : vals[i],
			          p->cols[i].type);
		break;
	case FMT_HTML:
		html_table_row(p->out, p->cols, p->ncols, vals, st);
		break;
	case FMT_XLSX:
		crm_xlsx_row(p->xlsx, vals, st);
		break;
	default:
		text_row(p, vals, st);
	}
	p->rows++;
}

void printer_row_stmt(struct printer *p, sqlite3_stmt *st)
{
	print_row(p, NULL, st);
}

void printer_row(struct printer *p, const char *const *vals)
{
	print_row(p, vals, NULL);
}

long printer_end(struct printer *p)
{
	if (p->fmt == FMT_JSON)
		fputs(p->rows ? "\n]\n" : "[]\n", p->out);
	if (p->fmt == FMT_HTML)
		html_table_end(p->out, p->rows);
	if (p->fmt == FMT_XLSX)
		crm_xlsx_end(p->xlsx);
	if (p->fmt == FMT_TABLE && p->ncols > 0) {
		if (p->rows)
			table_flush(p);
		for (size_t c = 0; c < p->ncells; c++)
			free(p->cells[c]);
		p->ncells = 0;
	}
	return p->rows;
}

void printer_free(struct printer *p)
{
	if (!p)
		return;
	crm_xlsx_close(NULL, p->xlsx);   /* a workbook not closed: no message */
	for (size_t c = 0; c < p->ncells; c++)
		free(p->cells[c]);
	free(p->cells);
	free(p);
}

void printer_sheet(struct printer *p, const char *name, const char *type)
{
	if (p->fmt == FMT_XLSX && name)
		crm_xlsx_sheet(p->xlsx, name);
	p->type = type;
}

void printer_chart(struct printer *p, const char *title, int cat, int val)
{
	if (p->fmt == FMT_XLSX)
		crm_xlsx_chart(p->xlsx, title, cat, val);
}

int printer_xlsx_open(struct crm *crm, const char *path, const struct xlsx_props *props,
                      struct printer **out)
{
	struct crm_xlsx *x;
	int rc;

	*out = NULL;
	if ((rc = crm_xlsx_open(crm, path, props, &x)))
		return rc;
	*out = printer_new(stdout, FMT_XLSX);
	(*out)->xlsx = x;
	return 0;
}

int printer_close(struct crm *crm, struct printer *p)
{
	int rc = 0;

	if (!p)
		return 0;
	if (p->xlsx)
		rc = crm_xlsx_close(crm, p->xlsx);
	p->xlsx = NULL;
	printer_free(p);
	return rc;
}
