/* text.c: Unicode text, through libutf8proc: UTF-8 that is valid, text
 * in NFC, and owner identity (emails and phones) that invisible
 * characters cannot split in two.  ASCII, the common case, takes a fast
 * path that never calls the library. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "crm.h"

int crm_ascii(const char *s, size_t n)
{
	uint64_t w, any = 0;
	size_t i = 0;

	/* eight bytes at a time: this runs over every line of an input */
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		any |= w;
	}
	for (; i < n; i++)
		any |= (unsigned char)s[i];
	return !(any & 0x8080808080808080ULL);
}

size_t crm_utf8_check(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
		/* utf8proc refuses overlong forms, surrogates and code points
		 * past U+10FFFF */
		if (len <= 0)
			return i + 1;
		i += (size_t)len;
	}
	return 0;
}

int crm_utf8_valid(const char *s)
{
	return crm_utf8_check(s, strlen(s)) == 0;
}

/* s[0..n) mapped by utf8proc with options (owned); NULL when it is not
 * UTF-8 */
static char *map(const char *s, size_t n, utf8proc_option_t options)
{
	utf8proc_uint8_t *out = NULL;

	if (utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
	                 options | UTF8PROC_STABLE) < 0)
		return NULL;
	return (char *)out;
}

char *crm_nfc_n(const char *s, size_t n)
{
	char *out;

	if (crm_ascii(s, n))
		return xstrndup(s, n);
	if (!(out = map(s, n, UTF8PROC_COMPOSE)))
		return NULL;
	return out;
}

char *crm_nfc(const char *s)
{
	return crm_nfc_n(s, strlen(s));
}

int crm_text(struct crm *crm, const char *what, const char *in, char **out)
{
	size_t bad = crm_utf8_check(in, strlen(in));

	*out = NULL;
	if (bad)
		return crm_err(crm, CRM_DATAERR, "%s: not valid UTF-8 (byte %zu)", what, bad);
	*out = crm_nfc(in);
	return 0;
}

/* Unicode White_Space: the separators (Zs, Zl, Zp) and the controls
 * TAB, LF, VT, FF, CR and NEL */
static int is_space(utf8proc_int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (c == 0x85)
		return 1;
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP;
}

/* the code point at s (valid UTF-8), its length in *len */
static utf8proc_int32_t cp_at(const char *s, size_t n, size_t *len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t l;

	if ((unsigned char)*s < 0x80) {
		*len = 1;
		return (unsigned char)*s;
	}
	l = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
	*len = l > 0 ? (size_t)l : 1;
	return l > 0 ? c : 0xfffd;
}

const char *crm_trim_space(const char *s, size_t *n)
{
	const char *end = s + strlen(s);
	size_t len;

	while (s < end && is_space(cp_at(s, (size_t)(end - s), &len)))
		s += len;
	/* from the end: step back over one code point at a time */
	while (end > s) {
		const char *p = end - 1;
		while (p > s && ((unsigned char)*p & 0xc0) == 0x80)
			p--;
		if (!is_space(cp_at(p, (size_t)(end - p), &len)))
			break;
		end = p;
	}
	*n = (size_t)(end - s);
	return s;
}

long crm_invisible(const char *s, size_t n, int allow_space)
{
	size_t len;

	for (size_t i = 0; i < n; i += len) {
		utf8proc_int32_t c = cp_at(s + i, n - i, &len);
		if (c == ' ' && allow_space)
			continue;
		if (c < 0x80) {
			if (c <= ' ' || c == 0x7f)
				return c;
			continue;
		}
		switch (utf8proc_category(c)) {
		case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF:
		case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL:
		case UTF8PROC_CATEGORY_ZP:
			return c;
		default:
			break;
		}
	}
	return -1;
}

int crm_has_control(const char *str)
{
	for (const unsigned char *s = (const unsigned char *)str; *s; s++)
		if (*s < 0x20 || *s == 0x7f || (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f))
			return 1;
	return 0;
}

enum owner_text { OWNER_OK, OWNER_NOT_UTF8, OWNER_INVISIBLE };

/* The owner key of an email or a phone: valid UTF-8, trimmed of white
 * space, with no control, format or space character inside (a phone may
 * have plain spaces).  *s and *n say what is left. */
static enum owner_text owner_text(const char **s, size_t *n, int phone)
{
	if (!crm_utf8_valid(*s))
		return OWNER_NOT_UTF8;
	*s = crm_trim_space(*s, n);
	return crm_invisible(*s, *n, phone) >= 0 ? OWNER_INVISIBLE : OWNER_OK;
}

/* RFC 5322 atext, and any byte of a UTF-8 sequence (RFC 6531) */
static int atext(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

int crm_email_valid(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n), *end = s + n;
	int labels = 0;

	if (!at || at == s || at - s > 64 || n > 254)
		return 0;
	/* dot-atom: atoms of atext joined by single dots */
	for (const char *p = s; p < at; p++)
		if (*p == '.' ? p == s || p + 1 == at || p[1] == '.' : !atext((unsigned char)*p))
			return 0;
	/* the domain: two labels or more of letters, digits and inner '-' */
	for (const char *p = at + 1, *label = p; p <= end; p++) {
		if (p < end && *p != '.') {
			unsigned char c = (unsigned char)*p;
			if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      (c >= '0' && c <= '9') || c == '-'))
				return 0;
			continue;
		}
		if (p == label || p - label > 63 || *label == '-' || p[-1] == '-')
			return 0;
		labels++;
		label = p + 1;
	}
	return labels >= 2;
}

char *crm_norm_email(const char *s)
{
	size_t n;
	char *out;

	if (!s || owner_text(&s, &n, 0) || !crm_email_valid(s, n))
		return NULL;
	if (!crm_ascii(s, n)) {   /* NFC, then case folded: ANA, ana and ána */
		/* and still an address: folding can lengthen a label past 63
		 * bytes (İ is i and a combining dot) */
		out = map(s, n, UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
		if (out && !crm_email_valid(out, strlen(out))) {
			free(out);
			out = NULL;
		}
		return out;
	}
	out = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return out;
}

int crm_owner_value(struct crm *crm, const char *field, const char *in, int phone,
                    char **value, char **norm)
{
	const char *s = in;
	size_t n;

	*norm = NULL;
	if (value)
		*value = NULL;
	switch (owner_text(&s, &n, phone)) {
	case OWNER_NOT_UTF8:
		return crm_err(crm, CRM_DATAERR, "%s: not valid UTF-8 (byte %zu)", field,
		               crm_utf8_check(in, strlen(in)));
	case OWNER_INVISIBLE:
		return crm_err(crm, CRM_DATAERR, "%s '%.*s': U+%04lX is not allowed in %s"
		               " (a control, format or space character)", field, (int)n, s,
		               (unsigned long)crm_invisible(s, n, phone),
		               phone ? "a phone number" : "an email address");
	case OWNER_OK:
		break;
	}
	if (phone) {
		int rc = crm_phone_key(crm, in, norm);
		if (rc == CRM_DATAERR)
			return crm_err(crm, CRM_DATAERR, "%s '%s': not a phone number"
			               " (fewer than 5 digits)", field, in);
		if (rc)
			return rc;
	} else if (!(*norm = crm_norm_email(in))) {
		return crm_err(crm, CRM_DATAERR, "%s '%s': not an email address"
		               " (name@domain.tld, no spaces, no empty part)", field, in);
	}
	if (value)
		*value = crm_nfc_n(s, n);
	return 0;
}
