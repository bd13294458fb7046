/* Unit tests of the hooks' queue: what a transaction queued runs once it
 * commits; a rollback drops it, a savepoint's rollback what came after
 * the savepoint, even when the row ids it named are used again.  Prints
 * "N passed, N failed"; exits 1 on a failure. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_keys.h"
#include "crm.h"
#include "hooks.h"
#include "notify.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) passed++; \
	else { failed++; fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static char dir[] = "/tmp/crm-unit-hooks.XXXXXX";
static char out[256];

/* what the hook has written so far, read whole (static) */
static const char *hook_output(void)
{
	static char buf[4096];
	FILE *f = fopen(out, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static int add(struct crm *crm, const char *message)
{
	return crm_notify_add(crm, "sync_failure", 0, message, NULL, NULL);
}

int main(void)
{
	struct crm crm;
	char db[256], cmd[512];
	size_t mark;

	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/crm.db", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(cmd, sizeof cmd, "jq -r .message >> '%s'", out);
	memset(&crm, 0, sizeof crm);
	crm_config_defaults(&crm.cfg);
	crm.cfg.hooks.on_notify = xstrdup(cmd);
	crm.db_opt = db;
	crm.actor = "unit";
	CHECK(crm_db_open(&crm) == 0);

	/* committed: it runs; a savepoint rolled back: what it queued does not,
	 * though the id it wrote is written again */
	CHECK(crm_begin(&crm) == 0);
	CHECK(add(&crm, "one") == 0);
	mark = crm_hooks_mark();
	CHECK(crm_db_exec(&crm, "SAVEPOINT record", "unit") == 0);
	CHECK(add(&crm, "undone") == 0);
	CHECK(crm_db_exec(&crm, "ROLLBACK TO record; RELEASE record", "unit") == 0);
	crm_hooks_undo(mark);
	CHECK(add(&crm, "two") == 0);
	crm_hooks_run(&crm, stderr);   /* not committed yet: nothing runs */
	CHECK(!strcmp(hook_output(), ""));
	CHECK(crm_commit(&crm) == 0);
	crm_hooks_run(&crm, stderr);
	CHECK(!strcmp(hook_output(), "one\ntwo\n"));

	/* rolled back: none; then a commit runs only its own */
	CHECK(crm_begin(&crm) == 0);
	CHECK(add(&crm, "rolled back") == 0);
	crm_rollback(&crm);
	CHECK(crm_begin(&crm) == 0);
	CHECK(add(&crm, "three") == 0);
	CHECK(crm_commit(&crm) == 0);
	crm_hooks_run(&crm, stderr);
	CHECK(!strcmp(hook_output(), "one\ntwo\nthree\n"));

	/* run once: nothing is left to run again */
	crm_hooks_run(&crm, stderr);
	CHECK(!strcmp(hook_output(), "one\ntwo\nthree\n"));

	/* --no-hooks queues nothing */
	crm.no_hooks = 1;
	CHECK(crm_begin(&crm) == 0);
	CHECK(add(&crm, "four") == 0);
	CHECK(crm_commit(&crm) == 0);
	crm_hooks_run(&crm, stderr);
	CHECK(!strcmp(hook_output(), "one\ntwo\nthree\n"));

	crm_db_close(&crm);
	crm_config_free(&crm.cfg);
	free(crm.db_path);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		failed++;
	printf("hooks: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
