/* sync.h: crm sync (crm-sync(1)).  The sources pulled in (sync_pull.c),
 * the outbox the change-capture point fills (outbox.c) and its push to
 * the webhook (push.c), the events of an external CRM applied
 * (sync_apply.c), and the lock and the status (sync.c). */
#ifndef CRM_SYNC_H
#define CRM_SYNC_H

#include "crm.h"
#include "print.h"

/* sync.c: the lock that lets one sync run at a time: a lock (fcntl) on
 * the file "DB.sync.lock" beside the database.  CRM_TEMPFAIL at once
 * when another process holds it, unless wait; *fd is kept open while
 * the lock is held (crm_sync_unlock). */
int crm_sync_lock(struct crm *crm, int wait, int *fd);
void crm_sync_unlock(int fd);

/* sync.c: each configured source (name, kind, where, its cursor, last
 * run, last result, rows), then the outbox (pending, due now,
 * delivered, dead, the oldest pending) and the webhook (url, enabled
 * or disabled by a 410), as one record through pr. */
int crm_sync_status(struct crm *crm, struct printer *pr);

/* sync.c: one row of sync_state written in the caller's transaction:
 * the source's cursor (NULL: unchanged), its last run (now), result and
 * rows brought.  crm_sync_state_get: the cursor (owned; NULL when
 * none). */
int crm_sync_state_put(struct crm *crm, const char *source, const char *cursor,
                       const char *result, long long rows);
int crm_sync_state_get(struct crm *crm, const char *source, char **cursor);

/* The names of the sources, in the order a pull takes them, and the
 * config's entry of each (NULL for a name that is none). */
extern const char *const crm_sync_sources[];    /* operators, leads, contacts, listings */
extern const char *const crm_sync_pulled[];     /* those a pull reads: not listings */
const struct crm_source *crm_sync_source(const struct crm *crm, const char *name);

/* sync_pull.c: what one source brought. */
struct crm_pull_stats {
	const char *source;
	long long read, added, updated, unchanged, skipped;
	long long written_back;   /* leads: statuses written to the source */
};
typedef void (*crm_pull_fn)(const struct crm_pull_stats *s, void *arg);

/* Pull every configured source (name NULL) or the one named (64 when it
 * is not configured), each in transactions of its own that advance its
 * cursor with the rows they bring; fn is told what each brought.  With
 * dry_run, the sources are read and nothing is written (cursors
 * included). */
int crm_sync_pull(struct crm *crm, const char *name, int dry_run, crm_pull_fn fn, void *arg);

/* sync_pull.c: the listing of ref from the listings source, for client
 * show and lead show: its fields (title, location, price, ...) as a
 * JSON object (owned), or NULL when there is none or no source. */
int crm_listing_context(struct crm *crm, const char *ref, char **json);

/* push.c: what a push did. */
struct crm_push_stats {
	long long attempted, delivered, rescheduled, dead;
	int disabled;             /* the endpoint answered 410 (now or before) */
};

/* POST each due event of the outbox, in seq order, to sync.webhook.url,
 * signed the Standard Webhooks way; no transaction is open during a
 * request.  0 when every due event was delivered or rescheduled;
 * CRM_UNAVAILABLE (69) when the endpoint is disabled; CRM_CONFIG (78)
 * for a webhook set up wrong (no url, no secret, a secret file others
 * may read).  With dry_run, print what would be sent through pr (may be
 * NULL) and send nothing. */
int crm_sync_push(struct crm *crm, int dry_run, struct printer *pr,
                  struct crm_push_stats *st);

/* push.c: make pending again, due now, the dead letters (dead) or the
 * pending events that wait for a later attempt (!dead), and enable the
 * endpoint again; *n how many events. */
int crm_sync_retry(struct crm *crm, int dead, long long *n);

/* sync_apply.c: what an inbound batch did. */
struct crm_apply_stats {
	long long read, applied, duplicate, stale, ignored;
};

/* Apply the events of an external CRM read from in (name: "stdin" or
 * the file, for messages with line numbers), HubSpot's or Pipedrive's
 * shape, all in one transaction; the changes they make are not pushed
 * back.  With dry_run, nothing is written. */
int crm_sync_apply(struct crm *crm, FILE *in, const char *name, int dry_run,
                   struct crm_apply_stats *st);

#endif
