/* config.c: crm.yaml, found by the search order, read with libyaml and
 * checked against the key tables of config_keys.c.  A key that is not in
 * its table, or a node of the wrong kind, is an error with the file, line
 * and column.  Defaults fill what the file leaves out. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "crm.h"
#include "config_keys.h"


struct loader {
	yaml_document_t doc;
	const char *file;
	char *dir;          /* the file's folder, for relative paths */
	char *err;
	size_t errlen;
	/* where each key was, for the checks after loading */
	struct { char path[160]; yaml_mark_t mark; } marks[48];
	int nmarks;
};

static int at(struct loader *l, yaml_mark_t m, const char *fmt, const char *a,
              const char *b)
{
	int n = snprintf(l->err, l->errlen, "%s:%lu:%lu: ", l->file,
	                 (unsigned long)m.line + 1, (unsigned long)m.column + 1);
	if (n >= 0 && (size_t)n < l->errlen)
		snprintf(l->err + n, l->errlen - (size_t)n, fmt, a, b);
	return CRM_CONFIG;
}

static const char *scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static char *expand_path(struct loader *l, const char *s)
{
	const char *home = getenv("HOME");
	size_t n;
	char *out;

	if (!strncmp(s, "~/", 2) && home) {
		n = strlen(home) + strlen(s);
		out = xmalloc(n);
		snprintf(out, n, "%s%s", home, s + 1);
		return out;
	}
	if (s[0] == '/' || !l->dir)
		return xstrdup(s);
	n = strlen(l->dir) + strlen(s) + 2;
	out = xmalloc(n);
	snprintf(out, n, "%s/%s", l->dir, s);
	return out;
}

static int get_int(struct loader *l, yaml_node_t *n, const char *path,
                   long long *out)
{
	if (n->type != YAML_SCALAR_NODE || crm_parse_int(scalar(n), out))
		return at(l, n->start_mark, "'%s' must be a whole number%s", path, "");
	return 0;
}

static int get_str(struct loader *l, yaml_node_t *n, const char *path)
{
	if (n->type != YAML_SCALAR_NODE)
		return at(l, n->start_mark, "'%s' must be a string%s", path, "");
	return 0;
}

static void free_strs(struct crm_strlist *sl)
{
	for (int i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = 0;
}

static int load_map(struct loader *l, yaml_node_t *map, const struct key *keys,
                    void *base, const char *prefix);

static int load_rules(struct loader *l, yaml_node_t *n, struct crm_config *cfg,
                      const char *path)
{
	yaml_node_item_t *it;
	int i = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return at(l, n->start_mark, "'%s' must be a list of rules%s", path, "");
	for (int k = 0; k < cfg->viability.nrules; k++) {
		free(cfg->viability.rules[k].has);
		free(cfg->viability.rules[k].field);
		free(cfg->viability.rules[k].equals);
	}
	free(cfg->viability.rules);
	cfg->viability.nrules = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	cfg->viability.rules = xmalloc((size_t)(cfg->viability.nrules + 1) * sizeof *cfg->viability.rules);
	memset(cfg->viability.rules, 0, (size_t)(cfg->viability.nrules + 1) * sizeof *cfg->viability.rules);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *rn = yaml_document_get_node(&l->doc, *it);
		struct crm_viability_rule *r = &cfg->viability.rules[i];
		int have_points = 0;
		if (rn->type != YAML_MAPPING_NODE)
			return at(l, rn->start_mark, "'%s': a rule is a map%s", path, "");
		for (yaml_node_pair_t *p = rn->data.mapping.pairs.start;
		     p < rn->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
			yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
			const char *name = k->type == YAML_SCALAR_NODE ? scalar(k) : "";
			long long num;
			char *end;
			if (!strcmp(name, "has") || !strcmp(name, "field") || !strcmp(name, "equals")) {
				if (get_str(l, v, path))
					return CRM_CONFIG;
				char **dst = name[0] == 'h' ? &r->has : name[0] == 'f' ? &r->field : &r->equals;
				free(*dst);
				*dst = xstrdup(scalar(v));
			} else if (!strcmp(name, "min") || !strcmp(name, "max")) {
				double d = v->type == YAML_SCALAR_NODE ? strtod(scalar(v), &end) : 0;
				if (v->type != YAML_SCALAR_NODE || end == scalar(v) || *end)
					return at(l, v->start_mark, "'%s.%s' must be a number", path, name);
				if (name[1] == 'i') {
					r->min = d;
					r->has_min = 1;
				} else {
					r->max = d;
					r->has_max = 1;
				}
			} else if (!strcmp(name, "points")) {
				if (get_int(l, v, "viability.rules.points", &num))
					return CRM_CONFIG;
				r->points = (int)num;
				have_points = 1;
			} else {
				return at(l, k->start_mark, "unknown key '%s.%s'", path, name);
			}
		}
		if (!r->has && !r->field)
			return at(l, rn->start_mark, "'%s': a rule needs 'has' or 'field'%s", path, "");
		if (r->has && r->field)
			return at(l, rn->start_mark, "'%s': a rule has 'has' or 'field', not both%s", path, "");
		if (r->field && !r->equals && !r->has_min && !r->has_max)
			return at(l, rn->start_mark, "'%s': a 'field' rule needs 'equals', 'min' or 'max'%s", path, "");
		if (!have_points)
			return at(l, rn->start_mark, "'%s': a rule needs 'points'%s", path, "");
	}
	return 0;
}

