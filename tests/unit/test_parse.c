/* Unit tests of the parsers and normalisers: JSON objects, times, owner
 * identity.  Prints "N passed, N failed"; exits 1 on a failure. */
#include <stdlib.h>
#include <string.h>

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
	test_norm();
	json_free(&obj);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
