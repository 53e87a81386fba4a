/*
 * extreme.cpp — a removed min/max recomputed by one btree scan (see extreme.hpp).
 */
#include "ivm/extreme.hpp"

extern "C" {
#include "access/genam.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "pg/compat.h"
}

namespace shinjp::ivm {

/* One aggregate's scan: the index, its equality columns in index order, then x. */
struct ExtremeIndexScan {
	ExtremeSpec spec;
	Oid index;
	int neq;                                /* leading index columns compared for equality */
	AttrNumber eq_view_att[INDEX_MAX_KEYS]; /* view column giving index column i's value */
	RegProcedure eq_proc[INDEX_MAX_KEYS];
	Oid eq_collation[INDEX_MAX_KEYS];
	AttrNumber day_view_att;                /* view column of the day key, or 0 */
	RegProcedure ge_proc, lt_proc;          /* x >= day, x < next day (timestamp) */
	bool backward;                          /* max on an ascending column, min on a descending one */
};

struct ExtremeScan {
	Oid base;
	bool inh;
	int n;
	ExtremeIndexScan *scans;
};

namespace {

/* Types whose built-in min/max agree with their default btree order. */
constexpr Oid kOrderedTypes[] = {INT2OID, INT4OID, INT8OID, FLOAT4OID, FLOAT8OID, NUMERICOID, DATEOID, TIMESTAMPOID, TIMESTAMPTZOID};

bool
OrderedType(Oid type)
{
	for (Oid t : kOrderedTypes)
		if (t == type)
			return true;
	return false;
}

RegProcedure
BtreeProc(Oid opfamily, Oid type, int16 strategy)
{
	Oid op = get_opfamily_member(opfamily, type, type, strategy);
	return OidIsValid(op) ? get_opcode(op) : InvalidOid;
}

/*
 * Does index ir (of base table heap) answer spec: its leading key columns are exactly the spec's
 * plain keys (plain columns, the column's own type and collation), then x with the default
 * operator class?  Fills s when it does.
 */
bool
IndexAnswers(Relation heap, Relation ir, const ExtremeSpec *spec, ExtremeIndexScan *s)
{
	if (ir->rd_rel->relam != BTREE_AM_OID || !ir->rd_index->indisvalid || !heap_attisnull(ir->rd_indextuple, Anum_pg_index_indpred, NULL))
		return false;
	int neq = 0;
	AttrNumber day_view_att = 0;
	for (int k = 0; k < spec->nkeys; k++) {
		if (spec->key_base_att[k] != 0)
			neq++;
		else
			day_view_att = spec->key_view_att[k];
	}
	if (IndexRelationGetNumberOfKeyAttributes(ir) < neq + 1)
		return false;
	TupleDesc hd = RelationGetDescr(heap);
	bool used[INDEX_MAX_KEYS] = {false};
	for (int i = 0; i < neq; i++) {
		AttrNumber col = ir->rd_index->indkey.values[i];
		int k = 0;
		while (k < spec->nkeys && (spec->key_base_att[k] != col || col == 0 || used[k]))
			k++;
		if (k == spec->nkeys)
			return false;
		used[k] = true;
		Form_pg_attribute att = TupleDescAttr(hd, col - 1);
		/* a built-in operator family: its procedures resolve no names (no search_path needed) */
		if (ir->rd_opcintype[i] != att->atttypid || ir->rd_indcollation[i] != att->attcollation ||
		    ir->rd_opfamily[i] >= FirstNormalObjectId)
			return false;
		s->eq_view_att[i] = spec->key_view_att[k];
		s->eq_proc[i] = BtreeProc(ir->rd_opfamily[i], att->atttypid, BTEqualStrategyNumber);
		s->eq_collation[i] = att->attcollation;
		if (!OidIsValid(s->eq_proc[i]))
			return false;
	}
	AttrNumber x = spec->arg_att;
	Oid xtype = TupleDescAttr(hd, x - 1)->atttypid;
	if (ir->rd_index->indkey.values[neq] != x || ir->rd_opcintype[neq] != xtype ||
	    get_index_column_opclass(RelationGetRelid(ir), neq + 1) != GetDefaultOpClass(xtype, BTREE_AM_OID))
		return false;
	if (day_view_att != 0) {
		if (xtype != TIMESTAMPOID)
			return false;
		s->ge_proc = BtreeProc(ir->rd_opfamily[neq], xtype, BTGreaterEqualStrategyNumber);
		s->lt_proc = BtreeProc(ir->rd_opfamily[neq], xtype, BTLessStrategyNumber);
		if (!OidIsValid(s->ge_proc) || !OidIsValid(s->lt_proc))
			return false;
	}
	s->spec = *spec;
	s->index = RelationGetRelid(ir);
	s->neq = neq;
	s->day_view_att = day_view_att;
	bool desc = (ir->rd_indoption[neq] & INDOPTION_DESC) != 0;
	s->backward = spec->is_max != desc;
	return true;
}

/* The extreme of one group into *value / *isnull; false when the SQL must answer instead. */
bool
ScanExtreme(const ExtremeIndexScan *s, Relation heap, TupleTableSlot *slot, TupleTableSlot *row, Snapshot snap, MemoryContext tmp,
            Datum *value, bool *isnull)
{
	ScanKeyData keys[INDEX_MAX_KEYS + 2];
	int nk = 0;
	for (int i = 0; i < s->neq; i++, nk++) {
		AttrNumber va = s->eq_view_att[i];
		if (row->tts_isnull[va - 1])
			ScanKeyEntryInitialize(&keys[nk], SK_ISNULL | SK_SEARCHNULL, (AttrNumber) (i + 1), InvalidStrategy, InvalidOid,
			                       InvalidOid, InvalidOid, (Datum) 0);
		else
			ScanKeyEntryInitialize(&keys[nk], 0, (AttrNumber) (i + 1), BTEqualStrategyNumber, InvalidOid, s->eq_collation[i],
			                       s->eq_proc[i], row->tts_values[va - 1]);
	}
	AttrNumber xcol = (AttrNumber) (s->neq + 1);
	if (s->day_view_att != 0) {
		/* x::date = day  <=>  day::timestamp <= x < (day + 1)::timestamp, while both bounds exist */
		if (row->tts_isnull[s->day_view_att - 1])
			return false;
		DateADT day = DatumGetDateADT(row->tts_values[s->day_view_att - 1]);
		if (DATE_NOT_FINITE(day) || day >= PG_INT32_MAX - 1)
			return false;
		int overflow = 0;
		Timestamp lo = date2timestamp_opt_overflow(day, &overflow);
		if (overflow != 0)
			return false;
		Timestamp hi = date2timestamp_opt_overflow(day + 1, &overflow);
		if (overflow != 0)
			return false;
		ScanKeyEntryInitialize(&keys[nk++], 0, xcol, BTGreaterEqualStrategyNumber, InvalidOid, InvalidOid, s->ge_proc,
		                       TimestampGetDatum(lo));
		ScanKeyEntryInitialize(&keys[nk++], 0, xcol, BTLessStrategyNumber, InvalidOid, InvalidOid, s->lt_proc, TimestampGetDatum(hi));
	} else {
		/* min/max ignore NULLs; so does the scan */
		ScanKeyEntryInitialize(&keys[nk++], SK_ISNULL | SK_SEARCHNOTNULL, xcol, InvalidStrategy, InvalidOid, InvalidOid, InvalidOid,
		                       (Datum) 0);
	}
	Relation ir = index_open(s->index, AccessShareLock);
	if (!ir->rd_index->indisvalid) {
		index_close(ir, AccessShareLock);
		return false;
	}
	IndexScanDesc scan = index_beginscan(heap, ir, snap, nk, 0);
	index_rescan(scan, keys, nk, NULL, 0);
	*isnull = true;
	*value = (Datum) 0;
	if (index_getnext_slot(scan, s->backward ? BackwardScanDirection : ForwardScanDirection, slot)) {
		bool xnull;
		Datum x = slot_getattr(slot, s->spec.arg_att, &xnull);
		if (!xnull) {
			Form_pg_attribute att = TupleDescAttr(slot->tts_tupleDescriptor, s->spec.arg_att - 1);
			MemoryContext old = MemoryContextSwitchTo(tmp);
			*value = datumCopy(x, att->attbyval, att->attlen);
			MemoryContextSwitchTo(old);
			*isnull = false;
		}
	}
	ExecClearTuple(slot);
	index_endscan(scan);
	index_close(ir, NoLock);
	return true;
}

}  // namespace

ExtremeScan *
ExtremeScanCompile(Oid base, bool inh, const ExtremeSpec *specs, int nspecs, MemoryContext cxt)
{
	if (nspecs <= 0)
		return NULL;
	Relation heap = table_open(base, AccessShareLock);
	bool ok = heap->rd_rel->relkind == RELKIND_RELATION;
	ExtremeIndexScan *scans = (ExtremeIndexScan *) MemoryContextAllocZero(cxt, sizeof(ExtremeIndexScan) * nspecs);
	for (int j = 0; ok && j < nspecs; j++) {
		const ExtremeSpec *spec = &specs[j];
		ok = spec->arg_att > 0 && spec->arg_att <= RelationGetDescr(heap)->natts && spec->nkeys <= INDEX_MAX_KEYS - 1 &&
		     OrderedType(TupleDescAttr(RelationGetDescr(heap), spec->arg_att - 1)->atttypid);
		bool found = false;
		List *ids = ok ? RelationGetIndexList(heap) : NIL;
		ListCell *lc;
		foreach (lc, ids) {
			Relation ir = index_open(lfirst_oid(lc), AccessShareLock);
			found = IndexAnswers(heap, ir, spec, &scans[j]);
			index_close(ir, AccessShareLock);
			if (found)
				break;
		}
		list_free(ids);
		ok = ok && found;
	}
	ExtremeScan *es = NULL;
	if (ok) {
		MemoryContext old = MemoryContextSwitchTo(cxt);
		es = (ExtremeScan *) palloc0(sizeof(ExtremeScan));
		es->base = base;
		es->inh = inh;
		es->n = nspecs;
		es->scans = scans;
		MemoryContextSwitchTo(old);
	}
	table_close(heap, AccessShareLock);
	return es;
}

bool
ExtremeScanRecompute(ExtremeScan *es, TupleTableSlot *row, MemoryContext tmp)
{
	/* what the SQL would be refused or filtered by */
	if (pg_class_aclcheck(es->base, GetUserId(), ACL_SELECT) != ACLCHECK_OK || check_enable_rls(es->base, InvalidOid, true) != RLS_NONE ||
	    (es->inh && has_subclass(es->base)))
		return false;
	Relation heap = table_open(es->base, AccessShareLock);
	List *ids = RelationGetIndexList(heap);
	bool ok = true;
	for (int j = 0; ok && j < es->n; j++)
		ok = list_member_oid(ids, es->scans[j].index);
	list_free(ids);
	if (!ok) {
		table_close(heap, AccessShareLock);
		return false;
	}
	/* the snapshot an SPI command after this one would take */
	CommandCounterIncrement();
	Snapshot snap = RegisterSnapshot(GetTransactionSnapshot());
	TupleTableSlot *slot = table_slot_create(heap, NULL);
	Datum *values = (Datum *) MemoryContextAlloc(tmp, sizeof(Datum) * es->n);
	bool *nulls = (bool *) MemoryContextAlloc(tmp, sizeof(bool) * es->n);
	for (int j = 0; ok && j < es->n; j++) {
		const ExtremeIndexScan *s = &es->scans[j];
		if (!row->tts_isnull[s->spec.flag_att - 1])
			ok = ScanExtreme(s, heap, slot, row, snap, tmp, &values[j], &nulls[j]);
	}
	ExecDropSingleTupleTableSlot(slot);
	UnregisterSnapshot(snap);
	table_close(heap, NoLock);
	if (!ok)
		return false;
	elog(DEBUG2, "shinjp: recomputed min/max of incremental view by index scan");
	for (int j = 0; j < es->n; j++) {
		const ExtremeSpec *spec = &es->scans[j].spec;
		if (row->tts_isnull[spec->flag_att - 1])
			continue;
		row->tts_values[spec->value_att - 1] = values[j];
		row->tts_isnull[spec->value_att - 1] = nulls[j];
		row->tts_values[spec->flag_att - 1] = (Datum) 0;
		row->tts_isnull[spec->flag_att - 1] = true;
	}
	return true;
}

}  // namespace shinjp::ivm
