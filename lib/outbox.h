/* outbox.h: the events crm sync push sends (private to change.c,
 * forget.c, outbox.c and push.c; see crm-sync(1)).
 *
 * The change-capture point (change.c) writes them in the transaction of
 * the change they tell: one row of `outbox` each, once the database
 * keeps an outbox (with nothing to push to, nothing is kept): from the
 * first change a process with sync.webhook.url set makes in it, every
 * process fills it, whatever configuration it found (the mark is the
 * row 'outbox' of settings, its value the time it was set); and never while crm->sync_inbound is set (what an external CRM sent
 * is not sent back to it).  The flag must stay set until the
 * transaction commits: the communications it logged are written then. */
#ifndef CRM_OUTBOX_H
#define CRM_OUTBOX_H

#include "change.h"

/* The event of change c, if it makes one: client.created,
 * client.updated, client.stage_changed, client.merged,
 * client.unmerged, client.removed, client.forgotten,
 * communication.removed.  An update whose old and new values are the
 * same makes none. */
int crm_outbox_change(struct crm *crm, const struct crm_change *c);

/* One communication.logged event for each communication of ids
 * first..last, in one statement (a batch of a million is one). */
int crm_outbox_comms(struct crm *crm, long long first, long long last);

/* push.c: the Standard Webhooks signature "v1,BASE64" (owned, *sig) of
 * body for the event id at time ts (Unix seconds), under secret (its
 * base64 after an optional "whsec_"). */
int crm_webhook_sign(struct crm *crm, const char *secret, const char *id, long long ts,
                     const char *body, size_t n, char **sig);

#endif
