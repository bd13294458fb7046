/* Unit tests of the price parser: a table of prices as scraped, with
 * the amount and currency each gives or the reason it is refused, and
 * hostile input.  Prints "N passed, N failed"; exits 1 on a failure. */
#include <stdio.h>
#include <string.h>

#include "price.h"

static int passed, failed;

/* the input, the decimal mark of the configuration, whether it is a JSON
 * number; then the cents and currency it gives, or, with why set, the
 * reason it is refused */
static const struct {
	const char *in;
	char decimal;
	int json;
	long long cents;
	const char *currency, *why;
} cases[] = {
	/* as the scraper finds them */
	{ "\xe2\x82\xac" "285,000", '.', 0, 28500000, "EUR", NULL },
	{ "1.250.000 \xe2\x82\xac", '.', 0, 125000000, "EUR", NULL },
	{ "285 000 EUR", '.', 0, 28500000, "EUR", NULL },
	{ "285.000,50 \xe2\x82\xac", '.', 0, 28500050, "EUR", NULL },
	{ "$1,250,000.00", '.', 0, 125000000, "USD", NULL },
	{ "\xc2\xa3" "950", ',', 0, 95000, "GBP", NULL },
	{ "285\xc2\xa0" "000\xc2\xa0\xe2\x82\xac", '.', 0, 28500000, "EUR", NULL },
	{ "285\xe2\x80\xaf" "000,5 \xe2\x82\xac", '.', 0, 28500050, "EUR", NULL },
	{ "1'250'000 CHF", '.', 0, 125000000, "CHF", NULL },
	{ "EUR 99", '.', 0, 9900, "EUR", NULL },
	{ "99eur", '.', 0, 9900, "EUR", NULL },
	{ "  250000  ", '.', 0, 25000000, "", NULL },
	/* plain numbers, as before */
	{ "250000", '.', 0, 25000000, "", NULL },
	{ "199999.50", '.', 0, 19999950, "", NULL },
	{ "0", '.', 0, 0, "", NULL },
	{ "007", '.', 0, 700, "", NULL },
	{ "999999999999.99", '.', 0, 99999999999999, "", NULL },
	/* one separator and three digits: the configuration decides */
	{ "1.250", '.', 0, 125, "", NULL },
	{ "1.250", ',', 0, 125000, "", NULL },
	{ "1,250", '.', 0, 125000, "", NULL },
	{ "1,250", ',', 0, 125, "", NULL },
	/* other than three digits after it: a decimal mark */
	{ "12,5", '.', 0, 1250, "", NULL },
	{ "12.50", ',', 0, 1250, "", NULL },
	{ "1250,75 \xe2\x82\xac", '.', 0, 125075, "EUR", NULL },
	/* a separator twice: thousands */
	{ "1.250.000", '.', 0, 125000000, "", NULL },
	{ "1,250,000", ',', 0, 125000000, "", NULL },
	/* spaces for thousands: the point or comma after them is the mark */
	{ "1 250,000", '.', 0, 125000, "", NULL },
	/* a JSON number's point is a decimal point, whatever the config */
	{ "1.250", ',', 1, 125, "", NULL },
	{ "285000", ',', 1, 28500000, "", NULL },
	/* refused, with the reason */
	{ "", '.', 0, 0, NULL, "not a price" },
	{ "   ", '.', 0, 0, NULL, "not a price" },
	{ "\xe2\x82\xac", '.', 0, 0, NULL, "not a price" },
	{ ",.,", '.', 0, 0, NULL, "not a price" },
	{ ".,.", ',', 0, 0, NULL, "not a price" },
	{ "...", '.', 0, 0, NULL, "not a price" },
	{ "' '", '.', 0, 0, NULL, "not a price" },
	{ ".5", '.', 0, 0, NULL, "not a price" },
	{ "5.", '.', 0, 0, NULL, "not a price" },
	{ "285,-", '.', 0, 0, NULL, "not a price" },
	{ "1..5", '.', 0, 0, NULL, "not a price" },
	{ "-5", '.', 0, 0, NULL, "not a price" },
	{ "+5", '.', 0, 0, NULL, "not a price" },
	{ "1e5", '.', 0, 0, NULL, "not a price" },
	{ "0x10", '.', 0, 0, NULL, "not a price" },
	{ "inf", '.', 0, 0, NULL, "not a price" },
	{ "nan", '.', 0, 0, NULL, "not a price" },
	{ "1.5 mil", '.', 0, 0, NULL, "not a price" },
	{ "EURO 5", '.', 0, 0, NULL, "not a price" },
	{ "call us", '.', 0, 0, NULL, "not a price" },
	{ "\xe2\x82\xac 5 EUR", '.', 0, 0, NULL, "two currencies" },
	{ "$5$", '.', 0, 0, NULL, "two currencies" },
	{ "1,250.000.5", '.', 0, 0, NULL, "a decimal mark twice" },
	{ "1.2.3", '.', 0, 0, NULL, "thousands in groups of three, with one kind of separator" },
	{ "1234,567", '.', 0, 0, NULL, "thousands in groups of three, with one kind of separator" },
	{ "1 250.000.000", '.', 0, 0, NULL, "thousands in groups of three, with one kind of separator" },
	{ "12,50,000", '.', 0, 0, NULL, "thousands in groups of three, with one kind of separator" },
	{ "1.255", '.', 0, 0, NULL, "more than 2 decimals" },
	{ "1,001", ',', 0, 0, NULL, "more than 2 decimals" },
	{ "1000000000000", '.', 0, 0, NULL, "more than 12 digits" },
	{ "1.000.000.000.000", '.', 0, 0, NULL, "more than 12 digits" },
	{ "99999999999999999999999999999999", '.', 0, 0, NULL, "more than 12 digits" },
	{ "1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7 8", '.', 0, 0, NULL, "more than 12 digits" },
	{ "1,250", '.', 1, 0, NULL, "not a price" },
	{ "1.250.000", '.', 1, 0, NULL, "not a price" },
	/* bad UTF-8, and bytes that are no part of a price */
	{ "\xe2\x82", '.', 0, 0, NULL, "not a price" },
	{ "285\xff", '.', 0, 0, NULL, "not a price" },
	{ "\xc0\xa0" "5", '.', 0, 0, NULL, "not a price" },
	{ "5\xe2\x82\xac\xe2", '.', 0, 0, NULL, "not a price" },
	{ "5\x1b[0m", '.', 0, 0, NULL, "not a price" },
};

