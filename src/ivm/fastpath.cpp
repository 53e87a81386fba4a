/*
 * fastpath.cpp — one-row maintenance by index lookup, row lock and heap update (see fastpath.hpp).
 *
 * Compilation.  Each stored SQL text is parse-analysed with the transition tables (and the delta,
 * for the upsert) as ephemeral relations, exactly as SPI would.  A query level reads one or two
 * children (a subquery level, or a transition table row): its WHERE / JOIN ON quals and its select
 * list become ExprStates whose Vars read the first child as the scan tuple and the second as the
 * inner tuple.  The upsert contributes its ON CONFLICT SET list (v = scan tuple, excluded = inner
 * tuple), its RETURNING recompute flag and the key columns of its arbiter.
 *
 * Concurrency is that of UPDATE, then of INSERT ... ON CONFLICT DO UPDATE: the group row is found
 * with a fresh snapshot, the SET list is evaluated against that version, and the row is updated
 * unless another transaction changed it meanwhile (waiting for one that holds it).  If one did, the
 * row is locked FOR NO KEY UPDATE following its update chain and the SET list evaluated again
 * against the locked version.  Under REPEATABLE READ a concurrently updated row raises a
 * serialization failure, as the upsert does.
 */
#include "ivm/fastpath.hpp"

#include "pg/boundary.hpp"

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_proc.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/parsetree.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/queryenvironment.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace shinjp::ivm {

namespace {

constexpr int kNew = 0;
constexpr int kOld = 1;

/* One query level: children, quals, select list. */
struct Level {
	int nchild;          /* 1, or 2 for the update's join of the new and the old row */
	int leaf[2];         /* kNew / kOld when the child is a transition table row, else -1 */
	Level *sub[2];       /* the child level otherwise */
	ExprState *qual;     /* NULL when none */
	int ntle;
	ExprState **tle;
	TupleTableSlot *out; /* virtual */
};

enum EvalResult { ROW, NO_ROW, GIVE_UP };

}  // namespace

struct FastPath {
	Oid view;
	Level *delta[3]; /* by FastEvent; NULL when that statement kind has no one-row SQL */
	int nset;
	AttrNumber *set_attno;
	ExprState **set_expr;
	ExprState **insert_expr; /* by view column: the delta row as the upsert inserts it (EXCLUDED) */
	TupleTableSlot *excluded;
	ExprState *recompute_flag;
	int nkeys;
	AttrNumber key_attno[INDEX_MAX_KEYS];
	Oid key_index;                      /* the index key_eq was looked up for */
	RegProcedure key_eq[INDEX_MAX_KEYS]; /* its columns' btree equality functions */
	TupleDesc base_desc;
	TupleTableSlot *base_slot[2];
	TupleDesc view_desc;
	TupleTableSlot *new_row; /* virtual, the view row after the SET list */
	AttrNumber count_att;    /* __ivm_count */
	ExprContext *econtext;
	/* min/max recomputed before the heap update (RecomputeSelect); re_sql NULL: the caller recomputes */
	char *re_sql;
	int nre;
	AttrNumber *re_attno; /* the view column of each output column */
	Oid *re_argtypes;     /* $n: view column n */
	SPIPlanPtr re_plan;   /* prepared on first use, kept */
	ExtremeScan *extreme; /* the same recompute by index scans (extreme.hpp), or NULL */
	bool needs_search_path; /* see FastPathNeedsSearchPath */
};

namespace {

struct VarnoMap {
	int scan;  /* varno read from the scan tuple */
	int inner; /* varno read from the inner tuple, or 0 */
	bool bad;    /* a Var of any other relation, or of an outer query level */
};

bool
CheckVarsWalker(Node *node, VarnoMap *map)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var)) {
		Var *var = (Var *) node;
		if (var->varlevelsup != 0 || var->varattno <= 0 || (var->varno != map->scan && (map->inner == 0 || var->varno != map->inner)))
			map->bad = true;
		return false;
	}
	if (IsA(node, Query) || IsA(node, SubLink) || IsA(node, Aggref) || IsA(node, WindowFunc) || IsA(node, Param))
		map->bad = true;
	return expression_tree_walker(node, (bool (*)()) (void (*)(void)) CheckVarsWalker, (void *) map);
}

Node *
InnerVarMutator(Node *node, VarnoMap *map)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var)) {
		Var *var = (Var *) copyObjectImpl(node);
		if (map->inner != 0 && var->varno == map->inner)
			var->varno = INNER_VAR;
		return (Node *) var;
	}
	return expression_tree_mutator(node, (Node * (*)()) (void (*)(void)) InnerVarMutator, (void *) map);
}

/* Set when a compiled expression may depend on search_path (FastPathNeedsSearchPath); per compilation. */
bool g_compiled_needs_search_path = false;

bool
NotBuiltinImmutable(Oid func, void *)
{
	return func >= FirstNormalObjectId || func_volatile(func) != PROVOLATILE_IMMUTABLE;
}

