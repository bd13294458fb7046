/* opt.c: the declarative option parser (see opt.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opt.h"
#include "print.h"

static const char *const formats[] = { "table", "tsv", "csv", "json", "jsonl",
                                       "ids", NULL };

void strvec_push(struct strvec *sv, const char *s)
{
	sv->v = xrealloc(sv->v, (size_t)(sv->n + 2) * sizeof *sv->v);
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strvec_free(struct strvec *sv)
{
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

static int takes_value(const struct opt *o)
{
	return o->kind != OPT_FLAG_;
}

static void print_usage_line(struct crm *crm, FILE *out, const char *usage)
{
	fprintf(out, "usage: crm %s%s%s [options]\n", crm->cmdname,
	        usage && *usage ? " " : "", usage ? usage : "");
}

void opt_usage(struct crm *crm, FILE *out, const struct opt *opts,
               const char *usage)
{
	char left[64];

	print_usage_line(crm, out, usage);
	fputs("\noptions:\n", out);
	for (const struct opt *o = opts; o->kind != OPT_END_; o++) {
		if (o->kind == OPT_POS_)
			continue;
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name,
			         o->name, takes_value(o) ? " " : "",
			         takes_value(o) ? o->argname : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
			         takes_value(o) ? " " : "",
			         takes_value(o) ? o->argname : "");
		fprintf(out, "  %-26s %s", left, o->help);
		if (o->kind == OPT_ENUM_) {
			fputs(" (", out);
			for (const char *const *v = o->values; *v; v++)
				fprintf(out, "%s%s", v == o->values ? "" : ", ", *v);
			fputc(')', out);
		}
		if (o->kind == OPT_LIST_)
			fputs(" (repeatable)", out);
		fputc('\n', out);
	}
	fprintf(out, "  %-26s %s\n", "    --format FMT",
	        "table, tsv, csv, json, jsonl or ids");
	fprintf(out, "  %-26s %s\n", "    --safe-csv",
	        "in csv, a ' before a cell that a spreadsheet would run");
	fprintf(out, "  %-26s %s\n", "-q, --quiet", "no summary on stderr");
	fprintf(out, "  %-26s %s\n", "-h, --help", "show this help");
}

void opt_complain(struct crm *crm, const char *usage, const char *fmt, va_list ap)
{
	fprintf(stderr, "crm: %s: ", crm->cmdname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	print_usage_line(crm, stderr, usage);
}

static int bad(struct crm *crm, const struct opt *opts, const char *usage,
               const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	opt_complain(crm, usage, fmt, ap);
	va_end(ap);
	(void)opts;
	return OPT_BAD;
}

static void put_list(const char *const *v, int n)
{
	for (int i = 0; n < 0 ? v[i] != NULL : i < n; i++)
		puts(v[i]);
}

static void put_key(const char *key, const char *value, void *arg)
{
	(void)value;
	(void)arg;
	puts(key);
}

static void complete_values(struct crm *crm, enum opt_compl c,
                            const char *const *values)
{
	switch (c) {
	case COMPL_FILE:
		puts("@file");
		break;
	case COMPL_STAGE:
		put_list((const char *const *)crm->cfg.stages.v, crm->cfg.stages.n);
		break;
	case COMPL_CHANNEL:
		put_list((const char *const *)crm->cfg.channels.v, crm->cfg.channels.n);
		break;
	case COMPL_FORMAT:
		put_list(formats, -1);
		break;
	case COMPL_VALUES:
		if (values)
			put_list(values, -1);
		break;
	case COMPL_CONFIG_KEY:
		crm_config_each(&crm->cfg, CRM_CONFIG_YAML, put_key, NULL);
		break;
	case COMPL_NONE:
		break;
	}
}

/* argv: sub --crm-complete PREV CUR */
static int complete(struct crm *crm, int argc, char **argv,
                    const struct opt *opts)
{
	const char *prev = argc > 2 ? argv[2] : "";
	const char *cur = argc > 3 ? argv[3] : "";

	if (!strcmp(prev, "--format")) {
		complete_values(crm, COMPL_FORMAT, NULL);
		return OPT_HELP;
	}
	for (const struct opt *o = opts; o->kind != OPT_END_; o++) {
		if (o->kind == OPT_POS_ || !takes_value(o) || strncmp(prev, "--", 2) ||
		    strcmp(prev + 2, o->name))
			continue;
		complete_values(crm, o->compl, o->values);
		return OPT_HELP;
	}
	if (*cur == '-') {
		for (const struct opt *o = opts; o->kind != OPT_END_; o++)
			if (o->kind != OPT_POS_)
				printf("--%s\n", o->name);
		puts("--format\n--safe-csv\n--quiet\n--help");
		return OPT_HELP;
	}
	for (const struct opt *o = opts; o->kind != OPT_END_; o++)
		if (o->kind == OPT_POS_)
			complete_values(crm, o->compl, o->values);
	return OPT_HELP;
}

