/*
 * ivm.cpp — incremental materialized views: creation (query analysis and SQL generation), the
 * statement-level maintenance trigger, refresh, drop and statistics.
 *
 * Written C-style (STYLE.md §3): POD locals, palloc, PostgreSQL lists; PostgreSQL errors longjmp
 * straight through these frames to the SHINJP_FUNCTION entry point, which holds no C++ object.
 *
 * Model.  A view is a table holding one row per group (GROUP BY keys, or all output columns for
 * DISTINCT and plain views) plus hidden bookkeeping columns: __ivm_count (rows in the group),
 * __ivm_cnt_N (non-NULL inputs of aggregate N; none when its argument is a NOT NULL column, whose
 * count is __ivm_count), __ivm_sum_N (sum behind avg N) and __ivm_del_N
 * (always NULL in the table; it carries the deleted-side extreme or partial state of aggregate N
 * through ON CONFLICT's EXCLUDED row).  A unique index NULLS NOT DISTINCT on the keys makes
 * INSERT ... ON CONFLICT DO UPDATE the merge step.
 *
 * Maintenance of one statement on base table T:
 *   1. delta: the view's row query over T's transition tables (new rows with multiplicity +1, old
 *      rows -1, other base tables as they are) aggregated per group;  materialised as the
 *      ephemeral relation __ivm_delta;
 *   2. (only when rows were removed and the view has min/max) lock the touched groups' rows in
 *      key order, so the next statement's snapshot sees every committed change of those groups;
 *   3. upsert __ivm_delta in key order; a min/max whose extreme was removed is recomputed for
 *      that group only, from the base tables;
 *   4. delete the groups whose count reached 0 (by ctid, from the upsert's RETURNING; a delta that
 *      can only add rows to groups has no such groups and no removed extreme: it skips RETURNING).
 * Nothing locks the view as a whole; writers of different groups never wait on each other.
 *
 * Security.  The extension is trusted.  Maintenance runs as the view's owner with
 * SECURITY_RESTRICTED_OPERATION, in a new GUC nest level with search_path = pg_catalog, pg_temp;
 * all of it is restored at exit and, on error, by (sub)transaction abort.  The catalog
 * shinjp.ivm_view is writable only through the fixed statements in this file.
 */
#include "ivm/fastpath.hpp"
#include "ivm/stats.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_am.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "commands/defrem.h"
#include "commands/event_trigger.h"
#include "portability/instr_time.h"
#include "utils/fmgroids.h"
#include "utils/rls.h"
#include "utils/syscache.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/analyze.h"
#include "parser/parser.h"
#include "parser/parsetree.h"
#include "storage/lmgr.h"
#include "tcop/deparse_utility.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/queryenvironment.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"
}

using shinjp::ivm::StatsAdd;
using shinjp::ivm::ViewStats;

namespace {

/* ------------------------------------------------------------------------------------------- */
/* Query analysis                                                                               */

enum AggKind { AGG_COUNT_STAR, AGG_COUNT, AGG_SUM, AGG_AVG, AGG_MIN, AGG_MAX, AGG_MERGE };

struct AggInfo {
	AggKind kind;
	int column;        /* index into the user's columns */
	int nargs;         /* arguments, named __a<j>_<n> in the row query */
	char *fn;          /* qualified aggregate name (AGG_MERGE) */
	char *merge_fn;    /* qualified merge / subtract functions (AGG_MERGE) */
	char *subtract_fn;
	char *result_type; /* format_type of the result (avg's cast) */
	int day_key;       /* min/max of a timestamp x grouped by x::date: 1 + that key's column, else 0 */
	bool arg_notnull;  /* one argument, never NULL, no FILTER: sum/avg/min/max need no __ivm_cnt_N */
};

struct ViewDef {
	char kind[16];  /* aggregate | global | distinct | plain */
	int ncols;      /* user-visible columns */
	char **colnames;
	int *key_of_col; /* key number (1-based) of a column, or 0 */
	int *agg_of_col; /* aggregate number (0-based) of a column, or -1 */
	int nkeys;
	int naggs;
	AggInfo *aggs;
	int nbase;
	Oid *base_relids;
	char **base_text;  /* "schema.table __ivm_rN" as printed in row_sql */
	char **base_alias; /* "__ivm_rN" */
	char *row_sql;     /* SELECT keys AS __k<i>, agg args AS __a<j>_<n> FROM ... WHERE ... */
	char *query_sql;   /* the user's query, deparsed with qualified names */
	Query *query;      /* the user's query, analysed (WITH queries inlined) */
	bool has_minmax;
	bool *key_nullable; /* by key number (1-based) */
	/* [NOT] EXISTS (SELECT ... FROM u WHERE ...) conjuncts of WHERE, each over one base table */
	int nexists;
	int *exists_base;        /* index into base_* of its table */
	bool *exists_negated;
	char **exists_text;      /* the EXISTS (...) as printed in row_sql, un-negated */
	char **exists_template;  /* row_sql with that whole conjunct replaced by kExistsMarker */
};

/* Printed in place of an EXISTS conjunct (a parameter no query of ours has). */
const char *const kExistsMarker = "$9999";

[[noreturn]] void
Unsupported(const char *what, const char *hint)
{
	ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
	                errmsg("incremental views do not support %s", what),
	                hint ? errhint("%s", hint) : 0));
	pg_unreachable();
}

/* Refuse expression shapes the maintenance cannot follow. */
bool
CheckExprWalker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var)) {
		Var *v = (Var *) node;
		if (v->varattno < 0)
			Unsupported("system columns", "Remove ctid, xmin and other system columns from the query.");
		if (v->varattno == 0)
			Unsupported("whole-row references", "List the columns you need instead of a whole-row value.");
		return false;
	}
	if (IsA(node, SubLink))
		Unsupported("subqueries", "Use inner joins, subqueries in FROM, or EXISTS / NOT EXISTS conditions ANDed into WHERE.");
	if (IsA(node, WindowFunc))
		Unsupported("window functions", NULL);
	if (IsA(node, GroupingFunc))
		Unsupported("GROUPING()", NULL);
	if (IsA(node, Aggref) && context == NULL)
		Unsupported("aggregates inside expressions",
		            "Select the aggregate itself (count, sum, avg, min, max) as its own column and compute on it when reading.");
	if (IsA(node, Aggref))
		return expression_tree_walker(node, (bool (*)()) (void (*)(void)) CheckExprWalker, NULL);
	return expression_tree_walker(node, (bool (*)()) (void (*)(void)) CheckExprWalker, context);
}

void
CheckExpr(Node *node)
{
	CheckExprWalker(node, NULL);
}

/* Inner joins only, collecting the ON quals is not needed: the deparser prints them. */
void
CheckJoinTree(Query *q, Node *node)
{
	if (node == NULL)
		return;
	if (IsA(node, FromExpr)) {
		ListCell *lc;
		foreach (lc, ((FromExpr *) node)->fromlist)
			CheckJoinTree(q, (Node *) lfirst(lc));
		CheckExpr(((FromExpr *) node)->quals);
	} else if (IsA(node, JoinExpr)) {
		JoinExpr *j = (JoinExpr *) node;
		if (j->jointype != JOIN_INNER)
			Unsupported("outer joins", "Use inner joins; keep rows without a partner with a separate view.");
		if (j->alias != NULL || j->usingClause != NIL)
			Unsupported("JOIN ... USING or an aliased join", "Write the join condition with ON.");
		CheckJoinTree(q, j->larg);
		CheckJoinTree(q, j->rarg);
		CheckExpr(j->quals);
	} else if (!IsA(node, RangeTblRef))
		elog(ERROR, "unexpected join tree node %d", (int) nodeTag(node));
}

char *
QualifiedFunctionName(Oid fn)
{
	return quote_qualified_identifier(get_namespace_name(get_func_namespace(fn)), get_func_name(fn));
}

/* Classify an aggregate call; AGG_MERGE when registered in shinjp.ivm_mergeable_aggregate. */
void
ClassifyAggregate(Aggref *agg, AggInfo *info)
{
	if (agg->aggdistinct != NIL)
		Unsupported("aggregates with DISTINCT", NULL);
	if (agg->aggorder != NIL)
		Unsupported("ordered-set or ORDER BY aggregates", NULL);
	if (agg->aggkind != AGGKIND_NORMAL || agg->aggvariadic)
		Unsupported("ordered-set or variadic aggregates", NULL);
	info->nargs = list_length(agg->args);
	info->fn = QualifiedFunctionName(agg->aggfnoid);
	info->merge_fn = info->subtract_fn = NULL;
	info->result_type = format_type_extended(agg->aggtype, -1, FORMAT_TYPE_FORCE_QUALIFY);
	const char *name = get_func_name(agg->aggfnoid);
	if (get_func_namespace(agg->aggfnoid) == PG_CATALOG_NAMESPACE) {
		if (strcmp(name, "count") == 0) {
			info->kind = agg->aggstar ? AGG_COUNT_STAR : AGG_COUNT;
			return;
		}
		if (info->nargs == 1 && strcmp(name, "sum") == 0) {
			info->kind = AGG_SUM;
			return;
		}
		if (info->nargs == 1 && strcmp(name, "avg") == 0) {
			info->kind = AGG_AVG;
			return;
		}
		if (info->nargs == 1 && (strcmp(name, "min") == 0 || strcmp(name, "max") == 0)) {
			info->kind = strcmp(name, "min") == 0 ? AGG_MIN : AGG_MAX;
			return;
		}
	}
	/* The registry of mergeable aggregates. */
	Oid argtypes[1] = {OIDOID};
	Datum values[1] = {ObjectIdGetDatum(agg->aggfnoid)};
	if (SPI_execute_with_args("SELECT merge_fn::pg_catalog.oid, subtract_fn::pg_catalog.oid "
	                          "FROM shinjp.ivm_mergeable_aggregate WHERE aggregate::pg_catalog.oid = $1",
	                          1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed");
	if (SPI_processed == 0) {
		char *what = psprintf("aggregate %s", format_procedure(agg->aggfnoid));
		Unsupported(what, "Supported aggregates are count(*), count, sum, avg, min, max and those registered in shinjp.ivm_mergeable_aggregate.");
	}
	bool isnull, subnull;
	Oid merge = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	Oid subtract = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &subnull));
	if (agg->aggfilter != NULL)
		Unsupported("FILTER on a mergeable aggregate", "Move the condition into WHERE or use a separate view.");
	info->kind = AGG_MERGE;
	info->merge_fn = QualifiedFunctionName(merge);
	/* without an exact subtract function, a group that lost rows is recomputed like a min/max */
	info->subtract_fn = subnull ? NULL : QualifiedFunctionName(subtract);
}

/* Replace the one occurrence of `from` in `s` by `to` (the caller checked it occurs once). */
char *
ReplaceOnce(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	if (p == NULL)
		elog(ERROR, "incremental view: cannot locate \"%s\" in the deparsed query", from);
	StringInfoData buf;
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, s, (int) (p - s));
	appendStringInfoString(&buf, to);
	appendStringInfoString(&buf, p + strlen(from));
	return buf.data;
}

/* Built-in scalar types whose built-in casts and operators return NULL only for NULL input. */
bool
PlainScalarType(Oid type)
{
	switch (type) {
	case INT2OID:
	case INT4OID:
	case INT8OID:
	case FLOAT4OID:
	case FLOAT8OID:
	case NUMERICOID:
	case DATEOID:
	case TIMESTAMPOID:
	case TIMESTAMPTZOID:
	case INTERVALOID:
	case TEXTOID:
	case VARCHAROID:
	case BPCHAROID:
		return true;
	default:
		return false;
	}
}

/*
 * Can expr be NULL?  False only for NOT NULL columns, non-NULL constants, and built-in casts and
 * operators over plain scalar types applied to those.  Strictness alone is not enough: a strict
 * function returns NULL for NULL input but may for other input too (jsonb ->> a missing key,
 * substring without a match, array_length of an empty array).
 */
bool
ExprNullable(Query *q, Node *expr)
{
	if (expr == NULL)
		return true;
	if (IsA(expr, Var)) {
		Var *v = (Var *) expr;
		RangeTblEntry *rte = rt_fetch(v->varno, q->rtable);
		if (rte->rtekind != RTE_RELATION || v->varattno <= 0)
			return true;
		HeapTuple tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(rte->relid), Int16GetDatum(v->varattno));
		if (!HeapTupleIsValid(tup))
			return true;
		bool notnull = ((Form_pg_attribute) GETSTRUCT(tup))->attnotnull;
		ReleaseSysCache(tup);
		return !notnull;
	}
	if (IsA(expr, RelabelType))
		return ExprNullable(q, (Node *) ((RelabelType *) expr)->arg);
	if (IsA(expr, CoerceViaIO)) {
		CoerceViaIO *c = (CoerceViaIO *) expr;
		return !PlainScalarType(c->resulttype) || !PlainScalarType(exprType((Node *) c->arg)) || ExprNullable(q, (Node *) c->arg);
	}
	if (IsA(expr, Const))
		return ((Const *) expr)->constisnull;
	List *args = NIL;
	Oid fn = InvalidOid;
	if (IsA(expr, FuncExpr)) {
		FuncExpr *f = (FuncExpr *) expr;
		if (f->funcformat != COERCE_EXPLICIT_CAST && f->funcformat != COERCE_IMPLICIT_CAST)
			return true;
		args = f->args;
		fn = f->funcid;
	} else if (IsA(expr, OpExpr)) {
		args = ((OpExpr *) expr)->args;
		fn = get_opcode(((OpExpr *) expr)->opno);
	} else {
		return true;
	}
	if (fn >= FirstNormalObjectId || !func_strict(fn) || !PlainScalarType(exprType(expr)))
		return true;
	ListCell *lc;
	foreach (lc, args)
		if (!PlainScalarType(exprType((Node *) lfirst(lc))) || ExprNullable(q, (Node *) lfirst(lc)))
			return true;
	return false;
}

/* CASE WHEN filter THEN arg END */
Expr *
FilteredArg(Expr *filter, Expr *arg)
{
	CaseWhen *w = makeNode(CaseWhen);
	w->expr = (Expr *) copyObjectImpl(filter);
	w->result = arg;
	w->location = -1;
	CaseExpr *c = makeNode(CaseExpr);
	c->casetype = exprType((Node *) arg);
	c->casecollid = exprCollation((Node *) arg);
	c->arg = NULL;
	c->args = list_make1(w);
	c->defresult = (Expr *) makeNullConst(c->casetype, exprTypmod((Node *) arg), c->casecollid);
	c->location = -1;
	return (Expr *) c;
}

/* The SubLink of a conjunct "EXISTS (...)" or "NOT EXISTS (...)", else NULL. */
SubLink *
ExistsOf(Node *conj, bool *negated)
{
	*negated = false;
	if (conj != NULL && IsA(conj, BoolExpr) && ((BoolExpr *) conj)->boolop == NOT_EXPR) {
		*negated = true;
		conj = (Node *) linitial(((BoolExpr *) conj)->args);
	}
	if (conj != NULL && IsA(conj, SubLink) && ((SubLink *) conj)->subLinkType == EXISTS_SUBLINK)
		return (SubLink *) conj;
	return NULL;
}

/* Top-level conjuncts of WHERE that are [NOT] EXISTS, in order. */
List *
ExistsSublinks(Query *q)
{
	List *out = NIL;
	if (q->jointree == NULL)
		return NIL;
	ListCell *lc;
	foreach (lc, make_ands_implicit((Expr *) q->jointree->quals)) {
		bool neg;
		SubLink *sl = ExistsOf((Node *) lfirst(lc), &neg);
		if (sl != NULL)
			out = lappend(out, sl);
	}
	return out;
}

List *
NonExistsConjuncts(Node *quals)
{
	List *out = NIL;
	ListCell *lc;
	foreach (lc, make_ands_implicit((Expr *) quals)) {
		bool neg;
		if (ExistsOf((Node *) lfirst(lc), &neg) == NULL)
			out = lappend(out, lfirst(lc));
	}
	return out;
}

void CollectBases(Query *q, ViewDef *def);
void CheckSimpleSubquery(Query *sub);

/*
 * [NOT] EXISTS over one base table that the FROM list does not use: its table becomes a base
 * table whose statements flip rows in or out of the view (see ExistsSource).
 */
