/* timeutil.c: UTC ISO-8601 times, relative forms, and $CRM_NOW.
 *
 * Canonical form: "YYYY-MM-DDTHH:MM:SSZ".  Text in that form sorts in time
 * order, which is what the schema's indexes rely on. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm.h"

/* days since 1970-01-01 of a proleptic Gregorian date */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long yy = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* two digits of v at o */
static void put2(char *o, unsigned v)
{
	o[0] = (char)('0' + v / 10 % 10);
	o[1] = (char)('0' + v % 10);
}

/* Written digit by digit: a batch formats a time for every client it
 * touches, and snprintf costs ten times as much. */
void crm_time_from_epoch(long long t, char out[CRM_TIME_LEN])
{
	long long days = t / 86400, secs = t % 86400;
	int y;
	unsigned m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	put2(out, (unsigned)y / 100);
	put2(out + 2, (unsigned)y % 100);
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = 'T';
	put2(out + 11, (unsigned)(secs / 3600));
	out[13] = ':';
	put2(out + 14, (unsigned)(secs / 60 % 60));
	out[16] = ':';
	put2(out + 17, (unsigned)(secs % 60));
	out[19] = 'Z';
	out[20] = '\0';
}

/* read exactly n digits */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* ISO-8601: YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|(+|-)HH[:?MM]] */
static int parse_absolute(const char *s, long long *epoch)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, (unsigned)mo))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &se))
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		/* a leap second (:60) is no time crm can store or compare */
		if (h > 23 || mi > 59 || se > 59)
			return -1;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &oh))
				return -1;
			if (*p == ':')
				p++;
			if (*p && digits(&p, 2, &om))
				return -1;
			if (oh > 23 || om > 59)
				return -1;
		}
	}
	if (*p)
		return -1;
	*epoch = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	         h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
	return 0;
}

/* "7d", "24h", "30m", "90s", "2w": that long before now */
static int parse_relative(const char *s, int ahead, long long *epoch)
{
	char *end;
	long long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	n = strtoll(s, &end, 10);
	if (end[0] == '\0' || end[1] != '\0' || n < 0 || n > 100000LL * 86400)
		return -1;
	switch (*end) {
	case 's': break;
	case 'm': n *= 60; break;
	case 'h': n *= 3600; break;
	case 'd': n *= 86400; break;
	case 'w': n *= 7 * 86400; break;
	default: return -1;
	}
	*epoch = crm_now_epoch() + (ahead ? n : -n);
	return 0;
}

/* now, read once: $CRM_NOW, or the clock when it is not set */
static long long now_cached = -1;

int crm_now_check(void)
{
	const char *env = getenv("CRM_NOW");
	long long t;

	if (!env || !*env)
		return 0;
	if (parse_absolute(env, &t))
		return -1;
	now_cached = t;
	return 0;
}

long long crm_now_epoch(void)
{
	if (now_cached < 0) {
		crm_now_check();   /* $CRM_NOW, when it is a time (crm checked it) */
		if (now_cached < 0)
			now_cached = (long long)time(NULL);
	}
	return now_cached;
}

int crm_now(char out[CRM_TIME_LEN])
{
	static char text[CRM_TIME_LEN];

	if (!text[0])
		crm_time_from_epoch(crm_now_epoch(), text);
	memcpy(out, text, CRM_TIME_LEN);
	return 0;
}

int crm_time_to_epoch(const char *canon, long long *epoch)
{
	return parse_absolute(canon, epoch);
}

static int time_parse(const char *in, int ahead, char out[CRM_TIME_LEN])
{
	long long t;

	if (!in)
		return -1;
	while (isspace((unsigned char)*in))
		in++;
	if (parse_absolute(in, &t) && parse_relative(in, ahead, &t))
		return -1;
	if (t < -62167219200LL || t > 253402300799LL) /* years 0000..9999 */
		return -1;
	crm_time_from_epoch(t, out);
	return 0;
}

int crm_time_parse(const char *in, char out[CRM_TIME_LEN])
{
	return time_parse(in, 0, out);
}

int crm_time_parse_ahead(const char *in, char out[CRM_TIME_LEN])
{
	return time_parse(in, 1, out);
}
