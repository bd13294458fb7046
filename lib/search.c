/* search.c: the search index of --q (schema.sql, section [search]) brought
 * up to date with what changed, in one statement an entity, as a write
 * commits. */
#include "crm.h"

int crm_search_sync(struct crm *crm)
{
	static const char pending[] = "SELECT 1 FROM search_dirty LIMIT 1";
	static const char *const steps[] = {
		"INSERT OR REPLACE INTO clients_fts (rowid, name, email, phone, notes, tags, refs)"
		" SELECT s.* FROM search_dirty d JOIN clients_search s ON s.id = d.id"
		" WHERE d.entity = 'client'",
		"DELETE FROM clients_fts WHERE rowid IN (SELECT d.id FROM search_dirty d"
		" WHERE d.entity = 'client' AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.id = d.id))",
		"INSERT OR REPLACE INTO leads_fts (rowid, name, email, phone, title, location, refs)"
		" SELECT s.* FROM search_dirty d JOIN leads_search s ON s.id = d.id"
		" WHERE d.entity = 'lead'",
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
