/* comm.h: communications: every contact and reply, and what they change. */
#ifndef CRM_COMM_H
#define CRM_COMM_H

#include "crm.h"
#include "print.h"

/* One contact event (DESIGN.md sec. 6).  Every field is text or NULL;
 * who the event is about is the first of client_id, lead_id, email, phone,
 * source_url, listing_hash that is given. */
struct crm_event {
	const char *client;   /* an id or an email, as the command line names
	                         a client: it must exist (CRM_NOTFOUND) */
	const char *client_id, *lead_id, *email, *phone, *source_url,
		*listing_hash;
	const char *channel, *direction, *kind, *status, *subject, *body, *at,
		*external_id, *operator_id, *source;
	int strict;           /* not a field of the stream: an outbound touch to
	                         a client that is not due is refused (65), not
	                         stored with a violation notification */
};

enum crm_logged { LOGGED_NEW = 0, LOGGED_DUPLICATE = 1 };

/* owner.c: who the event is about: its client (*client), or a lead that
 * is no client yet (*lead, which a first contact promotes).  client_id,
 * lead_id (the source's id first, then crm's), then email, phone,
 * source_url and listing_hash, each tried in turn until one matches; in
 * operator op, or any with op 0.  CRM_DATAERR when nothing matches. */
int crm_event_owner(struct crm *crm, const struct crm_event *ev, long long op,
                    long long *client, long long *lead);

/* the directions, kinds and statuses of sec. 4, NULL-terminated */
extern const char *const crm_comm_directions[];
extern const char *const crm_comm_kinds[];
extern const char *const crm_comm_statuses[];

/* Store one event inside the caller's transaction (or one of its own).
 * An event whose external_id is stored already is a duplicate (*outcome
 * LOGGED_DUPLICATE, *client_id 0): nothing is looked up or changed for
 * it.  Otherwise: find or promote its client (a lead_id is the lead's
 * external_id first, then its id), insert the event, move
 * last_contacted_at / last_interaction_at forward, and apply the stage
 * rules: an outbound event moves a client in the pipeline's first stage
 * to "contacted"; an inbound one moves a client in a stage before
 * pipeline.on_reply to it.  A note is no contact: it is stored, and
 * changes none of that.  *client_id may be NULL. */
int crm_comm_log(struct crm *crm, const struct crm_event *ev,
                 enum crm_logged *outcome, long long *client_id);

/* The event a record of a stream holds (the fields of DESIGN.md sec. 6
 * by name; its texts are the record's, valid as long as it is). */
struct crm_record;
void crm_event_from_record(const struct crm_record *rec, struct crm_event *ev);

/* The events of a stream (arg, when not NULL, an int: strict; the
 * outcome an enum crm_logged): the fields of DESIGN.md sec. 6 by name; source defaults
 * to "bot". */
struct crm_importer;
extern const struct crm_importer crm_comm_importer;

/* Bulk mode for a batch: the clients' contact
 * times written once per client by crm_comm_bulk_flush(), which the batch
 * calls before it commits (a rolled-back batch has nothing to write).
 * crm_comm_bulk_end() leaves bulk mode. */
void crm_comm_bulk(struct crm *crm);
int crm_comm_bulk_flush(struct crm *crm);
void crm_comm_bulk_end(void);

struct crm_comm_filter {
	long long client_id;        /* 0: all */
	const char *const *channel, *const *direction;  /* any of (NULL-terminated;
	                                                   NULL: no filter) */
	const char *since, *until; /* canonical times */
	long long limit;            /* -1: none */
	long long offset;           /* skip this many first */
	int wide;                   /* every column; else the narrow table's */
};
int crm_comm_list(struct crm *crm, const struct crm_comm_filter *flt,
                  struct printer *pr);

#endif
