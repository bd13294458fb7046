/* client_import.c: owners from a spreadsheet or another CRM, one record
 * at a time, owner-centric: a known owner is updated, not added again. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "catalog.h"
#include "client.h"
#include "input.h"
#include "json.h"

/* the columns an import reads besides the catalog's: parts of a name */
static const char *const name_parts[] = { "first_name", "last_name", NULL };

/* a column crm knows (what `client list` prints, whether an import sets
 * it or not), that does not go into the custom fields */
static int known_column(const char *key)
{
	return crm_entity_col(&crm_clients, key) || crm_in_set(key, name_parts);
}

static int import_record(struct crm *crm, const struct crm_record *rec, void *arg,
                         int *outcome);

/* what --map may name: the columns an import sets, and the parts of a
 * name (not id, created_at and the like, which it does not read) */
static const char *const *map_fields(void)
{
	static const char *const more[] = { "operator_id", "tags", "custom", "first_name",
	                                    "last_name", NULL };
	static const char *names[CRM_CATALOG_MAX + 6];

	return names[0] ? names : crm_entity_field_names(&crm_clients, more, names);
}

const struct crm_importer crm_client_importer = {
	import_record, known_column, "name, email, phone, first_name, last_name, ...", 16,
	known_column, map_fields, "custom.", 1
};

/* tags as a JSON array of strings or a comma-separated list, into an
 * owned vector of owned strings.  Text that starts as JSON does is JSON,
 * and must parse as an array of strings: never "no tags". */
static int split_tags(struct crm *crm, const struct crm_field *fd, char ***out, int *n)
{
	static const char sql[] = "SELECT type, value FROM json_each(?1)";
	const char *s = fd->val + strspn(fd->val, " ");
	char **v = NULL, why[160];
	struct json_obj scratch = { 0 };
	enum json_type type;
	int k = 0, rc = 0, step;

	*out = NULL;
	*n = 0;
	if (fd->type == V_NUM || fd->type == V_BOOL || *s == '{' ||
	    (*s == '[' && (json_check(s, &scratch, &type, why, sizeof why) || type != JSON_RAW))) {
		if (fd->type == V_NUM || fd->type == V_BOOL || *s == '{')
			snprintf(why, sizeof why, "not an array");
		rc = crm_err(crm, CRM_DATAERR, "tags '%.200s': a JSON array of strings or a"
		             " comma list: %s", fd->val, why);
		goto cleanup;
	}
	if (*s == '[') {
		sqlite3_stmt *st = crm_stmt(crm, sql);
		if (!st) {
			rc = crm_stmt_status(crm);
			goto cleanup;
		}
		sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 1);
			if (strcmp((const char *)sqlite3_column_text(st, 0), "text") || !t || !*t) {
				rc = crm_err(crm, CRM_DATAERR, "tags '%.200s': element %d is not a"
				             " tag (a string, not empty)", fd->val, k + 1);
				break;
			}
			v = xrealloc(v, (size_t)(k + 1) * sizeof *v);
			v[k++] = xstrdup(t);
		}
		sqlite3_reset(st);
		if (!rc && step != SQLITE_DONE)
			rc = crm_sqlerr(crm, "client import");
	} else {
		char *copy = xstrdup(s), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			while (*t == ' ')
				t++;
			size_t len = strlen(t);
			while (len && t[len - 1] == ' ')
				t[--len] = '\0';
			if (!len)
				continue;
			v = xrealloc(v, (size_t)(k + 1) * sizeof *v);
			v[k++] = xstrdup(t);
		}
		free(copy);
	}
cleanup:
	json_free(&scratch);
	if (rc) {
		for (int i = 0; i < k; i++)
			free(v[i]);
		free(v);
	} else {
		*out = v;
		*n = k;
	}
	return rc;
}

/* The custom column: a JSON object, no key twice at any depth, and its
 * keys such as a custom field may have. */
static int custom_ok(struct crm *crm, const char *v)
{
	struct json_obj o = { 0 };
	char why[160], *copy = xstrdup(v);
	int rc = 0;

	if (json_parse_object(copy, &o, why, sizeof why))
		rc = crm_err(crm, CRM_DATAERR, "custom '%.200s': %s", v, why);
	for (int i = 0; !rc && i < o.n; i++)
		if (!crm_custom_key_ok(o.fields[i].key))
			rc = crm_err(crm, CRM_DATAERR, "custom key '%.200s': a custom field key has"
			             " no quote, backslash or control character", o.fields[i].key);
	json_free(&o);
	free(copy);
	return rc;
}

