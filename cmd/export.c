/* export.c: crm export csv|xlsx|jsonl (see crm-export(1)). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "export.h"
#include "filters.h"
#include "outfile.h"
#include "print.h"

static const char usage[] = "[--what WHAT] [filters] [--columns A,B,...] [-o FILE]";

/* the options of export's own, and their values */
struct export_opts {
	const char *what, *columns, *out;
};

/* the command line's filters as text, for the workbook's properties: the
 * arguments but export's own options and their values (owned) */
static char *filters_text(int argc, char **argv)
{
	static const char *const own[] = { "--what", "--columns", "--output", "-o", NULL };
	size_t len = 1;
	char *s;

	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xcalloc(1, len + sizeof "(none)");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t n = strcspn(a, "=");
		int skip = 0;
		for (const char *const *o = own; *o && !skip; o++)
			skip = strlen(*o) == n && !strncmp(a, *o, n);
		if (skip) {
			i += !a[n];   /* "--what all": its value too */
			continue;
		}
		if (*s)
			strcat(s, " ");
		strcat(s, a);
	}
	if (!*s)
		strcpy(s, "(none)");
	return s;
}

/* the names of a comma list, into v (each owned by v) */
static void split_columns(const char *list, struct strvec *v)
{
	char *copy = xstrdup(list);

	/* a name left empty ("a,,b") is kept, to be refused as unknown */
	for (char *p = copy, *comma; p; p = comma ? comma + 1 : NULL) {
		if ((comma = strchr(p, ',')))
			*comma = '\0';
		strvec_push(v, xstrdup(p));
	}
	free(copy);
}

static int ends_with_csv(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && !strcasecmp(path + n - 4, ".csv");
}

/* copy the file at path to stdout */
static int copy_out(struct crm *crm, const char *path)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(path, "rb");
	int rc = 0;

	if (!in)
		return crm_err(crm, CRM_CANTCREAT, "export: %s: %s", path, strerror(errno));
	/* a write that fails stops it: crm's exit, which checks stdout,
	 * says so once (73) */
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			break;
	if (!rc && ferror(in))
		rc = crm_err(crm, CRM_CANTCREAT, "export: %s: %s", path, strerror(errno));
	fclose(in);
	return rc;
}

/* the export of ex in fmt, to o->out or stdout */
static int write_export(struct crm *crm, enum crm_fmt fmt, const struct export_opts *o,
                        const struct crm_export *ex, const struct xlsx_props *props)
{
	struct crm_outfile of = { 0 };
	struct printer *pr = NULL;
	char tmp[4096] = "";
	const char *xlsx_path = NULL;
	int rc = 0, fd;

	if (o->out && (rc = crm_out_open(crm, "export file", o->out, NULL, 0, &of)))
		return rc;
	if (fmt != FMT_XLSX) {
		pr = printer_new(o->out ? of.fp : stdout, fmt);
		/* a file named .csv is for a spreadsheet: no cell it would run */
		printer_safe_csv(pr, crm->safe_csv || (o->out && ends_with_csv(o->out)));
	} else {
		if (o->out) {
			/* libxlsxwriter writes the temporary file by its name */
			if ((rc = crm_out_close(crm, &of)))
				goto cleanup;
			xlsx_path = of.tmp ? of.tmp : of.path;
		} else {
			/* a pipe or a file on stdout: the workbook is made aside,
			 * then copied (a zip is written out of order) */
			const char *dir = getenv("TMPDIR");
			snprintf(tmp, sizeof tmp, "%s/crm-export.XXXXXX", dir && *dir ? dir : "/tmp");
			if ((fd = mkstemp(tmp)) < 0) {
				rc = crm_err(crm, CRM_CANTCREAT, "export: %s: %s", tmp, strerror(errno));
				tmp[0] = '\0';
				goto cleanup;
			}
			close(fd);
			xlsx_path = tmp;
		}
		if ((rc = printer_xlsx_open(crm, xlsx_path, props, &pr)))
			goto cleanup;
	}
	rc = crm_export_run(crm, ex, pr);
	{
		int rc2 = printer_close(crm, pr);   /* the workbook is written here */
		pr = NULL;
		if (!rc)
			rc = rc2;
	}
	if (!rc && fmt == FMT_XLSX && !o->out)
		rc = copy_out(crm, tmp);
	if (!rc && o->out)
		rc = crm_out_commit(crm, &of);
cleanup:
	printer_free(pr);
	if (o->out)
		crm_out_abort(&of);   /* nothing left when it was committed */
	if (tmp[0])
		unlink(tmp);
	return rc;
}

