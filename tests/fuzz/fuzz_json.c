/* fuzz_json: json_parse_object() on the input as one NUL-terminated line,
 * with the field array reused from input to input as the reader does. */
#include "fuzz.h"
#include "json.h"

static struct json_field *fields;
static int cap;

/* p[0..len] (its NUL included) lies inside buf[0..size] */
static int inside(const char *p, size_t len, const char *buf, size_t size)
{
	return p >= buf && p + len <= buf + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = xmalloc(size + 1), err[256];
	int nfields = -1;

	memcpy(line, data, size);
	line[size] = '\0';
	err[0] = '\0';
	if (json_parse_object(line, &fields, &nfields, &cap, err, sizeof err) != 0) {
		CHECK(nfields == -1);
		CHECK(!strncmp(err, "invalid JSON at column ", 23));
		goto cleanup;
	}
	CHECK(nfields >= 0 && nfields <= cap);
	for (int i = 0; i < nfields; i++) {
		const struct json_field *f = &fields[i];
		CHECK(inside(f->key, f->keylen, line, size));
		CHECK(inside(f->val, f->vallen, line, size));
		/* no NUL inside: \u0000 is refused, a raw NUL ends the line */
		CHECK(strlen(f->key) == f->keylen);
		CHECK(strlen(f->val) == f->vallen);
		switch (f->type) {
		case JSON_STRING:
			break;
		case JSON_NUMBER:
			CHECK(*f->val == '-' || (*f->val >= '0' && *f->val <= '9'));
			break;
		case JSON_BOOL:
			CHECK(!strcmp(f->val, "true") || !strcmp(f->val, "false"));
			break;
		case JSON_NULL:
			CHECK(!strcmp(f->val, "null"));
			break;
		case JSON_RAW:
			CHECK(*f->val == '{' || *f->val == '[');
			CHECK(f->val[f->vallen - 1] == (*f->val == '{' ? '}' : ']'));
			break;
		default:
			CHECK(!"a field of no known type");
		}
		/* the last of duplicate keys wins: each key is there once */
		if (nfields <= 64)
			for (int k = 0; k < i; k++)
				CHECK(strcmp(fields[k].key, f->key) != 0);
	}
cleanup:
	free(line);
	return 0;
}
