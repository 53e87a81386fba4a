/*
 * extreme.hpp — recompute a group's removed min/max by one index scan instead of an SQL statement.
 *
 * When a statement removes a group's extreme, maintenance recomputes min(x) / max(x) for that group
 * from the base table.  The fast path did it with a prepared SELECT (SPI): an executor start-up,
 * plan revalidation and a snapshot per recompute, about a tenth of a one-row DELETE on a view with
 * max().  For a one-table view without WHERE whose base table has a btree index on
 * (the plain GROUP BY columns in any order, x), the same answer is the first visible entry of an
 * index scan: equality (or IS NULL) on the keys, x in [day, next midnight) when the group key is
 * x::date, else x IS NOT NULL; backwards for max, forwards for min.  The scan uses the snapshot the
 * SQL would (after CommandCounterIncrement, GetTransactionSnapshot), and PostgreSQL's own index and
 * heap access (visibility, predicate locks), so it reads exactly the rows the SELECT would.
 *
 * Whenever the SQL could answer differently or fail (the view owner lost SELECT on the table, the
 * table has row level security or inheritance children, the index was dropped or is invalid, a day
 * at the end of the timestamp range), ExtremeScanRecompute declines and the caller runs the SQL.
 *
 * C-style (STYLE.md §3): PostgreSQL errors longjmp through these frames.
 */
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/tuptable.h"
}

namespace shinjp::ivm {

/* One min/max aggregate of a one-table view, as the view analysis sees it. */
struct ExtremeSpec {
	bool is_max;
	AttrNumber value_att; /* view column holding the aggregate */
	AttrNumber flag_att;  /* its __ivm_del_N: not NULL in a row whose extreme was removed */
	AttrNumber arg_att;   /* the aggregated base column x */
	int nkeys;
	AttrNumber key_view_att[INDEX_MAX_KEYS]; /* view column of each GROUP BY key */
	AttrNumber key_base_att[INDEX_MAX_KEYS]; /* its base column, or 0 for the day key x::date */
};

struct ExtremeScan;

/*
 * Find, for every spec, a btree index of base table `base` that answers it; NULL when one has none
 * (or a type the scan does not handle).  inh: the view's query reads the table's inheritance
 * children too.  Allocates in cxt.
 */
ExtremeScan *ExtremeScanCompile(Oid base, bool inh, const ExtremeSpec *specs, int nspecs, MemoryContext cxt);

/*
 * Recompute into row (a virtual slot of the view row about to be written) every aggregate whose
 * flag column is not NULL, and clear those flags; values are allocated in tmp.  False when the
 * scan cannot stand in for the SQL this time: row is unchanged and the caller runs the SQL.
 */
bool ExtremeScanRecompute(ExtremeScan *es, TupleTableSlot *row, MemoryContext tmp);

}  // namespace shinjp::ivm