/* Could evaluating node run code that resolves names at run time?  Node types not listed: yes. */
bool
NeedsSearchPathWalker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	switch (nodeTag(node)) {
	case T_Var:
	case T_Const:
	case T_BoolExpr:
	case T_CaseExpr:
	case T_CaseWhen:
	case T_CaseTestExpr:
	case T_CoalesceExpr:
	case T_NullTest:
	case T_BooleanTest:
	case T_RelabelType:
	case T_List:
		break;
	case T_FuncExpr:
	case T_OpExpr:
	case T_DistinctExpr:
	case T_NullIfExpr:
	case T_ScalarArrayOpExpr:
	case T_CoerceViaIO:
		if (check_functions_in_node(node, NotBuiltinImmutable, NULL))
			return true;
		break;
	case T_MinMaxExpr: /* compares with the type's default btree operator class */
		if (((MinMaxExpr *) node)->minmaxtype >= FirstNormalObjectId)
			return true;
		break;
	default:
		return true;
	}
	return expression_tree_walker(node, (bool (*)()) (void (*)(void)) NeedsSearchPathWalker, context);
}

/* An ExprState for expr whose Vars are those of map; NULL when a Var falls outside it. */
ExprState *
CompileExpr(Expr *expr, VarnoMap *map, bool qual)
{
	map->bad = false;
	CheckVarsWalker((Node *) expr, map);
	if (map->bad)
		return NULL;
	Expr *planned = expression_planner((Expr *) InnerVarMutator((Node *) expr, map));
	if (NeedsSearchPathWalker((Node *) planned, NULL))
		g_compiled_needs_search_path = true;
	if (qual)
		return ExecInitQual(make_ands_implicit(planned), NULL);
	return ExecInitExpr(planned, NULL);
}

Level *CompileLevel(Query *q);

/* Child of a level: a transition table (leaf) or a one-row subquery.  False when unsupported. */
bool
CompileChild(Query *q, Node *from, Level *lv, int i)
{
	if (!IsA(from, RangeTblRef))
		return false;
	RangeTblEntry *rte = rt_fetch(((RangeTblRef *) from)->rtindex, q->rtable);
	lv->leaf[i] = -1;
	lv->sub[i] = NULL;
	if (rte->rtekind == RTE_NAMEDTUPLESTORE && rte->enrname != NULL) {
		if (strcmp(rte->enrname, "__ivm_new") == 0)
			lv->leaf[i] = kNew;
		else if (strcmp(rte->enrname, "__ivm_old") == 0)
			lv->leaf[i] = kOld;
		return lv->leaf[i] >= 0;
	}
	if (rte->rtekind == RTE_SUBQUERY) {
		lv->sub[i] = CompileLevel(rte->subquery);
		return lv->sub[i] != NULL;
	}
	return false;
}

/* A SELECT without aggregation over one child, or over an inner or full join of two. */
Level *
CompileLevel(Query *q)
{
	if (q->commandType != CMD_SELECT || q->hasAggs || q->hasWindowFuncs || q->hasSubLinks || q->hasTargetSRFs || q->setOperations ||
	    q->groupClause || q->havingQual || q->distinctClause || q->limitCount || q->limitOffset || q->cteList || q->rowMarks)
		return NULL;
	FromExpr *jt = q->jointree;
	if (jt == NULL || list_length(jt->fromlist) != 1)
		return NULL;
	Level *lv = (Level *) palloc0(sizeof(Level));
	Node *from = (Node *) linitial(jt->fromlist);
	List *quals = NIL;
	VarnoMap map = {0, 0, false};
	if (IsA(from, JoinExpr)) {
		JoinExpr *j = (JoinExpr *) from;
		if ((j->jointype != JOIN_INNER && j->jointype != JOIN_FULL) || j->usingClause != NIL || !IsA(j->larg, RangeTblRef) ||
		    !IsA(j->rarg, RangeTblRef))
			return NULL;
		lv->nchild = 2;
		if (!CompileChild(q, j->larg, lv, 0) || !CompileChild(q, j->rarg, lv, 1))
			return NULL;
		map.scan = ((RangeTblRef *) j->larg)->rtindex;
		map.inner = ((RangeTblRef *) j->rarg)->rtindex;
		if (j->quals)
			quals = lappend(quals, j->quals);
	} else {
		lv->nchild = 1;
		if (!CompileChild(q, from, lv, 0))
			return NULL;
		map.scan = ((RangeTblRef *) from)->rtindex;
	}
	if (jt->quals)
		quals = lappend(quals, jt->quals);
	if (quals != NIL) {
		lv->qual = CompileExpr(list_length(quals) == 1 ? (Expr *) linitial(quals) : make_andclause(quals), &map, true);
		if (lv->qual == NULL)
			return NULL;
	}
	lv->tle = (ExprState **) palloc0(sizeof(ExprState *) * (list_length(q->targetList) + 1));
	List *visible = NIL;
	ListCell *lc;
	foreach (lc, q->targetList) {
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		if (tle->resjunk)
			continue;
		ExprState *st = CompileExpr(tle->expr, &map, false);
		if (st == NULL)
			return NULL;
		lv->tle[lv->ntle++] = st;
		visible = lappend(visible, tle);
	}
	lv->out = MakeSingleTupleTableSlot(ExecTypeFromTL(visible), &TTSOpsVirtual);
	return lv;
}

Query *
Analyze(const char *sql, QueryEnvironment *env)
{
	List *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	if (list_length(raw) != 1)
		return NULL;
	return parse_analyze_fixedparams(linitial_node(RawStmt, raw), sql, NULL, 0, env);
}

