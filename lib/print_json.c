/* print_json.c: JSON text as the printer writes it (see print.h): strings
 * escaped, arrays of strings, and the text of a list cell. */
#include <stdlib.h>
#include <string.h>

#include "display.h"
#include "print.h"

void json_put_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	putc('"', out);
	while (*s) {
		const unsigned char *run = s;
		/* the common case: plain printable ASCII, written in one go */
		while (*s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
			s++;
		if (s > run)
			fwrite(run, 1, (size_t)(s - run), out);
		if (!*s)
			break;
		switch (*s) {
		case '"': fputs("\\\"", out); s++; continue;
		case '\\': fputs("\\\\", out); s++; continue;
		case '\n': fputs("\\n", out); s++; continue;
		case '\t': fputs("\\t", out); s++; continue;
		case '\r': fputs("\\r", out); s++; continue;
		case '\b': fputs("\\b", out); s++; continue;
		case '\f': fputs("\\f", out); s++; continue;
		}
		if (*s < 0x20) {
			fprintf(out, "\\u%04x", *s);
			s++;
			continue;
		}
		int n = crm_utf8_len(s);
		if (n) {
			fwrite(s, 1, (size_t)n, out);
			s += n;
		} else {
			fputs("\xef\xbf\xbd", out); /* U+FFFD for a bad byte */
			s++;
		}
	}
	putc('"', out);
}

char *crm_json_strings(const char *const *v, int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return xstrdup("[]");
	putc('[', f);
	for (int i = 0; i < n; i++) {
		if (i)
			putc(',', f);
		json_put_string(f, v[i]);
	}
	putc(']', f);
	fclose(f);
	return buf;
}

/* ["a","b"] -> a,b: the JSON array of a COL_LIST cell, for text formats
 * (owned) */
char *crm_list_text(const char *json)
{
	char *out = xmalloc(strlen(json) + 1), *o = out;
	const char *s = json;
	int first = 1;

	while (*s && *s != '[')
		s++;
	if (*s)
		s++;
	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		if (*s == ']' || !*s)
			break;
		if (!first)
			*o++ = ',';
		first = 0;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1]) {
					s++;
					*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
				} else {
					*o++ = *s;
				}
			}
			if (*s)
				s++;
		} else {
			while (*s && *s != ',' && *s != ']')
				*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}
