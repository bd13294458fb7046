/* err.c: errors in one place.  The library records a message and returns a
 * status; the dispatcher prints "crm: <message>" and exits with the status
 * (DESIGN.md sec. 8). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

int crm_err(struct crm *crm, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(crm->err, sizeof crm->err, fmt, ap);
	va_end(ap);
	return status;
}

int crm_sqlerr(struct crm *crm, const char *ctx)
{
	int sys = errno;   /* what failed, before anything else can change it */
	int rc = crm->db ? sqlite3_extended_errcode(crm->db) : SQLITE_ERROR;
	const char *msg = crm->db ? sqlite3_errmsg(crm->db) : "no database";
	const char *path = crm->db_path ? crm->db_path : "";
	/* "database" is the subject of the message itself: no "database: " */
	const char *sep = strcmp(ctx, "database") ? ": " : "";

	if (!*sep)
		ctx = "";
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return crm_err(crm, CRM_TEMPFAIL, "%s%sdatabase '%s' is busy; try again",
		               ctx, sep, path);
	case SQLITE_FULL:
	case SQLITE_IOERR: {
		/* what the system said: "File too large", "No space left on
		 * device"; SQLite keeps it only for some failures */
		int e = crm->db && sqlite3_system_errno(crm->db) ? sqlite3_system_errno(crm->db) : sys;
		return crm_err(crm, CRM_CANTCREAT, "%s%sdatabase '%s': %s%s%s%s", ctx, sep, path,
		               msg, e ? " (" : "", e ? strerror(e) : "", e ? ")" : "");
	}
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return crm_err(crm, CRM_CANTCREAT, "%s%sdatabase '%s': %s", ctx, sep, path, msg);
	case SQLITE_CONSTRAINT:
		return crm_err(crm, CRM_DATAERR, "%s%s%s", ctx, sep, msg);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return crm_err(crm, CRM_CANTCREAT, "%s%sdatabase '%s': not a crm database: %s",
		               ctx, sep, path, msg);
	default:
		return crm_err(crm, CRM_SOFTWARE, "%s%s%s", ctx, sep, msg);
	}
}

const char *crm_hint(const char *s, const char *const *set, char *buf, size_t size)
{
	char list[768];
	const char *best = crm_suggest(s, set);

	crm_set_list(set, list, sizeof list);
	if (best)
		snprintf(buf, size, "(%s); did you mean '%s'?", list, best);
	else
		snprintf(buf, size, "(%s)", list);
	return buf;
}

int crm_not_in_set(struct crm *crm, const char *name, const char *s, const char *what,
                   const char *const *set)
{
	char hint[1024];

	return crm_err(crm, CRM_DATAERR, "%s '%s': %s %s", name, s, what,
	               crm_hint(s, set, hint, sizeof hint));
}

/* a list of the config as a set (owned: free the array, not its names) */
static const char **as_set(const struct crm_strlist *l)
{
	const char **set = xmalloc((size_t)(l->n + 1) * sizeof *set);

	for (int i = 0; i < l->n; i++)
		set[i] = l->v[i];
	set[l->n] = NULL;
	return set;
}

static int not_in(struct crm *crm, const char *name, const char *s, const char *what,
                  const struct crm_strlist *l)
{
	const char **set = as_set(l);
	int rc = crm_not_in_set(crm, name, s, what, set);

	free(set);
	return rc;
}

int crm_stage_check(struct crm *crm, const char *s)
{
	return crm_strlist_has(&crm->cfg.stages, s) ? 0 :
	       not_in(crm, "stage", s, "not a pipeline stage", &crm->cfg.stages);
}

int crm_channel_check(struct crm *crm, const char *s)
{
	return crm_strlist_has(&crm->cfg.channels, s) ? 0 :
	       not_in(crm, "channel", s, "not a configured channel", &crm->cfg.channels);
}
