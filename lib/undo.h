/* undo.h: change sets, and reverting one (crm undo).
 *
 * A change set is one command's transaction (lib/change.c makes it at
 * the first change): its history rows say what it did, from what to
 * what, and what it made.  Undo reverts them, newest first, in one
 * transaction that is a change set of its own (command "undo"), and
 * marks the change set undone.  A merge is reverted from the snapshot
 * of the removed client it keeps.  What cannot be reverted is refused
 * with the reason: a forget (the personal data is erased), a change set
 * whose rows a later change set (not undone) touched, an undo. */
#ifndef CRM_UNDO_H
#define CRM_UNDO_H

#include "crm.h"
#include "print.h"

/* The last change sets, newest first, limit at most (-1: all): id,
 * command, actor, at, changes (history rows; a range of communications
 * counts each), undone_at.  CRM_NOTFOUND when there is none. */
int crm_undo_list(struct crm *crm, long long limit, struct printer *pr);

struct crm_undo_result {
	long long set;          /* the change set reverted */
	char command[64];       /* its command */
	long long changes;      /* what was reverted, as --list counts */
};

/* Revert change set id (0: the last one that is not undone and is no
 * undo).  With dry_run, all of it is done and then rolled back.  pr (may
 * be NULL) prints each change reverted, newest first: change_set, undo
 * (remove, restore, tag, untag), entity, entity_id, field, value (what
 * it is now) and restored (what it becomes).  CRM_NOTFOUND: nothing to
 * undo, or no such change set; CRM_DATAERR: refused, with the reason. */
int crm_undo(struct crm *crm, long long id, int dry_run, struct printer *pr,
             struct crm_undo_result *res);

#endif
