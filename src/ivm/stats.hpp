/*
 * stats.hpp — maintenance counters of the incremental views (shinjp.ivm_stats).
 *
 * Maintenance code fills a ViewStats with what one statement (or refresh) did to one view and hands
 * it to StatsAdd(); where the counters live is this module's business: in shared memory for the whole
 * cluster when shinjp is in shared_preload_libraries (StatsInit() installs the hooks from _PG_init),
 * else in the backend.  Glue only (C-style: POD, no exceptions).
 */
#pragma once

extern "C" {
#include "postgres.h"
}

namespace shinjp::ivm {

/* What one maintenance step did to one view; StatsAdd() adds it to the view's counters. */
struct ViewStats {
	int64 statements, fast_statements, delta_rows, groups_changed, groups_deleted, minmax_recomputes, full_refreshes;
	double total_ms;
};

/* Add `d` to the counters of `view` (of this database) and stamp it with the current time. */
void StatsAdd(Oid view, const ViewStats *d);

/* Forget the counters of a view that is being dropped. */
void StatsForget(Oid view);

/* From _PG_init: define shinjp.ivm_stats_max; under shared_preload_libraries, request shared memory. */
void StatsInit(void);

}  // namespace shinjp::ivm
