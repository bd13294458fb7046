/* lead_import.c: leads from the scraper's CSV or JSONL, one record at a
 * time, upserted on the source's id or the listing; and the viability
 * rules that score a lead imported without a score. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "change.h"
#include "dnc.h"
#include "json.h"
#include "lead.h"
#include "price.h"

/* --- viability --- */

int crm_viability(const struct crm_config *cfg,
                  const char *(*get)(const char *key, void *arg), void *arg)
{
	int score = cfg->viability.base;

	for (int i = 0; i < cfg->viability.nrules; i++) {
		const struct crm_viability_rule *r = &cfg->viability.rules[i];
		const char *v = get(r->has ? r->has : r->field, arg);
		int match = 0;

		if (r->has) {
			match = v && *v;
		} else if (v && r->equals) {
			match = !strcmp(v, r->equals);
		} else if (v && (r->has_min || r->has_max)) {
			char *end;
			double d = strtod(v, &end);
			match = end != v && !*end && (!r->has_min || d >= r->min) &&
			        (!r->has_max || d <= r->max);
		}
		if (match)
			score += r->points;
	}
	return score < 0 ? 0 : score > 100 ? 100 : score;
}

/* --- import --- */

/* the values of one record, validated */
struct lead_values {
	const char *v[LF_COUNT];
	char *email, *phone;            /* as stored: trimmed, NFC */
	char *email_norm, *phone_norm;
	struct crm_price price;         /* and its amount as text in v[LF_PRICE] */
	char price_text[32];
	long long operator_id;
	char *raw;     /* JSON object of the columns crm does not know */
};

/* a column crm knows (what `lead list` prints, whether an import sets
 * it or not), that does not go into the raw JSON; a raw column that is
 * not a JSON object does (see lead_raw) */
static int known_column(const char *key)
{
	return crm_entity_col(&crm_leads, key) && strcmp(key, "raw");
}

/* the whole stored lead, as a JSON object of its columns (owned, into
 * *json): what an update's history row keeps, for undo */
static int lead_snapshot(struct crm *crm, long long id, char **json)
{
	static char sql[1024];
	sqlite3_stmt *st;
	int rc;

	*json = NULL;
	crm_entity_fields_sql(&crm_leads, LF_COUNT, -1, sql, sizeof sql, "SELECT json_object(",
	                      "'%1$s', %1$s", 1, ", ", ", 'email_norm', email_norm, 'phone_norm',"
	                      " phone_norm, 'raw', raw, 'viability_given', viability_given)"
	                      " FROM leads WHERE id = ?1");
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*json = crm_column_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "lead import");
}

int crm_lead_restore(struct crm *crm, long long id, const char *json, const char *reason)
{
	static char sql[1536];
	char now[CRM_TIME_LEN];
	sqlite3_stmt *st;
	int rc;

	crm_entity_fields_sql(&crm_leads, LF_COUNT, -1, sql, sizeof sql, "UPDATE leads SET ",
	                      "%1$s = ?2 ->> '$.%1$s'", 1, ", ", ", email_norm = ?2 ->> '$.email_norm',"
	                      " phone_norm = ?2 ->> '$.phone_norm', raw = ?2 ->> '$.raw',"
	                      " viability_given = ?2 ->> '$.viability_given', updated_at = ?3"
	                      " WHERE id = ?1");
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, st, "lead")) || !sqlite3_changes(crm->db))
		return rc;
	return crm_change(crm, &(struct crm_change){ CHANGE_LEAD_UPDATED, id, NULL, NULL, json,
	                  reason });
}

static int import_record(struct crm *crm, const struct crm_record *rec, void *arg,
                         int *outcome);

/* a column a lead is known by or has: the raw columns are not enough */
static int lead_column(const char *key)
{
	return crm_lead_field(key) >= 0 || !strcmp(key, "id");
}

/* the same, and a raw column that is merged rather than kept */
static int known_or_raw(const char *key)
{
	return crm_entity_col(&crm_leads, key) != NULL;
}

