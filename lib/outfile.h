/* outfile.h: the files crm writes besides the database (a reject file, a
 * backup, an export).  Such a file is never the database or an input,
 * and it is never seen half written: it is written to a temporary name
 * beside it and renamed into place only when the work is done.
 *
 *   struct crm_outfile o;
 *   if ((rc = crm_out_open(crm, "reject file", path, &in, 1, &o)))
 *       return rc;                  // 64: it is the database or the input
 *   fprintf(o.fp, ...);
 *   rc = ok ? crm_out_commit(crm, &o) : (crm_out_abort(&o), rc);
 */
#ifndef CRM_OUTFILE_H
#define CRM_OUTFILE_H

#include <stdio.h>

#include "crm.h"

struct crm_outfile {
	const char *what;   /* "reject file": what messages call it */
	char *path;         /* where it goes, a link followed (owned) */
	char *tmp;          /* the temporary name (owned); NULL when written
	                       in place: /dev/null, a FIFO, a terminal */
	FILE *fp;           /* open for writing; NULL after crm_out_close */
};

/* CRM_USAGE, with "WHAT 'PATH': is the database ..." when path names the
 * database (its -wal, -shm or -journal too: the same file, through a
 * link or a second name, or the same path) or the file behind one of the
 * n streams of inputs (may be NULL). */
int crm_out_check(struct crm *crm, const char *what, const char *path,
                  FILE *const *inputs, int n);
/* crm_out_check, then open a temporary file beside path (mode 0600, or
 * the mode of the file it replaces).  CRM_CANTCREAT when it cannot be
 * made. */
int crm_out_open(struct crm *crm, const char *what, const char *path,
                 FILE *const *inputs, int n, struct crm_outfile *o);
/* Close the stream (for a writer of its own, such as VACUUM INTO, that
 * writes o->tmp by name); 0, or CRM_CANTCREAT when a write failed. */
int crm_out_close(struct crm *crm, struct crm_outfile *o);
/* Close, flush to disk, and rename into place; CRM_CANTCREAT when any of
 * it fails, and then the old file (if any) is untouched.  Frees o. */
int crm_out_commit(struct crm *crm, struct crm_outfile *o);
/* Remove the temporary file: the old file (if any) is untouched.  Frees
 * o; o zeroed is fine. */
void crm_out_abort(struct crm_outfile *o);

#endif
