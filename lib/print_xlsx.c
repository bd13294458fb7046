/* print_xlsx.c: the printer's xlsx back-end (see print_xlsx.h).
 *
 * libxlsxwriter is loaded with dlopen the first time a workbook is
 * asked for: linked, its shared objects (and zlib's) cost every crm
 * process their loading and relocation at start, for what one command
 * uses.  The Makefile names its file (CRM_LIBXLSXWRITER). */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "display.h"
#include "print_xlsx.h"

#ifndef CRM_LIBXLSXWRITER
#define CRM_LIBXLSXWRITER "libxlsxwriter.so.4"
#endif

/* the functions of libxlsxwriter that crm calls */
static struct {
	lxw_workbook *(*workbook_new_opt)(const char *, lxw_workbook_options *);
	lxw_worksheet *(*workbook_add_worksheet)(lxw_workbook *, const char *);
	lxw_format *(*workbook_add_format)(lxw_workbook *);
	lxw_chart *(*workbook_add_chart)(lxw_workbook *, uint8_t);
	lxw_error (*workbook_set_properties)(lxw_workbook *, lxw_doc_properties *);
	lxw_error (*workbook_close)(lxw_workbook *);
	lxw_error (*write_string)(lxw_worksheet *, lxw_row_t, lxw_col_t, const char *,
	                          lxw_format *);
	lxw_error (*write_number)(lxw_worksheet *, lxw_row_t, lxw_col_t, double, lxw_format *);
	lxw_error (*write_datetime)(lxw_worksheet *, lxw_row_t, lxw_col_t, lxw_datetime *,
	                            lxw_format *);
	lxw_error (*set_column)(lxw_worksheet *, lxw_col_t, lxw_col_t, double, lxw_format *);
	void (*freeze_panes)(lxw_worksheet *, lxw_row_t, lxw_col_t);
	lxw_error (*autofilter)(lxw_worksheet *, lxw_row_t, lxw_col_t, lxw_row_t, lxw_col_t);
	lxw_error (*insert_chart)(lxw_worksheet *, lxw_row_t, lxw_col_t, lxw_chart *);
	void (*format_set_bold)(lxw_format *);
	void (*format_set_num_format)(lxw_format *, const char *);
	void (*format_set_text_wrap)(lxw_format *);
	lxw_chart_series *(*chart_add_series)(lxw_chart *, const char *, const char *);
	void (*series_set_categories)(lxw_chart_series *, const char *, lxw_row_t, lxw_col_t,
	                              lxw_row_t, lxw_col_t);
	void (*series_set_values)(lxw_chart_series *, const char *, lxw_row_t, lxw_col_t,
	                          lxw_row_t, lxw_col_t);
	void (*chart_title_set_name)(lxw_chart *, const char *);
	void (*chart_legend_set_position)(lxw_chart *, uint8_t);
	void (*axis_set_reverse)(lxw_chart_axis *);
	char *(*strerror)(lxw_error);
} lxw;

static const struct {
	const char *name;
	void **fn;
} lxw_syms[] = {
	{ "workbook_new_opt", (void **)&lxw.workbook_new_opt },
	{ "workbook_add_worksheet", (void **)&lxw.workbook_add_worksheet },
	{ "workbook_add_format", (void **)&lxw.workbook_add_format },
	{ "workbook_add_chart", (void **)&lxw.workbook_add_chart },
	{ "workbook_set_properties", (void **)&lxw.workbook_set_properties },
	{ "workbook_close", (void **)&lxw.workbook_close },
	{ "worksheet_write_string", (void **)&lxw.write_string },
	{ "worksheet_write_number", (void **)&lxw.write_number },
	{ "worksheet_write_datetime", (void **)&lxw.write_datetime },
	{ "worksheet_set_column", (void **)&lxw.set_column },
	{ "worksheet_freeze_panes", (void **)&lxw.freeze_panes },
	{ "worksheet_autofilter", (void **)&lxw.autofilter },
	{ "worksheet_insert_chart", (void **)&lxw.insert_chart },
	{ "format_set_bold", (void **)&lxw.format_set_bold },
	{ "format_set_num_format", (void **)&lxw.format_set_num_format },
	{ "format_set_text_wrap", (void **)&lxw.format_set_text_wrap },
	{ "chart_add_series", (void **)&lxw.chart_add_series },
	{ "chart_series_set_categories", (void **)&lxw.series_set_categories },
	{ "chart_series_set_values", (void **)&lxw.series_set_values },
	{ "chart_title_set_name", (void **)&lxw.chart_title_set_name },
	{ "chart_legend_set_position", (void **)&lxw.chart_legend_set_position },
	{ "chart_axis_set_reverse", (void **)&lxw.axis_set_reverse },
	{ "lxw_strerror", (void **)&lxw.strerror },
};
#define NSYMS ((int)(sizeof lxw_syms / sizeof lxw_syms[0]))