void
AddEnr(QueryEnvironment *env, const char *name, Oid relid, TupleDesc desc)
{
	EphemeralNamedRelation enr = (EphemeralNamedRelation) palloc0(sizeof(EphemeralNamedRelationData));
	enr->md.name = pstrdup(name);
	enr->md.reliddesc = relid;
	enr->md.tupdesc = desc;
	enr->md.enrtype = ENR_NAMED_TUPLESTORE;
	enr->md.enrtuples = 1;
	register_ENR(env, enr);
}

/* The upsert's SET list, RETURNING flag and arbiter keys.  False when unsupported. */
bool
CompileUpsert(FastPath *fp, Query *q)
{
	OnConflictExpr *oc = q->onConflict;
	if (q->commandType != CMD_INSERT || oc == NULL || oc->action != ONCONFLICT_UPDATE || oc->onConflictWhere != NULL ||
	    list_length(q->returningList) != 3 || list_length(oc->arbiterElems) == 0 || list_length(oc->arbiterElems) > INDEX_MAX_KEYS)
		return false;
	/* INSERT's select list: the delta row, coerced to the view table's column types */
	if (list_length(q->jointree->fromlist) != 1 || !IsA(linitial(q->jointree->fromlist), RangeTblRef) ||
	    list_length(q->targetList) != fp->view_desc->natts)
		return false;
	VarnoMap sel = {((RangeTblRef *) linitial(q->jointree->fromlist))->rtindex, 0, false};
	fp->insert_expr = (ExprState **) palloc0(sizeof(ExprState *) * fp->view_desc->natts);
	ListCell *lc;
	int i = 0;
	foreach (lc, q->targetList) {
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		if (tle->resjunk || tle->resno != i + 1)
			return false;
		fp->insert_expr[i++] = CompileExpr(tle->expr, &sel, false);
		if (fp->insert_expr[i - 1] == NULL)
			return false;
	}
	VarnoMap map = {q->resultRelation, oc->exclRelIndex, false};
	fp->set_attno = (AttrNumber *) palloc0(sizeof(AttrNumber) * (list_length(oc->onConflictSet) + 1));
	fp->set_expr = (ExprState **) palloc0(sizeof(ExprState *) * (list_length(oc->onConflictSet) + 1));
	foreach (lc, oc->onConflictSet) {
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		if (tle->resjunk)
			continue;
		ExprState *st = CompileExpr(tle->expr, &map, false);
		if (st == NULL)
			return false;
		fp->set_attno[fp->nset] = tle->resno;
		fp->set_expr[fp->nset++] = st;
	}
	/* RETURNING v.ctid, v.__ivm_count, <flag>: the flag reads the updated row only */
	VarnoMap row = {q->resultRelation, 0, false};
	fp->recompute_flag = CompileExpr(((TargetEntry *) lthird(q->returningList))->expr, &row, false);
	if (fp->recompute_flag == NULL)
		return false;
	fp->nkeys = 0;
	foreach (lc, oc->arbiterElems) {
		InferenceElem *ie = (InferenceElem *) lfirst(lc);
		if (!IsA(ie, InferenceElem) || !IsA(ie->expr, Var))
			return false;
		fp->key_attno[fp->nkeys++] = ((Var *) ie->expr)->varattno;
	}
	return true;
}

/* The view table's key index: unique, immediate, on exactly the arbiter's columns. */
Relation
OpenKeyIndex(FastPath *fp, List *indexes)
{
	ListCell *lc;
	foreach (lc, indexes) {
		Relation ir = (Relation) lfirst(lc);
		Form_pg_index ix = ir->rd_index;
		if (!ix->indisunique || ix->indnkeyatts != fp->nkeys)
			continue;
		bool same = true;
		for (int k = 0; k < fp->nkeys && same; k++) {
			bool found = false;
			for (int i = 0; i < fp->nkeys; i++)
				found = found || ix->indkey.values[i] == fp->key_attno[k];
			same = found;
		}
		if (same)
			return ir;
	}
	return NULL;
}

/* Every index of the view table, opened; NIL (all closed) when one is not a plain, ready one. */
List *
OpenIndexes(Relation vrel)
{
	List *ids = RelationGetIndexList(vrel);
	List *opened = NIL;
	ListCell *lc;
	bool ok = true;
	foreach (lc, ids) {
		Relation ir = index_open(lfirst_oid(lc), RowExclusiveLock);
		opened = lappend(opened, ir);
		Form_pg_index ix = ir->rd_index;
		if (!ix->indisvalid || !ix->indisready || !ix->indislive || !ix->indimmediate || ix->indisexclusion ||
		    RelationGetIndexExpressions(ir) != NIL || RelationGetIndexPredicate(ir) != NIL)
			ok = false;
	}
	list_free(ids);
	if (ok && opened != NIL)
		return opened;
	foreach (lc, opened)
		index_close((Relation) lfirst(lc), RowExclusiveLock);
	list_free(opened);
	return NIL;
}

void
CloseIndexes(List *indexes)
{
	ListCell *lc;
	foreach (lc, indexes)
		index_close((Relation) lfirst(lc), RowExclusiveLock);
	list_free(indexes);
}

