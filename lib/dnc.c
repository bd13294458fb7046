/* dnc.c: do-not-contact, as keyed hashes of owner keys (see dnc.h). */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "client.h"
#include "crypto.h"
#include "dnc.h"
#include "lead.h"

#define KEY_LEN 32

static int unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return s[2 * n] ? -1 : 0;
}

static void tohex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The database's key (*have 0 when it has none).  With make, one that
 * has none gets one, in the caller's transaction: a rollback takes it
 * back with the hashes made under it, so it is read again each time
 * rather than kept. */
static int dnc_key(struct crm *crm, int make, unsigned char key[KEY_LEN], int *have)
{
	static const char get[] = "SELECT value FROM settings WHERE name = 'dnc_key'";
	static const char put[] = "INSERT INTO settings (name, value) VALUES ('dnc_key', ?1)";
	char hex[2 * KEY_LEN + 1];
	sqlite3_stmt *st = crm_stmt(crm, get);
	int rc, bad = 0;

	*have = 0;
	if (!st)
		return crm_stmt_status(crm);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		bad = !v || strlen(v) != 2 * KEY_LEN || unhex(v, key, KEY_LEN);
		*have = !bad;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return crm_sqlerr(crm, "do-not-contact");
	if (bad)
		return crm_err(crm, CRM_SOFTWARE, "do-not-contact: the key in settings is damaged");
	if (*have || !make)
		return 0;
	if ((rc = crm_random_bytes(crm, key, KEY_LEN)))
		return rc;
	tohex(key, KEY_LEN, hex);
	if (!(st = crm_stmt(crm, put)))
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
	if ((rc = crm_exec_stmt(crm, st, "do-not-contact")))
		return rc;
	*have = 1;
	return 0;
}

static int dnc_hash(struct crm *crm, const unsigned char key[KEY_LEN], const char *norm,
                    char out[CRM_DNC_HASH_LEN])
{
	unsigned char md[CRM_SHA256_LEN];
	int rc;

	if ((rc = crm_hmac_sha256(crm, key, KEY_LEN, norm, strlen(norm), md)))
		return rc;
	tohex(md, sizeof md, out);
	return 0;
}

int crm_dnc_value(struct crm *crm, const char *in, char **norm, const char **kind)
{
	*norm = NULL;
	if (strchr(in, '@')) {
		*kind = "email";
		return crm_owner_value(crm, "email", in, 0, NULL, norm);
	}
	if (crm_utf8_valid(in) && crm_phone_like(in)) {
		*kind = "phone";
		return crm_owner_value(crm, "phone", in, 1, NULL, norm);
	}
	if (!crm_utf8_valid(in))
		return crm_err(crm, CRM_DATAERR, "value: not valid UTF-8 (byte %zu)",
		               crm_utf8_check(in, strlen(in)));
	return crm_err(crm, CRM_DATAERR, "'%s': neither an email address nor a phone number", in);
}

static int is_listed(struct crm *crm, const char *hash, int *listed)
{
	static const char sql[] = "SELECT 1 FROM do_not_contact WHERE hash = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*listed = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	*listed = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "do-not-contact");
}

int crm_dnc_listed(struct crm *crm, const char *email_norm, const char *phone_norm,
                   int *listed)
{
	unsigned char key[KEY_LEN];
	char hash[CRM_DNC_HASH_LEN];
	const char *v[2] = { email_norm, phone_norm };
	int rc, have;

	*listed = 0;
	if (!email_norm && !phone_norm)
		return 0;
	if ((rc = dnc_key(crm, 0, key, &have)) || !have)
		return rc;
	for (int i = 0; i < 2 && !*listed; i++)
		if (v[i] && ((rc = dnc_hash(crm, key, v[i], hash)) ||
		             (rc = is_listed(crm, hash, listed))))
			return rc;
	return 0;
}

/* client id's dnc set to want, with its history row */
static int set_dnc(struct crm *crm, long long id, int want, const char *reason)
{
	static const char sql[] =
		"UPDATE clients SET dnc = ?2, updated_at = ?3 WHERE id = ?1 AND dnc <> ?2";

	return crm_client_set_column(crm, id, sql, want ? "1" : "0", CHANGE_CLIENT_DNC, "dnc",
	                             want ? "0" : "1", want ? "1" : "0", reason);
}

/* the ids sql gives for norm (?1), owned into *ids */
static int ids_of(struct crm *crm, const char *sql, const char *norm, long long **ids, int *n)
{
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	*ids = NULL;
	*n = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xrealloc(*ids, (size_t)(*n + 1) * sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "do-not-contact");
}

