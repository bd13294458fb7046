/* config.c: crm.yaml, found by the search order, read with libyaml and
 * checked against the key tables of config_keys.c.  A key that is not in
 * its table, or a node of the wrong kind, is an error with the file, line
 * and column.  Defaults fill what the file leaves out; config_check.c then
 * checks what the file says as a whole. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "crm.h"
#include "client.h"
#include "config_keys.h"
#include "config_load.h"
#include "lead.h"

int crm_config_at(struct loader *l, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(l->err, l->errlen, "%s:%lu:%lu: ", l->file,
	                 (unsigned long)m.line + 1, (unsigned long)m.column + 1);

	if (n >= 0 && (size_t)n < l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return CRM_CONFIG;
}

static const char *scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* YAML's null: nothing after the colon, or a plain ~ or null */
static int is_null(yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE)
		return 0;
	s = scalar(n);
	return !*s || (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	               (!strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	                !strcmp(s, "NULL")));
}

/* the name of the key of pair p, "" when it is not a scalar */
static const char *key_name(struct loader *l, yaml_node_pair_t *p)
{
	yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
	return k->type == YAML_SCALAR_NODE ? scalar(k) : "";
}

/* 1 if a pair of the map before p has the same key: YAML forbids it, and
 * libyaml lets it through */
static int given_before(struct loader *l, yaml_node_t *map, yaml_node_pair_t *p)
{
	const char *name = key_name(l, p);

	for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
		if (!strcmp(key_name(l, q), name))
			return 1;
	return 0;
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
		return crm_config_at(l, n->start_mark, "'%s' must be a whole number", path);
	return 0;
}

/* A whole number from min to max (0: none but what an int holds, or a
 * long long when is_llong) */
static int get_int_in(struct loader *l, yaml_node_t *n, const char *path,
                      long long min, long long max, int is_llong, long long *out)
{
	if (get_int(l, n, path, out))
		return CRM_CONFIG;
	if (max && (*out < min || *out > max))
		return crm_config_at(l, n->start_mark, "'%s' must be from %lld to %lld", path, min, max);
	if (*out < min)
		return crm_config_at(l, n->start_mark, "'%s' must be at least %lld", path, min);
	if (!is_llong && *out > INT_MAX)
		return crm_config_at(l, n->start_mark, "'%s' is too large", path);
	return 0;
}

static int get_str(struct loader *l, yaml_node_t *n, const char *path)
{
	if (n->type != YAML_SCALAR_NODE)
		return crm_config_at(l, n->start_mark, "'%s' must be a string", path);
	return 0;
}

static int load_map(struct loader *l, yaml_node_t *map, const struct key *keys,
                    void *base, const char *prefix);

/* "; did you mean 'pipeline.stages'?" when one of names (NULL-terminated),
 * the keys of the map at prefix, is what the unknown key name likely
 * meant, else "" */
static const char *key_hint(const char *prefix, const char *name, const char *const *names,
                            char *buf, size_t size)
{
	const char *best = crm_suggest(name, names);

	if (!best)
		return "";
	snprintf(buf, size, "; did you mean '%s%s%s'?", prefix, *prefix ? "." : "", best);
	return buf;
}