EvalResult
Eval(FastPath *fp, Level *lv)
{
	TupleTableSlot *in[2] = {NULL, NULL};
	for (int i = 0; i < lv->nchild; i++) {
		if (lv->leaf[i] >= 0) {
			in[i] = fp->base_slot[lv->leaf[i]];
			if (TupIsNull(in[i]))
				return GIVE_UP;
			continue;
		}
		EvalResult r = Eval(fp, lv->sub[i]);
		if (r == GIVE_UP || (r == NO_ROW && lv->nchild == 2)) /* a row entering or leaving the view's filter */
			return GIVE_UP;
		if (r == NO_ROW)
			return NO_ROW;
		in[i] = lv->sub[i]->out;
	}
	ExprContext *ec = fp->econtext;
	ec->ecxt_scantuple = in[0];
	ec->ecxt_innertuple = in[1];
	if (lv->qual != NULL && !ExecQual(lv->qual, ec))
		return lv->nchild == 2 ? GIVE_UP : NO_ROW; /* the update moved the row to another group */
	TupleTableSlot *out = lv->out;
	ExecClearTuple(out);
	for (int i = 0; i < lv->ntle; i++) {
		ec->ecxt_scantuple = in[0];
		ec->ecxt_innertuple = in[1];
		out->tts_values[i] = ExecEvalExprSwitchContext(lv->tle[i], ec, &out->tts_isnull[i]);
	}
	ExecStoreVirtualTuple(out);
	return ROW;
}

void
LoadRow(FastPath *fp, int which, Tuplestorestate *store)
{
	TupleTableSlot *slot = fp->base_slot[which];
	ExecClearTuple(slot);
	if (store == NULL || tuplestore_tuple_count(store) != 1)
		return;
	tuplestore_rescan(store);
	if (!tuplestore_gettupleslot(store, true, false, slot))
		ExecClearTuple(slot);
	tuplestore_rescan(store);
}

/*
 * Insert index entries for a new (non-HOT) row version.  The keys did not change (they name the
 * group), which indexUnchanged tells the index AM for bottom-up deletion.
 */
void
InsertIndexEntries(Relation vrel, List *indexes, TupleTableSlot *slot, bool summarizing_only)
{
	ListCell *lc;
	foreach (lc, indexes) {
		Relation ir = (Relation) lfirst(lc);
		IndexInfo *ii = BuildIndexInfo(ir);
		if (summarizing_only && !SHINJP_INDEX_IS_SUMMARIZING(ii))
			continue;
		Datum values[INDEX_MAX_KEYS];
		bool isnull[INDEX_MAX_KEYS];
		FormIndexDatum(ii, slot, NULL, values, isnull);
		index_insert(ir, values, isnull, &slot->tts_tid, vrel, ir->rd_index->indisunique ? UNIQUE_CHECK_YES : UNIQUE_CHECK_NO, true, ii);
	}
}

/* The equality function of key column i of kix, looked up once per index (not per statement). */
RegProcedure
KeyEquality(FastPath *fp, Relation kix, int i)
{
	if (fp->key_index != RelationGetRelid(kix)) {
		for (int k = 0; k < fp->nkeys; k++) {
			Oid opc = kix->rd_opcintype[k];
			fp->key_eq[k] = get_opcode(get_opfamily_member(kix->rd_opfamily[k], opc, opc, BTEqualStrategyNumber));
		}
		fp->key_index = RelationGetRelid(kix);
	}
	return fp->key_eq[i];
}

/*
 * The general path's recompute (RecomputeSql: UPDATE view AS v SET c = <expr>, ... WHERE v.ctid =
 * ANY ($1)) as a SELECT of the same expressions over the view row given as parameters:
 *   SELECT (<expr>)::<type of c>, ... FROM (SELECT $1 AS c1, ..., $n AS cn) AS v
 * Each <expr> is cut from the stored text at the parse tree's locations, so it is the same SQL,
 * analysed in the same environment (owner, search_path).  False when the text has another shape.
 */
bool
BuildRecomputeSelect(FastPath *fp, const char *sql)
{
	List *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	if (list_length(raw) != 1 || !IsA(linitial_node(RawStmt, raw)->stmt, UpdateStmt))
		return false;
	UpdateStmt *us = (UpdateStmt *) linitial_node(RawStmt, raw)->stmt;
	if (us->fromClause != NIL || us->withClause != NULL || us->returningList != NIL || us->whereClause == NULL ||
	    us->relation->alias == NULL || strcmp(us->relation->alias->aliasname, "v") != 0 || us->targetList == NIL)
		return false;
	int n = list_length(us->targetList);
	int natts = fp->view_desc->natts;
	fp->re_attno = (AttrNumber *) palloc0(sizeof(AttrNumber) * n);
	fp->re_argtypes = (Oid *) palloc0(sizeof(Oid) * natts);
	StringInfoData buf;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	for (int i = 0; i < n; i++) {
		ResTarget *rt = list_nth_node(ResTarget, us->targetList, i);
		if (rt->name == NULL || rt->indirection != NIL)
			return false;
		AttrNumber attno = InvalidAttrNumber;
		for (int a = 0; a < natts && attno == InvalidAttrNumber; a++)
			if (strcmp(NameStr(TupleDescAttr(fp->view_desc, a)->attname), rt->name) == 0)
				attno = (AttrNumber) (a + 1);
		int start = exprLocation(rt->val);
		int end = i + 1 < n ? list_nth_node(ResTarget, us->targetList, i + 1)->location : exprLocation(us->whereClause);
		if (attno == InvalidAttrNumber || start < 0 || end <= start || end > (int) strlen(sql))
			return false;
		/* "<expr>, " before the next target, "<expr> WHERE " before the WHERE clause */
		const char *sep = i + 1 < n ? "," : "WHERE";
		while (end > start && isspace((unsigned char) sql[end - 1]))
			end--;
		int seplen = (int) strlen(sep);
		if (end - start <= seplen || strncmp(sql + end - seplen, sep, seplen) != 0)
			return false;
		end -= seplen;
		Form_pg_attribute att = TupleDescAttr(fp->view_desc, attno - 1);
		appendStringInfo(&buf, "%s(%.*s)::%s", i ? ", " : "", end - start, sql + start,
		                 format_type_extended(att->atttypid, att->atttypmod, FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY));
		fp->re_attno[i] = attno;
	}
	appendStringInfoString(&buf, " FROM (SELECT ");
	for (int a = 0; a < natts; a++) {
		Form_pg_attribute att = TupleDescAttr(fp->view_desc, a);
		appendStringInfo(&buf, "%s$%d AS %s", a ? ", " : "", a + 1, quote_identifier(NameStr(att->attname)));
		fp->re_argtypes[a] = att->atttypid;
	}
	appendStringInfoString(&buf, ") AS v");
	fp->nre = n;
	fp->re_sql = buf.data;
	return true;
}