static int load_value(struct loader *l, yaml_node_t *v, const struct key *k,
                      void *base, const char *path)
{
	void *field = (char *)base + k->off;
	long long num;

	switch (k->kind) {
	case K_STR:
	case K_PATH:
		if (get_str(l, v, path))
			return CRM_CONFIG;
		free(*(char **)field);
		*(char **)field = !*scalar(v) || !strcmp(scalar(v), "~") || !strcmp(scalar(v), "null")
			? NULL : k->kind == K_PATH ? expand_path(l, scalar(v)) : xstrdup(scalar(v));
		return 0;
	case K_INT:
	case K_LLONG:
		if (get_int(l, v, path, &num))
			return CRM_CONFIG;
		if (k->kind == K_INT)
			*(int *)field = (int)num;
		else
			*(long long *)field = num;
		return 0;
	case K_BOOL: {
		static const char *const yes[] = { "true", "yes", "on", NULL };
		static const char *const no[] = { "false", "no", "off", NULL };
		const char *s = v->type == YAML_SCALAR_NODE ? scalar(v) : "";
		for (int i = 0; yes[i]; i++) {
			if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
				*(int *)field = !strcmp(s, yes[i]);
				return 0;
			}
		}
		return at(l, v->start_mark, "'%s' must be true or false%s", path, "");
	}
	case K_STRS:
	case K_INTS: {
		struct crm_strlist *sl = field;
		int n = 0;
		if (v->type != YAML_SEQUENCE_NODE)
			return at(l, v->start_mark, "'%s' must be a list%s", path, "");
		int count = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
		if (k->kind == K_STRS) {
			free_strs(sl);
			sl->v = xmalloc((size_t)(count + 1) * sizeof *sl->v);
		} else {
			free(*(int **)field);
			*(int **)field = xmalloc((size_t)(count + 1) * sizeof(int));
		}
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++, n++) {
			yaml_node_t *item = yaml_document_get_node(&l->doc, *it);
			if (k->kind == K_INTS) {
				if (get_int(l, item, path, &num) || num < 1)
					return at(l, item->start_mark, "'%s' must be a list of positive whole numbers%s", path, "");
				(*(int **)field)[n] = (int)num;
				*(int *)((char *)base + k->count_off) = n + 1;
				continue;
			}
			if (item->type != YAML_SCALAR_NODE || !*scalar(item))
				return at(l, item->start_mark, "'%s' must be a list of names%s", path, "");
			for (int i = 0; i < sl->n; i++)
				if (!strcmp(sl->v[i], scalar(item)))
					return at(l, item->start_mark, "'%s': '%s' is there twice", path, scalar(item));
			sl->v[sl->n++] = xstrdup(scalar(item));
		}
		if (k->kind == K_INTS && n == 0)
			*(int *)((char *)base + k->count_off) = 0;
		return 0;
	}
	case K_MAP:
		return load_map(l, v, k->sub, base, path);
	case K_RULES:
		return load_rules(l, v, base, path);
	case K_SOURCE: {
		struct crm_source *src = field;
		src->set = 1;
		return load_map(l, v, crm_source_keys, src, path);
	}
	case K_KV: {
		struct crm_kv **kv = field;
		int *n = (int *)((char *)base + k->count_off);
		if (v->type != YAML_MAPPING_NODE)
			return at(l, v->start_mark, "'%s' must be a map%s", path, "");
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
		     p < v->data.mapping.pairs.top; p++) {
			yaml_node_t *pk = yaml_document_get_node(&l->doc, p->key);
			yaml_node_t *pv = yaml_document_get_node(&l->doc, p->value);
			if (pk->type != YAML_SCALAR_NODE || pv->type != YAML_SCALAR_NODE)
				return at(l, pk->start_mark, "'%s' maps names to names%s", path, "");
			*kv = xrealloc(*kv, (size_t)(*n + 1) * sizeof **kv);
			(*kv)[*n].key = xstrdup(scalar(pk));
			(*kv)[(*n)++].value = xstrdup(scalar(pv));
		}
		return 0;
	}
	}
	return 0;
}

