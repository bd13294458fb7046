/* client.h: the owners the pipeline works on. */
#ifndef CRM_CLIENT_H
#define CRM_CLIENT_H

#include "change.h"
#include "crm.h"
#include "print.h"

/* The fields a user may set, by the column names of DESIGN.md sec. 4 (also
 * the names `crm client list --format=csv` prints and `client import`
 * reads). */
enum client_field {
	CF_NAME, CF_EMAIL, CF_PHONE, CF_CHANNEL, CF_STAGE, CF_STATUS,
	CF_SOURCE_TYPE, CF_SOURCE_URL, CF_LISTING_REF, CF_VIABILITY,
	CF_AUTOMATION, CF_AI_MODE, CF_NOTES, CF_LOST_REASON, CF_NEXT_ACTION_AT,
	CF_LAST_CONTACTED_AT, CF_LAST_INTERACTION_AT,
	CF_COUNT
};

/* the values of sec. 4, NULL-terminated: every status, the statuses a
 * person sets (not "forgotten"), the AI modes */
extern const char *const crm_client_statuses[];
extern const char *const crm_client_set_statuses[];
extern const char *const crm_ai_modes[];

/* field name -> index, -1 when it is not a settable client field */
int crm_client_field(const char *name);
const char *crm_client_field_name(enum client_field f);

struct crm_kv_arg {
	const char *key;
	const char *value;
};

/* What to set.  NULL: leave as is; "" clears the field (where allowed). */
struct crm_client_fields {
	const char *v[CF_COUNT];
	long long operator_id;      /* 0: crm_operator() */
	const char *const *tags;    /* tags to add */
	int ntags;
	const char *const *untags;  /* tags to remove */
	int nuntags;
	int tags_replace;           /* tags is the whole set */
	const struct crm_kv_arg *set;   /* custom fields; value "" removes */
	int nset;
	const char *custom_json;    /* a JSON object merged into custom */
	const char *note;           /* a note added to the notes (v[CF_NOTES]
	                               replaces them first), on a line of its
	                               own that starts with the time in UTC:
	                               "2026-12-01 10:00 TEXT"; a new client's
	                               first note is its notes, as given */
	const char *reason;         /* for the history (stage changes) */
	const char *source;         /* "manual", "import", ...: history action */
};

/* Validate f (stage and channel against the config, viability 0-100, times,
 * ...), then insert.  An owner who already exists (same normalised email or
 * phone in the operator) is a data error naming the existing id.  Runs
 * inside the caller's transaction when one is open, else in its own. */
int crm_client_add(struct crm *crm, const struct crm_client_fields *f,
                   long long *id);
/* Apply f to client id, one history row per changed field; *changed
 * counts them (may be NULL). */
int crm_client_update(struct crm *crm, long long id,
                      const struct crm_client_fields *f, int *changed);
/* 0 when every value of f is one a client may take (as add and update
 * check them); else the data error. */
int crm_client_check_fields(struct crm *crm, const struct crm_client_fields *f);
/* Apply f to each client of ids, all or nothing (one transaction); f is
 * checked once, first.  *clients counts the clients that changed,
 * *changes their changes.  A client's failure names it ("client 7:
 * ..."). */
int crm_client_update_all(struct crm *crm, const long long *ids, int n,
                          const struct crm_client_fields *f, int *clients, int *changes);
/* The client that owns the email or phone owner key (crm_norm_email,
 * crm_phone_key) within the operator; 0 (and *id 0) when there is none. */
int crm_client_find_owner(struct crm *crm, long long operator_id,
                          const char *email_norm, const char *phone_norm,
                          long long *id);

/* 1 if k may name a custom field: not empty, no quote, backslash or
 * control character (a JSON path quotes it) */
int crm_custom_key_ok(const char *k);
/* Within lib/: set one column of client id by sql ("UPDATE clients SET
 * col = ?2, updated_at = ?3 WHERE id = ?1", maybe with more conditions)
 * and tell the change (kind, field, old, new, reason), when a row
 * changed. */
int crm_client_set_column(struct crm *crm, long long id, const char *sql,
                          const char *value, enum crm_change_kind kind,
                          const char *field, const char *old, const char *new,
                          const char *reason);
/* Within lib/: the custom fields of a new client from f's --set pairs,
 * as a JSON object (owned, into *out; NULL when there are none). */
int crm_client_custom_new(struct crm *crm, const struct crm_client_fields *f,
                          char **out);
/* Within lib/: the tags of f for new client id, all at once. */
int crm_client_tags_new(struct crm *crm, long long id, const struct crm_client_fields *f);
/* Within lib/: the tags and custom fields of f, for a client that exists;
 * *changed counts the changes. */
int crm_client_set_extras(struct crm *crm, long long id,
                          const struct crm_client_fields *f, int *changed);

/* An id, an email or a phone (any form of the number) -> id;
 * CRM_NOTFOUND with "client 'x': not found". */
int crm_client_resolve(struct crm *crm, const char *ref, long long *id);
/* The one client whose name has every word of ref at the start of one
 * of its words, case and accents aside: CRM_NOTFOUND when none, 64 with
 * some of them named when several. */
int crm_client_resolve_name(struct crm *crm, const char *ref, long long *id);
/* Likely duplicate owners: two clients of an operator whose email or
 * phone is the same owner key once computed as crm computes it now (a
 * migration keeps an old key where the new one was taken).  Columns:
 * id, duplicate_id, match (email or phone), key.  CRM_NOTFOUND: none. */
