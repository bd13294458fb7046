/* config_check.c: what a crm.yaml must say as a whole, checked once
 * every key is read: the stages that other keys name are in the
 * pipeline, quiet hours and the time zone have their shape, a source
 * has one kind.  Defaults that name stages first follow the file's own
 * pipeline.  Also the questions the commands ask of a loaded config. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crm.h"
#include "client.h"
#include "config_keys.h"
#include "config_load.h"

/* where the value of path is in the file; NULL when the file has no
 * such key */
static const yaml_mark_t *find_mark(struct loader *l, const char *path)
{
	for (int i = 0; i < l->nmarks; i++)
		if (!strcmp(l->marks[i].path, path))
			return &l->marks[i].mark;
	return NULL;
}

static yaml_mark_t mark_of(struct loader *l, const char *path)
{
	const yaml_mark_t *m = find_mark(l, path);
	yaml_mark_t none = { 0, 0, 0 };

	return m ? *m : none;
}

int crm_strlist_has(const struct crm_strlist *sl, const char *s)
{
	for (int i = 0; i < sl->n; i++)
		if (!strcmp(sl->v[i], s))
			return 1;
	return 0;
}

/* keep the items of a default list that the pipeline has, and that are not
 * in except (may be NULL) */
static void fit_list(struct crm_strlist *sl, const struct crm_strlist *stages,
                     const struct crm_strlist *except)
{
	int k = 0;

	for (int i = 0; i < sl->n; i++) {
		if (crm_strlist_has(stages, sl->v[i]) && !(except && crm_strlist_has(except, sl->v[i])))
			sl->v[k++] = sl->v[i];
		else
			free(sl->v[i]);
	}
	sl->n = k;
}

static int given(struct loader *l, const char *path)
{
	return find_mark(l, path) != NULL;
}

/* Defaults that name stages follow a pipeline of the file's own: the
 * default terminal stages, on_reply, on_first_contact, lost and automation
 * stages keep only what it has, and the automation stages only those that are not terminal
 * (else the first stage that is not). */
static void fit_stage(struct loader *l, const struct crm_config *c, char **stage,
                      const char *path)
{
	if (*stage && !given(l, path) && !crm_strlist_has(&c->stages, *stage)) {
		free(*stage);
		*stage = NULL;
	}
}

static void fit_defaults(struct loader *l, struct crm_config *c)
{
	fit_stage(l, c, &c->on_reply, "pipeline.on_reply");
	fit_stage(l, c, &c->on_first_contact, "pipeline.on_first_contact");
	fit_stage(l, c, &c->lost, "pipeline.lost");
	if (!given(l, "pipeline.terminal"))
		fit_list(&c->terminal, &c->stages, NULL);
	if (!given(l, "automation.stages")) {
		fit_list(&c->automation.stages, &c->stages, &c->terminal);
		for (int i = 0; i < c->stages.n && c->automation.stages.n == 0; i++)
			if (!crm_strlist_has(&c->terminal, c->stages.v[i]))
				c->automation.stages.v[c->automation.stages.n++] = xstrdup(c->stages.v[i]);
	}
}

/* "HH:MM-HH:MM", each a time of day */
static int is_hhmm_range(const char *q)
{
	static const char shape[] = "00:00-00:00";

	if (strlen(q) != sizeof shape - 1)
		return 0;
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == '0' ? q[i] < '0' || q[i] > '9' : q[i] != shape[i])
			return 0;
	return atoi(q) < 24 && atoi(q + 3) < 60 && atoi(q + 6) < 24 && atoi(q + 9) < 60;
}

/* An IANA time zone name: UTC, or a file of the system's zoneinfo.  With
 * no zoneinfo installed (no tzdata), any name of that shape passes. */