static int load_map(struct loader *l, yaml_node_t *map, const struct key *keys,
                    void *base, const char *prefix)
{
	char path[160];

	if (map->type != YAML_MAPPING_NODE) {
		if (map->type == YAML_SCALAR_NODE && !*scalar(map) && *prefix)
			return 0; /* "key:" with nothing under it */
		return at(l, map->start_mark, "'%s' must be a map%s", *prefix ? prefix : "the file", "");
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const struct key *row = NULL;
		const char *name = k->type == YAML_SCALAR_NODE ? scalar(k) : "?";
		if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", name) >=
		    (int)sizeof path)
			return at(l, k->start_mark, "unknown key '%s'%s", name, "");
		for (const struct key *kk = keys; kk->name; kk++)
			if (!strcmp(kk->name, name))
				row = kk;
		if (!row)
			return at(l, k->start_mark, "unknown key '%s'%s", path, "");
		if (l->nmarks < (int)(sizeof l->marks / sizeof l->marks[0])) {
			snprintf(l->marks[l->nmarks].path, sizeof l->marks[0].path, "%s", path);
			l->marks[l->nmarks++].mark = v->start_mark;
		}
		if (load_value(l, v, row, base, path))
			return CRM_CONFIG;
	}
	return 0;
}

static yaml_mark_t mark_of(struct loader *l, const char *path)
{
	yaml_mark_t none = { 0, 0, 0 };

	for (int i = 0; i < l->nmarks; i++)
		if (!strcmp(l->marks[i].path, path))
			return l->marks[i].mark;
	return none;
}

static int in_list(const struct crm_strlist *sl, const char *s)
{
	for (int i = 0; i < sl->n; i++)
		if (!strcmp(sl->v[i], s))
			return 1;
	return 0;
}

/* keep the items of a default list that the pipeline has */
static void fit_list(struct crm_strlist *sl, const struct crm_strlist *stages)
{
	int k = 0;

	for (int i = 0; i < sl->n; i++) {
		if (in_list(stages, sl->v[i]))
			sl->v[k++] = sl->v[i];
		else
			free(sl->v[i]);
	}
	sl->n = k;
}

static int given(struct loader *l, const char *path)
{
	return mark_of(l, path).index != mark_of(l, "").index;
}

/* Defaults that name stages follow a pipeline of the file's own: the
 * default terminal stages, on_reply and automation stages keep only what
 * it has. */
static void fit_defaults(struct loader *l, struct crm_config *c)
{
	if (c->on_reply && !given(l, "pipeline.on_reply") && !in_list(&c->stages, c->on_reply)) {
		free(c->on_reply);
		c->on_reply = NULL;
	}
	if (!given(l, "pipeline.terminal"))
		fit_list(&c->terminal, &c->stages);
	if (!given(l, "automation.stages")) {
		fit_list(&c->automation.stages, &c->stages);
		if (c->automation.stages.n == 0 && c->stages.n > 0)
			c->automation.stages.v[c->automation.stages.n++] = xstrdup(c->stages.v[0]);
	}
}

