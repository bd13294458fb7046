/* client_values.h: a client's fields once checked (client_values.c), as
 * the write paths of client.c take them.  Internal to lib/. */
#ifndef CRM_CLIENT_VALUES_H
#define CRM_CLIENT_VALUES_H

#include "client.h"

/* Validated values: v[i] is owned text, or NULL to clear the field; f
 * is the caller's fields with every text in NFC (tags, custom fields,
 * the reason), which own[] holds. */
struct client_values {
	int given[CF_COUNT];
	char *v[CF_COUNT];
	char *email_norm, *phone_norm;
	struct crm_client_fields f;
	const char **tags, **untags;
	struct crm_kv_arg *set;
	char **own;
	int nown;
};

/* every field, tag and custom field of f into out; a data error names
 * the first that is wrong.  out is freed by crm_client_values_free,
 * whatever this returns. */
int crm_client_values(struct crm *crm, const struct crm_client_fields *f,
                      struct client_values *out);
/* field i of value in alone into out (as crm_client_values does for each) */
int crm_client_value(struct crm *crm, int i, const char *in, struct client_values *out);
void crm_client_values_free(struct client_values *vals);

#endif
