/* sync_event.h: the events of an external CRM, read (sync_event.c) and
 * applied (sync_apply.c).  Internal to lib/. */
#ifndef CRM_SYNC_EVENT_H
#define CRM_SYNC_EVENT_H

#include "sync.h"

enum act { ACT_IGNORE, ACT_CREATE, ACT_CHANGE };

/* what sync.inbound.fields maps to: the index in crm_inbound_targets */
enum target { T_NAME, T_FIRST, T_LAST, T_EMAIL, T_PHONE, T_STAGE, T_COUNT };

struct event {
	const char *system;          /* "hubspot", "pipedrive" */
	char key[160];               /* of sync_inbox */
	char object[96];             /* "contact:ID", "person:ID", "deal:ID" */
	char person[96];             /* a deal's person ("" when none) */
	enum act act;
	const char *why;             /* ACT_IGNORE: why */
	char at[CRM_TIME_LEN];       /* when it happened there */
	char *v[T_COUNT];            /* the values it brings (owned) */
};

struct apply {
	struct crm *crm;
	const char *name;            /* "stdin" or the file */
	long line;                   /* where the value starts */
	long item;                   /* 0, or the place in an array, from 1 */
	struct crm_apply_stats *st;
};

/* CRM_DATAERR "NAME:LINE: [event N: ]WHAT[ARG]" */
int crm_apply_bad(struct apply *a, const char *what, const char *arg);
/* The shape of the event json (HubSpot's or Pipedrive's v2), its key,
 * object, action and time; 65 for one that is neither or lacks them. */
int crm_event_read(struct apply *a, const char *json, struct event *ev);
/* The values the event brings, by sync.inbound.fields. */
int crm_event_values(struct apply *a, const char *json, struct event *ev);
void crm_event_free(struct event *ev);

#endif
