/* client_values.c: what a client is given, checked and made ready to
 * store: each settable field by its kind (an email, a stage, a time...),
 * tags and custom keys by their rules, every text in NFC. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "client_values.h"

enum kind {
	K_TEXT, K_REQUIRED, K_EMAIL, K_PHONE, K_CHANNEL, K_STAGE, K_STATUS,
	K_VIABILITY, K_BOOL, K_AIMODE, K_TIME, K_DUE,
};

/* How each settable field is checked; its name and SQL are the
 * catalog's (crm_clients). */
static const enum kind kinds[CF_COUNT] = {
	[CF_NAME] = K_REQUIRED, [CF_EMAIL] = K_EMAIL, [CF_PHONE] = K_PHONE,
	[CF_CHANNEL] = K_CHANNEL, [CF_STAGE] = K_STAGE, [CF_STATUS] = K_STATUS,
	[CF_SOURCE_TYPE] = K_TEXT, [CF_SOURCE_URL] = K_TEXT, [CF_LISTING_REF] = K_TEXT,
	[CF_VIABILITY] = K_VIABILITY, [CF_AUTOMATION] = K_BOOL, [CF_AI_MODE] = K_AIMODE,
	[CF_NOTES] = K_TEXT, [CF_LOST_REASON] = K_TEXT, [CF_NEXT_ACTION_AT] = K_DUE,
	[CF_LAST_CONTACTED_AT] = K_TIME, [CF_LAST_INTERACTION_AT] = K_TIME,
};

int crm_client_field(const char *name)
{
	const struct crm_col *c = crm_entity_col(&crm_clients, name);

	return c ? c->field : -1;
}

const char *crm_client_field_name(enum client_field f)
{
	return crm_entity_field(&crm_clients, (int)f)->name;
}

void crm_client_values_free(struct client_values *vals)
{
	for (int i = 0; i < CF_COUNT; i++)
		free(vals->v[i]);
	free(vals->email_norm);
	free(vals->phone_norm);
	for (int i = 0; i < vals->nown; i++)
		free(vals->own[i]);
	free(vals->own);
	free(vals->tags);
	free(vals->untags);
	free(vals->set);
}

/* in as text to store (NFC, owned by vals) into *res; NULL stays NULL */
static int own_text(struct crm *crm, struct client_values *vals, const char *what,
                    const char *in, const char **res)
{
	char *t;
	int rc;

	*res = NULL;
	if (!in)
		return 0;
	if ((rc = crm_text(crm, what, in, &t)))
		return rc;
	vals->own = xrealloc(vals->own, (size_t)(vals->nown + 1) * sizeof *vals->own);
	vals->own[vals->nown++] = t;
	*res = t;
	return 0;
}

/* n texts of in, each as own_text makes it, into a new array *out */
static int own_texts(struct crm *crm, struct client_values *vals, const char *what,
                     const char *const *in, int n, const char ***out)
{
	int rc = 0;

	*out = xmalloc((size_t)(n ? n : 1) * sizeof **out);
	for (int i = 0; i < n && !rc; i++)
		rc = own_text(crm, vals, what, in[i], &(*out)[i]);
	return rc;
}

const char *const crm_client_statuses[] = { "active", "archived", "forgotten", NULL };
/* forgotten is what client forget leaves, not a status to set */
const char *const crm_client_set_statuses[] = { "active", "archived", NULL };
const char *const crm_ai_modes[] = { "off", "draft", "auto", NULL };

