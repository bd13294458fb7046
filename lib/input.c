/* input.c: records from JSON Lines, CSV or TSV (see input.h).  Buffers
 * are reused from record to record, so memory stays flat. */
#include <stdlib.h>
#include <string.h>
#include <csv.h>

#include "input.h"
#include "json.h"

struct crm_reader {
	FILE *in;
	const char *name;
	enum crm_infmt fmt;
	int started, done;
	int nul;                     /* a line of the record had a NUL byte */
	long lineno, recline;

	char *line;                  /* the last line read (getline) */
	size_t linecap;
	ssize_t linelen;
	char *rest;                  /* what followed a lone CR, read next */
	size_t restlen, restoff;

	struct crm_record rec;
	struct crm_field *fields;
	int fieldcap;
	struct json_field *jf;
	int jfcap;

	/* CSV and TSV: the header, and the current row's cells */
	char **header;
	int nheader;
	struct csv_parser csv;
	int csv_ready;
	char *cells;                 /* the row's cells, NUL-separated */
	size_t cellslen, cellscap;
	size_t *cellpos;
	int ncells, cellposcap, row_done;
	char *raw;                   /* the row's lines, for a reject file */
	size_t rawlen, rawcap;

	const char *const *map_src, *const *map_dst;
	int nmap;
};

int crm_infmt_parse(const char *s)
{
	return !strcmp(s, "jsonl") ? IN_JSONL : !strcmp(s, "csv") ? IN_CSV :
	       !strcmp(s, "tsv") ? IN_TSV : -1;
}

struct crm_reader *reader_new(FILE *in, const char *name, enum crm_infmt fmt)
{
	struct crm_reader *r = xmalloc(sizeof *r);

	memset(r, 0, sizeof *r);
	r->in = in;
	r->name = name;
	r->fmt = fmt;
	return r;
}

void reader_map(struct crm_reader *r, const char *const *src,
                const char *const *dst, int n)
{
	r->map_src = src;
	r->map_dst = dst;
	r->nmap = n;
}

long reader_line(const struct crm_reader *r) { return r->recline; }
const char *reader_name(const struct crm_reader *r) { return r->name; }
enum crm_infmt reader_format(const struct crm_reader *r) { return r->fmt; }

const char *reader_raw(const struct crm_reader *r)
{
	if (r->fmt == IN_TSV)
		return r->line ? r->line : "";
	return r->raw ? r->raw : "";
}

void reader_free(struct crm_reader *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nheader; i++)
		free(r->header[i]);
	free(r->header);
	if (r->csv_ready)
		csv_free(&r->csv);
	free(r->line);
	free(r->rest);
	free(r->fields);
	free(r->jf);
	free(r->cells);
	free(r->cellpos);
	free(r->raw);
	free(r);
}

static const char *mapped(const struct crm_reader *r, const char *key)
{
	for (int i = 0; i < r->nmap; i++)
		if (!strcmp(r->map_src[i], key))
			return r->map_dst[i];
	return key;
}

/* The length of the first line of s[0..n): through its LF, its CRLF, or
 * a lone CR; n when it has no end. */
static size_t line_span(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] != '\n'))
			return i + 1;
	return n;
}

static void line_room(struct crm_reader *r, size_t n)
{
	if (r->linecap < n) {
		r->linecap = n * 2;
		r->line = xrealloc(r->line, r->linecap);
	}
}

/* A CSV or TSV line: it ends at LF, CRLF or a lone CR (old Mac files,
 * which libcsv also reads as row ends).  -1 at the end of input. */
static ssize_t read_line_cr(struct crm_reader *r)
{
	size_t n = 0;
	int c = EOF;

	while ((c = getc_unlocked(r->in)) != EOF) {
		line_room(r, n + 3);
		r->line[n++] = (char)c;
		if (c == '\n')
			break;
		if (c == '\r') {
			if ((c = getc_unlocked(r->in)) == '\n')
				r->line[n++] = '\n';
			else if (c != EOF)
				ungetc(c, r->in);
			break;
		}
	}
	if (!n)
		return -1;
	r->line[n] = '\0';
	return (ssize_t)n;
}

