/* input.c: records from JSON Lines, CSV or TSV (see input.h).  Buffers
 * are reused from record to record, so memory stays flat. */
#include <stdlib.h>
#include <string.h>
#include <csv.h>

#include "input.h"
#include "json.h"

#define IN_BUF (64 * 1024)

struct crm_reader {
	FILE *in;
	const char *name;
	enum crm_infmt fmt;
	int started, done;
	long lineno, recline;

	/* what is wrong with the record's lines, told when it ends */
	int nul;                     /* a NUL byte */
	long badline;                /* invalid UTF-8: on this line, */
	size_t badbyte;              /* at this byte (from 1) */
	long longline;               /* a line longer than CRM_LINE_MAX */
	int nonascii;                /* a byte >= 0x80: NFC may change it */

	char *buf;                   /* read ahead from in */
	size_t bpos, bend;
	int eof;

	char *line;                  /* the last line read */
	size_t linecap;
	ssize_t linelen;
	char *rest;                  /* what followed a lone CR, read next */
	size_t restlen, restoff;

	char **nfc;                  /* values in NFC made for this record */
	int nnfc, nfccap;
	int (*known)(const char *key);
	const char *known_hint;

	struct crm_record rec;
	struct crm_field *fields;
	int fieldcap;
	struct json_obj json;