/* what --map may name: the columns an import sets (not id, client_id
 * and the like, which it does not read) */
static const char *const *map_fields(void)
{
	static const char *const more[] = { "viability_given", "raw", NULL };
	static const char *names[CRM_CATALOG_MAX + 3];

	return names[0] ? names : crm_entity_field_names(&crm_leads, more, names);
}

const struct crm_importer crm_lead_importer = {
	import_record, lead_column, "external_id, source_url, listing_hash, contact_email, ...", 16,
	known_or_raw, map_fields, "raw.", 1
};

/* The raw JSON of a record (owned, into *raw): the columns crm does not
 * know, merged into a raw column that holds a JSON object (as `lead list`
 * prints it); a raw column that is not one is kept as any other. */
static int lead_raw(struct crm *crm, const struct crm_record *rec, char **raw)
{
	static const char sql[] =
		"SELECT CASE WHEN json_valid(?1) THEN"
		" CASE json_type(?1) WHEN 'object' THEN json_patch(?1, ?2) END END";
	const char *v = record_get(rec, "raw");
	char *extra;
	sqlite3_stmt *st;
	int rc;

	*raw = NULL;
	if (!v) {
		*raw = crm_record_json(rec, known_column, "raw.");
		return 0;
	}
	/* an object is merged: no key of it twice, at any depth */
	if (v[strspn(v, " ")] == '{') {
		struct json_obj o = { 0 };
		enum json_type type;
		char why[160];
		rc = json_check(v, &o, &type, why, sizeof why);
		json_free(&o);
		if (rc)
			return crm_err(crm, CRM_DATAERR, "raw '%.200s': %s", v, why);
	}
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	extra = crm_record_json(rec, known_or_raw, "raw.");
	sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, extra, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*raw = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	free(extra);
	if (rc != SQLITE_ROW)
		return crm_sqlerr(crm, "lead import");
	if (!*raw)
		*raw = crm_record_json(rec, known_column, "raw.");
	return 0;
}

static int lead_validate(struct crm *crm, const struct crm_record *rec,
                         struct lead_values *lv)
{
	const char *g;
	long long n;
	int rc, listed;

	memset(lv, 0, sizeof *lv);
	for (int i = 0; i < LF_COUNT; i++)
		lv->v[i] = record_get(rec, crm_lead_field_name(i));
	/* id is the source's id only in an input without external_id:
	 * next to one (as `lead list` prints them), it is crm's id */
	if (!record_field(rec, "external_id"))
		lv->v[LF_EXTERNAL_ID] = record_get(rec, "id");
	if (!lv->v[LF_EXTERNAL_ID] && !lv->v[LF_LISTING_HASH] && !lv->v[LF_SOURCE_URL])
		return crm_err(crm, CRM_DATAERR,
		               "lead: no external_id, id, listing_hash or source_url to know it by");
	lv->operator_id = crm_operator(crm);
	if (lv->v[LF_OPERATOR_ID] &&
	    (crm_parse_int(lv->v[LF_OPERATOR_ID], &lv->operator_id) || lv->operator_id < 1))
		return crm_err(crm, CRM_DATAERR, "operator_id '%s': not an id",
		               lv->v[LF_OPERATOR_ID]);
	if (lv->v[LF_STATUS] && crm_lead_status_check(crm, lv->v[LF_STATUS]))
		return CRM_DATAERR;
	/* viability_given 0: the viability came from the rules (as `lead list`
	 * prints a computed one), so it is not a given score */
	if ((g = record_get(rec, "viability_given"))) {
		if (!strcmp(g, "0") || !strcmp(g, "false"))
			lv->v[LF_VIABILITY] = NULL;
		else if (strcmp(g, "1") && strcmp(g, "true"))
			return crm_err(crm, CRM_DATAERR, "viability_given '%s': not 0 or 1", g);
	}
	if (lv->v[LF_VIABILITY] &&
	    (crm_parse_int(lv->v[LF_VIABILITY], &n) || n < 0 || n > 100))
		return crm_err(crm, CRM_DATAERR,
		               "viability '%s': not a whole number from 0 to 100",
		               lv->v[LF_VIABILITY]);
	/* as scraped: currency signs and thousands separators; a JSON
	 * number's point is a decimal point */
	if (lv->v[LF_PRICE]) {
		const char *why;
		if (crm_price_parse(lv->v[LF_PRICE], crm->cfg.locale.decimal[0],
		                    rec->json && record_field(rec, "price")->type == V_NUM,
		                    &lv->price, &why))
			return crm_err(crm, CRM_DATAERR, "price '%s': %s (such as 285000,"
			               " 285000.50, \xe2\x82\xac" "285,000 or 285.000,50 EUR)",
			               lv->v[LF_PRICE], why);
		lv->v[LF_PRICE] = crm_price_text(&lv->price, lv->price_text, sizeof lv->price_text);
	}
	if (lv->v[LF_CONTACT_EMAIL] &&
	    (rc = crm_owner_value(crm, "contact_email", lv->v[LF_CONTACT_EMAIL], 0,
	                          &lv->email, &lv->email_norm)))
		return rc;
	if (lv->v[LF_CONTACT_PHONE] &&
	    (rc = crm_owner_value(crm, "contact_phone", lv->v[LF_CONTACT_PHONE], 1,
	                          &lv->phone, &lv->phone_norm)))
		return rc;
	if (lv->email)
		lv->v[LF_CONTACT_EMAIL] = lv->email;
	if (lv->phone)
		lv->v[LF_CONTACT_PHONE] = lv->phone;
	/* an owner on do-not-contact (a forgotten one is) who comes back is
	 * suppressed, whatever status the record gives */
	if ((rc = crm_dnc_listed(crm, lv->email_norm, lv->phone_norm, &listed)))
		return rc;
	if (listed)
		lv->v[LF_STATUS] = "suppressed";
	return lead_raw(crm, rec, &lv->raw);
}

