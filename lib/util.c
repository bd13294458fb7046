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
