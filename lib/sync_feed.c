/* sync_feed.c: a CSV or JSON Lines feed (see sync_int.h), read from the
 * offset the last run stopped at. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sync_int.h"

#define FEED_BLOCK (1 << 20)    /* bytes of whole lines a transaction takes */
#define FEED_HEAD 256           /* bytes of the file's start its fingerprint takes */

struct feed {
	FILE *f;
	const char *path;
	char *buf;                  /* the header line (CSV), then a block */
	size_t hlen, cap;
	unsigned long long inode;
	long long size, offset, line;   /* line: lines before offset */
	long long head;                 /* bytes of the start the fingerprint took */
	unsigned long long mark;        /* their fingerprint */
};

/* The fingerprint of the first n bytes of f (FNV-1a): a file rotated
 * into the same inode, or truncated and written again past the offset,
 * starts with other bytes.  *got: how many there were, up to n. */
static unsigned long long fingerprint(FILE *f, long long n, long long *got)
{
	unsigned long long h = 14695981039346656037ULL;
	unsigned char b[FEED_HEAD];
	size_t k;

	*got = 0;
	if (n > FEED_HEAD)
		n = FEED_HEAD;
	if (fseeko(f, 0, SEEK_SET))
		return h;
	k = fread(b, 1, (size_t)n, f);
	for (size_t i = 0; i < k; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	*got = (long long)k;
	return h;
}

static void feed_grow(struct feed *fd, size_t need)
{
	if (need > fd->cap)
		fd->buf = xrealloc(fd->buf, fd->cap = need + FEED_BLOCK);
}

/* The last newline of s[0..n) that ends a record (NULL: none).  A block
 * starts where a record does, so in CSV a newline after an odd count of
 * '"' is inside a quoted field and ends none: a field of several lines
 * is never cut in two between blocks. */
static char *last_end(char *s, size_t n, int csv)
{
	char *nl = NULL;
	int quoted = 0;

	if (!csv) {
		for (size_t i = n; i > 0; i--)
			if (s[i - 1] == '\n')
				return s + i - 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == '\n' && !quoted)
			nl = s + i;
	return nl;
}

/* Read the whole lines from offset on, up to a block's worth, after the
 * header: *len their bytes (0: none complete yet).  A line past
 * CRM_LINE_MAX is left out: *skip its length with its newline. */
static int feed_block(struct pull *p, struct feed *fd, size_t *len, long long *skip)
{
	size_t got = 0, n;
	char *nl = NULL;

	*len = 0;
	*skip = 0;
	if (fseeko(fd->f, (off_t)fd->offset, SEEK_SET))
		return crm_err(p->crm, CRM_NOINPUT, "sync: sources.%s: '%s': %s", p->name, fd->path,
		               strerror(errno));
	for (;;) {
		feed_grow(fd, fd->hlen + got + FEED_BLOCK);
		n = fread(fd->buf + fd->hlen + got, 1, FEED_BLOCK, fd->f);
		got += n;
		nl = last_end(fd->buf + fd->hlen, got, p->src->csv != NULL);
		if (nl || n < FEED_BLOCK)
			break;
		if (got > CRM_LINE_MAX) {
			/* one line too long: skip to its end, when it has one */
			int c;
			long long k = (long long)got;
			while ((c = getc(fd->f)) != EOF && c != '\n')
				k++;
			if (c == '\n')
				*skip = k + 1;
			return ferror(fd->f) ? crm_err(p->crm, CRM_NOINPUT, "sync: sources.%s: '%s': %s",
			                               p->name, fd->path, strerror(errno)) : 0;
		}
	}
	if (ferror(fd->f))
		return crm_err(p->crm, CRM_NOINPUT, "sync: sources.%s: '%s': %s", p->name, fd->path,
		               strerror(errno));
	if (nl)
		*len = (size_t)(nl + 1 - (fd->buf + fd->hlen));
	return 0;
}

static void feed_cursor(const struct feed *fd, char *out, size_t n)
{
	snprintf(out, n, "{\"inode\":%llu,\"size\":%lld,\"offset\":%lld,\"line\":%lld,"
	         "\"head\":%lld,\"mark\":\"%016llx\"}",
	         fd->inode, fd->size, fd->offset, fd->line, fd->head, fd->mark);
}

static long long count_lines(const char *s, size_t n)
{
	long long k = 0;

	for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))); s++)
		k++;
	return k;
}

