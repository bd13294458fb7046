/* sync_event.c: an external CRM's event, read (see sync_event.h).  It is
 * told apart by its shape: HubSpot's (subscriptionType, eventId,
 * objectId, occurredAt in milliseconds) or Pipedrive's v2 (meta with
 * action, entity, entity_id and timestamp; data; previous), and becomes a
 * struct event: the key sync_inbox keeps it by, the object it is about
 * ("contact:ID", "person:ID", "deal:ID"), what it does, its time, and the
 * values sync.inbound.fields takes from it.  SQLite's JSON functions
 * parse it. */
#include <stdlib.h>
#include <string.h>

#include "sync_event.h"

void crm_event_free(struct event *ev)
{
	for (int i = 0; i < T_COUNT; i++)
		free(ev->v[i]);
}

int crm_apply_bad(struct apply *a, const char *what, const char *arg)
{
	char where[32] = "";

	if (a->item)
		snprintf(where, sizeof where, "event %ld: ", a->item);
	return crm_err(a->crm, CRM_DATAERR, "%s:%ld: %s%s%s", a->name, a->line, where, what,
	               arg ? arg : "");
}

/* a time in seconds or milliseconds since the epoch (ms when past year
 * 5138 as seconds), or ISO text, into UTC text */
static int event_time(const char *in, char out[CRM_TIME_LEN])
{
	char *end;
	long long t;

	if (!in || !*in)
		return -1;
	t = strtoll(in, &end, 10);
	if (*end == '.' && end > in)
		strtod(in, &end);
	if (*end)
		return crm_time_parse(in, out);
	if (t < 0)
		return -1;
	if (t > 100000000000LL)
		t /= 1000;
	crm_time_from_epoch(t, out);
	return 0;
}

/* The shape of the event json, its key, object, action and time. */
int crm_event_read(struct apply *a, const char *json, struct event *ev)
{
	static const char sql[] =
		"SELECT json_extract(?1, '$.subscriptionType'), json_extract(?1, '$.eventId'),"
		" json_extract(?1, '$.objectId'), json_extract(?1, '$.occurredAt'),"
		" json_type(?1, '$.meta'), json_extract(?1, '$.meta.action'),"
		" json_extract(?1, '$.meta.entity'),"
		" coalesce(json_extract(?1, '$.meta.entity_id'), json_extract(?1, '$.meta.id')),"
		" json_extract(?1, '$.meta.timestamp'), json_extract(?1, '$.meta.correlation_id'),"
		" json_extract(?1, '$.data.person_id'), json_extract(?1, '$.meta.id')";
	sqlite3_stmt *st = crm_stmt(a->crm, sql);
	const char *c[12];
	int rc = 0;

	if (!st)
		return crm_stmt_status(a->crm);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = crm_sqlerr(a->crm, "sync apply");
		goto done;
	}
	for (int i = 0; i < 12; i++)
		c[i] = (const char *)sqlite3_column_text(st, i);
	if (c[0]) {
		/* HubSpot: contact.creation, contact.propertyChange, ... */
		ev->system = "hubspot";
		if (!c[1] || !c[2]) {
			rc = crm_apply_bad(a, c[1] ? "a HubSpot event with no objectId" :
			         "a HubSpot event with no eventId", NULL);
			goto done;
		}
		snprintf(ev->key, sizeof ev->key, "hubspot:%.100s", c[1]);
		snprintf(ev->object, sizeof ev->object, "contact:%.80s", c[2]);
		if (event_time(c[3], ev->at)) {
			rc = crm_apply_bad(a, "a HubSpot event with no time (occurredAt)", NULL);
			goto done;
		}
		if (!strcmp(c[0], "contact.creation"))
			ev->act = ACT_CREATE;
		else if (!strcmp(c[0], "contact.propertyChange"))
			ev->act = ACT_CHANGE;
		else
			ev->why = "not a contact's creation or change";
	} else if (c[4] && !strcmp(c[4], "object")) {
		/* Pipedrive v2: meta {action, entity, entity_id, timestamp} */
		ev->system = "pipedrive";
		if (!c[5] || !c[6] || !c[7]) {
			rc = crm_apply_bad(a, "a Pipedrive event with no meta.action, meta.entity or"
			         " meta.entity_id", NULL);
			goto done;
		}
		if (event_time(c[8], ev->at)) {
			rc = crm_apply_bad(a, "a Pipedrive event with no time (meta.timestamp)", NULL);
			goto done;
		}
		/* meta.id may be the entity's id: the key is made of meta */
		snprintf(ev->key, sizeof ev->key, "pipedrive:%.20s:%.30s:%.10s:%.30s:%.40s",
		         c[6], c[7], c[5], c[8], c[9] ? c[9] : c[11] ? c[11] : "");
		snprintf(ev->object, sizeof ev->object, "%.20s:%.60s", c[6], c[7]);
		if (c[10] && !strcmp(c[6], "deal"))
			snprintf(ev->person, sizeof ev->person, "person:%.60s", c[10]);
		if (strcmp(c[6], "person") && strcmp(c[6], "deal"))
			ev->why = "not a person or a deal";
		else if (!strcmp(c[5], "create") || !strcmp(c[5], "added"))
			ev->act = ACT_CREATE;
		else if (!strcmp(c[5], "change") || !strcmp(c[5], "updated"))
			ev->act = ACT_CHANGE;
		else
			ev->why = "not a creation or a change";
	} else {
		rc = crm_apply_bad(a, "not a HubSpot or Pipedrive event", NULL);
	}
