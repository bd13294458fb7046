/* opt.c: the declarative option parser (see opt.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "display.h"
#include "opt.h"
#include "print.h"

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

static int is_option(const struct opt *o)
{
	return o->kind != OPT_POS_ && o->kind != OPT_INHERIT_;
}

/* Each option of opts and of what it inherits, in order. */
static void each(const struct opt *opts, void (*fn)(const struct opt *o, void *arg),
                 void *arg)
{
	for (const struct opt *o = opts; o->kind != OPT_END_; o++)
		if (o->kind == OPT_INHERIT_)
			each(o->target, fn, arg);
		else
			fn(o, arg);
}

/* the option named name[0..len) (long) or c (short, when name is NULL) */
static const struct opt *find(const struct opt *opts, const char *name, size_t len, char c)
{
	for (const struct opt *o = opts; o->kind != OPT_END_; o++) {
		const struct opt *in;
		if (o->kind == OPT_INHERIT_ && (in = find(o->target, name, len, c)))
			return in;
		if (!is_option(o))
			continue;
		if (name ? strlen(o->name) == len && !strncmp(o->name, name, len)
		         : o->short_name && o->short_name == c)
			return o;
	}
	return NULL;
}

/* The options every subcommand takes, bound to crm: out must hold 6. */
static void common_opts(struct crm *crm, struct opt out[6])
{
	struct opt fmt = { OPT_FORMAT_, "format", 0, &crm->fmt, "FMT", NULL,
	                   COMPL_FORMAT, NULL, NULL, 0 };
	struct opt safe = OPT_FLAG("safe-csv", 0, &crm->safe_csv,
	                           "in csv, a ' before a cell that a spreadsheet would run");
	struct opt quiet = OPT_FLAG("quiet", 'q', &crm->quiet, "no summary on stderr");
	struct opt no_pager = OPT_FLAG("no-pager", 0, &crm->no_pager, "a long table is not paged");
	struct opt actor = OPT_STRING("actor", &crm->actor, "NAME",
	                              "who is acting, for the history");
	struct opt end = OPT_END();
	int n = 0;

	out[n++] = fmt;
	out[n++] = safe;
	out[n++] = quiet;
	out[n++] = no_pager;
	if (crm->writes)
		out[n++] = actor;
	out[n] = end;
}

static void print_usage_line(struct crm *crm, FILE *out, const char *usage)
{
	if (!crm->cmdname) {
		fputs(usage, out);
		return;
	}
	fprintf(out, "usage: crm %s%s%s [options]\n", crm->cmdname,
	        usage && *usage ? " " : "", usage ? usage : "");
}

/* The names of the formats the command prints, from the printer's
 * table, into set (room for crm_fmt_count() + 1); how many. */
static int format_set(const struct crm *crm, const char **set)
{
	int n = 0;

	for (int i = 0; i < crm_fmt_count(); i++)
		if (!(crm->fmt_refused & (1u << i)))
			set[n++] = crm_fmt_name(i);
	set[n] = NULL;
	return n;
}

/* "table, tsv, csv, json, jsonl or ids" */
static void put_formats(const struct crm *crm, FILE *out)
{
	const char *set[16];
	int n = format_set(crm, set);

	for (int i = 0; i < n; i++)
		fprintf(out, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", set[i]);
}

/* the formats as put_formats writes them, into buf */
static const char *formats_text(const struct crm *crm, char *buf, size_t size)
{
	FILE *m = fmemopen(buf, size, "w");

	if (!m)
		return "table";
	put_formats(crm, m);
	fclose(m);
	return buf;
}

struct usage_out {
	FILE *out;
	const struct crm *crm;
};

static void usage_line(const struct opt *o, void *arg)
{
	struct usage_out *u = arg;
	FILE *out = u->out;
	char left[64];

	if (!is_option(o))
		return;
	if (o->short_name)
		snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
		         takes_value(o) ? " " : "", takes_value(o) ? o->argname : "");
	else if (o->flags & OPTF_OPTIONAL)
		snprintf(left, sizeof left, "    --%s [%s]", o->name, o->argname);
	else   /* aligned with "-q, --quiet" */
		snprintf(left, sizeof left, "    --%s%s%s", o->name,
		         takes_value(o) ? " " : "", takes_value(o) ? o->argname : "");
	fprintf(out, "  %-26s ", left);
	if (o->kind == OPT_FORMAT_) {
		put_formats(u->crm, out);
	} else {
		fputs(o->help, out);
		if (o->kind == OPT_ENUM_ || (o->kind == OPT_ANYOF_ && o->values)) {
			fputs(" (", out);
			for (const char *const *v = o->values; *v; v++)
				fprintf(out, "%s%s", v == o->values ? "" : ", ", *v);
			fputs(o->kind == OPT_ANYOF_ ? "; " : ")", out);
		}
		if (o->kind == OPT_LIST_)
			fputs(" (repeatable)", out);
		if (o->kind == OPT_ANYOF_)   /* "(a, b; several: ...)" or "(several: ...)" */
			fputs(o->values ? "several: A,B or repeated)" : " (several: A,B or repeated)", out);
	}
	fputc('\n', out);
}