static int is_timezone(const char *tz)
{
	static const char dir[] = "/usr/share/zoneinfo";
	char path[256];
	struct stat sb;

	if (!strcmp(tz, "UTC"))
		return 1;
	if (!*tz || *tz == '/' || strstr(tz, "..") || strlen(tz) > 128)
		return 0;
	if (stat(dir, &sb) != 0)
		return 1;
	snprintf(path, sizeof path, "%s/%s", dir, tz);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* "KEY: 'S' is not in pipeline.stages (new, ...); did you mean 'x'?" */
static int not_a_stage(struct loader *l, const char *key, const char *s,
                       const struct crm_config *c)
{
	const char **set = xmalloc((size_t)(c->stages.n + 1) * sizeof *set);
	char hint[1024];

	for (int i = 0; i < c->stages.n; i++)
		set[i] = c->stages.v[i];
	set[c->stages.n] = NULL;
	crm_hint(s, set, hint, sizeof hint);
	free(set);
	return crm_config_at(l, mark_of(l, key), "%s: '%s' is not in pipeline.stages %s",
	                     key, s, hint);
}

const char *const crm_inbound_targets[] = { "name", "first_name", "last_name", "email",
                                            "phone", "stage", NULL };

/* sync.inbound: each field maps to a field crm takes, each stage value
 * to a stage of the pipeline, and a stage field needs the stages map */
static int inbound_check(struct loader *l, const struct crm_config *c)
{
	char hint[256];
	int stage = 0;

	for (int i = 0; i < c->inbound.nfields; i++) {
		const char *v = c->inbound.fields[i].value;
		if (!crm_in_set(v, crm_inbound_targets))
			return crm_config_at(l, mark_of(l, "sync.inbound.fields"),
			          "sync.inbound.fields: '%s' is not a field sync apply sets %s", v,
			          crm_hint(v, crm_inbound_targets, hint, sizeof hint));
		stage |= !strcmp(v, "stage");
	}
	for (int i = 0; i < c->inbound.nstages; i++)
		if (!crm_strlist_has(&c->stages, c->inbound.stages[i].value))
			return not_a_stage(l, "sync.inbound.stages", c->inbound.stages[i].value, c);
	if (stage && !c->inbound.nstages)
		return crm_config_at(l, mark_of(l, "sync.inbound.fields"),
		          "sync.inbound.fields maps a field to stage, and sync.inbound.stages is not set");
	return 0;
}

int crm_config_check(struct loader *l, struct crm_config *c)
{
	char hint[256];

	const char *q = c->automation.quiet_hours;

	fit_defaults(l, c);

	if (c->stages.n == 0)
		return crm_config_at(l, mark_of(l, "pipeline.stages"), "'%s' must name at least one stage", "pipeline.stages");
	for (int i = 0; i < c->terminal.n; i++)
		if (!crm_strlist_has(&c->stages, c->terminal.v[i]))
			return not_a_stage(l, "pipeline.terminal", c->terminal.v[i], c);
	{
		const char *const keys[] = { "pipeline.on_reply", "pipeline.on_first_contact",
		                             "pipeline.lost" };
		const char *const vals[] = { c->on_reply, c->on_first_contact, c->lost };
		for (int i = 0; i < 3; i++)
			if (vals[i] && !crm_strlist_has(&c->stages, vals[i]))
				return not_a_stage(l, keys[i], vals[i], c);
	}
	for (int i = 0; i < c->automation.stages.n; i++)
		if (!crm_strlist_has(&c->stages, c->automation.stages.v[i]))
			return not_a_stage(l, "automation.stages", c->automation.stages.v[i], c);
	/* terminal stages are closed: automation does not work on them */
	for (int i = 0; i < c->automation.stages.n; i++)
		if (crm_strlist_has(&c->terminal, c->automation.stages.v[i]))
			return crm_config_at(l, mark_of(l, given(l, "automation.stages") ? "automation.stages" : "pipeline.terminal"),
			          "automation.stages: '%s' is a terminal stage", c->automation.stages.v[i]);
	if (c->channels.n == 0)
		return crm_config_at(l, mark_of(l, "channels"), "'%s' must name at least one channel", "channels");
	if (c->ai_default && !crm_in_set(c->ai_default, crm_ai_modes))
		return crm_config_at(l, mark_of(l, "ai.default"), "ai.default: '%s' is not an AI mode %s",
		          c->ai_default, crm_hint(c->ai_default, crm_ai_modes, hint, sizeof hint));
	/* phone.default_region: an ISO 3166 code, upper case; whether
	 * libphonenumber knows it is asked by `config check` only, which
	 * loads the library */
	if (c->phone_region) {
		char *r = c->phone_region;
		if (strlen(r) != 2 || !isalpha((unsigned char)r[0]) || !isalpha((unsigned char)r[1]))
			return crm_config_at(l, mark_of(l, "phone.default_region"),
			          "phone.default_region: '%s' is not a region code (such as ES or FR)", r);
		r[0] = (char)toupper((unsigned char)r[0]);
		r[1] = (char)toupper((unsigned char)r[1]);
	}
	/* locale.decimal: ~ is the default too */
	if (!c->locale.decimal)
		c->locale.decimal = xstrdup(".");
	else if (strcmp(c->locale.decimal, ".") && strcmp(c->locale.decimal, ","))
		return crm_config_at(l, mark_of(l, "locale.decimal"),
		          "locale.decimal: '%s' is not '.' or ','", c->locale.decimal);
	if (q && !is_hhmm_range(q))
		return crm_config_at(l, mark_of(l, "automation.quiet_hours"), "automation.quiet_hours: '%s' is not HH:MM-HH:MM", q);
	if (c->webhook.secret_env && c->webhook.secret_file) {
		const char *second = mark_of(l, "sync.webhook.secret_env").index >
		                     mark_of(l, "sync.webhook.secret_file").index
			? "sync.webhook.secret_env" : "sync.webhook.secret_file";
		return crm_config_at(l, mark_of(l, second), "'sync.webhook': secret_env or secret_file, not both");
	}
	if (inbound_check(l, c))
		return CRM_CONFIG;
	/* database: ~ is the default too */
	if (!c->database)
		c->database = crm_default_db_path();
	/* automation.timezone: ~ is the default too */
	if (!c->automation.timezone)
		c->automation.timezone = xstrdup("UTC");
	else if (!is_timezone(c->automation.timezone))
		return crm_config_at(l, mark_of(l, "automation.timezone"),
		          "automation.timezone: '%s' is not a time zone (such as Europe/Madrid)",
		          c->automation.timezone);
	/* display.timezone: ~ is the default too: $TZ, else UTC */
	if (!c->display.timezone)
		c->display.timezone = crm_config_default_zone();
	else if (!is_timezone(c->display.timezone))
		return crm_config_at(l, mark_of(l, "display.timezone"),
		          "display.timezone: '%s' is not a time zone (such as Europe/Madrid)",
		          c->display.timezone);
	struct { const char *name; struct crm_source *s; } srcs[] = {
		{ "sources.leads", &c->sources.leads }, { "sources.contacts", &c->sources.contacts },
		{ "sources.operators", &c->sources.operators }, { "sources.listings", &c->sources.listings },
	};
	for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
		struct crm_source *s = srcs[i].s;
		if (!s->set)
			continue;
		if (!!s->sqlite + !!s->csv + !!s->jsonl != 1)
			return crm_config_at(l, mark_of(l, srcs[i].name), "'%s' needs exactly one of sqlite, csv or jsonl", srcs[i].name);
		if (s->sqlite && !s->table)
			return crm_config_at(l, mark_of(l, srcs[i].name), "'%s' needs a table for its sqlite file", srcs[i].name);
	}
	return 0;
}

int crm_config_has_stage(const struct crm_config *cfg, const char *s)
{
	return crm_strlist_has(&cfg->stages, s);
}

int crm_config_is_terminal(const struct crm_config *cfg, const char *s)
{
	return crm_strlist_has(&cfg->terminal, s);
}

int crm_config_has_channel(const struct crm_config *cfg, const char *s)
{
	return crm_strlist_has(&cfg->channels, s);
}
