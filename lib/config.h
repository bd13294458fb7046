/* config.h: crm.yaml, parsed with libyaml against a table of known keys.
 *
 * Search order (DESIGN.md sec. 7): an explicit path (--config or
 * $CRM_CONFIG), ./crm.yaml, $XDG_CONFIG_HOME/crm/crm.yaml (default
 * ~/.config/crm/crm.yaml), /etc/crm/crm.yaml.  None is needed: without a
 * file every field holds its default.
 */
#ifndef CRM_CONFIG_H
#define CRM_CONFIG_H

#include <stddef.h>

/* items in a list of crm.yaml (stages, channels, ...): more is an error */
#define CRM_CONFIG_LIST_MAX 1000

struct crm_strlist {
	char **v;
	int n;
};

struct crm_kv {
	char *key;
	char *value;
};

/* A viability rule: points are added when a lead matches.
 * Either `has` (the field is present and not empty), or `field` with
 * `equals` (string equality) or a numeric range `min`/`max` (inclusive;
 * either bound may be absent). */
struct crm_viability_rule {
	char *has;
	char *field;
	char *equals;
	double min, max;
	int has_min, has_max;
	int points;
};

/* A source (sec. 9): a SQLite file with a table, or a CSV/JSONL feed. */
/* sources.leads.overlap and sources.contacts.overlap when not set */
#define CRM_SOURCE_OVERLAP 60

struct crm_source {
	int set;          /* the key was present */
	char *sqlite;     /* path, relative to the config file's folder */
	char *table;
	char *csv;        /* a feed file, instead of sqlite */
	char *jsonl;
	char *key;        /* key column */
	char *cursor;     /* column the pull cursor follows (e.g. updated_at) */
	int writeback;    /* write lead status changes back */
	int overlap;      /* seconds before the cursor a run reads again */
	struct crm_kv *map;  /* source column -> crm field */
	int nmap;
};

struct crm_config {
	char *path;               /* the file loaded; NULL when none */

	char *database;           /* NULL: not set (~ expanded) */
	long long operator_id;    /* 0: not set; else 1 or more */

	struct crm_strlist stages;   /* pipeline.stages */
	struct crm_strlist terminal; /* pipeline.terminal */
	char *on_reply;              /* pipeline.on_reply: where a reply moves to */
	char *on_first_contact;      /* pipeline.on_first_contact: where a first
	                                contact moves a client of the first stage */
	char *lost;                  /* pipeline.lost: the stage a --reason is
	                                kept for as the lost_reason */
	struct crm_strlist channels;
	char *phone_region;          /* phone.default_region: ES, FR, ... or NULL */

	struct {
		char *decimal;       /* locale.decimal: "." or ",", the decimal
		                        mark of a price that could be either */
	} locale;

	struct {
		struct crm_strlist stages;
		int *followup_days;
		int nfollowup_days;
		int max_touches;
		int stop_on_reply;
		int bounce_to_dnc;   /* a bounced outbound event puts the client's
		                        email and phone on do-not-contact */
		char *quiet_hours;   /* "HH:MM-HH:MM" or NULL */
		char *timezone;      /* IANA name; never NULL (default UTC) */
	} automation;

	struct {
		char *timezone;      /* what people see: a name of the tz
		                        database, $TZ when not set, else UTC;
		                        never NULL once loaded */
	} display;

	char *ai_default;            /* off | draft | auto */

	struct {
		int base;
		struct crm_viability_rule *rules;
		int nrules;
	} viability;

	int notify_overdue_hours;
	int bulk_confirm;

	struct {
		char *on_reply;
		char *on_stage_change;
		char *on_won;
		char *on_notify;
		int timeout;
	} hooks;

	struct {
		struct crm_source leads, contacts, operators, listings;
	} sources;

	struct {
		char *url;
		char *secret_env;
		char *secret_file;
		int timeout;
		int retries;
	} webhook;

	/* sync.inbound: what crm sync apply takes from an external CRM */
	struct {
		struct crm_kv *fields;   /* its field -> name, first_name,
		                            last_name, email, phone or stage */
		int nfields;
		struct crm_kv *stages;   /* its value of a stage field -> a stage */
		int nstages;
	} inbound;
};

/* Fill cfg with the defaults, then load the first file of the search
 * order (explicit is --config/$CRM_CONFIG or NULL).  Returns 0, or a crm
 * status (66: the file cannot be opened, or is a folder; 78: a bad file)
 * with the message in err: "FILE:LINE:COL: unknown key 'foo'". */
int crm_config_load(struct crm_config *cfg, const char *explicit_path,
                    char *err, size_t errlen);
void crm_config_free(struct crm_config *cfg);

/* the crm fields sync.inbound.fields may map to, NULL-terminated */
extern const char *const crm_inbound_targets[];

/* 1 if s is one of the list's names */
int crm_strlist_has(const struct crm_strlist *sl, const char *s);
/* 1 if s is a configured stage / terminal stage / channel */
int crm_config_has_stage(const struct crm_config *cfg, const char *s);
int crm_config_is_terminal(const struct crm_config *cfg, const char *s);
int crm_config_has_channel(const struct crm_config *cfg, const char *s);

/* How a value is written back:
 *   YAML   flow text: [new, contacted], {has: contact_email, points: 30},
 *          null for a value not set
 *   JSON   a JSON value: ["new","contacted"], 4, true, null, an object
 *   LINES  for a shell: a list one item a line, anything else as YAML;
 *          each line ends in a newline (an empty list is "") */
enum crm_config_style { CRM_CONFIG_YAML, CRM_CONFIG_JSON, CRM_CONFIG_LINES };

/* Each effective key (defaults included) as a dotted name and its value in
 * style ("pipeline.stages" -> "[new, contacted, ...]"), in the order of
 * crm.yaml.example; fn is called once per key.  crm_config_get does the
 * same for one key, or for each key of a section ("automation"); it
 * returns 0, or -1 when there is no such key or section.
 * crm_config_value returns the value of one key (owned by the caller), or
 * NULL when key names no key (a section is none). */
typedef void (*crm_config_fn)(const char *key, const char *value, void *arg);
void crm_config_each(const struct crm_config *cfg, enum crm_config_style style,
                     crm_config_fn fn, void *arg);
int crm_config_get(const struct crm_config *cfg, const char *key,
                   enum crm_config_style style, crm_config_fn fn, void *arg);
char *crm_config_value(const struct crm_config *cfg, const char *key,
                       enum crm_config_style style);

#endif