/* one rule of viability.rules, a map, into r */
static int load_rule(struct loader *l, yaml_node_t *rn, struct crm_viability_rule *r,
                     const char *path)
{
	int have_points = 0;

	if (rn->type != YAML_MAPPING_NODE)
		return crm_config_at(l, rn->start_mark, "'%s': a rule is a map", path);
	for (yaml_node_pair_t *p = rn->data.mapping.pairs.start;
	     p < rn->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const char *name = key_name(l, p);
		char kpath[192];
		long long num;
		char *end;

		snprintf(kpath, sizeof kpath, "%s.%s", path, name);
		if (given_before(l, rn, p))
			return crm_config_at(l, k->start_mark, "duplicate key '%s'", kpath);
		if (!strcmp(name, "has") || !strcmp(name, "field") || !strcmp(name, "equals")) {
			if (get_str(l, v, kpath))
				return CRM_CONFIG;
			if (name[0] != 'e' && crm_lead_field(scalar(v)) < 0) {
				const char *fields[LF_COUNT + 1];
				char hint[1024];
				for (int i = 0; i < LF_COUNT; i++)
					fields[i] = crm_lead_field_name(i);
				fields[LF_COUNT] = NULL;
				return crm_config_at(l, v->start_mark, "%s: '%s' is not a lead field %s",
				                     kpath, scalar(v),
				                     crm_hint(scalar(v), fields, hint, sizeof hint));
			}
			char **dst = name[0] == 'h' ? &r->has : name[0] == 'f' ? &r->field : &r->equals;
			*dst = xstrdup(scalar(v));
		} else if (!strcmp(name, "min") || !strcmp(name, "max")) {
			double d = v->type == YAML_SCALAR_NODE ? strtod(scalar(v), &end) : 0;
			if (v->type != YAML_SCALAR_NODE || end == scalar(v) || *end || !isfinite(d))
				return crm_config_at(l, v->start_mark, "'%s' must be a number", kpath);
			if (name[1] == 'i') {
				r->min = d;
				r->has_min = 1;
			} else {
				r->max = d;
				r->has_max = 1;
			}
		} else if (!strcmp(name, "points")) {
			if (get_int_in(l, v, kpath, INT_MIN, 0, 0, &num))
				return CRM_CONFIG;
			r->points = (int)num;
			have_points = 1;
		} else {
			static const char *const rule_keys[] = { "has", "field", "equals", "min",
			                                         "max", "points", NULL };
			char hint[256];
			return crm_config_at(l, k->start_mark, "unknown key '%s'%s", kpath,
			                     key_hint(path, name, rule_keys, hint, sizeof hint));
		}
	}
	if (!r->has && !r->field)
		return crm_config_at(l, rn->start_mark, "'%s': a rule needs 'has' or 'field'", path);
	if (r->has && r->field)
		return crm_config_at(l, rn->start_mark, "'%s': a rule has 'has' or 'field', not both", path);
	if (r->has && (r->equals || r->has_min || r->has_max))
		return crm_config_at(l, rn->start_mark, "'%s': a 'has' rule takes no 'equals', 'min' or 'max'", path);
	if (r->field && !r->equals && !r->has_min && !r->has_max)
		return crm_config_at(l, rn->start_mark, "'%s': a 'field' rule needs 'equals', 'min' or 'max'", path);
	if (r->equals && (r->has_min || r->has_max))
		return crm_config_at(l, rn->start_mark, "'%s': a rule has 'equals' or a range ('min', 'max'), not both", path);
	if (r->has_min && r->has_max && r->min > r->max)
		return crm_config_at(l, rn->start_mark, "'%s': a rule's 'min' is more than its 'max'", path);
	if (!have_points)
		return crm_config_at(l, rn->start_mark, "'%s': a rule needs 'points'", path);
	return 0;
}

static int load_rules(struct loader *l, yaml_node_t *n, struct crm_config *cfg,
                      const char *path)
{
	int i = 0, count;

	if (n->type != YAML_SEQUENCE_NODE)
		return crm_config_at(l, n->start_mark, "'%s' must be a list of rules", path);
	count = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (count > CRM_CONFIG_LIST_MAX)
		return crm_config_at(l, n->start_mark, "'%s': more than %d items", path, CRM_CONFIG_LIST_MAX);
	crm_viability_rules_free(cfg);
	cfg->viability.rules = xmalloc((size_t)(count + 1) * sizeof *cfg->viability.rules);
	memset(cfg->viability.rules, 0, (size_t)(count + 1) * sizeof *cfg->viability.rules);
	cfg->viability.nrules = count;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++, i++)
		if (load_rule(l, yaml_document_get_node(&l->doc, *it),
		              &cfg->viability.rules[i], path))
			return CRM_CONFIG;
	return 0;
}

