/* config_keys.c: every key crm.yaml may hold, and its default.  Each row
 * of a table names a key, the kind of node it takes and the field of
 * struct crm_config (or struct crm_source) it fills; a nested map is a
 * nested table. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "config_keys.h"

#define F(f) offsetof(struct crm_config, f)
#define S(f) offsetof(struct crm_source, f)

const struct key crm_source_keys[] = {
	{ "sqlite", K_PATH, S(sqlite), NULL, 0, 0, 0 },
	{ "table", K_STR, S(table), NULL, 0, 0, 0 },
	{ "csv", K_PATH, S(csv), NULL, 0, 0, 0 },
	{ "jsonl", K_PATH, S(jsonl), NULL, 0, 0, 0 },
	{ "key", K_STR, S(key), NULL, 0, 0, 0 },
	{ "cursor", K_STR, S(cursor), NULL, 0, 0, 0 },
	{ "writeback", K_BOOL, S(writeback), NULL, 0, 0, 0 },
	{ "overlap", K_INT, S(overlap), NULL, 0, 0, 86400 },
	{ "map", K_KV, S(map), NULL, S(nmap), 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};

static const struct key pipeline_keys[] = {
	{ "stages", K_STRS, F(stages), NULL, 0, 0, 0 },
	{ "terminal", K_STRS, F(terminal), NULL, 0, 0, 0 },
	{ "on_reply", K_STR, F(on_reply), NULL, 0, 0, 0 },
	{ "on_first_contact", K_STR, F(on_first_contact), NULL, 0, 0, 0 },
	{ "lost", K_STR, F(lost), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key phone_keys[] = {
	{ "default_region", K_STR, F(phone_region), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key locale_keys[] = {
	{ "decimal", K_STR, F(locale.decimal), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key automation_keys[] = {
	{ "stages", K_STRS, F(automation.stages), NULL, 0, 0, 0 },
	{ "followup_days", K_INTS, F(automation.followup_days), NULL, F(automation.nfollowup_days), 1, 0 },
	{ "max_touches", K_INT, F(automation.max_touches), NULL, 0, 1, 0 },
	{ "stop_on_reply", K_BOOL, F(automation.stop_on_reply), NULL, 0, 0, 0 },
	{ "bounce_to_dnc", K_BOOL, F(automation.bounce_to_dnc), NULL, 0, 0, 0 },
	{ "quiet_hours", K_STR, F(automation.quiet_hours), NULL, 0, 0, 0 },
	{ "timezone", K_STR, F(automation.timezone), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key display_keys[] = {
	{ "timezone", K_STR, F(display.timezone), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key ai_keys[] = {
	{ "default", K_STR, F(ai_default), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key viability_keys[] = {
	{ "base", K_INT, F(viability.base), NULL, 0, 0, 100 },
	{ "rules", K_RULES, F(viability.rules), NULL, F(viability.nrules), 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key notify_keys[] = {
	{ "overdue_hours", K_INT, F(notify_overdue_hours), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key bulk_keys[] = {
	{ "confirm", K_INT, F(bulk_confirm), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key hooks_keys[] = {
	{ "on_reply", K_STR, F(hooks.on_reply), NULL, 0, 0, 0 },
	{ "on_stage_change", K_STR, F(hooks.on_stage_change), NULL, 0, 0, 0 },
	{ "on_won", K_STR, F(hooks.on_won), NULL, 0, 0, 0 },
	{ "on_notify", K_STR, F(hooks.on_notify), NULL, 0, 0, 0 },
	{ "timeout", K_INT, F(hooks.timeout), NULL, 0, 1, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key sources_keys[] = {
	{ "leads", K_SOURCE, F(sources.leads), NULL, 0, 0, 0 },
	{ "contacts", K_SOURCE, F(sources.contacts), NULL, 0, 0, 0 },
	{ "operators", K_SOURCE, F(sources.operators), NULL, 0, 0, 0 },
	{ "listings", K_SOURCE, F(sources.listings), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key webhook_keys[] = {
	{ "url", K_STR, F(webhook.url), NULL, 0, 0, 0 },
	{ "secret_env", K_STR, F(webhook.secret_env), NULL, 0, 0, 0 },
	{ "secret_file", K_PATH, F(webhook.secret_file), NULL, 0, 0, 0 },
	{ "timeout", K_INT, F(webhook.timeout), NULL, 0, 1, 0 },
	{ "retries", K_INT, F(webhook.retries), NULL, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key inbound_keys[] = {
	{ "fields", K_KV, F(inbound.fields), NULL, F(inbound.nfields), 0, 0 },
	{ "stages", K_KV, F(inbound.stages), NULL, F(inbound.nstages), 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};
static const struct key sync_keys[] = {
	{ "webhook", K_MAP, 0, webhook_keys, 0, 0, 0 },
	{ "inbound", K_MAP, 0, inbound_keys, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};

/* in the order of crm.yaml.example */
const struct key crm_config_keys[] = {
	{ "database", K_PATH, F(database), NULL, 0, 0, 0 },
	{ "operator", K_LLONG, F(operator_id), NULL, 0, 1, 0 },
	{ "pipeline", K_MAP, 0, pipeline_keys, 0, 0, 0 },
	{ "channels", K_STRS, F(channels), NULL, 0, 0, 0 },
	{ "phone", K_MAP, 0, phone_keys, 0, 0, 0 },
	{ "locale", K_MAP, 0, locale_keys, 0, 0, 0 },
	{ "automation", K_MAP, 0, automation_keys, 0, 0, 0 },
	{ "display", K_MAP, 0, display_keys, 0, 0, 0 },
	{ "ai", K_MAP, 0, ai_keys, 0, 0, 0 },
	{ "viability", K_MAP, 0, viability_keys, 0, 0, 0 },
	{ "notify", K_MAP, 0, notify_keys, 0, 0, 0 },
	{ "bulk", K_MAP, 0, bulk_keys, 0, 0, 0 },
	{ "hooks", K_MAP, 0, hooks_keys, 0, 0, 0 },
	{ "sources", K_MAP, 0, sources_keys, 0, 0, 0 },
	{ "sync", K_MAP, 0, sync_keys, 0, 0, 0 },
	{ NULL, 0, 0, NULL, 0, 0, 0 }
};

