/* change.h: the one point every change to crm's data passes.
 *
 * The function that changes a client (its fields, stage, tags, custom
 * fields, automation, contact times), logs a communication or sets a
 * lead's status tells crm_change() what it did, in the same transaction.
 * crm_change() writes the history row of the changes a person reads in
 * `client history`, and is where the outbox, notifications and hooks
 * plug in.
 *
 * It is a C call, not SQLite triggers: a trigger sees rows, not what was
 * meant.  It cannot tell a stage a reply moved from one a person moved,
 * nor a contact time a batch writes once per client from a million
 * events, and it would fire for the changes a migration or the sqlite3
 * shell makes.  A write that does not call it is a bug; the tests of
 * tests/change.bats make each kind of change and check what it left.
 *
 * Every transaction that changes data is one change set (change_sets:
 * the command, the actor, the time), made at its first change; each
 * history row names it, and `crm undo` reverts one from its rows.  What
 * a change set made is in them too: a client or lead created, a listing
 * linked, and the communications it logged, as one row for the whole
 * range of their ids (a batch of a million events is one row, not a
 * million): entity "communication", entity_id the first id, action
 * "log", new_value the last. */
#ifndef CRM_CHANGE_H
#define CRM_CHANGE_H

#include "crm.h"

enum crm_change_kind {
	CHANGE_CLIENT_CREATED,    /* new: the name; its tags and custom fields with it */
	CHANGE_CLIENT_FIELD,      /* field: a column, or custom.KEY, or custom */
	CHANGE_CLIENT_STAGE,
	CHANGE_CLIENT_TAG,        /* new: the tag */
	CHANGE_CLIENT_UNTAG,      /* old: the tag */
	CHANGE_CLIENT_AUTOMATION, /* a reply turned it off */
	CHANGE_CLIENT_CONTACT,    /* field: last_contacted_at or last_interaction_at */
	CHANGE_COMM_LOGGED,       /* id: the communication; field: its direction,
	                             "in" or "out"; old: its channel; new: its
	                             client (the id as text); reason: its subject */
	CHANGE_LEAD_CREATED,
	CHANGE_LEAD_STATUS,
	CHANGE_CLIENT_DNC,        /* field dnc: 1 while an email or phone of the
	                             client is on do-not-contact */
	CHANGE_CLIENT_FORGET,     /* the person's data erased: no field, no
	                             value; never undone (action "forget") */
	CHANGE_DNC_ADD,           /* id 0, field "hash", new: the hash; reason */
	CHANGE_DNC_REMOVE,        /* id 0, field "hash", old: the hash */
	CHANGE_LEAD_UPDATED,      /* old: the whole lead before, as JSON (import) */
	CHANGE_LEAD_LINKED,       /* field client_id: old, new the client */
	CHANGE_LISTING_ADDED,     /* id: the client; new: the listing's id */
	CHANGE_CLIENT_MERGED,     /* id: KEEP; field: what moved or came from
	                             DROP; old, new as the field says */
	CHANGE_CLIENT_UNMERGED,   /* undo made DROP again; old: KEEP */
	CHANGE_CLIENT_REMOVED,    /* undo took back its creation; old: the name */
	CHANGE_LEAD_REMOVED,      /* the same for a lead */
	CHANGE_COMM_REMOVED,      /* id: the first communication; new: the last */
	CHANGE_UNDONE,            /* id: the change set undone */
	CHANGE_KINDS
};

struct crm_change {
	enum crm_change_kind kind;
	long long id;             /* of the client, communication or lead */
	const char *field, *old, *new, *reason;   /* may be NULL */
};

/* Record a change (history row where a person reads one), and what it
 * sets off, in the same transaction: a reply (an inbound communication)
 * and a move to the stage "meeting" write a notification (notify.h); a
 * reply, a stage change, a move to "won" queue their hooks (hooks.h),
 * which run once the transaction commits.  0 or a status. */
int crm_change(struct crm *crm, const struct crm_change *c);
/* Set one column by sql ("UPDATE t SET col = ?2, updated_at = ?3 WHERE
 * id = ?1", maybe with more conditions; ?1 is c->id) and record c when a
 * row changed (*changed, may be NULL, says whether one did). */
int crm_change_column(struct crm *crm, const char *sql, const char *value,
                      const struct crm_change *c, int *changed);

/* The id of the open transaction's change set, made now when it has
 * none yet; 0 or a status. */
int crm_change_set(struct crm *crm, long long *id);

#endif
