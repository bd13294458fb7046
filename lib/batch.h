/* batch.h: records from a pipe or a file, stored as one transaction.
 *
 * By default a batch commits whole or not at all: a bad record stores
 * nothing.  The input is still read to its end, so that the error can
 * name the bad records: one alone fails with "NAME:LINE: reason" (65);
 * more fail with "NAME: N bad lines, nothing stored", and the first
 * BATCH_TELL of them are in told[] for the caller to print first.  With
 * a reject file the good records are stored and each bad one is written
 * to it as "LINE<TAB>REASON<TAB>RECORD"; max_errors bounds how many bad
 * records are allowed (-1: any with a reject file, none without).
 *
 * A dry run runs the whole batch in its transaction, counts included,
 * then rolls it back and writes no reject file. */
#ifndef CRM_BATCH_H
#define CRM_BATCH_H

#include "crm.h"
#include "input.h"

#define BATCH_MAX_OUTCOMES 4
#define BATCH_TELL 10          /* bad records an all-or-nothing batch names */

/* the outcomes of an import: counters 0, 1, 2 of a batch */
enum crm_upsert { UPSERT_INSERTED, UPSERT_UPDATED, UPSERT_UNCHANGED };

/* Store one record; *outcome (0..BATCH_MAX_OUTCOMES-1) says which counter
 * it adds to.  CRM_DATAERR or CRM_NOTFOUND make the record a bad one;
 * any other status stops the batch. */
typedef int (*batch_fn)(struct crm *crm, const struct crm_record *rec,
                        void *arg, int *outcome);

/* A kind of record a batch stores: the function, and the columns it
 * reads (a header must name one of them at least). */
struct crm_importer {
	batch_fn fn;
	int (*known)(const char *key);
	const char *hint;            /* some known columns, for a message */
	int cache_mib;               /* the page cache the batch takes (0: SQLite's) */
	int (*column)(const char *key);  /* every column it knows: a header
	                                    cell that is one, case aside, is it */
	/* what --map may name, NULL-terminated (owned by the importer) */
	const char *const *(*fields)(void);
	const char *extra;           /* and "PREFIX.KEY" for the column KEY of
	                                the rest (custom, raw); NULL: none */
	int journal_in_memory;       /* statement journals in memory: the
	                                rows it writes fire the triggers of
	                                the search index */
};

/* The FIELD of --map SRC=FIELD, a field imp reads (without regard to
 * ASCII case: *field becomes its name) or imp->extra followed by a key;
 * else CRM_USAGE "unknown field 'F'; did you mean 'G'? (known fields:
 * ...)". */
int crm_batch_map_field(struct crm *crm, const struct crm_importer *imp,
                        const char **field);

struct crm_batch {
	FILE *in;
	const char *name;            /* "stdin" or the file's path */
	enum crm_infmt fmt;
	const char *const *map_src, *const *map_dst;
	int nmap;
	const char *reject_path;     /* NULL: all or nothing */
	long long max_errors;        /* -1: the default above */
	FILE *warn;                  /* bad records skipped are told here */
	const struct crm_importer *imp;
	void *arg;
	int (*before_commit)(struct crm *crm); /* may be NULL; a dry run calls it too */
	int dry_run;                 /* store nothing: roll back at the end */
	/* results */
	long long counts[BATCH_MAX_OUTCOMES];
	long long rejected;
	int committed;               /* the batch was stored (maybe empty), or
	                                a dry run went through to its end */
	struct {
		long line;
		char reason[1024];
	} told[BATCH_TELL];          /* the first bad records of an all-or-nothing
	                                batch that had more than one */
	int ntold;
};

/* The connection set up for many rows of imp's kind in one transaction
 * (its page cache, statement journals in memory): a batch, a pull. */
void crm_batch_tune(struct crm *crm, const struct crm_importer *imp);
/* Returns 0 when the batch was stored (with a reject file: when anything
 * was stored or nothing was bad; for a dry run: when it would have
 * been), else a status with the message set. */
int crm_batch_run(struct crm *crm, struct crm_batch *b);

#endif