int crm_client_value(struct crm *crm, int i, const char *in, struct client_values *out)
{
	static const char *const yes[] = { "1", "on", "true", "yes", NULL };
	static const char *const no[] = { "0", "off", "false", "no", NULL };
	static const char *const on_off[] = { "on", "off", "yes", "no", "true", "false",
	                                      "1", "0", NULL };
	const char *name = crm_client_field_name(i);
	char t[CRM_TIME_LEN];
	long long n;

	out->given[i] = 1;
	if (!crm_utf8_valid(in))
		return crm_text(crm, name, in, &out->v[i]);
	if (!*in) {
		switch (kinds[i]) {
		case K_REQUIRED: case K_STAGE: case K_STATUS: case K_BOOL: case K_AIMODE:
			return crm_err(crm, CRM_DATAERR, "%s: cannot be empty", name);
		default:
			return 0; /* cleared */
		}
	}
	switch (kinds[i]) {
	case K_TEXT:
	case K_REQUIRED:
		return crm_text(crm, name, in, &out->v[i]);
	case K_EMAIL:
		return crm_owner_value(crm, name, in, 0, &out->v[i], &out->email_norm);
	case K_PHONE:
		return crm_owner_value(crm, name, in, 1, &out->v[i], &out->phone_norm);
	case K_CHANNEL:
		if (crm_channel_check(crm, in))
			return CRM_DATAERR;
		break;
	case K_STAGE:
		if (crm_stage_check(crm, in))
			return CRM_DATAERR;
		break;
	case K_STATUS:
		if (!crm_in_set(in, crm_client_set_statuses))
			return crm_not_in_set(crm, "status", in, "not a client status",
			                      crm_client_set_statuses);
		break;
	case K_VIABILITY:
		if (crm_parse_int(in, &n) || n < 0 || n > 100)
			return crm_err(crm, CRM_DATAERR,
			               "viability '%s': not a whole number from 0 to 100", in);
		break;
	case K_BOOL:
		if (crm_in_set(in, yes))
			in = "1";
		else if (crm_in_set(in, no))
			in = "0";
		else
			return crm_not_in_set(crm, name, in, "not on or off", on_off);
		break;
	case K_AIMODE:
		if (!crm_in_set(in, crm_ai_modes))
			return crm_not_in_set(crm, "ai_mode", in, "not an AI mode", crm_ai_modes);
		break;
	case K_TIME:
	case K_DUE:   /* "7d" is a week from now */
		if ((kinds[i] == K_DUE ? crm_time_parse_ahead : crm_time_parse)(in, t))
			return crm_err(crm, CRM_DATAERR, "%s '%s': not a time (use %s)", name, in,
			               CRM_TIME_FORMS);
		in = t;
		break;
	}
	out->v[i] = xstrdup(in);
	return 0;
}

/* a tag reads the same in every format: in a comma-joined list, in a
 * table, trimmed by an import */
static int tag_ok(const char *t)
{
	size_t n = strlen(t);

	return n && !strchr(t, ',') && t[0] != ' ' && t[n - 1] != ' ' && !crm_has_control(t);
}

int crm_custom_key_ok(const char *k)
{
	return *k && !strpbrk(k, "\"\\") && !crm_has_control(k);
}

int crm_client_values(struct crm *crm, const struct crm_client_fields *f,
                      struct client_values *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	out->f = *f;
	f = &out->f;
	for (int i = 0; i < CF_COUNT; i++)
		if (f->v[i] && (rc = crm_client_value(crm, i, f->v[i], out)))
			return rc;
	if ((rc = own_texts(crm, out, "tag", f->tags, f->ntags, &out->tags)) ||
	    (rc = own_texts(crm, out, "tag", f->untags, f->nuntags, &out->untags)) ||
	    (rc = own_text(crm, out, "custom", f->custom_json, &out->f.custom_json)) ||
	    (rc = own_text(crm, out, "note", f->note, &out->f.note)) ||
	    (rc = own_text(crm, out, "reason", f->reason, &out->f.reason)))
		return rc;
	if (f->note && !*f->note)
		return crm_err(crm, CRM_DATAERR, "note: empty (--set-note '' clears the notes)");
	out->f.tags = out->tags;
	out->f.untags = out->untags;
	out->set = xmalloc((size_t)(f->nset + 1) * sizeof *out->set);
	for (int i = 0; i < f->nset; i++)
		if ((rc = own_text(crm, out, "custom field", f->set[i].key, &out->set[i].key)) ||
		    (rc = own_text(crm, out, "custom field", f->set[i].value, &out->set[i].value)))
			return rc;
	out->f.set = out->set;
	for (int i = 0; i < f->ntags; i++)
		if (!tag_ok(f->tags[i]))
			return crm_err(crm, CRM_DATAERR, "tag '%s': a tag is not empty and has"
			               " no comma, no control character, no space at either end",
			               f->tags[i]);
	for (int i = 0; i < f->ntags; i++)
		for (int j = 0; j < f->nuntags; j++)
			if (!strcmp(f->tags[i], f->untags[j]))
				return crm_err(crm, CRM_DATAERR, "tag '%s': both added and removed",
				               f->tags[i]);
	for (int i = 0; i < f->nset; i++) {
		const char *k = f->set[i].key;
		if (!*k)
			return crm_err(crm, CRM_DATAERR, "custom field: a key is not empty");
		if (!crm_custom_key_ok(k))
			return crm_err(crm, CRM_DATAERR, "custom field '%s': a key has no"
			               " quote, backslash or control character", k);
	}
	return 0;
}

