/* comm_bulk.h: within lib/, what comm.c keeps of a client while it logs
 * events.
 *
 * In a batch, what crm knows of each client it has logged an event for
 * is kept in a slot: its newest contact times and its touches, written
 * once per client before the batch commits rather than once per event
 * (crm_comm_bulk_flush); its stage and what the automation rules read;
 * whether a reply has stopped its automation.  The batch holds the write
 * lock, so no one else changes them meanwhile.  The table has a fixed
 * size: once half full, further clients are looked up and written at
 * once, so memory does not grow with the input. */
#ifndef CRM_COMM_BULK_H
#define CRM_COMM_BULK_H

#include "automation.h"
#include "crm.h"

/* What an event reads of its client: its stage, as its index in the
 * pipeline (-1: a stage the pipeline no longer has), what the automation
 * rules read (its touches as stored, and those of the batch so far), and
 * its last outbound contact as stored (epoch, -1: none). */
struct client_state {
	int stage;
	long long contacted;
	struct crm_auto_client a;
};

/* A slot keeps a client_state as small as it goes (64 bytes): its
 * times as seconds from 2000 (0: none), good until 2136. */
struct bulk_slot {
	long long id;                 /* 0: empty */
	long long out, in;            /* newest outbound and inbound, epoch + 1; 0: none */
	unsigned touch_at;            /* newest outbound touch of the batch */
	unsigned paused_until, last_touch, contacted;   /* of the client_state */
	int touches;                  /* stored and the batch's */
	int new_touches;              /* the batch's */
	short stage;
	signed char touch_ch;         /* the channel of touch_at, in channels */
	unsigned char known;          /* the state read */
	unsigned char stopped;        /* automation stopped by a reply */
	unsigned char violated;       /* a violation notification written */
	unsigned char enabled, dnc;
	unsigned char status;         /* in crm_client_statuses; 255: another */
};

/* The client's state; CRM_DATAERR when there is no such client.  Its
 * texts point to the config's and the statuses'. */
int comm_client_state(struct crm *crm, long long id, struct client_state *cs);
/* the client's slot, made when it has none; NULL outside a batch, or
 * when the table is full */
struct bulk_slot *comm_bulk_slot(long long id);
/* the state a slot keeps (known set) */
void comm_slot_get(const struct crm *crm, const struct bulk_slot *b,
                   struct client_state *cs);
/* The slot after an event at `at` (epoch) on channel: state, as the
 * event found it (its stage as the event left it), with the event's
 * touch or reply; violated: a violation notification was written. */
void comm_slot_update(struct crm *crm, struct bulk_slot *b, const struct client_state *state,
                      int inbound, int touch, long long at, const char *channel, int violated);
/* move a client's last contact time forward (never back) */
int comm_touch_client(struct crm *crm, long long id, int inbound, long long at);
/* n outbound touches of client id counted, the newest at touch_at on
 * channel; with newest, that is the client's newest touch: its
 * last_touch_at and last_touch_channel.  out (-1: none) is a newer
 * last_contacted_at, written in the same statement. */
int comm_touch_count(struct crm *crm, long long id, int n, long long touch_at,
                     const char *channel, int newest, long long out);

#endif
