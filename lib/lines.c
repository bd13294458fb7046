/* lines.c: the lines of an input, read ahead in blocks, bounded and
 * checked (see lines.h). */
#include <stdlib.h>
#include <string.h>

#include "lines.h"

#define IN_BUF (64 * 1024)

void lines_init(struct crm_lines *l, FILE *in)
{
	memset(l, 0, sizeof *l);
	l->in = in;
}

void lines_free(struct crm_lines *l)
{
	free(l->buf);
	free(l->line);
	free(l->rest);
	memset(l, 0, sizeof *l);
}

void lines_clear(struct crm_lines *l)
{
	l->nul = 0;
	l->badline = l->longline = 0;
	l->badbyte = 0;
	l->nonascii = 0;
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

static void room(struct crm_lines *l, size_t n)
{
	if (l->cap < n) {
		l->cap = n * 2;
		l->line = xrealloc(l->line, l->cap);
	}
}

/* More of the input into buf; 0 at its end (or a read error, which the
 * caller finds with ferror). */
static int fill(struct crm_lines *l)
{
	if (l->eof)
		return 0;
	if (!l->buf)
		l->buf = xmalloc(IN_BUF);
	l->bpos = 0;
	l->bend = fread(l->buf, 1, IN_BUF, l->in);
	if (!l->bend)
		l->eof = 1;
	return l->bend > 0;
}

/* n more bytes of the line; past CRM_LINE_MAX the rest is dropped, and
 * the line is told as too long */
static void add(struct crm_lines *l, const char *s, size_t n)
{
	if (l->longline == l->lineno + 1)
		return;
	if ((size_t)l->len + n > CRM_LINE_MAX) {
		l->longline = l->lineno + 1;
		return;
	}
	room(l, (size_t)l->len + n + 1);
	memcpy(l->line + l->len, s, n);
	l->len += (ssize_t)n;
}

/* The next line of the input, with its end: LF, and with cr_ends a
 * lone CR or CRLF too (CSV and TSV, as old Mac files end them, and as
 * libcsv reads them).  -1 at the end of input.  Memory is bounded by
 * CRM_LINE_MAX whatever the line's length. */
static ssize_t read_line(struct crm_lines *l, int cr_ends)
{
	int any = 0;

	l->len = 0;
	for (;;) {
		if (l->bpos == l->bend && !fill(l))
			break;
		const char *s = l->buf + l->bpos;
		size_t avail = l->bend - l->bpos;
		const char *nl = memchr(s, '\n', avail), *cr;
		size_t take = nl ? (size_t)(nl - s) + 1 : avail;
		any = 1;
		if (cr_ends && (cr = memchr(s, '\r', take))) {
			take = (size_t)(cr - s) + 1;
			add(l, s, take);
			l->bpos += take;
			if ((l->bpos < l->bend || fill(l)) && l->buf[l->bpos] == '\n') {
				add(l, "\n", 1);
				l->bpos++;
			}
			break;
		}
		add(l, s, take);
		l->bpos += take;
		if (nl)
			break;
	}
	if (!any)
		return -1;
	room(l, (size_t)l->len + 1);
	l->line[l->len] = '\0';
	return l->len;
}

void lines_split_first(struct crm_lines *l)
{
	size_t n;

	if (l->rest)
		return;
	n = line_span(l->line, (size_t)l->len);
	if (n == (size_t)l->len)
		return;
	l->restlen = (size_t)l->len - n;
	l->restoff = 0;
	l->rest = xmalloc(l->restlen + 1);
	memcpy(l->rest, l->line + n, l->restlen + 1);
	l->line[n] = '\0';
	l->len = (ssize_t)n;
}

int lines_next(struct crm_lines *l, int cr_ends)
{
	if (l->rest) {
		size_t n = line_span(l->rest + l->restoff, l->restlen - l->restoff);
		room(l, n + 1);
		memcpy(l->line, l->rest + l->restoff, n);
		l->line[n] = '\0';
		l->len = (ssize_t)n;
		if ((l->restoff += n) == l->restlen) {
			free(l->rest);
			l->rest = NULL;
		}
	} else if (read_line(l, cr_ends) < 0) {
		return 0;
	}
	l->lineno++;
	/* C strings end at a NUL: the rest of the line would vanish unseen */
	if (memchr(l->line, '\0', (size_t)l->len))
		l->nul = 1;
	if (l->lineno == 1 && l->len >= 3 && !memcmp(l->line, "\xef\xbb\xbf", 3)) {
		memmove(l->line, l->line + 3, (size_t)l->len - 2);
		l->len -= 3;
	}
	/* what is stored is printed back byte for byte: UTF-8 only */
	if (!crm_ascii(l->line, (size_t)l->len)) {
		size_t bad = crm_utf8_check(l->line, (size_t)l->len);
		l->nonascii = 1;
		if (bad && !l->badline) {
			l->badline = l->lineno;
			l->badbyte = bad;
		}
	}
	return 1;
}

void lines_chomp(struct crm_lines *l)
{
	while (l->len > 0 && (l->line[l->len - 1] == '\n' ||
	                          l->line[l->len - 1] == '\r'))
		l->line[--l->len] = '\0';
}

