/* fuzz_parse: the time (as typed, and for people), email and phone parsers.  The input is split at
 * its first NUL byte (or used whole), and each piece goes to every parser. */
#include <ctype.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env();
	/* local times go through the tz database (UTC without one) */
	crm_time_set_zone("Europe/Madrid");
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" */
static int canonical(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(t) != sizeof shape - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)t[i]) : t[i] != shape[i])
			return 0;
	return 1;
}

/* a parsed time is canonical, parses again to itself, and goes to the
 * epoch and back unchanged */
static void check_time(int (*parse)(const char *, char *), const char *s)
{
	char out[CRM_TIME_LEN], again[CRM_TIME_LEN], back[CRM_TIME_LEN];
	long long epoch;

	if (parse(s, out) != 0)
		return;
	if (!canonical(out)) {
		fprintf(stderr, "'%s' parsed to '%s'\n", s, out);
		CHECK(!"a parsed time is canonical");
	}
	CHECK(crm_time_parse(out, again) == 0 && !strcmp(again, out));
	CHECK(crm_time_parse_ahead(out, again) == 0 && !strcmp(again, out));
	CHECK(crm_time_to_epoch(out, &epoch) == 0);
	crm_time_from_epoch(epoch, back);
	CHECK(!strcmp(back, out));
	/* and a person can read it */
	char local[CRM_LOCAL_LEN];
	if (crm_time_local_text(out, local) == 0)
		CHECK(strlen(local) == CRM_LOCAL_LEN - 1);
	if (crm_time_ago(out, local) == 0)
		CHECK(*local && strlen(local) < CRM_LOCAL_LEN);
}

/* a --due: the end of a day or of a span */
static int parse_due(const char *s, char *out)
{
	return crm_time_parse_as(s, CRM_TIME_AHEAD | CRM_TIME_DAY_END, out);
}

static void check_email(const char *s)
{
	char *e = crm_norm_email(s), *again;

	if (!e)
		return;
	CHECK(*e && strchr(e, '@'));
	for (const char *p = e; *p; p++)
		CHECK(!isspace((unsigned char)*p) && !iscntrl((unsigned char)*p) &&
		      !isupper((unsigned char)*p));
	again = crm_norm_email(e);
	CHECK(again && !strcmp(again, e));
	free(again);
	free(e);
}

/* a phone's owner key: E.164, or its digits as typed; the key of a key
 * is itself, with or without phone.default_region */
static void check_phone(const char *s)
{
	static struct crm crm;
	char *p = NULL, *again = NULL;
	size_t digits;

	crm.cfg.phone_region = s[0] & 1 ? "ES" : NULL;
	if (crm_owner_value(&crm, "phone", s, 1, NULL, &p))
		return;
	digits = strspn(p + (*p == '+'), "0123456789");
	CHECK(digits >= 5 && p[(*p == '+') + digits] == '\0');
	CHECK(*p != '+' || crm_phone_key_parsed(p));
	if (crm_phone_key_parsed(p)) {
		CHECK(crm_owner_value(&crm, "phone", p, 1, NULL, &again) == 0);
		CHECK(again && !strcmp(again, p));
	}
	free(again);
	free(p);
}

static void check_all(const char *s)
{
	check_time(crm_time_parse, s);
	check_time(crm_time_parse_ahead, s);
	check_time(parse_due, s);
	check_email(s);
	check_phone(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size + 1);
	size_t first;

	memcpy(buf, data, size);
	buf[size] = '\0';
	/* before the first NUL, and after it up to the next one (if any): two
	 * pieces at most, so inputs do not grow into long lists of them */
	first = strlen(buf);
	check_all(buf);
	if (first < size)
		check_all(buf + first + 1);
	free(buf);
	return 0;
}