void opt_usage(struct crm *crm, FILE *out, const struct opt *opts,
               const char *usage)
{
	struct opt common[6];
	struct usage_out u = { out, crm };

	common_opts(crm, common);
	print_usage_line(crm, out, usage);
	fputs("\noptions:\n", out);
	each(opts, usage_line, &u);
	each(common, usage_line, &u);
	fprintf(out, "  %-26s %s\n", "-h, --help", "show this help");
}

static void complain(struct crm *crm, const char *usage, const char *fmt, va_list ap)
{
	char msg[2048];

	/* the message quotes what was typed: no escape sequence in it may
	 * reach the terminal */
	vsnprintf(msg, sizeof msg, fmt, ap);
	fprintf(stderr, "crm: ");
	if (crm->cmdname)
		fprintf(stderr, "%s: ", crm->cmdname);
	crm_put_text(stderr, msg);
	fputc('\n', stderr);
	print_usage_line(crm, stderr, usage);
}

int opt_error(struct crm *crm, const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complain(crm, usage, fmt, ap);
	va_end(ap);
	return CRM_USAGE;
}

/* --- completion --- */

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

/* the database as it is, for the candidates it holds: never created or
 * migrated; none when there is none */
static int complete_db(struct crm *crm)
{
	if (crm->db)
		return 1;
	return !crm_db_path(crm) && access(crm->db_path, R_OK) == 0 && !crm_db_open_asis(crm);
}

static void put_value(const char *value, void *arg)
{
	(void)arg;
	puts(value);
}

static void complete_values(struct crm *crm, enum opt_compl c,
                            const char *const *values, const char *cur)
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
	case COMPL_FORMAT: {
		const char *set[16];
		format_set(crm, set);
		put_list(set, -1);
		break;
	}
	case COMPL_VALUES:
		if (values)
			put_list(values, -1);
		break;
	case COMPL_CONFIG_KEY:
		crm_config_each(&crm->cfg, CRM_CONFIG_YAML, put_key, NULL);
		break;
	case COMPL_CLIENT:
		if (complete_db(crm))
			crm_client_complete(crm, cur, put_value, NULL);
		break;
	case COMPL_TAG:
		if (complete_db(crm))
			crm_tag_complete(crm, strrchr(cur, ',') ? strrchr(cur, ',') + 1 : cur,
			                 put_value, NULL);
		break;
	case COMPL_NONE:
		break;
	}
}

static void put_name(const struct opt *o, void *arg)
{
	(void)arg;
	if (is_option(o))
		printf("--%s\n", o->name);
}

struct positional {
	struct crm *crm;
	const char *cur;
};

static void put_positional(const struct opt *o, void *arg)
{
	struct positional *p = arg;

	if (o->kind == OPT_POS_)
		complete_values(p->crm, o->compl, o->values, p->cur);
}

static void free_list(const struct opt *o, void *arg)
{
	(void)arg;
	if (o->kind == OPT_LIST_ || o->kind == OPT_ANYOF_)
		strvec_free(o->target);
}

void opt_free(const struct opt *opts)
{
	each(opts, free_list, NULL);
}

int opt_takes_value(const struct opt *opts, const char *arg)
{
	const struct opt *o;

	return !strncmp(arg, "--", 2) && (o = find(opts, arg + 2, strlen(arg + 2), 0)) &&
	       takes_value(o);
}

int opt_complete_global(struct crm *crm, const struct opt *opts, const char *prev,
                        const char *cur)
{
	const struct opt *o;

	if (!strncmp(prev, "--", 2) && (o = find(opts, prev + 2, strlen(prev + 2), 0)) &&
	    takes_value(o)) {
		complete_values(crm, o->compl, o->values, cur);
		return 1;
	}
	if (*cur == '-') {
		each(opts, put_name, NULL);
		return 1;
	}
	return 0;
}

