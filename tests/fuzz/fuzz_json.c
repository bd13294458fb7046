/* fuzz_json: json_parse_object() on the input as one NUL-terminated line,
 * with its memory reused from input to input as the reader does; and
 * json_check() on the same text, which must agree about objects. */
#include "fuzz.h"
#include "json.h"

static struct json_obj obj, scratch;

/* p[0..len] (its NUL included) lies inside buf[0..size] */
static int inside(const char *p, size_t len, const char *buf, size_t size)
{
	return p >= buf && p + len <= buf + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = xmalloc(size + 1), *copy, err[256], err2[256];
	enum json_type type;
	int parsed, checked;

	memcpy(line, data, size);
	line[size] = '\0';
	copy = xstrdup(line);
	err[0] = '\0';
	/* the checker reads the text and leaves it as it came; the parser
	 * changes it */
	checked = json_check(copy, &scratch, &type, err2, sizeof err2);
	CHECK(!strcmp(copy, line));
	CHECK(checked == 0 || !strncmp(err2, "invalid JSON at column ", 23));
	parsed = json_parse_object(line, &obj, err, sizeof err);
	/* an object the parser takes, the checker takes too */
	if (parsed == 0)
		CHECK(checked == 0 && type == JSON_RAW);
	if (parsed != 0) {
		CHECK(!strncmp(err, "invalid JSON at column ", 23));
		goto cleanup;
	}
	CHECK(obj.n >= 0 && obj.n <= obj.cap && obj.n <= JSON_MAX_KEYS);
	for (int i = 0; i < obj.n; i++) {
		const struct json_field *f = &obj.fields[i];
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
		/* a key twice is refused: each key is there once */
		if (obj.n <= 64)
			for (int k = 0; k < i; k++)
				CHECK(strcmp(obj.fields[k].key, f->key) != 0);
	}
cleanup:
	free(copy);
	free(line);
	return 0;
}
