/* notify.h: notifications, what a person must see (crm notify).  One is
 * written in the same transaction as its cause. */
#ifndef CRM_NOTIFY_H
#define CRM_NOTIFY_H

#include "crm.h"

/* The types of notification, as stored in notifications.kind. */
#define CRM_NOTIFY_TYPES "reply", "meeting", "overdue", "violation", "sync_failure"
extern const char *const crm_notify_types[];   /* NULL-terminated */

/* Write a notification of TYPE (one of crm_notify_types) about client
 * (0: none) saying message, inside the caller's transaction.  key, when
 * not NULL, makes it once only: a notification with the same key is
 * not written again, and *added (may be NULL) says whether this call
 * wrote one. */
int crm_notify_add(struct crm *crm, const char *type, long long client,
                   const char *message, const char *key, int *added);

/* What crm notify lists and --all marks: the unread notifications of
 * any of types (NULL-terminated; NULL: all), written at or after since
 * (canonical; NULL: any time), of the operator in force (with those of
 * no client). */
struct crm_notify_filter {
	const char *const *types;
	const char *since;
	const char *until;   /* written before it (crm report's period) */
};
/* The unread ones, oldest first: id, type, client_id, name (the
 * client's), message, created_at.  CRM_NOTFOUND, and nothing printed
 * (no header, no "[]"), when there is none. */
struct printer;
int crm_notify_list(struct crm *crm, const struct crm_notify_filter *f, struct printer *pr);
/* The notification ref names (its id): CRM_DATAERR when ref is no id,
 * CRM_NOTFOUND when there is no such notification. */
int crm_notify_resolve(struct crm *crm, const char *ref, long long *id);
/* Mark read, in one transaction, the notifications ids[0..n) (*marked:
 * how many were unread), or with ids NULL every one f matches. */
int crm_notify_mark_read(struct crm *crm, const long long *ids, int n,
                         const struct crm_notify_filter *f, long long *marked);

#endif