static void lead_values_free(struct lead_values *lv)
{
	free(lv->email);
	free(lv->phone);
	free(lv->email_norm);
	free(lv->phone_norm);
	free(lv->raw);
}

/* the lead this record is: a record with an external_id by it alone;
 * one without, by listing_hash when it has one, else by source_url */
static int lead_key(struct crm *crm, const struct lead_values *lv, long long *id)
{
	static const char by_ext[] = "SELECT id FROM leads WHERE external_id = ?2";
	static const char by_hash[] =
		"SELECT id FROM leads WHERE listing_hash = ?2 AND operator_id = ?1"
		" ORDER BY id LIMIT 1";
	static const char by_url[] =
		"SELECT id FROM leads WHERE source_url = ?2 AND operator_id = ?1"
		" ORDER BY id LIMIT 1";
	const char *sql = lv->v[LF_EXTERNAL_ID] ? by_ext :
	                  lv->v[LF_LISTING_HASH] ? by_hash : by_url;
	const char *key = lv->v[LF_EXTERNAL_ID] ? lv->v[LF_EXTERNAL_ID] :
	                  lv->v[LF_LISTING_HASH] ? lv->v[LF_LISTING_HASH] :
	                  lv->v[LF_SOURCE_URL];

	return crm_lookup_id(crm, sql, lv->operator_id, key, id, "lead import");
}

/* a stored lead's fields under the record's: what the rules score */
struct lead_merged {
	const struct lead_values *lv;
	char *stored[LF_COUNT];
};

static const char *merged_value(const char *key, void *arg)
{
	const struct lead_merged *m = arg;
	int i = crm_lead_field(key);

	if (i < 0 || i == LF_VIABILITY)
		return NULL;
	return m->lv->v[i] ? m->lv->v[i] : m->stored[i];
}

/* The viability to store (*score, -1: keep the stored one) and whether
 * it was given (*given, -1: keep).  A given score is kept until another
 * is given; a computed one is computed again from the lead's fields as
 * they will be, the stored ones under the record's. */
