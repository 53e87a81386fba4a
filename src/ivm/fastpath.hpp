/*
 * fastpath.hpp — maintenance of a one-row statement without the executor.
 *
 * The general path runs the one-row delta query and the ON CONFLICT upsert through SPI: two
 * executor start-ups per statement, most of the cost of keeping a view when each statement writes
 * one row.  The fast path compiles the same SQL once per backend into expression states (the delta
 * query's select lists and WHERE, level by level; the upsert's SET list and RETURNING flag) and
 * applies a one-row delta to an existing group by an index lookup, a row lock and a heap update
 * (a removed min/max is first recomputed, by an index scan where one answers it (extreme.hpp),
 * else by a prepared SELECT of the same expressions as the general path's recompute statement,
 * so the row is written once).  Whenever a case is not
 * the plain one (the group does not exist yet, a concurrent writer deleted the group, a key moved,
 * NULL keys, the view table has triggers, checks, forced RLS, expression indexes or a table
 * access method other than heap, whose pages the lookup reads itself), it writes
 * nothing and the caller runs the general path: the results are those of the same SQL, evaluated
 * by the same functions.
 *
 * C-style (STYLE.md §3): PostgreSQL errors longjmp through these frames.
 */
#pragma once

#include "ivm/extreme.hpp"

extern "C" {
#include "postgres.h"
#include "executor/spi.h"
#include "utils/tuplestore.h"
}

namespace shinjp::ivm {

struct FastPath;

enum FastEvent { FAST_INSERT, FAST_DELETE, FAST_UPDATE };

/*
 * Compile a keyed view's one-row delta queries (NULL when absent), its upsert and its min/max
 * recompute statement (NULL without min/max) for statements on table firing_relid; allocates in cxt.  NULL when the SQL has a shape the fast path does not
 * evaluate.  Runs parse analysis: call in the maintenance environment (owner, search_path).
 */
FastPath *FastPathCompile(Oid view, Oid firing_relid, const char *ins1_sql, const char *del1_sql, const char *upd1_sql,
                          const char *apply_sql, const char *recompute_sql, MemoryContext cxt);

/*
 * Apply a one-row statement.  True when done (*changed / *deleted / *recomputed: groups updated /
 * removed / whose removed min/max was recomputed before the update; a valid *recompute: the
 * updated group row whose min/max the caller must still recompute, as the general path's RETURNING
 * flag says, when the recompute SQL had a shape the fast path does not run); false when nothing
 * was written and the general path must run.  Runs SPI commands (caller connected) for min/max.
 */
bool FastPathApply(FastPath *fp, FastEvent ev, Tuplestorestate *newt, Tuplestorestate *oldt, int64 *changed, int64 *deleted,
                   int64 *recomputed, ItemPointer recompute, void (*before_spi)(void *), void *before_spi_arg);

/*
 * Recompute a removed min/max with es (extreme.hpp) where it can, before falling back to the
 * prepared SELECT.  es must answer exactly the aggregates of the compiled recompute statement.
 */
void FastPathSetExtremeScan(FastPath *fp, ExtremeScan *es);

/*
 * Must FastPathApply run with the maintenance search_path?  False when every function its compiled
 * expressions can call, and every index support function of the view table, is a built-in
 * immutable one: those were resolved to OIDs at compilation and cannot look a name up at run time
 * (a non-immutable built-in such as regclassin could; an SQL or PL function body, a domain's CHECK
 * or a user operator class is parsed or run with whatever search_path is current).  Before the
 * only SQL it runs, the min/max recompute, FastPathApply calls before_spi, which sets it up.
 */
bool FastPathNeedsSearchPath(const FastPath *fp);

/*
 * The plan in *slot, prepared (generic: parameters such as a ctid array or a group's keys must not
 * cause re-planning on every call) and kept on first use.  For every statement maintenance reuses.
 */
SPIPlanPtr PrepareKept(SPIPlanPtr *slot, const char *sql, int nargs, Oid *argtypes);

/* Release what the fast path keeps outside its memory context (a prepared plan). */
void FastPathFree(FastPath *fp);

}  // namespace shinjp::ivm
