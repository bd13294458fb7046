/* json.h: one flat JSON object, parsed in place (see json.c). */
#ifndef CRM_JSON_H
#define CRM_JSON_H

#include "crm.h"

#define JSON_MAX_DEPTH 64

enum json_type { JSON_STRING, JSON_NUMBER, JSON_BOOL, JSON_NULL, JSON_RAW };

struct json_field {
	char *key, *val;        /* NUL-terminated, inside the line */
	size_t keylen, vallen;
	enum json_type type;    /* JSON_RAW: a nested object or array's text */
};

/* Parse line (changed in place) as one JSON object.  *fields is grown as
 * needed (reused across calls; the caller frees it).  0, or -1 with a
 * reason "invalid JSON at column N: ..." in err. */
int json_parse_object(char *line, struct json_field **fields, int *nfields,
                      int *cap, char *err, size_t errlen);

#endif
