/* common.c: what every command file shares: failing, usage, talk. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cmd.h"
#include "client.h"

int cmd_fail(struct crm *crm, int st)
{
	if (st && crm->err[0])
		fprintf(stderr, "crm: %s\n", crm->err);
	crm->err[0] = '\0';
	return st;
}

int cmd_usage_error(struct crm *crm, const struct opt *opts,
                    const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "crm: %s: ", crm->cmdname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: crm %s%s%s [options]\n", crm->cmdname,
	        usage && *usage ? " " : "", usage ? usage : "");
	(void)opts;
	return CRM_USAGE;
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

/* Client references from arguments, "-" reading one a line from stdin;
 * each resolved to an id.  A reference that matches no client fails the
 * whole list (stdin ones with their line). *ids is owned by the caller. */
int cmd_client_ids(struct crm *crm, int argc, char **argv, long long **ids,
                   int *n)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	*ids = NULL;
	*n = 0;
	for (int i = 0; i < argc && !rc; i++) {
		if (strcmp(argv[i], "-")) {
			*ids = xrealloc(*ids, (size_t)(*n + 1) * sizeof **ids);
			rc = crm_client_resolve(crm, argv[i], &(*ids)[*n]);
			(*n)++;
			continue;
		}
		while (!rc && (len = getline(&line, &cap, stdin)) > 0) {
			lineno++;
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
			                   line[len - 1] == ' ' || line[len - 1] == '\t'))
				line[--len] = '\0';
			char *ref = line + strspn(line, " \t");
			if (!*ref)
				continue;
			*ids = xrealloc(*ids, (size_t)(*n + 1) * sizeof **ids);
			rc = crm_client_resolve(crm, ref, &(*ids)[*n]);
			(*n)++;
			if (rc) {
				char msg[sizeof crm->err];
				memcpy(msg, crm->err, sizeof msg);
				crm_err(crm, rc, "stdin:%ld: %s", lineno, msg);
			}
		}
	}
	free(line);
	if (rc) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}
