/* config_keys.h: the tables of the keys crm.yaml may hold, and their
 * defaults, shared by the loader (config.c) and the read-back of config
 * get/list (config_show.c).  Internal to lib/. */
#ifndef CRM_CONFIG_KEYS_H
#define CRM_CONFIG_KEYS_H

#include <stddef.h>

#include "config.h"

enum kind { K_STR, K_PATH, K_INT, K_LLONG, K_BOOL, K_STRS, K_INTS, K_MAP,
            K_RULES, K_SOURCE, K_KV };

/* One key: its name, the kind of node it takes and the field it fills.
 * A table ends with a row whose name is NULL. */
struct key {
	const char *name;
	enum kind kind;
	size_t off;             /* of the field in struct crm_config/crm_source */
	const struct key *sub;  /* K_MAP: its keys */
	size_t count_off;       /* K_INTS, K_RULES, K_KV: of the count */
	/* K_INT, K_LLONG, K_INTS: the least value allowed and the most (0: as
	 * large as the type holds) */
	long long min, max;
};

/* the top level of crm.yaml, in the order of crm.yaml.example */
extern const struct key crm_config_keys[];
/* the keys of one source (sources.leads, ...), in struct crm_source */
extern const struct key crm_source_keys[];

/* every field of c at its default; crm_config_free undoes it */
void crm_config_defaults(struct crm_config *c);
/* display.timezone when the file does not say: $TZ, else UTC (owned) */
char *crm_config_default_zone(void);
void crm_strlist_free(struct crm_strlist *sl);
void crm_viability_rules_free(struct crm_config *c);

#endif