done:
	sqlite3_reset(st);
	return rc;
}

/* i of crm_inbound_targets that sync.inbound.fields maps name to, -1 */
static int target_of(const struct crm_config *cfg, const char *name)
{
	for (int i = 0; i < cfg->inbound.nfields; i++)
		if (!strcmp(cfg->inbound.fields[i].key, name))
			for (int t = 0; crm_inbound_targets[t]; t++)
				if (!strcmp(cfg->inbound.fields[i].value, crm_inbound_targets[t]))
					return t;
	return -1;
}

static void keep(struct crm *crm, struct event *ev, const char *name, const char *value)
{
	int t = target_of(&crm->cfg, name);

	if (t >= 0 && value && *value) {
		free(ev->v[t]);
		ev->v[t] = xstrdup(value);
	}
}

/* The values the event brings, by sync.inbound.fields.  Pipedrive's
 * data, only the fields in previous for a change; HubSpot's one
 * property of a change, or the properties a creation may carry.  A
 * value that is a list (Pipedrive's emails and phones) is its primary
 * item's value; an object is its value member. */
int crm_event_values(struct apply *a, const char *json, struct event *ev)
{
	static const char props[] =
		"SELECT d.key, CASE d.type"
		" WHEN 'array' THEN (SELECT CASE e.type WHEN 'object'"
		"   THEN json_extract(e.value, '$.value') WHEN 'array' THEN NULL ELSE e.atom END"
		"   FROM json_each(d.value) e ORDER BY e.type = 'object'"
		"   AND json_extract(e.value, '$.primary') IS 1 DESC, e.id LIMIT 1)"
		" WHEN 'object' THEN json_extract(d.value, '$.value') ELSE d.atom END"
		" FROM json_each(?1, ?2) d WHERE d.key IS NOT NULL AND (?3 IS NULL"
		" OR json_type(?1, ?3) IS NOT 'object'"
		" OR d.key IN (SELECT key FROM json_each(?1, ?3)))";
	static const char one[] =
		"SELECT json_extract(?1, '$.propertyName'), json_extract(?1, '$.propertyValue')";
	int hub = !strcmp(ev->system, "hubspot");
	int change = hub && ev->act == ACT_CHANGE;
	sqlite3_stmt *st = crm_stmt(a->crm, change ? one : props);
	int rc;

	if (!st)
		return crm_stmt_status(a->crm);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	if (!change) {
		sqlite3_bind_text(st, 2, hub ? "$.properties" : "$.data", -1, SQLITE_STATIC);
		if (!hub && ev->act == ACT_CHANGE)
			sqlite3_bind_text(st, 3, "$.previous", -1, SQLITE_STATIC);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_text(st, 0))
			keep(a->crm, ev, (const char *)sqlite3_column_text(st, 0),
			     (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(a->crm, "sync apply");
}