static int export(struct crm *crm, int argc, char **argv, enum crm_fmt fmt)
{
	struct client_filter_args fa;
	const struct list_cmd *lc = client_filter_init(crm, &fa);
	struct export_opts o = { "clients", NULL, NULL };
	struct strvec cols = { 0 };
	struct crm_export ex = { 0 };
	struct xlsx_props props = { 0 };
	char *filters = NULL, title[64];
	int n, rc;
	struct opt opts[] = {
		OPT_INHERIT(lc->filters),
		OPT_ENUM("what", &o.what, "WHAT", "what to export (default: clients)",
		         crm_export_whats),
		OPT_STRING("columns", &o.columns, "A,B,...", "these columns, in this order"),
		{ OPT_STRING_, "output", 'o', &o.out, "FILE", "write FILE, whole or not at all",
		  COMPL_FILE, NULL, NULL, OPTF_NONEMPTY },
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0) {
		rc = OPT_EXIT(n);
		goto cleanup;
	}
	crm->cmdname = "export";
	if (n > 0) {
		rc = opt_error(crm, usage, "unexpected argument '%s'", argv[0]);
		goto cleanup;
	}
	if (crm->fmt_given) {
		rc = crm_err(crm, CRM_USAGE, "export: --format: the format is the subcommand"
		             " (csv, xlsx or jsonl)");
		goto cleanup;
	}
	if ((rc = lc->finish(crm, lc->args)))
		goto cleanup;
	ex.flt = &fa.flt;
	for (int i = 0; crm_export_whats[i]; i++)
		if (!strcmp(o.what, crm_export_whats[i]))
			ex.what = (enum crm_export_what)i;
	if (fmt == FMT_CSV && ex.what == EXPORT_ALL) {
		rc = crm_err(crm, CRM_USAGE, "export: csv --what all: a csv file holds one table;"
		             " export clients, comms and leads one at a time, or all as jsonl"
		             " or xlsx");
		goto cleanup;
	}
	if (o.columns) {
		split_columns(o.columns, &cols);
		ex.columns = cols.v;
		if ((rc = crm_export_columns_check(crm, crm_export_entity(ex.what), ex.columns)))
			goto cleanup;
	}
	if (fmt == FMT_XLSX && !o.out && isatty(STDOUT_FILENO)) {
		rc = crm_err(crm, CRM_USAGE, "export: xlsx: standard output is a terminal;"
		             " name a file with -o FILE, or send it to a pipe or a file");
		goto cleanup;
	}
	filters = filters_text(argc, argv);
	snprintf(title, sizeof title, "crm export: %s", o.what);
	props = (struct xlsx_props){ title, filters, crm->actor, filters, o.what,
	                             crm_now_epoch() };
	rc = write_export(crm, fmt, &o, &ex, &props);
cleanup:
	for (int i = 0; i < cols.n; i++)
		free((char *)cols.v[i]);
	strvec_free(&cols);
	free(filters);
	opt_free(opts);
	return rc;
}

static int export_csv(struct crm *crm, int argc, char **argv)
{
	return export(crm, argc, argv, FMT_CSV);
}

static int export_xlsx(struct crm *crm, int argc, char **argv)
{
	return export(crm, argc, argv, FMT_XLSX);
}

static int export_jsonl(struct crm *crm, int argc, char **argv)
{
	return export(crm, argc, argv, FMT_JSONL);
}

const struct cmd export_cmds[] = {
	{ "csv", export_csv, CMD_DB, "clients, communications or leads as CSV", NULL },
	{ "xlsx", export_xlsx, CMD_DB, "a workbook: a sheet each, and the pipeline", NULL },
	{ "jsonl", export_jsonl, CMD_DB, "JSON Lines: an object a row", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
