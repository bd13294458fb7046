/* display.c: text as a person's terminal shows it: how many columns it
 * takes (wide and zero-width characters), and what it may not pass on
 * (control and bidirectional characters, bytes that are not UTF-8); and
 * stored times as a person reads them. */
#include <string.h>

#include "crm.h"
#include "display.h"

/* length of the valid UTF-8 sequence at s, 0 when it is not one */
int crm_utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* The code point of the valid UTF-8 sequence of n bytes at s. */
static unsigned utf8_cp(const unsigned char *s, int n)
{
	switch (n) {
	case 1: return s[0];
	case 2: return (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
	case 3: return (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
	default: return (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 |
	                (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
	}
}

/* Terminal columns of a code point: 0 for combining marks and zero-width
 * characters, 2 for East Asian wide and full-width ones (the ranges of
 * Unicode's EastAsianWidth W and F, coarsely), else 1. */
static int cp_columns(unsigned c)
{
	static const unsigned zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
		{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0e31, 0x0e31 },
		{ 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x1ab0, 0x1aff },
		{ 0x1dc0, 0x1dff }, { 0x200b, 0x200f }, { 0x20d0, 0x20ff },
		{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff },
	};
	static const unsigned wide[][2] = {
		{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x23e9, 0x23ec },
		{ 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 }, { 0x25fd, 0x25fe },
		{ 0x2614, 0x2615 }, { 0x2648, 0x2653 }, { 0x267f, 0x267f },
		{ 0x2693, 0x2693 }, { 0x26a1, 0x26a1 }, { 0x26aa, 0x26ab },
		{ 0x26bd, 0x26be }, { 0x26c4, 0x26c5 }, { 0x26ce, 0x26ce },
		{ 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea }, { 0x26f2, 0x26f3 },
		{ 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa }, { 0x26fd, 0x26fd },
		{ 0x2705, 0x2705 }, { 0x270a, 0x270b }, { 0x2728, 0x2728 },
		{ 0x274c, 0x274c }, { 0x274e, 0x274e }, { 0x2753, 0x2755 },
		{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27b0, 0x27b0 },
		{ 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c }, { 0x2b50, 0x2b50 },
		{ 0x2b55, 0x2b55 }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f004, 0x1f004 },
		{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
		{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff },
		{ 0x1f7e0, 0x1f7eb }, { 0x1f900, 0x1faff }, { 0x20000, 0x3fffd },
	};

	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
		if (c >= zero[i][0] && c <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

/* a control character: C0, DEL, C1; and the bidirectional overrides
 * and isolates, which would reorder what follows them on the line */
static int is_control(unsigned c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* The terminal columns of s, counting at most max, and in *bytes the
 * length of the part that fits in max.  A control character or a byte
 * that is not UTF-8 takes one column (put_display shows it as one). */
size_t crm_display_width(const char *str, size_t max, size_t *bytes)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0;

	while (*s) {
		int n = crm_utf8_len(s);
		unsigned c = n ? utf8_cp(s, n) : 0xfffd;
		int cols = is_control(c) ? 1 : cp_columns(c);
		if (w + (size_t)cols > max)
			break;
		w += (size_t)cols;
		s += n ? n : 1;
	}
	if (bytes)
		*bytes = (size_t)(s - (const unsigned char *)str);
	return w;
}

/* The first n bytes of s as a person's terminal should get them: no
 * control character reaches it (an escape sequence in a scraped name
 * would drive the terminal), nor a byte that is not UTF-8.  A tab is a
 * space; a line end is a space, or with indent >= 0 a new line indented
 * by that much; any other is U+FFFD. */
void crm_put_display(FILE *out, const char *str, size_t n, int indent)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;

	while (s < end) {
		int len = crm_utf8_len(s);
		unsigned c = len ? utf8_cp(s, len) : 0xfffd;
		if (len && !is_control(c)) {
			fwrite(s, 1, (size_t)len, out);
		} else if (c == '\n' && indent >= 0) {
			fprintf(out, "\n%*s", indent, "");
		} else if (c == '\t' || c == '\n') {
			putc(' ', out);
		} else if (c == '\r') {
			if (s + 1 == end || s[1] != '\n')
				putc(' ', out);
		} else {
			fputs("\xef\xbf\xbd", out);
		}
		s += len ? len : 1;
	}
}

void crm_put_text(FILE *out, const char *s)
{
	crm_put_display(out, s, strlen(s), -1);
}

char *crm_person_time(const char *v, int relative)
{
	char t[CRM_LOCAL_LEN];

	if (!v || (relative ? crm_time_ago(v, t) : crm_time_local_text(v, t)))
		return NULL;
	return xstrdup(t);
}
