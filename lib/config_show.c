/* config_show.c: the effective configuration read back, key by key, in
 * YAML flow text: what crm config get and crm config list print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "config_keys.h"

static char *strlist_join(const struct crm_strlist *l)
{
	size_t n = 3;
	char *out;

	for (int i = 0; i < l->n; i++)
		n += strlen(l->v[i]) + 2;
	out = xmalloc(n);
	strcpy(out, "[");
	for (int i = 0; i < l->n; i++) {
		if (i)
			strcat(out, ", ");
		strcat(out, l->v[i]);
	}
	strcat(out, "]");
	return out;
}

/* a field's value in YAML flow text (owned) */
static char *value_text(const struct key *k, const void *base)
{
	const void *field = (const char *)base + k->off;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	switch (k->kind) {
	case K_STR:
	case K_PATH:
		return xstrdup(*(char *const *)field ? *(char *const *)field : "null");
	case K_STRS:
		return strlist_join(field);
	default:
		break;
	}
	if (!(f = open_memstream(&buf, &len)))
		return xstrdup("?");
	switch (k->kind) {
	case K_INT:
		fprintf(f, "%d", *(const int *)field);
		break;
	case K_LLONG:
		if (*(const long long *)field)
			fprintf(f, "%lld", *(const long long *)field);
		else
			fputs("null", f);
		break;
	case K_BOOL:
		fputs(*(const int *)field ? "true" : "false", f);
		break;
	case K_INTS: {
		int n = *(const int *)((const char *)base + k->count_off);
		fputc('[', f);
		for (int i = 0; i < n; i++)
			fprintf(f, "%s%d", i ? ", " : "", (*(int *const *)field)[i]);
		fputc(']', f);
		break;
	}
	case K_RULES: {
		const struct crm_config *c = base;
		fputc('[', f);
		for (int i = 0; i < c->viability.nrules; i++) {
			const struct crm_viability_rule *r = &c->viability.rules[i];
			fprintf(f, "%s{", i ? ", " : "");
			if (r->has)
				fprintf(f, "has: %s", r->has);
			else
				fprintf(f, "field: %s", r->field);
			if (r->equals)
				fprintf(f, ", equals: %s", r->equals);
			if (r->has_min)
				fprintf(f, ", min: %g", r->min);
			if (r->has_max)
				fprintf(f, ", max: %g", r->max);
			fprintf(f, ", points: %d}", r->points);
		}
		fputc(']', f);
		break;
	}
	case K_SOURCE: {
		const struct crm_source *s = field;
		if (!s->set) {
			fputs("null", f);
			break;
		}
		fputc('{', f);
		int n = 0;
		for (const struct key *sk = crm_source_keys; sk->name; sk++) {
			if (sk->kind == K_KV) {
				if (!s->nmap)
					continue;
				fprintf(f, "%smap: {", n++ ? ", " : "");
				for (int i = 0; i < s->nmap; i++)
					fprintf(f, "%s%s: %s", i ? ", " : "", s->map[i].key, s->map[i].value);
				fputc('}', f);
				continue;
			}
			if ((sk->kind == K_STR || sk->kind == K_PATH) &&
			    !*(char *const *)((const char *)s + sk->off))
				continue;
			char *v = value_text(sk, s);
			fprintf(f, "%s%s: %s", n++ ? ", " : "", sk->name, v);
			free(v);
		}
		fputc('}', f);
		break;
	}
	default:
		break;
	}
	fclose(f);
	return buf;
}

static void each(const struct key *keys, const void *base, const char *prefix,
                 crm_config_fn fn, void *arg)
{
	char path[64];

	for (const struct key *k = keys; k->name; k++) {
		/* the tables' own names: never near the size */
		if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k->name) >=
		    (int)sizeof path)
			continue;
		if (k->kind == K_MAP) {
			each(k->sub, base, path, fn, arg);
			continue;
		}
		char *v = value_text(k, base);
		fn(path, v, arg);
		free(v);
	}
}

void crm_config_each(const struct crm_config *cfg, crm_config_fn fn, void *arg)
{
	each(crm_config_keys, cfg, "", fn, arg);
}

struct get_arg {
	const char *key;
	size_t len;
	crm_config_fn fn;
	void *arg;
	int found;
};

static void get_one(const char *key, const char *value, void *arg)
{
	struct get_arg *g = arg;

	/* the key itself, or every key of the section it names */
	if (!strcmp(key, g->key) || (!strncmp(key, g->key, g->len) && key[g->len] == '.')) {
		g->fn(key, value, g->arg);
		g->found = 1;
	}
}

int crm_config_get(const struct crm_config *cfg, const char *key,
                   crm_config_fn fn, void *arg)
{
	struct get_arg g = { key, strlen(key), fn, arg, 0 };

	crm_config_each(cfg, get_one, &g);
	return g.found ? 0 : -1;
}
