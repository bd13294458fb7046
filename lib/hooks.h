/* hooks.h: the commands of hooks.on_reply, on_stage_change, on_won and
 * on_notify, run with the event as one JSON object on their standard
 * input once the transaction that made the event has committed.
 *
 * The change point (change.c, notify.c) queues an event as it happens:
 * a kind and the id of the row that tells it (the communication of a
 * reply, the history row of a stage change, the notification), eight
 * bytes an event however large the batch.  A commit makes what the
 * transaction queued ready; a rollback drops it, and a savepoint's
 * rollback what came after the savepoint.  The command's end runs the
 * ready events' hooks, in order, reading each event's row to build its
 * JSON: a hook sees what was committed, and can read it in the
 * database. */
#ifndef CRM_HOOKS_H
#define CRM_HOOKS_H

#include <stdio.h>

#include "crm.h"

enum crm_hook_event {
	HOOK_REPLY,    /* id: the communication (inbound) */
	HOOK_STAGE,    /* id: the history row of the stage change */
	HOOK_WON,      /* id: the same, a move to the stage "won" */
	HOOK_NOTIFY,   /* id: the notification */
	HOOK_EVENTS
};

/* "on_reply", ...: the key under hooks: of each event's command */
extern const char *const crm_hook_names[HOOK_EVENTS];

/* Queue an event of the open transaction; nothing when its hook is not
 * configured, or hooks are off (--no-hooks, CRM_NO_HOOKS). */
void crm_hook_queue(struct crm *crm, enum crm_hook_event ev, long long id);
/* The transaction committed: what it queued is ready to run. */
void crm_hooks_committed(void);
/* It rolled back: what it queued is dropped. */
void crm_hooks_dropped(void);
/* Where the queue is now, and back to it: a savepoint and its rollback. */
size_t crm_hooks_mark(void);
void crm_hooks_undo(size_t mark);

/* Run the ready events' hooks, one at a time, through /bin/sh -c with
 * the event on stdin and stdout sent to stderr; each in a process group
 * of its own, under hooks.timeout seconds, then SIGTERM, then SIGKILL a
 * second later.  A hook that cannot start, fails, or is killed is told
 * on warn ("crm: hook on_reply: exit status 3"); it changes nothing of
 * what was committed, and returns no status.  What ran leaves the queue;
 * what an open transaction queued stays, for its commit.
 * A hook gets CRM_DB, CRM_HOOK (its name) and CRM_NO_HOOKS=1, so that
 * the crm commands it runs set off no hook in turn. */
void crm_hooks_run(struct crm *crm, FILE *warn);

#endif
