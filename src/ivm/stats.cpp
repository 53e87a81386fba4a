/*
 * stats.cpp — maintenance counters of the incremental views: shinjp.ivm_backend_stats(),
 * shinjp.ivm_stats_reset(), shinjp.ivm_stats_info().
 *
 * Two homes for the counters:
 *  - cluster: with shinjp in shared_preload_libraries, a shared hash keyed by (database, view) of
 *    fixed capacity shinjp.ivm_stats_max.  Writers look an entry up under the shared LWLock and bump
 *    its counters under the entry's spinlock, so writers never serialise on the table; only the first
 *    statement that maintains a view takes the LWLock exclusively to enter it.  When the table is
 *    full the view's counters stay in the backend (scope 'session') and the overflow is counted.
 *  - session: without preload, a small array in TopMemoryContext, as before.
 * Readers see only their own database's views; entries of dropped views are skipped on read and
 * removed by ivm_drop or shinjp.ivm_stats_reset().
 *
 * C-style (STYLE.md §3): POD only; nothing that can ereport runs while a spinlock is held.
 */
#include "ivm/stats.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "pg/compat.h"
}

namespace shinjp::ivm {

namespace {

constexpr const char *kTranche = "shinjp_ivm_stats";

/* The counters of one view. */
struct Counters {
	int64 statements, fast_statements, delta_rows, groups_changed, groups_deleted, minmax_recomputes, full_refreshes;
	double total_ms;
	TimestampTz last;
};

struct StatsKey {
	Oid db;
	Oid view;
};

struct SharedEntry {
	StatsKey key; /* hash key: first */
	slock_t mutex;
	Counters c;
};

struct SharedHeader {
	LWLock *lock;
	int capacity;
	pg_atomic_uint64 overflows;
};

struct LocalEntry {
	Oid view;
	Counters c;
};

int g_stats_max = 1000;
SharedHeader *g_shared = nullptr;
HTAB *g_htab = nullptr;
shmem_request_hook_type g_prev_request = nullptr;
shmem_startup_hook_type g_prev_startup = nullptr;

LocalEntry *g_local = nullptr;
int g_nlocal = 0, g_local_cap = 0;

Size
SharedSize(void)
{
	return add_size(MAXALIGN(sizeof(SharedHeader)), hash_estimate_size(g_stats_max, sizeof(SharedEntry)));
}

extern "C" void
StatsShmemRequest(void)
{
	if (g_prev_request)
		g_prev_request();
	RequestAddinShmemSpace(SharedSize());
	RequestNamedLWLockTranche(kTranche, 1);
}

extern "C" void
StatsShmemStartup(void)
{
	if (g_prev_startup)
		g_prev_startup();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	bool found;
	g_shared = (SharedHeader *) ShmemInitStruct("shinjp ivm stats", sizeof(SharedHeader), &found);
	if (!found) {
		g_shared->lock = &(GetNamedLWLockTranche(kTranche))->lock;
		g_shared->capacity = g_stats_max;
		pg_atomic_init_u64(&g_shared->overflows, 0);
	}
	HASHCTL info;
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(StatsKey);
	info.entrysize = sizeof(SharedEntry);
	g_htab = ShmemInitHash("shinjp ivm stats hash", g_stats_max, g_stats_max, &info, HASH_ELEM | HASH_BLOBS);
	LWLockRelease(AddinShmemInitLock);
}

bool
SharedActive(void)
{
	return g_shared != nullptr && g_htab != nullptr;
}

void
AddCounters(Counters *c, const ViewStats *d, TimestampTz now)
{
	c->statements += d->statements;
	c->fast_statements += d->fast_statements;
	c->delta_rows += d->delta_rows;
	c->groups_changed += d->groups_changed;
	c->groups_deleted += d->groups_deleted;
	c->minmax_recomputes += d->minmax_recomputes;
	c->full_refreshes += d->full_refreshes;
	c->total_ms += d->total_ms;
	if (now > c->last)
		c->last = now;
}

/* The backend-local counters of `view`, created on first use. */
Counters *
LocalFor(Oid view)
{
	for (int i = 0; i < g_nlocal; i++)
		if (g_local[i].view == view)
			return &g_local[i].c;
	if (g_nlocal == g_local_cap) {
		int cap = g_local_cap ? g_local_cap * 2 : 16;
		LocalEntry *n = (LocalEntry *) MemoryContextAllocZero(TopMemoryContext, sizeof(LocalEntry) * cap);
		if (g_nlocal > 0)
			memcpy(n, g_local, sizeof(LocalEntry) * g_nlocal);
		if (g_local)
			pfree(g_local);
		g_local = n;
		g_local_cap = cap;
	}
	LocalEntry *e = &g_local[g_nlocal++];
	memset(e, 0, sizeof(*e));
	e->view = view;
	return &e->c;
}

/* Remove the backend-local counters of `view`; true if there were any. */
bool
LocalForget(Oid view)
{
	for (int i = 0; i < g_nlocal; i++)
		if (g_local[i].view == view) {
			g_local[i] = g_local[--g_nlocal];
			return true;
		}
	return false;
}

/* Remove the shared entries `keys`; returns how many existed. */
int64
SharedRemove(const StatsKey *keys, int n)
{
	int64 removed = 0;
	if (n == 0)
		return 0;
	LWLockAcquire(g_shared->lock, LW_EXCLUSIVE);
	for (int i = 0; i < n; i++)
		if (hash_search(g_htab, &keys[i], HASH_REMOVE, NULL) != NULL)
			removed++;
	LWLockRelease(g_shared->lock);
	return removed;
}

/* Whether the current role may reset the counters of relation `view` (which exists). */
bool
MayReset(Oid view)
{
	return SHINJP_OWNERCHECK_CLASS(view, GetUserId());
}

}  // namespace

void
StatsAdd(Oid view, const ViewStats *d)
{
	TimestampTz now = GetCurrentTimestamp();
	if (SharedActive()) {
		StatsKey key = {MyDatabaseId, view};
		LWLockAcquire(g_shared->lock, LW_SHARED);
		SharedEntry *e = (SharedEntry *) hash_search(g_htab, &key, HASH_FIND, NULL);
		if (e == NULL && hash_get_num_entries(g_htab) < g_shared->capacity) {
			/* first statement on this view since start or reset: enter it */
			LWLockRelease(g_shared->lock);
			LWLockAcquire(g_shared->lock, LW_EXCLUSIVE);
			bool found = false;
			e = (SharedEntry *) hash_search(g_htab, &key, HASH_FIND, NULL);
			if (e == NULL && hash_get_num_entries(g_htab) < g_shared->capacity) {
				e = (SharedEntry *) hash_search(g_htab, &key, HASH_ENTER_NULL, &found);
				if (e != NULL && !found) {
					SpinLockInit(&e->mutex);
					memset(&e->c, 0, sizeof(e->c));
				}
			}
		}
		if (e != NULL) {
			SpinLockAcquire(&e->mutex);
			AddCounters(&e->c, d, now);
			SpinLockRelease(&e->mutex);
			LWLockRelease(g_shared->lock);
			return;
		}
		LWLockRelease(g_shared->lock);
		pg_atomic_fetch_add_u64(&g_shared->overflows, 1);
	}
	AddCounters(LocalFor(view), d, now);
}

void
StatsForget(Oid view)
{
	if (SharedActive()) {
		StatsKey key = {MyDatabaseId, view};
		SharedRemove(&key, 1);
	}
	LocalForget(view);
}

void
StatsInit(void)
{
	/* a PGC_POSTMASTER variable can only be defined while the postmaster loads the library */
	if (!process_shared_preload_libraries_in_progress)
		return;
	DefineCustomIntVariable("shinjp.ivm_stats_max", "Incremental views whose maintenance counters shared memory holds.",
	                        "Views beyond it keep per-session counters.", &g_stats_max, 1000, 10, 1000000, PGC_POSTMASTER, 0,
	                        NULL, NULL, NULL);
	g_prev_request = shmem_request_hook;
	shmem_request_hook = StatsShmemRequest;
	g_prev_startup = shmem_startup_hook;
	shmem_startup_hook = StatsShmemStartup;
}

}  // namespace shinjp::ivm

