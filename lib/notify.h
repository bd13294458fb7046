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

#endif
