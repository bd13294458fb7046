/* html.c: escaped text and the printer's html back-end (see html.h). */
#include <stdlib.h>
#include <string.h>

#include "display.h"
#include "html.h"

void html_put(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (s && *s) {
		int n;
		switch (*s) {
		case '&': fputs("&amp;", out); s++; continue;
		case '<': fputs("&lt;", out); s++; continue;
		case '>': fputs("&gt;", out); s++; continue;
		case '"': fputs("&quot;", out); s++; continue;
		case '\'': fputs("&#39;", out); s++; continue;
		case '\t':
		case '\n': putc(*s++, out); continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			s++;
			continue;
		}
		if (*s < 0x80) {
			putc(*s++, out);
		} else if ((n = crm_utf8_len(s))) {
			fwrite(s, 1, (size_t)n, out);
			s += n;
		} else {
			fputs("\xef\xbf\xbd", out);
			s++;
		}
	}
}

void html_table_begin(FILE *out, const struct pcol *cols, int ncols)
{
	fputs("<table class=\"list\"><thead><tr>", out);
	for (int i = 0; i < ncols; i++) {
		char name[64];
		snprintf(name, sizeof name, "%s", cols[i].name);
		for (char *s = name; *s; s++)
			if (*s == '_')
				*s = ' ';
		fputs(cols[i].type == COL_INT ? "<th class=\"n\">" : "<th>", out);
		html_put(out, name);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
}

/* ["a","b"] -> a, b: the text of a list cell (owned) */
static char *list_cells(const char *json)
{
	char *o = xmalloc(strlen(json) * 2 + 1), *p = o;
	int in = 0;

	for (const char *s = json; *s; s++) {
		if (*s == '"') {
			in = !in;
		} else if (in) {
			if (*s == '\\' && s[1])
				s++;
			*p++ = *s;
		} else if (*s == ',') {
			*p++ = ',';
			*p++ = ' ';
		}
	}
	*p = '\0';
	return o;
}

void html_table_row(FILE *out, const struct pcol *cols, int ncols, const char *const *vals,
                    sqlite3_stmt *st)
{
	fputs("<tr>", out);
	crm_time_zone_begin();
	for (int i = 0; i < ncols; i++) {
		const char *v = st ? (const char *)sqlite3_column_text(st, i) : vals[i];
		char *t = !v ? NULL : cols[i].type == COL_LIST ? list_cells(v) :
		          cols[i].type == COL_TIME ? crm_person_time(v, 0) : NULL;
		fputs(cols[i].type == COL_INT ? "<td class=\"n\">" : "<td>", out);
		html_put(out, t ? t : v);
		fputs("</td>", out);
		free(t);
	}
	crm_time_zone_end();
	fputs("</tr>\n", out);
}

void html_table_end(FILE *out, long rows)
{
	fputs("</tbody></table>\n", out);
	if (!rows)
		fputs("<p class=\"none\">None.</p>\n", out);
}