void
CollectExists(Query *q, ViewDef *def)
{
	List *conj = make_ands_implicit((Expr *) q->jointree->quals);
	def->exists_base = (int *) palloc0(sizeof(int) * (list_length(conj) + 1));
	def->exists_negated = (bool *) palloc0(sizeof(bool) * (list_length(conj) + 1));
	def->nexists = 0;
	ListCell *lc;
	foreach (lc, conj) {
		bool neg;
		SubLink *sl = ExistsOf((Node *) lfirst(lc), &neg);
		if (sl == NULL)
			continue;
		Query *sub = (Query *) sl->subselect;
		CheckSimpleSubquery(sub);
		if (list_length(sub->rtable) != 1 || ((RangeTblEntry *) linitial(sub->rtable))->rtekind != RTE_RELATION)
			Unsupported("EXISTS subqueries over anything but one table", "Join the other tables in the main query.");
		CollectBases(sub, def);
		for (int b = 0; b < def->nbase - 1; b++)
			if (def->base_relids[b] == def->base_relids[def->nbase - 1]) {
				char *what = psprintf("EXISTS over table \"%s\", which the query also reads elsewhere", get_rel_name(def->base_relids[b]));
				Unsupported(what, NULL);
			}
		def->exists_base[def->nexists] = def->nbase - 1;
		def->exists_negated[def->nexists] = neg;
		def->nexists++;
	}
}

/* Relation RTEs of q and of its subqueries in FROM. */
int
CountRelations(Query *q)
{
	int n = list_length(ExistsSublinks(q));
	ListCell *lc;
	foreach (lc, q->rtable) {
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);
		if (rte->rtekind == RTE_RELATION)
			n++;
		else if (rte->rtekind == RTE_SUBQUERY && rte->subquery != NULL)
			n += CountRelations(rte->subquery);
	}
	return n;
}

/*
 * WITH queries referenced from the main query become subqueries in FROM (what the planner does
 * with a simple CTE): each reference is then checked and maintained like any simple subquery.
 */
void
InlineCtes(Query *q)
{
	if (q->cteList == NIL)
		return;
	ListCell *lc;
	foreach (lc, q->cteList) {
		CommonTableExpr *cte = (CommonTableExpr *) lfirst(lc);
		if (cte->cterecursive)
			Unsupported("WITH RECURSIVE", NULL);
		if (!IsA(cte->ctequery, Query) || ((Query *) cte->ctequery)->commandType != CMD_SELECT)
			Unsupported("data-modifying statements in WITH", NULL);
	}
	foreach (lc, q->rtable) {
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);
		if (rte->rtekind != RTE_CTE)
			continue;
		if (rte->ctelevelsup != 0 || rte->self_reference)
			Unsupported("WITH queries referenced from inside a subquery", "Reference the WITH query from the main query's FROM.");
		CommonTableExpr *found = NULL;
		ListCell *c;
		foreach (c, q->cteList)
			if (strcmp(((CommonTableExpr *) lfirst(c))->ctename, rte->ctename) == 0)
				found = (CommonTableExpr *) lfirst(c);
		if (found == NULL)
			elog(ERROR, "WITH query \"%s\" not found", rte->ctename);
		rte->rtekind = RTE_SUBQUERY;
		rte->subquery = (Query *) copyObjectImpl(found->ctequery);
		rte->ctename = NULL;
		rte->ctelevelsup = 0;
		rte->coltypes = rte->coltypmods = rte->colcollations = NIL;
		if (rte->alias == NULL)
			rte->alias = makeAlias(rte->eref->aliasname, NIL);
	}
	q->cteList = NIL;
}

/* A subquery in FROM must be select-project-join over base tables: its delta is its query over the delta. */
void
CheckSimpleSubquery(Query *sub)
{
	if (sub->commandType != CMD_SELECT || sub->utilityStmt != NULL || sub->setOperations != NULL)
		Unsupported("UNION, INTERSECT or EXCEPT in a subquery", NULL);
	if (sub->hasAggs || sub->groupClause != NIL || sub->havingQual != NULL || sub->groupingSets != NIL)
		Unsupported("aggregates or GROUP BY in a subquery", "Aggregate in the view's own select list.");
	if (sub->distinctClause != NIL)
		Unsupported("DISTINCT in a subquery", NULL);
	if (sub->hasWindowFuncs || sub->hasTargetSRFs || sub->hasSubLinks || sub->cteList != NIL || sub->rowMarks != NIL)
		Unsupported("window functions, set-returning functions, subqueries or WITH inside a subquery", NULL);
	if (sub->sortClause != NIL || sub->limitCount != NULL || sub->limitOffset != NULL)
		Unsupported("ORDER BY, LIMIT or OFFSET in a subquery", NULL);
	CheckJoinTree(sub, (Node *) sub->jointree);
	ListCell *lc;
	foreach (lc, sub->targetList)
		CheckExpr((Node *) ((TargetEntry *) lfirst(lc))->expr);
}

/* Base tables of q and its subqueries, in depth-first rtable order (AssignAliases follows it). */
void
CollectBases(Query *q, ViewDef *def)
{
	ListCell *lc;
	foreach (lc, q->rtable) {
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);
		if (rte->rtekind == RTE_JOIN)
			continue;
		if (rte->rtekind == RTE_SUBQUERY && rte->subquery != NULL) {
			if (rte->lateral)
				Unsupported("LATERAL subqueries", NULL);
			CheckSimpleSubquery(rte->subquery);
			CollectBases(rte->subquery, def);
			continue;
		}
		if (rte->rtekind != RTE_RELATION)
			Unsupported("functions or VALUES in FROM", "Reference base tables directly.");
		char relkind = get_rel_relkind(rte->relid);
		if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE) {
			char *what = psprintf("\"%s\" as a base relation (only tables and partitioned tables can be)", get_rel_name(rte->relid));
			Unsupported(what, NULL);
		}
		if (rte->tablesample != NULL)
			Unsupported("TABLESAMPLE", NULL);
		if (!rte->inh)
			Unsupported("FROM ONLY", NULL);
		if (relkind == RELKIND_RELATION && has_subclass(rte->relid))
			Unsupported("tables with inheritance children", "Use declarative partitioning.");
		if (get_rel_persistence(rte->relid) == RELPERSISTENCE_TEMP)
			Unsupported("temporary base tables", NULL);
		if (check_enable_rls(rte->relid, InvalidOid, true) == RLS_ENABLED) {
			char *what = psprintf("base table \"%s\", which has row level security enabled for you", get_rel_name(rte->relid));
			Unsupported(what, "A view maintained as its owner would see rows its readers cannot; put the policy on the view table instead.");
		}
		def->base_relids[def->nbase] = rte->relid;
		def->base_alias[def->nbase] = psprintf("__ivm_r%d", def->nbase + 1);
		def->nbase++;
	}
}

/* Give rq's base tables (same order as CollectBases) their aliases and record how they print. */
void
AssignAliases(Query *rq, ViewDef *def, int *b)
{
	ListCell *lc;
	foreach (lc, rq->rtable) {
		RangeTblEntry *rte = (RangeTblEntry *) lfirst(lc);
		if (rte->rtekind == RTE_SUBQUERY && rte->subquery != NULL) {
			AssignAliases(rte->subquery, def, b);
			continue;
		}
		if (rte->rtekind != RTE_RELATION)
			continue;
		rte->alias = makeAlias(def->base_alias[*b], NIL);
		rte->eref->aliasname = def->base_alias[*b];
		const char *relname = get_rel_name(rte->relid);
		char *printed = RelationIsVisible(rte->relid)
		                    ? pstrdup(quote_identifier(relname))
		                    : quote_qualified_identifier(get_namespace_name(get_rel_namespace(rte->relid)), relname);
		def->base_text[*b] = psprintf("%s %s", printed, def->base_alias[*b]);
		(*b)++;
	}
}

/* The main query's aliases, then its EXISTS subqueries' (the order CollectBases/CollectExists used). */
void
AssignAllAliases(Query *rq, ViewDef *def)
{
	int b = 0;
	AssignAliases(rq, def, &b);
	ListCell *lc;
	foreach (lc, ExistsSublinks(rq))
		AssignAliases((Query *) ((SubLink *) lfirst(lc))->subselect, def, &b);
}

/* Replace the i-th [NOT] EXISTS conjunct of q's WHERE by `with` (a copy of q). */
Query *
WithExistsReplaced(Query *q, int i, Node *with)
{
	Query *c = (Query *) copyObjectImpl(q);
	List *conj = make_ands_implicit((Expr *) c->jointree->quals);
	int k = 0;
	ListCell *lc;
	foreach (lc, conj) {
		bool neg;
		if (ExistsOf((Node *) lfirst(lc), &neg) == NULL)
			continue;
		if (k++ == i)
			lfirst(lc) = with;
	}
	c->jointree->quals = (Node *) make_ands_explicit(conj);
	return c;
}

/*
 * The printed text of each EXISTS and the row query with that conjunct replaced by a marker: the
 * deparser prints both the same way except at that one place, so the common prefix and suffix of
 * the two texts delimit it.
 */
void
DeparseExists(Query *rq, ViewDef *def)
{
	def->exists_text = (char **) palloc0(sizeof(char *) * (def->nexists + 1));
	def->exists_template = (char **) palloc0(sizeof(char *) * (def->nexists + 1));
	List *subs = ExistsSublinks(rq);
	for (int i = 0; i < def->nexists; i++) {
		Param *marker = makeNode(Param);
		marker->paramkind = PARAM_EXTERN;
		marker->paramid = 9999;
		marker->paramtype = BOOLOID;
		marker->paramtypmod = -1;
		marker->location = -1;
		char *templ = pg_get_querydef(WithExistsReplaced(rq, i, (Node *) marker), false);
		char *positive = pg_get_querydef(WithExistsReplaced(rq, i, (Node *) list_nth(subs, i)), false);
		size_t pre = 0;
		while (templ[pre] != '\0' && templ[pre] == positive[pre])
			pre++;
		size_t lt = strlen(templ), lp = strlen(positive), suf = 0;
		while (suf < lt - pre && suf < lp - pre && templ[lt - 1 - suf] == positive[lp - 1 - suf])
			suf++;
		const char *m = strstr(templ + (pre > 0 ? pre - 1 : 0), kExistsMarker);
		/* the marker may share leading characters ("$") with nothing; accept it where the texts diverge */
		if (m == NULL || (size_t) (m - templ) > pre || (size_t) (m - templ) + strlen(kExistsMarker) < lt - suf)
			elog(ERROR, "incremental view: cannot locate EXISTS %d in \"%s\"", i + 1, positive);
		size_t start = (size_t) (m - templ), end_t = start + strlen(kExistsMarker);
		/* the positive text spans the same start and the same distance from the end */
		def->exists_text[i] = pnstrdup(positive + start, lp - (lt - end_t) - start);
		def->exists_template[i] = templ;
	}
}

/* Analyse the defining query and fill def; errors name the unsupported part. Needs SPI. */
void
AnalyzeView(const char *sql, ViewDef *def)
{
	List *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	if (list_length(raw) != 1)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("query must be exactly one SELECT statement")));
	RawStmt *rs = linitial_node(RawStmt, raw);
	if (!IsA(rs->stmt, SelectStmt))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("query must be a SELECT statement")));
	Query *q = parse_analyze_fixedparams(rs, sql, NULL, 0, NULL);

	if (q->commandType != CMD_SELECT || q->utilityStmt != NULL)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("query must be a SELECT statement")));
	if (q->setOperations != NULL)
		Unsupported("UNION, INTERSECT or EXCEPT", "Create one view per branch.");
	InlineCtes(q);
	def->query = q;
	if (q->hasWindowFuncs)
		Unsupported("window functions", NULL);
	if (q->hasTargetSRFs)
		Unsupported("set-returning functions in the select list", NULL);
	if (q->havingQual != NULL)
		Unsupported("HAVING", "Filter the view's rows when reading it.");
	if (q->groupingSets != NIL || q->groupDistinct)
		Unsupported("GROUPING SETS, ROLLUP or CUBE", NULL);
	if (q->sortClause != NIL)
		Unsupported("ORDER BY", "Order when reading the view; its table has a unique index on the group keys.");
	if (q->limitCount != NULL || q->limitOffset != NULL)
		Unsupported("LIMIT or OFFSET", NULL);
	if (q->rowMarks != NIL)
		Unsupported("FOR UPDATE or FOR SHARE", NULL);
	if (q->hasDistinctOn)
		Unsupported("DISTINCT ON", "Use GROUP BY with min() or max().");
	if (contain_mutable_functions((Node *) q))
		Unsupported("volatile or stable functions (for example now(), random() or casts to timestamptz that depend on TimeZone)",
		            "Keep only immutable expressions in the query; compute time-dependent values when reading the view.");

	/* FROM: plain and partitioned tables and simple subqueries of them, joined by inner joins. */
	int nrel = CountRelations(q);
	def->nbase = 0;
	def->base_relids = (Oid *) palloc0(sizeof(Oid) * (nrel + 1));
	def->base_text = (char **) palloc0(sizeof(char *) * (nrel + 1));
	def->base_alias = (char **) palloc0(sizeof(char *) * (nrel + 1));
	CollectBases(q, def);
	ListCell *lc;
	if (def->nbase == 0)
		Unsupported("queries without a base table", NULL);
	/* WHERE's [NOT] EXISTS conjuncts are checked by CollectExists; everything else here */
	Node *all_quals = q->jointree->quals;
	q->jointree->quals = (Node *) make_ands_explicit(NonExistsConjuncts(all_quals));
	CheckJoinTree(q, (Node *) q->jointree);
	q->jointree->quals = all_quals;
	CollectExists(q, def);

	/* Select list. */
	int ntle = 0;
	foreach (lc, q->targetList) {
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		if (tle->resjunk) {
			if (q->hasAggs)
				Unsupported("GROUP BY expressions missing from the select list", "Add every GROUP BY expression to the select list.");
			Unsupported("ORDER BY expressions missing from the select list", NULL);
		}
		ntle++;
	}
	if (ntle == 0)
		Unsupported("an empty select list", NULL);
	def->ncols = ntle;
	def->colnames = (char **) palloc0(sizeof(char *) * ntle);
	def->key_of_col = (int *) palloc0(sizeof(int) * ntle);
	def->agg_of_col = (int *) palloc0(sizeof(int) * ntle);
	def->aggs = (AggInfo *) palloc0(sizeof(AggInfo) * ntle);
	def->key_nullable = (bool *) palloc0(sizeof(bool) * (ntle + 1));
	def->nkeys = def->naggs = 0;
	def->has_minmax = false;
	bool grouped = q->hasAggs || q->groupClause != NIL;
	int c = 0;
	foreach (lc, q->targetList) {
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		char *name = tle->resname ? tle->resname : pstrdup("?column?");
		if (strncmp(name, "__ivm_", 6) == 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
			                errmsg("column name \"%s\" is reserved for incremental view bookkeeping", name),
			                errhint("Rename the column with AS.")));
		for (int i = 0; i < c; i++)
			if (strcmp(def->colnames[i], name) == 0)
				ereport(ERROR, (errcode(ERRCODE_DUPLICATE_COLUMN), errmsg("column \"%s\" appears more than once in the select list", name),
				                errhint("Give each column a distinct name with AS.")));
		def->colnames[c] = name;
		def->agg_of_col[c] = -1;
		if (grouped && IsA(tle->expr, Aggref)) {
			AggInfo *a = &def->aggs[def->naggs];
			ClassifyAggregate((Aggref *) tle->expr, a);
			CheckExprWalker((Node *) tle->expr, (void *) 1);
			a->column = c;
			/*
			 * Its non-NULL inputs are the group's rows: the view table needs no count of its own.
			 * The ALTER TABLE event trigger keeps such a column NOT NULL (CheckNotNullLayout).
			 */
			Aggref *agg = (Aggref *) tle->expr;
			a->arg_notnull = agg->aggfilter == NULL && list_length(agg->args) == 1 &&
			                 !ExprNullable(q, (Node *) ((TargetEntry *) linitial(agg->args))->expr);
			if (a->kind == AGG_MIN || a->kind == AGG_MAX || (a->kind == AGG_MERGE && a->subtract_fn == NULL))
				def->has_minmax = true;
			def->agg_of_col[c] = def->naggs++;
		} else {
			CheckExpr((Node *) tle->expr);
			if (grouped && tle->ressortgroupref == 0)
				Unsupported("select-list expressions that are neither GROUP BY keys nor aggregates",
				            "Add the expression to GROUP BY or aggregate it.");
			Oid typ = exprType((Node *) tle->expr);
			Oid opclass = GetDefaultOpClass(typ, BTREE_AM_OID);
			if (!OidIsValid(opclass)) {
				char *what = psprintf("key column \"%s\" of type %s, which has no btree operator class", name, format_type_be(typ));
				Unsupported(what, NULL);
			}
			def->key_of_col[c] = ++def->nkeys;
			def->key_nullable[def->nkeys] = ExprNullable(q, (Node *) tle->expr);
		}
		c++;
	}
	if (grouped && q->distinctClause != NIL)
		Unsupported("DISTINCT together with GROUP BY or aggregates", NULL);
	/*
	 * min(x) / max(x) of a timestamp x grouped by x::date: x lies in [day, day + 1), a range the
	 * recompute states explicitly so that an index on (other keys, x) finds the extreme directly.
	 */
	for (int j = 0; j < def->naggs; j++) {
		AggInfo *a = &def->aggs[j];
		a->day_key = 0;
		Aggref *agg = (Aggref *) ((TargetEntry *) list_nth(q->targetList, a->column))->expr;
		if ((a->kind != AGG_MIN && a->kind != AGG_MAX) || agg->aggfilter != NULL || list_length(agg->args) != 1)
			continue;
		Node *x = (Node *) ((TargetEntry *) linitial(agg->args))->expr;
		if (!IsA(x, Var) || exprType(x) != TIMESTAMPOID)
			continue;
		for (int k = 0; k < def->ncols && a->day_key == 0; k++) {
			if (def->key_of_col[k] == 0)
				continue;
			Node *e = (Node *) ((TargetEntry *) list_nth(q->targetList, k))->expr;
			if (IsA(e, FuncExpr) && ((FuncExpr *) e)->funcid == F_DATE_TIMESTAMP && list_length(((FuncExpr *) e)->args) == 1 &&
			    equal(linitial(((FuncExpr *) e)->args), x))
				a->day_key = k + 1;
		}
	}
	if (grouped)
		strcpy(def->kind, def->nkeys == 0 ? "global" : "aggregate");
	else
		strcpy(def->kind, q->distinctClause != NIL ? "distinct" : "plain");
	if (grouped && def->nkeys != list_length(q->groupClause))
		Unsupported("GROUP BY expressions missing from the select list (or listed twice)",
		            "Select every GROUP BY expression exactly once.");

	/* Deparse with every name qualified: search_path is pg_catalog alone meanwhile. */
	int nest = NewGUCNestLevel();
	set_config_option("search_path", "pg_catalog", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	def->query_sql = pg_get_querydef(q, false);

	Query *rq = (Query *) copyObjectImpl(q);
	List *tl = NIL;
	int resno = 1;
	c = 0;
	foreach (lc, q->targetList) {
		TargetEntry *tle = (TargetEntry *) lfirst(lc);
		if (def->key_of_col[c] > 0)
			tl = lappend(tl, makeTargetEntry((Expr *) copyObjectImpl(tle->expr), resno++, psprintf("__k%d", def->key_of_col[c]), false));
		c++;
	}
	for (int j = 0; j < def->naggs; j++) {
		TargetEntry *tle = (TargetEntry *) list_nth(q->targetList, def->aggs[j].column);
		Aggref *agg = (Aggref *) tle->expr;
		if (agg->aggstar && agg->aggfilter != NULL) {
			/* count(*) FILTER (WHERE c) is count(CASE WHEN c THEN 1 END) */
			def->aggs[j].kind = AGG_COUNT;
			def->aggs[j].nargs = 1;
			Expr *one = (Expr *) makeConst(INT4OID, -1, InvalidOid, sizeof(int32), Int32GetDatum(1), false, true);
			tl = lappend(tl, makeTargetEntry(FilteredArg(agg->aggfilter, one), resno++, psprintf("__a%d_1", j + 1), false));
			continue;
		}
		int n = 1;
		ListCell *alc;
		foreach (alc, agg->args) {
			TargetEntry *arg = (TargetEntry *) lfirst(alc);
			Expr *e = (Expr *) copyObjectImpl(arg->expr);
			/* agg(x) FILTER (WHERE c) is agg(CASE WHEN c THEN x END) for count, sum, avg, min and max */
			if (agg->aggfilter != NULL)
				e = FilteredArg(agg->aggfilter, e);
			tl = lappend(tl, makeTargetEntry(e, resno++, psprintf("__a%d_%d", j + 1, n), false));
			n++;
		}
	}
	rq->targetList = tl;
	rq->hasAggs = false;
	rq->groupClause = NIL;
	rq->distinctClause = NIL;
	rq->hasDistinctOn = false;
	rq->sortClause = NIL;
	AssignAllAliases(rq, def);
	int b = 0;
	def->row_sql = pg_get_querydef(rq, false);
	DeparseExists(rq, def);
	AtEOXact_GUC(true, nest);
	for (b = 0; b < def->nbase; b++) {
		const char *p = strstr(def->row_sql, def->base_text[b]);
		if (p == NULL || strstr(p + 1, def->base_text[b]) != NULL)
			elog(ERROR, "incremental view: cannot locate base table %d in \"%s\"", b + 1, def->row_sql);
	}
}

