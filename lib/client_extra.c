/* client_extra.c: a client's tags (the client_tags table) and custom
 * fields (the custom JSON object), each change with its history row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static int set_tag(struct crm *crm, long long id, const char *tag, int add)
{
	static const char ins[] =
		"INSERT INTO client_tags (client_id, tag) VALUES (?1, ?2)"
		" ON CONFLICT DO NOTHING";
	static const char del[] =
		"DELETE FROM client_tags WHERE client_id = ?1 AND tag = ?2";
	sqlite3_stmt *st = crm_stmt(crm, add ? ins : del);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "client tags")))
		return rc;
	if (sqlite3_changes(crm->db) == 0)
		return -1; /* nothing changed */
	return crm_change(crm, &(struct crm_change){ add ? CHANGE_CLIENT_TAG : CHANGE_CLIENT_UNTAG,
	                                             id, "tags", add ? NULL : tag,
	                                             add ? tag : NULL, NULL });
}

/* Make the client's tags exactly tags[]: drop the others.  The list is
 * compared here rather than in SQL: a NOT IN over json_each() builds a
 * temporary index, whose page cache the heap takes and gives back on
 * every row of an import. */
static int drop_other_tags(struct crm *crm, long long id,
                           const struct crm_client_fields *f, int *changed)
{
	static const char sql[] = "SELECT tag FROM client_tags WHERE client_id = ?1";
	char **gone = NULL;
	int ngone = 0, rc, r;
	sqlite3_stmt *st = crm_stmt(crm, sql);

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tag = (const char *)sqlite3_column_text(st, 0);
		int keep = 0;
		for (int i = 0; i < f->ntags && !keep; i++)
			keep = !strcmp(f->tags[i], tag);
		if (keep)
			continue;
		gone = xrealloc(gone, (size_t)(ngone + 1) * sizeof *gone);
		gone[ngone++] = xstrdup(tag);
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "client tags");
	for (int i = 0; i < ngone; i++) {
		if (!rc && (r = set_tag(crm, id, gone[i], 0)) >= 0)
			rc = r ? r : (++*changed, 0);
		free(gone[i]);
	}
	free(gone);
	return rc;
}

static const char set_custom_sql[] =
	"UPDATE clients SET custom = ?2, updated_at = ?3 WHERE id = ?1";

/* One custom change: key set (value NULL removes it), or, with key NULL,
 * the JSON object value merged in. */
static int apply_custom(struct crm *crm, long long id, const char *key,
                        const char *value, const char *reason, int *changed)
{
	/* ?2 is the key: the path quotes it, whatever its length */
	static const char set_sql[] =
		"SELECT custom ->> ('$.\"' || ?2 || '\"'), CASE WHEN ?3 IS NULL"
		" THEN json_remove(custom, '$.\"' || ?2 || '\"')"
		" ELSE json_set(custom, '$.\"' || ?2 || '\"', ?3) END"
		" FROM clients WHERE id = ?1";
	static const char merge_sql[] =
		"SELECT custom, json_patch(custom, ?2), json_type(?2) = 'object'"
		" FROM clients WHERE id = ?1";
	char *old = NULL, *new = NULL, *field = NULL;
	sqlite3_stmt *st = crm_stmt(crm, key ? set_sql : merge_sql);
	int rc = 0, same;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if (key) {
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		crm_bind_text(st, 3, value);
	} else {
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || (!key && !sqlite3_column_int(st, 2))) {
		sqlite3_reset(st);
		/* malformed JSON is an SQL error; a busy or broken database is not
		 * the user's data */
		if (!key && (rc == SQLITE_ROW || rc == SQLITE_ERROR))
			return crm_err(crm, CRM_DATAERR, "custom '%s': not a JSON object", value);
		return crm_sqlerr(crm, "client custom");
	}
	rc = 0;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		old = xstrdup((const char *)sqlite3_column_text(st, 0));
	new = xstrdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	if (key)
		same = (!old && !(value && *value)) || (old && value && !strcmp(old, value));
	else
		same = !strcmp(old, new);
	if (!same) {
		if (key) {
			field = xmalloc(strlen(key) + sizeof "custom.");
			strcpy(field, "custom.");
			strcat(field, key);
		}
		rc = crm_client_set_column(crm, id, set_custom_sql, new, CHANGE_CLIENT_FIELD,
		                           key ? field : "custom", old,
		                           key ? (value && *value ? value : NULL) : new,
		                           reason);
		if (!rc)
			(*changed)++;
	}
	free(field);
	free(old);
	free(new);
	return rc;
}

int crm_client_set_extras(struct crm *crm, long long id,
                          const struct crm_client_fields *f, int *changed)
{
	int rc = 0;

	if (f->tags_replace && (rc = drop_other_tags(crm, id, f, changed)))
		return rc;
	for (int i = 0; i < f->ntags + f->nuntags; i++) {
		int add = i < f->ntags;
		int r = set_tag(crm, id, add ? f->tags[i] : f->untags[i - f->ntags], add);
		if (r > 0)
			return r;
		if (r == 0)   /* -1: the tag was already there, or already gone */
			(*changed)++;
	}
	for (int i = 0; i < f->nset; i++)
		if ((rc = apply_custom(crm, id, f->set[i].key, f->set[i].value,
		                       f->reason, changed)))
			return rc;
	if (f->custom_json)
		rc = apply_custom(crm, id, NULL, f->custom_json, f->reason, changed);
	return rc;
}

/* --- a new client: its tags and custom fields are part of its creation,
 * set with it and told by its "create" history row --- */

int crm_client_custom_new(struct crm *crm, const struct crm_client_fields *f,
                          char **out)
{
	/* ?2 is the key: the path quotes it, whatever its length */
	static const char sql[] =
		"SELECT CASE WHEN ?3 IS NULL THEN json_remove(?1, '$.\"' || ?2 || '\"')"
		" ELSE json_set(?1, '$.\"' || ?2 || '\"', ?3) END";
	char *custom = NULL;
	int rc = 0;

	*out = NULL;
	for (int i = 0; i < f->nset && !rc; i++) {
		sqlite3_stmt *st = crm_stmt(crm, sql);
		if (!st)
			return crm_stmt_status(crm);
		sqlite3_bind_text(st, 1, custom ? custom : "{}", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, f->set[i].key, -1, SQLITE_STATIC);
		crm_bind_text(st, 3, f->set[i].value);
		if (sqlite3_step(st) == SQLITE_ROW) {
			free(custom);
			custom = crm_column_dup(st, 0);
		} else {
			rc = crm_sqlerr(crm, "client custom");
		}
		sqlite3_reset(st);
	}
	if (rc)
		free(custom);
	else
		*out = custom;
	return rc;
}

int crm_client_tags_new(struct crm *crm, long long id, const struct crm_client_fields *f)
{
	/* one statement a tag: an INSERT ... SELECT over json_each() would
	 * build a temporary table, whose pages the heap takes and gives back
	 * on every row of an import */
	static const char sql[] =
		"INSERT INTO client_tags (client_id, tag) VALUES (?1, ?2)"
		" ON CONFLICT DO NOTHING";
	int rc = 0;

	for (int i = 0; i < f->ntags && !rc; i++) {
		sqlite3_stmt *st = crm_stmt(crm, sql);
		if (!st)
			return crm_stmt_status(crm);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, f->tags[i], -1, SQLITE_STATIC);
		rc = crm_exec_stmt(crm, st, "client tags");
	}
	return rc;
}
