/* Unit tests of Unicode text: valid UTF-8, NFC, and owner keys that
 * invisible characters cannot split.  Prints "N passed, N failed"; exits
 * 1 on a failure. */
#include <stdlib.h>
#include <string.h>

#include "crm.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) passed++; \
	else { failed++; fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* a == b, then frees a */
static int eq_free(char *a, const char *b)
{
	int same = a && b ? !strcmp(a, b) : a == NULL && b == NULL;
	free(a);
	return same;
}

static void test_utf8(void)
{
	CHECK(crm_utf8_check("", 0) == 0);
	CHECK(crm_utf8_check("plain ascii", 11) == 0);
	CHECK(crm_utf8_valid("Núñez, Málaga \xe2\x82\xac \xf0\x9f\x98\x80"));
	/* bad bytes: the position (from 1) of the first */
	CHECK(crm_utf8_check("\xff\xfe", 2) == 1);
	CHECK(crm_utf8_check("ab\xc0\xaf", 4) == 3);        /* overlong '/' */
	CHECK(crm_utf8_check("a\xed\xa0\x80", 4) == 2);     /* a surrogate */
	CHECK(crm_utf8_check("\xf4\x90\x80\x80", 4) == 1);  /* past U+10FFFF */
	CHECK(crm_utf8_check("\xe2\x82", 2) == 1);          /* cut short */
	CHECK(crm_utf8_check("\x80", 1) == 1);              /* a lone continuation */
	CHECK(!crm_utf8_valid("x\xc3"));
}

static void test_nfc(void)
{
	/* e + combining acute is é; already NFC and ASCII stay as they are */
	CHECK(eq_free(crm_nfc("Jose\xcc\x81"), "Jos\xc3\xa9"));
	CHECK(eq_free(crm_nfc("Jos\xc3\xa9"), "Jos\xc3\xa9"));
	CHECK(eq_free(crm_nfc("plain"), "plain"));
	CHECK(eq_free(crm_nfc("N\xcc\x83u"), "\xc3\x91u"));
	CHECK(eq_free(crm_nfc("\xff"), NULL));
	CHECK(eq_free(crm_nfc_n("abc", 2), "ab"));
}

static void test_trim_invisible(void)
{
	size_t n;
	const char *s = crm_trim_space("\xc2\xa0 a@b.com\xe2\x80\x83\t", &n);

	/* no-break space, em space, tab: white space at either end */
	CHECK(n == 7 && !strncmp(s, "a@b.com", n));
	s = crm_trim_space("   ", &n);
	CHECK(n == 0);
	/* a zero-width space is a format character, not white space */
	s = crm_trim_space("a\xe2\x80\x8b", &n);
	CHECK(n == 4);
	CHECK(crm_invisible("c\xe2\x80\x8b" "1", 5, 0) == 0x200b);
	CHECK(crm_invisible("a b", 3, 0) == ' ');
	CHECK(crm_invisible("a b", 3, 1) == -1);
	CHECK(crm_invisible("a\xc2\xa0" "b", 4, 1) == 0xa0);
	CHECK(crm_invisible("a\x7f", 2, 1) == 0x7f);
	CHECK(crm_invisible("\xef\xbb\xbfx", 4, 1) == 0xfeff);  /* BOM */
	CHECK(crm_invisible("Núñez", strlen("Núñez"), 0) == -1);
}

static void test_owner_keys(void)
{
	/* the bypasses: a trailing no-break space is trimmed, a zero-width
	 * space inside is no email */
	CHECK(eq_free(crm_norm_email("a@b.com\xc2\xa0"), "a@b.com"));
	CHECK(eq_free(crm_norm_email("c\xe2\x80\x8b" "1@ex.com"), NULL));
	CHECK(eq_free(crm_norm_email("a@b.com\xe2\x80\x8b"), NULL));
	CHECK(eq_free(crm_norm_email("a@b\xff.com"), NULL));
	/* one owner however the email is written: case, NFC */
	CHECK(eq_free(crm_norm_email("  Ana.G@Example.COM "), "ana.g@example.com"));
	CHECK(eq_free(crm_norm_email("\xc3\x81NA@x.com"), "\xc3\xa1na@x.com"));
	CHECK(eq_free(crm_norm_email("A\xcc\x81na@x.com"), "\xc3\xa1na@x.com"));
	CHECK(eq_free(crm_norm_email("no at sign"), NULL));
	CHECK(eq_free(crm_norm_email("tab\t@x.test"), NULL));
}

/* the owner key crm_owner_value gives a phone, or NULL */
static char *phone_key(struct crm *crm, const char *s)
{
	char *norm = NULL;

	return crm_owner_value(crm, "phone", s, 1, NULL, &norm) ? NULL : norm;
}

static void test_phones(void)
{
	struct crm crm;

	memset(&crm, 0, sizeof crm);
	/* plain spaces inside are fine, others are not */
	CHECK(eq_free(phone_key(&crm, "+34 600 111 222\xc2\xa0"), "+34600111222"));
	CHECK(eq_free(phone_key(&crm, "\xe2\x80\x8b+34 600 111 222"), NULL));
	CHECK(eq_free(phone_key(&crm, "600\xc2\xa0" "111 222"), NULL));
	CHECK(eq_free(phone_key(&crm, "600\xe2\x80\x8b" "111222"), NULL));
	CHECK(eq_free(phone_key(&crm, "(+34) 600.112.233"), "+34600112233"));
	/* one owner, whichever way the number is written */
	CHECK(eq_free(phone_key(&crm, "0033 6 12 34 56 78"), "+33612345678"));
	CHECK(eq_free(phone_key(&crm, "+33 6 12 34 56 78"), "+33612345678"));
	CHECK(eq_free(phone_key(&crm, "+34 655 444 333"), "+34655444333"));
	/* a national number needs phone.default_region; without it, its
	 * digits are its key, and it is not a parsed one */
	char *k = phone_key(&crm, "655444333");
	CHECK(eq_free(xstrdup(k ? k : ""), "655444333") && !crm_phone_key_parsed(k));
	free(k);
	crm.cfg.phone_region = "ES";
	CHECK(eq_free(phone_key(&crm, "655444333"), "+34655444333"));
	CHECK(eq_free(phone_key(&crm, "655 44 43 33"), "+34655444333"));
	CHECK(eq_free(phone_key(&crm, "0034 655 444 333"), "+34655444333"));
	CHECK(eq_free(phone_key(&crm, "0033 6 12 34 56 78"), "+33612345678"));
	CHECK(crm_phone_key_parsed("+34655444333"));
	/* text the library reads as a number whose E.164 form it reads as
	 * another is no number it understood (found by fuzz_parse) */
	CHECK(eq_free(phone_key(&crm, "!(+/4) 600-111-222"), "4600111222"));
	/* nor a key of fewer than 7 digits it makes of a few (fuzz_parse) */
	CHECK(eq_free(phone_key(&crm, "(+4-90s2,5(+"), "49025"));
	/* too short to be a number: kept as typed, not parsed */
	CHECK(eq_free(phone_key(&crm, "123-456"), "123456"));
	CHECK(eq_free(phone_key(&crm, "12-34"), NULL));
	CHECK(strstr(crm.err, "fewer than 5 digits") != NULL);
	CHECK(eq_free(phone_key(&crm, "call me"), NULL));
	int known = -1;
	CHECK(crm_phone_region_known(&crm, "FR", &known) == 0 && known == 1);
	CHECK(crm_phone_region_known(&crm, "XX", &known) == 0 && known == 0);
}

/* RFC 5322 addr-spec as mail systems take it */
static void test_email_valid(void)
{
	static const char *const good[] = {
		"a@b.co", "ana.garcia@example.com", "o'brien@example.ie",
		"first+tag@sub.example.co.uk", "x_y-z@a-b.example", "!#$%&'*+-/=?^_`{|}~@x.io",
		"n\xc3\xba\xc3\xb1" "ez@ejemplo.es", "info@m\xc3\xa1" "laga.es", "1@2.3",
		NULL,
	};
	static const char *const bad[] = {
		"@x.com", "bad@", "a@@b.com", "a@.com", "a@b..com", "a@b.com.", "a@com",
		".a@b.com", "a.@b.com", "a..b@c.com", "a@-b.com", "a@b-.com", "a b@c.com",
		"\"a\"@b.com", "a(comment)@b.com", "a@[1.2.3.4]", "a@b_c.com", "a", "",
		"a,b@c.com", "a@b.com>", "<a@b.com",
		NULL,
	};
	char big[400];

	for (int i = 0; good[i]; i++) {
		int ok = crm_email_valid(good[i], strlen(good[i]));
		CHECK(ok);
		if (!ok)
			fprintf(stderr, "  good: %s\n", good[i]);
	}
	for (int i = 0; bad[i]; i++) {
		int ok = crm_email_valid(bad[i], strlen(bad[i]));
		CHECK(!ok);
		if (ok)
			fprintf(stderr, "  bad: %s\n", bad[i]);
	}
	/* a label of 63 bytes that case folding makes 64 (İ is i and U+0307):
	 * no address once folded (found by fuzz_parse) */
	memset(big, '2', sizeof big);
	memcpy(big, "a@b.\xc4\xb0", 6);
	big[4 + 63] = '\0';
	CHECK(crm_email_valid(big, strlen(big)));
	CHECK(eq_free(crm_norm_email(big), NULL));
	/* 64 bytes a local part, 63 a label, 254 in all */
	memset(big, 'a', sizeof big);
	memcpy(big + 64, "@b.com", 7);
	CHECK(crm_email_valid(big, strlen(big)));
	memset(big, 'a', sizeof big);
	memcpy(big + 65, "@b.com", 7);
	CHECK(!crm_email_valid(big, strlen(big)));
	memcpy(big, "a@", 2);
	memset(big + 2, 'b', 64);
	memcpy(big + 66, ".com", 5);
	CHECK(!crm_email_valid(big, strlen(big)));
}

static void test_owner_value(void)
{
	struct crm crm;
	char *value, *norm;

	memset(&crm, 0, sizeof crm);
	CHECK(crm_owner_value(&crm, "email", " Ana@X.com\xc2\xa0", 0, &value, &norm) == 0);
	CHECK(eq_free(value, "Ana@X.com") && eq_free(norm, "ana@x.com"));
	CHECK(crm_owner_value(&crm, "email", "c\xe2\x80\x8b" "1@ex.com", 0, &value, &norm) == CRM_DATAERR);
	CHECK(value == NULL && norm == NULL);
	CHECK(strstr(crm.err, "U+200B is not allowed in an email address") != NULL);
	CHECK(crm_owner_value(&crm, "phone", "\xff", 1, NULL, &norm) == CRM_DATAERR);
	CHECK(!strcmp(crm.err, "phone: not valid UTF-8 (byte 1)"));
	CHECK(crm_owner_value(&crm, "email", "nobody", 0, NULL, &norm) == CRM_DATAERR);
	CHECK(!strcmp(crm.err, "email 'nobody': not an email address (name@domain.tld, no spaces, no empty part)"));
	CHECK(crm_text(&crm, "name", "Jose\xcc\x81", &value) == 0 && eq_free(value, "Jos\xc3\xa9"));
	CHECK(crm_text(&crm, "name", "a\xed\xa0\x80", &value) == CRM_DATAERR && value == NULL);
	CHECK(!strcmp(crm.err, "name: not valid UTF-8 (byte 2)"));
}

int main(void)
{
	test_utf8();
	test_nfc();
	test_trim_invisible();
	test_owner_keys();
	test_owner_value();
	test_phones();
	test_email_valid();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