/* ------------------------------------------------------------------------------------------- */
/* SQL generation                                                                               */

const char *
Q(const char *ident)
{
	return quote_identifier(ident);
}

/* "(r.__k1 = v.k1 OR (r.__k1 IS NULL AND v.k1 IS NULL)) AND ..." */
void
AppendKeyMatch(StringInfo buf, const ViewDef *def, const char *left_alias, bool left_is_row, const char *right_alias)
{
	bool first = true;
	for (int c = 0; c < def->ncols; c++) {
		int k = def->key_of_col[c];
		if (k == 0)
			continue;
		char *l = left_is_row ? psprintf("%s.__k%d", left_alias, k) : psprintf("%s.%s", left_alias, Q(def->colnames[c]));
		char *r = psprintf("%s.%s", right_alias, Q(def->colnames[c]));
		if (def->key_nullable[k])
			appendStringInfo(buf, "%s(%s = %s OR (%s IS NULL AND %s IS NULL))", first ? "" : " AND ", l, r, l, r);
		else
			appendStringInfo(buf, "%s%s = %s", first ? "" : " AND ", l, r);
		first = false;
	}
	if (first)
		appendStringInfoString(buf, "true");
}

void
AppendArgs(StringInfo buf, int j, int nargs)
{
	for (int n = 1; n <= nargs; n++)
		appendStringInfo(buf, "%sr.__a%d_%d", n > 1 ? ", " : "", j + 1, n);
}

/* " ORDER BY 1, 3": the view table's key columns by position, the order every writer locks groups in. */
void
AppendKeyOrder(StringInfo buf, const ViewDef *def)
{
	appendStringInfoString(buf, " ORDER BY ");
	bool first = true;
	for (int c = 0; c < def->ncols; c++)
		if (def->key_of_col[c] > 0) {
			appendStringInfo(buf, "%s%d", first ? "" : ", ", c + 1);
			first = false;
		}
}

/* The full query producing every column of the view table (transport columns NULL). */
/* Does aggregate a keep a count of its non-NULL inputs (__ivm_cnt_N)? */
bool
HasCnt(const AggInfo *a)
{
	return (a->kind == AGG_SUM || a->kind == AGG_AVG || a->kind == AGG_MIN || a->kind == AGG_MAX) && !a->arg_notnull;
}

char *
FullSql(const ViewDef *def)
{
	StringInfoData buf;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	for (int c = 0; c < def->ncols; c++) {
		if (c > 0)
			appendStringInfoString(&buf, ", ");
		if (def->key_of_col[c] > 0) {
			appendStringInfo(&buf, "r.__k%d", def->key_of_col[c]);
		} else {
			int j = def->agg_of_col[c];
			const AggInfo *a = &def->aggs[j];
			if (a->kind == AGG_COUNT_STAR)
				appendStringInfoString(&buf, "pg_catalog.count(*)");
			else {
				appendStringInfo(&buf, "%s(", a->fn);
				AppendArgs(&buf, j, a->nargs);
				appendStringInfoChar(&buf, ')');
			}
		}
		appendStringInfo(&buf, " AS %s", Q(def->colnames[c]));
	}
	appendStringInfoString(&buf, ", pg_catalog.count(*) AS __ivm_count");
	for (int j = 0; j < def->naggs; j++) {
		const AggInfo *a = &def->aggs[j];
		if (a->kind == AGG_AVG)
			appendStringInfo(&buf, ", pg_catalog.sum(r.__a%d_1) AS __ivm_sum_%d", j + 1, j + 1);
		if (HasCnt(a))
			appendStringInfo(&buf, ", pg_catalog.count(r.__a%d_1) AS __ivm_cnt_%d", j + 1, j + 1);
		if (a->kind == AGG_MIN || a->kind == AGG_MAX || a->kind == AGG_MERGE)
			appendStringInfo(&buf, ", NULL::%s AS __ivm_del_%d", a->result_type, j + 1);
	}
	appendStringInfo(&buf, " FROM (%s) r", def->row_sql);
	if (def->nkeys > 0) {
		appendStringInfoString(&buf, " GROUP BY ");
		for (int k = 1; k <= def->nkeys; k++)
			appendStringInfo(&buf, "%sr.__k%d", k > 1 ? ", " : "", k);
		/* filling the view in key order appends to its unique index instead of scattering */
		AppendKeyOrder(&buf, def);
	}
	return buf.data;
}

/* Net sum of argument j over the delta: inserted minus deleted, NULL when no non-NULL input. */
char *
NetSum(int j)
{
	return psprintf("COALESCE(pg_catalog.sum(r.__a%d_1) FILTER (WHERE r.__m > 0) - pg_catalog.sum(r.__a%d_1) FILTER (WHERE r.__m < 0), "
	                "pg_catalog.sum(r.__a%d_1) FILTER (WHERE r.__m > 0), - (pg_catalog.sum(r.__a%d_1) FILTER (WHERE r.__m < 0)))",
	                j + 1, j + 1, j + 1, j + 1);
}

/*
 * Rows of a statement on the table u of [NOT] EXISTS conjunct ex: the main query's rows whose
 * conjunct flipped.  With E the EXISTS over u as it is now, E_old over u before the statement
 * (u EXCEPT ALL new rows UNION ALL old rows) and E_chg over the changed rows alone (a row can only
 * flip if a changed row matches it), a row enters (+1) when E_chg AND E AND NOT E_old and leaves
 * (-1) when E_chg AND E_old AND NOT E; NOT EXISTS swaps the two.  An INSERT can only make EXISTS
 * true and a DELETE only false, so each needs one of the two halves.
 */
void
ExistsSource(const ViewDef *def, int ex, bool with_new, bool with_old, StringInfo src, bool *plus_only, bool *minus_only)
{
	int b = def->exists_base[ex];
	const char *btext = def->base_text[b];
	const char *alias = def->base_alias[b];
	char *table = pnstrdup(btext, strlen(btext) - strlen(alias) - 1);
	StringInfoData chg, old;
	initStringInfo(&chg);
	initStringInfo(&old);
	appendStringInfo(&old, "(SELECT * FROM %s", table);
	if (with_new) {
		appendStringInfoString(&chg, "SELECT * FROM __ivm_new");
		appendStringInfoString(&old, " EXCEPT ALL SELECT * FROM __ivm_new");
	}
	if (with_old) {
		appendStringInfo(&chg, "%sSELECT * FROM __ivm_old", with_new ? " UNION ALL " : "");
		appendStringInfoString(&old, " UNION ALL SELECT * FROM __ivm_old");
	}
	appendStringInfo(&old, ") %s", alias);
	const char *e_now = def->exists_text[ex];
	char *e_old = ReplaceOnce(e_now, btext, old.data);
	char *e_chg = ReplaceOnce(e_now, btext, psprintf("(%s) %s", chg.data, alias));
	char *enters = psprintf("(%s AND %s AND NOT %s)", e_chg, e_now, e_old);
	char *leaves = psprintf("(%s AND %s AND NOT %s)", e_chg, e_old, e_now);
	if (def->exists_negated[ex]) {
		char *t = enters;
		enters = leaves;
		leaves = t;
	}
	/* insert: EXISTS can only become true (NOT EXISTS only false); delete: the reverse */
	bool plus = with_new && with_old ? true : with_new != def->exists_negated[ex];
	bool minus = with_new && with_old ? true : !plus;
	const char *templ = def->exists_template[ex];
	if (plus)
		appendStringInfo(src, "SELECT s.*, 1 AS __m FROM (%s) s", ReplaceOnce(templ, kExistsMarker, enters));
	if (plus && minus)
		appendStringInfoString(src, " UNION ALL ");
	if (minus)
		appendStringInfo(src, "SELECT s.*, -1 AS __m FROM (%s) s", ReplaceOnce(templ, kExistsMarker, leaves));
	*plus_only = plus && !minus;
	*minus_only = minus && !plus;
}

/*
 * Leads the stored delta SQL of statements that can only add rows to groups (every multiplicity
 * +1): no group's count can reach 0 and no min/max extreme can be removed, so the upsert needs no
 * RETURNING (LookupTable pairs such deltas with ApplySql's statement cut before it).  A comment, so
 * the SQL runs unchanged; at the very start, where no user text can be.
 */
constexpr char kInsertOnly[] = "/* insert-only */ ";

/*
 * The delta of one statement on base table b, aggregated per group, in view-table column order.
 * Inserts alone (and deletes alone) need no multiplicity filters: plain count/sum/min/max over
 * the transition table, which halves the aggregation work of a batch INSERT.
 */
char *
DeltaSql(const ViewDef *def, int b, bool with_new, bool with_old)
{
	StringInfoData src;
	initStringInfo(&src);
	bool ins_only = with_new && !with_old, del_only = with_old && !with_new;
	int ex = -1;
	for (int i = 0; i < def->nexists; i++)
		if (def->exists_base[i] == b)
			ex = i;
	if (ex >= 0) {
		ExistsSource(def, ex, with_new, with_old, &src, &ins_only, &del_only);
	} else {
		if (with_new)
			appendStringInfo(&src, "SELECT s.*, 1 AS __m FROM (%s) s",
			                 ReplaceOnce(def->row_sql, def->base_text[b], psprintf("__ivm_new %s", def->base_alias[b])));
		if (with_new && with_old)
			appendStringInfoString(&src, " UNION ALL ");
		if (with_old)
			appendStringInfo(&src, "SELECT s.*, -1 AS __m FROM (%s) s",
			                 ReplaceOnce(def->row_sql, def->base_text[b], psprintf("__ivm_old %s", def->base_alias[b])));
	}
	const char *neg = del_only ? "- " : "";

	StringInfoData buf;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	for (int c = 0; c < def->ncols; c++) {
		if (c > 0)
			appendStringInfoString(&buf, ", ");
		if (def->key_of_col[c] > 0) {
			appendStringInfo(&buf, "r.__k%d", def->key_of_col[c]);
		} else {
			int j = def->agg_of_col[c];
			const AggInfo *a = &def->aggs[j];
			switch (a->kind) {
			case AGG_COUNT_STAR:
				if (ins_only || del_only)
					appendStringInfo(&buf, "%spg_catalog.count(*)", neg);
				else
					appendStringInfoString(&buf, "pg_catalog.sum(r.__m)");
				break;
			case AGG_COUNT:
				if (ins_only || del_only)
					appendStringInfo(&buf, "%spg_catalog.count(r.__a%d_1)", neg, j + 1);
				else
					appendStringInfo(&buf, "pg_catalog.sum(CASE WHEN r.__a%d_1 IS NOT NULL THEN r.__m ELSE 0 END)", j + 1);
				break;
			case AGG_SUM:
				if (ins_only || del_only)
					appendStringInfo(&buf, "%s(pg_catalog.sum(r.__a%d_1))", neg, j + 1);
				else
					appendStringInfoString(&buf, NetSum(j));
				break;
			case AGG_AVG:
			case AGG_MIN:
			case AGG_MAX:
			case AGG_MERGE:
				if (del_only && a->kind != AGG_MERGE) {
					appendStringInfo(&buf, "NULL::%s", a->result_type);
					break;
				}
				/* a mergeable aggregate over no rows may return its initial state, not NULL */
				if (a->kind == AGG_MERGE)
					appendStringInfoString(&buf, "CASE WHEN pg_catalog.count(*) FILTER (WHERE r.__m > 0) > 0 THEN ");
				appendStringInfo(&buf, "%s(", a->fn);
				AppendArgs(&buf, j, a->nargs);
				appendStringInfoString(&buf, ins_only ? ")" : ") FILTER (WHERE r.__m > 0)");
				if (a->kind == AGG_MERGE)
					appendStringInfoString(&buf, " END");
				break;
			}
		}
		appendStringInfo(&buf, " AS %s", Q(def->colnames[c]));
	}
	if (ins_only || del_only)
		appendStringInfo(&buf, ", %spg_catalog.count(*) AS __ivm_count", neg);
	else
		appendStringInfoString(&buf, ", pg_catalog.sum(r.__m) AS __ivm_count");
	for (int j = 0; j < def->naggs; j++) {
		const AggInfo *a = &def->aggs[j];
		if (a->kind == AGG_AVG) {
			if (ins_only || del_only)
				appendStringInfo(&buf, ", %s(pg_catalog.sum(r.__a%d_1)) AS __ivm_sum_%d", neg, j + 1, j + 1);
			else
				appendStringInfo(&buf, ", %s AS __ivm_sum_%d", NetSum(j), j + 1);
		}
		if (HasCnt(a)) {
			if (ins_only || del_only)
				appendStringInfo(&buf, ", %spg_catalog.count(r.__a%d_1) AS __ivm_cnt_%d", neg, j + 1, j + 1);
			else
				appendStringInfo(&buf, ", pg_catalog.sum(CASE WHEN r.__a%d_1 IS NOT NULL THEN r.__m ELSE 0 END) AS __ivm_cnt_%d",
				                 j + 1, j + 1);
		}
		if (ins_only && (a->kind == AGG_MIN || a->kind == AGG_MAX)) {
			appendStringInfo(&buf, ", NULL::%s AS __ivm_del_%d", a->result_type, j + 1);
		} else if (del_only && (a->kind == AGG_MIN || a->kind == AGG_MAX)) {
			appendStringInfo(&buf, ", %s(", a->fn);
			AppendArgs(&buf, j, a->nargs);
			appendStringInfo(&buf, ") AS __ivm_del_%d", j + 1);
		} else if (a->kind == AGG_MIN || a->kind == AGG_MAX || a->kind == AGG_MERGE) {
			appendStringInfo(&buf, ", %s%s(", a->kind == AGG_MERGE ? "CASE WHEN pg_catalog.count(*) FILTER (WHERE r.__m < 0) > 0 THEN " : "", a->fn);
			AppendArgs(&buf, j, a->nargs);
			appendStringInfo(&buf, ") FILTER (WHERE r.__m < 0)%s AS __ivm_del_%d", a->kind == AGG_MERGE ? " END" : "", j + 1);
		}
	}
	appendStringInfo(&buf, " FROM (%s) r", src.data);
	if (def->nkeys > 0) {
		appendStringInfoString(&buf, " GROUP BY ");
		for (int k = 1; k <= def->nkeys; k++)
			appendStringInfo(&buf, "%sr.__k%d", k > 1 ? ", " : "", k);
	}
	return ins_only ? psprintf("%s%s", kInsertOnly, buf.data) : buf.data;
}