/* The first line, read before its format was known, ends at a lone CR
 * too when it turned out CSV or TSV: the rest is the next lines. */
static void split_first_line(struct crm_reader *r)
{
	size_t n;

	if (r->fmt == IN_JSONL || r->rest)
		return;
	n = line_span(r->line, (size_t)r->linelen);
	if (n == (size_t)r->linelen)
		return;
	r->restlen = (size_t)r->linelen - n;
	r->restoff = 0;
	r->rest = xmalloc(r->restlen + 1);
	memcpy(r->rest, r->line + n, r->restlen + 1);
	r->line[n] = '\0';
	r->linelen = (ssize_t)n;
}

/* The next line, with its line end; 0 at the end of input.  JSON Lines
 * end at LF (a CR is only blank space there); CSV and TSV lines also at
 * a lone CR.  The first line, read before the format is known, keeps
 * what follows a lone CR in rest, served first. */
static int next_line(struct crm_reader *r)
{
	if (r->rest) {
		size_t n = line_span(r->rest + r->restoff, r->restlen - r->restoff);
		line_room(r, n + 1);
		memcpy(r->line, r->rest + r->restoff, n);
		r->line[n] = '\0';
		r->linelen = (ssize_t)n;
		if ((r->restoff += n) == r->restlen) {
			free(r->rest);
			r->rest = NULL;
		}
	} else if (r->fmt == IN_CSV || r->fmt == IN_TSV) {
		if ((r->linelen = read_line_cr(r)) < 0)
			return 0;
	} else if ((r->linelen = getline(&r->line, &r->linecap, r->in)) < 0) {
		return 0;
	}
	r->lineno++;
	/* C strings end at a NUL: the rest of the line would vanish unseen */
	if (memchr(r->line, '\0', (size_t)r->linelen))
		r->nul = 1;
	if (r->lineno == 1 && r->linelen >= 3 && !memcmp(r->line, "\xef\xbb\xbf", 3)) {
		memmove(r->line, r->line + 3, (size_t)r->linelen - 2);
		r->linelen -= 3;
	}
	return 1;
}

static void chomp(struct crm_reader *r)
{
	while (r->linelen > 0 && (r->line[r->linelen - 1] == '\n' ||
	                          r->line[r->linelen - 1] == '\r'))
		r->line[--r->linelen] = '\0';
}

static int blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

static void grow_fields(struct crm_reader *r, int n)
{
	if (n > r->fieldcap) {
		r->fieldcap = n * 2;
		r->fields = xrealloc(r->fields, (size_t)r->fieldcap * sizeof *r->fields);
	}
}

/* A cell that is a number written the one way JSON and SQLite write it
 * back keeps that type: no exponent, no leading zeros, no trailing zeros
 * after a point, at most 15 significant digits (exact in a double).
 * "1e3", "1.50", "007" and longer digit strings stay text, as typed. */
static int is_number(const char *s)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		for (; *p >= '0' && *p <= '9'; p++)
			digits++;
	else
		return 0;
	if (*p == '.') {
		const char *frac = ++p;
		for (; *p >= '0' && *p <= '9'; p++)
			digits++;
		if (p == frac || p[-1] == '0')
			return 0;
	}
	return *p == '\0' && digits <= 15 && strcmp(s, "-0");
}

static void raw_add(struct crm_reader *r, const char *s, size_t n);

/* --- JSON Lines --- */

static int jsonl_next(struct crm_reader *r, char *err, size_t errlen)
{
	int n = 0;

	if (json_parse_object(r->line, &r->jf, &n, &r->jfcap, err, errlen))
		return -1;
	grow_fields(r, n);
	r->rec.nfields = 0;
	for (int i = 0; i < n; i++) {
		struct crm_field *f = &r->fields[r->rec.nfields++];
		f->key = mapped(r, r->jf[i].key);
		/* null: an empty value, as an empty CSV cell is; the key is
		 * still there ("external_id": null is a column that is empty) */
		f->val = r->jf[i].type == JSON_NULL ? "" : r->jf[i].val;
		f->type = r->jf[i].type == JSON_STRING ? V_STR :
		          r->jf[i].type == JSON_NUMBER ? V_NUM :
		          r->jf[i].type == JSON_BOOL ? V_BOOL : V_RAW;
	}
	return 1;
}