static int set_value(struct crm *crm, const struct opt *o, const char *val,
                     const struct opt *opts, const char *usage)
{
	long long n;

	switch (o->kind) {
	case OPT_STRING_:
		*(const char **)o->target = val;
		break;
	case OPT_INT_:
		if (crm_parse_int(val, &n))
			return bad(crm, opts, usage,
			           "option '--%s' takes a whole number, not '%s'", o->name, val);
		/* counts, limits, days, ids: never below zero */
		if (n < 0)
			return bad(crm, opts, usage, "option '--%s' cannot be negative, as '%s' is",
			           o->name, val);
		*(long long *)o->target = n;
		break;
	case OPT_LIST_:
		strvec_push(o->target, val);
		break;
	case OPT_ENUM_:
		for (const char *const *v = o->values; *v; v++)
			if (!strcmp(*v, val)) {
				*(const char **)o->target = *v;
				goto done;
			}
		return bad(crm, opts, usage, "option '--%s': '%s' is not one of its values",
		           o->name, val);
	default:
		break;
	}
done:
	if (o->seen)
		*o->seen = 1;
	return 0;
}

int opt_parse(struct crm *crm, int argc, char **argv, const struct opt *opts,
              const char *usage)
{
	int npos = 0, i;

	if (argc > 1 && !strcmp(argv[1], "--crm-complete"))
		return complete(crm, argc, argv, opts);

	for (i = 1; i < argc; i++) {
		char *a = argv[i], *eq;
		const struct opt *o = NULL;

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				argv[npos++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			argv[npos++] = a;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			opt_usage(crm, stdout, opts, usage);
			return OPT_HELP;
		}
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			crm->quiet = 1;
			continue;
		}
		if (!strcmp(a, "--safe-csv")) {
			crm->safe_csv = 1;
			continue;
		}
		if (a[1] != '-') {
			for (const struct opt *p = opts; p->kind != OPT_END_; p++)
				if (p->short_name && p->short_name == a[1] && !a[2])
					o = p;
			if (!o)
				return bad(crm, opts, usage, "unknown option '%s'", a);
			*(int *)o->target = 1;
			continue;
		}
		eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		const char *val = eq ? eq + 1 : NULL;

		if (len == 6 && !strncmp(a + 2, "format", 6)) {
			if (!val && i + 1 >= argc)
				return bad(crm, opts, usage, "option '--format' needs a value");
			if (!val)
				val = argv[++i];
			int f = crm_fmt_parse(val);
			if (f < 0)
				return bad(crm, opts, usage, "unknown format '%s'", val);
			crm->fmt = (enum crm_fmt)f;
			continue;
		}
		for (const struct opt *p = opts; p->kind != OPT_END_; p++)
			if (p->kind != OPT_POS_ && strlen(p->name) == len &&
			    !strncmp(p->name, a + 2, len))
				o = p;
		if (!o)
			return bad(crm, opts, usage, "unknown option '%.*s'",
			           (int)len + 2, a);
		if (o->kind == OPT_FLAG_) {
			if (val)
				return bad(crm, opts, usage, "option '--%s' takes no value",
				           o->name);
			*(int *)o->target = 1;
			if (o->seen)
				*o->seen = 1;
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				return bad(crm, opts, usage, "option '--%s' needs a value",
				           o->name);
			val = argv[++i];
		}
		if (set_value(crm, o, val, opts, usage))
			return OPT_BAD;
	}
	if (crm->fmt == FMT_DEFAULT)
		crm->fmt = isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_TSV;
	return npos;
}
