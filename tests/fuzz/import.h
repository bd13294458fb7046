/* import.h: records through crm_batch_run as `crm client import` and `crm
 * lead import` run them: the default config, a database made once per
 * process, every input one batch (format detected, all or nothing, no
 * reject file).  The batch is rolled back instead of committed, so each
 * input starts from the same empty database. */
#ifndef CRM_FUZZ_IMPORT_H
#define CRM_FUZZ_IMPORT_H

#include <fcntl.h>

#include "fuzz.h"
#include "batch.h"

static struct crm fuzz_crm;

static const char fuzz_rolled_back[] = "fuzz: rolled back";

static inline int fuzz_roll_back(struct crm *crm)
{
	return crm_err(crm, CRM_SOFTWARE, "%s", fuzz_rolled_back);
}

static inline void fuzz_import_init(const char *cmdname)
{
	struct crm *crm = &fuzz_crm;
	char err[2048], *empty;
	int fd;

	fuzz_env();
	empty = fuzz_path("empty.yaml");
	if ((fd = open(empty, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		perror(empty);
		abort();
	}
	close(fd);
	if (crm_config_load(&crm->cfg, empty, err, sizeof err)) {
		fprintf(stderr, "crm-fuzz: %s\n", err);
		abort();
	}
	free(empty);
	crm->db_opt = fuzz_path("crm.db");   /* kept for the process */
	crm->fmt = FMT_TSV;
	crm->actor = "fuzz";
	crm->cmdname = cmdname;
	if (crm_db_open(crm)) {
		fprintf(stderr, "crm-fuzz: %s\n", crm->err);
		abort();
	}
}

static inline int fuzz_import(const uint8_t *data, size_t size,
                              const struct crm_importer *imp)
{
	struct crm *crm = &fuzz_crm;
	struct crm_batch b;
	FILE *in;
	int rc;

	if (!(in = fuzz_stream(data, size)))
		return 0;
	memset(&b, 0, sizeof b);
	b.in = in;
	b.name = "stdin";
	b.fmt = IN_AUTO;
	b.max_errors = -1;
	b.imp = imp;
	b.before_commit = fuzz_roll_back;
	rc = crm_batch_run(crm, &b);
	fclose(in);
	CHECK(!b.committed && sqlite3_get_autocommit(crm->db));
	/* bad data is the input's fault; any other status is crm's */
	if (rc != CRM_DATAERR && rc != CRM_NOTFOUND &&
	    (rc != CRM_SOFTWARE || strcmp(crm->err, fuzz_rolled_back))) {
		fprintf(stderr, "crm-fuzz: status %d: %s\n", rc, crm->err);
		CHECK(!"an import fails only on bad data");
	}
	return 0;
}

#endif
