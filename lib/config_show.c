/* config_show.c: the effective configuration read back, key by key: what
 * crm config get and crm config list print.  A value is written in YAML
 * flow text ("[new, contacted]"), as a JSON value (["new","contacted"]),
 * or for a shell, a list one item a line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"
#include "config_keys.h"
#include "print.h"

struct out {
	FILE *f;
	enum crm_config_style style;
};

static int json(const struct out *o)
{
	return o->style == CRM_CONFIG_JSON;
}

/* Whether YAML would read s, written plain in a flow collection, as
 * something else: a null, a boolean, a number, a map, more items. */
static int yaml_needs_quotes(const char *s)
{
	static const char *const words[] = { "~", "null", "true", "false", "yes",
		"no", "on", "off", NULL };
	char *end;

	if (!*s || strchr("-?:,[]{}#&*!|>'\"%@` ", *s) || s[strlen(s) - 1] == ' ' ||
	    strpbrk(s, ",[]{}") || strstr(s, ": ") || strstr(s, " #") ||
	    s[strlen(s) - 1] == ':')
		return 1;
	if (crm_has_control(s))
		return 1;
	for (const char *const *w = words; *w; w++)
		if (!strcasecmp(s, *w))
			return 1;
	strtod(s, &end);
	return !*end;
}

/* s in YAML: plain when it reads back as itself, else quoted: single
 * quotes, or double ones with escapes for control characters */
static void yaml_put_string(FILE *f, const char *s)
{
	if (!yaml_needs_quotes(s)) {
		fputs(s, f);
		return;
	}
	if (!crm_has_control(s)) {
		fputc('\'', f);
		for (; *s; s++) {
			if (*s == '\'')
				fputc('\'', f);   /* '' is a quote inside quotes */
			fputc(*s, f);
		}
		fputc('\'', f);
		return;
	}
	fputc('"', f);
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	fputc('"', f);
}

/* a string or NULL: YAML in YAML text, as it is for a shell's lines,
 * quoted in JSON */
static void put_str(const struct out *o, const char *s)
{
	if (!s)
		fputs("null", o->f);
	else if (json(o))
		json_put_string(o->f, s);
	else if (o->style == CRM_CONFIG_LINES)
		fputs(s, o->f);
	else
		yaml_put_string(o->f, s);
}

/* the name of a member of a map, the first (n == 0) or a later one */
static void put_name(const struct out *o, int n, const char *name)
{
	if (n)
		fputs(json(o) ? "," : ", ", o->f);
	put_str(o, name);
	fputs(json(o) ? ":" : ": ", o->f);
}

/* before item i of a list; for a shell, one item a line */
static void put_sep(const struct out *o, int i)
{
	if (i)
		fputs(json(o) ? "," : o->style == CRM_CONFIG_LINES ? "\n" : ", ", o->f);
}

static void put_rule(const struct out *o, const struct crm_viability_rule *r)
{
	int n = 0;

	fputc('{', o->f);
	put_name(o, n++, r->has ? "has" : "field");
	put_str(o, r->has ? r->has : r->field);
	if (r->equals) {
		put_name(o, n++, "equals");
		put_str(o, r->equals);
	}
	if (r->has_min) {
		put_name(o, n++, "min");
		fprintf(o->f, "%.15g", r->min);
	}
	if (r->has_max) {
		put_name(o, n++, "max");
		fprintf(o->f, "%.15g", r->max);
	}
	put_name(o, n, "points");
	fprintf(o->f, "%d}", r->points);
}

static void put_value(const struct out *o, const struct key *k, const void *base);

static void put_source(const struct out *o, const struct crm_source *s)
{
	int n = 0;

	if (!s->set) {
		fputs("null", o->f);
		return;
	}
	fputc('{', o->f);
	for (const struct key *sk = crm_source_keys; sk->name; sk++) {
		if (sk->kind == K_KV) {
			if (!s->nmap)
				continue;
			put_name(o, n++, sk->name);
			fputc('{', o->f);
			for (int i = 0; i < s->nmap; i++) {
				put_name(o, i, s->map[i].key);
				put_str(o, s->map[i].value);
			}
			fputc('}', o->f);
			continue;
		}
		if ((sk->kind == K_STR || sk->kind == K_PATH) &&
		    !*(char *const *)((const char *)s + sk->off))
			continue;
		put_name(o, n++, sk->name);
		put_value(o, sk, s);
	}
	fputc('}', o->f);
}

