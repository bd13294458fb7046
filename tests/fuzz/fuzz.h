/* fuzz.h: what the libFuzzer targets of tests/fuzz/ share: a check that
 * aborts (so libFuzzer keeps the input), a scratch folder made once per
 * process and removed at exit, and an environment that does not depend on
 * the user's (no real config, database or clock). */
#ifndef CRM_FUZZ_H
#define CRM_FUZZ_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"

/* Kept under NDEBUG too: a failed check is a finding. */
#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* the clock every target sees: relative times are from here */
#define FUZZ_NOW "2026-11-25T12:00:00Z"

static char fuzz_dir[4096];

static inline void fuzz_dir_remove(void)
{
	DIR *d = opendir(fuzz_dir);
	struct dirent *e;
	char path[sizeof fuzz_dir + 256];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", fuzz_dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(fuzz_dir);
}

/* dir/name in the process's scratch folder (owned) */
static inline char *fuzz_path(const char *name)
{
	char *path;

	if (!fuzz_dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/crm-fuzz-XXXXXX",
		         tmp && *tmp == '/' ? tmp : "/tmp");
		if (!mkdtemp(fuzz_dir)) {
			perror("crm-fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_dir_remove);
	}
	path = xmalloc(strlen(fuzz_dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", fuzz_dir, name);
	return path;
}

/* A fixed clock; HOME in the scratch folder, so "~/" and the default
 * paths never reach the user's files. */
static inline void fuzz_env(void)
{
	char *home = fuzz_path("home");

	setenv("CRM_NOW", FUZZ_NOW, 1);
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	unsetenv("CRM_CONFIG");
	unsetenv("CRM_DB");
	CHECK(crm_now_check() == 0);
	free(home);
}

/* the input as a read-only stream; NULL when the C library will not */
static inline FILE *fuzz_stream(const uint8_t *data, size_t size)
{
	static char empty[1];

	return fmemopen(size ? (void *)data : empty, size, "r");
}

#endif