/* --- CSV (libcsv) --- */

static void cell_cb(void *s, size_t len, void *data)
{
	struct crm_reader *r = data;

	if (r->ncells == r->cellposcap) {
		r->cellposcap = r->cellposcap ? r->cellposcap * 2 : 32;
		r->cellpos = xrealloc(r->cellpos, (size_t)r->cellposcap * sizeof *r->cellpos);
	}
	if (r->cellslen + len + 1 > r->cellscap) {
		r->cellscap = (r->cellslen + len + 1) * 2;
		r->cells = xrealloc(r->cells, r->cellscap);
	}
	r->cellpos[r->ncells++] = r->cellslen;
	if (len)
		memcpy(r->cells + r->cellslen, s, len);
	r->cellslen += len;
	r->cells[r->cellslen++] = '\0';
}

static void row_cb(int c, void *data)
{
	(void)c;
	((struct crm_reader *)data)->row_done = 1;
}

static void raw_add(struct crm_reader *r, const char *s, size_t n)
{
	if (r->rawlen + n + 1 > r->rawcap) {
		r->rawcap = (r->rawlen + n + 1) * 2;
		r->raw = xrealloc(r->raw, r->rawcap);
	}
	memcpy(r->raw + r->rawlen, s, n);
	r->rawlen += n;
	r->raw[r->rawlen] = '\0';
}

static void csv_restart(struct crm_reader *r)
{
	if (r->csv_ready)
		csv_free(&r->csv);
	csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	r->csv_ready = 1;
}

/* one CSV row into cells; 1, 0 at the end, -1 when malformed */
static int csv_row(struct crm_reader *r, char *err, size_t errlen)
{
	int fed = 0;

	r->ncells = 0;
	r->cellslen = 0;
	r->rawlen = 0;
	r->row_done = 0;
	if (!r->csv_ready)
		csv_restart(r);
	for (;;) {
		if (fed || r->started > 1 || !r->line || r->linelen < 0) {
			if (!next_line(r)) {
				if (!fed)
					return 0;
				if (csv_fini(&r->csv, cell_cb, row_cb, r) != 0) {
					snprintf(err, errlen, "malformed CSV: %s",
					         csv_strerror(csv_error(&r->csv)));
					csv_restart(r);
					return -1;
				}
				return r->row_done ? 1 : 0;
			}
		}
		r->started = 2;
		if (!fed) {
			if (blank(r->line))
				continue;
			r->recline = r->lineno;
		}
		fed = 1;
		raw_add(r, r->line, (size_t)r->linelen);
		if (csv_parse(&r->csv, r->line, (size_t)r->linelen, cell_cb, row_cb, r) !=
		    (size_t)r->linelen) {
			snprintf(err, errlen, "malformed CSV: %s",
			         csv_strerror(csv_error(&r->csv)));
			csv_restart(r);
			while (r->rawlen && (r->raw[r->rawlen - 1] == '\n' || r->raw[r->rawlen - 1] == '\r'))
				r->raw[--r->rawlen] = '\0';
			return -1;
		}
		if (r->row_done) {
			while (r->rawlen && (r->raw[r->rawlen - 1] == '\n' || r->raw[r->rawlen - 1] == '\r'))
				r->raw[--r->rawlen] = '\0';
			return 1;
		}
	}
}

/* --- TSV --- */