static int lxw_load(struct crm *crm)
{
	static void *h;

	if (h)
		return 0;
	if (!(h = dlopen(CRM_LIBXLSXWRITER, RTLD_NOW | RTLD_LOCAL)))
		return crm_err(crm, CRM_SOFTWARE, "xlsx: cannot load libxlsxwriter (%s;"
		               " Debian's libxlsxwriter4): %s", CRM_LIBXLSXWRITER, dlerror());
	for (int i = 0; i < NSYMS; i++)
		if (!(*lxw_syms[i].fn = dlsym(h, lxw_syms[i].name))) {
			dlclose(h);
			h = NULL;
			return crm_err(crm, CRM_SOFTWARE, "xlsx: %s has no %s", CRM_LIBXLSXWRITER,
			               lxw_syms[i].name);
		}
	return 0;
}

/* Excel's limits: the characters of a cell, the width of a column */
#define CELL_CHARS 32767
#define WIDTH_MAX 60
/* text longer than this (or of several lines) wraps */
#define WRAP_AT 50

struct crm_xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	char sheet[32];
	lxw_format *bold, *time, *wrap;
	lxw_error err;           /* the first write that failed */
	const struct pcol *cols;
	int ncols, tables;       /* tables begun on the sheet */
	lxw_row_t header, row;   /* the table's header row; the next row */
	unsigned *width;         /* the widest cell of each column, in characters */
	char *buf;               /* a cell made fit for XML */
	size_t bufcap;
	struct xlsx_props props;
};

static void failed(struct crm_xlsx *x, lxw_error e)
{
	if (e && !x->err)
		x->err = e;
}

int crm_xlsx_open(struct crm *crm, const char *path, const struct xlsx_props *props,
                  struct crm_xlsx **out)
{
	struct crm_xlsx *x;
	lxw_workbook_options opt = { .constant_memory = 1, .tmpdir = NULL, .use_zip64 = 1 };
	lxw_doc_properties dp;
	int rc;

	*out = NULL;
	if ((rc = lxw_load(crm)))
		return rc;
	/* its row files go where crm's temporary files go */
	opt.tmpdir = getenv("TMPDIR");
	x = xcalloc(1, sizeof *x);
	if (!(x->wb = lxw.workbook_new_opt(path, &opt))) {
		free(x);
		return crm_err(crm, CRM_CANTCREAT, "xlsx '%s': cannot begin the workbook", path);
	}
	x->bold = lxw.workbook_add_format(x->wb);
	lxw.format_set_bold(x->bold);
	x->time = lxw.workbook_add_format(x->wb);
	lxw.format_set_num_format(x->time, "yyyy-mm-dd hh:mm:ss");
	x->wrap = lxw.workbook_add_format(x->wb);
	lxw.format_set_text_wrap(x->wrap);
	memset(&dp, 0, sizeof dp);
	dp.title = (char *)props->title;
	dp.subject = (char *)props->subject;
	dp.author = (char *)props->author;
	dp.comments = (char *)props->comments;
	dp.keywords = (char *)props->keywords;
	dp.created = (time_t)props->created;
	failed(x, lxw.workbook_set_properties(x->wb, &dp));
	*out = x;
	return 0;
}

void crm_xlsx_sheet(struct crm_xlsx *x, const char *name)
{
	snprintf(x->sheet, sizeof x->sheet, "%s", name);
	x->ws = lxw.workbook_add_worksheet(x->wb, x->sheet);
	if (!x->ws)
		failed(x, LXW_ERROR_SHEETNAME_ALREADY_USED);
	x->tables = 0;
	x->row = 0;
}