static int lead_score(struct crm *crm, long long id, const struct lead_values *lv,
                      int *score, int *given)
{
	/* the lead fields in enum order, then whether the score was given */
	static char sql[512];
	struct lead_merged m = { .lv = lv };
	sqlite3_stmt *st;
	int rc;

	if (lv->v[LF_VIABILITY]) {
		*score = atoi(lv->v[LF_VIABILITY]);
		*given = 1;
		return 0;
	}
	if (!id) {
		/* a new lead: its fields, and what the insert fills in */
		char op[24], status[] = "new";
		snprintf(op, sizeof op, "%lld", lv->operator_id);
		m.stored[LF_OPERATOR_ID] = op;
		m.stored[LF_STATUS] = status;
		*score = crm_viability(&crm->cfg, merged_value, &m);
		*given = 0;
		return 0;
	}
	crm_entity_fields_sql(&crm_leads, LF_COUNT, -1, sql, sizeof sql, "SELECT ", "%1$s", 0,
	                      ", ", ", viability_given FROM leads WHERE id = ?1");
	if (!(st = crm_stmt(crm, sql)))
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return crm_sqlerr(crm, "lead import");
	}
	if (sqlite3_column_int(st, LF_COUNT)) {
		*score = *given = -1;
	} else {
		for (int i = 0; i < LF_COUNT; i++)
			m.stored[i] = crm_column_dup(st, i);
		*score = crm_viability(&crm->cfg, merged_value, &m);
		*given = 0;
		for (int i = 0; i < LF_COUNT; i++)
			free(m.stored[i]);
	}
	sqlite3_reset(st);
	return 0;
}

/* the stored lead's status (owned, into *status) */
static int lead_status(struct crm *crm, long long id, char **status)
{
	static const char sql[] = "SELECT status FROM leads WHERE id = ?1";
	sqlite3_stmt *st = crm_stmt(crm, sql);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*status = crm_column_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : crm_sqlerr(crm, "lead import");
}