/*
 * The delta of a one-row INSERT (sign +1) or DELETE (-1) on a single-table view, without
 * aggregation: at most one row, already in the view table's column order.  Executor start-up of
 * an Agg node with a dozen aggregates costs more than the rest of the maintenance of one row.
 */
char *
SingleRowDeltaSql(const ViewDef *def, int sign)
{
	const char *src = sign > 0 ? "__ivm_new" : "__ivm_old";
	StringInfoData buf;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	for (int c = 0; c < def->ncols; c++) {
		if (c > 0)
			appendStringInfoString(&buf, ", ");
		if (def->key_of_col[c] > 0) {
			appendStringInfo(&buf, "r.__k%d", def->key_of_col[c]);
		} else {
			int j = def->agg_of_col[c];
			const AggInfo *a = &def->aggs[j];
			switch (a->kind) {
			case AGG_COUNT_STAR:
				appendStringInfo(&buf, "%d::pg_catalog.int8", sign);
				break;
			case AGG_COUNT:
				appendStringInfo(&buf, "(CASE WHEN r.__a%d_1 IS NOT NULL THEN %d ELSE 0 END)::pg_catalog.int8", j + 1, sign);
				break;
			case AGG_SUM:
				if (sign > 0)
					appendStringInfo(&buf, "r.__a%d_1::%s", j + 1, a->result_type);
				else
					appendStringInfo(&buf, "- (r.__a%d_1::%s)", j + 1, a->result_type);
				break;
			case AGG_AVG:
			case AGG_MIN:
			case AGG_MAX:
				if (sign > 0)
					appendStringInfo(&buf, "r.__a%d_1::%s", j + 1, a->result_type);
				else
					appendStringInfo(&buf, "NULL::%s", a->result_type);
				break;
			case AGG_MERGE:
				elog(ERROR, "no single-row delta for mergeable aggregates");
			}
		}
		appendStringInfo(&buf, " AS %s", Q(def->colnames[c]));
	}
	appendStringInfo(&buf, ", %d::pg_catalog.int8 AS __ivm_count", sign);
	for (int j = 0; j < def->naggs; j++) {
		const AggInfo *a = &def->aggs[j];
		if (a->kind == AGG_AVG)
			appendStringInfo(&buf, sign > 0 ? ", r.__a%d_1::%s AS __ivm_sum_%d" : ", - (r.__a%d_1::%s) AS __ivm_sum_%d", j + 1,
			                 a->result_type, j + 1);
		if (HasCnt(a))
			appendStringInfo(&buf, ", (CASE WHEN r.__a%d_1 IS NOT NULL THEN %d ELSE 0 END)::pg_catalog.int8 AS __ivm_cnt_%d", j + 1, sign, j + 1);
		if (a->kind == AGG_MIN || a->kind == AGG_MAX) {
			if (sign > 0)
				appendStringInfo(&buf, ", NULL::%s AS __ivm_del_%d", a->result_type, j + 1);
			else
				appendStringInfo(&buf, ", r.__a%d_1 AS __ivm_del_%d", j + 1, j + 1);
		}
	}
	appendStringInfo(&buf, " FROM (%s) r", ReplaceOnce(def->row_sql, def->base_text[0], psprintf("%s %s", src, def->base_alias[0])));
	return sign > 0 ? psprintf("%s%s", kInsertOnly, buf.data) : buf.data;
}


/*
 * The delta of a one-row UPDATE on a single-table view with NOT NULL keys, without aggregation:
 * the old and the new row full-joined on the keys give one row per touched group.
 */
char *
SingleRowUpdateSql(const ViewDef *def)
{
	StringInfoData buf;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	for (int c = 0; c < def->ncols; c++) {
		if (c > 0)
			appendStringInfoString(&buf, ", ");
		if (def->key_of_col[c] > 0) {
			int k = def->key_of_col[c];
			appendStringInfo(&buf, "COALESCE(n.__k%d, o.__k%d)", k, k);
		} else {
			int j = def->agg_of_col[c];
			const AggInfo *a = &def->aggs[j];
			switch (a->kind) {
			case AGG_COUNT_STAR:
				appendStringInfoString(&buf, "(COALESCE(n.__p, 0) - COALESCE(o.__p, 0))::pg_catalog.int8");
				break;
			case AGG_COUNT:
				appendStringInfo(&buf, "((n.__a%d_1 IS NOT NULL)::pg_catalog.int4 - (o.__a%d_1 IS NOT NULL)::pg_catalog.int4)::pg_catalog.int8", j + 1, j + 1);
				break;
			case AGG_SUM:
				appendStringInfo(&buf, "COALESCE(n.__a%d_1::%s - o.__a%d_1::%s, n.__a%d_1::%s, - (o.__a%d_1::%s))", j + 1, a->result_type, j + 1,
				                 a->result_type, j + 1, a->result_type, j + 1, a->result_type);
				break;
			case AGG_AVG:
			case AGG_MIN:
			case AGG_MAX:
				appendStringInfo(&buf, "n.__a%d_1::%s", j + 1, a->result_type);
				break;
			case AGG_MERGE:
				elog(ERROR, "no single-row delta for mergeable aggregates");
			}
		}
		appendStringInfo(&buf, " AS %s", Q(def->colnames[c]));
	}
	appendStringInfoString(&buf, ", (COALESCE(n.__p, 0) - COALESCE(o.__p, 0))::pg_catalog.int8 AS __ivm_count");
	for (int j = 0; j < def->naggs; j++) {
		const AggInfo *a = &def->aggs[j];
		if (a->kind == AGG_AVG)
			appendStringInfo(&buf, ", COALESCE(n.__a%d_1::%s - o.__a%d_1::%s, n.__a%d_1::%s, - (o.__a%d_1::%s)) AS __ivm_sum_%d", j + 1,
			                 a->result_type, j + 1, a->result_type, j + 1, a->result_type, j + 1, a->result_type, j + 1);
		if (HasCnt(a))
			appendStringInfo(&buf, ", ((n.__a%d_1 IS NOT NULL)::pg_catalog.int4 - (o.__a%d_1 IS NOT NULL)::pg_catalog.int4)::pg_catalog.int8 AS __ivm_cnt_%d",
			                 j + 1, j + 1, j + 1);
		if (a->kind == AGG_MIN || a->kind == AGG_MAX)
			appendStringInfo(&buf, ", o.__a%d_1::%s AS __ivm_del_%d", j + 1, a->result_type, j + 1);
	}
	appendStringInfo(&buf, " FROM (SELECT 1 AS __p, s.* FROM (%s) s) n FULL JOIN (SELECT 1 AS __p, s.* FROM (%s) s) o ON ",
	                 ReplaceOnce(def->row_sql, def->base_text[0], psprintf("__ivm_new %s", def->base_alias[0])),
	                 ReplaceOnce(def->row_sql, def->base_text[0], psprintf("__ivm_old %s", def->base_alias[0])));
	for (int k = 1; k <= def->nkeys; k++)
		appendStringInfo(&buf, "%sn.__k%d = o.__k%d", k > 1 ? " AND " : "", k, k);
	/* a row moving between two groups touches both: in key order, like every other delta */
	AppendKeyOrder(&buf, def);
	return buf.data;
}

/* "CASE WHEN v.x IS NULL THEN excluded.x WHEN excluded.x IS NULL THEN v.x ELSE v.x + excluded.x END" */
char *
NullableAdd(const char *col)
{
	return psprintf("CASE WHEN v.%s IS NULL THEN excluded.%s WHEN excluded.%s IS NULL THEN v.%s ELSE v.%s + excluded.%s END",
	                col, col, col, col, col, col);
}

/* RETURNING expression: does any min/max of the row need recomputing? */
char *
RecomputeFlag(const ViewDef *def)
{
	StringInfoData buf;
	initStringInfo(&buf);
	for (int j = 0; j < def->naggs; j++)
		if (def->aggs[j].kind == AGG_MIN || def->aggs[j].kind == AGG_MAX || (def->aggs[j].kind == AGG_MERGE && def->aggs[j].subtract_fn == NULL))
			appendStringInfo(&buf, "%sv.__ivm_del_%d IS NOT NULL", buf.len ? " OR " : "", j + 1);
	return buf.len ? buf.data : pstrdup("false");
}

/* ApplySql's RETURNING clause, which the trigger needs unless the delta is insert-only. */
constexpr char kApplyReturning[] = " RETURNING v.ctid, v.__ivm_count, ";

/* The merge step: upsert (or, without keys, update) the view from __ivm_delta, in key order. */
char *
ApplySql(const ViewDef *def, const char *view)
{
	StringInfoData set;
	initStringInfo(&set);
	appendStringInfoString(&set, "__ivm_count = v.__ivm_count + excluded.__ivm_count");
	for (int j = 0; j < def->naggs; j++) {
		const AggInfo *a = &def->aggs[j];
		const char *col = Q(def->colnames[a->column]);
		char *cnt = HasCnt(a) ? psprintf("__ivm_cnt_%d", j + 1) : pstrdup("__ivm_count");
		char *newcnt = psprintf("(v.%s + excluded.%s)", cnt, cnt);
		/* the count's own assignment; __ivm_count has its own at the head of the list */
		char *setcnt = HasCnt(a) ? psprintf(", %s = %s", cnt, newcnt) : pstrdup("");
		char *del = psprintf("__ivm_del_%d", j + 1);
		switch (a->kind) {
		case AGG_COUNT_STAR:
		case AGG_COUNT:
			appendStringInfo(&set, ", %s = v.%s + excluded.%s", col, col, col);
			break;
		case AGG_SUM:
			appendStringInfo(&set, ", %s = CASE WHEN %s = 0 THEN NULL ELSE %s END%s", col, newcnt, NullableAdd(col), setcnt);
			break;
		case AGG_AVG: {
			char *sum = psprintf("__ivm_sum_%d", j + 1);
			appendStringInfo(&set, ", %s = CASE WHEN %s = 0 THEN NULL ELSE (%s)::%s / %s END", col, newcnt, NullableAdd(sum),
			                 a->result_type, newcnt);
			appendStringInfo(&set, ", %s = CASE WHEN %s = 0 THEN NULL ELSE %s END%s", sum, newcnt, NullableAdd(sum), setcnt);
			break;
		}
		case AGG_MIN:
		case AGG_MAX: {
			/*
			 * An inserted value beyond the extreme replaces it.  When the removed side reached the
			 * extreme, the value is kept and __ivm_del_N flags the row; RecomputeSql then recomputes
			 * it in a later statement, whose snapshot sees every writer that held this row before us.
			 */
			const char *op = a->kind == AGG_MAX ? ">=" : "<=";
			char *ins_wins = psprintf("excluded.%s IS NOT NULL AND (v.%s IS NULL OR excluded.%s %s v.%s)", col, col, col, op, col);
			appendStringInfo(&set, ", %s = CASE WHEN %s = 0 THEN NULL WHEN %s THEN excluded.%s ELSE v.%s END", col, newcnt, ins_wins, col, col);
			appendStringInfo(&set, ", %s = CASE WHEN %s = 0 OR (%s) THEN NULL WHEN excluded.%s %s v.%s THEN excluded.%s END%s",
			                 del, newcnt, ins_wins, del, op, col, del, setcnt);
			break;
		}
		case AGG_MERGE: {
			char *merged = psprintf("CASE WHEN excluded.%s IS NULL THEN v.%s WHEN v.%s IS NULL THEN excluded.%s ELSE %s(v.%s, excluded.%s) END",
			                        col, col, col, col, a->merge_fn, col, col);
			if (a->subtract_fn == NULL) {
				/* rows removed: keep the value and flag the row for RecomputeSql */
				appendStringInfo(&set, ", %s = CASE WHEN v.__ivm_count + excluded.__ivm_count = 0 THEN NULL WHEN excluded.%s IS NOT NULL THEN v.%s ELSE %s END, "
				                 "%s = CASE WHEN v.__ivm_count + excluded.__ivm_count = 0 THEN NULL ELSE excluded.%s END",
				                 col, del, col, merged, del, del);
				break;
			}
			appendStringInfo(&set, ", %s = CASE WHEN v.__ivm_count + excluded.__ivm_count = 0 THEN NULL WHEN excluded.%s IS NULL THEN %s ELSE %s(%s, excluded.%s) END, %s = NULL",
			                 col, del, merged, a->subtract_fn, merged, del, del);
			break;
		}
		}
	}
	StringInfoData buf;
	initStringInfo(&buf);
	if (def->nkeys == 0) {
		appendStringInfo(&buf, "UPDATE %s AS v SET %s FROM __ivm_delta AS excluded%s%s", view, set.data, kApplyReturning,
		                 RecomputeFlag(def));
		return buf.data;
	}
	StringInfoData keys;
	initStringInfo(&keys);
	for (int c = 0; c < def->ncols; c++)
		if (def->key_of_col[c] > 0)
			appendStringInfo(&keys, "%s%s", keys.len > 0 ? ", " : "", Q(def->colnames[c]));
	appendStringInfo(&buf, "INSERT INTO %s AS v SELECT * FROM __ivm_delta ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s%s%s",
	                 view, keys.data, keys.data, set.data, kApplyReturning, RecomputeFlag(def));
	return buf.data;
}

/* Recompute the flagged min/max of the rows $1 (ctids from the upsert, rows we hold locked). */
char *
RecomputeSql(const ViewDef *def, const char *view)
{
	StringInfoData set;
	initStringInfo(&set);
	for (int j = 0; j < def->naggs; j++) {
		const AggInfo *a = &def->aggs[j];
		if (a->kind != AGG_MIN && a->kind != AGG_MAX && !(a->kind == AGG_MERGE && a->subtract_fn == NULL))
			continue;
		const char *col = Q(def->colnames[a->column]);
		StringInfoData re;
		initStringInfo(&re);
		appendStringInfo(&re, "(SELECT %s(", a->fn);
		AppendArgs(&re, j, a->nargs);
		appendStringInfo(&re, ") FROM (%s) r WHERE ", def->row_sql);
		AppendKeyMatch(&re, def, "r", true, "v");
		if (a->day_key > 0) {
			/*
			 * Redundant with x::date = day, but index bounds: [day, next midnight].  The last
			 * representable day and infinity get an open upper bound (no overflow on day + 1).
			 */
			const char *day = Q(def->colnames[a->day_key - 1]);
			appendStringInfo(&re, " AND r.__a%d_1 OPERATOR(pg_catalog.>=) v.%s::pg_catalog.timestamp", j + 1, day);
			appendStringInfo(&re, " AND r.__a%d_1 OPERATOR(pg_catalog.<=) CASE WHEN pg_catalog.isfinite(v.%s) AND v.%s OPERATOR(pg_catalog.<) "
			                 "'294276-12-31'::pg_catalog.date THEN (v.%s OPERATOR(pg_catalog.+) 1)::pg_catalog.timestamp "
			                 "ELSE 'infinity'::pg_catalog.timestamp END",
			                 j + 1, day, day, day);
		}
		appendStringInfoChar(&re, ')');
		appendStringInfo(&set, "%s%s = CASE WHEN v.__ivm_del_%d IS NOT NULL THEN %s ELSE v.%s END, __ivm_del_%d = NULL",
		                 set.len ? ", " : "", col, j + 1, re.data, col, j + 1);
	}
	return psprintf("UPDATE %s AS v SET %s WHERE v.ctid OPERATOR(pg_catalog.=) ANY ($1)", view, set.data);
}

