/* sync_int.h: what the pull's files share (sync_pull.c, sync_source.c,
 * sync_feed.c); private to lib/. */
#ifndef CRM_SYNC_INT_H
#define CRM_SYNC_INT_H

#include "sync.h"
#include "input.h"

#define PULL_CHUNK 5000         /* rows a transaction brings: each chunk sorts the
                                   source table again when it has no index on
                                   (cursor, key); at 500, a pull of 100000 leads
                                   took 11.4 s, at 5000 6.6 s (bench/sync.sh) */

/* one source being pulled */
struct pull {
	struct crm *crm;
	const char *name;               /* operators, leads, contacts */
	/* what a row of it becomes (sync_pull.c), counted in *outcome
	 * (enum crm_upsert) */
	int (*row)(struct pull *p, const struct crm_record *rec, int *outcome);
	const struct crm_source *src;
	int dry;
	struct crm_pull_stats st;
	char skip[512];                 /* why the first row skipped was */
};

/* sync_pull.c.  A transaction of rows: pull_begin, then each row through
 * pull_row (a bad one is undone, skipped and counted: where names it),
 * then pull_end, which writes the cursor (NULL: unchanged) with the rows
 * in it and commits, or rolls back (rc != 0, or a dry run). */
int pull_begin(struct pull *p);
int pull_row(struct pull *p, const struct crm_record *rec, const char *where);
int pull_end(struct pull *p, const char *cursor, long long rows, int rc);
/* the source's column renamed by its map (src itself when none) */
const char *pull_mapped(const struct crm_source *src, const char *col);
/* the source column mapped to field, or field itself when none is */
const char *pull_unmapped(const struct crm_source *src, const char *field);

/* sync_source.c: a SQLite source read by its cursor (leads, contacts),
 * or whole (operators); the statuses written back to the leads source. */
int pull_sqlite(struct pull *p);
int pull_writeback(struct pull *p);

/* sync_feed.c: a CSV or JSON Lines feed, read from where the last run
 * stopped. */
int pull_feed(struct pull *p);

/* client_view.c: the listings of the refs sql gives (?1: id) as the
 * listings source has them, as a list of the record being printed; none
 * when there is no listings source, or it cannot be read. */
struct printer;
int crm_listing_show(struct crm *crm, const char *refs_sql, long long id,
                     struct printer *pr);


#endif
