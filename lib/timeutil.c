/* timeutil.c: UTC ISO-8601 times, the forms people type, local time in
 * the display zone, and $CRM_NOW.
 *
 * Canonical form: "YYYY-MM-DDTHH:MM:SSZ".  Text in that form sorts in time
 * order, which is what the schema's indexes rely on.  Local time comes
 * from the system's tz database: the one place that reads it, zone_enter,
 * sets TZ for as long as it is needed and puts it back. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* t split into its UTC date and the seconds into that day */
struct utc_day {
	long long days, secs;
	int y;
	unsigned m, d;
};

static void utc_day(long long t, struct utc_day *u)
{
	u->days = t / 86400;
	u->secs = t % 86400;
	if (u->secs < 0) {
		u->secs += 86400;
		u->days--;
	}
	civil_from_days(u->days, &u->y, &u->m, &u->d);
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
	struct utc_day u;
	int y;

	utc_day(t, &u);
	y = u.y < 0 ? 0 : u.y > 9999 ? 9999 : u.y;
	put2(out, (unsigned)y / 100);
	put2(out + 2, (unsigned)y % 100);
	out[4] = '-';
	put2(out + 5, u.m);
	out[7] = '-';
	put2(out + 8, u.d);
	out[10] = 'T';
	put2(out + 11, (unsigned)(u.secs / 3600));
	out[13] = ':';
	put2(out + 14, (unsigned)(u.secs / 60 % 60));
	out[16] = ':';
	put2(out + 17, (unsigned)(u.secs % 60));
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

/* ISO-8601: YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|(+|-)HH[:?MM]], into
 * *epoch as if it were UTC; *zoned (may be NULL) says whether it had a Z
 * or an offset, and tm (may be NULL) gets its fields as written. */
static int parse_fields(const char *s, long long *epoch, int *zoned, struct tm *tm)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0, z = 0;

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
			z = 1;
		} else if (*p == '+' || *p == '-') {
			z = 1;
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
	if (zoned)
		*zoned = z;
	if (tm) {
		memset(tm, 0, sizeof *tm);
		tm->tm_year = y - 1900;
		tm->tm_mon = mo - 1;
		tm->tm_mday = d;
		tm->tm_hour = h;
		tm->tm_min = mi;
		tm->tm_sec = se;
	}
	return 0;
}

/* a canonical or zoned time; one without a zone is UTC */
static int parse_absolute(const char *s, long long *epoch)
{
	return parse_fields(s, epoch, NULL, NULL);
}

/* "7d", "24h", "30m", "90s", "2w": that long before now, or after it
 * when ahead is set; "+2d" is always after it */