char *
VerifySql(const ViewDef *def, const char *view, const char *full)
{
	StringInfoData cols;
	initStringInfo(&cols);
	for (int c = 0; c < def->ncols; c++)
		appendStringInfo(&cols, "%s%s", c > 0 ? ", " : "", Q(def->colnames[c]));
	appendStringInfoString(&cols, ", __ivm_count");
	for (int j = 0; j < def->naggs; j++) {
		const AggInfo *a = &def->aggs[j];
		if (a->kind == AGG_AVG)
			appendStringInfo(&cols, ", __ivm_sum_%d", j + 1);
		if (HasCnt(a))
			appendStringInfo(&cols, ", __ivm_cnt_%d", j + 1);
		if (a->kind == AGG_MIN || a->kind == AGG_MAX || a->kind == AGG_MERGE)
			appendStringInfo(&cols, ", __ivm_del_%d", j + 1);
	}
	return psprintf("SELECT 'missing'::pg_catalog.text, d::pg_catalog.text FROM ((%s) EXCEPT ALL SELECT %s FROM %s) d "
	                "UNION ALL SELECT 'unexpected'::pg_catalog.text, d::pg_catalog.text FROM (SELECT %s FROM %s EXCEPT ALL (%s)) d",
	                full, cols.data, view, cols.data, view, full);
}

/* ------------------------------------------------------------------------------------------- */
/* Privileged helpers                                                                           */

/* Run a fixed statement as the owner of shinjp.ivm_view (catalog writes, trigger DDL as table owner). */
void
ExecuteAs(Oid role, const char *sql, int nargs, Oid *argtypes, Datum *values, int expected)
{
	Oid save_user;
	int save_sec;
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(role, save_sec | SECURITY_LOCAL_USERID_CHANGE);
	int rc = nargs > 0 ? SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0) : SPI_execute(sql, false, 0);
	SetUserIdAndSecContext(save_user, save_sec);
	if (rc != expected)
		elog(ERROR, "SPI failed (%d) for: %s", rc, sql);
}

Oid
CatalogOwner()
{
	Oid nsp = get_namespace_oid("shinjp", false);
	Oid rel = get_relname_relid("ivm_view", nsp);
	if (!OidIsValid(rel))
		elog(ERROR, "shinjp.ivm_view is missing");
	HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(rel));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", rel);
	Oid owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

Oid
RelOwner(Oid relid)
{
	HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	Oid owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

char *
QualifiedRelName(Oid relid)
{
	char *name = get_rel_name(relid);
	if (name == NULL)
		elog(ERROR, "relation %u does not exist", relid);
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), name);
}

const char *const kTriggerDdl[5][2] = {
	{"shinjp_ivm_ins", "AFTER INSERT ON %s REFERENCING NEW TABLE AS __ivm_new"},
	{"shinjp_ivm_upd", "AFTER UPDATE ON %s REFERENCING OLD TABLE AS __ivm_old NEW TABLE AS __ivm_new"},
	{"shinjp_ivm_del", "AFTER DELETE ON %s REFERENCING OLD TABLE AS __ivm_old"},
	{"shinjp_ivm_trunc", "AFTER TRUNCATE ON %s"},
	{"shinjp_ivm_before", "BEFORE INSERT OR UPDATE OR DELETE ON %s"},
};

/* Every table whose statements must fire maintenance: the table and, if partitioned, all partitions. */
List *
TriggerTables(Oid relid)
{
	if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
		return find_all_inheritors(relid, NoLock, NULL);
	return list_make1_oid(relid);
}

/* Create the maintenance triggers on relid (and its partitions) unless they exist. */
void
EnsureTriggers(Oid relid, bool join_view)
{
	ListCell *lc;
	foreach (lc, TriggerTables(relid)) {
		Oid t = lfirst_oid(lc);
		for (int i = 0; i < (join_view ? 5 : 4); i++) {
			Oid argtypes[2] = {OIDOID, TEXTOID};
			Datum values[2] = {ObjectIdGetDatum(t), CStringGetTextDatum(kTriggerDdl[i][0])};
			/* not read-only: a fresh snapshot sees triggers this statement created (self-joins) */
			if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = $1 AND tgname = $2", 2, argtypes,
			                          values, NULL, false, 1) != SPI_OK_SELECT)
				elog(ERROR, "SPI failed");
			if (SPI_processed > 0)
				continue;
			char *ddl = psprintf("CREATE TRIGGER %s %s FOR EACH STATEMENT EXECUTE FUNCTION shinjp.%s()", kTriggerDdl[i][0],
			                     psprintf(kTriggerDdl[i][1], QualifiedRelName(t)), i == 4 ? "ivm_before_trigger" : "ivm_trigger");
			ExecuteAs(RelOwner(t), ddl, 0, NULL, NULL, SPI_OK_UTILITY);
		}
		CacheInvalidateRelcacheByRelid(t);
	}
}

/* Drop the triggers of relid (and its partitions) when no incremental view uses it any more. */
void
DropTriggersIfUnused(Oid relid)
{
	Oid argtypes[1] = {OIDOID};
	Datum values[1] = {ObjectIdGetDatum(relid)};
	/* not read-only: a fresh snapshot sees the catalog rows this statement deleted */
	if (SPI_execute_with_args("SELECT 1 FROM shinjp.ivm_view WHERE $1 = ANY (base_tables::pg_catalog.oid[])", 1, argtypes, values,
	                          NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI failed");
	if (SPI_processed > 0)
		return;
	ListCell *lc;
	foreach (lc, TriggerTables(relid)) {
		Oid t = lfirst_oid(lc);
		for (int i = 0; i < 5; i++) {
			Oid argtypes2[2] = {OIDOID, TEXTOID};
			Datum values2[2] = {ObjectIdGetDatum(t), CStringGetTextDatum(kTriggerDdl[i][0])};
			if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = $1 AND tgname = $2", 2, argtypes2, values2,
			                          NULL, false, 1) != SPI_OK_SELECT)
				elog(ERROR, "SPI failed");
			if (SPI_processed > 0) /* a join view's BEFORE trigger exists only on tables of join views */
				ExecuteAs(RelOwner(t), psprintf("DROP TRIGGER %s ON %s", kTriggerDdl[i][0], QualifiedRelName(t)), 0, NULL, NULL,
				          SPI_OK_UTILITY);
		}
		CacheInvalidateRelcacheByRelid(t);
	}
}

Datum
TextArray(char **items, int n)
{
	Datum *d = (Datum *) palloc(sizeof(Datum) * (n + 1));
	for (int i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

Oid
ViewArgument(FunctionCallInfo fcinfo)
{
	Oid view = PG_GETARG_OID(0);
	Oid argtypes[1] = {OIDOID};
	Datum values[1] = {ObjectIdGetDatum(view)};
	if (SPI_execute_with_args("SELECT 1 FROM shinjp.ivm_view WHERE view::pg_catalog.oid = $1", 1, argtypes, values, NULL, true, 1) !=
	    SPI_OK_SELECT)
		elog(ERROR, "SPI failed");
	if (SPI_processed == 0)
		ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("\"%s\" is not an incremental view", get_rel_name(view) ? get_rel_name(view) : "?"),
		                errhint("Create one with shinjp.ivm_create(name, query); shinjp.ivm_list shows the existing ones.")));
	if (!SHINJP_OWNERCHECK_CLASS(view, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, OBJECT_TABLE, get_rel_name(view));
	return view;
}

/* ------------------------------------------------------------------------------------------- */
/* Per-backend cache of views per firing table, with prepared plans                             */

/* One-row deltas feed the upsert directly: no CTE, no sort. */
char *
SingleMergedSql(const char *delta, const char *apply)
{
	const char *from = strstr(apply, "SELECT * FROM __ivm_delta");
	const char *conflict = strstr(apply, " ON CONFLICT (");
	if (from != NULL && conflict != NULL && conflict > from)
		return psprintf("%.*s%s%s", (int) (from - apply), apply, delta, conflict);
	const char *upd = strstr(apply, " FROM __ivm_delta AS excluded");
	if (upd != NULL)
		return psprintf("%.*s FROM (%s) AS excluded%s", (int) (upd - apply), apply, delta, upd + strlen(" FROM __ivm_delta AS excluded"));
	return NULL;
}

/* The apply statement cut before its RETURNING clause (the last one: user names come earlier). */
char *
ApplyWithoutReturning(const char *apply)
{
	const char *cut = NULL;
	for (const char *p = strstr(apply, kApplyReturning); p != NULL; p = strstr(p + 1, kApplyReturning))
		cut = p;
	return cut ? pnstrdup(apply, cut - apply) : NULL;
}

/* One statement: the delta as a CTE named like the ephemeral relation the apply step reads. */
char *
MergedSql(const char *delta, const char *apply)
{
	return psprintf("WITH __ivm_delta AS (%s) %s", delta, apply);
}

enum { EV_INS, EV_DEL, EV_UPD, EV_INS1, EV_DEL1, EV_UPD1, EV_N };

struct CachedView {
	Oid view;
	Oid owner;
	bool keyed;
	char *view_name; /* qualified */
	char *delta_sql[EV_N];
	bool returning[EV_N]; /* delta_sql[e] returns the changed rows (not an insert-only delta) */
	char *apply_sql;
	char *recompute_sql; /* NULL without min/max */
	char *full_sql;
	char *query; /* the view's defining query, as stored */
	int base_index; /* 1-based position of the firing table's base table in the view's base_tables */
	int nbase;
	Oid *bases;
	SPIPlanPtr delta_plan[EV_N];
	SPIPlanPtr recompute_plan, delete_plan;
	char *single_sql[3]; /* the one-row delta queries (INSERT, DELETE, UPDATE), or NULL */
	bool fast_compiled;
	shinjp::ivm::FastPath *fast; /* NULL when the one-row SQL is outside the fast path */
};

struct CachedTable {
	Oid relid;
	int nviews;
	CachedView *views;
	CachedTable *next;
};

MemoryContext g_cache_cxt = nullptr;
CachedTable *g_cache = nullptr;
bool g_cache_stale = false;
bool g_callback_registered = false;
int g_depth = 0;

void
RelcacheCallback(Datum, Oid relid)
{
	if (g_cache == nullptr)
		return;
	if (!OidIsValid(relid)) {
		g_cache_stale = true;
		return;
	}
	for (CachedTable *t = g_cache; t; t = t->next) {
		if (t->relid == relid) {
			g_cache_stale = true;
			return;
		}
		for (int i = 0; i < t->nviews; i++)
			if (t->views[i].view == relid) {
				g_cache_stale = true;
				return;
			}
	}
}

void
ResetCache()
{
	for (CachedTable *t = g_cache; t; t = t->next)
		for (int i = 0; i < t->nviews; i++) {
			CachedView *v = &t->views[i];
			for (int e = 0; e < EV_N; e++)
				if (v->delta_plan[e])
					SPI_freeplan(v->delta_plan[e]);
			if (v->recompute_plan)
				SPI_freeplan(v->recompute_plan);
			if (v->delete_plan)
				SPI_freeplan(v->delete_plan);
			shinjp::ivm::FastPathFree(v->fast);
		}
	g_cache = nullptr;
	if (g_cache_cxt)
		MemoryContextReset(g_cache_cxt);
	g_cache_stale = false;
}

char *
CacheString(HeapTuple tup, TupleDesc desc, int col)
{
	char *s = SPI_getvalue(tup, desc, col);
	return s ? MemoryContextStrdup(g_cache_cxt, s) : NULL;
}

/* Views maintained from statements on relid (directly or as a partition of a base table). */
CachedTable *
LookupTable(Oid relid)
{
	if (!g_callback_registered) {
		CacheRegisterRelcacheCallback(RelcacheCallback, (Datum) 0);
		g_callback_registered = true;
	}
	if (g_cache_cxt == nullptr)
		g_cache_cxt = AllocSetContextCreate(TopMemoryContext, "shinjp ivm cache", ALLOCSET_DEFAULT_SIZES);
	if (g_cache_stale && g_depth == 1)
		ResetCache();
	for (CachedTable *t = g_cache; t; t = t->next)
		if (t->relid == relid)
			return t;

	List *ids = list_make1_oid(relid);
	if (get_rel_relispartition(relid))
		ids = list_concat(ids, get_partition_ancestors(relid));
	int n = list_length(ids);
	Datum *d = (Datum *) palloc(sizeof(Datum) * n);
	ListCell *lc;
	int i = 0;
	foreach (lc, ids)
		d[i++] = ObjectIdGetDatum(lfirst_oid(lc));
	Oid argtypes[1] = {OIDARRAYOID};
	Datum values[1] = {PointerGetDatum(construct_array(d, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT))};
	int rc = SPI_execute_with_args(
		"SELECT v.view::pg_catalog.oid, c.relowner, v.kind <> 'global', "
		"pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(c.relname), "
		"v.ins_sql[b.i], v.del_sql[b.i], v.upd_sql[b.i], v.apply_sql, v.recompute_sql, v.full_sql, b.i::pg_catalog.int4, "
		"v.base_tables::pg_catalog.oid[], v.ins1_sql, v.del1_sql, v.upd1_sql, v.query "
		"FROM shinjp.ivm_view v JOIN pg_catalog.pg_class c ON c.oid = v.view::pg_catalog.oid "
		"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		"CROSS JOIN LATERAL pg_catalog.unnest(v.base_tables::pg_catalog.oid[]) WITH ORDINALITY AS b(t, i) "
		"WHERE b.t OPERATOR(pg_catalog.=) ANY ($1) ORDER BY 1",
		1, argtypes, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI failed loading incremental views");

	MemoryContext old = MemoryContextSwitchTo(g_cache_cxt);
	CachedTable *t = (CachedTable *) palloc0(sizeof(CachedTable));
	t->relid = relid;
	t->nviews = (int) SPI_processed;
	t->views = (CachedView *) palloc0(sizeof(CachedView) * (t->nviews + 1));
	MemoryContextSwitchTo(old);
	for (i = 0; i < t->nviews; i++) {
		HeapTuple tup = SPI_tuptable->vals[i];
		TupleDesc desc = SPI_tuptable->tupdesc;
		CachedView *v = &t->views[i];
		bool isnull;
		v->view = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		v->owner = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
		v->keyed = DatumGetBool(SPI_getbinval(tup, desc, 3, &isnull));
		v->view_name = CacheString(tup, desc, 4);
		v->apply_sql = CacheString(tup, desc, 8);
		char *apply_insert = ApplyWithoutReturning(v->apply_sql);
		for (int e = 0; e < EV_N; e++) {
			char *d = SPI_getvalue(tup, desc, e <= EV_UPD ? 5 + e : 13 + (e - EV_INS1));
			bool ins_only = d != NULL && apply_insert != NULL && strncmp(d, kInsertOnly, sizeof(kInsertOnly) - 1) == 0;
			const char *apply = ins_only ? apply_insert : v->apply_sql;
			char *m = d == NULL ? NULL : e >= EV_INS1 ? SingleMergedSql(d, apply) : MergedSql(d, apply);
			v->delta_sql[e] = m ? MemoryContextStrdup(g_cache_cxt, m) : NULL;
			v->returning[e] = !ins_only;
			if (e >= EV_INS1)
				v->single_sql[e - EV_INS1] = d ? MemoryContextStrdup(g_cache_cxt, d) : NULL;
		}
		v->recompute_sql = CacheString(tup, desc, 9);
		v->full_sql = CacheString(tup, desc, 10);
		v->query = CacheString(tup, desc, 16);
		v->base_index = DatumGetInt32(SPI_getbinval(tup, desc, 11, &isnull));
		ArrayType *arr = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 12, &isnull));
		Datum *elems;
		deconstruct_array(arr, OIDOID, sizeof(Oid), true, TYPALIGN_INT, &elems, NULL, &v->nbase);
		v->bases = (Oid *) MemoryContextAlloc(g_cache_cxt, sizeof(Oid) * (v->nbase + 1));
		for (int k = 0; k < v->nbase; k++)
			v->bases[k] = DatumGetObjectId(elems[k]);
	}
	t->next = g_cache;
	g_cache = t;
	return t;
}

