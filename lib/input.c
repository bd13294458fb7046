/* input.c: records from JSON Lines, CSV or TSV (see input.h).  Buffers
 * are reused from record to record, so memory stays flat. */
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include <utf8proc.h>

#include "input.h"
#include "lines.h"
#include "json.h"

struct crm_reader {
	struct crm_lines ln;         /* the input's lines */
	const char *name;
	enum crm_infmt fmt;
	int started, done;
	long recline;

	char **nfc;                  /* values in NFC made for this record */
	int nnfc, nfccap;
	int (*known)(const char *key);
	const char *known_hint;
	int (*column)(const char *key);

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
	lines_init(&r->ln, in);
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

void reader_columns(struct crm_reader *r, int (*column)(const char *key))
{
	r->column = column;
}

long reader_line(const struct crm_reader *r) { return r->recline; }
const char *reader_name(const struct crm_reader *r) { return r->name; }
enum crm_infmt reader_format(const struct crm_reader *r) { return r->fmt; }

const char *reader_raw(const struct crm_reader *r)
{
	if (r->fmt == IN_TSV)
		return r->ln.line ? r->ln.line : "";
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
	lines_free(&r->ln);
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

/* the next line; CSV and TSV lines end at a lone CR too */
static int next_line(struct crm_reader *r)
{
	return lines_next(&r->ln, r->fmt == IN_CSV || r->fmt == IN_TSV);
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

	if (json_parse_object(r->ln.line, &r->json, err, errlen)) {
		if (r->ln.line[strspn(r->ln.line, " \t")] == '[') {
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
		if (fed || r->started > 1 || !r->ln.line || r->ln.len < 0) {
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
			if (blank(r->ln.line))
				continue;
			r->recline = r->ln.lineno;
		}
		fed = 1;
		/* a line cut short, or a record past the cap: where it ends is
		 * no longer known, nor where the next one starts */
		if (r->ln.longline || r->rawlen + (size_t)r->ln.len > CRM_LINE_MAX) {
			snprintf(err, errlen, "a CSV record longer than %d MiB; the rest of"
			         " the input is not read", CRM_LINE_MAX >> 20);
			return -2;
		}
		raw_add(r, r->ln.line, (size_t)r->ln.len);
		/* libcsv grows a field by blk_size at a time: a step as long as
		 * the line makes a long field linear, not quadratic */
		csv_set_blk_size(&r->csv, (size_t)r->ln.len + 128);
		if (csv_parse(&r->csv, r->ln.line, (size_t)r->ln.len, cell_cb, row_cb, r) !=
		    (size_t)r->ln.len) {
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
	lines_chomp(&r->ln);
	/* split on TAB and unescape in a copy, so reader_raw keeps the line */
	for (s = r->ln.line;;) {
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

/* The record's values in NFC, and a JSON record's keys: two keys that
 * differ only in their normal form are one key twice. */
static int nfc_record(struct crm_reader *r, char *err, size_t errlen)
{
	int renamed = 0, dup;

	for (int i = 0; i < r->rec.nfields; i++) {
		r->fields[i].val = nfc(r, r->fields[i].val);
		if (r->fmt == IN_JSONL) {
			const char *k = nfc(r, r->fields[i].key);
			renamed |= k != r->fields[i].key;
			r->fields[i].key = k;
		}
	}
	if (!renamed)
		return 1;
	struct crm_span *keys = xmalloc((size_t)r->rec.nfields * sizeof *keys);
	for (int i = 0; i < r->rec.nfields; i++)
		keys[i] = (struct crm_span){ r->fields[i].key, strlen(r->fields[i].key) };
	dup = crm_find_dup(keys, r->rec.nfields);
	free(keys);
	if (dup < 0)
		return 1;
	snprintf(err, errlen, "key '%.64s' is there twice (in Unicode NFC)", r->fields[dup].key);
	return -1;
}

/* what is wrong with the lines read since the last record, if anything */
static int line_trouble(struct crm_reader *r, char *err, size_t errlen)
{
	if (r->ln.longline)
		snprintf(err, errlen, "line %ld is longer than %d MiB", r->ln.longline,
		         CRM_LINE_MAX >> 20);
	else if (r->ln.nul)
		snprintf(err, errlen, "a NUL byte in the record");
	else if (r->ln.badline)
		snprintf(err, errlen, "invalid UTF-8 on line %ld at byte %zu", r->ln.badline,
		         r->ln.badbyte);
	else if (r->toowide)
		snprintf(err, errlen, "more than %d fields", CRM_FIELDS_MAX);
	else
		return 0;
	lines_clear(&r->ln);
	r->toowide = 0;
	return -1;
}

/* s without white space at either end, in Unicode NFC and case folded
 * (owned): how a header cell and a --map source are compared */
static char *fold(const char *s)
{
	size_t n;
	const char *t = crm_trim_space(s, &n);
	utf8proc_uint8_t *out = NULL;
	char *copy = xstrndup(t, n);

	if (utf8proc_map((const utf8proc_uint8_t *)copy, 0, &out, UTF8PROC_NULLTERM |
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0 || !out)
		return copy;
	free(copy);
	return (char *)out;
}

/* Every --map source is one of the header's cells: else -3, naming the
 * header's cells (written, NULL-terminated) in err. */
static int check_map(struct crm_reader *r, const char *const *written, const int *used,
                     char *err, size_t errlen)
{
	char list[512];
	const char *guess;

	for (int m = 0; m < r->nmap; m++) {
		if (used[m])
			continue;
		guess = crm_suggest(r->map_src[m], written);
		snprintf(err, errlen, "--map '%s=%s': no column '%s' in the header of %s%s%s%s"
		         " (its columns: %s)", r->map_src[m], r->map_dst[m], r->map_src[m], r->name,
		         guess ? "; did you mean '" : "", guess ? guess : "", guess ? "'?" : "",
		         crm_set_list(written, list, sizeof list));
		return -3;
	}
	return 0;
}

/* The header: named columns, each once, one at least that crm reads.
 * A cell is a --map source, or a column crm knows, without regard to
 * case and surrounding white space; else it is read as written, trimmed.
 * -2 when it is not one: no record can be read; -3 when a --map source
 * is not in it. */
static int take_header(struct crm_reader *r, char *err, size_t errlen)
{
	struct crm_span *names;
	char **written, **folded, **msrc;
	int dup, known = !r->known, rc = 0, *used;

	if (line_trouble(r, err, errlen)) {
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, " (the header)");
		return -2;
	}
	r->header = xmalloc((size_t)r->ncells * sizeof *r->header);
	names = xmalloc((size_t)r->ncells * sizeof *names);
	written = xcalloc((size_t)r->ncells + 1, sizeof *written);
	folded = xcalloc((size_t)r->ncells + 1, sizeof *folded);
	msrc = xcalloc((size_t)r->nmap + 1, sizeof *msrc);
	used = xcalloc((size_t)r->nmap + 1, sizeof *used);
	for (int m = 0; m < r->nmap; m++)
		msrc[m] = fold(r->map_src[m]);
	for (int i = 0; i < r->ncells; i++) {
		size_t n;
		const char *t = crm_trim_space(nfc(r, r->cells + r->cellpos[i]), &n), *name;
		int m;
		written[i] = memcpy(xcalloc(n + 1, 1), t, n);
		folded[i] = fold(written[i]);
		for (m = 0; m < r->nmap && strcmp(msrc[m], folded[i]); m++)
			;
		if (m < r->nmap)
			used[m] = 1;
		name = m < r->nmap ? r->map_dst[m] :
		       r->column && r->column(folded[i]) ? folded[i] : written[i];
		r->header[r->nheader++] = xstrdup(name);
		names[i] = (struct crm_span){ r->header[i], strlen(r->header[i]) };
		known = known || r->known(r->header[i]);
		if (!*name) {
			snprintf(err, errlen, "header: column %d has no name", i + 1);
			rc = -2;
			goto cleanup;
		}
	}
	if ((rc = check_map(r, (const char *const *)written, used, err, errlen)))
		goto cleanup;
	dup = crm_find_dup(names, r->ncells);
	if (dup >= 0) {
		snprintf(err, errlen, "header: column '%.64s' is there twice", r->header[dup]);
		rc = -2;
	} else if (!known) {
		snprintf(err, errlen, "header: no column crm reads (%s); is this %s?",
		         r->known_hint, r->fmt == IN_CSV ? "CSV" : "TSV");
		rc = -2;
	}
cleanup:
	for (int i = 0; i < r->ncells; i++) {
		free(written[i]);
		free(folded[i]);
	}
	for (int m = 0; m < r->nmap; m++)
		free(msrc[m]);
	free(written);
	free(folded);
	free(msrc);
	free(used);
	free(names);
	return rc;
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
			if (blank(r->ln.line))
				continue;
			r->recline = r->ln.lineno;
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
		} while (blank(r->ln.line));
		if (r->fmt == IN_AUTO) {
			const char *s = r->ln.line + strspn(r->ln.line, " \t");
			if (*s == '[') {
				r->done = 1;
				r->recline = r->ln.lineno;
				snprintf(err, errlen, "a JSON array: crm reads JSON Lines,"
				         " one object a line (jq -c '.[]')");
				return -2;
			}
			r->fmt = *s == '{' ? IN_JSONL : strchr(s, '\t') ? IN_TSV : IN_CSV;
			if (r->fmt != IN_JSONL)
				lines_split_first(&r->ln);
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
		} while (blank(r->ln.line));
		lines_chomp(&r->ln);
		r->recline = r->ln.lineno;
		/* the parser unescapes in place: keep the line as it came */
		r->rawlen = 0;
		raw_add(r, r->ln.line, (size_t)r->ln.len);
		got = jsonl_next(r, err, errlen);
	} else {
		got = table_next(r, err, errlen);
	}
	if (got == 0 || got <= -2)
		r->done = 1;
	if (got != 0 && got > -2 && line_trouble(r, err, errlen))
		got = -1;
	if (got == 1 && r->ln.nonascii)
		got = nfc_record(r, err, errlen);
	r->ln.nonascii = 0;
	r->rec.line = r->recline;
	r->rec.json = r->fmt == IN_JSONL;
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
