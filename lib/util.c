/* util.c: allocation that cannot fail quietly, integer parsing. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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
