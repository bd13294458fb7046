/* common.c: what every command file shares: failing, usage, talk. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cmd.h"
#include "client.h"
#include "display.h"
#include "print.h"

int cmd_fail(struct crm *crm, int st)
{
	/* a message quotes input: an escape sequence in it must not drive
	 * the terminal */
	if (st && crm->err[0]) {
		fputs("crm: ", stderr);
		crm_put_text(stderr, crm->err);
		fputc('\n', stderr);
	}
	crm->err[0] = '\0';
	return st;
}

int cmd_arg_fail(struct crm *crm, int st)
{
	char msg[sizeof crm->err];

	if (st && crm->err[0] && crm->cmdname) {
		memcpy(msg, crm->err, sizeof msg);
		crm_err(crm, st, "%s: %s", crm->cmdname, msg);
	}
	return st;
}

void cmd_say(struct crm *crm, const char *fmt, ...)
{
	va_list ap;

	if (crm->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_none_match(struct crm *crm, int rc, const char *what)
{
	if (rc == CRM_NOTFOUND && !crm->err[0] && isatty(STDOUT_FILENO))
		crm_err(crm, rc, "%s: no %s match", crm->cmdname, what);
	return rc;
}

struct printer *cmd_show_printer(struct crm *crm)
{
	/* the whole record for a person, wherever stdout goes (as git show
	 * does), unless a format is asked for */
	if (!crm->fmt_given)
		crm->fmt = FMT_TABLE;
	return printer_open(crm, stdout);
}

struct id_at {
	long long id;
	int at;
};

static int id_at_cmp(const void *a, const void *b)
{
	const struct id_at *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

/* ids without repeats, the first of each kept in its place; the new
 * count (n log n) */
static int dedupe(long long *ids, int n)
{
	struct id_at *s = xmalloc((size_t)(n ? n : 1) * sizeof *s);
	char *keep = xcalloc((size_t)(n ? n : 1), 1);
	int k = 0;

	for (int i = 0; i < n; i++)
		s[i] = (struct id_at){ ids[i], i };
	qsort(s, (size_t)n, sizeof *s, id_at_cmp);
	for (int i = 0; i < n; i++)
		keep[s[i].at] = i == 0 || s[i].id != s[i - 1].id;
	for (int i = 0; i < n; i++)
		if (keep[i])
			ids[k++] = ids[i];
	free(s);
	free(keep);
	return k;
}

int cmd_one_client(struct crm *crm, const char *usage,
                      int n, char **argv, long long *id)
{
	if (n == 0)
		return opt_error(crm, usage, "a client (id, email or phone) is required");
	if (n > 1)
		return opt_error(crm, usage, "one client, not %d", n);
	return crm_client_resolve(crm, argv[0], id);
}

int cmd_each_arg(struct crm *crm, int argc, char **argv, cmd_each_fn fn, void *ctx)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	for (int i = 0; i < argc && !rc; i++) {
		if (strcmp(argv[i], "-")) {
			rc = fn(crm, argv[i], 0, ctx);
			continue;
		}
		while (!rc && (len = getline(&line, &cap, stdin)) > 0) {
			lineno++;
			/* C strings end at a NUL: the rest of the line would vanish */
			if (memchr(line, '\0', (size_t)len)) {
				rc = crm_err(crm, CRM_DATAERR, "stdin:%ld: a NUL byte in the line", lineno);
				break;
			}
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
			                   line[len - 1] == ' ' || line[len - 1] == '\t'))
				line[--len] = '\0';
			char *arg = line + strspn(line, " \t");
			if (!*arg)
				continue;
			if ((rc = fn(crm, arg, lineno, ctx))) {
				char msg[sizeof crm->err];
				memcpy(msg, crm->err, sizeof msg);
				crm_err(crm, rc, "stdin:%ld: %s", lineno, msg);
			}
		}
	}
	free(line);
	return rc;
}

struct refs {
	cmd_resolve_fn resolve;
	long long *ids;
	int n;
};

static int ref_push(struct crm *crm, const char *ref, long line, void *ctx)
{
	struct refs *r = ctx;

	(void)line;
	r->ids = xrealloc(r->ids, (size_t)(r->n + 1) * sizeof *r->ids);
	return r->resolve(crm, ref, &r->ids[r->n++]);
}

int cmd_refs(struct crm *crm, int argc, char **argv, cmd_resolve_fn resolve,
             long long **ids, int *n)
{
	struct refs r = { resolve, NULL, 0 };
	int rc = cmd_each_arg(crm, argc, argv, ref_push, &r);

	if (rc) {
		free(r.ids);
		r.ids = NULL;
		r.n = 0;
	}
	*ids = r.ids;
	*n = dedupe(r.ids, r.n);
	return rc;
}

static const char *const in_formats[] = { "jsonl", "csv", "tsv", NULL };
const char *const *cmd_in_formats = in_formats;

void cmd_input_init(struct cmd_input *in)
{
	memset(in, 0, sizeof *in);
	in->max_errors = -1;
}