/*
 * Recompute the flagged min/max of the locked group row nr (the SET list applied) into nr.  The
 * SELECT runs as an SPI command after this one: a fresh snapshot (READ COMMITTED) that sees every
 * writer that held the row before us, as the general path's later recompute statement does.
 */
void
RecomputeInRow(FastPath *fp, TupleTableSlot *nr)
{
	int natts = fp->view_desc->natts;
	PrepareKept(&fp->re_plan, fp->re_sql, natts, fp->re_argtypes);
	MemoryContext tmp = fp->econtext->ecxt_per_tuple_memory;
	char *nulls = (char *) MemoryContextAlloc(tmp, natts + 1);
	for (int a = 0; a < natts; a++)
		nulls[a] = nr->tts_isnull[a] ? 'n' : ' ';
	nulls[natts] = '\0';
	if (SPI_execute_plan(fp->re_plan, nr->tts_values, nulls, false, 1) != SPI_OK_SELECT || SPI_processed != 1 ||
	    SPI_tuptable->tupdesc->natts != fp->nre)
		elog(ERROR, "SPI failed recomputing min/max of %s", get_rel_name(fp->view));
	for (int i = 0; i < fp->nre; i++) {
		Form_pg_attribute att = TupleDescAttr(fp->view_desc, fp->re_attno[i] - 1);
		if (TupleDescAttr(SPI_tuptable->tupdesc, i)->atttypid != att->atttypid)
			elog(ERROR, "recomputed min/max of %s has the wrong type", get_rel_name(fp->view));
		bool isnull;
		Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, i + 1, &isnull);
		MemoryContext old = MemoryContextSwitchTo(tmp);
		nr->tts_values[fp->re_attno[i] - 1] = isnull ? (Datum) 0 : datumCopy(d, att->attbyval, att->attlen);
		MemoryContextSwitchTo(old);
		nr->tts_isnull[fp->re_attno[i] - 1] = isnull;
	}
	SPI_freetuptable(SPI_tuptable);
}

enum WriteResult { WRITE_DONE, WRITE_CONFLICT, WRITE_GENERAL };

/*
 * Apply the delta's SET list to group row cur, recompute a removed min/max, and update the row (or
 * delete it when its count reaches 0).  Unless locked, the write fails with WRITE_CONFLICT when
 * another transaction updated or deleted cur since the snapshot; nothing was written then.
 * WRITE_GENERAL: the general path must apply this delta (a NOT NULL column would become NULL).
 */
