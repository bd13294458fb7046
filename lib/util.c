/* util.c: allocation that cannot fail quietly, integer parsing, typos. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

static void oom(void)
{
	fputs("crm: out of memory\n", stderr);
	exit(CRM_SOFTWARE);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *xstrndup(const char *s, size_t n)
{
	char *d = memcpy(xmalloc(n + 1), s, n);

	d[n] = '\0';
	return d;
}

int crm_parse_int(const char *s, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s)
		return -1;
	*out = v;
	return 0;
}

const char *crm_in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return *set;
	return NULL;
}

/* The optimal string alignment distance between a and b, case aside:
 * insertions, deletions, substitutions and swaps of two neighbours. */
static size_t typo_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), d;
	size_t *row = xmalloc(3 * (m + 1) * sizeof *row);
	size_t *prev2 = row, *prev = row + m + 1, *cur = row + 2 * (m + 1);

	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t best = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[m];
	free(row);
	return d;
}

const char *crm_suggest(const char *s, const char *const *set)
{
	const char *best = NULL, *prefixed = NULL;
	size_t len = strlen(s), best_d = (size_t)-1;
	int nprefixed = 0;

	if (!len || len > 256)
		return NULL;
	for (const char *const *p = set; *p; p++) {
		size_t d = typo_distance(s, *p);
		int starts = !strncasecmp(*p, s, len);
		/* as near as another: the one that s begins ("of": off, not on) */
		if (d < best_d || (d == best_d && starts && strncasecmp(best, s, len))) {
			best_d = d;
			best = *p;
		}
		if (starts) {
			prefixed = *p;
			nprefixed++;
		}
	}
	/* one letter off in a short word, two in a longer, a third of a long
	 * one: as far as a typo goes before it is another word; and never
	 * every letter ("c" is not a typo of "a") */
	if (best && best_d > 0 && best_d < len && best_d <= (len < 4 ? 1 : len < 9 ? 2 : len / 3))
		return best;
	return nprefixed == 1 && len >= 2 ? prefixed : NULL;
}

const char *crm_set_list(const char *const *set, char *buf, size_t size)
{
	size_t at = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (const char *const *p = set; *p; p++) {
		const char *sep = p == set ? "" : ", ";
		size_t need = strlen(sep) + strlen(*p);
		/* the last one needs its own room; any other room for ", ..." too */
		if (at + need + (p[1] ? 5 : 0) >= size) {
			if (at + 5 < size)
				memcpy(buf + at, at ? ", ..." : "...", at ? 6 : 4);
			break;
		}
		at += (size_t)snprintf(buf + at, size - at, "%s%s", sep, *p);
	}
	return buf;
}

struct span_at {
	const char *s;
	size_t n;
	int i;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span_at *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);

	if (c)
		return c;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

int crm_find_dup(const struct crm_span *v, int n)
{
	struct span_at *a;
	int dup = -1;

	/* a few: compare each pair; more: sort, and equal ones are
	 * neighbours (n log n, however many there are) */
	if (n <= 16) {
		for (int j = 1; j < n; j++)
			for (int i = 0; i < j; i++)
				if (v[i].n == v[j].n && !memcmp(v[i].s, v[j].s, v[j].n))
					return j;
		return -1;
	}
	a = xmalloc((size_t)n * sizeof *a);
	for (int i = 0; i < n; i++)
		a[i] = (struct span_at){ v[i].s, v[i].n, i };
	qsort(a, (size_t)n, sizeof *a, span_cmp);
	for (int k = 1; k < n; k++)
		if (a[k].n == a[k - 1].n && !memcmp(a[k].s, a[k - 1].s, a[k].n) &&
		    (dup < 0 || a[k].i < dup))
			dup = a[k].i;
	free(a);
	return dup;
}
