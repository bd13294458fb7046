/* Unit tests of the parsers and normalisers: JSON objects, times, owner
 * identity.  Prints "N passed, N failed"; exits 1 on a failure. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "json.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) passed++; \
	else { failed++; fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static int streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* parse text as a JSON object; fields and count out; 0 or -1 */
static struct json_obj obj;

static char err[256];

static int parse(const char *text)
{
	static char buf[4096];
	snprintf(buf, sizeof buf, "%s", text);
	err[0] = '\0';
	return json_parse_object(buf, &obj, err, sizeof err);
}

static const struct json_field *field(const char *key)
{
	for (int i = 0; i < obj.n; i++)
		if (!strcmp(obj.fields[i].key, key))
			return &obj.fields[i];
	return NULL;
}

static void test_json(void)
{
	CHECK(parse("{}") == 0 && obj.n == 0);
	CHECK(parse(" { \"a\" : \"x\" , \"b\":1.5e3,\"c\":true,\"d\":null } ") == 0 && obj.n == 4);
	CHECK(streq(field("a")->val, "x") && field("a")->type == JSON_STRING);
	CHECK(streq(field("b")->val, "1.5e3") && field("b")->type == JSON_NUMBER);
	CHECK(streq(field("c")->val, "true") && field("c")->type == JSON_BOOL);
	CHECK(field("d")->type == JSON_NULL);
	/* escapes, \u, surrogate pairs */
	CHECK(parse("{\"s\":\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\u20ac\\ud83d\\ude00\"}") == 0);
	CHECK(streq(field("s")->val, "a\"b\\c/d\n\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
	/* nested values are kept raw */
	CHECK(parse("{\"n\":{\"x\":[1,{\"y\":\"}\"}]},\"m\":[]}") == 0);
	CHECK(streq(field("n")->val, "{\"x\":[1,{\"y\":\"}\"}]}") && field("n")->type == JSON_RAW);
	CHECK(streq(field("m")->val, "[]"));
	/* a key twice is an error, at any depth, however it is escaped */
	CHECK(parse("{\"k\":1,\"k\":2}") == -1 && strstr(err, "column 8: key 'k' is there twice"));
	CHECK(parse("{\"k\":1,\"\\u006b\":2}") == -1 && strstr(err, "key 'k' is there twice"));
	CHECK(parse("{\"c\":{\"a\":1,\"b\":{\"a\":2},\"a\":3}}") == -1 &&
	      strstr(err, "column 25: key 'a' is there twice"));
	CHECK(parse("{\"c\":{\"a\":1},\"d\":{\"a\":1},\"e\":[{\"a\":1},{\"a\":2}]}") == 0);
	CHECK(parse("{\"a\\\\b\":1,\"a\\\\b\":2}") == -1 && strstr(err, "key 'a\\b' is there twice"));
	CHECK(parse("{\"a\\\\b\":1,\"a\\\\\\\\b\":2}") == 0);
	/* errors name the column */
	CHECK(parse("[1]") == -1 && strstr(err, "column 1: expected a JSON object"));
	CHECK(parse("{\"a\":1,}") == -1 && strstr(err, "column 8: expected a key"));
	CHECK(parse("{\"a\" 1}") == -1 && strstr(err, "expected ':'"));
	CHECK(parse("{\"a\":1} x") == -1 && strstr(err, "text after the object"));
	CHECK(parse("{\"a\":\"x}") == -1 && strstr(err, "unterminated string"));
	CHECK(parse("{\"a\":01}") == -1);
	CHECK(parse("{\"a\":-}") == -1);
	CHECK(parse("{\"a\":1.}") == -1);
	CHECK(parse("{\"a\":tru}") == -1);
	CHECK(parse("{\"a\":\"\\ud800\"}") == -1 && strstr(err, "surrogate"));
	CHECK(parse("{\"a\":\"\\udc00\"}") == -1 && strstr(err, "surrogate"));
	CHECK(parse("{\"a\":\"\\x\"}") == -1 && strstr(err, "bad escape"));
	CHECK(parse("{\"a\":\"\\u00\"}") == -1);
	CHECK(parse("{\"a\":\"tab\there\"}") == -1 && strstr(err, "control character"));
	char deep[300] = "{\"a\":";
	for (int i = 0; i < 70; i++)
		strcat(deep, "[");
	CHECK(parse(deep) == -1 && strstr(err, "nested too deep"));
	CHECK(parse("") == -1);
}

static void test_time(void)
{
	char t[CRM_TIME_LEN];
	long long e;

	CHECK(crm_time_parse("2026-11-25T14:03:00Z", t) == 0 && streq(t, "2026-11-25T14:03:00Z"));
	CHECK(crm_time_parse("2026-11-25", t) == 0 && streq(t, "2026-11-25T00:00:00Z"));
	CHECK(crm_time_parse("2026-11-25 14:03", t) == 0 && streq(t, "2026-11-25T14:03:00Z"));
	CHECK(crm_time_parse("2026-11-25T14:03:00.123+01:00", t) == 0 && streq(t, "2026-11-25T13:03:00Z"));
	CHECK(crm_time_parse("2026-01-01T00:30:00-0130", t) == 0 && streq(t, "2026-01-01T02:00:00Z"));
	CHECK(crm_time_parse("2024-02-29T00:00:00Z", t) == 0);
	CHECK(crm_time_parse("2026-02-29", t) == -1);
	CHECK(crm_time_parse("2026-13-01", t) == -1);
	CHECK(crm_time_parse("2026-11-25T24:00", t) == -1);
	CHECK(crm_time_parse("2026-11-25T10:00Zjunk", t) == -1);
	CHECK(crm_time_parse("yesterday", t) == -1);
	CHECK(crm_time_parse("7x", t) == -1);
	CHECK(crm_time_parse("", t) == -1);
	CHECK(crm_time_to_epoch("1970-01-01T00:00:00Z", &e) == 0 && e == 0);
	CHECK(crm_time_to_epoch("2000-03-01T00:00:00Z", &e) == 0 && e == 951868800);
	crm_time_from_epoch(951868799, t);
	CHECK(streq(t, "2000-02-29T23:59:59Z"));
	/* relative forms count back from CRM_NOW */
	setenv("CRM_NOW", "2026-11-25T12:00:00Z", 1);
	CHECK(crm_time_parse("7d", t) == 0 && streq(t, "2026-11-18T12:00:00Z"));
	CHECK(crm_time_parse("24h", t) == 0 && streq(t, "2026-11-24T12:00:00Z"));
	CHECK(crm_time_parse("30m", t) == 0 && streq(t, "2026-11-25T11:30:00Z"));
	CHECK(crm_time_parse("2w", t) == 0 && streq(t, "2026-11-11T12:00:00Z"));
	CHECK(crm_now(t) == 0 && streq(t, "2026-11-25T12:00:00Z"));
}

/* parse in with flags: its canonical text, or "-" when it is no time */
static const char *as(const char *in, unsigned flags)
{
	static char t[CRM_TIME_LEN];

	return crm_time_parse_as(in, flags, t) ? "-" : t;
}

/* the forms people type; CRM_NOW is Wednesday 2026-11-25T12:00:00Z */
static void test_time_forms(void)
{
	char big[100001], t[CRM_LOCAL_LEN];

	crm_time_set_zone("UTC");
	/* every form that an error about a time lists is one */
	{
		char forms[] = CRM_TIME_FORMS, *save = NULL;
		int n = 0;
		for (char *f = strtok_r(forms, ",", &save); f; f = strtok_r(NULL, ",", &save), n++) {
			if (streq(as(f, 0), "-"))
				fprintf(stderr, "CRM_TIME_FORMS: '%s' is no time\n", f);
			CHECK(!streq(as(f, 0), "-"));
		}
		CHECK(n == 13);
	}
	CHECK(streq(as("today", 0), "2026-11-25T00:00:00Z"));
	CHECK(streq(as(" Today ", 0), "2026-11-25T00:00:00Z"));
	CHECK(streq(as("TOMORROW", 0), "2026-11-26T00:00:00Z"));
	CHECK(streq(as("thursday", 0), "2026-11-26T00:00:00Z"));
	CHECK(streq(as("wednesday", 0), "2026-12-02T00:00:00Z"));   /* a week on */
	CHECK(streq(as("Mon", 0), "2026-11-30T00:00:00Z"));
	CHECK(streq(as("sun", 0), "2026-11-29T00:00:00Z"));
	CHECK(streq(as("+2d", 0), "2026-11-27T12:00:00Z"));
	CHECK(streq(as("+3h", 0), "2026-11-25T15:00:00Z"));
	CHECK(streq(as("+3h", CRM_TIME_AHEAD), "2026-11-25T15:00:00Z"));
	CHECK(streq(as("7d", 0), "2026-11-18T12:00:00Z"));
	CHECK(streq(as("7d", CRM_TIME_AHEAD), "2026-12-02T12:00:00Z"));
	CHECK(streq(as("2026-12-01 10:00", 0), "2026-12-01T10:00:00Z"));
	/* the end of a day: the start of the next; of a span, the second
	 * after it */
	CHECK(streq(as("today", CRM_TIME_DAY_END), "2026-11-26T00:00:00Z"));
	CHECK(streq(as("2026-12-01", CRM_TIME_DAY_END), "2026-12-02T00:00:00Z"));
	CHECK(streq(as("2026-12-31T23:59:59Z", CRM_TIME_DAY_END), "2027-01-01T00:00:00Z"));
	CHECK(streq(as("friday", CRM_TIME_DAY_END), "2026-11-28T00:00:00Z"));
	CHECK(streq(as("7d", CRM_TIME_AHEAD | CRM_TIME_DAY_END), "2026-12-02T12:00:01Z"));
	/* what is no time: half words, signs alone or twice, past ones,
	 * bytes that are not UTF-8, a huge argument, a year past 9999 */
	const char *bad[] = { "mo", "monda", "mondays", "tomorow", "yesterday", "now",
		"+", "+d", "++2d", "-2d", "+-2d", "+2", "2 d", "+2 d", "today+1",
		"today\xff", "\xff\xfe", "tod\xc3\xa4y", "\xc3", "2026-12-01 25:00",
		"+99999999999999999999d", "9999-12-31T23:59:59+00:00x", "+10000000w", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (!streq(as(bad[i], 0), "-"))
			fprintf(stderr, "'%s' parsed\n", bad[i]);
		CHECK(streq(as(bad[i], 0), "-") && streq(as(bad[i], CRM_TIME_AHEAD), "-"));
	}
	memset(big, '1', sizeof big - 2);
	big[sizeof big - 2] = 'd';
	big[sizeof big - 1] = '\0';
	CHECK(streq(as(big, 0), "-"));
	CHECK(streq(as(NULL, 0), "-"));

	/* for people: local text, and how far from now */
	CHECK(crm_time_local_text("2026-12-01T10:05:59Z", t) == 0 && streq(t, "2026-12-01 10:05"));
	CHECK(crm_time_local_text("not a time", t) == -1);
	CHECK(crm_time_ago("2026-11-25T12:00:30Z", t) == 0 && streq(t, "now"));
	CHECK(crm_time_ago("2026-11-25T12:05:00Z", t) == 0 && streq(t, "in 5m"));
	CHECK(crm_time_ago("2026-11-25T10:00:00Z", t) == 0 && streq(t, "2h ago"));
	CHECK(crm_time_ago("2026-11-27T11:00:00Z", t) == 0 && streq(t, "in 1d"));
	CHECK(crm_time_ago("2026-11-12T12:00:00Z", t) == 0 && streq(t, "13d ago"));
	CHECK(crm_time_ago("2026-12-09T12:00:00Z", t) == 0 && streq(t, "in 2w"));
	CHECK(crm_time_ago("2027-03-01T12:00:00Z", t) == 0 && streq(t, "2027-03-01"));
	CHECK(crm_time_ago("", t) == -1);

	/* a zone of the tz database, summer time included */
	if (access("/usr/share/zoneinfo/Europe/Madrid", R_OK) != 0) {
		fprintf(stderr, "no tz database: the local zone tests are skipped\n");
		return;
	}
	crm_time_set_zone("Europe/Madrid");
	CHECK(streq(as("2026-12-01 10:00", 0), "2026-12-01T09:00:00Z"));
	CHECK(streq(as("2026-07-01T10:00", 0), "2026-07-01T08:00:00Z"));
	CHECK(streq(as("2026-07-01T10:00Z", 0), "2026-07-01T10:00:00Z"));
	CHECK(streq(as("2026-12-01", 0), "2026-11-30T23:00:00Z"));
	CHECK(streq(as("today", 0), "2026-11-24T23:00:00Z"));
	CHECK(streq(as("today", CRM_TIME_DAY_END), "2026-11-25T23:00:00Z"));
	/* the day summer time ends is 25 hours long */
	CHECK(streq(as("2026-10-25", CRM_TIME_DAY_END), "2026-10-25T23:00:00Z"));
	CHECK(crm_time_local_text("2026-07-01T22:30:00Z", t) == 0 && streq(t, "2026-07-02 00:30"));
	CHECK(crm_time_ago("2027-03-01T23:30:00Z", t) == 0 && streq(t, "2027-03-02"));
	/* TZ is put back as it was */
	setenv("TZ", "America/New_York", 1);
	CHECK(streq(as("2026-12-01 10:00", 0), "2026-12-01T09:00:00Z"));
	CHECK(streq(getenv("TZ"), "America/New_York"));
	unsetenv("TZ");
	CHECK(streq(as("2026-12-01 10:00", 0), "2026-12-01T09:00:00Z"));
	CHECK(getenv("TZ") == NULL);
	/* no zone named: $TZ */
	setenv("TZ", "America/New_York", 1);
	crm_time_set_zone(NULL);
	CHECK(streq(as("2026-12-01 10:00", 0), "2026-12-01T15:00:00Z"));
	unsetenv("TZ");
	crm_time_set_zone(NULL);
	CHECK(streq(as("2026-12-01 10:00", 0), "2026-12-01T10:00:00Z"));
}

static void test_norm(void)
{
	char *s;

	CHECK(streq(s = crm_norm_email("  Ana.G@Example.COM "), "ana.g@example.com"));
	free(s);
	CHECK(crm_norm_email("no at sign") == NULL);
	CHECK(crm_norm_email("bad email@x.test") == NULL);
	CHECK(crm_norm_email("tab\t@x.test") == NULL);
	CHECK(crm_norm_email("   ") == NULL);
}

static void test_suggest(void)
{
	static const char *const cmds[] = { "client", "comm", "lead", "config", "db", "help", NULL };
	static const char *const stages[] = { "new", "contacted", "replied", "meeting",
		"negotiating", "won", "lost", NULL };
	static const char *const on_off[] = { "on", "off", NULL };
	static const char *const letters[] = { "a", "b", NULL };
	char buf[32];

	CHECK(streq(crm_suggest("clinet", cmds), "client"));      /* a swap */
	CHECK(streq(crm_suggest("meting", stages), "meeting"));   /* a letter out */
	CHECK(streq(crm_suggest("negociating", stages), "negotiating"));
	CHECK(streq(crm_suggest("lst", stages), "lost"));
	CHECK(streq(crm_suggest("contac", stages), "contacted")); /* the start of one */
	CHECK(crm_suggest("xyz", cmds) == NULL);
	CHECK(crm_suggest("", cmds) == NULL);
	CHECK(crm_suggest("co", cmds) == NULL);                  /* the start of three */
	CHECK(crm_suggest("banana", stages) == NULL);
	CHECK(streq(crm_suggest("of", on_off), "off"));          /* on is as near */
	CHECK(crm_suggest("o", on_off) == NULL);                 /* the start of both */
	CHECK(crm_suggest("c", letters) == NULL);                /* no letter of it kept */
	CHECK(streq(crm_set_list(stages, buf, sizeof buf), "new, contacted, replied, ..."));
	CHECK(streq(crm_set_list(cmds, buf, 12), "client, ..."));
	CHECK(strlen(crm_set_list(cmds, buf, 12)) == 11);
	CHECK(streq(crm_set_list(cmds + 4, buf, sizeof buf), "db, help"));
}

int main(void)
{
	test_suggest();
	test_json();
	test_time();
	test_time_forms();
	test_norm();
	json_free(&obj);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