WriteResult
WriteGroup(FastPath *fp, Relation vrel, List *indexes, TupleTableSlot *cur, TupleTableSlot *delta, Snapshot snap, bool locked,
           int64 *changed, int64 *deleted, int64 *recomputed, ItemPointer recompute, void (*before_spi)(void *), void *before_spi_arg)
{
	slot_getallattrs(cur);
	ItemPointerData tid = cur->tts_tid;
	TupleTableSlot *nr = fp->new_row;
	ExecClearTuple(nr);
	int natts = fp->view_desc->natts;
	memcpy(nr->tts_values, cur->tts_values, sizeof(Datum) * natts);
	memcpy(nr->tts_isnull, cur->tts_isnull, sizeof(bool) * natts);
	ExprContext *ec = fp->econtext;
	Datum *values = (Datum *) MemoryContextAlloc(ec->ecxt_per_tuple_memory, sizeof(Datum) * fp->nset);
	bool *nulls = (bool *) MemoryContextAlloc(ec->ecxt_per_tuple_memory, sizeof(bool) * fp->nset);
	for (int s = 0; s < fp->nset; s++) {
		ec->ecxt_scantuple = cur;
		ec->ecxt_innertuple = delta;
		values[s] = ExecEvalExprSwitchContext(fp->set_expr[s], ec, &nulls[s]);
	}
	for (int s = 0; s < fp->nset; s++) {
		nr->tts_values[fp->set_attno[s] - 1] = values[s];
		nr->tts_isnull[fp->set_attno[s] - 1] = nulls[s];
	}
	ExecStoreVirtualTuple(nr);
	for (int a = 0; a < natts; a++)
		if (nr->tts_isnull[a] && TupleDescAttr(fp->view_desc, a)->attnotnull)
			return WRITE_GENERAL;
	AttrNumber count_att = fp->count_att;
	bool flag_null;
	ec->ecxt_scantuple = nr;
	ec->ecxt_innertuple = NULL;
	bool flagged = DatumGetBool(ExecEvalExprSwitchContext(fp->recompute_flag, ec, &flag_null)) && !flag_null;
	if (nr->tts_isnull[count_att - 1] || DatumGetInt64(nr->tts_values[count_att - 1]) < 0)
		ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
		                errmsg("incremental view %s is out of step with its base tables", RelationGetRelationName(vrel)),
		                errdetail("A group's row count became negative."), errhint("Run shinjp.ivm_refresh on the view.")));
	int64 count = DatumGetInt64(nr->tts_values[count_att - 1]);
	bool recomputed_here = false;
	if (flagged && count > 0 && fp->re_sql != NULL) {
		if (fp->extreme == NULL || !ExtremeScanRecompute(fp->extreme, nr, ec->ecxt_per_tuple_memory)) {
			before_spi(before_spi_arg);
			RecomputeInRow(fp, nr);
		}
		recomputed_here = true;
		flagged = false;
	}
	/* as the executor does: a published table needs a replica identity for these */
	CheckCmdReplicaIdentity(vrel, count == 0 ? CMD_DELETE : CMD_UPDATE);
	TM_FailureData tmfd;
	TM_Result res = TM_Ok;
	SHINJP_UPDATE_INDEXES_TYPE update_indexes;
	if (count == 0) {
		if (locked)
			simple_table_tuple_delete(vrel, &tid, snap);
		else
			res = table_tuple_delete(vrel, &tid, GetCurrentCommandId(true), snap, InvalidSnapshot, true, &tmfd, false);
	} else {
		if (locked) {
			simple_table_tuple_update(vrel, &tid, nr, snap, &update_indexes);
		} else {
			LockTupleMode lockmode;
			res = table_tuple_update(vrel, &tid, nr, GetCurrentCommandId(true), snap, InvalidSnapshot, true, &tmfd, &lockmode,
			                         &update_indexes);
		}
	}
	if (!locked && res != TM_Ok)
		return WRITE_CONFLICT;
	if (count == 0) {
		(*deleted)++;
	} else {
		if (SHINJP_UPDATE_NEEDS_INDEXES(update_indexes))
			InsertIndexEntries(vrel, indexes, nr, SHINJP_UPDATE_SUMMARIZING_ONLY(update_indexes));
		if (flagged)
			ItemPointerCopy(&nr->tts_tid, recompute);
	}
	if (recomputed_here)
		(*recomputed)++;
	(*changed)++;
	return WRITE_DONE;
}

/*
 * The group row the key index scan leads to, as index_getnext_slot() would find it, but pruning
 * the heap page only when it is nearly full.  index_getnext_slot() prunes a page on every visit
 * once its free space is under the fillfactor's reserve (heap_page_prune_opt), and a view table's
 * pages sit at that line: filled to fillfactor by inserts, each HOT update of a group row pushes
 * its page under it, so nearly every maintained statement pruned the page it was about to update
 * (a cleanup lock, a visibility check of every tuple on the page and a WAL record).  Pruned only
 * when the next version might not fit, a page takes its share of HOT versions first and one prune
 * then clears them all.  (Readers of the view still prune as they always do.)
 */
bool
FetchGroup(IndexScanDesc scan, Relation vrel, Snapshot snap, TupleTableSlot *slot)
{
	Assert(IsMVCCSnapshot(snap) && TTS_IS_BUFFERTUPLE(slot));
	ItemPointer itid;
	while ((itid = index_getnext_tid(scan, ForwardScanDirection)) != NULL) {
		ItemPointerData tid = *itid;
		Buffer buf = ReadBuffer(vrel, ItemPointerGetBlockNumber(&tid));
		/* read without the lock, as heap_page_prune_opt() itself does: only a hint */
		Page page = BufferGetPage(buf);
		OffsetNumber nitems = PageGetMaxOffsetNumber(page);
		Size used = BLCKSZ - SizeOfPageHeaderData - PageGetExactFreeSpace(page);
		Size room = Max((Size) BLCKSZ / 20, nitems > 0 ? 2 * used / nitems : 0);
		if (PageGetHeapFreeSpace(page) < room)
			heap_page_prune_opt(vrel, buf);
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		/* the slot keeps a pointer to the tuple header it is given: use the one it owns */
		HeapTuple tuple = &((BufferHeapTupleTableSlot *) slot)->base.tupdata;
		bool all_dead = false;
		bool got = heap_hot_search_buffer(&tid, vrel, buf, snap, tuple, &all_dead, true);
		tuple->t_self = tid;
		LockBuffer(buf, BUFFER_LOCK_UNLOCK);
		if (got) {
			slot->tts_tableOid = RelationGetRelid(vrel);
			ExecStorePinnedBufferHeapTuple(tuple, slot, buf); /* the slot takes our pin */
			return true;
		}
		ReleaseBuffer(buf);
		/* as index_getnext_slot(): a chain dead to everyone marks its index entry dead */
		if (!scan->xactStartedInRecovery)
			scan->kill_prior_tuple = all_dead;
	}
	return false;
}