void
RegisterEnr(const char *name, Oid reliddesc, TupleDesc tupdesc, Tuplestorestate *store)
{
	EphemeralNamedRelation enr = (EphemeralNamedRelation) palloc0(sizeof(EphemeralNamedRelationData));
	enr->md.name = pstrdup(name);
	enr->md.reliddesc = reliddesc;
	enr->md.tupdesc = tupdesc;
	enr->md.enrtype = ENR_NAMED_TUPLESTORE;
	enr->md.enrtuples = tuplestore_tuple_count(store);
	enr->reldata = store;
	SPI_unregister_relation(name); /* a previous view's, in the same trigger call */
	if (SPI_register_relation(enr) != SPI_OK_REL_REGISTER)
		elog(ERROR, "could not register ephemeral relation %s", name);
}

/* A new GUC nest level with maintenance's search_path; AtEOXact_GUC(true, level) restores it. */
int
PushMaintenancePath()
{
	int nest = NewGUCNestLevel();
	set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nest;
}

/* Full recompute of one view (TRUNCATE of a base table, ivm_refresh). Returns rows. */
uint64
Recompute(const char *view_name, const char *full_sql)
{
	if (SPI_execute(psprintf("TRUNCATE %s", view_name), false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "SPI failed truncating %s", view_name);
	if (SPI_execute(psprintf("INSERT INTO %s %s", view_name, full_sql), false, 0) != SPI_OK_INSERT)
		elog(ERROR, "SPI failed refreshing %s", view_name);
	return SPI_processed;
}

/*
 * Recompute as maintenance does: as the view's owner, restricted, with search_path = pg_catalog,
 * pg_temp, so the initial fill, ivm_refresh and the refresh after ATTACH/DETACH give the rows the
 * triggers would (a caller's search_path cannot change what the query's operators resolve to).
 */
uint64
RecomputeAsOwner(Oid view, const char *full_sql)
{
	Oid save_user;
	int save_sec;
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(RelOwner(view), save_sec | SECURITY_RESTRICTED_OPERATION);
	int nest = PushMaintenancePath();
	uint64 rows = Recompute(QualifiedRelName(view), full_sql);
	AtEOXact_GUC(true, nest);
	SetUserIdAndSecContext(save_user, save_sec);
	return rows;
}

/*
 * Join views: writers of different base tables must not compute their deltas against each other's
 * uncommitted rows (the insert-insert case pg_ivm needs its exclusive view lock for).  For each pair
 * of base tables (i < j) there is one lock object; a writer of table i takes it in ROW EXCLUSIVE
 * mode, a writer of j in SHARE mode.  Writers of the same table share every lock (the common case of
 * many clients inserting reviews runs in parallel); writers of two different tables of one view
 * serialise, and the second computes its delta with a snapshot taken after the first committed.
 * Under REPEATABLE READ or SERIALIZABLE that snapshot is older, so waiting is a serialization failure.
 */
/*
 * ConditionalLockDatabaseObject() without it: older minor releases of 15 and 16 lack that
 * function, LockAcquire() with dontWait has been there all along.  Like LockDatabaseObject(),
 * absorb invalidations once the lock is newly ours.
 */
bool
TryLockPair(Oid view, uint16 sub, LOCKMODE mode)
{
	LOCKTAG tag;
	SET_LOCKTAG_OBJECT(tag, MyDatabaseId, RelationRelationId, view, sub);
	LockAcquireResult r = LockAcquire(&tag, mode, false, true);
	if (r == LOCKACQUIRE_NOT_AVAIL)
		return false;
	if (r != LOCKACQUIRE_ALREADY_CLEAR)
		AcceptInvalidationMessages();
	return true;
}

void
LockJoinPeers(Oid view, int m, int nbase)
{
	for (int j = 1; j <= nbase; j++) {
		if (j == m)
			continue;
		int lo = m < j ? m : j, hi = m < j ? j : m;
		uint16 sub = (uint16) (lo * 64 + hi);
		LOCKMODE mode = m == lo ? RowExclusiveLock : ShareLock;
		if (TryLockPair(view, sub, mode))
			continue;
		if (IsolationUsesXactSnapshot())
			ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
			                errmsg("could not serialize access due to concurrent writes to another base table of incremental view \"%s\"",
			                       get_rel_name(view)),
			                errhint("Retry the transaction.")));
		LockDatabaseObject(RelationRelationId, view, sub, mode);
	}
}

/* Recompute the flagged min/max of the group rows tids (rows this transaction holds locked). */
void
RecomputeGroups(CachedView *v, Datum *tids, int n, ViewStats *st)
{
	if (n == 0 || v->recompute_sql == NULL)
		return;
	Oid argtypes[1] = {TIDARRAYOID};
	Datum values[1] = {PointerGetDatum(construct_array(tids, n, TIDOID, sizeof(ItemPointerData), false, TYPALIGN_SHORT))};
	SPIPlanPtr re = shinjp::ivm::PrepareKept(&v->recompute_plan, v->recompute_sql, 1, argtypes);
	if (SPI_execute_plan(re, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "SPI failed recomputing min/max of %s", v->view_name);
	st->minmax_recomputes += n;
}

/* Apply one statement's transition tables to one view. */
void
MaintainView(CachedView *v, int ev, ViewStats *st, const char *adhoc_delta_sql)
{
	int rc;
	bool returning = adhoc_delta_sql != NULL || v->returning[ev];
	if (adhoc_delta_sql != NULL)
		rc = SPI_execute(MergedSql(adhoc_delta_sql, v->apply_sql), false, 0);
	else
		rc = SPI_execute_plan(shinjp::ivm::PrepareKept(&v->delta_plan[ev], v->delta_sql[ev], 0, NULL), NULL, NULL, false, 0);
	if (returning ? rc != SPI_OK_INSERT_RETURNING && rc != SPI_OK_UPDATE_RETURNING : rc != SPI_OK_INSERT && rc != SPI_OK_UPDATE)
		elog(ERROR, "SPI failed applying the delta to %s", v->view_name);
	uint64 n = SPI_processed;
	SPITupleTable *tt = SPI_tuptable;
	st->groups_changed += (int64) n;
	if (!v->keyed && n != 1)
		ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("incremental view %s lost its single row", v->view_name),
		                errhint("Run shinjp.ivm_refresh on the view.")));
	if (!returning) /* insert-only: no group emptied, no extreme removed */
		return;
	Datum *dead = NULL, *redo = NULL;
	int ndead = 0, nredo = 0;
	for (uint64 i = 0; i < n; i++) {
		bool isnull, flagnull;
		int64 count = DatumGetInt64(SPI_getbinval(tt->vals[i], tt->tupdesc, 2, &isnull));
		bool flag = DatumGetBool(SPI_getbinval(tt->vals[i], tt->tupdesc, 3, &flagnull));
		if (count < 0 || isnull)
			ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("incremental view %s is out of step with its base tables", v->view_name),
			                errdetail("A group's row count became negative."), errhint("Run shinjp.ivm_refresh on the view.")));
		Datum tid = SPI_getbinval(tt->vals[i], tt->tupdesc, 1, &isnull);
		if (count == 0 && v->keyed) {
			if (dead == NULL)
				dead = (Datum *) palloc(sizeof(Datum) * n);
			dead[ndead++] = tid;
		} else if (flag && !flagnull) {
			if (redo == NULL)
				redo = (Datum *) palloc(sizeof(Datum) * n);
			redo[nredo++] = tid;
		}
	}
	Oid argtypes[1] = {TIDARRAYOID};
	if (ndead > 0) {
		Datum values[1] = {PointerGetDatum(construct_array(dead, ndead, TIDOID, sizeof(ItemPointerData), false, TYPALIGN_SHORT))};
		SPIPlanPtr del = shinjp::ivm::PrepareKept(&v->delete_plan, psprintf("DELETE FROM %s WHERE ctid OPERATOR(pg_catalog.=) ANY ($1)", v->view_name),
		                                          1, argtypes);
		if (SPI_execute_plan(del, values, NULL, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "SPI failed deleting empty groups of %s", v->view_name);
		st->groups_deleted += ndead;
	}
	RecomputeGroups(v, redo, nredo, st);
}

/*
 * What one call of the maintenance trigger has set up so far.  The general path's SQL (and parse
 * analysis of any of it, including compiling the fast path and re-planning a prepared statement)
 * reads the transition tables as ephemeral relations and resolves names with search_path =
 * pg_catalog, pg_temp, so that a writer's search_path cannot redirect the view owner's maintenance
 * to its own functions or operators.
 */
struct MaintenanceEnv {
	Oid relid;
	Tuplestorestate *newt, *oldt;
	int nest;
	bool search_path_set;
	bool enr_set;
};

void
EnsureSearchPath(void *arg)
{
	MaintenanceEnv *env = (MaintenanceEnv *) arg;
	if (env->search_path_set)
		return;
	env->nest = PushMaintenancePath();
	env->search_path_set = true;
}

void
EnsureTransitionTables(MaintenanceEnv *env)
{
	if (env->enr_set)
		return;
	if (env->newt)
		RegisterEnr("__ivm_new", env->relid, NULL, env->newt);
	if (env->oldt)
		RegisterEnr("__ivm_old", env->relid, NULL, env->oldt);
	env->enr_set = true;
}

/*
 * The index scans that can stand in for the recompute statement (extreme.hpp): a view over one
 * table without WHERE whose recomputed aggregates are all min or max of a column, grouped by plain
 * columns (and x::date).  NULL otherwise.  Analyses the view's query again, in a subtransaction: a
 * query that no longer analyses costs the speed-up, never the statement.
 */
shinjp::ivm::ExtremeScan *
CompileExtremeScan(const CachedView *v)
{
	if (v->nbase != 1 || v->query == NULL || v->recompute_sql == NULL)
		return NULL;
	MemoryContext old = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	MemoryContext tmp = AllocSetContextCreate(old, "shinjp ivm extreme scan", ALLOCSET_DEFAULT_SIZES);
	shinjp::ivm::ExtremeScan *volatile es = NULL;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(tmp);
	PG_TRY();
	{
		ViewDef def;
		memset(&def, 0, sizeof(def));
		AnalyzeView(v->query, &def);
		Query *q = def.query;
		bool ok = def.nbase == 1 && def.nexists == 0 && q->jointree->quals == NULL && list_length(q->jointree->fromlist) == 1 &&
		          IsA(linitial(q->jointree->fromlist), RangeTblRef);
		int rti = ok ? ((RangeTblRef *) linitial(q->jointree->fromlist))->rtindex : 0;
		RangeTblEntry *rte = ok ? rt_fetch(rti, q->rtable) : NULL;
		ok = ok && rte->rtekind == RTE_RELATION && rte->relid == def.base_relids[0];
		shinjp::ivm::ExtremeSpec *specs = (shinjp::ivm::ExtremeSpec *) palloc0(sizeof(shinjp::ivm::ExtremeSpec) * (def.naggs + 1));
		int n = 0;
		for (int j = 0; ok && j < def.naggs; j++) {
			AggInfo *a = &def.aggs[j];
			if (a->kind == AGG_MERGE && a->subtract_fn == NULL)
				ok = false;
			if (!ok || (a->kind != AGG_MIN && a->kind != AGG_MAX))
				continue;
			Aggref *agg = (Aggref *) ((TargetEntry *) list_nth(q->targetList, a->column))->expr;
			Var *x = (Var *) ((TargetEntry *) linitial(agg->args))->expr;
			if (agg->aggfilter != NULL || !IsA(x, Var) || x->varno != rti || x->varlevelsup != 0 || x->varattno <= 0) {
				ok = false;
				continue;
			}
			shinjp::ivm::ExtremeSpec *sp = &specs[n++];
			sp->is_max = a->kind == AGG_MAX;
			sp->value_att = get_attnum(v->view, def.colnames[a->column]);
			sp->flag_att = get_attnum(v->view, psprintf("__ivm_del_%d", j + 1));
			sp->arg_att = x->varattno;
			ok = sp->value_att != InvalidAttrNumber && sp->flag_att != InvalidAttrNumber;
			for (int c = 0; ok && c < def.ncols; c++) {
				if (def.key_of_col[c] == 0)
					continue;
				Var *e = (Var *) ((TargetEntry *) list_nth(q->targetList, c))->expr;
				AttrNumber base_att;
				if (IsA(e, Var) && e->varno == rti && e->varlevelsup == 0 && e->varattno > 0)
					base_att = e->varattno;
				else if (a->day_key == c + 1)
					base_att = 0;
				else
					ok = false;
				if (!ok || sp->nkeys >= INDEX_MAX_KEYS - 1) {
					ok = false;
					continue;
				}
				sp->key_view_att[sp->nkeys] = get_attnum(v->view, def.colnames[c]);
				sp->key_base_att[sp->nkeys] = base_att;
				ok = sp->key_view_att[sp->nkeys++] != InvalidAttrNumber;
			}
		}
		if (ok && n > 0)
			es = shinjp::ivm::ExtremeScanCompile(def.base_relids[0], rte->inh, specs, n, g_cache_cxt);
		MemoryContextSwitchTo(old);
		ReleaseCurrentSubTransaction();
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(old);
		ErrorData *ed = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(old); /* the rollback left us in the parent's transaction context */
		CurrentResourceOwner = owner;
		/* a cancel or shutdown is for the statement, not for this optimisation */
		if (ed->sqlerrcode == ERRCODE_QUERY_CANCELED || ed->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN)
			ReThrowError(ed);
		FreeErrorData(ed);
		es = NULL;
	}
	PG_END_TRY();
	MemoryContextDelete(tmp);
	return es;
}

/* One-row statements through the fast path (fastpath.hpp); false when the general path must run. */
bool
MaintainOneRow(CachedView *v, Oid relid, int e, Tuplestorestate *newt, Tuplestorestate *oldt, ViewStats *st, MaintenanceEnv *env)
{
	if (!v->keyed)
		return false;
	if (!v->fast_compiled) {
		EnsureSearchPath(env);
		v->fast = shinjp::ivm::FastPathCompile(v->view, relid, v->single_sql[0], v->single_sql[1], v->single_sql[2], v->apply_sql,
		                                       v->recompute_sql, g_cache_cxt);
		if (v->fast != NULL)
			shinjp::ivm::FastPathSetExtremeScan(v->fast, CompileExtremeScan(v));
		v->fast_compiled = true;
	}
	if (v->fast == NULL)
		return false;
	if (shinjp::ivm::FastPathNeedsSearchPath(v->fast))
		EnsureSearchPath(env);
	shinjp::ivm::FastEvent fe = e == EV_INS1 ? shinjp::ivm::FAST_INSERT : e == EV_DEL1 ? shinjp::ivm::FAST_DELETE : shinjp::ivm::FAST_UPDATE;
	int64 changed = 0, deleted = 0, recomputed = 0;
	ItemPointerData redo;
	if (!shinjp::ivm::FastPathApply(v->fast, fe, newt, oldt, &changed, &deleted, &recomputed, &redo, EnsureSearchPath, env))
		return false;
	if (ItemPointerIsValid(&redo)) {
		EnsureSearchPath(env);
		Datum tid = PointerGetDatum(&redo);
		RecomputeGroups(v, &tid, 1, st);
	}
	st->groups_changed += changed;
	st->groups_deleted += deleted;
	st->minmax_recomputes += recomputed;
	st->fast_statements++;
	return true;
}

/* ------------------------------------------------------------------------------------------- */
/* Statements that change several base tables of one join view at once                        */
/*
 * A data-modifying CTE (or a trigger writing another table) can change two base tables of a join
 * view in one statement; their AFTER triggers then fire one by one after both tables changed.
 * BEFORE STATEMENT triggers (on base tables of join views only) record which tables have a
 * statement in progress; an AFTER trigger that sees another base table of the same view still in
 * progress keeps its transition tables (valid until the query's last AFTER trigger) and the last
 * one applies the delta rule: term i joins delta i with the tables of earlier terms in their new
 * state and those of later terms in their old state (current EXCEPT ALL new rows UNION ALL old).
 */
struct BeforeMark {
	Oid relid;
	SubTransactionId subid;
	BeforeMark *next;
};

struct PendingDelta {
	Oid view;
	Oid relid; /* firing table */
	int base_index;
	int ev;
	Tuplestorestate *newt, *oldt;
	SubTransactionId subid;
	PendingDelta *next;
};

BeforeMark *g_marks = nullptr;
PendingDelta *g_pending = nullptr;
bool g_xact_callbacks = false;

void
XactCallback(XactEvent event, void *)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_COMMIT ||
	    event == XACT_EVENT_PARALLEL_ABORT || event == XACT_EVENT_PREPARE) {
		g_marks = nullptr; /* memory lives in TopTransactionContext */
		g_pending = nullptr;
		g_depth = 0;
	}
}

