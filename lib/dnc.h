/* dnc.h: do-not-contact, and forgetting a person.
 *
 * An email or a phone on do-not-contact is kept as its owner key (the
 * email in NFC and case folded, the phone in E.164 read in
 * phone.default_region: crm_owner_value) hashed with HMAC-SHA256 under a
 * key of the database's own: 32 random bytes made the first time a value
 * is listed, inside that write's transaction, and kept in settings
 * ('dnc_key').  The table never holds an address, so neither does what
 * lists it.  A client whose email or phone is listed has clients.dnc 1;
 * the functions here keep that column true wherever an address is
 * listed, removed or given to a client. */
#ifndef CRM_DNC_H
#define CRM_DNC_H

#include "crm.h"
#include "print.h"

/* a hash as text: 64 hex digits and the NUL */
#define CRM_DNC_HASH_LEN 65

/* A value of `crm dnc`: an email (it has an '@') or a phone, as its
 * owner key (owned, into *norm) and its kind ("email" or "phone").
 * CRM_DATAERR "'x': neither an email nor a phone" or what is wrong with
 * the one it looks like. */
int crm_dnc_value(struct crm *crm, const char *in, char **norm, const char **kind);

/* Add (reason may be NULL), remove or check the owner keys norms[0..n)
 * of kinds[0..n), all in one transaction; *count is how many were
 * added, removed or are listed.  On failure *bad (may be NULL) is the
 * index of the value that failed, -1 for none in particular.  Adding
 * sets clients.dnc of the clients that have one of them and marks their
 * leads not yet promoted suppressed; removing sets it again from what
 * stays listed. */
int crm_dnc_add_all(struct crm *crm, char *const *norms, const char *const *kinds, int n,
                    const char *reason, int *count, int *bad);
int crm_dnc_remove_all(struct crm *crm, char *const *norms, const char *const *kinds, int n,
                       int *count, int *bad);
int crm_dnc_check_all(struct crm *crm, char *const *norms, int n, int *count);

/* hash, kind, reason, created_at of every listed value, newest first;
 * CRM_NOTFOUND when there is none */
int crm_dnc_list(struct crm *crm, struct printer *pr);

/* Whether the owner key email_norm or phone_norm (either may be NULL)
 * is listed (*listed).  Never makes the key: with none, nothing is. */
int crm_dnc_listed(struct crm *crm, const char *email_norm, const char *phone_norm,
                   int *listed);

/* Within lib/, in the caller's transaction: */
/* clients.dnc of client id set from its owner keys as they are now (a
 * forgotten client stays 1), with a history row when it changes. */
/* The owner keys of client id (owned into norm, NULL where it has none),
 * whether it is marked dnc and whether it is forgotten; CRM_NOTFOUND
 * when there is no such client. */
int crm_dnc_owner(struct crm *crm, long long id, char *norm[2], int *dnc, int *forgotten);
int crm_dnc_client_sync(struct crm *crm, long long id);
/* The client's email and phone on do-not-contact (an unsubscribe, a
 * bounce, a forget), with reason. */
int crm_dnc_client_add(struct crm *crm, long long id, const char *reason);

/* forget.c: erase the personal data of each client of ids, one
 * transaction with secure_delete on, then a checkpoint that truncates
 * the WAL: their fields (the name becomes "[forgotten]", the status
 * "forgotten"), communications, listings, tags, custom fields,
 * notifications and the leads of the same owner; the personal values of
 * their history become "[forgotten]"; their email and phone go on
 * do-not-contact first.  One history row "forget" says it happened.
 * *done counts the clients forgotten (one forgotten already counts:
 * forgetting again is no error).  CRM_TEMPFAIL when the change was
 * committed but a reader kept the WAL from being emptied. */
int crm_client_forget(struct crm *crm, const long long *ids, int n, int *done);

#endif