static int load_value(struct loader *l, yaml_node_t *v, const struct key *k,
                      void *base, const char *path)
{
	void *field = (char *)base + k->off;
	long long num;

	/* a map with nothing in it, "pipeline:" or "pipeline: ~", sets
	 * nothing: its defaults stay */
	if ((k->kind == K_MAP || k->kind == K_SOURCE || k->kind == K_KV) && is_null(v))
		return 0;
	switch (k->kind) {
	case K_STR:
	case K_PATH:
		if (get_str(l, v, path))
			return CRM_CONFIG;
		free(*(char **)field);
		*(char **)field = is_null(v) ? NULL
			: k->kind == K_PATH ? expand_path(l, scalar(v)) : xstrdup(scalar(v));
		return 0;
	case K_INT:
	case K_LLONG:
		if (k->kind == K_LLONG && is_null(v)) {
			*(long long *)field = 0;   /* operator: ~ is none set */
			return 0;
		}
		if (get_int_in(l, v, path, k->min, k->max, k->kind == K_LLONG, &num))
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
		return crm_config_at(l, v->start_mark, "'%s' must be true or false", path);
	}
	case K_STRS:
	case K_INTS: {
		struct crm_strlist *sl = field;
		int n = 0;
		if (v->type != YAML_SEQUENCE_NODE)
			return crm_config_at(l, v->start_mark, "'%s' must be a list", path);
		int count = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
		/* what is sane: a pipeline is read on every command */
		if (count > CRM_CONFIG_LIST_MAX)
			return crm_config_at(l, v->start_mark, "'%s': more than %d items", path,
			          CRM_CONFIG_LIST_MAX);
		if (k->kind == K_STRS) {
			crm_strlist_free(sl);
			sl->v = xmalloc((size_t)(count + 1) * sizeof *sl->v);
		} else {
			free(*(int **)field);
			*(int **)field = xmalloc((size_t)(count + 1) * sizeof(int));
		}
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++, n++) {
			yaml_node_t *item = yaml_document_get_node(&l->doc, *it);
			if (k->kind == K_INTS) {
				if (get_int_in(l, item, path, k->min, k->max, 0, &num))
					return CRM_CONFIG;
				(*(int **)field)[n] = (int)num;
				*(int *)((char *)base + k->count_off) = n + 1;
				continue;
			}
			if (item->type != YAML_SCALAR_NODE || !*scalar(item))
				return crm_config_at(l, item->start_mark, "'%s' must be a list of names", path);
			sl->v[sl->n++] = xstrdup(scalar(item));
		}
		if (k->kind == K_STRS && sl->n > 1) {
			struct crm_span *names = xmalloc((size_t)sl->n * sizeof *names);
			int dup;
			for (int i = 0; i < sl->n; i++)
				names[i] = (struct crm_span){ sl->v[i], strlen(sl->v[i]) };
			dup = crm_find_dup(names, sl->n);
			free(names);
			if (dup >= 0) {
				yaml_node_t *item = yaml_document_get_node(&l->doc,
				                                           v->data.sequence.items.start[dup]);
				return crm_config_at(l, item->start_mark, "'%s': '%s' is there twice", path,
				          sl->v[dup]);
			}
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
		/* "leads: {}" sets nothing, as "leads: ~" does */
		if (v->type == YAML_MAPPING_NODE &&
		    v->data.mapping.pairs.top == v->data.mapping.pairs.start)
			return 0;
		src->set = 1;
		return load_map(l, v, crm_source_keys, src, path);
	}
	case K_KV: {
		struct crm_kv **kv = field;
		int *n = (int *)((char *)base + k->count_off);
		if (v->type != YAML_MAPPING_NODE)
			return crm_config_at(l, v->start_mark, "'%s' must be a map", path);
		if (v->data.mapping.pairs.top - v->data.mapping.pairs.start > CRM_CONFIG_LIST_MAX)
			return crm_config_at(l, v->start_mark, "'%s': more than %d items", path,
			          CRM_CONFIG_LIST_MAX);
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
		     p < v->data.mapping.pairs.top; p++) {
			yaml_node_t *pk = yaml_document_get_node(&l->doc, p->key);
			yaml_node_t *pv = yaml_document_get_node(&l->doc, p->value);
			if (pk->type != YAML_SCALAR_NODE || pv->type != YAML_SCALAR_NODE)
				return crm_config_at(l, pk->start_mark, "'%s' maps names to names", path);
			if (given_before(l, v, p))
				return crm_config_at(l, pk->start_mark, "duplicate key '%s.%s'", path, scalar(pk));
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

	if (map->type != YAML_MAPPING_NODE)
		return crm_config_at(l, map->start_mark, "'%s' must be a map", *prefix ? prefix : "the file");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
		const struct key *row = NULL;
		const char *name = k->type == YAML_SCALAR_NODE ? scalar(k) : "?";
		if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", name) >=
		    (int)sizeof path)
			return crm_config_at(l, k->start_mark, "unknown key '%s'", name);
		for (const struct key *kk = keys; kk->name; kk++)
			if (!strcmp(kk->name, name))
				row = kk;
		if (!row) {
			const char *names[64];
			char hint[256];
			int n = 0;
			for (const struct key *kk = keys; kk->name && n < 63; kk++)
				names[n++] = kk->name;
			names[n] = NULL;
			return crm_config_at(l, k->start_mark, "unknown key '%s'%s", path,
			                     key_hint(prefix, name, names, hint, sizeof hint));
		}
		if (given_before(l, map, p))
			return crm_config_at(l, k->start_mark, "duplicate key '%s'", path);
		if (l->nmarks < (int)(sizeof l->marks / sizeof l->marks[0])) {
			snprintf(l->marks[l->nmarks].path, sizeof l->marks[0].path, "%s", path);
			l->marks[l->nmarks++].mark = v->start_mark;
		}
		if (load_value(l, v, row, base, path))
			return CRM_CONFIG;
	}
	return 0;
}