	/* CSV and TSV: the header, and the current row's cells */
	char **header;
	int nheader, toowide;
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

void reader_known(struct crm_reader *r, int (*known)(const char *key),
                  const char *hint)
{
	r->known = known;
	r->known_hint = hint;
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
	free(r->buf);
	free(r->line);
	free(r->rest);
	for (int i = 0; i < r->nnfc; i++)
		free(r->nfc[i]);
	free(r->nfc);
	free(r->fields);
	json_free(&r->json);
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

/* More of the input into buf; 0 at its end (or a read error, which the
 * caller finds with ferror). */
static int fill(struct crm_reader *r)
{
	if (r->eof)
		return 0;
	if (!r->buf)
		r->buf = xmalloc(IN_BUF);
	r->bpos = 0;
	r->bend = fread(r->buf, 1, IN_BUF, r->in);
	if (!r->bend)
		r->eof = 1;
	return r->bend > 0;
}

/* n more bytes of the line; past CRM_LINE_MAX the rest is dropped, and
 * the line is told as too long */
static void line_add(struct crm_reader *r, const char *s, size_t n)
{
	if (r->longline == r->lineno + 1)
		return;
	if ((size_t)r->linelen + n > CRM_LINE_MAX) {
		r->longline = r->lineno + 1;
		return;
	}
	line_room(r, (size_t)r->linelen + n + 1);
	memcpy(r->line + r->linelen, s, n);
	r->linelen += (ssize_t)n;
}

/* The next line of the input, with its end: LF, and with cr_ends a
 * lone CR or CRLF too (CSV and TSV, as old Mac files end them, and as
 * libcsv reads them).  -1 at the end of input.  Memory is bounded by
 * CRM_LINE_MAX whatever the line's length. */
static ssize_t read_line(struct crm_reader *r, int cr_ends)
{
	int any = 0;

	r->linelen = 0;
	for (;;) {
		if (r->bpos == r->bend && !fill(r))
			break;
		const char *s = r->buf + r->bpos;
		size_t avail = r->bend - r->bpos;
		const char *nl = memchr(s, '\n', avail), *cr;
		size_t take = nl ? (size_t)(nl - s) + 1 : avail;
		any = 1;
		if (cr_ends && (cr = memchr(s, '\r', take))) {
			take = (size_t)(cr - s) + 1;
			line_add(r, s, take);
			r->bpos += take;
			if ((r->bpos < r->bend || fill(r)) && r->buf[r->bpos] == '\n') {
				line_add(r, "\n", 1);
				r->bpos++;
			}
			break;
		}
		line_add(r, s, take);
		r->bpos += take;
		if (nl)
			break;
	}
	if (!any)
		return -1;
	line_room(r, (size_t)r->linelen + 1);
	r->line[r->linelen] = '\0';
	return r->linelen;
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
	} else if (read_line(r, r->fmt == IN_CSV || r->fmt == IN_TSV) < 0) {
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
	/* what is stored is printed back byte for byte: UTF-8 only */
	if (!crm_ascii(r->line, (size_t)r->linelen)) {
		size_t bad = crm_utf8_check(r->line, (size_t)r->linelen);
		r->nonascii = 1;
		if (bad && !r->badline) {
			r->badline = r->lineno;
			r->badbyte = bad;
		}
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
	const struct json_field *jf;

	if (json_parse_object(r->line, &r->json, err, errlen)) {
		if (r->line[strspn(r->line, " \t")] == '[') {
			size_t n = strlen(err);
			snprintf(err + n, errlen - n, ", not an array: crm reads JSON Lines,"
			         " one object a line (jq -c '.[]')");
		}
		return -1;
	}
	grow_fields(r, r->json.n);
	r->rec.nfields = 0;
	jf = r->json.fields;
	for (int i = 0; i < r->json.n; i++) {
		struct crm_field *f = &r->fields[r->rec.nfields++];
		f->key = mapped(r, jf[i].key);
		/* null: an empty value, as an empty CSV cell is; the key is
		 * still there ("external_id": null is a column that is empty) */
		f->val = jf[i].type == JSON_NULL ? "" : jf[i].val;
		f->type = jf[i].type == JSON_STRING ? V_STR : jf[i].type == JSON_NUMBER ? V_NUM :
		          jf[i].type == JSON_BOOL ? V_BOOL : V_RAW;
	}
	return 1;
}

/* --- CSV (libcsv) --- */

static void cell_cb(void *s, size_t len, void *data)
{
	struct crm_reader *r = data;

	/* the rest of a row too wide is not kept: memory stays bounded */
	if (r->ncells >= CRM_FIELDS_MAX) {
		r->toowide = 1;
		return;
	}
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
	r->toowide = 0;
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
		/* a line cut short, or a record past the cap: where it ends is
		 * no longer known, nor where the next one starts */
		if (r->longline || r->rawlen + (size_t)r->linelen > CRM_LINE_MAX) {
			snprintf(err, errlen, "a CSV record longer than %d MiB; the rest of"
			         " the input is not read", CRM_LINE_MAX >> 20);
			return -2;
		}
		raw_add(r, r->line, (size_t)r->linelen);
		/* libcsv grows a field by blk_size at a time: a step as long as
		 * the line makes a long field linear, not quadratic */
		csv_set_blk_size(&r->csv, (size_t)r->linelen + 128);
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
	r->toowide = 0;
	chomp(r);
	/* split on TAB and unescape in a copy, so reader_raw keeps the line */
	for (s = r->line;;) {
		char *end = strchr(s, '\t');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		cell_cb(s, len, r);
		if (r->toowide)
			break;
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

/* A value in NFC, kept for the record when that changed it. */
static const char *nfc(struct crm_reader *r, const char *s)
{
	char *n;

	if (crm_ascii(s, strlen(s)) || !(n = crm_nfc(s)))
		return s;
	if (!strcmp(n, s)) {
		free(n);
		return s;
	}
	if (r->nnfc == r->nfccap) {
		r->nfccap = r->nfccap ? r->nfccap * 2 : 16;
		r->nfc = xrealloc(r->nfc, (size_t)r->nfccap * sizeof *r->nfc);
	}
	return r->nfc[r->nnfc++] = n;
}

/* what is wrong with the lines read since the last record, if anything */
static int line_trouble(struct crm_reader *r, char *err, size_t errlen)
{
	if (r->longline)
		snprintf(err, errlen, "line %ld is longer than %d MiB", r->longline,
		         CRM_LINE_MAX >> 20);
	else if (r->nul)
		snprintf(err, errlen, "a NUL byte in the record");
	else if (r->badline)
		snprintf(err, errlen, "invalid UTF-8 on line %ld at byte %zu", r->badline,
		         r->badbyte);
	else if (r->toowide)
		snprintf(err, errlen, "more than %d fields", CRM_FIELDS_MAX);
	else
		return 0;
	r->longline = r->badline = 0;
	r->nul = r->toowide = 0;
	return -1;
}

/* The header: named columns, each once, one at least that crm reads.
 * -2 when it is not one: no record can be read. */
static int take_header(struct crm_reader *r, char *err, size_t errlen)
{
	struct crm_span *names;
	int dup, known = !r->known;

	if (line_trouble(r, err, errlen)) {
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, " (the header)");
		return -2;
	}
	r->header = xmalloc((size_t)r->ncells * sizeof *r->header);
	names = xmalloc((size_t)r->ncells * sizeof *names);
	for (int i = 0; i < r->ncells; i++) {
		const char *name = mapped(r, nfc(r, trim(r->cells + r->cellpos[i])));
		r->header[r->nheader++] = xstrdup(name);
		names[i] = (struct crm_span){ r->header[i], strlen(r->header[i]) };
		known = known || r->known(name);
		if (!*name) {
			snprintf(err, errlen, "header: column %d has no name", i + 1);
			free(names);
			return -2;
		}
	}
	dup = crm_find_dup(names, r->ncells);
	free(names);
	if (dup >= 0) {
		snprintf(err, errlen, "header: column '%.64s' is there twice", r->header[dup]);
		return -2;
	}
	if (!known) {
		snprintf(err, errlen, "header: no column crm reads (%s); is this %s?",
		         r->known_hint, r->fmt == IN_CSV ? "CSV" : "TSV");
		return -2;
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
			if ((got = take_header(r, err, errlen)))
				return got;
			continue;
		}
		break;
	}
	if (r->toowide) {
		r->toowide = 0;
		snprintf(err, errlen, "more than %d fields", CRM_FIELDS_MAX);
		return -1;
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
			if (*s == '[') {
				r->done = 1;
				r->recline = r->lineno;
				snprintf(err, errlen, "a JSON array: crm reads JSON Lines,"
				         " one object a line (jq -c '.[]')");
				return -2;
			}
			r->fmt = *s == '{' ? IN_JSONL : strchr(s, '\t') ? IN_TSV : IN_CSV;
			split_first_line(r);
		}
		r->started = 1;
	}
	for (int i = 0; i < r->nnfc; i++)
		free(r->nfc[i]);
	r->nnfc = 0;
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
	}
	if (got == 0 || got == -2)
		r->done = 1;
	if (got != 0 && got != -2 && line_trouble(r, err, errlen))
		got = -1;
	if (got == 1 && r->nonascii)
		for (int i = 0; i < r->rec.nfields; i++) {
			r->fields[i].val = nfc(r, r->fields[i].val);
			if (r->fmt == IN_JSONL)
				r->fields[i].key = nfc(r, r->fields[i].key);
		}
	r->nonascii = 0;
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
