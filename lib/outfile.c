/* outfile.c: files written beside the database, safely (see outfile.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

/* path with its folder resolved (links, ".", ".."), whether or not the
 * file itself exists; a link to a file is followed (owned; NULL when the
 * folder does not exist) */
static char *canonical_at(const char *path, int depth)
{
	char *full, *dir, *slash, *res;
	const char *base;
	struct stat sb;

	if ((full = realpath(path, NULL)))
		return full;
	/* a link to a file not made yet: where it points */
	if (depth < 8 && lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n <= 0)
			return NULL;
		target[n] = '\0';
		slash = strrchr(path, '/');
		if (target[0] == '/' || !slash)
			return canonical_at(target, depth + 1);
		full = xmalloc((size_t)(slash - path) + (size_t)n + 2);
		sprintf(full, "%.*s/%s", (int)(slash - path), path, target);
		res = canonical_at(full, depth + 1);
		free(full);
		return res;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		base = path + (slash - dir) + 1;
		res = realpath(slash == dir ? "/" : dir, NULL);
	} else {
		base = path;
		res = realpath(".", NULL);
	}
	free(dir);
	if (!res)
		return NULL;
	full = xmalloc(strlen(res) + strlen(base) + 2);
	sprintf(full, "%s%s%s", res, strcmp(res, "/") ? "/" : "", base);
	free(res);
	return full;
}

static char *canonical(const char *path)
{
	return canonical_at(path, 0);
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int crm_out_check(struct crm *crm, const char *what, const char *path,
                  FILE *const *inputs, int n)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	struct stat out, sb;
	int exists = stat(path, &out) == 0;
	char *name = canonical(path), *db = crm->db_path ? canonical(crm->db_path) : NULL;
	int rc = 0;

	/* an input: the same file, whatever its name */
	for (int i = 0; exists && i < n && !rc; i++)
		if (inputs[i] && fstat(fileno(inputs[i]), &sb) == 0 && S_ISREG(sb.st_mode) &&
		    same_file(&out, &sb))
			rc = crm_err(crm, CRM_USAGE, "%s '%s': is the input; name another file",
			             what, path);
	/* the database and its side files: the same file, or the same name
	 * (a -wal that is not there now is there once a write begins) */
	for (size_t i = 0; db && !rc && i < sizeof suffixes / sizeof *suffixes; i++) {
		char *f = xmalloc(strlen(db) + 10);
		sprintf(f, "%s%s", db, suffixes[i]);
		if ((exists && stat(f, &sb) == 0 && same_file(&out, &sb)) ||
		    (name && !strcmp(name, f)))
			rc = crm_err(crm, CRM_USAGE, "%s '%s': is the database%s%s%s; name another file",
			             what, path, *suffixes[i] ? "'s " : "", suffixes[i],
			             *suffixes[i] ? " file" : "");
		free(f);
	}
	free(name);
	free(db);
	return rc;
}

int crm_out_open(struct crm *crm, const char *what, const char *path,
                 FILE *const *inputs, int n, struct crm_outfile *o)
{
	struct stat sb;
	int rc, fd;

	memset(o, 0, sizeof *o);
	o->what = what;
	if ((rc = crm_out_check(crm, what, path, inputs, n)))
		return rc;
	o->path = canonical(path);
	if (!o->path)
		return crm_err(crm, CRM_CANTCREAT, "%s '%s': %s", what, path, strerror(ENOENT));
	if (stat(o->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* /dev/null, a FIFO, a terminal: nothing to replace */
		if (!(o->fp = fopen(o->path, "w")))
			rc = crm_err(crm, CRM_CANTCREAT, "%s '%s': %s", what, path, strerror(errno));
		goto done;
	}
	o->tmp = xmalloc(strlen(o->path) + 16);
	{
		char *slash = strrchr(o->path, '/');
		sprintf(o->tmp, "%.*s.%s.XXXXXX", (int)(slash - o->path + 1), o->path, slash + 1);
	}
	if ((fd = mkstemp(o->tmp)) < 0) {
		rc = crm_err(crm, CRM_CANTCREAT, "%s '%s': %s", what, path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		goto done;
	}
	if (stat(o->path, &sb) == 0)
		fchmod(fd, sb.st_mode & 07777);
	if (!(o->fp = fdopen(fd, "w"))) {
		rc = crm_err(crm, CRM_CANTCREAT, "%s '%s': %s", what, path, strerror(errno));
		close(fd);
	}
done:
	if (rc)
		crm_out_abort(o);
	return rc;
}

int crm_out_close(struct crm *crm, struct crm_outfile *o)
{
	int rc = 0;

	if (!o->fp)
		return 0;
	if (fflush(o->fp) != 0 || ferror(o->fp) || (o->tmp && fsync(fileno(o->fp)) != 0))
		rc = crm_err(crm, CRM_CANTCREAT, "%s '%s': %s", o->what, o->path, strerror(errno));
	if (fclose(o->fp) != 0 && !rc)
		rc = crm_err(crm, CRM_CANTCREAT, "%s '%s': %s", o->what, o->path, strerror(errno));
	o->fp = NULL;
	return rc;
}

/* make a file written by name (not through fp) durable */
static int sync_path(const char *path)
{
	int fd = open(path, O_RDONLY), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int crm_out_commit(struct crm *crm, struct crm_outfile *o)
{
	int wrote_by_name = !o->fp, rc = crm_out_close(crm, o);

	if (!rc && o->tmp && ((wrote_by_name && sync_path(o->tmp) != 0) ||
	                      rename(o->tmp, o->path) != 0))
		rc = crm_err(crm, CRM_CANTCREAT, "%s '%s': %s", o->what, o->path, strerror(errno));
	if (!rc && o->tmp) {
		/* the rename itself, to disk */
		char *dir = xstrdup(o->path), *slash = strrchr(dir, '/');
		slash[slash == dir] = '\0';
		sync_path(dir);
		free(dir);
		free(o->tmp);
		o->tmp = NULL;
	}
	crm_out_abort(o);
	return rc;
}

void crm_out_abort(struct crm_outfile *o)
{
	if (o->fp)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}
