/* norm.c: owner identity.  One client per owner within an operator, found
 * by email compared case-insensitively or by the digits of a phone. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

char *crm_norm_email(const char *s)
{
	const char *end;
	char *out, *o;

	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	/* one word with an @ in it: no blank, no control character inside */
	if (end == s || !memchr(s, '@', (size_t)(end - s)))
		return NULL;
	for (const char *p = s; p < end; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return NULL;
	o = out = xmalloc((size_t)(end - s) + 1);
	for (; s < end; s++)
		*o++ = (char)tolower((unsigned char)*s);
	*o = '\0';
	return out;
}

char *crm_norm_phone(const char *s)
{
	char *out, *o;
	int ndigits = 0;

	if (!s)
		return NULL;
	o = out = xmalloc(strlen(s) + 2);
	/* a + before the first digit is kept: "+34 ...", "(+34) ..." */
	if (s[strcspn(s, "+0123456789")] == '+')
		*o++ = '+';
	for (; *s; s++) {
		if (isdigit((unsigned char)*s)) {
			*o++ = *s;
			ndigits++;
		}
	}
	*o = '\0';
	if (ndigits < 5) {
		free(out);
		return NULL;
	}
	return out;
}
