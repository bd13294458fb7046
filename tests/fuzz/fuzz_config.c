/* fuzz_config: crm_config_load() on the input as a crm.yaml, always by its
 * explicit path (the user's own config is never read), then every key read
 * back in one of the styles of `crm config list`. */
#include "fuzz.h"
#include "json.h"

static char *path;
static int fd = -1;
static struct json_obj obj;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_env();
	path = fuzz_path("crm.yaml.XXXXXX");
	if ((fd = mkstemp(path)) < 0) {
		perror(path);
		abort();
	}
	return 0;
}

/* a JSON value reads back as one, as the value of an object */
static void json_value(const char *key, const char *value, void *arg)
{
	size_t n = strlen(value) + 8;
	char *text = xmalloc(n), err[256];

	(void)arg;
	snprintf(text, n, "{\"k\":%s}", value);
	if (json_parse_object(text, &obj, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s: %s\n", key, value, err);
		CHECK(!"each key's value is JSON");
	}
	CHECK(obj.n == 1);
	free(text);
}

static void touch(const char *key, const char *value, void *arg)
{
	CHECK(*key);
	*(size_t *)arg += strlen(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_config cfg;
	char err[2048];
	size_t len = 0;
	int rc;

	/* write, then cut to size: on ext4 a cut to 0 makes the next close
	 * flush the file to disk, which costs more than the load itself */
	CHECK(pwrite(fd, data, size, 0) == (ssize_t)size && ftruncate(fd, (off_t)size) == 0);
	memset(&cfg, 0, sizeof cfg);
	err[0] = '\0';
	rc = crm_config_load(&cfg, path, err, sizeof err);
	CHECK(cfg.path && !strcmp(cfg.path, path));
	if (rc) {
		CHECK(rc == CRM_CONFIG);
		/* "FILE:LINE:COL: message" */
		CHECK(!strncmp(err, path, strlen(path)) && err[strlen(path)] == ':');
		goto cleanup;
	}
	CHECK(cfg.stages.n >= 1 && cfg.channels.n >= 1);
	for (int i = 0; i < cfg.terminal.n; i++)
		CHECK(crm_config_has_stage(&cfg, cfg.terminal.v[i]));
	CHECK(cfg.automation.timezone != NULL);
	/* one style per input: reading every key back costs more than the
	 * load, and the three styles share most of their code */
	switch (size % 3) {
	case 0: crm_config_each(&cfg, CRM_CONFIG_JSON, json_value, NULL); break;
	case 1: crm_config_each(&cfg, CRM_CONFIG_YAML, touch, &len); break;
	default: crm_config_each(&cfg, CRM_CONFIG_LINES, touch, &len); break;
	}
cleanup:
	crm_config_free(&cfg);
	return 0;
}