int cmd_input_open(struct crm *crm, const char *usage,
                   int n, char **argv, struct cmd_input *in)
{
	const char *path = n > 0 ? argv[0] : "-";

	if (n > 1)
		return opt_error(crm, usage, "one input, not %d", n);
	if (in->max_errors < -1)
		return opt_error(crm, usage, "--max-errors is negative");
	in->src = xmalloc((size_t)(in->maps.n + 1) * sizeof *in->src);
	in->dst = xmalloc((size_t)(in->maps.n + 1) * sizeof *in->dst);
	for (int i = 0; i < in->maps.n; i++) {
		char *eq = strrchr(in->maps.v[i], '=');
		if (!eq || eq == in->maps.v[i] || !eq[1])
			return opt_error(crm, usage, "--map '%s': expected SRC=FIELD",
			                       in->maps.v[i]);
		*eq = '\0';
		in->src[i] = in->maps.v[i];
		in->dst[i] = eq + 1;
		/* a field the import reads: never a typo kept as a custom field */
		if (in->batch.imp && crm_batch_map_field(crm, in->batch.imp, &in->dst[i])) {
			char msg[sizeof crm->err];
			memcpy(msg, crm->err, sizeof msg);
			crm->err[0] = '\0';
			return opt_error(crm, usage, "--map '%s=%s': %s", in->src[i], eq + 1, msg);
		}
	}
	if (strcmp(path, "-")) {
		if (!(in->fp = fopen(path, "r")))
			return crm_err(crm, CRM_NOINPUT, "%s: %s", path, strerror(errno));
		in->batch.in = in->fp;
		in->batch.name = path;
	} else {
		in->batch.in = stdin;
		in->batch.name = "stdin";
	}
	in->batch.fmt = in->infmt ? (enum crm_infmt)crm_infmt_parse(in->infmt) : IN_AUTO;
	in->batch.map_src = in->src;
	in->batch.map_dst = in->dst;
	in->batch.nmap = in->maps.n;
	in->batch.reject_path = in->reject;
	in->batch.max_errors = in->max_errors;
	in->batch.warn = crm->quiet ? NULL : stderr;
	return 0;
}

void cmd_batch_told(const struct crm_batch *b)
{
	for (int i = 0; i < b->ntold; i++) {
		fprintf(stderr, "crm: %s:%ld: ", b->name, b->told[i].line);
		crm_put_text(stderr, b->told[i].reason);
		fputc('\n', stderr);
	}
}

const char *cmd_dry_run(const struct crm_batch *b)
{
	return b->dry_run ? " (dry run: nothing stored)" : "";
}

void cmd_input_close(struct cmd_input *in)
{
	if (in->fp)
		fclose(in->fp);
	free(in->src);
	free(in->dst);
	strvec_free(&in->maps);
}


int cmd_import(struct crm *crm, int argc, char **argv, const struct crm_importer *imp)
{
	static const char usage[] = "[FILE|-] [--map SRC=FIELD]...";
	struct cmd_input in;
	int n, rc;

	cmd_input_init(&in);
	in.batch.imp = imp;
	struct opt opts[] = {
		CMD_INPUT_OPTS(in),
		OPT_POS(COMPL_FILE),
		OPT_END()
	};
	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		rc = OPT_EXIT(n);
	else if (!(rc = cmd_input_open(crm, usage, n, argv, &in))) {
		rc = crm_batch_run(crm, &in.batch);
		cmd_batch_told(&in.batch);
		if (in.batch.committed)
			cmd_say(crm, "%s: %lld inserted, %lld updated, %lld unchanged, %lld rejected%s",
			        crm->cmdname, in.batch.counts[UPSERT_INSERTED],
			        in.batch.counts[UPSERT_UPDATED],
			        in.batch.counts[UPSERT_UNCHANGED], in.batch.rejected,
			        cmd_dry_run(&in.batch));
	}
	cmd_input_close(&in);
	return rc;
}

int cmd_confirm_bulk(struct crm *crm, int n, const char *what, int yes)
{
	char answer[16] = "";
	FILE *tty;
	int ok;

	if (yes || crm->cfg.bulk_confirm <= 0 || n <= crm->cfg.bulk_confirm)
		return 0;
	if (!(tty = fopen("/dev/tty", "r+")))
		return 0;  /* nobody to ask */
	fprintf(tty, "crm: %s: change %d clients? [y/N] ", what, n);
	fflush(tty);
	ok = fgets(answer, sizeof answer, tty) &&
	     (answer[0] == 'y' || answer[0] == 'Y');
	fclose(tty);
	if (!ok)
		return crm_err(crm, CRM_NOTFOUND, "%s: not confirmed; nothing changed", what);
	return 0;
}

/* cmd_print_all and cmd_show_all: show, a record's printer */
static int print_all(struct crm *crm, int argc, char **argv,
                     int (*fn)(struct crm *crm, struct printer *pr), const char *list, int show)
{
	struct opt opts[] = { OPT_END() };
	struct printer *pr;
	int n, rc;

	if ((n = opt_parse(crm, argc, argv, opts, "")) < 0)
		return OPT_EXIT(n);
	if (n > 0)
		return opt_error(crm, "", "unexpected argument '%s'", argv[0]);
	pr = list ? cmd_list_printer(crm) : show ? cmd_show_printer(crm) : printer_open(crm, stdout);
	rc = fn(crm, pr);
	printer_free(pr);
	return list ? cmd_none_match(crm, rc, list) : rc;
}

int cmd_print_all(struct crm *crm, int argc, char **argv,
                  int (*fn)(struct crm *crm, struct printer *pr), const char *list)
{
	return print_all(crm, argc, argv, fn, list, 0);
}

int cmd_show_all(struct crm *crm, int argc, char **argv,
                 int (*fn)(struct crm *crm, struct printer *pr))
{
	return print_all(crm, argc, argv, fn, NULL, 1);
}