void
SubXactCallback(SubXactEvent event, SubTransactionId my, SubTransactionId, void *)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	BeforeMark **m = &g_marks;
	while (*m) {
		if ((*m)->subid >= my)
			*m = (*m)->next;
		else
			m = &(*m)->next;
	}
	PendingDelta **p = &g_pending;
	while (*p) {
		if ((*p)->subid >= my)
			*p = (*p)->next;
		else
			p = &(*p)->next;
	}
}

void
EnsureXactCallbacks()
{
	if (!g_xact_callbacks) {
		RegisterXactCallback(XactCallback, NULL);
		RegisterSubXactCallback(SubXactCallback, NULL);
		g_xact_callbacks = true;
	}
}

/* Remove one BEFORE mark of relid (the AFTER trigger of its statement is running). */
void
PopMark(Oid relid)
{
	for (BeforeMark **m = &g_marks; *m; m = &(*m)->next)
		if ((*m)->relid == relid) {
			*m = (*m)->next;
			return;
		}
}

/* Is relid base table `base` or one of its partitions? */
bool
IsOrPartitionOf(Oid relid, Oid base)
{
	if (relid == base)
		return true;
	if (!get_rel_relispartition(relid))
		return false;
	List *anc = get_partition_ancestors(relid);
	return list_member_oid(anc, base);
}

/* Does another base table of v have a statement in progress? */
bool
OtherBasePending(CachedView *v)
{
	for (BeforeMark *m = g_marks; m; m = m->next)
		for (int j = 0; j < v->nbase; j++)
			if (j + 1 != v->base_index && IsOrPartitionOf(m->relid, v->bases[j]))
				return true;
	return false;
}

bool
HasPending(Oid view)
{
	for (PendingDelta *p = g_pending; p; p = p->next)
		if (p->view == view)
			return true;
	return false;
}

void
Defer(CachedView *v, Oid relid, int ev, Tuplestorestate *newt, Tuplestorestate *oldt)
{
	PendingDelta *p = (PendingDelta *) MemoryContextAllocZero(TopTransactionContext, sizeof(PendingDelta));
	p->view = v->view;
	p->relid = relid;
	p->base_index = v->base_index;
	p->ev = ev;
	p->newt = newt;
	p->oldt = oldt;
	p->subid = GetCurrentSubTransactionId();
	/* append: terms are applied in the order the statements' triggers fired */
	PendingDelta **tail = &g_pending;
	while (*tail)
		tail = &(*tail)->next;
	*tail = p;
}

char *
ReplaceAll(const char *s, const char *from, const char *to)
{
	StringInfoData buf;
	initStringInfo(&buf);
	size_t n = strlen(from);
	const char *p;
	while ((p = strstr(s, from)) != NULL) {
		appendBinaryStringInfo(&buf, s, (int) (p - s));
		appendStringInfoString(&buf, to);
		s = p + n;
	}
	appendStringInfoString(&buf, s);
	return buf.data;
}

/* Apply the deferred deltas of v plus the current one, term by term. */
void
ApplyPending(CachedView *v, Oid relid, int ev, Tuplestorestate *newt, Tuplestorestate *oldt, ViewStats *st)
{
	Defer(v, relid, ev, newt, oldt);
	int k = 0;
	for (PendingDelta *p = g_pending; p; p = p->next)
		if (p->view == v->view)
			k++;
	PendingDelta **terms = (PendingDelta **) palloc(sizeof(PendingDelta *) * k);
	k = 0;
	for (PendingDelta **p = &g_pending; *p;) {
		if ((*p)->view == v->view) {
			terms[k++] = *p;
			*p = (*p)->next;
		} else
			p = &(*p)->next;
	}
	Oid argtypes[1] = {OIDOID};
	Datum values[1] = {ObjectIdGetDatum(v->view)};
	if (SPI_execute_with_args("SELECT ins_sql, del_sql, upd_sql, base_text FROM shinjp.ivm_view WHERE view::pg_catalog.oid = $1", 1,
	                          argtypes, values, NULL, true, 1) != SPI_OK_SELECT ||
	    SPI_processed != 1)
		elog(ERROR, "incremental view %s vanished from the catalog", v->view_name);
	Datum *sqls[4];
	int nsql;
	for (int c = 0; c < 4; c++) {
		bool isnull;
		ArrayType *arr = DatumGetArrayTypePCopy(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, c + 1, &isnull));
		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &sqls[c], NULL, &nsql);
	}
	for (int l = 0; l < k; l++) {
		if (terms[l]->newt)
			RegisterEnr(psprintf("__ivm_new_%d", l), terms[l]->relid, NULL, terms[l]->newt);
		if (terms[l]->oldt)
			RegisterEnr(psprintf("__ivm_old_%d", l), terms[l]->relid, NULL, terms[l]->oldt);
	}
	for (int i = 0; i < k; i++) {
		int b = terms[i]->base_index - 1;
		int col = terms[i]->ev == EV_INS ? 0 : terms[i]->ev == EV_DEL ? 1 : 2;
		char *sql = TextDatumGetCString(sqls[col][b]);
		for (int j = 0; j < nsql && j < v->nbase; j++) {
			if (j == b)
				continue;
			StringInfoData news, olds;
			initStringInfo(&news);
			initStringInfo(&olds);
			for (int l = i + 1; l < k; l++) {
				if (terms[l]->base_index - 1 != j)
					continue;
				if (terms[l]->newt)
					appendStringInfo(&news, "%sSELECT * FROM __ivm_new_%d", news.len ? " UNION ALL " : "", l);
				if (terms[l]->oldt)
					appendStringInfo(&olds, " UNION ALL SELECT * FROM __ivm_old_%d", l);
			}
			if (news.len == 0 && olds.len == 0)
				continue;
			char *btext = TextDatumGetCString(sqls[3][j]);
			char *alias = strrchr(btext, ' ');
			char *table = pnstrdup(btext, alias - btext);
			char *old_state = news.len > 0 ? psprintf("(SELECT * FROM %s EXCEPT ALL SELECT * FROM (%s) __ivm_n%s)%s", table, news.data, olds.data, alias)
			                                : psprintf("(SELECT * FROM %s%s)%s", table, olds.data, alias);
			sql = ReplaceAll(sql, btext, old_state);
		}
		SPI_unregister_relation("__ivm_new");
		SPI_unregister_relation("__ivm_old");
		if (terms[i]->newt)
			RegisterEnr("__ivm_new", terms[i]->relid, NULL, terms[i]->newt);
		if (terms[i]->oldt)
			RegisterEnr("__ivm_old", terms[i]->relid, NULL, terms[i]->oldt);
		LockJoinPeers(v->view, terms[i]->base_index, v->nbase);
		MaintainView(v, terms[i]->ev, st, sql);
	}
}

}  // namespace

/* ------------------------------------------------------------------------------------------- */
/* Entry points                                                                                 */

/* shinjp.ivm_create(name text, query text) RETURNS regclass */
SHINJP_FUNCTION(shinjp_ivm_create)
{
	char *query = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	ViewDef def;
	memset(&def, 0, sizeof(def));
	AnalyzeView(query, &def);

	/* The caller must be allowed to put triggers on every base table. */
	for (int b = 0; b < def.nbase; b++)
		if (pg_class_aclcheck(def.base_relids[b], GetUserId(), ACL_TRIGGER) != ACLCHECK_OK)
			ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			                errmsg("permission denied to maintain a view over table \"%s\"", get_rel_name(def.base_relids[b])),
			                errhint("Incremental views put triggers on their base tables: you need the TRIGGER privilege on each (or to own it).")));

	RangeVar *rv = makeRangeVarFromNameList(textToQualifiedNameList(PG_GETARG_TEXT_PP(0)));
	if (rv->catalogname != NULL)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("view name must not include a database name")));
	Oid nsp = RangeVarGetCreationNamespace(rv);
	char *target = quote_qualified_identifier(get_namespace_name(nsp), rv->relname);

	char *full = FullSql(&def);
	/* free space on each page keeps the per-statement group updates HOT (no index insert) */
	if (SPI_execute(psprintf("CREATE TABLE %s WITH (fillfactor = 75) AS %s WITH NO DATA", target, full), false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "SPI failed creating %s", target);
	Oid view = get_relname_relid(rv->relname, nsp);
	if (!OidIsValid(view))
		elog(ERROR, "created table %s not found", target);
	if (def.nkeys > 0) {
		StringInfoData keys;
		initStringInfo(&keys);
		for (int c = 0; c < def.ncols; c++)
			if (def.key_of_col[c] > 0)
				appendStringInfo(&keys, "%s%s", keys.len > 0 ? ", " : "", Q(def.colnames[c]));
		char *idx = psprintf("%s_ivm_key", rv->relname);
		if (SPI_execute(psprintf("CREATE UNIQUE INDEX %s ON %s (%s) NULLS NOT DISTINCT", Q(idx), target, keys.data), false, 0) !=
		    SPI_OK_UTILITY)
			elog(ERROR, "SPI failed creating the key index of %s", target);
	}

	char **ins = (char **) palloc(sizeof(char *) * def.nbase);
	char **del = (char **) palloc(sizeof(char *) * def.nbase);
	char **upd = (char **) palloc(sizeof(char *) * def.nbase);
	for (int b = 0; b < def.nbase; b++) {
		ins[b] = DeltaSql(&def, b, true, false);
		del[b] = DeltaSql(&def, b, false, true);
		upd[b] = DeltaSql(&def, b, true, true);
	}
	char *apply = ApplySql(&def, target);
	bool single = def.nbase == 1;
	for (int j = 0; j < def.naggs; j++)
		if (def.aggs[j].kind == AGG_MERGE)
			single = false;
	char *ins1 = single ? SingleRowDeltaSql(&def, 1) : NULL;
	char *del1 = single ? SingleRowDeltaSql(&def, -1) : NULL;
	bool keys_notnull = def.nkeys > 0;
	for (int k = 1; k <= def.nkeys; k++)
		if (def.key_nullable[k])
			keys_notnull = false;
	char *upd1 = single && keys_notnull ? SingleRowUpdateSql(&def) : NULL;
	char *lock = def.has_minmax ? RecomputeSql(&def, target) : NULL;
	char *verify = VerifySql(&def, target, full);
	char **keycols = (char **) palloc(sizeof(char *) * (def.nkeys + 1));
	int nk = 0;
	for (int c = 0; c < def.ncols; c++)
		if (def.key_of_col[c] > 0)
			keycols[nk++] = def.colnames[c];
	Datum *bases = (Datum *) palloc(sizeof(Datum) * def.nbase);
	for (int b = 0; b < def.nbase; b++)
		bases[b] = ObjectIdGetDatum(def.base_relids[b]);

	Oid argtypes[16] = {OIDOID, TEXTOID, TEXTOID, OIDARRAYOID, TEXTARRAYOID, TEXTOID,
	                    TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID, TEXTOID, TEXTOID, TEXTOID};
	Datum values[16] = {ObjectIdGetDatum(view),
	                    CStringGetTextDatum(def.query_sql),
	                    CStringGetTextDatum(def.kind),
	                    PointerGetDatum(construct_array(bases, def.nbase, OIDOID, sizeof(Oid), true, TYPALIGN_INT)),
	                    TextArray(keycols, nk),
	                    CStringGetTextDatum(full),
	                    TextArray(ins, def.nbase),
	                    TextArray(del, def.nbase),
	                    TextArray(upd, def.nbase),
	                    CStringGetTextDatum(apply),
	                    lock ? CStringGetTextDatum(lock) : (Datum) 0,
	                    CStringGetTextDatum(verify),
	                    TextArray(def.base_text, def.nbase),
	                    ins1 ? CStringGetTextDatum(ins1) : (Datum) 0,
	                    del1 ? CStringGetTextDatum(del1) : (Datum) 0,
	                    upd1 ? CStringGetTextDatum(upd1) : (Datum) 0};
	char nulls[17] = "                ";
	if (upd1 == NULL)
		nulls[15] = 'n';
	if (lock == NULL)
		nulls[10] = 'n';
	if (ins1 == NULL)
		nulls[13] = nulls[14] = 'n';
	Oid save_user;
	int save_sec;
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(CatalogOwner(), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	int rc = SPI_execute_with_args("INSERT INTO shinjp.ivm_view (view, query, kind, base_tables, key_columns, full_sql, ins_sql, "
	                               "del_sql, upd_sql, apply_sql, recompute_sql, verify_sql, base_text, ins1_sql, del1_sql, upd1_sql) "
	                               "VALUES ($1, $2, $3, $4::pg_catalog.regclass[], $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
	                               16, argtypes, values, nulls, false, 0);
	SetUserIdAndSecContext(save_user, save_sec);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "SPI failed registering %s", target);

	/*
	 * Like a view's rule: the view table depends on every column, function, operator and type its
	 * query uses, so DROP TABLE / DROP COLUMN / ALTER COLUMN TYPE of what it reads is refused
	 * instead of leaving maintenance SQL that no longer runs.
	 */
	ObjectAddress view_address;
	ObjectAddressSet(view_address, RelationRelationId, view);
	recordDependencyOnExpr(&view_address, (Node *) def.query, NIL, DEPENDENCY_NORMAL);

	/* Triggers first (they lock out writers until commit), then the initial contents. */
	for (int b = 0; b < def.nbase; b++) {
		bool seen = false; /* a self-join's second occurrence */
		for (int e = 0; e < b; e++)
			seen = seen || def.base_relids[e] == def.base_relids[b];
		if (!seen)
			EnsureTriggers(def.base_relids[b], def.nbase > 1);
	}
	CacheInvalidateRelcacheByRelid(view);
	CommandCounterIncrement();
	RecomputeAsOwner(view, full);
	SPI_finish();
	PG_RETURN_OID(view);
}

