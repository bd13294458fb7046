/* dnc.c: crm dnc add|remove|check|list (see crm-dnc(1)). */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cmd.h"
#include "dnc.h"
#include "print.h"

/* The values of the arguments, "-" reading them from stdin one a line,
 * each as its owner key; all or nothing: the first bad one fails with
 * its line.  The arrays are the caller's to free (values_free). */
struct values {
	char **norm;
	const char **kind;
	long *line;         /* 0: from the command line */
	int n;
};

static void values_free(struct values *v)
{
	for (int i = 0; i < v->n; i++)
		free(v->norm[i]);
	free(v->norm);
	free(v->kind);
	free(v->line);
	memset(v, 0, sizeof *v);
}

static int value_push(struct crm *crm, const char *in, long line, void *ctx)
{
	struct values *v = ctx;
	char *norm;
	const char *kind;
	int rc;

	if ((rc = crm_dnc_value(crm, in, &norm, &kind))) {
		char msg[sizeof crm->err];
		memcpy(msg, crm->err, sizeof msg);
		if (!line)   /* a line's error says its line (cmd_each_arg) */
			crm_err(crm, rc, "%s: %s", crm->cmdname, msg);
		return rc;
	}
	v->norm = xrealloc(v->norm, (size_t)(v->n + 1) * sizeof *v->norm);
	v->kind = xrealloc(v->kind, (size_t)(v->n + 1) * sizeof *v->kind);
	v->line = xrealloc(v->line, (size_t)(v->n + 1) * sizeof *v->line);
	v->norm[v->n] = norm;
	v->kind[v->n] = kind;
	v->line[v->n++] = line;
	return 0;
}

static int read_values(struct crm *crm, int argc, char **argv, struct values *v)
{
	int rc;

	memset(v, 0, sizeof *v);
	if ((rc = cmd_each_arg(crm, argc, argv, value_push, v)))
		values_free(v);
	return rc;
}

/* a failure of value bad: its line, when it came from stdin */
static int value_fail(struct crm *crm, const struct values *v, int bad, int rc)
{
	char msg[sizeof crm->err];

	if (bad >= 0 && bad < v->n && v->line[bad] && crm->err[0]) {
		memcpy(msg, crm->err, sizeof msg);
		crm_err(crm, rc, "stdin:%ld: %s", v->line[bad], msg);
	}
	return rc;
}

static const char usage_values[] = "EMAIL|PHONE...|-";

static int values_args(struct crm *crm, int n, char **argv, struct values *v)
{
	if (n < 1)
		return opt_error(crm, usage_values, "an email, a phone or '-' is required");
	return read_values(crm, n, argv, v);
}

static int dnc_add(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "EMAIL|PHONE...|- [--reason TEXT]";
	const char *reason = NULL;
	struct values v;
	int n, rc, count = 0, bad;
	struct opt opts[] = {
		OPT_STRING("reason", &reason, "TEXT", "why (kept with the hash)"),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if ((rc = values_args(crm, n, argv, &v)))
		return rc;
	rc = crm_dnc_add_all(crm, v.norm, v.kind, v.n, reason, &count, &bad);
	if (rc)
		value_fail(crm, &v, bad, rc);
	else
		cmd_say(crm, "dnc add: %d added, %d listed already", count, v.n - count);
	values_free(&v);
	return rc;
}

static int dnc_remove(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	struct values v;
	int n, rc, count = 0, bad;

	if ((n = opt_parse(crm, argc, argv, opts, usage_values)) < 0)
		return OPT_EXIT(n);
	if ((rc = values_args(crm, n, argv, &v)))
		return rc;
	rc = crm_dnc_remove_all(crm, v.norm, v.kind, v.n, &count, &bad);
	if (rc)
		value_fail(crm, &v, bad, rc);
	else if (!count)
		rc = crm_err(crm, CRM_NOTFOUND, "dnc remove: %s not on do-not-contact",
		             v.n == 1 ? "the value is" : "none of the values is");
	else
		cmd_say(crm, "dnc remove: %d removed, %d not listed", count, v.n - count);
	values_free(&v);
	return rc;
}

/* 0 when every value is listed, 1 when one is not: as grep -q, nothing
 * printed (on a terminal, a line says it) */
static int dnc_check(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_END() };
	struct values v;
	int n, rc, count = 0;

	if ((n = opt_parse(crm, argc, argv, opts, usage_values)) < 0)
		return OPT_EXIT(n);
	if ((rc = values_args(crm, n, argv, &v)))
		return rc;
	if (!(rc = crm_dnc_check_all(crm, v.norm, v.n, &count)) && count < v.n) {
		rc = CRM_NOTFOUND;
		if (isatty(STDOUT_FILENO))
			crm_err(crm, rc, "dnc check: %d of %d not on do-not-contact", v.n - count, v.n);
	}
	values_free(&v);
	return rc;
}

static int dnc_list(struct crm *crm, int argc, char **argv)
{
	return cmd_print_all(crm, argc, argv, crm_dnc_list, "do-not-contact entries");
}

const struct cmd dnc_cmds[] = {
	{ "add", dnc_add, CMD_DB | CMD_WRITES, "put emails or phones on do-not-contact", NULL },
	{ "remove", dnc_remove, CMD_DB | CMD_WRITES, "take emails or phones off do-not-contact", NULL },
	{ "check", dnc_check, CMD_DB, "exit 0 when the values are on do-not-contact, 1 if not", NULL },
	{ "list", dnc_list, CMD_DB, "list the hashes on do-not-contact, never an address", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