/* the number of characters of valid UTF-8 s (a bad byte counts one) */
static unsigned chars(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void track(struct crm_xlsx *x, int i, unsigned w)
{
	if (w > x->width[i])
		x->width[i] = w;
}

void crm_xlsx_begin(struct crm_xlsx *x, const struct pcol *cols, int ncols)
{
	if (!x->ws)
		crm_xlsx_sheet(x, "Sheet1");
	if (!x->ws)
		return;
	if (x->tables++)
		x->row++;   /* a blank row between two tables */
	x->cols = cols;
	x->ncols = ncols;
	x->header = x->row;
	free(x->width);
	x->width = xcalloc((size_t)ncols, sizeof *x->width);
	for (int i = 0; i < ncols; i++) {
		failed(x, lxw.write_string(x->ws, x->row, (lxw_col_t)i, cols[i].name, x->bold));
		track(x, i, chars(cols[i].name) + 3);   /* and the autofilter's button */
	}
	if (x->tables == 1)
		lxw.freeze_panes(x->ws, x->header + 1, 0);
	x->row++;
}

/* s as XML takes it, into x->buf: a byte that is not UTF-8, a control
 * character but TAB, LF and CR, and U+FFFE/U+FFFF become U+FFFD; cut at
 * Excel's limit of a cell.  Returns the text and its characters in *n. */
static const char *clean(struct crm_xlsx *x, const char *s, unsigned *n)
{
	size_t len = strlen(s), o = 0;
	unsigned k = 0;

	if (x->bufcap < 3 * len + 1) {
		x->bufcap = 3 * len + 1;
		x->buf = xrealloc(x->buf, x->bufcap);
	}
	for (const unsigned char *p = (const unsigned char *)s; *p && k < CELL_CHARS; k++) {
		int l = *p < 0x80 ? 1 : crm_utf8_len(p);
		int bad = *p < 0x80 ? *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r' :
		          !l || (l == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe);
		if (bad) {
			memcpy(x->buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			p += l ? l : 1;
		} else {
			memcpy(x->buf + o, p, (size_t)l);
			o += (size_t)l;
			p += l;
		}
	}
	x->buf[o] = '\0';
	*n = k;
	return x->buf;
}

/* "2026-12-01T10:00:00Z" -> *dt; -1 when it is not a canonical time */
static int parse_time(const char *s, lxw_datetime *dt)
{
	int y, mo, d, h, mi, sec, used = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
	    s[used] || y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	*dt = (lxw_datetime){ y, mo, d, h, mi, (double)sec };
	return 0;
}

static void cell(struct crm_xlsx *x, int i, int sqltype, const char *v, sqlite3_stmt *st)
{
	lxw_col_t c = (lxw_col_t)i;
	enum col_type t = x->cols[i].type;
	lxw_datetime dt;
	unsigned n;
	char *end;

	if (t == COL_TIME && !parse_time(v, &dt)) {
		failed(x, lxw.write_datetime(x->ws, x->row, c, &dt, x->time));
		track(x, i, 19);
		return;
	}
	if ((t == COL_INT || t == COL_AUTO) &&
	    (st ? sqltype == SQLITE_INTEGER || sqltype == SQLITE_FLOAT :
	     t == COL_INT && *v && (strtod(v, &end), !*end))) {
		failed(x, lxw.write_number(x->ws, x->row, c,
		                           st ? sqlite3_column_double(st, i) : strtod(v, NULL), NULL));
		track(x, i, (unsigned)strlen(v));
		return;
	}
	if (t == COL_LIST) {
		char *l = crm_list_text(v);
		const char *s = clean(x, l, &n);
		free(l);
		failed(x, lxw.write_string(x->ws, x->row, c, s, NULL));
	} else {
		const char *s = clean(x, v, &n);
		int wrap = n > WRAP_AT || strchr(s, '\n');
		failed(x, lxw.write_string(x->ws, x->row, c, s, wrap ? x->wrap : NULL));
	}
	track(x, i, n);
}

void crm_xlsx_row(struct crm_xlsx *x, const char *const *vals, sqlite3_stmt *st)
{
	if (!x->ws)
		return;
	for (int i = 0; i < x->ncols; i++) {
		/* the type first: reading the text may convert the value */
		int type = st ? sqlite3_column_type(st, i) : SQLITE_TEXT;
		const char *v = st ? (const char *)sqlite3_column_text(st, i) : vals[i];
		if (v)
			cell(x, i, type, v, st);
	}
	x->row++;
}

void crm_xlsx_end(struct crm_xlsx *x)
{
	if (!x->ws || !x->width)
		return;
	/* Widths from the widest cell seen while the rows streamed: in
	 * constant_memory mode libxlsxwriter writes a sheet's <cols> when the
	 * workbook closes, so widths set after the rows still apply.  A
	 * later table of the sheet only widens a column. */
	for (int i = 0; i < x->ncols; i++) {
		unsigned w = x->width[i] + 1;
		lxw.set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, w > WIDTH_MAX ? WIDTH_MAX : w, NULL);
	}
	if (x->tables == 1)
		failed(x, lxw.autofilter(x->ws, x->header, 0, x->row > x->header + 1 ? x->row - 1 :
		                         x->header, (lxw_col_t)(x->ncols - 1)));
}

void crm_xlsx_chart(struct crm_xlsx *x, const char *title, int cat, int val)
{
	lxw_chart *ch;
	lxw_chart_series *s;

	if (!x->ws || x->row <= x->header + 1)
		return;   /* no rows: nothing to draw */
	if (!(ch = lxw.workbook_add_chart(x->wb, LXW_CHART_BAR))) {
		failed(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	s = lxw.chart_add_series(ch, NULL, NULL);
	lxw.series_set_categories(s, x->sheet, x->header + 1, (lxw_col_t)cat, x->row - 1,
	                          (lxw_col_t)cat);
	lxw.series_set_values(s, x->sheet, x->header + 1, (lxw_col_t)val, x->row - 1,
	                      (lxw_col_t)val);
	lxw.chart_title_set_name(ch, title);
	lxw.chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	/* the first category on top, as a funnel reads */
	lxw.axis_set_reverse(ch->x_axis);
	failed(x, lxw.insert_chart(x->ws, x->header, (lxw_col_t)(x->ncols + 1), ch));
}

int crm_xlsx_close(struct crm *crm, struct crm_xlsx *x)
{
	int rc = 0;
	lxw_error e;

	if (!x)
		return 0;
	e = lxw.workbook_close(x->wb);
	if ((x->err || e) && crm)
		rc = crm_err(crm, CRM_CANTCREAT, "xlsx: %s", lxw.strerror(x->err ? x->err : e));
	else if (x->err || e)
		rc = CRM_CANTCREAT;
	free(x->width);
	free(x->buf);
	free(x);
	return rc;
}
