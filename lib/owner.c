/* owner.c: who a contact event is about.  An event names its owner by a
 * client id, a lead id, or by what the bot knew: an email, a phone, the
 * listing's URL or hash.  Each of those is one row of the lookup table:
 * how its value is normalised, and how clients and leads are found by it. */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "comm.h"
#include "dnc.h"
#include "lead.h"

enum norm { NORM_EMAIL, NORM_PHONE, NORM_NONE };

/* ?1 the operator (0: any), ?2 the value; rows of (id, operator_id) */
static const struct lookup {
	const char *field;       /* the event's field, in messages too */
	enum norm norm;
	const char *clients;
	const char *leads;       /* a lead that is a client already first */
} lookups[] = {
	{ "email", NORM_EMAIL,
	  "SELECT id, operator_id FROM clients WHERE email_norm = ?2 AND operator_id IN"
	  " (SELECT id FROM operators WHERE ?1 = 0 OR id = ?1)",
	  "SELECT id, operator_id FROM leads WHERE email_norm = ?2 AND operator_id IN"
	  " (SELECT id FROM operators WHERE ?1 = 0 OR id = ?1)"
	  " ORDER BY client_id IS NULL, id" },
	{ "phone", NORM_PHONE,
	  "SELECT id, operator_id FROM clients WHERE phone_norm = ?2 AND operator_id IN"
	  " (SELECT id FROM operators WHERE ?1 = 0 OR id = ?1)",
	  "SELECT id, operator_id FROM leads WHERE phone_norm = ?2 AND operator_id IN"
	  " (SELECT id FROM operators WHERE ?1 = 0 OR id = ?1)"
	  " ORDER BY client_id IS NULL, id" },
	{ "source_url", NORM_NONE,
	  "SELECT client_id, c.operator_id FROM client_listings l"
	  " JOIN clients c ON c.id = l.client_id"
	  " WHERE l.source_url = ?2 AND (?1 = 0 OR c.operator_id = ?1)"
	  " UNION ALL SELECT id, operator_id FROM clients"
	  " WHERE source_url = ?2 AND (?1 = 0 OR operator_id = ?1)",
	  "SELECT id, operator_id FROM leads WHERE source_url = ?2"
	  " AND (?1 = 0 OR operator_id = ?1) ORDER BY id" },
	{ "listing_hash", NORM_NONE,
	  "SELECT client_id, c.operator_id FROM client_listings l"
	  " JOIN clients c ON c.id = l.client_id"
	  " WHERE l.listing_hash = ?2 AND (?1 = 0 OR c.operator_id = ?1)",
	  "SELECT id, operator_id FROM leads WHERE listing_hash = ?2"
	  " AND (?1 = 0 OR operator_id = ?1) ORDER BY id" },
};
#define NLOOKUPS (sizeof lookups / sizeof lookups[0])

/* A client, else a lead, by one lookup: in operator op, or, with op 0
 * (neither the event nor crm names one), in whichever operator knows it;
 * two operators that know it make the event ambiguous. */
static int find_by(struct crm *crm, const struct lookup *k, const char *v, long long op,
                   long long *client, long long *lead)
{
	long long ops[2];
	int rc;

	*lead = 0;
	if ((rc = crm_lookup_owned(crm, k->clients, op, v, client, ops, "comm log")))
		return rc;
	if (!*client && (rc = crm_lookup_owned(crm, k->leads, op, v, lead, ops, "comm log")))
		return rc;
	if (ops[1])
		return crm_err(crm, CRM_DATAERR, "%s '%s': known to operators %lld and %lld;"
		               " give operator_id", k->field, v, ops[0] < ops[1] ? ops[0] : ops[1],
		               ops[0] < ops[1] ? ops[1] : ops[0]);
	return 0;
}

/* the event's value for lookup i */
static const char *value_of(const struct crm_event *ev, size_t i)
{
	const char *const v[] = { ev->email, ev->phone, ev->source_url, ev->listing_hash };

	return v[i];
}

/* No client or lead matches: CRM_DATAERR, which says so of an address
 * on do-not-contact (a forgotten owner's is), which no first contact
 * may reach. */
static int nobody(struct crm *crm, const struct crm_event *ev)
{
	const char *v[2] = { ev->email, ev->phone };
	char *norm = NULL;
	int listed = 0;

	for (int i = 0; i < 2 && !listed; i++) {
		if (!v[i] || crm_owner_value(crm, i ? "phone" : "email", v[i], i, NULL, &norm))
			continue;
		if (crm_dnc_listed(crm, i ? NULL : norm, i ? norm : NULL, &listed) == 0 && listed)
			crm_err(crm, CRM_DATAERR, "%s: on do-not-contact; no first contact",
			        i ? "phone" : "email");
		free(norm);
		norm = NULL;
	}
	if (!listed)
		crm_err(crm, CRM_DATAERR, "no client or lead matches the event");
	return CRM_DATAERR;
}

int crm_event_owner(struct crm *crm, const struct crm_event *ev, long long op,
                    long long *client, long long *lead)
{
	long long n;
	char *norm = NULL;
	int rc = 0;

	*client = *lead = 0;
	if (ev->client)
		return crm_client_resolve(crm, ev->client, client);
	if (ev->client_id) {
		if (crm_parse_int(ev->client_id, &n) || n < 1)
			return crm_err(crm, CRM_DATAERR, "client_id '%s': not an id", ev->client_id);
		*client = n; /* whether it exists, the insert tells */
		return 0;
	}
	if (ev->lead_id && (rc = crm_lead_resolve_source(crm, ev->lead_id, lead)))
		return rc == CRM_NOTFOUND ?
			crm_err(crm, CRM_DATAERR, "lead '%s': not found", ev->lead_id) : rc;
	/* each field given in turn, until one matches a client or a lead */
	for (size_t i = 0; !*lead && i < NLOOKUPS; i++) {
		const struct lookup *k = &lookups[i];
		const char *v = value_of(ev, i);
		if (!v)
			continue;
		free(norm);
		norm = NULL;
		if (k->norm != NORM_NONE &&
		    (rc = crm_owner_value(crm, k->field, v, k->norm == NORM_PHONE, NULL, &norm)))
			break;
		if ((rc = find_by(crm, k, norm ? norm : v, op, client, lead)) || *client)
			break;
	}
	if (!rc && !*client && !*lead)
		rc = nobody(crm, ev);
	free(norm);
	return rc;
}