/* the value of key k of base (struct crm_config or crm_source) */
static void put_value(const struct out *o, const struct key *k, const void *base)
{
	const void *field = (const char *)base + k->off;
	/* a shell's list is its lines, with no brackets */
	const char *open = o->style == CRM_CONFIG_LINES ? "" : "[";
	const char *close = o->style == CRM_CONFIG_LINES ? "" : "]";
	/* what is not a list of names or numbers is on one line */
	struct out one = { o->f, json(o) ? CRM_CONFIG_JSON : CRM_CONFIG_YAML };

	switch (k->kind) {
	case K_STR:
	case K_PATH:
		put_str(o, *(char *const *)field);
		break;
	case K_INT:
		fprintf(o->f, "%d", *(const int *)field);
		break;
	case K_LLONG:
		/* 0: not set */
		if (*(const long long *)field)
			fprintf(o->f, "%lld", *(const long long *)field);
		else
			fputs("null", o->f);
		break;
	case K_BOOL:
		fputs(*(const int *)field ? "true" : "false", o->f);
		break;
	case K_STRS: {
		const struct crm_strlist *sl = field;
		fputs(open, o->f);
		for (int i = 0; i < sl->n; i++) {
			put_sep(o, i);
			put_str(o, sl->v[i]);
		}
		fputs(close, o->f);
		break;
	}
	case K_INTS: {
		int n = *(const int *)((const char *)base + k->count_off);
		fputs(open, o->f);
		for (int i = 0; i < n; i++) {
			put_sep(o, i);
			fprintf(o->f, "%d", (*(int *const *)field)[i]);
		}
		fputs(close, o->f);
		break;
	}
	case K_RULES: {
		const struct crm_config *c = base;
		fputc('[', o->f);
		for (int i = 0; i < c->viability.nrules; i++) {
			put_sep(&one, i);
			put_rule(&one, &c->viability.rules[i]);
		}
		fputc(']', o->f);
		break;
	}
	case K_SOURCE:
		put_source(&one, field);
		break;
	case K_KV: {
		/* a map of names: {a: b, c: d}, on one line */
		const struct crm_kv *kv = *(struct crm_kv *const *)field;
		int n = *(const int *)((const char *)base + k->count_off);
		fputc('{', o->f);
		for (int i = 0; i < n; i++) {
			put_name(&one, i, kv[i].key);
			put_str(&one, kv[i].value);
		}
		fputc('}', o->f);
		break;
	}
	case K_MAP:
		break;
	}
}

/* the value in style (owned); NULL when out of memory */
static char *value_text(const struct key *k, const void *base,
                        enum crm_config_style style)
{
	struct out o = { NULL, style };
	char *buf = NULL;
	size_t len = 0;

	if (!(o.f = open_memstream(&buf, &len)))
		return NULL;
	put_value(&o, k, base);
	/* a shell reads lines: the last one ends too, unless there is none */
	if (style == CRM_CONFIG_LINES && ftell(o.f) > 0)
		fputc('\n', o.f);
	if (fclose(o.f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* fn(key, value) for each key of the tables under prefix that match (NULL:
 * all); the number of them */
static int each(const struct key *keys, const void *base, const char *prefix,
                const char *match, enum crm_config_style style,
                crm_config_fn fn, void *arg)
{
	size_t mlen = match ? strlen(match) : 0;
	char path[64];
	int found = 0;

	for (const struct key *k = keys; k->name; k++) {
		/* the tables' own names: never near the size */
		if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k->name) >=
		    (int)sizeof path)
			continue;
		if (k->kind == K_MAP) {
			found += each(k->sub, base, path, match, style, fn, arg);
			continue;
		}
		/* the key itself, or every key of the section it names */
		if (match && strcmp(path, match) &&
		    (strncmp(path, match, mlen) || path[mlen] != '.'))
			continue;
		char *v = value_text(k, base, style);
		fn(path, v ? v : "?", arg);
		free(v);
		found++;
	}
	return found;
}

void crm_config_each(const struct crm_config *cfg, enum crm_config_style style,
                     crm_config_fn fn, void *arg)
{
	each(crm_config_keys, cfg, "", NULL, style, fn, arg);
}

int crm_config_get(const struct crm_config *cfg, const char *key,
                   enum crm_config_style style, crm_config_fn fn, void *arg)
{
	return each(crm_config_keys, cfg, "", key, style, fn, arg) ? 0 : -1;
}

struct one {
	const char *key;
	char *value;
};

static void keep_one(const char *key, const char *value, void *arg)
{
	struct one *one = arg;

	if (!strcmp(key, one->key))
		one->value = xstrdup(value);
}

char *crm_config_value(const struct crm_config *cfg, const char *key,
                       enum crm_config_style style)
{
	struct one one = { key, NULL };

	crm_config_get(cfg, key, style, keep_one, &one);
	return one.value;
}
