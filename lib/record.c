/* record.c: turning input records into JSON. */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "input.h"
#include "print.h"

char *crm_record_json(const struct crm_record *rec,
                      int (*skip)(const char *key))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int n = 0;

	if (!f)
		return xstrdup("{}");
	fputc('{', f);
	for (int i = 0; i < rec->nfields; i++) {
		const struct crm_field *fd = &rec->fields[i];
		if (!*fd->val || (skip && skip(fd->key)))
			continue;
		if (n++)
			fputc(',', f);
		json_put_string(f, fd->key);
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
