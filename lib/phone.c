/* phone.c: phones as owner keys, through crm-phone.so (lib/phonenumber.cc,
 * Google's libphonenumber), loaded the first time a phone is parsed. */
#include <dlfcn.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

static int (*e164_fn)(const char *in, const char *region, char *out, size_t size);
static int (*region_fn)(const char *region);

#ifndef CRM_LIBDIR
#define CRM_LIBDIR "/usr/local/lib/crm"
#endif

/* crm-phone.so is looked for beside the running binary, in the places a
 * build and an install put it: build-san/crm (its folder), ./crm
 * (build/), build/unit/test (..), PREFIX/bin/crm (../lib/crm/); then in
 * the folder `make install` used. */
static int load(struct crm *crm)
{
	static const char *const dirs[] = { "", "build/", "../", "../lib/crm/", NULL };
	char exe[PATH_MAX], path[PATH_MAX + 32], why[256] = "not found";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;
	void *h = NULL;

	if (e164_fn)
		return 0;
	if (n <= 0 || !(slash = memchr(exe, '/', (size_t)n)))
		n = 0;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')))
		slash[1] = '\0';
	for (size_t i = 0; !h && i < sizeof dirs / sizeof dirs[0]; i++) {
		if (dirs[i])
			snprintf(path, sizeof path, "%s%s%s", exe, dirs[i], "crm-phone.so");
		else
			snprintf(path, sizeof path, "%s/%s", CRM_LIBDIR, "crm-phone.so");
		if (access(path, F_OK) != 0)
			continue;
		if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
			snprintf(why, sizeof why, "%.250s", dlerror());
	}
	if (h) {
		*(void **)&e164_fn = dlsym(h, "crm_phone_e164");
		*(void **)&region_fn = dlsym(h, "crm_phone_region");
		if (!e164_fn || !region_fn) {
			snprintf(why, sizeof why, "%.200s: not crm's phone library", path);
			e164_fn = NULL;
			dlclose(h);
			h = NULL;
		}
	}
	if (!h)
		return crm_err(crm, CRM_SOFTWARE, "phone: cannot load crm-phone.so (beside '%s'"
		               " or in '%s'; it needs libphonenumber8): %s", exe, CRM_LIBDIR, why);
	return 0;
}

/* Its digits, and a leading '+' kept when parsed is set; NULL with fewer
 * than 5 digits. */
static char *digits(const char *s, int plus)
{
	char *out = xmalloc(strlen(s) + 2), *o = out;
	size_t first = strcspn(s, "+0123456789");
	int n = 0;

	if (plus && s[first] == '+')
		*o++ = '+';
	for (; *s; s++)
		if (*s >= '0' && *s <= '9') {
			*o++ = *s;
			n++;
		}
	*o = '\0';
	if (n < 5) {
		free(out);
		return NULL;
	}
	return out;
}

/* the last number read, and its key: an import asks for a row's phone
 * twice, to find its owner and to store it */
static char *memo_in, *memo_key, memo_region[3];

int crm_phone_key(struct crm *crm, const char *s, char **key)
{
	const char *region = crm->cfg.phone_region ? crm->cfg.phone_region : "";
	char e164[64], *in;
	int rc;

	*key = NULL;
	if (memo_in && !strcmp(memo_in, s) && !strcmp(memo_region, region)) {
		*key = xstrdup(memo_key);
		return 0;
	}
	if (!(in = digits(s, 1)))
		return crm_err(crm, CRM_DATAERR, "phone '%s': not a phone number (fewer than 5 digits)", s);
	free(in);
	/* no number is written in more: libphonenumber is not asked about
	 * text it would take minutes over */
	if (strlen(s) > CRM_PHONE_MAX) {
		*key = digits(s, 0);
		return 0;
	}
	if ((rc = load(crm)))
		return rc;
	/* with no region, 00 is read as the international prefix it is in
	 * most of the world */
	in = xstrdup(s);
	if (!*region) {
		char *p = in + strspn(in, " (");
		if (p[0] == '0' && p[1] == '0')
			p[0] = ' ', p[1] = '+';
	}
	rc = e164_fn(in, region, e164, sizeof e164);
	free(in);
	if (rc < 0)
		return crm_err(crm, CRM_SOFTWARE, "phone '%s': libphonenumber failed", s);
	/* no country has numbers of fewer than 7 digits with its code: a
	 * shorter "number" is a few digits libphonenumber made the best of */
	if (rc == 1 && strlen(e164) < 1 + 7)
		rc = 0;
	*key = rc ? xstrdup(e164) : digits(s, 0);
	free(memo_in);
	free(memo_key);
	memo_in = xstrdup(s);
	memo_key = xstrdup(*key);
	snprintf(memo_region, sizeof memo_region, "%s", region);
	return 0;
}

int crm_phone_like(const char *s)
{
	int digits = 0;

	if (strlen(s) > CRM_PHONE_MAX)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" .-()/", *p) && !(*p == '+' && digits == 0))
			return 0;
	}
	return digits >= 5;
}

int crm_phone_key_parsed(const char *key)
{
	return key && key[0] == '+';
}

int crm_phone_region_known(struct crm *crm, const char *region, int *known)
{
	int rc;

	*known = 0;
	if ((rc = load(crm)))
		return rc;
	if ((rc = region_fn(region)) < 0)
		return crm_err(crm, CRM_SOFTWARE, "phone: libphonenumber failed");
	*known = rc;
	return 0;
}