static int tsv_row(struct crm_reader *r)
{
	char *s, *w;

	r->ncells = 0;
	r->cellslen = 0;
	chomp(r);
	/* split on TAB and unescape in a copy, so reader_raw keeps the line */
	for (s = r->line;;) {
		char *end = strchr(s, '\t');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		cell_cb(s, len, r);
		w = r->cells + r->cellpos[r->ncells - 1];
		for (char *p = w; *p; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				*w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
			} else {
				*w++ = *p;
			}
		}
		*w = '\0';
		if (!end)
			break;
		s = end + 1;
	}
	return 1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int take_header(struct crm_reader *r, char *err, size_t errlen)
{
	r->header = xmalloc((size_t)r->ncells * sizeof *r->header);
	for (int i = 0; i < r->ncells; i++) {
		const char *name = mapped(r, trim(r->cells + r->cellpos[i]));
		r->header[r->nheader++] = xstrdup(name);
		if (!*name) {
			snprintf(err, errlen, "header: column %d has no name", i + 1);
			return -1;
		}
		for (int k = 0; k < i; k++)
			if (!strcmp(r->header[k], name)) {
				snprintf(err, errlen, "header: column '%s' is there twice", name);
				return -1;
			}
	}
	return 0;
}

static int table_next(struct crm_reader *r, char *err, size_t errlen)
{
	int got;

	for (;;) {
		if (r->fmt == IN_CSV) {
			got = csv_row(r, err, errlen);
		} else {
			if (r->started > 1 && !next_line(r))
				return 0;
			r->started = 2;
			if (blank(r->line))
				continue;
			r->recline = r->lineno;
			got = tsv_row(r);
		}
		if (got <= 0)
			return got;
		if (!r->header) {
			if (take_header(r, err, errlen)) {
				r->done = 1;
				return -1;
			}
			continue;
		}
		break;
	}
	if (r->ncells != r->nheader) {
		snprintf(err, errlen, "%d fields, but the header has %d", r->ncells,
		         r->nheader);
		return -1;
	}
	grow_fields(r, r->ncells);
	r->rec.nfields = r->ncells;
	for (int i = 0; i < r->ncells; i++) {
		r->fields[i].key = r->header[i];
		r->fields[i].val = r->cells + r->cellpos[i];
		r->fields[i].type = is_number(r->fields[i].val) ? V_NUM : V_STR;
	}
	return 1;
}

int reader_next(struct crm_reader *r, struct crm_record **rec,
                char *err, size_t errlen)
{
	int got;

	*rec = NULL;
	if (r->done)
		return 0;
	if (!r->started) {
		/* the first non-blank line decides the format */
		do {
			if (!next_line(r)) {
				r->done = 1;
				return 0;
			}
		} while (blank(r->line));
		if (r->fmt == IN_AUTO) {
			const char *s = r->line + strspn(r->line, " \t");
			r->fmt = *s == '{' ? IN_JSONL : strchr(s, '\t') ? IN_TSV : IN_CSV;
			split_first_line(r);
		}
		r->started = 1;
	}
	if (r->fmt == IN_JSONL) {
		do {
			if (r->started > 1 && !next_line(r)) {
				r->done = 1;
				return 0;
			}
			r->started = 2;
		} while (blank(r->line));
		chomp(r);
		r->recline = r->lineno;
		/* the parser unescapes in place: keep the line as it came */
		r->rawlen = 0;
		raw_add(r, r->line, (size_t)r->linelen);
		got = jsonl_next(r, err, errlen);
	} else {
		got = table_next(r, err, errlen);
		if (got == 0)
			r->done = 1;
	}
	if (got != 0 && r->nul) {
		r->nul = 0;
		snprintf(err, errlen, "a NUL byte in the record");
		got = -1;
	}
	r->rec.line = r->recline;
	r->rec.fields = r->fields;
	if (got == 1)
		*rec = &r->rec;
	return got;
}

const struct crm_field *record_field(const struct crm_record *rec,
                                     const char *key)
{
	for (int i = rec->nfields - 1; i >= 0; i--)
		if (!strcmp(rec->fields[i].key, key))
			return &rec->fields[i];
	return NULL;
}

const char *record_get(const struct crm_record *rec, const char *key)
{
	const struct crm_field *f = record_field(rec, key);

	return f && *f->val ? f->val : NULL;
}
