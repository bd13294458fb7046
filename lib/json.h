/* json.h: one JSON object a line, parsed in place (see json.c). */
#ifndef CRM_JSON_H
#define CRM_JSON_H

#include "crm.h"

#define JSON_MAX_DEPTH 64
#define JSON_MAX_KEYS 4096   /* keys in one record, those of nested objects too */

enum json_type { JSON_STRING, JSON_NUMBER, JSON_BOOL, JSON_NULL, JSON_RAW };

struct json_field {
	char *key, *val;        /* NUL-terminated, inside the line */
	size_t keylen, vallen;
	enum json_type type;    /* JSON_RAW: a nested object or array's text */
};

/* The parser's memory, reused from line to line: the object's fields,
 * and the keys of the objects being read (for the duplicate test).
 * Zero it to start; json_free releases it. */
struct json_obj {
	struct json_field *fields;
	int n, cap;
	struct json_key *keys;
	int nkeys, keycap, total;
};
void json_free(struct json_obj *o);

/* Parse line (changed in place) as one JSON object into o->fields[0 ..
 * o->n).  A key twice in an object (nested ones too), more than
 * JSON_MAX_KEYS keys, or nesting deeper than JSON_MAX_DEPTH is an error.
 * 0, or -1 with "invalid JSON at column N: ..." in err. */
int json_parse_object(char *line, struct json_obj *o, char *err, size_t errlen);
/* Check that text is one JSON value, by the same rules (text is not
 * changed); *type says which: JSON_RAW for an object or an array. */
int json_check(const char *text, struct json_obj *o, enum json_type *type,
               char *err, size_t errlen);

#endif
