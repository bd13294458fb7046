/* fuzz_client_import: rows through crm_client_importer, as `crm client
 * import -` runs them (see import.h). */
#include "client.h"
#include "import.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_import_init("client import");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, &crm_client_importer);
}