/* --- the defaults, and freeing what the keys hold --- */

char *crm_config_default_zone(void)
{
	const char *tz = getenv("TZ");

	return xstrdup(tz && *tz ? tz : "UTC");
}

void crm_strlist_free(struct crm_strlist *sl)
{
	for (int i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = 0;
}

static void set_strs(struct crm_strlist *sl, const char *const *v)
{
	crm_strlist_free(sl);
	for (sl->n = 0; v[sl->n]; sl->n++)
		;
	sl->v = xmalloc((size_t)(sl->n + 1) * sizeof *sl->v);
	for (int i = 0; i < sl->n; i++)
		sl->v[i] = xstrdup(v[i]);
}

void crm_config_defaults(struct crm_config *c)
{
	static const char *const stages[] = { "new", "contacted", "replied", "meeting",
	                                      "negotiating", "won", "lost", NULL };
	static const char *const terminal[] = { "won", "lost", NULL };
	static const char *const channels[] = { "email", "form", "fb", "phone", "sms",
	                                        "whatsapp", NULL };
	static const char *const auto_stages[] = { "new", "contacted", NULL };
	static const struct crm_viability_rule rules[] = {
		{ "contact_email", NULL, NULL, 0, 0, 0, 0, 30 },
		{ "contact_phone", NULL, NULL, 0, 0, 0, 0, 30 },
		{ NULL, "source_type", "owner", 0, 0, 0, 0, 20 },
		{ NULL, "price", NULL, 100000, 600000, 1, 1, 20 },
	};

	memset(c, 0, sizeof *c);
	c->database = crm_default_db_path();
	set_strs(&c->stages, stages);
	set_strs(&c->terminal, terminal);
	set_strs(&c->channels, channels);
	set_strs(&c->automation.stages, auto_stages);
	c->on_reply = xstrdup("replied");
	c->on_first_contact = xstrdup("contacted");
	c->lost = xstrdup("lost");
	c->locale.decimal = xstrdup(".");
	c->automation.followup_days = xmalloc(3 * sizeof(int));
	c->automation.followup_days[0] = 3;
	c->automation.followup_days[1] = 7;
	c->automation.followup_days[2] = 14;
	c->automation.nfollowup_days = 3;
	c->automation.max_touches = 4;
	c->sources.leads.overlap = c->sources.contacts.overlap = CRM_SOURCE_OVERLAP;
	c->automation.stop_on_reply = 1;
	c->automation.bounce_to_dnc = 1;
	c->automation.timezone = xstrdup("UTC");
	c->display.timezone = crm_config_default_zone();
	c->ai_default = xstrdup("draft");
	c->viability.nrules = 4;
	c->viability.rules = xmalloc(sizeof rules);
	for (int i = 0; i < 4; i++) {
		c->viability.rules[i] = rules[i];
		c->viability.rules[i].has = rules[i].has ? xstrdup(rules[i].has) : NULL;
		c->viability.rules[i].field = rules[i].field ? xstrdup(rules[i].field) : NULL;
		c->viability.rules[i].equals = rules[i].equals ? xstrdup(rules[i].equals) : NULL;
	}
	c->notify_overdue_hours = 24;
	c->bulk_confirm = 100;
	c->hooks.timeout = 10;
	c->webhook.timeout = 20;
	c->webhook.retries = 8;
}

void crm_viability_rules_free(struct crm_config *c)
{
	for (int i = 0; i < c->viability.nrules; i++) {
		free(c->viability.rules[i].has);
		free(c->viability.rules[i].field);
		free(c->viability.rules[i].equals);
	}
	free(c->viability.rules);
	c->viability.rules = NULL;
	c->viability.nrules = 0;
}

static void free_kv(struct crm_kv *kv, int n)
{
	for (int i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static void free_source(struct crm_source *s)
{
	free(s->sqlite);
	free(s->table);
	free(s->csv);
	free(s->jsonl);
	free(s->key);
	free(s->cursor);
	for (int i = 0; i < s->nmap; i++) {
		free(s->map[i].key);
		free(s->map[i].value);
	}
	free(s->map);
}

void crm_config_free(struct crm_config *c)
{
	free(c->path);
	free(c->database);
	crm_strlist_free(&c->stages);
	crm_strlist_free(&c->terminal);
	free(c->on_reply);
	free(c->on_first_contact);
	free(c->lost);
	crm_strlist_free(&c->channels);
	free(c->phone_region);
	free(c->locale.decimal);
	crm_strlist_free(&c->automation.stages);
	free(c->automation.followup_days);
	free(c->automation.quiet_hours);
	free(c->automation.timezone);
	free(c->display.timezone);
	free(c->ai_default);
	crm_viability_rules_free(c);
	free(c->hooks.on_reply);
	free(c->hooks.on_stage_change);
	free(c->hooks.on_won);
	free(c->hooks.on_notify);
	free_source(&c->sources.leads);
	free_source(&c->sources.contacts);
	free_source(&c->sources.operators);
	free_source(&c->sources.listings);
	free(c->webhook.url);
	free(c->webhook.secret_env);
	free(c->webhook.secret_file);
	free_kv(c->inbound.fields, c->inbound.nfields);
	free_kv(c->inbound.stages, c->inbound.nstages);
	memset(c, 0, sizeof *c);
}