/* Find the group row of the delta's keys and apply the SET list; false when the general path must. */
bool
ApplyToGroup(FastPath *fp, TupleTableSlot *delta, int64 *changed, int64 *deleted, int64 *recomputed, ItemPointer recompute,
             void (*before_spi)(void *), void *before_spi_arg)
{
	Relation vrel = table_open(fp->view, RowExclusiveLock);
	/* FetchGroup reads heap pages itself: a view table of another access method takes the general path */
	if (vrel->trigdesc != NULL || vrel->rd_rel->relforcerowsecurity || vrel->rd_rel->relkind != RELKIND_RELATION ||
	    vrel->rd_rel->relam != HEAP_TABLE_AM_OID ||
	    (vrel->rd_att->constr != NULL && vrel->rd_att->constr->num_check > 0) || !equalTupleDescs(RelationGetDescr(vrel), fp->view_desc)) {
		table_close(vrel, RowExclusiveLock);
		return false;
	}
	List *indexes = OpenIndexes(vrel);
	Relation kix = indexes != NIL ? OpenKeyIndex(fp, indexes) : NULL;
	if (kix == NULL) {
		CloseIndexes(indexes);
		table_close(vrel, RowExclusiveLock);
		return false;
	}
	ScanKeyData sk[INDEX_MAX_KEYS];
	slot_getallattrs(delta);
	for (int i = 0; i < fp->nkeys; i++) {
		AttrNumber a = kix->rd_index->indkey.values[i];
		if (delta->tts_isnull[a - 1]) { /* NULL groups: the upsert's NULLS NOT DISTINCT does it */
			CloseIndexes(indexes);
			table_close(vrel, RowExclusiveLock);
			return false;
		}
		ScanKeyEntryInitialize(&sk[i], 0, (AttrNumber) (i + 1), BTEqualStrategyNumber, kix->rd_opcintype[i], kix->rd_indcollation[i],
		                       KeyEquality(fp, kix, i), delta->tts_values[a - 1]);
	}

	/* a fresh snapshot, as each SPI command of the general path would take */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	Snapshot snap = GetActiveSnapshot();
	TupleTableSlot *cur = table_slot_create(vrel, NULL);
	IndexScanDesc scan = index_beginscan(vrel, kix, snap, fp->nkeys, 0);
	index_rescan(scan, sk, fp->nkeys, NULL, 0);
	bool found = FetchGroup(scan, vrel, snap, cur);
	ItemPointerData tid = cur->tts_tid;
	index_endscan(scan);
	bool done = false;
	if (found) {
		/*
		 * First as UPDATE does: compute from the version the fresh snapshot sees and write it unless
		 * another transaction changed it meanwhile (no lock record in the WAL).  Then as ON
		 * CONFLICT does: READ COMMITTED locks the row's latest version, waiting for a writer that
		 * holds it, and computes again; under REPEATABLE READ a newer version means TM_Updated,
		 * and the general path's upsert raises the serialization failure.
		 */
		WriteResult w = WriteGroup(fp, vrel, indexes, cur, delta, snap, false, changed, deleted, recomputed, recompute, before_spi,
		                           before_spi_arg);
		if (w == WRITE_CONFLICT) {
			TM_FailureData tmfd;
			uint8 flags = IsolationUsesXactSnapshot() ? 0 : TUPLE_LOCK_FLAG_FIND_LAST_VERSION;
			TM_Result res = table_tuple_lock(vrel, &tid, snap, cur, GetCurrentCommandId(true), LockTupleNoKeyExclusive, LockWaitBlock,
			                                 flags, &tmfd);
			if (res == TM_Ok)
				w = WriteGroup(fp, vrel, indexes, cur, delta, snap, true, changed, deleted, recomputed, recompute, before_spi,
				               before_spi_arg);
		}
		done = w == WRITE_DONE;
	}
	ExecDropSingleTupleTableSlot(cur);
	PopActiveSnapshot();
	if (done)
		CommandCounterIncrement();
	CloseIndexes(indexes);
	table_close(vrel, RowExclusiveLock);
	return done;
}

}  // namespace