/* --- loading --- */

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

/* the next document of the file into doc; a syntax error is CRM_CONFIG */
static int parse_doc(struct loader *l, yaml_parser_t *parser, yaml_document_t *doc)
{
	if (yaml_parser_load(parser, doc))
		return 0;
	return crm_config_at(l, parser->problem_mark, "%s", parser->problem ? parser->problem : "not YAML");
}

int crm_config_load(struct crm_config *cfg, const char *explicit_path,
                    char *err, size_t errlen)
{
	struct loader l;
	yaml_parser_t parser;
	yaml_document_t more;
	yaml_node_t *root;
	struct stat st;
	FILE *f = NULL;
	char *path;
	int rc = 0, have_doc = 0;

	crm_config_defaults(cfg);
	path = explicit_path && *explicit_path ? xstrdup(explicit_path) : find_file();
	if (!path)
		return 0;
	cfg->path = path;
	f = fopen(path, "r");
	/* a folder opens for reading, and fails only when read */
	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f) {
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
	if ((rc = parse_doc(&l, &parser, &l.doc)))
		goto cleanup;
	have_doc = 1;
	/* one document: what follows a second "---" would be ignored */
	if ((rc = parse_doc(&l, &parser, &more)))
		goto cleanup;
	if (yaml_document_get_root_node(&more))
		rc = crm_config_at(&l, more.start_mark, "a second YAML document; the file holds one");
	yaml_document_delete(&more);
	root = yaml_document_get_root_node(&l.doc);
	if (!rc && root && !is_null(root))
		rc = load_map(&l, root, crm_config_keys, cfg, "");
	if (!rc)
		rc = crm_config_check(&l, cfg);
cleanup:
	if (have_doc)
		yaml_document_delete(&l.doc);
	yaml_parser_delete(&parser);
	fclose(f);
	free(l.dir);
	return rc;
}