int crm_client_dupes(struct crm *crm, struct printer *pr);
/* For the completion: the clients' emails (their owner keys) and the
 * tags in use that start with prefix, at most 200 each. */
int crm_client_complete(struct crm *crm, const char *prefix,
                        void (*fn)(const char *email, void *arg), void *arg);
int crm_tag_complete(struct crm *crm, const char *prefix,
                     void (*fn)(const char *tag, void *arg), void *arg);

struct crm_client_filter {
	/* each a list of values, any of which matches (NULL-terminated;
	 * NULL: no filter) */
	const char *const *stage, *const *status, *const *channel,
		*const *source_type, *const *tag;
	const char *const *automation;   /* "on", "off" */
	const char *const *ai;           /* AI modes */
	const char *const *operators;    /* ids; when NULL, operator_id */
	int all;                     /* archived clients too, with no status */
	const char *q;
	const char *since, *until;   /* added in [since, until): canonical times */
	const char *due;             /* next_action_at before this canonical time */
	int overdue;                 /* next_action_at before now */
	long long operator_id;       /* 0: all */
	long long min_viability;     /* -1: none */
	long long stale_days;        /* -1: none */
	const char *sort;            /* field, "-field" for descending */
	long long limit;             /* -1: none */
	long long offset;            /* skip this many first */
	int wide;                    /* every column, not the table's few */
};
void crm_client_filter_init(struct crm_client_filter *flt);
/* Within lib/: the WHERE of flt on q, which selects from "clients c"
 * (list, export, automation due and stats filter the same way); 65 for
 * a stage or channel the config does not have. */
struct query;
int crm_client_where(struct crm *crm, struct query *q, const struct crm_client_filter *flt);
/* Within lib/: the ORDER BY of client list on q (flt->sort; by default
 * the last contact, or the next action for --due and --overdue); 64 for
 * a field it cannot sort by. */
int crm_client_order(struct crm *crm, struct query *q, const struct crm_client_filter *flt);
/* the fields client list sorts by, NULL-terminated */
extern const char *const crm_client_sort_fields[];
int crm_client_list(struct crm *crm, const struct crm_client_filter *flt,
                    struct printer *pr);
/* The client as one record: its fields, then its listings and its last
 * 20 communications (printer_record). */
int crm_client_show(struct crm *crm, long long id, struct printer *pr);
/* its history, oldest first: limit rows at most (-1: all) after offset */
int crm_client_history(struct crm *crm, long long id, long long limit, long long offset,
                       struct printer *pr);
/* Move one client from stage `from` (as it was read) to `to`, with its
 * history row.  Both must be stages of the pipeline: the caller checked. */
int crm_client_move(struct crm *crm, long long id, const char *from,
                    const char *to, const char *reason);
/* How many distinct clients of ids are not in stage: how many moving
 * them all would move. */
int crm_client_count_moves(struct crm *crm, const long long *ids, int n,
                           const char *stage, int *would);
/* Move every client to stage, all or nothing; *moved counts the clients
 * that moved.  A client in stage already is left alone, lost_reason and
 * history included: *already counts them (may be NULL). */
int crm_client_set_stage(struct crm *crm, const long long *ids, int n,
                         const char *stage, const char *reason, int *moved,
                         int *already);

/* client_merge.c: what a merge moved from DROP to KEEP */
struct crm_merge_counts {
	long long fields;     /* fields KEEP had no value for, and later contact times */
	long long tags, custom, comms, listings, leads, history;
};
/* Merge client drop into keep, in the caller's transaction or one of its
 * own: KEEP takes DROP's communications, listings, leads, tags, custom
 * fields (KEEP's keys win), notifications and history, and each field
 * it has no value for (where both have one, KEEP's wins), the later
 * contact times, and a stop of automation; its touches are counted
 * again; DROP is removed, its owner keys freed first.  Told in KEEP's
 * history (action merge), with a snapshot of DROP from which undo makes
 * it again.  CRM_DATAERR: the same client, or two
 * operators' clients; CRM_NOTFOUND: no such client. */
int crm_client_merge(struct crm *crm, long long keep, long long drop,
                     struct crm_merge_counts *c);
/* Within lib/: undo of a merge, from its "snapshot" history row (json):
 * DROP made again, with what the merge moved to KEEP; KEEP's fields and
 * tags are the other rows' to revert. */
int crm_client_unmerge(struct crm *crm, long long keep, const char *json, const char *why);
/* n pairs (keep, drop: pairs[2i], pairs[2i+1]) merged in one
 * transaction, rolled back at the end with dry_run; a client merged
 * already stands for the client it went into, and a pair whose two are
 * one by then is skipped.  each (may be NULL) is told every merge. */
int crm_client_merge_all(struct crm *crm, const long long *pairs, int n, int dry_run,
                         void (*each)(void *arg, long long keep, long long drop,
                                      const struct crm_merge_counts *c),
                         void *arg);

/* client_import.c: the records of `client import` (arg is unused, the
 * outcome an enum crm_upsert), by the column names `client list` prints
 * (first_name and last_name make a name; columns crm does not know become
 * custom fields).  A known owner is updated. */
struct crm_importer;
extern const struct crm_importer crm_client_importer;

#endif