/* the records of one block, in one transaction with the offset past it */
static int feed_records(struct pull *p, struct feed *fd, size_t len)
{
	const struct crm_source *src = p->src;
	int header = src->csv && fd->offset > 0;
	size_t start = header ? 0 : fd->hlen;
	FILE *m = fmemopen(fd->buf + start, fd->hlen - start + len, "r");
	const char **from = xcalloc((size_t)src->nmap + 1, sizeof *from);
	const char **to = xcalloc((size_t)src->nmap + 1, sizeof *to);
	struct crm_reader *r;
	struct crm_record *rec;
	char reason[512], where[600], cur[160];
	int rc, got;

	if (!m) {
		free(from);
		free(to);
		return crm_err(p->crm, CRM_SOFTWARE, "sync: feed: %s", strerror(errno));
	}
	r = reader_new(m, fd->path, src->csv ? IN_CSV : IN_JSONL);
	for (int i = 0; i < src->nmap; i++) {
		from[i] = src->map[i].key;
		to[i] = src->map[i].value;
	}
	if (src->nmap)
		reader_map(r, from, to, src->nmap);
	if ((rc = pull_begin(p)))
		goto cleanup;
	long long brought = p->st.added + p->st.updated;
	while (!rc && (got = reader_next(r, &rec, reason, sizeof reason)) != 0) {
		long long line = fd->line + reader_line(r) - header;
		snprintf(where, sizeof where, "%.400s:%lld", fd->path, line);
		if (got == -3) {
			rc = crm_err(p->crm, CRM_CONFIG, "sync: sources.%s: %s", p->name, reason);
		} else if (got == -2) {
			/* the feed cannot be read on from here (a bad header, a
			 * record past the cap): the block is not taken, and the
			 * cursor stays before it until the file is mended */
			rc = crm_err(p->crm, CRM_DATAERR, "sync: sources.%s: %s: %s", p->name, where,
			             reason);
		} else if (got < 0) {
			/* a bad line is skipped */
			p->st.read++;
			if (!p->st.skipped++)
				snprintf(p->skip, sizeof p->skip, "%.300s: %.200s", where, reason);
		} else {
			rc = pull_row(p, rec, where);
		}
	}
	fd->offset += (long long)len;
	fd->line += count_lines(fd->buf + fd->hlen, len);
	feed_cursor(fd, cur, sizeof cur);
	rc = pull_end(p, cur, p->st.added + p->st.updated - brought, rc);
cleanup:
	reader_free(r);
	fclose(m);
	free(from);
	free(to);
	return rc;
}

int pull_feed(struct pull *p)
{
	struct feed fd = { .path = p->src->csv ? p->src->csv : p->src->jsonl };
	unsigned long long inode = 0, mark = 0;
	long long size = 0, offset = 0, line = 0, head = -1, got, skip;
	char *json = NULL, cur[160];
	struct stat sb;
	size_t len;
	int rc;

	if (!(fd.f = fopen(fd.path, "rb")))
		return crm_err(p->crm, CRM_NOINPUT, "sync: sources.%s: cannot open '%s': %s", p->name,
		               fd.path, strerror(errno));
	if (fstat(fileno(fd.f), &sb) || !S_ISREG(sb.st_mode)) {
		rc = crm_err(p->crm, CRM_NOINPUT, "sync: sources.%s: '%s': not a file", p->name,
		             fd.path);
		goto cleanup;
	}
	if ((rc = crm_sync_state_get(p->crm, p->name, &json)))
		goto cleanup;
	if (json && sscanf(json, "{\"inode\":%llu,\"size\":%lld,\"offset\":%lld,\"line\":%lld,"
	                   "\"head\":%lld,\"mark\":\"%16llx\"}",
	                   &inode, &size, &offset, &line, &head, &mark) != 6)
		offset = line = 0;
	fd.inode = (unsigned long long)sb.st_ino;
	fd.size = (long long)sb.st_size;
	/* the same file, grown or as it was: on from the offset; another one
	 * (rotated), a shorter one (truncated), or one that starts with other
	 * bytes (rotated into the same inode, or truncated and written again
	 * past the offset): from the start */
	fd.mark = fingerprint(fd.f, head, &got);
	if (inode == fd.inode && offset <= fd.size && size <= fd.size && got == head &&
	    fd.mark == mark) {
		fd.offset = offset;
		fd.line = line;
	}
	fd.mark = fingerprint(fd.f, fd.size, &fd.head);
	rewind(fd.f);
	/* a CSV feed's header, for the blocks after its first */
	if (p->src->csv) {
		char *h = NULL;
		size_t hn = 0;
		ssize_t k = getline(&h, &hn, fd.f);
		if (k > 0 && h[k - 1] == '\n') {
			feed_grow(&fd, (size_t)k);
			memcpy(fd.buf, h, (size_t)k);
			fd.hlen = (size_t)k;
		}
		free(h);
		if (!fd.hlen) {
			fd.offset = fd.line = 0;
		}
	}
	for (;;) {
		if ((rc = feed_block(p, &fd, &len, &skip)))
			break;
		if (skip) {
			/* a line too long to be one: skipped, and the offset past it */
			p->st.read++;
			if (!p->st.skipped++)
				snprintf(p->skip, sizeof p->skip, "%.300s:%lld: a line longer than %d MiB",
				         fd.path, fd.line + 1, CRM_LINE_MAX >> 20);
			fd.offset += skip;
			fd.line++;
			feed_cursor(&fd, cur, sizeof cur);
			if ((rc = pull_begin(p)) || (rc = pull_end(p, cur, 0, 0)))
				break;
			continue;
		}
		if (!len)
			break;
		if ((rc = feed_records(p, &fd, len)))
			break;
	}
	/* nothing new: the run is still told in sync_state */
	if (!rc && !p->st.read && !p->dry && !(rc = pull_begin(p))) {
		feed_cursor(&fd, cur, sizeof cur);
		rc = pull_end(p, cur, 0, 0);
	}
cleanup:
	fclose(fd.f);
	free(fd.buf);
	free(json);
	return rc;
}
