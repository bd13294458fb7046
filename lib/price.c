/* price.c: prices as scraped (see price.h).  A whitelist: every byte is
 * a digit, a separator, a space, a currency or the reason it fails, so
 * bad UTF-8 and anything else unknown is "not a price". */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "price.h"

/* at most this many groups of digits: 12 digits in groups of three and
 * cents need 6; more is too long before it is counted */
#define MAX_GROUPS 16

enum sep { SEP_POINT, SEP_COMMA, SEP_SPACE };

/* the ISO 4217 codes a scraped price is likely to carry; any case */
static const char *const codes[] = {
	"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "ISK", "PLN", "CZK",
	"HUF", "RON", "BGN", "TRY", "MAD", "CAD", "AUD", "NZD", "JPY", "CNY",
	"MXN", "BRL", "ARS", "CLP", "COP", "ZAR", "AED", "INR", NULL
};

/* the symbols, and the code each stands for */
static const struct { const char *sym, *code; } symbols[] = {
	{ "\xe2\x82\xac", "EUR" }, { "$", "USD" }, { "\xc2\xa3", "GBP" },
};

/* the length of the space at s (ASCII, no-break, narrow no-break, thin,
 * figure), 0 when there is none */
static size_t space_at(const char *s)
{
	static const char *const wide[] = {
		"\xc2\xa0", "\xe2\x80\xaf", "\xe2\x80\x89", "\xe2\x80\x87", NULL
	};

	if (*s == ' ' || *s == '\t')
		return 1;
	for (const char *const *w = wide; *w; w++)
		if (!strncmp(s, *w, strlen(*w)))
			return strlen(*w);
	return 0;
}

static const char *skip_space(const char *s)
{
	size_t n;

	while ((n = space_at(s)))
		s += n;
	return s;
}

static int is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* a currency at s: its length and code (into code), 0 when none */
static size_t currency_at(const char *s, char code[4])
{
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		size_t n = strlen(symbols[i].sym);
		if (!strncmp(s, symbols[i].sym, n)) {
			memcpy(code, symbols[i].code, 4);
			return n;
		}
	}
	if (!is_letter(s[0]) || !is_letter(s[1]) || !is_letter(s[2]) || is_letter(s[3]))
		return 0;
	for (const char *const *c = codes; *c; c++)
		if (!strncasecmp(s, *c, 3)) {
			memcpy(code, *c, 4);
			return 3;
		}
	return 0;
}

/* a separator between two groups of digits at s: its kind and length;
 * 0 when there is none, or no digit follows it */
static size_t sep_at(const char *s, enum sep *kind)
{
	size_t n = 1;

	if (*s == '.')
		*kind = SEP_POINT;
	else if (*s == ',')
		*kind = SEP_COMMA;
	else if (*s == '\'')
		*kind = SEP_SPACE;
	else if (!strncmp(s, "\xe2\x80\x99", 3))   /* a typographic apostrophe */
		*kind = SEP_SPACE, n = 3;
	else if ((n = space_at(s)))
		*kind = SEP_SPACE;
	else
		return 0;
	return s[n] >= '0' && s[n] <= '9' ? n : 0;
}

int crm_price_parse(const char *s, char decimal, int json, struct crm_price *p,
                    const char **why)
{
	const char *group[MAX_GROUPS];
	size_t glen[MAX_GROUPS];
	enum sep seps[MAX_GROUPS];
	char before[4] = "", after[4] = "";
	int n = 0, dec = -1, ni, sig = 0;
	long long whole = 0, cents = 0;
	size_t len;

	memset(p, 0, sizeof *p);
	*why = "not a price";
	s = skip_space(s);
	if ((len = currency_at(s, before)))
		s = skip_space(s + len);
	for (;;) {
		const char *start = s;
		enum sep kind;
		while (*s >= '0' && *s <= '9')
			s++;
		if (s == start)
			return -1;   /* no digits, or a separator with none after it */
		if (n == MAX_GROUPS) {
			*why = "more than 12 digits";
			return -1;
		}
		group[n] = start;
		glen[n++] = (size_t)(s - start);
		if (!(len = sep_at(s, &kind)))
			break;
		seps[n - 1] = kind;
		s += len;
	}
	s = skip_space(s);
	if ((len = currency_at(s, after))) {
		if (*before) {
			*why = "two currencies";
			return -1;
		}
		s = skip_space(s + len);
	}
	if (*s)
		return -1;

	/* which separator, if any, is the decimal mark */
	if (n > 1 && seps[n - 2] != SEP_SPACE) {
		enum sep last = seps[n - 2];
		int k = 0, other = 0, space = 0;
		for (int i = 0; i < n - 1; i++) {
			k += seps[i] == last;
			other |= seps[i] != last && seps[i] != SEP_SPACE;
			space |= seps[i] == SEP_SPACE;
		}
		if (json) {
			if (n > 2 || last != SEP_POINT)
				return -1;
			dec = 1;
		} else if (other) {
			if (k > 1) {
				*why = "a decimal mark twice";
				return -1;
			}
			dec = n - 1;
		} else if (k == 1 && (space || glen[1] != 3 ||
		                      (last == SEP_POINT ? '.' : ',') == decimal)) {
			dec = n - 1;
		}
	} else if (json && n > 1) {
		return -1;
	}

	/* the thousands: one kind of separator, groups of three after the
	 * first */
	ni = dec >= 0 ? n - 1 : n;
	for (int i = 1; i < ni; i++) {
		if (seps[i - 1] != seps[0] || glen[i] != 3 || (i == 1 && glen[0] > 3)) {
			*why = "thousands in groups of three, with one kind of separator";
			return -1;
		}
	}
	for (int i = 0; i < ni; i++)
		for (size_t j = 0; j < glen[i]; j++) {
			int d = group[i][j] - '0';
			if (!sig && !d)
				continue;   /* a leading zero */
			if (++sig > CRM_PRICE_DIGITS) {
				*why = "more than 12 digits";
				return -1;
			}
			whole = whole * 10 + d;
		}
	if (dec >= 0) {
		for (size_t j = 0; j < glen[dec]; j++) {
			int d = group[dec][j] - '0';
			if (j < 2)
				cents = cents * 10 + d;
			else if (d) {
				*why = "more than 2 decimals";
				return -1;
			}
		}
		if (glen[dec] == 1)
			cents *= 10;
	}
	p->cents = whole * 100 + cents;
	memcpy(p->currency, *before ? before : after, 4);
	return 0;
}

const char *crm_price_text(const struct crm_price *p, char *buf, size_t size)
{
	long long whole = p->cents / 100, cents = p->cents % 100;

	if (!cents)
		snprintf(buf, size, "%lld", whole);
	else if (cents % 10 == 0)
		snprintf(buf, size, "%lld.%lld", whole, cents / 10);
	else
		snprintf(buf, size, "%lld.%02lld", whole, cents);
	return buf;
}