/* The clients and leads that have the owner key norm: every operator's
 * (the IN lets the owner indexes answer) */
static const char clients_sql[2][160] = {
	"SELECT id FROM clients WHERE email_norm = ?1"
	" AND operator_id IN (SELECT id FROM operators)",
	"SELECT id FROM clients WHERE phone_norm = ?1"
	" AND operator_id IN (SELECT id FROM operators)",
};
static const char leads_sql[2][200] = {
	"SELECT id FROM leads WHERE email_norm = ?1 AND operator_id IN (SELECT id FROM operators)"
	" AND client_id IS NULL AND status NOT IN ('converted', 'suppressed')",
	"SELECT id FROM leads WHERE phone_norm = ?1 AND operator_id IN (SELECT id FROM operators)"
	" AND client_id IS NULL AND status NOT IN ('converted', 'suppressed')",
};

/* norm listed: its clients get dnc 1, its leads not promoted become
 * suppressed */
static int mark_owners(struct crm *crm, const char *norm, int phone, const char *reason)
{
	long long *ids;
	int n, rc, changed;

	if ((rc = ids_of(crm, clients_sql[phone], norm, &ids, &n)))
		return rc;
	for (int i = 0; i < n && !rc; i++)
		rc = set_dnc(crm, ids[i], 1, reason);
	free(ids);
	if (rc || (rc = ids_of(crm, leads_sql[phone], norm, &ids, &n)))
		return rc;
	for (int i = 0; i < n && !rc; i++)
		rc = crm_lead_set_status(crm, ids[i], "suppressed", &changed);
	free(ids);
	return rc;
}

/* one owner key on the list; *added 0 when it was there */
static int dnc_put(struct crm *crm, const unsigned char key[KEY_LEN], const char *norm,
                   const char *kind, const char *reason, int *added)
{
	static const char sql[] =
		"INSERT INTO do_not_contact (hash, kind, reason, created_at)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (hash) DO NOTHING";
	char hash[CRM_DNC_HASH_LEN], now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	*added = 0;
	if ((rc = dnc_hash(crm, key, norm, hash)))
		return rc;
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	crm_bind_text(st, 3, reason);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "dnc add")))
		return rc;
	if ((*added = sqlite3_changes(crm->db) > 0) &&
	    (rc = crm_change(crm, &(struct crm_change){ CHANGE_DNC_ADD, 0, "hash", NULL, hash,
	                                                reason })))
		return rc;
	/* the owners are marked even when the hash was there: one may have
	 * taken the address since */
	return mark_owners(crm, norm, !strcmp(kind, "phone"), reason);
}

int crm_dnc_add_all(struct crm *crm, char *const *norms, const char *const *kinds, int n,
                    const char *reason, int *count, int *bad)
{
	unsigned char key[KEY_LEN];
	char *why = NULL;
	int rc = 0, own, have, added, i = 0;

	*count = 0;
	if (bad)
		*bad = -1;
	if (reason && (rc = crm_text(crm, "reason", reason, &why)))
		return rc;
	if (!n)
		goto done;   /* an empty input: no key made for nothing */
	if ((rc = crm_tx_begin(crm, &own)))
		goto done;
	if (!(rc = dnc_key(crm, 1, key, &have)))
		for (; i < n && !rc; i++) {
			rc = dnc_put(crm, key, norms[i], kinds[i], why, &added);
			*count += added;
		}
	if (rc && bad && i > 0)
		*bad = i - 1;
	rc = crm_tx_end(crm, own, rc);
done:
	if (rc)
		*count = 0;
	free(why);
	return rc;
}

int crm_dnc_remove_all(struct crm *crm, char *const *norms, const char *const *kinds, int n,
                       int *count, int *bad)
{
	static const char sql[] = "DELETE FROM do_not_contact WHERE hash = ?1";
	unsigned char key[KEY_LEN];
	char hash[CRM_DNC_HASH_LEN];
	long long *ids = NULL;
	int rc, own, have, nids, i = 0;
	sqlite3_stmt *st;

	*count = 0;
	if (bad)
		*bad = -1;
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	if ((rc = dnc_key(crm, 0, key, &have)) || !have)
		goto done;
	for (; i < n && !rc; i++) {
		if (bad)
			*bad = i;
		if ((rc = dnc_hash(crm, key, norms[i], hash)))
			break;
		if (!(st = crm_stmt(crm, sql))) {
			rc = crm_stmt_status(crm);
			break;
		}
		sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
		if ((rc = crm_exec_stmt(crm, st, "dnc remove")) || !sqlite3_changes(crm->db))
			continue;
		(*count)++;
		if ((rc = crm_change(crm, &(struct crm_change){ CHANGE_DNC_REMOVE, 0, "hash", hash,
		                                                NULL, NULL })))
			break;
		/* its clients are on the list still when their other address is */
		if ((rc = ids_of(crm, clients_sql[!strcmp(kinds[i], "phone")], norms[i], &ids,
		                 &nids)))
			break;
		for (int k = 0; k < nids && !rc; k++)
			rc = crm_dnc_client_sync(crm, ids[k]);
		free(ids);
		ids = NULL;
	}
	if (!rc && bad)
		*bad = -1;
done:
	rc = crm_tx_end(crm, own, rc);
	if (rc)
		*count = 0;
	return rc;
}