static int import_record(struct crm *crm, const struct crm_record *rec, void *arg,
                         int *outcome)
{
	/* ?1..?15 are the lead fields in enum order, from the catalog; the
	 * raw JSON is stored as a merge into {} would leave it (compact, no
	 * null members), so that importing it again is no change; ?22 is the
	 * currency of the price, merged into raw last */
	static char ins_cols[512], ins_vals[256], ins[sizeof ins_cols + sizeof ins_vals];
	/* a given value replaces the stored one; the raw JSON is merged */
	static char upd_set[1024], upd_same[1024], upd[sizeof upd_set + sizeof upd_same];
	const struct crm_entity *e = &crm_leads;
	struct lead_values lv;
	char now[CRM_TIME_LEN], *old_status = NULL, currency[32], *old_lead = NULL;
	long long lead = 0, *id = &lead;
	sqlite3_stmt *st;
	int rc, own = 0, score = -1, given = -1;

	(void)arg;
	if ((rc = lead_validate(crm, rec, &lv)))
		goto cleanup;
	if ((rc = crm_tx_begin(crm, &own)))
		goto cleanup;
	if ((rc = crm_operator_ensure(crm, lv.operator_id)) ||
	    (rc = lead_key(crm, &lv, id)) ||
	    (rc = lead_score(crm, *id, &lv, &score, &given)) ||
	    (*id && lv.v[LF_STATUS] && (rc = lead_status(crm, *id, &old_status))) ||
	    (*id && (rc = lead_snapshot(crm, *id, &old_lead))))
		goto done;
	if (!ins[0]) {
		crm_entity_fields_sql(e, LF_COUNT, -1, ins_cols, sizeof ins_cols,
		                      "INSERT INTO leads (", "%1$s", 1, ", ",
		                      ", email_norm, phone_norm, raw, created_at, updated_at,"
		                      " viability_given)");
		crm_entity_fields_sql(e, LF_COUNT, -1, ins_vals, sizeof ins_vals, " VALUES (",
		                      "%1$.0s?%2$d", 1, ", ",
		                      ", ?16, ?17, json_patch(json_patch('{}', ?18),"
		                      " coalesce(?22, '{}')), ?19, ?19, ?20)");
		snprintf(ins, sizeof ins, "%s%s", ins_cols, ins_vals);
		crm_entity_fields_sql(e, LF_COUNT, LF_OPERATOR_ID, upd_set, sizeof upd_set,
		                      "UPDATE leads SET ", "%1$s = coalesce(?%2$d, %1$s)", 1, ", ",
		                      ", email_norm = coalesce(?16, email_norm),"
		                      " phone_norm = coalesce(?17, phone_norm),"
		                      " raw = json_patch(json_patch(raw, ?18), coalesce(?22, '{}')),"
		                      " updated_at = ?19,"
		                      " viability_given = coalesce(?20, viability_given)");
		crm_entity_fields_sql(e, LF_COUNT, LF_OPERATOR_ID, upd_same, sizeof upd_same,
		                      " WHERE id = ?21 AND NOT (", "%1$s IS coalesce(?%2$d, %1$s)", 1,
		                      " AND ", " AND viability_given IS coalesce(?20, viability_given)"
		                      " AND raw IS json_patch(json_patch(raw, ?18), coalesce(?22, '{}')))");
		snprintf(upd, sizeof upd, "%s%s", upd_set, upd_same);
	}
	if (!(st = crm_stmt(crm, *id ? upd : ins))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	for (int i = 0; i < LF_COUNT; i++)
		if (i != LF_OPERATOR_ID && i != LF_PRICE && i != LF_VIABILITY)
			crm_bind_text(st, i + 1, i == LF_STATUS && !*id && !lv.v[i] ? "new" : lv.v[i]);
	sqlite3_bind_int64(st, LF_OPERATOR_ID + 1, lv.operator_id);
	if (lv.v[LF_PRICE])
		sqlite3_bind_double(st, LF_PRICE + 1, (double)lv.price.cents / 100);
	else
		sqlite3_bind_null(st, LF_PRICE + 1);
	if (lv.v[LF_PRICE] && lv.price.currency[0]) {
		snprintf(currency, sizeof currency, "{\"currency\":\"%s\"}", lv.price.currency);
		sqlite3_bind_text(st, 22, currency, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 22);
	}
	if (score >= 0)
		sqlite3_bind_int(st, LF_VIABILITY + 1, score);
	else
		sqlite3_bind_null(st, LF_VIABILITY + 1);
	crm_bind_text(st, 16, lv.email_norm);
	crm_bind_text(st, 17, lv.phone_norm);
	sqlite3_bind_text(st, 18, lv.raw, -1, SQLITE_STATIC);
	crm_now(now);
	sqlite3_bind_text(st, 19, now, -1, SQLITE_STATIC);
	if (given >= 0)
		sqlite3_bind_int(st, 20, given);
	else
		sqlite3_bind_null(st, 20);
	if (*id)
		sqlite3_bind_int64(st, 21, *id);
	if ((rc = crm_exec_stmt(crm, st, "lead import")))
		goto done;
	if (!*id) {
		*id = sqlite3_last_insert_rowid(crm->db);
		*outcome = UPSERT_INSERTED;
		rc = crm_change(crm, &(struct crm_change){ CHANGE_LEAD_CREATED, *id, NULL, NULL,
		                                           NULL, NULL });
	} else {
		*outcome = sqlite3_changes(crm->db) ? UPSERT_UPDATED : UPSERT_UNCHANGED;
		/* the lead as it was, for undo */
		if (*outcome == UPSERT_UPDATED &&
		    (rc = crm_change(crm, &(struct crm_change){ CHANGE_LEAD_UPDATED, *id, NULL,
		                     old_lead, NULL, NULL })))
			goto done;
		if (old_status && strcmp(old_status, lv.v[LF_STATUS]))
			rc = crm_change(crm, &(struct crm_change){ CHANGE_LEAD_STATUS, *id, "status",
			                                           old_status, lv.v[LF_STATUS], NULL });
	}
done:
	rc = crm_tx_end(crm, own, rc);
cleanup:
	free(old_status);
	free(old_lead);
	lead_values_free(&lv);
	return rc;
}