using shinjp::ivm::Counters;
using shinjp::ivm::g_htab;
using shinjp::ivm::g_local;
using shinjp::ivm::g_nlocal;
using shinjp::ivm::g_shared;
using shinjp::ivm::SharedEntry;
using shinjp::ivm::StatsKey;

namespace {

void
PutRow(ReturnSetInfo *rsinfo, Oid view, const Counters *c, const char *scope)
{
	Datum values[11] = {ObjectIdGetDatum(view),           Int64GetDatum(c->statements),       Int64GetDatum(c->fast_statements),
	                    Int64GetDatum(c->delta_rows),     Int64GetDatum(c->groups_changed),   Int64GetDatum(c->groups_deleted),
	                    Int64GetDatum(c->minmax_recomputes), Int64GetDatum(c->full_refreshes), Float8GetDatum(c->total_ms),
	                    TimestampTzGetDatum(c->last),     CStringGetTextDatum(scope)};
	bool nulls[11] = {false, false, false, false, false, false, false, false, false, c->last == 0, false};
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* Keys of every shared entry (all databases), copied under the shared lock; *n gets the count. */
StatsKey *
SharedKeys(int *n, Counters **counters)
{
	LWLockAcquire(g_shared->lock, LW_SHARED);
	long total = hash_get_num_entries(g_htab);
	StatsKey *keys = (StatsKey *) palloc(sizeof(StatsKey) * (total + 1));
	Counters *cs = counters ? (Counters *) palloc(sizeof(Counters) * (total + 1)) : NULL;
	HASH_SEQ_STATUS seq;
	hash_seq_init(&seq, g_htab);
	SharedEntry *e;
	int k = 0;
	while ((e = (SharedEntry *) hash_seq_search(&seq)) != NULL) {
		keys[k] = e->key;
		if (cs) {
			SpinLockAcquire(&e->mutex);
			cs[k] = e->c;
			SpinLockRelease(&e->mutex);
		}
		k++;
	}
	LWLockRelease(g_shared->lock);
	*n = k;
	if (counters)
		*counters = cs;
	return keys;
}

}  // namespace

/* shinjp.ivm_backend_stats(): maintenance counters per view of this database, with their scope. */
SHINJP_FUNCTION(shinjp_ivm_backend_stats)
{
	InitMaterializedSRF(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	if (shinjp::ivm::SharedActive()) {
		int n;
		Counters *cs;
		StatsKey *keys = SharedKeys(&n, &cs);
		for (int i = 0; i < n; i++)
			if (keys[i].db == MyDatabaseId && get_rel_name(keys[i].view) != NULL)
				PutRow(rsinfo, keys[i].view, &cs[i], "cluster");
	}
	for (int i = 0; i < g_nlocal; i++)
		if (get_rel_name(g_local[i].view) != NULL)
			PutRow(rsinfo, g_local[i].view, &g_local[i].c, "session");
	return (Datum) 0;
}

/*
 * shinjp.ivm_stats_reset(view regclass DEFAULT NULL) RETURNS bigint: forget the counters of `view`
 * (its owner, a member of the owning role, or a superuser only), or with NULL of every view of this
 * database the caller owns, plus the entries of dropped views and dropped databases.  Returns the
 * number of counter sets removed.
 */
SHINJP_FUNCTION(shinjp_ivm_stats_reset)
{
	int64 removed = 0;
	if (!PG_ARGISNULL(0)) {
		Oid view = PG_GETARG_OID(0);
		if (get_rel_name(view) == NULL)
			ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation with OID %u does not exist", view)));
		if (!shinjp::ivm::MayReset(view))
			aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, get_rel_name(view));
		if (shinjp::ivm::SharedActive()) {
			StatsKey key = {MyDatabaseId, view};
			removed += shinjp::ivm::SharedRemove(&key, 1);
		}
		if (shinjp::ivm::LocalForget(view))
			removed++;
		PG_RETURN_INT64(removed);
	}
	if (shinjp::ivm::SharedActive()) {
		int n, k = 0;
		StatsKey *keys = SharedKeys(&n, NULL);
		for (int i = 0; i < n; i++) {
			bool drop;
			if (keys[i].db != MyDatabaseId)
				drop = !SearchSysCacheExists1(DATABASEOID, ObjectIdGetDatum(keys[i].db));
			else
				drop = get_rel_name(keys[i].view) == NULL || shinjp::ivm::MayReset(keys[i].view);
			if (drop)
				keys[k++] = keys[i];
		}
		removed += shinjp::ivm::SharedRemove(keys, k);
	}
	for (int i = g_nlocal - 1; i >= 0; i--) {
		Oid view = g_local[i].view;
		if (get_rel_name(view) == NULL || shinjp::ivm::MayReset(view)) {
			shinjp::ivm::LocalForget(view);
			removed++;
		}
	}
	PG_RETURN_INT64(removed);
}

/* shinjp.ivm_stats_info(): where the counters live, the shared table's capacity, use and overflows. */
SHINJP_FUNCTION(shinjp_ivm_stats_info)
{
	TupleDesc desc;
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);
	Datum values[4];
	bool nulls[4] = {false, false, false, false};
	if (shinjp::ivm::SharedActive()) {
		LWLockAcquire(g_shared->lock, LW_SHARED);
		long entries = hash_get_num_entries(g_htab);
		LWLockRelease(g_shared->lock);
		values[0] = CStringGetTextDatum("cluster");
		values[1] = Int32GetDatum(g_shared->capacity);
		values[2] = Int64GetDatum((int64) entries);
		values[3] = Int64GetDatum((int64) pg_atomic_read_u64(&g_shared->overflows));
	} else {
		values[0] = CStringGetTextDatum("session");
		nulls[1] = true;
		values[2] = Int64GetDatum((int64) g_nlocal);
		nulls[3] = true;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