FastPath *
FastPathCompile(Oid view, Oid firing_relid, const char *ins1_sql, const char *del1_sql, const char *upd1_sql, const char *apply_sql,
                const char *recompute_sql, MemoryContext cxt)
{
	if (apply_sql == NULL || (ins1_sql == NULL && del1_sql == NULL && upd1_sql == NULL))
		return NULL;
	MemoryContext old = MemoryContextSwitchTo(cxt);
	FastPath *fp = (FastPath *) palloc0(sizeof(FastPath));
	fp->view = view;
	Relation base = relation_open(firing_relid, AccessShareLock);
	fp->base_desc = CreateTupleDescCopy(RelationGetDescr(base));
	relation_close(base, AccessShareLock);
	Relation vrel = table_open(view, AccessShareLock);
	fp->view_desc = CreateTupleDescCopyConstr(RelationGetDescr(vrel));
	/*
	 * Index support functions run on every lookup and insertion; a built-in operator family's are
	 * built in.  A new index invalidates the view's relcache entry, and the caller compiles again.
	 */
	g_compiled_needs_search_path = false;
	List *ids = RelationGetIndexList(vrel);
	ListCell *ilc;
	foreach (ilc, ids) {
		Relation ir = index_open(lfirst_oid(ilc), AccessShareLock);
		for (int k = 0; k < IndexRelationGetNumberOfKeyAttributes(ir); k++)
			if (ir->rd_opfamily[k] >= FirstNormalObjectId)
				g_compiled_needs_search_path = true;
		index_close(ir, AccessShareLock);
	}
	list_free(ids);
	table_close(vrel, AccessShareLock);

	QueryEnvironment *env = create_queryEnv();
	AddEnr(env, "__ivm_new", firing_relid, fp->base_desc);
	AddEnr(env, "__ivm_old", firing_relid, fp->base_desc);
	bool ok = true;
	TupleDesc delta_desc = NULL;
	const char *sql[3] = {ins1_sql, del1_sql, upd1_sql};
	for (int e = 0; e < 3 && ok; e++) {
		if (sql[e] == NULL)
			continue;
		Query *q = Analyze(sql[e], env);
		fp->delta[e] = q ? CompileLevel(q) : NULL;
		/* the upsert reads every delta as one relation: same column types */
		ok = fp->delta[e] != NULL && fp->delta[e]->ntle == fp->view_desc->natts;
		TupleDesc d = ok ? fp->delta[e]->out->tts_tupleDescriptor : NULL;
		for (int a = 0; ok && delta_desc != NULL && a < d->natts; a++)
			ok = TupleDescAttr(d, a)->atttypid == TupleDescAttr(delta_desc, a)->atttypid;
		if (ok && delta_desc == NULL)
			delta_desc = d;
	}
	for (int a = 0; ok && a < fp->view_desc->natts; a++)
		ok = !TupleDescAttr(fp->view_desc, a)->attisdropped;
	if (ok) {
		/* the upsert as SPI runs it, the delta query in place of __ivm_delta */
		AddEnr(env, "__ivm_delta", InvalidOid, delta_desc);
		Query *q = Analyze(apply_sql, env);
		ok = q != NULL && CompileUpsert(fp, q);
	}
	fp->count_att = InvalidAttrNumber;
	for (int a = 0; ok && a < fp->view_desc->natts; a++)
		if (strcmp(NameStr(TupleDescAttr(fp->view_desc, a)->attname), "__ivm_count") == 0)
			fp->count_att = (AttrNumber) (a + 1);
	ok = ok && fp->count_att != InvalidAttrNumber;
	if (ok && recompute_sql != NULL && !BuildRecomputeSelect(fp, recompute_sql))
		fp->re_sql = NULL;
	fp->needs_search_path = g_compiled_needs_search_path;
	if (ok) {
		fp->base_slot[kNew] = MakeSingleTupleTableSlot(fp->base_desc, &TTSOpsMinimalTuple);
		fp->base_slot[kOld] = MakeSingleTupleTableSlot(fp->base_desc, &TTSOpsMinimalTuple);
		fp->new_row = MakeSingleTupleTableSlot(fp->view_desc, &TTSOpsVirtual);
		fp->excluded = MakeSingleTupleTableSlot(fp->view_desc, &TTSOpsVirtual);
		fp->econtext = CreateStandaloneExprContext();
	}
	MemoryContextSwitchTo(old);
	return ok ? fp : NULL;
}

void
FastPathSetExtremeScan(FastPath *fp, ExtremeScan *es)
{
	fp->extreme = es;
}

bool
FastPathApply(FastPath *fp, FastEvent ev, Tuplestorestate *newt, Tuplestorestate *oldt, int64 *changed, int64 *deleted,
              int64 *recomputed, ItemPointer recompute, void (*before_spi)(void *), void *before_spi_arg)
{
	ItemPointerSetInvalid(recompute);
	Level *top = fp->delta[ev];
	if (top == NULL)
		return false;
	LoadRow(fp, kNew, ev == FAST_DELETE ? NULL : newt);
	LoadRow(fp, kOld, ev == FAST_INSERT ? NULL : oldt);
	ResetExprContext(fp->econtext);
	EvalResult r = Eval(fp, top);
	bool done = r == NO_ROW; /* the row is outside the view's WHERE: nothing to change */
	if (r == ROW) {
		TupleTableSlot *ex = fp->excluded;
		ExecClearTuple(ex);
		fp->econtext->ecxt_scantuple = top->out;
		fp->econtext->ecxt_innertuple = NULL;
		for (int a = 0; a < fp->view_desc->natts; a++)
			ex->tts_values[a] = ExecEvalExprSwitchContext(fp->insert_expr[a], fp->econtext, &ex->tts_isnull[a]);
		ExecStoreVirtualTuple(ex);
		done = ApplyToGroup(fp, ex, changed, deleted, recomputed, recompute, before_spi, before_spi_arg);
	}
	ExecClearTuple(fp->base_slot[kNew]);
	ExecClearTuple(fp->base_slot[kOld]);
	ExecClearTuple(fp->new_row);
	ExecClearTuple(fp->excluded);
	ResetExprContext(fp->econtext);
	return done;
}

SPIPlanPtr
PrepareKept(SPIPlanPtr *slot, const char *sql, int nargs, Oid *argtypes)
{
	if (*slot == NULL) {
		SPIPlanPtr p = SPI_prepare_cursor(sql, nargs, argtypes, CURSOR_OPT_GENERIC_PLAN);
		if (p == NULL)
			elog(ERROR, "SPI_prepare failed (%s) for: %s", SPI_result_code_string(SPI_result), sql);
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		*slot = p;
	}
	return *slot;
}

bool
FastPathNeedsSearchPath(const FastPath *fp)
{
	return fp->needs_search_path;
}

void
FastPathFree(FastPath *fp)
{
	if (fp != NULL && fp->re_plan != NULL) {
		SPI_freeplan(fp->re_plan);
		fp->re_plan = NULL;
	}
}

}  // namespace shinjp::ivm
