/* record.c: turning input records into JSON. */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "input.h"
#include "print.h"

char *crm_record_json(const struct crm_record *rec,
                      int (*skip)(const char *key), const char *strip)
{
	size_t nstrip = strip ? strlen(strip) : 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int n = 0, any = 0;

	/* most records have no such field: no stream for them */
	for (int i = 0; i < rec->nfields && !any; i++)
		any = *rec->fields[i].val && !(skip && skip(rec->fields[i].key));
	if (!any || !(f = open_memstream(&buf, &len)))
		return xstrdup("{}");
	fputc('{', f);
	for (int i = 0; i < rec->nfields; i++) {
		const struct crm_field *fd = &rec->fields[i];
		if (!*fd->val || (skip && skip(fd->key)))
			continue;
		if (n++)
			fputc(',', f);
		json_put_string(f, nstrip && !strncmp(fd->key, strip, nstrip) ?
		                   fd->key + nstrip : fd->key);
		fputc(':', f);
		if (fd->type == V_STR)
			json_put_string(f, fd->val);
		else
			fputs(fd->val, f);
	}
	fputc('}', f);
	fclose(f);
	return buf;
}