/* shinjp.ivm_drop(view regclass) */
SHINJP_FUNCTION(shinjp_ivm_drop)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	Oid view = ViewArgument(fcinfo);
	Oid argtypes[1] = {OIDOID};
	Datum values[1] = {ObjectIdGetDatum(view)};
	if (SPI_execute_with_args("SELECT base_tables::pg_catalog.oid[] FROM shinjp.ivm_view WHERE view::pg_catalog.oid = $1", 1,
	                          argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI failed");
	bool isnull;
	ArrayType *arr = DatumGetArrayTypePCopy(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	Datum *bases;
	int nbase;
	deconstruct_array(arr, OIDOID, sizeof(Oid), true, TYPALIGN_INT, &bases, NULL, &nbase);
	char *name = QualifiedRelName(view);
	ExecuteAs(CatalogOwner(), "DELETE FROM shinjp.ivm_view WHERE view::pg_catalog.oid = $1", 1, argtypes, values, SPI_OK_DELETE);
	shinjp::ivm::StatsForget(view);
	if (SPI_execute(psprintf("DROP TABLE %s", name), false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "SPI failed dropping %s", name);
	for (int b = 0; b < nbase; b++)
		if (get_rel_name(DatumGetObjectId(bases[b])) != NULL)
			DropTriggersIfUnused(DatumGetObjectId(bases[b]));
	SPI_finish();
	PG_RETURN_VOID();
}

/* shinjp.ivm_refresh(view regclass) RETURNS bigint */
SHINJP_FUNCTION(shinjp_ivm_refresh)
{
	if (IsolationUsesXactSnapshot())
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("shinjp.ivm_refresh must run at READ COMMITTED isolation"),
		                errhint("A transaction snapshot taken before the base tables were locked could miss committed rows.")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	Oid view = ViewArgument(fcinfo);
	Oid argtypes[1] = {OIDOID};
	Datum values[1] = {ObjectIdGetDatum(view)};
	if (SPI_execute_with_args("SELECT base_tables::pg_catalog.oid[], full_sql FROM shinjp.ivm_view WHERE view::pg_catalog.oid = $1",
	                          1, argtypes, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI failed");
	bool isnull;
	ArrayType *arr = DatumGetArrayTypePCopy(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	char *full = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	Datum *bases;
	int nbase;
	deconstruct_array(arr, OIDOID, sizeof(Oid), true, TYPALIGN_INT, &bases, NULL, &nbase);
	/* Writers wait until we commit; the next statement's snapshot sees everything they committed. */
	for (int b = 0; b < nbase; b++)
		LockRelationOid(DatumGetObjectId(bases[b]), ShareLock);
	instr_time start, end;
	INSTR_TIME_SET_CURRENT(start);
	uint64 rows = RecomputeAsOwner(view, full);
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, start);
	ViewStats st = {};
	st.full_refreshes = 1;
	st.total_ms = INSTR_TIME_GET_MILLISEC(end);
	StatsAdd(view, &st);
	SPI_finish();
	PG_RETURN_INT64((int64) rows);
}

/*
 * The stored maintenance SQL names tables and columns: renaming (or moving to another schema) a
 * view table, a base table or a column a view reads would break it at the next write, so it is
 * refused at the ALTER, naming the view.  Columns no view reads (no dependency) stay free.
 */
void
RefuseRenames()
{
	int rc = SPI_execute(
		"SELECT d.command, v.view::pg_catalog.regclass::pg_catalog.text, d.objid, d.objid OPERATOR(pg_catalog.=) v.view::pg_catalog.oid "
		"FROM pg_catalog.pg_event_trigger_ddl_commands() d JOIN shinjp.ivm_view v "
		"ON d.objid OPERATOR(pg_catalog.=) v.view::pg_catalog.oid OR d.objid OPERATOR(pg_catalog.=) ANY (v.base_tables::pg_catalog.oid[]) "
		"WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass",
		false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI failed reading the DDL commands");
	int n = (int) SPI_processed;
	CollectedCommand **cmds = (CollectedCommand **) palloc0(sizeof(CollectedCommand *) * (n + 1));
	char **views = (char **) palloc0(sizeof(char *) * (n + 1));
	Oid *rels = (Oid *) palloc0(sizeof(Oid) * (n + 1));
	bool *is_view = (bool *) palloc0(sizeof(bool) * (n + 1));
	for (int i = 0; i < n; i++) {
		bool isnull;
		Datum c = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		cmds[i] = isnull ? NULL : (CollectedCommand *) DatumGetPointer(c);
		views[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
		rels[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &isnull));
		is_view[i] = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 4, &isnull));
	}
	for (int i = 0; i < n; i++) {
		if (cmds[i] == NULL || cmds[i]->parsetree == NULL)
			continue;
		Node *parse = cmds[i]->parsetree;
		bool refuse = IsA(parse, AlterObjectSchemaStmt) || (IsA(parse, RenameStmt) && ((RenameStmt *) parse)->renameType == OBJECT_TABLE);
		if (IsA(parse, RenameStmt) && ((RenameStmt *) parse)->renameType == OBJECT_COLUMN) {
			/* the column has its new name now: is it one a view reads (or a view table's own)? */
			AttrNumber att = get_attnum(rels[i], ((RenameStmt *) parse)->newname);
			Oid argtypes[2] = {OIDOID, INT4OID};
			Datum values[2] = {ObjectIdGetDatum(rels[i]), Int32GetDatum(att)};
			if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_depend WHERE classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
			                          "AND refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND refobjid = $1 AND refobjsubid = $2 "
			                          "AND objid IN (SELECT view::pg_catalog.oid FROM shinjp.ivm_view)",
			                          2, argtypes, values, NULL, false, 1) != SPI_OK_SELECT)
				elog(ERROR, "SPI failed");
			refuse = SPI_processed > 0 || is_view[i];
		}
		RangeVar *target = IsA(parse, RenameStmt) ? ((RenameStmt *) parse)->relation
		                   : IsA(parse, AlterObjectSchemaStmt) ? ((AlterObjectSchemaStmt *) parse)->relation : NULL;
		if (!refuse)
			continue;
		const char *name = target != NULL ? target->relname : get_rel_name(rels[i]);
		bool column = IsA(parse, RenameStmt) && ((RenameStmt *) parse)->renameType == OBJECT_COLUMN;
		if (is_view[i])
			ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			                errmsg(column ? "cannot rename a column of incremental view \"%s\"" : "cannot rename or move incremental view \"%s\"", name),
			                errdetail("Its maintenance statements name the table and its columns."),
			                errhint("Drop it with shinjp.ivm_drop and create it again with shinjp.ivm_create.")));
		if (column)
			ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			                errmsg("cannot rename column \"%s\" of table \"%s\": incremental view %s reads it", ((RenameStmt *) parse)->subname,
			                       name, views[i]),
			                errhint("Drop the view with shinjp.ivm_drop, rename, then create it again with shinjp.ivm_create.")));
		ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
		                errmsg("cannot rename or move table \"%s\": incremental view %s reads it", name, views[i]),
		                errhint("Drop the view with shinjp.ivm_drop, rename, then create it again with shinjp.ivm_create.")));
	}
}

/*
 * An aggregate without __ivm_cnt_N counts its inputs with __ivm_count, which is exact only while
 * its argument cannot be NULL.  After ALTER TABLE ... DROP NOT NULL on a base table the view's
 * query is analysed again, and an aggregate that lost that guarantee refuses the ALTER.
 */
void
CheckNotNullLayout(Oid view, const char *query, const char *table)
{
	int nest = PushMaintenancePath();
	ViewDef def;
	memset(&def, 0, sizeof(def));
	AnalyzeView(query, &def);
	AtEOXact_GUC(true, nest);
	for (int j = 0; j < def.naggs; j++) {
		char cnt[NAMEDATALEN];
		snprintf(cnt, sizeof(cnt), "__ivm_cnt_%d", j + 1);
		if (!HasCnt(&def.aggs[j]) || get_attnum(view, cnt) != InvalidAttrNumber)
			continue;
		ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
		                errmsg("cannot drop NOT NULL on table \"%s\": incremental view %s relies on it", table,
		                       QualifiedRelName(view)),
		                errdetail("The view's column \"%s\" aggregates a column it counts as never NULL.", def.colnames[def.aggs[j].column]),
		                errhint("Drop the view with shinjp.ivm_drop, alter the table, then create the view again with shinjp.ivm_create.")));
	}
}

/*
 * Event trigger at sql_drop: a view table dropped by hand or by DROP ... CASCADE of a base table
 * loses its catalog row, and the other base tables the triggers nobody needs any more.
 */
SHINJP_FUNCTION(shinjp_ivm_drop_trigger)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED), errmsg("shinjp.ivm_drop_trigger() must be called as an event trigger")));
	Oid nsp = get_namespace_oid("shinjp", true);
	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("ivm_view", nsp)))
		PG_RETURN_VOID(); /* DROP EXTENSION shinjp itself */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT v.view::pg_catalog.oid, v.base_tables::pg_catalog.oid[] FROM shinjp.ivm_view v "
	                "WHERE v.view::pg_catalog.oid IN (SELECT o.objid FROM pg_catalog.pg_event_trigger_dropped_objects() o "
	                "WHERE o.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND o.objsubid OPERATOR(pg_catalog.=) 0)",
	                false, 0) != SPI_OK_SELECT)
		elog(ERROR, "SPI failed reading the dropped objects");
	int n = (int) SPI_processed;
	Oid *views = (Oid *) palloc0(sizeof(Oid) * (n + 1));
	ArrayType **bases = (ArrayType **) palloc0(sizeof(ArrayType *) * (n + 1));
	for (int i = 0; i < n; i++) {
		bool isnull;
		views[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		bases[i] = DatumGetArrayTypePCopy(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
	}
	for (int i = 0; i < n; i++) {
		Oid argtypes[1] = {OIDOID};
		Datum values[1] = {ObjectIdGetDatum(views[i])};
		ExecuteAs(CatalogOwner(), "DELETE FROM shinjp.ivm_view WHERE view::pg_catalog.oid = $1", 1, argtypes, values, SPI_OK_DELETE);
		shinjp::ivm::StatsForget(views[i]);
		Datum *b;
		int nb;
		deconstruct_array(bases[i], OIDOID, sizeof(Oid), true, TYPALIGN_INT, &b, NULL, &nb);
		for (int k = 0; k < nb; k++)
			if (get_rel_name(DatumGetObjectId(b[k])) != NULL)
				DropTriggersIfUnused(DatumGetObjectId(b[k]));
	}
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * Event trigger at the end of CREATE TABLE / ALTER TABLE: a partition created under a base table,
 * or attached to one, gets the maintenance triggers (statements aimed straight at a partition fire
 * only its own triggers); ATTACH and DETACH also change the base table's rows without a DML
 * statement, so the views over it are recomputed; DROP NOT NULL on a base table is checked
 * against the views' layouts (CheckNotNullLayout).
 */
SHINJP_FUNCTION(shinjp_ivm_ddl_trigger)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED), errmsg("shinjp.ivm_ddl_trigger() must be called as an event trigger")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	RefuseRenames();
	int rc = SPI_execute(
		"SELECT v.view::pg_catalog.oid, a.relid::pg_catalog.oid, pg_catalog.cardinality(v.base_tables) > 1, d.command, v.full_sql, v.query, a.tree "
		"FROM pg_catalog.pg_event_trigger_ddl_commands() d "
		"CROSS JOIN LATERAL (SELECT p.relid::pg_catalog.oid, true FROM pg_catalog.pg_partition_ancestors(d.objid) p "
		"UNION ALL SELECT d.objid, false) a (relid, tree) "
		"JOIN shinjp.ivm_view v ON a.relid::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (v.base_tables::pg_catalog.oid[]) "
		"WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.object_type OPERATOR(pg_catalog.=) 'table'",
		false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI failed reading the DDL commands");
	uint64 n = SPI_processed;
	SPITupleTable *tt = SPI_tuptable;
	Oid *refresh = (Oid *) palloc0(sizeof(Oid) * (n + 1));
	char **refresh_sql = (char **) palloc0(sizeof(char *) * (n + 1));
	int nrefresh = 0;
	for (uint64 i = 0; i < n; i++) {
		bool isnull;
		Oid view = DatumGetObjectId(SPI_getbinval(tt->vals[i], tt->tupdesc, 1, &isnull));
		Oid base = DatumGetObjectId(SPI_getbinval(tt->vals[i], tt->tupdesc, 2, &isnull));
		bool join = DatumGetBool(SPI_getbinval(tt->vals[i], tt->tupdesc, 3, &isnull));
		bool tree = DatumGetBool(SPI_getbinval(tt->vals[i], tt->tupdesc, 7, &isnull));
		CollectedCommand *cmd = (CollectedCommand *) DatumGetPointer(SPI_getbinval(tt->vals[i], tt->tupdesc, 4, &isnull));
		bool moves_rows = false, drops_notnull = false;
		if (!isnull && cmd != NULL && cmd->parsetree != NULL && IsA(cmd->parsetree, AlterTableStmt)) {
			ListCell *lc;
			foreach (lc, ((AlterTableStmt *) cmd->parsetree)->cmds) {
				AlterTableCmd *at = (AlterTableCmd *) lfirst(lc);
				if (at->subtype == AT_AttachPartition || at->subtype == AT_DetachPartition || at->subtype == AT_DetachPartitionFinalize)
					moves_rows = true;
				drops_notnull = drops_notnull || at->subtype == AT_DropNotNull;
			}
		}
		if (drops_notnull)
			CheckNotNullLayout(view, SPI_getvalue(tt->vals[i], tt->tupdesc, 6), get_rel_name(base));
		if (!tree)
			continue; /* the table itself, not as a partition tree member: only the check above */
		EnsureTriggers(base, join);
		bool seen = false;
		for (int k = 0; k < nrefresh; k++)
			seen = seen || refresh[k] == view;
		if (moves_rows && !seen) {
			refresh_sql[nrefresh] = SPI_getvalue(tt->vals[i], tt->tupdesc, 5);
			refresh[nrefresh++] = view;
		}
	}
	for (int k = 0; k < nrefresh; k++) {
		RecomputeAsOwner(refresh[k], refresh_sql[k]);
		ViewStats st = {};
		st.full_refreshes = 1;
		StatsAdd(refresh[k], &st);
	}
	SPI_finish();
	PG_RETURN_VOID();
}

/* The statement-level AFTER trigger on base tables (and their partitions). */
SHINJP_FUNCTION(shinjp_ivm_trigger)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED), errmsg("shinjp.ivm_trigger() must be called as a trigger")));
	TriggerData *td = (TriggerData *) fcinfo->context;
	if (!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) || !TRIGGER_FIRED_AFTER(td->tg_event))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
		                errmsg("shinjp.ivm_trigger() must fire AFTER ... FOR EACH STATEMENT")));
	int ev;
	bool truncate = false;
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ev = EV_INS;
	else if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		ev = EV_DEL;
	else if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		ev = EV_UPD;
	else {
		ev = EV_INS;
		truncate = true;
	}
	Tuplestorestate *newt = td->tg_newtable, *oldt = td->tg_oldtable;
	Oid relid = RelationGetRelid(td->tg_relation);
	if (g_marks != nullptr)
		PopMark(relid);
	if (!truncate) {
		if ((ev != EV_DEL && newt == NULL) || (ev != EV_INS && oldt == NULL))
			ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			                errmsg("shinjp.ivm_trigger() needs transition tables"), errhint("Create incremental views with shinjp.ivm_create.")));
		int64 n = (newt ? tuplestore_tuple_count(newt) : 0) + (oldt ? tuplestore_tuple_count(oldt) : 0);
		if (n == 0 && g_pending == nullptr)
			return PointerGetDatum(NULL);
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	g_depth++;
	CachedTable *t = LookupTable(relid);
	if (t->nviews == 0) {
		g_depth--;
		SPI_finish();
		return PointerGetDatum(NULL);
	}
	/*
	 * The transition tables as ephemeral relations and the fixed search_path are set up on first
	 * need (MaintenanceEnv): a fast-path statement whose compiled expressions call only built-in
	 * immutable functions needs neither (see FastPathNeedsSearchPath).
	 */
	MaintenanceEnv env = {relid, truncate ? NULL : newt, truncate ? NULL : oldt, 0, false, false};
	Oid save_user;
	int save_sec;
	GetUserIdAndSecContext(&save_user, &save_sec);
	for (int i = 0; i < t->nviews; i++) {
		CachedView *v = &t->views[i];
		/*
		 * A self-join lists the table once per occurrence: every occurrence but the last defers
		 * its term, and the last applies them all with the delta rule (Δ ⋈ T_old + T_new ⋈ Δ).
		 */
		bool self_join_pending = i + 1 < t->nviews && t->views[i + 1].view == v->view;
		if (!truncate && v->nbase > 1 && (OtherBasePending(v) || self_join_pending)) {
			Defer(v, relid, ev, newt, oldt);
			continue;
		}
		if (truncate && i > 0 && t->views[i - 1].view == v->view)
			continue; /* a self-join's other occurrence: recomputed once */
		instr_time start, end;
		INSTR_TIME_SET_CURRENT(start);
		SetUserIdAndSecContext(v->owner, save_sec | SECURITY_RESTRICTED_OPERATION);
		ViewStats stats = {}, *st = &stats;
		if (truncate) {
			EnsureSearchPath(&env);
			Recompute(v->view_name, v->full_sql);
			st->full_refreshes++;
		} else if (v->nbase > 1 && HasPending(v->view)) {
			EnsureSearchPath(&env);
			EnsureTransitionTables(&env);
			ApplyPending(v, relid, ev, newt, oldt, st);
		} else {
			if (v->nbase > 1)
				LockJoinPeers(v->view, v->base_index, v->nbase);
			int e = ev;
			if (ev == EV_INS && v->delta_sql[EV_INS1] && tuplestore_tuple_count(newt) == 1)
				e = EV_INS1;
			else if (ev == EV_DEL && v->delta_sql[EV_DEL1] && tuplestore_tuple_count(oldt) == 1)
				e = EV_DEL1;
			else if (ev == EV_UPD && v->delta_sql[EV_UPD1] && tuplestore_tuple_count(oldt) == 1 && tuplestore_tuple_count(newt) == 1)
				e = EV_UPD1;
			if (e < EV_INS1 || !MaintainOneRow(v, relid, e, newt, oldt, st, &env)) {
				EnsureSearchPath(&env);
				EnsureTransitionTables(&env);
				MaintainView(v, e, st, NULL);
			}
		}
		if (!truncate)
			st->delta_rows += (newt ? tuplestore_tuple_count(newt) : 0) + (oldt ? tuplestore_tuple_count(oldt) : 0);
		SetUserIdAndSecContext(save_user, save_sec);
		INSTR_TIME_SET_CURRENT(end);
		INSTR_TIME_SUBTRACT(end, start);
		st->statements++;
		st->total_ms += INSTR_TIME_GET_MILLISEC(end);
		StatsAdd(v->view, st);
	}
	if (env.search_path_set)
		AtEOXact_GUC(true, env.nest);
	g_depth--;
	SPI_finish();
	return PointerGetDatum(NULL);
}

/* The statement-level BEFORE trigger on base tables of join views: a statement is in progress. */
SHINJP_FUNCTION(shinjp_ivm_before_trigger)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED), errmsg("shinjp.ivm_before_trigger() must be called as a trigger")));
	TriggerData *td = (TriggerData *) fcinfo->context;
	if (!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) || !TRIGGER_FIRED_BEFORE(td->tg_event))
		ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
		                errmsg("shinjp.ivm_before_trigger() must fire BEFORE ... FOR EACH STATEMENT")));
	EnsureXactCallbacks();
	BeforeMark *m = (BeforeMark *) MemoryContextAllocZero(TopTransactionContext, sizeof(BeforeMark));
	m->relid = RelationGetRelid(td->tg_relation);
	m->subid = GetCurrentSubTransactionId();
	m->next = g_marks;
	g_marks = m;
	return PointerGetDatum(NULL);
}