/* argv: sub --crm-complete PREV CUR */
static int complete(struct crm *crm, int argc, char **argv, const struct opt *all)
{
	const char *prev = argc > 2 ? argv[2] : "";
	const char *cur = argc > 3 ? argv[3] : "";
	struct positional p = { crm, cur };

	if (!opt_complete_global(crm, all, prev, cur))
		each(all, put_positional, &p);
	if (*cur == '-')
		puts("--help");
	return OPT_HELP;
}

/* --- parsing --- */

static int set_value(struct crm *crm, const struct opt *o, const char *val,
                     const char *usage);

/* The values of an OPT_ANYOF_ option: val split at its commas (in place:
 * val is an argument), each checked as an enum or an id would be, with
 * the same messages, and kept. */
static int any_of(struct crm *crm, const struct opt *o, char *val, const char *usage)
{
	for (char *v = val, *comma; v; v = comma ? comma + 1 : NULL) {
		struct opt one = *o;
		const char *as_enum;
		long long as_id;

		if ((comma = strchr(v, ',')))
			*comma = '\0';
		one.seen = NULL;
		one.flags &= ~(unsigned)OPTF_NONEMPTY;
		if (o->values) {
			one.kind = OPT_ENUM_;
			one.target = &as_enum;
		} else if (o->flags & OPTF_POSITIVE) {
			one.kind = OPT_INT_;
			one.target = &as_id;
		}
		if (one.kind != OPT_ANYOF_ && set_value(crm, &one, v, usage))
			return -1;
		strvec_push(o->target, v);
	}
	return 0;
}

static int set_value(struct crm *crm, const struct opt *o, const char *val,
                     const char *usage)
{
	long long n;
	int f;
	char hint[1024];

	if ((o->flags & OPTF_NONEMPTY) && !*val)
		return opt_error(crm, usage, "option '--%s': the value is empty", o->name), OPT_BAD;
	switch (o->kind) {
	case OPT_STRING_:
		*(const char **)o->target = val;
		break;
	case OPT_INT_:
		if (crm_parse_int(val, &n))
			return opt_error(crm, usage, "option '--%s' takes a whole number, not '%s'",
			                 o->name, val), OPT_BAD;
		/* counts, limits, days, ids: never below zero; ids from 1 */
		if (n < ((o->flags & OPTF_POSITIVE) ? 1 : 0))
			return opt_error(crm, usage, "option '--%s' takes a whole number from %d,"
			                 " not '%s'", o->name, (o->flags & OPTF_POSITIVE) ? 1 : 0,
			                 val), OPT_BAD;
		*(long long *)o->target = n;
		break;
	case OPT_LIST_:
		strvec_push(o->target, val);
		break;
	case OPT_ANYOF_:
		if (any_of(crm, o, (char *)val, usage))
			return OPT_BAD;
		break;
	case OPT_ENUM_:
		for (const char *const *v = o->values; *v; v++)
			if (!strcmp(*v, val)) {
				*(const char **)o->target = *v;
				goto done;
			}
		return opt_error(crm, usage, "option '--%s': '%s' is not one of its values %s",
		                 o->name, val, crm_hint(val, o->values, hint, sizeof hint)), OPT_BAD;
	case OPT_FORMAT_:
		if ((f = crm_fmt_parse(val)) < 0) {
			const char *set[16], *best;
			char names[128];
			format_set(crm, set);
			best = crm_suggest(val, set);
			return opt_error(crm, usage, "unknown format '%s'; use %s%s%s%s", val,
			                 formats_text(crm, names, sizeof names),
			                 best ? "; did you mean '" : "", best ? best : "",
			                 best ? "'?" : ""), OPT_BAD;
		}
		*(enum crm_fmt *)o->target = (enum crm_fmt)f;
		crm->fmt_given = 1;
		break;
	default:
		break;
	}
done:
	if (o->seen)
		*o->seen = 1;
	return 0;
}

/* the long names of a command's options, for a suggestion */
#define NAMES_MAX 128
struct names {
	const char *v[NAMES_MAX + 2];   /* and "help", and NULL */
	int n;
};

static void add_name(const struct opt *o, void *arg)
{
	struct names *ns = arg;

	if (is_option(o) && ns->n < NAMES_MAX)
		ns->v[ns->n++] = o->name;
}

/* "; did you mean '--stage'?" when an option of all is what the unknown
 * "--name" (name[0..len)) likely meant, else "" */
