/* fuzz_lead_import: rows through crm_lead_importer, as `crm lead import -`
 * runs them (see import.h). */
#include "lead.h"
#include "import.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_import_init("lead import");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, &crm_lead_importer);
}