static int check(struct loader *l, struct crm_config *c)
{
	const char *q = c->automation.quiet_hours;

	fit_defaults(l, c);

	if (c->stages.n == 0)
		return at(l, mark_of(l, "pipeline.stages"), "'%s' must name at least one stage%s", "pipeline.stages", "");
	for (int i = 0; i < c->terminal.n; i++)
		if (!in_list(&c->stages, c->terminal.v[i]))
			return at(l, mark_of(l, "pipeline.terminal"), "pipeline.terminal: '%s' is not in pipeline.stages%s", c->terminal.v[i], "");
	if (c->on_reply && !in_list(&c->stages, c->on_reply))
		return at(l, mark_of(l, "pipeline.on_reply"), "pipeline.on_reply: '%s' is not in pipeline.stages%s", c->on_reply, "");
	for (int i = 0; i < c->automation.stages.n; i++)
		if (!in_list(&c->stages, c->automation.stages.v[i]))
			return at(l, mark_of(l, "automation.stages"), "automation.stages: '%s' is not in pipeline.stages%s", c->automation.stages.v[i], "");
	if (c->channels.n == 0)
		return at(l, mark_of(l, "channels"), "'%s' must name at least one channel%s", "channels", "");
	if (c->automation.max_touches < 1)
		return at(l, mark_of(l, "automation.max_touches"), "'%s' must be at least 1%s", "automation.max_touches", "");
	if (c->ai_default && strcmp(c->ai_default, "off") && strcmp(c->ai_default, "draft") &&
	    strcmp(c->ai_default, "auto"))
		return at(l, mark_of(l, "ai.default"), "ai.default: '%s' is not off, draft or auto%s", c->ai_default, "");
	if (q && !(strlen(q) == 11 && q[2] == ':' && q[5] == '-' && q[8] == ':' &&
	           atoi(q) < 24 && atoi(q + 3) < 60 && atoi(q + 6) < 24 && atoi(q + 9) < 60))
		return at(l, mark_of(l, "automation.quiet_hours"), "automation.quiet_hours: '%s' is not HH:MM-HH:MM%s", q, "");
	if (c->viability.base < 0 || c->viability.base > 100)
		return at(l, mark_of(l, "viability.base"), "'%s' must be from 0 to 100%s", "viability.base", "");
	if (c->operator_id < 0)
		return at(l, mark_of(l, "operator"), "'%s' must be a positive id%s", "operator", "");
	struct { const char *name; struct crm_source *s; } srcs[] = {
		{ "sources.leads", &c->sources.leads }, { "sources.contacts", &c->sources.contacts },
		{ "sources.operators", &c->sources.operators }, { "sources.listings", &c->sources.listings },
	};
	for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
		struct crm_source *s = srcs[i].s;
		if (!s->set)
			continue;
		if (!!s->sqlite + !!s->csv + !!s->jsonl != 1)
			return at(l, mark_of(l, srcs[i].name), "'%s' needs one of sqlite, csv or jsonl%s", srcs[i].name, "");
		if (s->sqlite && !s->table)
			return at(l, mark_of(l, srcs[i].name), "'%s' needs a table for its sqlite file%s", srcs[i].name, "");
	}
	if (c->webhook.timeout < 1 || c->webhook.retries < 0 || c->hooks.timeout < 1)
		return at(l, mark_of(l, "sync"), "timeouts must be at least 1 and retries not negative%s%s", "", "");
	return 0;
}

/* --- defaults, loading, freeing --- */

static void set_strs(struct crm_strlist *sl, const char *const *v)
{
	free_strs(sl);
	for (sl->n = 0; v[sl->n]; sl->n++)
		;
	sl->v = xmalloc((size_t)(sl->n + 1) * sizeof *sl->v);
	for (int i = 0; i < sl->n; i++)
		sl->v[i] = xstrdup(v[i]);
}

static void defaults(struct crm_config *c)
{
	static const char *const stages[] = { "new", "contacted", "replied", "meeting",
	                                      "negotiating", "won", "lost", NULL };
	static const char *const terminal[] = { "won", "lost", NULL };
	static const char *const channels[] = { "email", "form", "fb", "phone", "sms",
	                                        "whatsapp", NULL };
	static const char *const auto_stages[] = { "new", "contacted", NULL };
	static const struct crm_viability_rule rules[] = {
		{ "contact_email", NULL, NULL, 0, 0, 0, 0, 30 },
		{ "contact_phone", NULL, NULL, 0, 0, 0, 0, 30 },
		{ NULL, "source_type", "owner", 0, 0, 0, 0, 20 },
		{ NULL, "price", NULL, 100000, 600000, 1, 1, 20 },
	};

	memset(c, 0, sizeof *c);
	set_strs(&c->stages, stages);
	set_strs(&c->terminal, terminal);
	set_strs(&c->channels, channels);
	set_strs(&c->automation.stages, auto_stages);
	c->on_reply = xstrdup("replied");
	c->automation.followup_days = xmalloc(3 * sizeof(int));
	c->automation.followup_days[0] = 3;
	c->automation.followup_days[1] = 7;
	c->automation.followup_days[2] = 14;
	c->automation.nfollowup_days = 3;
	c->automation.max_touches = 4;
	c->automation.stop_on_reply = 1;
	c->ai_default = xstrdup("draft");
	c->viability.nrules = 4;
	c->viability.rules = xmalloc(sizeof rules);
	for (int i = 0; i < 4; i++) {
		c->viability.rules[i] = rules[i];
		c->viability.rules[i].has = rules[i].has ? xstrdup(rules[i].has) : NULL;
		c->viability.rules[i].field = rules[i].field ? xstrdup(rules[i].field) : NULL;
		c->viability.rules[i].equals = rules[i].equals ? xstrdup(rules[i].equals) : NULL;
	}
	c->notify_overdue_hours = 24;
	c->bulk_confirm = 100;
	c->hooks.timeout = 10;
	c->webhook.timeout = 20;
	c->webhook.retries = 8;
}