int crm_dnc_check_all(struct crm *crm, char *const *norms, int n, int *count)
{
	unsigned char key[KEY_LEN];
	char hash[CRM_DNC_HASH_LEN];
	int rc, have, listed;

	*count = 0;
	if ((rc = dnc_key(crm, 0, key, &have)) || !have)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = dnc_hash(crm, key, norms[i], hash)) ||
		    (rc = is_listed(crm, hash, &listed)))
			return rc;
		*count += listed;
	}
	return 0;
}

int crm_dnc_list(struct crm *crm, struct printer *pr)
{
	static const char sql[] =
		"SELECT hash, kind, reason, created_at FROM do_not_contact"
		" ORDER BY created_at DESC, hash";
	static const struct pcol cols[] = {
		{ "hash", COL_TEXT, PCOL_CUT(64) }, { "kind", COL_TEXT, 0 },
		{ "reason", COL_TEXT, 0 }, { "created_at", COL_TIME, 0 },
	};
	sqlite3_stmt *st = crm_stmt(crm, sql);
	long rows;
	int rc;

	if ((rc = crm_fmt_check(crm, cols, 4)))
		return rc;
	if (!st)
		return crm_stmt_status(crm);
	printer_begin(pr, cols, 4);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printer_row_stmt(pr, st);
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "dnc list");
	rows = printer_end(pr);
	return rc ? rc : rows ? 0 : CRM_NOTFOUND;
}

int crm_dnc_owner(struct crm *crm, long long id, char *norm[2], int *dnc, int *forgotten)
{
	static const char sql[] =
		"SELECT email_norm, phone_norm, dnc, status = 'forgotten' FROM clients WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	norm[0] = norm[1] = NULL;
	*dnc = *forgotten = 0;
	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		norm[0] = crm_column_dup(st, 0);
		norm[1] = crm_column_dup(st, 1);
		*dnc = sqlite3_column_int(st, 2);
		*forgotten = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return crm_err(crm, CRM_NOTFOUND, "client '%lld': not found", id);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "do-not-contact");
}

int crm_dnc_client_sync(struct crm *crm, long long id)
{
	char *norm[2];
	int rc, dnc, forgotten, listed = 0;

	if ((rc = crm_dnc_owner(crm, id, norm, &dnc, &forgotten)))
		return rc;
	rc = crm_dnc_listed(crm, norm[0], norm[1], &listed);
	if (!rc && (listed || forgotten) != dnc)
		rc = set_dnc(crm, id, listed || forgotten, NULL);
	free(norm[0]);
	free(norm[1]);
	return rc;
}

int crm_dnc_client_add(struct crm *crm, long long id, const char *reason)
{
	unsigned char key[KEY_LEN];
	char *norm[2];
	int rc, have, added, dnc, forgotten;

	if ((rc = crm_dnc_owner(crm, id, norm, &dnc, &forgotten)))
		return rc;
	if ((norm[0] || norm[1]) && !(rc = dnc_key(crm, 1, key, &have))) {
		if (norm[0])
			rc = dnc_put(crm, key, norm[0], "email", reason, &added);
		if (!rc && norm[1])
			rc = dnc_put(crm, key, norm[1], "phone", reason, &added);
	}
	/* an owner with neither has nothing to list: the bot stops all the
	 * same */
	if (!rc && !norm[0] && !norm[1])
		rc = crm_client_set_column(crm, id, "UPDATE clients SET automation_enabled = ?2,"
		                           " updated_at = ?3 WHERE id = ?1 AND automation_enabled",
		                           "0", CHANGE_CLIENT_AUTOMATION, "automation_enabled",
		                           "1", "0", reason);
	free(norm[0]);
	free(norm[1]);
	return rc;
}
