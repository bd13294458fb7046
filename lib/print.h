/* print.h: one printer for every output format.
 *
 * A command declares its columns once and hands rows to the printer; the
 * formats (table, tsv, csv, json, jsonl, ids) are back-ends described as
 * data, so a command prints a row once and every format follows.
 *
 *   table  aligned columns, upper-case header; for people (the TTY default).
 *          Cells longer than 40 characters are cut with "...".  NULL is "".
 *          A COL_TIME is local time, or on a terminal, for a PCOL_RELATIVE
 *          column, how far from now it is.
 *   tsv    header line, then rows; fields separated by TAB; backslash, TAB,
 *          newline and CR inside a field are written \\ \t \n \r.  NULL is "".
 *   csv    RFC 4180 through libcsv (csv_fwrite): header line, CRLF-free
 *          ("\n" line ends), fields quoted only when they need it.
 *   json   one array of objects: "[\n{...},\n{...}\n]\n"; "[]\n" when empty.
 *   jsonl  one object per line.
 *   ids    the "id" column (or the first column) alone, one per line.
 *   xlsx   a workbook (crm export; lib/print_xlsx.c): a sheet a table or
 *          two, a bold frozen header, times as dates, numbers as numbers.
 *          No --format names it: printer_xlsx_open makes one.
 *
 * In json/jsonl a COL_INT or SQLite INTEGER/FLOAT value is a number, NULL is
 * null, COL_JSON is embedded as raw JSON (must be valid JSON text), COL_LIST
 * (a JSON array text) is embedded as an array.  In text formats COL_LIST is
 * joined with "," (["a","b"] -> a,b) and COL_JSON is printed as its text.
 */
#ifndef CRM_PRINT_H
#define CRM_PRINT_H

#include <stdio.h>
#include <sqlite3.h>
#include "crm.h"

enum col_type {
	COL_AUTO = 0, /* by the SQLite value's type (printer_row_stmt) or text */
	COL_TEXT,
	COL_INT,
	COL_JSON,
	COL_LIST,
	COL_TIME,     /* a canonical UTC time: text to machines; a person's
	                 table and show give it local (display.timezone),
	                 "2026-12-01 10:00" */
};

enum pcol_flags {
	PCOL_NARROW = 1 << 0,   /* the table of a record's list shows it */
	PCOL_PERSON = 1 << 1,   /* for a person only: no machine format has it */
	PCOL_RELATIVE = 1 << 2, /* COL_TIME: the table on a terminal shows how
	                           far from now ("in 2h", "3d ago") */
};
/* The table cuts the column's cells at n terminal columns (1 to 255),
 * "..." included; without it, at 40. */
#define PCOL_CUT(n) ((unsigned)(n) << 8)
#define PCOL_CUT_MASK PCOL_CUT(0xff)

struct pcol {
	const char *name;
	enum col_type type;
	unsigned flags;
};

struct printer;

/* "table" -> FMT_TABLE ...; -1 when s names no format */
int crm_fmt_parse(const char *s);
const char *crm_fmt_name(enum crm_fmt fmt);
/* how many formats there are: 0 .. crm_fmt_count() - 1 name them all */
int crm_fmt_count(void);

/* fmt must be resolved (not FMT_DEFAULT).  The printer does not own out. */
struct printer *printer_new(FILE *out, enum crm_fmt fmt);
/* A printer in crm's format, with its --safe-csv. */
struct crm;
struct printer *printer_open(struct crm *crm, FILE *out);
/* The table is about to be written: fn(arg, lines, width) is told how
 * many lines it takes (its header and rows) and how wide its widest
 * line is, and may send stdout elsewhere (a pager) before it is. */
void printer_on_table(struct printer *p, void (*fn)(void *arg, long lines, size_t width),
                      void *arg);
/* In csv, a cell that begins with = + - @ TAB or CR gets a ' before it,
 * so that a spreadsheet shows it rather than runs it as a formula
 * (OWASP's advice on CSV injection).  What is stored is not changed. */
