/* config_keys.c: every key crm.yaml may hold.  Each row names a key, the
 * kind of node it takes and the field of struct crm_config (or
 * struct crm_source) it fills; a nested map is a nested table. */
#include <stddef.h>

#include "crm.h"
#include "config_keys.h"

#define F(f) offsetof(struct crm_config, f)
#define S(f) offsetof(struct crm_source, f)

const struct key crm_source_keys[] = {
	{ "sqlite", K_PATH, S(sqlite), NULL, 0 },
	{ "table", K_STR, S(table), NULL, 0 },
	{ "csv", K_PATH, S(csv), NULL, 0 },
	{ "jsonl", K_PATH, S(jsonl), NULL, 0 },
	{ "key", K_STR, S(key), NULL, 0 },
	{ "cursor", K_STR, S(cursor), NULL, 0 },
	{ "writeback", K_BOOL, S(writeback), NULL, 0 },
	{ "map", K_KV, S(map), NULL, S(nmap) },
	{ NULL, 0, 0, NULL, 0 }
};

static const struct key pipeline_keys[] = {
	{ "stages", K_STRS, F(stages), NULL, 0 },
	{ "terminal", K_STRS, F(terminal), NULL, 0 },
	{ "on_reply", K_STR, F(on_reply), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key automation_keys[] = {
	{ "stages", K_STRS, F(automation.stages), NULL, 0 },
	{ "followup_days", K_INTS, F(automation.followup_days), NULL, F(automation.nfollowup_days) },
	{ "max_touches", K_INT, F(automation.max_touches), NULL, 0 },
	{ "stop_on_reply", K_BOOL, F(automation.stop_on_reply), NULL, 0 },
	{ "quiet_hours", K_STR, F(automation.quiet_hours), NULL, 0 },
	{ "timezone", K_STR, F(automation.timezone), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key ai_keys[] = {
	{ "default", K_STR, F(ai_default), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key viability_keys[] = {
	{ "base", K_INT, F(viability.base), NULL, 0 },
	{ "rules", K_RULES, F(viability.rules), NULL, F(viability.nrules) },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key notify_keys[] = {
	{ "overdue_hours", K_INT, F(notify_overdue_hours), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key bulk_keys[] = {
	{ "confirm", K_INT, F(bulk_confirm), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key hooks_keys[] = {
	{ "on_reply", K_STR, F(hooks.on_reply), NULL, 0 },
	{ "on_stage_change", K_STR, F(hooks.on_stage_change), NULL, 0 },
	{ "on_won", K_STR, F(hooks.on_won), NULL, 0 },
	{ "timeout", K_INT, F(hooks.timeout), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key sources_keys[] = {
	{ "leads", K_SOURCE, F(sources.leads), NULL, 0 },
	{ "contacts", K_SOURCE, F(sources.contacts), NULL, 0 },
	{ "operators", K_SOURCE, F(sources.operators), NULL, 0 },
	{ "listings", K_SOURCE, F(sources.listings), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key webhook_keys[] = {
	{ "url", K_STR, F(webhook.url), NULL, 0 },
	{ "secret_env", K_STR, F(webhook.secret_env), NULL, 0 },
	{ "secret_file", K_PATH, F(webhook.secret_file), NULL, 0 },
	{ "timeout", K_INT, F(webhook.timeout), NULL, 0 },
	{ "retries", K_INT, F(webhook.retries), NULL, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
static const struct key sync_keys[] = {
	{ "webhook", K_MAP, 0, webhook_keys, 0 },
	{ NULL, 0, 0, NULL, 0 }
};

/* in the order of crm.yaml.example */
const struct key crm_config_keys[] = {
	{ "database", K_PATH, F(database), NULL, 0 },
	{ "operator", K_LLONG, F(operator_id), NULL, 0 },
	{ "pipeline", K_MAP, 0, pipeline_keys, 0 },
	{ "channels", K_STRS, F(channels), NULL, 0 },
	{ "automation", K_MAP, 0, automation_keys, 0 },
	{ "ai", K_MAP, 0, ai_keys, 0 },
	{ "viability", K_MAP, 0, viability_keys, 0 },
	{ "notify", K_MAP, 0, notify_keys, 0 },
	{ "bulk", K_MAP, 0, bulk_keys, 0 },
	{ "hooks", K_MAP, 0, hooks_keys, 0 },
	{ "sources", K_MAP, 0, sources_keys, 0 },
	{ "sync", K_MAP, 0, sync_keys, 0 },
	{ NULL, 0, 0, NULL, 0 }
};