static const char *option_hint(const struct opt *all, const char *name, size_t len,
                               char *buf, size_t size)
{
	struct names ns = { .n = 0 };
	char typed[64];
	const char *best;

	each(all, add_name, &ns);
	ns.v[ns.n++] = "help";
	ns.v[ns.n] = NULL;
	snprintf(typed, sizeof typed, "%.*s", (int)(len < sizeof typed ? len : 0), name);
	best = crm_suggest(typed, ns.v);
	if (!best)
		return "";
	snprintf(buf, size, "; did you mean '--%s'?", best);
	return buf;
}

/* Parse the options of all; positional arguments are moved to the
 * front of argv, or, with global, end the options.  The count of
 * positional arguments, or the index of the first one (global). */
static int parse(struct crm *crm, int argc, char **argv, const struct opt *all,
                 const char *usage, int global)
{
	int npos = 0, i;

	for (i = global ? 0 : 1; i < argc; i++) {
		char *a = argv[i], *eq;
		const struct opt *o;

		if (!strcmp(a, "--")) {
			if (global)
				return i + 1;
			for (i++; i < argc; i++)
				argv[npos++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			if (global)
				return i;
			argv[npos++] = a;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return OPT_HELP;
		if (a[1] != '-') {
			/* -q; or -o FILE, -oFILE for one that takes a value */
			if (!(o = find(all, NULL, 0, a[1])) || (a[2] && o->kind == OPT_FLAG_))
				return opt_error(crm, usage, "unknown option '%s'", a), OPT_BAD;
			if (o->kind == OPT_FLAG_) {
				*(int *)o->target = 1;
				continue;
			}
			if (!a[2] && i + 1 >= argc)
				return opt_error(crm, usage, "option '-%c' needs a value", a[1]),
				       OPT_BAD;
			if (set_value(crm, o, a[2] ? a + 2 : argv[++i], usage))
				return OPT_BAD;
			continue;
		}
		eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		const char *val = eq ? eq + 1 : NULL;

		if (!(o = find(all, a + 2, len, 0))) {
			char hint[96];
			return opt_error(crm, usage, "unknown option '%.*s'%s", (int)len + 2, a,
			                 option_hint(all, a + 2, len, hint, sizeof hint)), OPT_BAD;
		}
		if (o->kind == OPT_FLAG_) {
			if (val)
				return opt_error(crm, usage, "option '--%s' takes no value", o->name),
				       OPT_BAD;
			*(int *)o->target = 1;
			if (o->seen)
				*o->seen = 1;
			continue;
		}
		if (!val && (o->flags & OPTF_OPTIONAL) &&
		    (i + 1 >= argc || argv[i + 1][0] == '-'))
			val = o->values[0];
		if (!val) {
			if (i + 1 >= argc)
				return opt_error(crm, usage, "option '--%s' needs a value", o->name),
				       OPT_BAD;
			val = argv[++i];
		}
		if (set_value(crm, o, val, usage))
			return OPT_BAD;
	}
	return global ? i : npos;
}

static int (*when_parsed)(struct crm *crm);

void opt_when_parsed(int (*fn)(struct crm *crm))
{
	when_parsed = fn;
}

int opt_parse(struct crm *crm, int argc, char **argv, const struct opt *opts,
              const char *usage)
{
	struct opt common[6];
	struct opt all[] = { OPT_INHERIT(opts), OPT_INHERIT(common), OPT_END() };
	int n;

	common_opts(crm, common);
	if (argc > 1 && !strcmp(argv[1], "--crm-complete"))
		return complete(crm, argc, argv, all);
	n = parse(crm, argc, argv, all, usage, 0);
	if (n == OPT_HELP)
		opt_usage(crm, stdout, opts, usage);
	/* --format here or before the command: one it prints */
	if (n >= 0 && crm->fmt != FMT_DEFAULT && (crm->fmt_refused & (1u << crm->fmt))) {
		char names[128];
		return opt_error(crm, usage, "format '%s' is for lists; use %s",
		                 crm_fmt_name(crm->fmt), formats_text(crm, names, sizeof names)),
		       OPT_BAD;
	}
	if (crm->fmt == FMT_DEFAULT)
		crm->fmt = isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_TSV;
	if (n >= 0 && when_parsed) {
		int (*fn)(struct crm *crm) = when_parsed, st;
		when_parsed = NULL;
		if ((st = fn(crm)))
			return OPT_FAILED(st);
	}
	return n;
}

int opt_parse_global(struct crm *crm, int argc, char **argv, const struct opt *opts,
                     const char *usage)
{
	return parse(crm, argc, argv, opts, usage, 1);
}
