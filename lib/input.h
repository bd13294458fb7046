/* input.h: records from stdin or a file, as JSON Lines or CSV/TSV with a
 * header line.
 *
 * The reader is a pull loop that reuses its buffers: memory stays flat with
 * the input's size.  Every record carries the line it starts on, for errors
 * of the form "stdin:LINE: reason".
 *
 * Format detection (IN_AUTO): the first non-blank line starting with '{'
 * means JSONL; else a line with a TAB means TSV; else CSV.
 *
 * JSONL: each non-blank line is one JSON object.  String values are
 * unescaped (\uXXXX and surrogate pairs to UTF-8); numbers keep their text;
 * true/false become "true"/"false"; null is an empty value, the same as
 * an empty CSV cell (the key is there, its value is not);
 * nested objects and arrays are kept as their raw JSON text (V_RAW).  A line
 * that is not one JSON object is a bad record.  Blank lines are skipped (and
 * counted for line numbers).
 *
 * CSV: RFC 4180 (libcsv), quoted fields may span lines.  TSV: fields split
 * on TAB, with \\ \t \n \r unescaped (the printer's tsv).  The first record
 * is the header; an empty cell is the same as an absent key.  A row with
 * more fields than the header is a bad record; fewer is fine.
 */
#ifndef CRM_INPUT_H
#define CRM_INPUT_H

#include <stdio.h>

enum crm_infmt { IN_AUTO = 0, IN_JSONL, IN_CSV, IN_TSV };

/* What is sane, past which input is bad data (see crm(1)): */
#define CRM_LINE_MAX (16 << 20)   /* bytes in a line, or a CSV record */
#define CRM_FIELDS_MAX 4096       /* fields (columns) in a record */

enum crm_vtype { V_STR = 0, V_NUM, V_BOOL, V_RAW };

struct crm_field {
	const char *key;   /* after --map renaming */
	const char *val;   /* never NULL */
	enum crm_vtype type;
};

struct crm_record {
	long line;                /* first line of the record, from 1 */
	int json;                 /* a JSON object: a V_NUM is a JSON number */
	int nfields;
	struct crm_field *fields; /* valid until the next reader_next */
};

struct crm_reader;

/* "jsonl"/"csv"/"tsv" -> IN_*; -1 otherwise */
int crm_infmt_parse(const char *s);

/* name is what errors call the input: "stdin" or the file's path.  The
 * reader does not own in. */
struct crm_reader *reader_new(FILE *in, const char *name, enum crm_infmt fmt);
/* Rename keys as they are read: src[i] becomes dst[i] (--map SRC=FIELD).
 * A CSV or TSV header cell is src[i] without regard to case (Unicode case
 * folding) and surrounding white space, and each src[i] must be one of
 * the header's cells (else -3, see reader_next); a JSON key is src[i] as
 * it is written. */
void reader_map(struct crm_reader *r, const char *const *src,
                const char *const *dst, int n);
/* A CSV or TSV header cell that is not renamed, and is a column column()
 * says crm knows without regard to case and surrounding white space
 * ("Email ", "EMAIL"), is read as that column ("email"): column() is
 * asked the cell in lower case (folded).  Other cells are read as they
 * are written, trimmed. */
void reader_columns(struct crm_reader *r, int (*column)(const char *key));
/* A CSV or TSV header must name one column at least that known() says
 * crm reads; hint lists some, for the message. */
void reader_known(struct crm_reader *r, int (*known)(const char *key),
                  const char *hint);
/* 1: *rec holds the next record; 0: end of input; -1: a bad record, with
 * the reason in err (no "name:line:" prefix) and its line in
 * reader_line(); reading may go on after a bad record.  -2: the input
 * cannot be read on (a bad header, a JSON array, a CSV record past the
 * cap), with the reason in err.  -3: a --map source is not in the header
 * (a usage error), with the reason in err. */
int reader_next(struct crm_reader *r, struct crm_record **rec,
                char *err, size_t errlen);
long reader_line(const struct crm_reader *r);   /* of the last record */
const char *reader_name(const struct crm_reader *r);
/* The last record's text as read (for a reject file), without its final
 * newline; valid until the next reader_next. */
const char *reader_raw(const struct crm_reader *r);
/* The detected (or given) format; IN_AUTO until the first record. */
enum crm_infmt reader_format(const struct crm_reader *r);
void reader_free(struct crm_reader *r);

/* The field's value, or NULL when absent or empty. */
const char *record_get(const struct crm_record *rec, const char *key);
const struct crm_field *record_field(const struct crm_record *rec,
                                     const char *key);

/* record.c: the record's fields as one JSON object (owned), keeping JSON
 * types, leaving out empty values and the keys skip() says yes to; a key
 * that starts with strip (NULL: none), such as "custom.", is written
 * without it. */
char *crm_record_json(const struct crm_record *rec,
                      int (*skip)(const char *key), const char *strip);

#endif
