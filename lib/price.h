/* price.h: a price as people and scrapers write one.
 *
 * "€285,000", "1.250.000 €", "285 000 EUR", "285.000,50 €" and
 * "$1,250,000.00" are all prices: digits, in groups of three apart from
 * the first when a thousands separator (a point, a comma, an apostrophe
 * or a space, the no-break ones too) is used, maybe a decimal mark and
 * cents, and maybe a currency before or after, as a symbol (€ $ £) or an
 * ISO 4217 code.  Where a separator could be either (one point or comma
 * followed by exactly three digits: "1.250"), the decimal mark of the
 * configuration (locale.decimal) settles it; a separator used twice, or
 * before the other kind, is a thousands separator, and one followed by
 * other than three digits is the decimal mark.  At most 12 digits
 * before the mark, and 2 after it that are not 0.  No sign, exponent,
 * inf or nan.  Nothing is allocated. */
#ifndef CRM_PRICE_H
#define CRM_PRICE_H

#include <stddef.h>

#define CRM_PRICE_DIGITS 12    /* before the decimal mark, at most */

struct crm_price {
	long long cents;           /* the amount, in hundredths */
	char currency[4];          /* the ISO 4217 code; "" when none is given */
};

/* s as a price into *p.  decimal is '.' or ',': the decimal mark of an
 * ambiguous form.  json: s is a JSON number, whose point is a decimal
 * point.  0, or -1 with *why a short reason ("more than 2 decimals"). */
int crm_price_parse(const char *s, char decimal, int json, struct crm_price *p,
                    const char **why);

/* The amount as a plain decimal number ("285000", "285000.5") into buf,
 * which has room for 24 bytes at least; returns buf. */
const char *crm_price_text(const struct crm_price *p, char *buf, size_t size);

#endif
