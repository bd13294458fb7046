/* fuzz_reader: the record reader over the input, every record pulled.
 * The first byte chooses the format (its two low bits: auto, jsonl, csv,
 * tsv; '0' to '3' in the seeds), so one corpus drives all four. */
#include "fuzz.h"
#include "input.h"
#include "json.h"

static struct json_obj obj;

/* what the reader gives, touched whole; the record as JSON parses back */
static void check_record(const struct crm_record *rec, long line)
{
	char err[256], *json;
	int nonempty = 0;

	CHECK(rec->line == line && line >= 1);
	CHECK(rec->nfields >= 0);
	for (int i = 0; i < rec->nfields; i++) {
		const struct crm_field *f = &rec->fields[i];
		CHECK(f->key && f->val);
		CHECK(f->type >= V_STR && f->type <= V_RAW);
		(void)strlen(f->key);
		if (strlen(f->val))
			nonempty++;
		CHECK(record_field(rec, f->key) != NULL);
	}
	json = crm_record_json(rec, NULL, NULL);
	if (json_parse_object(json, &obj, err, sizeof err) != 0) {
		fprintf(stderr, "record as JSON: %s\n", err);
		CHECK(!"the record's JSON parses");
	}
	/* keys are distinct and UTF-8: each non-empty field is one key */
	CHECK(obj.n == nonempty);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum crm_infmt fmts[] = { IN_AUTO, IN_JSONL, IN_CSV, IN_TSV };
	struct crm_reader *r;
	struct crm_record *rec;
	char err[2048];
	FILE *in;
	long last = 0;
	int got, fatal = 0;

	if (!size || !(in = fuzz_stream(data + 1, size - 1)))
		return 0;
	r = reader_new(in, "stdin", fmts[data[0] & 3]);
	while ((got = reader_next(r, &rec, err, sizeof err)) != 0) {
		CHECK(got == 1 || got == -1 || got == -2);
		CHECK(!fatal);   /* nothing more after the input could not be read on */
		fatal = got == -2;
		CHECK(reader_line(r) >= last);
		last = reader_line(r);
		(void)strlen(reader_raw(r));
		if (got < 0) {
			CHECK(rec == NULL && *err);
			continue;
		}
		CHECK(rec != NULL);
		check_record(rec, last);
	}
	CHECK(rec == NULL);
	CHECK(reader_format(r) != IN_AUTO || last == 0 || fatal);
	reader_free(r);
	fclose(in);
	return 0;
}
