/*
 * shinjp.cpp — module magic and load-time setup.  _PG_init only installs hooks and defines GUCs:
 * no ICU, no allocation (it may run in the postmaster via shared_preload_libraries, where the IVM
 * statistics request their shared memory).
 */
#include <unicode/uversion.h>

#include "ivm/stats.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

extern "C" void
_PG_init(void)
{
	shinjp::pg::InstallInterruptHook();
	shinjp::ivm::StatsInit();
	MarkGUCPrefixReserved("shinjp");
}

/* shinjp.version() — the version of the loaded library (compare with the extension's). */
SHINJP_FUNCTION(shinjp_version)
{
	PG_RETURN_TEXT_P(cstring_to_text(SHINJP_VERSION));
}

/* shinjp.icu_version() — the ICU library segmentation and normalisation run on. */
SHINJP_FUNCTION(shinjp_icu_version)
{
	UVersionInfo version;
	char buf[U_MAX_VERSION_STRING_LENGTH];
	u_getVersion(version);
	u_versionToString(version, buf);
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}