static int import_record(struct crm *crm, const struct crm_record *rec, void *arg,
                         int *outcome)
{
	struct crm_client_fields f;
	char **tags = NULL, *custom = NULL, *extra = NULL, *name = NULL;
	char *email_norm = NULL, *phone_norm = NULL;
	const char *v;
	long long op = crm_operator(crm), client = 0, *id = &client;
	int ntags = 0, rc = 0, changed = 0;

	(void)arg;
	memset(&f, 0, sizeof f);
	for (int i = 0; i < CF_COUNT; i++)
		f.v[i] = record_get(rec, crm_client_field_name(i));
	if ((v = record_get(rec, "operator_id")) && (crm_parse_int(v, &op) || op < 1))
		return crm_err(crm, CRM_DATAERR, "operator_id '%s': not an id", v);
	f.operator_id = op;
	if (!f.v[CF_NAME] && (record_get(rec, "first_name") || record_get(rec, "last_name"))) {
		const char *first = record_get(rec, "first_name"), *last = record_get(rec, "last_name");
		size_t len = (first ? strlen(first) : 0) + (last ? strlen(last) : 0) + 2;
		name = xmalloc(len);
		snprintf(name, len, "%s%s%s", first ? first : "", first && last ? " " : "",
		         last ? last : "");
		f.v[CF_NAME] = name;
	}
	if (record_get(rec, "tags")) {
		if ((rc = split_tags(crm, record_field(rec, "tags"), &tags, &ntags)))
			goto cleanup;
		f.tags = (const char *const *)tags;
		f.ntags = ntags;
		f.tags_replace = 1;
	}
	/* custom fields: the custom column, and every column crm does not know */
	for (int i = 0; i < rec->nfields; i++)
		if (*rec->fields[i].val && !known_column(rec->fields[i].key) &&
		    !crm_custom_key_ok(rec->fields[i].key)) {
			rc = crm_err(crm, CRM_DATAERR, "column '%s': a custom field key has no"
			             " quote, backslash or control character", rec->fields[i].key);
			goto cleanup;
		}
	if ((v = record_get(rec, "custom")) && (rc = custom_ok(crm, v)))
		goto cleanup;
	extra = crm_record_json(rec, known_column, "custom.");
	if (v && !strcmp(extra, "{}")) {
		/* the custom column alone: the client add or update merges it */
		f.custom_json = v;
	} else if (v || strcmp(extra, "{}")) {
		static const char merge[] =
			"SELECT json_patch(?1, ?2) WHERE json_valid(?1)"
			" AND json_type(?1) = 'object'";
		sqlite3_stmt *st = crm_stmt(crm, merge);
		int step;
		if (!st) {
			rc = crm_stmt_status(crm);
			goto cleanup;
		}
		sqlite3_bind_text(st, 1, v ? v : "{}", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, extra, -1, SQLITE_STATIC);
		if ((step = sqlite3_step(st)) == SQLITE_ROW)
			custom = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = crm_sqlerr(crm, "client import");
			goto cleanup;
		}
		if (!custom) {
			rc = crm_err(crm, CRM_DATAERR, "custom '%s': not a JSON object", v);
			goto cleanup;
		}
		f.custom_json = custom;
	}
	f.source = "import";
	email_norm = f.v[CF_EMAIL] ? crm_norm_email(f.v[CF_EMAIL]) : NULL;
	if (f.v[CF_PHONE] && (rc = crm_phone_key(crm, f.v[CF_PHONE], &phone_norm)) &&
	    rc != CRM_DATAERR)
		goto cleanup;
	rc = 0;   /* not a phone: crm_client_add and _update say so */
	if ((rc = crm_client_find_owner(crm, op, email_norm, NULL, id)) ||
	    (!*id && (rc = crm_client_find_owner(crm, op, NULL, phone_norm, id))))
		goto cleanup;
	if (*id) {
		rc = crm_client_update(crm, *id, &f, &changed);
		*outcome = changed ? UPSERT_UPDATED : UPSERT_UNCHANGED;
	} else {
		rc = crm_client_add(crm, &f, id);
		*outcome = UPSERT_INSERTED;
	}
cleanup:
	for (int i = 0; i < ntags; i++)
		free(tags[i]);
	free(tags);
	free(custom);
	free(extra);
	free(name);
	free(email_norm);
	free(phone_norm);
	return rc;
}
