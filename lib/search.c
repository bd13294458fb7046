/* search.c: the search index of --q (schema.sql, section [search]) brought
 * up to date with what changed, in one statement an entity, as a write
 * commits. */
#include "crm.h"

/* the words of the phone owner key T.phone_norm */
#define PHONE_WORDS(t) \
	"CASE WHEN " t ".phone_norm GLOB '+*' THEN substr(" t ".phone_norm, 2) || ' ' ||" \
	" substr(" t ".phone_norm, 3) || ' ' || substr(" t ".phone_norm, 4) || ' ' ||" \
	" substr(" t ".phone_norm, 5) ELSE " t ".phone_norm END"

int crm_search_sync(struct crm *crm)
{
	static const char pending[] = "SELECT 1 FROM search_dirty LIMIT 1";
	/* A client's words: its name, email, phone, notes, tags and refs.
	 * A phone is the digits of its owner key, and (when it is E.164)
	 * without its first one, two and three, a country code, so that the
	 * national number finds it too. */
	static const char *const steps[] = {
		"INSERT OR REPLACE INTO clients_fts (rowid, name, email, phone, notes, tags, refs)"
		" SELECT c.id, c.name, c.email, " PHONE_WORDS("c") ", c.notes,"
		" (SELECT group_concat(t.tag, ' ') FROM client_tags t WHERE t.client_id = c.id),"
		" coalesce(c.source_url, '') || ' ' || coalesce(c.listing_ref, '')"
		" FROM search_dirty d JOIN clients c ON c.id = d.id WHERE d.entity = 'client'",
		"DELETE FROM clients_fts WHERE rowid IN (SELECT d.id FROM search_dirty d"
		" WHERE d.entity = 'client' AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = d.id))",
		/* a lead's: its contact, title, location and refs */
		"INSERT OR REPLACE INTO leads_fts (rowid, name, email, phone, title, location, refs)"
		" SELECT l.id, l.contact_name, l.contact_email, " PHONE_WORDS("l") ","
		" l.title, l.location, coalesce(l.source_url, '') || ' ' ||"
		" coalesce(l.listing_ref, '') || ' ' || coalesce(l.external_id, '')"
		" FROM search_dirty d JOIN leads l ON l.id = d.id WHERE d.entity = 'lead'",
		"DELETE FROM leads_fts WHERE rowid IN (SELECT d.id FROM search_dirty d"
		" WHERE d.entity = 'lead' AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = d.id))",
		"DELETE FROM search_dirty",
	};
	sqlite3_stmt *st = crm_stmt(crm, pending);
	int rc;

	if (!st)
		return crm_stmt_status(crm);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;   /* nothing changed that is searched */
	if (rc != SQLITE_ROW)
		return crm_sqlerr(crm, "search index");
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (!(st = crm_stmt(crm, steps[i])))
			return crm_stmt_status(crm);
		if ((rc = crm_exec_stmt(crm, st, "search index")))
			return rc;
	}
	return 0;
}

int crm_search_refresh(struct crm *crm, long long *indexed)
{
	static const char pending[] = "SELECT count(*) FROM search_dirty";
	sqlite3_stmt *st = crm_stmt(crm, pending);
	int rc;

	/* Rows written behind crm's back (sqlite3, a script) are noted by
	 * the triggers all the same; a write that indexes them is all it
	 * takes.  An index up to date is not written to: a read-only
	 * database stays fine. */
	*indexed = 0;
	if (!st)
		return crm_stmt_status(crm);
	if (sqlite3_step(st) == SQLITE_ROW)
		*indexed = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!*indexed)
		return 0;
	if ((rc = crm_begin(crm)))
		return rc;
	return crm_commit(crm);
}