static int parse_relative(const char *s, int ahead, long long *epoch)
{
	char *end;
	long long n;

	if (*s == '+') {
		s++;
		ahead = 1;
	}
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
static int now_frozen;   /* $CRM_NOW set it */

int crm_now_check(void)
{
	const char *env = getenv("CRM_NOW");
	long long t;

	if (!env || !*env)
		return 0;
	if (parse_absolute(env, &t))
		return -1;
	now_cached = t;
	now_frozen = 1;
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

long long crm_clock_epoch(void)
{
	long long now = crm_now_epoch();

	return now_frozen ? now : (long long)time(NULL);
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

/* --- the display zone --- */

/* display.timezone: the value TZ takes while local time is read; NULL
 * for UTC, which needs no tz database */
static char *zone_tz;
static int zone_depth;
static char *zone_saved;   /* TZ as it was, to put back; NULL: unset */
static int zone_had;

void crm_time_set_zone(const char *zone)
{
	free(zone_tz);
	zone_tz = NULL;
	if (!zone || !*zone)
		zone = getenv("TZ");
	if (zone && *zone && strcmp(zone, "UTC") && strcmp(zone, "UTC0") &&
	    strcmp(zone, "Etc/UTC") && strcmp(zone, ":UTC"))
		zone_tz = xstrdup(zone);
}

/* TZ is the display zone until zone_leave: the system's tz database
 * answers localtime_r and mktime in it; calls nest, and the outermost
 * leave puts TZ back as it was */
static void zone_enter(void)
{
	const char *old;

	if (zone_depth++ || !zone_tz)
		return;
	old = getenv("TZ");
	zone_had = old != NULL;
	zone_saved = old ? xstrdup(old) : NULL;
	setenv("TZ", zone_tz, 1);
	tzset();
}

static void zone_leave(void)
{
	if (--zone_depth || !zone_tz)
		return;
	if (zone_had)
		setenv("TZ", zone_saved, 1);
	else
		unsetenv("TZ");
	free(zone_saved);
	zone_saved = NULL;
	tzset();
}

void crm_time_zone_begin(void)
{
	zone_enter();
}

void crm_time_zone_end(void)
{
	zone_leave();
}

int crm_time_local(long long t, struct tm *tm)
{
	time_t tt = (time_t)t;
	int rc = 0;

	if (!zone_tz) {
		struct utc_day u;
		utc_day(t, &u);
		memset(tm, 0, sizeof *tm);
		tm->tm_year = u.y - 1900;
		tm->tm_mon = (int)u.m - 1;
		tm->tm_mday = (int)u.d;
		tm->tm_hour = (int)(u.secs / 3600);
		tm->tm_min = (int)(u.secs / 60 % 60);
		tm->tm_sec = (int)(u.secs % 60);
		tm->tm_wday = (int)(((u.days % 7) + 11) % 7);   /* 1970-01-01 was a Thursday */
		return 0;
	}
	zone_enter();
	if (!localtime_r(&tt, tm))
		rc = -1;
	zone_leave();
	return rc;
}

int crm_time_unlocal(const struct tm *tm, long long *t)
{
	struct tm c = *tm;
	time_t tt;

	if (!zone_tz) {
		*t = days_from_civil((long long)c.tm_year + 1900, (unsigned)c.tm_mon + 1, 1) * 86400 +
		     (long long)(c.tm_mday - 1) * 86400 + c.tm_hour * 3600LL + c.tm_min * 60LL + c.tm_sec;
		return 0;
	}
	c.tm_isdst = -1;   /* the zone says whether summer time is on */
	zone_enter();
	tt = mktime(&c);
	zone_leave();
	if (tt == (time_t)-1 && !(c.tm_year == 69 && c.tm_mon == 11 && c.tm_mday == 31))
		return -1;
	*t = (long long)tt;
	return 0;
}

/* --- what people type --- */

/* the start of the local day `days` after the one of t */
static int day_start(long long t, int days, long long *out)
{
	struct tm tm;

	if (crm_time_local(t, &tm))
		return -1;
	tm.tm_mday += days;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return crm_time_unlocal(&tm, out);
}

/* today, tomorrow, a weekday (the next one: monday on a Monday is in a
 * week): the start of that local day */
static int parse_day_word(const char *s, long long *epoch)
{
	static const char *const days[] = { "sunday", "monday", "tuesday", "wednesday",
	                                    "thursday", "friday", "saturday" };
	struct tm tm;
	size_t n = strlen(s);

	if (!strcasecmp(s, "today"))
		return day_start(crm_now_epoch(), 0, epoch);
	if (!strcasecmp(s, "tomorrow"))
		return day_start(crm_now_epoch(), 1, epoch);
	if (n < 3)
		return -1;
	for (int wd = 0; wd < 7; wd++) {
		/* the whole name, or its first three letters (mon, tue) */
		if (strcasecmp(s, days[wd]) && (n != 3 || strncasecmp(s, days[wd], 3)))
			continue;
		if (crm_time_local(crm_now_epoch(), &tm))
			return -1;
		return day_start(crm_now_epoch(), (wd - tm.tm_wday + 6) % 7 + 1, epoch);
	}
	return -1;
}

/* a date or time as written: with a zone, that instant; without, a
 * local time of the display zone */
static int parse_written(const char *s, long long *epoch)
{
	struct tm tm;
	int zoned;

	if (parse_fields(s, epoch, &zoned, &tm))
		return -1;
	return zoned ? 0 : crm_time_unlocal(&tm, epoch);
}

int crm_time_parse_as(const char *in, unsigned flags, char out[CRM_TIME_LEN])
{
	char buf[64];
	size_t n;
	long long t;
	int day;

	if (!in)
		return -1;
	while (isspace((unsigned char)*in))
		in++;
	/* no form is this long: a huge argument is no time, quickly */
	if ((n = strnlen(in, sizeof buf)) == sizeof buf)
		return -1;
	memcpy(buf, in, n + 1);
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (!parse_relative(buf, flags & CRM_TIME_AHEAD, &t))
		day = 0;    /* a span from now, not a day */
	else if (!parse_day_word(buf, &t) || !parse_written(buf, &t))
		day = 1;
	else
		return -1;
	/* the end: the first second after the day, or after the span */
	if (flags & CRM_TIME_DAY_END) {
		if (!day)
			t++;
		else if (day_start(t, 1, &t))
			return -1;
	}
	if (t < -62167219200LL || t > 253402300799LL) /* years 0000..9999 */
		return -1;
	crm_time_from_epoch(t, out);
	return 0;
}

int crm_time_parse(const char *in, char out[CRM_TIME_LEN])
{
	return crm_time_parse_as(in, 0, out);
}

int crm_time_parse_ahead(const char *in, char out[CRM_TIME_LEN])
{
	return crm_time_parse_as(in, CRM_TIME_AHEAD, out);
}

/* --- times for people --- */

int crm_time_local_text(const char *canon, char out[CRM_LOCAL_LEN])
{
	long long t;
	struct tm tm;

	if (parse_absolute(canon, &t) || crm_time_local(t, &tm) ||
	    tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return -1;
	put2(out, (unsigned)(tm.tm_year + 1900) / 100);
	put2(out + 2, (unsigned)(tm.tm_year + 1900) % 100);
	out[4] = '-';
	put2(out + 5, (unsigned)tm.tm_mon + 1);
	out[7] = '-';
	put2(out + 8, (unsigned)tm.tm_mday);
	out[10] = ' ';
	put2(out + 11, (unsigned)tm.tm_hour);
	out[13] = ':';
	put2(out + 14, (unsigned)tm.tm_min);
	out[16] = '\0';
	return 0;
}

int crm_time_ago(const char *canon, char out[CRM_LOCAL_LEN])
{
	static const struct { long long secs; char unit; } units[] = {
		{ 60, 'm' }, { 3600, 'h' }, { 86400, 'd' }, { 7 * 86400, 'w' },
	};
	long long t, d, a;
	int u;

	if (parse_absolute(canon, &t))
		return -1;
	d = t - crm_now_epoch();
	a = d < 0 ? -d : d;
	if (a < 60) {
		snprintf(out, CRM_LOCAL_LEN, "now");
		return 0;
	}
	if (a >= 8 * 7 * 86400) {   /* past eight weeks, the local date */
		if (crm_time_local_text(canon, out))
			return -1;
		out[10] = '\0';
		return 0;
	}
	/* minutes under an hour, hours under a day, days under two weeks */
	u = a < 3600 ? 0 : a < 86400 ? 1 : a < 14 * 86400 ? 2 : 3;
	snprintf(out, CRM_LOCAL_LEN, d > 0 ? "in %lld%c" : "%lld%c ago", a / units[u].secs,
	         units[u].unit);
	return 0;
}

/* --- another zone: automation.timezone --- */

/* The UTC offset of t in zone, from the system's tz database, cached for
 * the span around t in which it does not change (found by asking the
 * database day by day for a year each way, then to the second): a batch
 * of events or a list of clients asks it once.  TZ is the zone only
 * while the database is asked, and is then put back, so that nothing
 * else the process prints changes. */
static struct {
	char *zone;
	long long lo, hi;   /* the offset holds in [lo, hi) */
	long off;
} zone_cache;

static long offset_at(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm))
		return 0;
	return (long)(days_from_civil((long long)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
	                              (unsigned)tm.tm_mday) * 86400 + tm.tm_hour * 3600LL +
	              tm.tm_min * 60LL + tm.tm_sec - t);
}

/* the first second after t at which the offset is not off (dir 1), or
 * the first of the seconds up to t at which it is (dir -1), looking a
 * year away at most */
static long long offset_edge(long long t, int dir, long off)
{
	long long same = t, diff;
	int day;

	for (day = 1; day <= 370; day++)
		if (offset_at(t + dir * day * 86400LL) != off)
			break;
	if (day > 370)
		return t + dir * 370 * 86400LL;
	same = t + dir * (day - 1) * 86400LL;
	diff = t + dir * day * 86400LL;
	while ((diff - same) * dir > 1) {
		long long mid = same + (diff - same) / 2;
		if (offset_at(mid) == off)
			same = mid;
		else
			diff = mid;
	}
	return dir > 0 ? diff : same;
}

int crm_zone_offset(const char *zone, long long t, long *off)
{
	const char *old;
	char *saved;

	*off = 0;
	if (!zone || !*zone || !strcmp(zone, "UTC") || !strcmp(zone, "Etc/UTC"))
		return 0;
	if (zone_cache.zone && !strcmp(zone_cache.zone, zone) && t >= zone_cache.lo &&
	    t < zone_cache.hi) {
		*off = zone_cache.off;
		return 0;
	}
	old = getenv("TZ");
	saved = old ? xstrdup(old) : NULL;
	setenv("TZ", zone, 1);
	tzset();
	*off = offset_at(t);
	free(zone_cache.zone);
	zone_cache.zone = xstrdup(zone);
	zone_cache.off = *off;
	zone_cache.hi = offset_edge(t, 1, *off);
	zone_cache.lo = offset_edge(t, -1, *off);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	free(saved);
	tzset();
	return 0;
}
