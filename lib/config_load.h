/* config_load.h: the loader's state while crm.yaml is read (config.c),
 * shared with the checks that run once every key is in (config_check.c),
 * so that a check can name the line of the key it refuses.  Internal to
 * lib/. */
#ifndef CRM_CONFIG_LOAD_H
#define CRM_CONFIG_LOAD_H

#include <stddef.h>
#include <yaml.h>

#include "config.h"

struct loader {
	yaml_document_t doc;
	const char *file;
	char *dir;          /* the file's folder, for relative paths */
	char *err;
	size_t errlen;
	/* where each key was, for the checks after loading: room for every
	 * key of the tables, as a key is given once */
	struct { char path[160]; yaml_mark_t mark; } marks[128];
	int nmarks;
};

/* "FILE:LINE:COL: message" in l->err; returns CRM_CONFIG */
int crm_config_at(struct loader *l, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* what the file says as a whole: stages named by other keys are in the
 * pipeline, times and zones have their shape, one source kind a source.
 * Defaults that name stages are first fitted to the file's pipeline. */
int crm_config_check(struct loader *l, struct crm_config *c);

#endif