void printer_safe_csv(struct printer *p, int on);
/* 0 when crm's format can print rows of cols; else CRM_USAGE with the
 * message: the ids format needs a column named "id".  Every command
 * checks before it prints. */
int crm_fmt_check(struct crm *crm, const struct pcol *cols, int ncols);
/* cols must outlive the printer.  -1, printing nothing, when the format
 * is ids and no column is named "id" (crm_fmt_check said so first). */
int printer_begin(struct printer *p, const struct pcol *cols, int ncols);
/* Column i of the row is column i of the statement (which has at least
 * ncols columns). */
void printer_row_stmt(struct printer *p, sqlite3_stmt *st);
/* vals[i] is the text of column i, NULL for null. */
void printer_row(struct printer *p, const char *const *vals);
/* Flush buffered rows (table) and close the array (json). Returns the
 * number of rows printed. */
long printer_end(struct printer *p);
void printer_free(struct printer *p);

/* Several tables in one output (crm export): each begins with
 * printer_sheet.  xlsx: a new sheet, named name (NULL: the next table goes
 * below the last on the same sheet); jsonl and json: each
 * object of the rows that follow begins with "type":type; the other
 * formats go on as they were. */
void printer_sheet(struct printer *p, const char *name, const char *type);
/* xlsx: a bar chart of the table just ended, categories its column cat,
 * values its column val; the other formats draw nothing. */
void printer_chart(struct printer *p, const char *title, int cat, int val);

/* What a workbook says of itself (its document properties); created is
 * a time in seconds since 1970. */
struct xlsx_props {
	const char *title, *subject, *author, *comments, *keywords;
	long long created;
};
/* A printer of a workbook written to path when it is closed (owned in
 * *out).  CRM_SOFTWARE when libxlsxwriter cannot be loaded. */
int printer_xlsx_open(struct crm *crm, const char *path, const struct xlsx_props *props,
                      struct printer **out);
/* Finish the output and free p: an xlsx printer writes its workbook;
 * CRM_CANTCREAT when that failed. */
int printer_close(struct crm *crm, struct printer *p);

/* A record, as `show` prints one: its own fields (the columns cols of
 * the statement's current row), then lists of rows, each under a key
 * (JSON) and a title (the table).  json and jsonl print one object, each
 * list an array of objects in it; tsv and csv the record's own row (a
 * header, then the row) and ids its id, without the lists; the table
 * is for a person: a field a line, then each list as a table under its
 * title, "(none)" when it is empty.  cols must live until the next call. */
void printer_record(struct printer *p, const struct pcol *cols, int ncols,
                    sqlite3_stmt *st);
void printer_list(struct printer *p, const char *key, const char *title,
                  const struct pcol *cols, int ncols);
void printer_list_row(struct printer *p, sqlite3_stmt *st);
/* The same from values: vals[i] is the text of column i, NULL for null. */
void printer_record_vals(struct printer *p, const struct pcol *cols, int ncols,
                         const char *const *vals);
void printer_list_vals(struct printer *p, const char *const *vals);
void printer_record_end(struct printer *p);

/* One record for a person: a "name  value" line a column of the
 * statement's current row (lists joined with ","). */
void printer_fields(FILE *out, sqlite3_stmt *st, const struct pcol *cols,
                    int ncols);

/* print_json.c.  JSON string escaping for anyone who writes JSON by hand: writes the
 * quoted, escaped string (control characters as \uXXXX, valid UTF-8 passed
 * through). */
void json_put_string(FILE *out, const char *s);
/* the n strings of v as a JSON array (owned) */
char *crm_json_strings(const char *const *v, int n);
/* ["a","b"] -> a,b: the text of a COL_LIST cell in the text formats and
 * a workbook (owned) */
char *crm_list_text(const char *json);

#endif