static void check(int ok, int i, const char *what)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "test_price: case %d ('%s', '%c'): %s\n", i, cases[i].in,
	        cases[i].decimal, what);
}

int main(void)
{
	char buf[32];
	struct crm_price p;
	const char *why;

	for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
		int rc = crm_price_parse(cases[i].in, cases[i].decimal, cases[i].json, &p, &why);
		if (cases[i].why) {
			check(rc == -1, i, "taken, not refused");
			check(rc == -1 && !strcmp(why, cases[i].why), i, why);
		} else {
			check(rc == 0, i, rc ? why : "");
			check(rc == 0 && p.cents == cases[i].cents, i, "the amount");
			check(rc == 0 && !strcmp(p.currency, cases[i].currency), i, p.currency);
		}
	}
	/* the amount as text, as the viability rules read it */
	p.cents = 28500000;
	check(!strcmp(crm_price_text(&p, buf, sizeof buf), "285000"), 0, buf);
	p.cents = 28500050;
	check(!strcmp(crm_price_text(&p, buf, sizeof buf), "285000.5"), 0, buf);
	p.cents = 105;
	check(!strcmp(crm_price_text(&p, buf, sizeof buf), "1.05"), 0, buf);
	p.cents = 99999999999999;
	check(!strcmp(crm_price_text(&p, buf, sizeof buf), "999999999999.99"), 0, buf);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
