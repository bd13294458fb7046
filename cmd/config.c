/* config.c: crm config check|get|list (see crm-config(1)). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "print.h"

/* FILE, or the file in force: loaded and checked here, not by the
 * dispatcher, so that a broken file in force does not stop the check of
 * another */
static int config_check(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_POS(COMPL_FILE), OPT_END() };
	int n = opt_parse(crm, argc, argv, opts, "[FILE]"), rc;

	if (n < 0)
		return OPT_EXIT(n);
	if (n > 1)
		return opt_error(crm, "[FILE]", "one file, not %d", n);
	if ((rc = crm_config_load(&crm->cfg, n ? argv[0] : crm->config_opt, crm->err,
	                          sizeof crm->err)))
		return rc;
	/* and what only the phone library knows */
	if (crm->cfg.phone_region) {
		int known;
		if ((rc = crm_phone_region_known(crm, crm->cfg.phone_region, &known)))
			return cmd_fail(crm, rc);
		if (!known)
			return cmd_fail(crm, crm_err(crm, CRM_CONFIG, "%s: phone.default_region: '%s'"
			                " is not a region libphonenumber knows (such as ES or FR)",
			                crm->cfg.path ? crm->cfg.path : "config", crm->cfg.phone_region));
	}
	if (crm->cfg.path)
		printf("%s: ok\n", crm->cfg.path);
	else
		puts("no configuration file; defaults in use");
	return 0;
}

/* key and value rows; in json and jsonl the value is a JSON value (a
 * number, a list, null), in the other formats YAML flow text */
static const struct pcol text_cols[] = { { "key", COL_TEXT, 0 }, { "value", COL_TEXT, 0 } };
static const struct pcol json_cols[] = { { "key", COL_TEXT, 0 }, { "value", COL_JSON, 0 } };

static enum crm_config_style style_of(enum crm_fmt fmt)
{
	return fmt == FMT_JSON || fmt == FMT_JSONL ? CRM_CONFIG_JSON : CRM_CONFIG_YAML;
}

/* the printer begins with the first row, so nothing is printed for a key
 * that is not there */
struct rows {
	struct crm *crm;
	struct printer *pr;
};

static void row(const char *key, const char *value, void *arg)
{
	struct rows *r = arg;
	const char *vals[] = { key, value };

	if (!r->pr) {
		r->pr = printer_open(r->crm, stdout);
		printer_begin(r->pr, style_of(r->crm->fmt) == CRM_CONFIG_JSON
		              ? json_cols : text_cols, 2);
	}
	printer_row(r->pr, vals);
}

static void rows_end(struct rows *r)
{
	if (r->pr) {
		printer_end(r->pr);
		printer_free(r->pr);
	}
}

/* The database in force is what get and list tell: --db or $CRM_DB
 * before the file's key. */
static void database_in_force(struct crm *crm)
{
	if (crm->db_opt && *crm->db_opt) {
		free(crm->cfg.database);
		crm->cfg.database = xstrdup(crm->db_opt);
	}
}

/* the keys and sections of the config, for a suggestion (owned, each
 * name too) */
struct keys {
	char **v;
	int n;
};

/* the name once in the list */
static void add_name(struct keys *k, const char *name, size_t len)
{
	for (int i = 0; i < k->n; i++)
		if (strlen(k->v[i]) == len && !strncmp(k->v[i], name, len))
			return;
	k->v = xrealloc(k->v, (size_t)(k->n + 2) * sizeof *k->v);
	k->v[k->n++] = xstrndup(name, len);
	k->v[k->n] = NULL;
}

/* a key, and each section it is in: sync.webhook.url, sync.webhook, sync */
static void add_key(const char *key, const char *value, void *arg)
{
	(void)value;
	for (const char *dot = strchr(key, '.'); dot; dot = strchr(dot + 1, '.'))
		add_name(arg, key, (size_t)(dot - key));
	add_name(arg, key, strlen(key));
}

static int config_get(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_POS(COMPL_CONFIG_KEY), OPT_END() };
	struct rows r = { crm, NULL };
	int n = opt_parse(crm, argc, argv, opts, "KEY"), rc;
	char *v;

	if (n < 0)
		return OPT_EXIT(n);
	if (n != 1)
		return opt_error(crm, "KEY", "one key, such as pipeline.stages");
	if ((rc = crm_fmt_check(crm, text_cols, 2)))
		return rc;
	database_in_force(crm);
	/* One key in table or tsv, what a terminal and a pipe get by default:
	 * its value alone, a list one item a line, for a person or a shell
	 * loop.  A section, or another format, prints rows. */
	if ((crm->fmt == FMT_TABLE || crm->fmt == FMT_TSV) &&
	    (v = crm_config_value(&crm->cfg, argv[0], CRM_CONFIG_LINES))) {
		fputs(v, stdout);
		free(v);
		return 0;
	}
	rc = crm_config_get(&crm->cfg, argv[0], style_of(crm->fmt), row, &r);
	rows_end(&r);
	if (rc) {
		struct keys k = { NULL, 0 };
		const char *best;
		crm_config_each(&crm->cfg, CRM_CONFIG_YAML, add_key, &k);
		best = k.v ? crm_suggest(argv[0], (const char *const *)k.v) : NULL;
		rc = crm_err(crm, CRM_NOTFOUND, "config get: no key '%s'%s%s%s", argv[0],
		             best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
		for (int i = 0; i < k.n; i++)
			free(k.v[i]);
		free(k.v);
		return rc;
	}
	return 0;
}

static int config_list(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	struct rows r = { crm, NULL };
	int n = opt_parse(crm, argc, argv, opts, ""), rc;

	if (n < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return opt_error(crm, "", "unexpected argument '%s'", argv[0]);
	if ((rc = crm_fmt_check(crm, text_cols, 2)))
		return rc;
	database_in_force(crm);
	crm_config_each(&crm->cfg, style_of(crm->fmt), row, &r);
	rows_end(&r);
	return 0;
}

const struct cmd config_cmds[] = {
	{ "check", config_check, CMD_OWN_CONFIG, "check the configuration file", NULL },
	{ "get", config_get, 0, "print the value of a key or a section", NULL },
	{ "list", config_list, 0, "print every key and its value", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
