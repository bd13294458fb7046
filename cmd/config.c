/* config.c: crm config check|get|list (see crm-config(1)). */
#include <string.h>

#include "cmd.h"
#include "print.h"

static int config_check(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	int n = opt_parse(crm, argc, argv, opts, "");

	if (n < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return cmd_usage_error(crm, opts, "", "unexpected argument '%s'", argv[0]);
	/* the dispatcher has loaded and checked it already */
	if (crm->cfg.path)
		printf("%s: ok\n", crm->cfg.path);
	else
		puts("no configuration file; defaults in use");
	return 0;
}

/* a list value "[a, b]" prints one item a line */
static void print_value(const char *key, const char *value, void *arg)
{
	size_t n = strlen(value);

	(void)key;
	(void)arg;
	if (n >= 2 && value[0] == '[' && value[n - 1] == ']' && !strchr(value, '{')) {
		const char *s = value + 1, *end = value + n - 1;
		while (s < end) {
			const char *comma = memchr(s, ',', (size_t)(end - s));
			const char *stop = comma ? comma : end;
			printf("%.*s\n", (int)(stop - s), s);
			s = stop + (comma ? 2 : 0);
		}
		return;
	}
	puts(value);
}

static const struct pcol config_cols[] = { { "key", COL_TEXT }, { "value", COL_TEXT } };

struct get_state {
	struct crm *crm;
	const char *key;
	struct printer *pr;
};

/* the key itself prints its value; the keys of a section print as rows */
static void got(const char *key, const char *value, void *arg)
{
	struct get_state *g = arg;
	const char *vals[] = { key, value };

	if (!strcmp(key, g->key)) {
		print_value(key, value, NULL);
		return;
	}
	if (!g->pr) {
		g->pr = printer_new(stdout, g->crm->fmt);
		printer_begin(g->pr, config_cols, 2);
	}
	printer_row(g->pr, vals);
}

static int config_get(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	struct get_state g = { crm, NULL, NULL };
	int n = opt_parse(crm, argc, argv, opts, "KEY"), rc;

	if (n < 0)
		return OPT_EXIT(n);
	if (n != 1)
		return cmd_usage_error(crm, opts, "KEY", "one key, such as pipeline.stages");
	g.key = argv[0];
	rc = crm_config_get(&crm->cfg, argv[0], got, &g);
	if (g.pr) {
		printer_end(g.pr);
		printer_free(g.pr);
	}
	if (rc)
		return crm_err(crm, CRM_NOTFOUND, "config get: no key '%s'", argv[0]);
	return 0;
}

static void list_row(const char *key, const char *value, void *arg)
{
	const char *vals[] = { key, value };
	printer_row(arg, vals);
}

static int config_list(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	struct printer *pr;
	int n = opt_parse(crm, argc, argv, opts, "");

	if (n < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return cmd_usage_error(crm, opts, "", "unexpected argument '%s'", argv[0]);
	pr = printer_new(stdout, crm->fmt);
	printer_begin(pr, config_cols, 2);
	crm_config_each(&crm->cfg, list_row, pr);
	printer_end(pr);
	printer_free(pr);
	return 0;
}

const struct cmd config_cmds[] = {
	{ "check", config_check, 0, "check the configuration file", NULL },
	{ "get", config_get, 0, "print the value of a key or a section", NULL },
	{ "list", config_list, 0, "print every key and its value", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
