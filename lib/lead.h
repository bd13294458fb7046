/* lead.h: what the scraper found, and how a lead becomes a client. */
#ifndef CRM_LEAD_H
#define CRM_LEAD_H

#include "crm.h"
#include "batch.h"
#include "input.h"
#include "print.h"

/* The lead columns `crm lead import` reads (DESIGN.md sec. 4). */
enum lead_field {
	LF_EXTERNAL_ID, LF_OPERATOR_ID, LF_SOURCE_TYPE, LF_SOURCE_URL,
	LF_LISTING_REF, LF_LISTING_HASH, LF_CONTACT_NAME, LF_CONTACT_EMAIL,
	LF_CONTACT_PHONE, LF_CHANNEL, LF_TITLE, LF_LOCATION, LF_PRICE,
	LF_STATUS, LF_VIABILITY,
	LF_COUNT
};

/* field name -> enum lead_field, -1 when it is not one; and back */
int crm_lead_field(const char *key);
const char *crm_lead_field_name(enum lead_field f);
/* the lead statuses, NULL-terminated */
extern const char *const crm_lead_statuses[];

/* The records of `crm lead import` (arg is unused, the outcome an enum
 * crm_upsert): each inserts or updates a lead.  A record with an external_id (or,
 * in an input without that column, an "id") is matched on it alone; one
 * without, on its listing_hash when it has one, else on its source_url.
 * The other columns `lead list` prints are ignored, so its output imports
 * again.  Columns crm does not know go into the lead's raw JSON, merged
 * into a raw column that holds a JSON object.  A viability given is kept
 * until another is given; a lead without one is scored by the config's
 * rules, again on each update (viability_given says which). */
extern const struct crm_importer crm_lead_importer;

/* Set every column of lead id back to json, as an import's update row
 * keeps it (old_value of action "update"), with a history row; undo. */
int crm_lead_restore(struct crm *crm, long long id, const char *json, const char *reason);

/* A lead named on the command line: crm's own id first, then the
 * source's external_id (operators use the ids `lead list` prints);
 * CRM_NOTFOUND when none. */
int crm_lead_resolve(struct crm *crm, const char *ref, long long *id);

/* A lead named by a contact event (its lead_id): the source's
 * external_id first, then crm's own id; CRM_NOTFOUND when none. */
int crm_lead_resolve_source(struct crm *crm, const char *ref, long long *id);

/* Promote every lead of ids, all or nothing, as `crm lead promote` does
 * (lead status "converted"); clients[i] is lead i's client, *made counts
 * the clients made.  A lead with no contact name, email or phone that is
 * no client yet is bad data, as a client without them is. */
int crm_lead_promote_all(struct crm *crm, const long long *ids, int n,
                         const char *stage, long long *clients, int *made);
/* Turn the lead into a client, owner-centric: an owner who is already a
 * client gets the lead linked, and its listing added; otherwise a client
 * is made from the lead in stage (NULL: the pipeline's first), preferring
 * the lead's channel, else channel (may be NULL).  A lead that was not a
 * client yet gets lead_status (NULL: unchanged); one that was keeps its
 * status.  *created says whether a client was made.  In the caller's
 * transaction, or one of its own. */
int crm_lead_promote(struct crm *crm, long long lead_id, const char *stage,
                     const char *channel, const char *lead_status,
                     long long *client_id, int *created);

/* Set a lead's status, with its history row, in the caller's transaction
 * or one of its own; *changed 0 when it had that status already. */
int crm_lead_set_status(struct crm *crm, long long id, const char *status,
                        int *changed);
/* The same for every lead of ids, all or nothing; *changed counts. */
int crm_lead_set_status_all(struct crm *crm, const long long *ids, int n,
                            const char *status, int *changed);
/* 1 if status is one of crm_lead_statuses */
int crm_lead_status_ok(const char *status);
/* 0 when it is; else CRM_DATAERR "status 'S': not a lead status (new,
 * ...)" */
int crm_lead_status_check(struct crm *crm, const char *status);

struct crm_lead_filter {
	/* lists of values, any of which matches (NULL-terminated; NULL: no
	 * filter) */
	const char *const *status, *const *source_type;
	const char *const *operators;   /* ids; when NULL, operator_id */
	const char *q, *since;     /* since: canonical */
	long long operator_id;     /* 0: all */
	long long min_viability;   /* -1: none */
	long long limit;           /* -1: none */
	long long offset;          /* skip this many first */
	int wide;
};
void crm_lead_filter_init(struct crm_lead_filter *flt);
int crm_lead_list(struct crm *crm, const struct crm_lead_filter *flt,
                  struct printer *pr);
/* The lead as one record (printer_record). */
int crm_lead_show(struct crm *crm, long long id, struct printer *pr);

/* The viability the config's rules give a lead: base plus the points of
 * every rule it matches, within 0..100.  get(key, arg) returns a field's
 * value or NULL. */
int crm_viability(const struct crm_config *cfg,
                  const char *(*get)(const char *key, void *arg), void *arg);

#endif