/* the first file of the search order that exists (owned), or NULL */
static char *find_file(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char buf[4096];

	if (access("crm.yaml", F_OK) == 0)
		return xstrdup("crm.yaml");
	if (xdg && *xdg == '/')
		snprintf(buf, sizeof buf, "%s/crm/crm.yaml", xdg);
	else if (home && *home)
		snprintf(buf, sizeof buf, "%s/.config/crm/crm.yaml", home);
	else
		buf[0] = '\0';
	if (buf[0] && access(buf, F_OK) == 0)
		return xstrdup(buf);
	if (access("/etc/crm/crm.yaml", F_OK) == 0)
		return xstrdup("/etc/crm/crm.yaml");
	return NULL;
}

int crm_config_load(struct crm_config *cfg, const char *explicit_path,
                    char *err, size_t errlen)
{
	struct loader l;
	yaml_parser_t parser;
	yaml_node_t *root;
	FILE *f = NULL;
	char *path;
	int rc = 0, have_doc = 0;

	defaults(cfg);
	path = explicit_path && *explicit_path ? xstrdup(explicit_path) : find_file();
	if (!path)
		return 0;
	cfg->path = path;
	if (!(f = fopen(path, "r"))) {
		snprintf(err, errlen, "config '%s': %s", path, strerror(errno));
		return CRM_NOINPUT;
	}
	memset(&l, 0, sizeof l);
	l.file = path;
	l.err = err;
	l.errlen = errlen;
	if (strchr(path, '/')) {
		l.dir = xstrdup(path);
		*strrchr(l.dir, '/') = '\0';
		if (!*l.dir) {
			free(l.dir);
			l.dir = xstrdup("/");
		}
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &l.doc)) {
		snprintf(err, errlen, "%s:%lu:%lu: %s", path,
		         (unsigned long)parser.problem_mark.line + 1,
		         (unsigned long)parser.problem_mark.column + 1,
		         parser.problem ? parser.problem : "not YAML");
		rc = CRM_CONFIG;
		goto cleanup;
	}
	have_doc = 1;
	root = yaml_document_get_root_node(&l.doc);
	if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root)))
		rc = load_map(&l, root, crm_config_keys, cfg, "");
	if (!rc)
		rc = check(&l, cfg);
cleanup:
	if (have_doc)
		yaml_document_delete(&l.doc);
	yaml_parser_delete(&parser);
	fclose(f);
	free(l.dir);
	return rc;
}

static void free_source(struct crm_source *s)
{
	free(s->sqlite);
	free(s->table);
	free(s->csv);
	free(s->jsonl);
	free(s->key);
	free(s->cursor);
	for (int i = 0; i < s->nmap; i++) {
		free(s->map[i].key);
		free(s->map[i].value);
	}
	free(s->map);
}

void crm_config_free(struct crm_config *c)
{
	free(c->path);
	free(c->database);
	free_strs(&c->stages);
	free_strs(&c->terminal);
	free(c->on_reply);
	free_strs(&c->channels);
	free_strs(&c->automation.stages);
	free(c->automation.followup_days);
	free(c->automation.quiet_hours);
	free(c->automation.timezone);
	free(c->ai_default);
	for (int i = 0; i < c->viability.nrules; i++) {
		free(c->viability.rules[i].has);
		free(c->viability.rules[i].field);
		free(c->viability.rules[i].equals);
	}
	free(c->viability.rules);
	free(c->hooks.on_reply);
	free(c->hooks.on_stage_change);
	free(c->hooks.on_won);
	free_source(&c->sources.leads);
	free_source(&c->sources.contacts);
	free_source(&c->sources.operators);
	free_source(&c->sources.listings);
	free(c->webhook.url);
	free(c->webhook.secret_env);
	free(c->webhook.secret_file);
	memset(c, 0, sizeof *c);
}

int crm_config_has_stage(const struct crm_config *cfg, const char *s)
{
	return in_list(&cfg->stages, s);
}

int crm_config_is_terminal(const struct crm_config *cfg, const char *s)
{
	return in_list(&cfg->terminal, s);
}

int crm_config_has_channel(const struct crm_config *cfg, const char *s)
{
	return in_list(&cfg->channels, s);
}
