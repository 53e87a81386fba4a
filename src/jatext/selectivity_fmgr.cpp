/*
 * selectivity_fmgr.cpp — restriction estimators of &@ (ja_contains_sel) and &@~ (ja_match_sel).
 *
 * The planner needs to know that &@ 'い' keeps most rows and &@ '京都' few: with a constant guess it
 * would prefer this index over a selective btree for a needle found everywhere.  Like matchingsel,
 * the estimate runs the search over the column's most common values and histogram; unlike it, the
 * sample is normalised once per backend and kept, keyed by the version of its pg_statistic row (a
 * new ANALYZE is a new row version), so that planning a search costs substring scans of short,
 * already normalised strings rather than a normalisation of every sampled value.
 */
#include <string_view>
#include <vector>

#include "jatext/selectivity.hpp"
#include "jatext/substring.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"
}

namespace {

using shinjp::pg::Call;
using shinjp::ts::ColumnSample;
using shinjp::ts::SearchQuery;

/* Identifies one version of one pg_statistic row. */
struct SampleKey {
	Oid relid;
	AttrNumber attnum;
	bool inherit;
	TransactionId xmin;
	BlockNumber block;
	OffsetNumber offset;

	bool SameColumn(const SampleKey &o) const { return relid == o.relid && attnum == o.attnum && inherit == o.inherit; }
	bool SameVersion(const SampleKey &o) const
	{
		return SameColumn(o) && xmin == o.xmin && block == o.block && offset == o.offset;
	}
};

struct CachedSample {
	SampleKey key;
	ColumnSample sample;
};

/* A backend keeps a few columns' samples: at most this many, of at most this many code points each. */
constexpr size_t kMaxCachedSamples = 32;
constexpr size_t kMaxCachedCodePoints = size_t{1} << 20;

std::vector<CachedSample> *g_samples = nullptr; /* process lifetime, never freed */
size_t g_next_victim = 0;

std::string_view
VarlenaView(Datum d)
{
	auto *v = reinterpret_cast<struct varlena *>(DatumGetPointer(d));
	return std::string_view(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

/* The statistics sample of the column, normalised (PostgreSQL calls under Call: C++ objects are live). */
void
ReadSample(HeapTuple stats, ColumnSample *sample)
{
	AttStatsSlot slot;
	if (Call([&] { return get_attstatsslot(&slot, stats, STATISTIC_KIND_MCV, InvalidOid, ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS); })) {
		for (int i = 0; i < slot.nvalues && i < slot.nnumbers; i++)
			sample->AddMostCommon(VarlenaView(slot.values[i]), slot.numbers[i]);
		Call([&] { free_attstatsslot(&slot); });
	}
	if (Call([&] { return get_attstatsslot(&slot, stats, STATISTIC_KIND_HISTOGRAM, InvalidOid, ATTSTATSSLOT_VALUES); })) {
		for (int i = 0; i < slot.nvalues; i++)
			sample->AddHistogramEntry(VarlenaView(slot.values[i]));
		Call([&] { free_attstatsslot(&slot); });
	}
}

/*
 * The normalised sample of this statistics row version: the cached one, else read once and cached,
 * else (too large to keep, or a row without a stable identity) read into *scratch.
 */
const ColumnSample *
SampleOf(const VariableStatData &vardata, ColumnSample *scratch)
{
	HeapTuple stats = vardata.statsTuple;
	/* only syscache rows have a stable identity (extended-statistics rows are built per call) */
	if (vardata.freefunc != ReleaseSysCache) {
		ReadSample(stats, scratch);
		return scratch;
	}
	auto *form = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(stats));
	SampleKey key{form->starelid, form->staattnum, form->stainherit, HeapTupleHeaderGetRawXmin(stats->t_data),
	              ItemPointerGetBlockNumber(&stats->t_self), ItemPointerGetOffsetNumber(&stats->t_self)};
	if (g_samples == nullptr)
		g_samples = new std::vector<CachedSample>();
	CachedSample *slot = nullptr;
	for (auto &c : *g_samples) {
		if (c.key.SameVersion(key))
			return &c.sample;
		if (c.key.SameColumn(key))
			slot = &c; /* an older ANALYZE of this column: replace it */
	}
	ReadSample(stats, scratch);
	if (scratch->Size() > kMaxCachedCodePoints)
		return scratch;
	if (slot == nullptr) {
		if (g_samples->size() < kMaxCachedSamples) {
			g_samples->emplace_back();
			slot = &g_samples->back();
		} else {
			slot = &(*g_samples)[g_next_victim];
			g_next_victim = (g_next_victim + 1) % kMaxCachedSamples;
		}
	}
	slot->key = key;
	slot->sample = std::move(*scratch);
	return &slot->sample;
}

double
EstimateFromStats(VariableStatData &vardata, Node *other, bool varonleft, Oid operator_oid, bool literal)
{
	/* a constant document searched for a column's needles, or a parameter: no statistics apply */
	if (!varonleft || !IsA(other, Const))
		return DEFAULT_MATCHING_SEL;
	auto *c = reinterpret_cast<Const *>(other);
	if (c->constisnull) /* the operator is strict */
		return 0.0;
	if (!HeapTupleIsValid(vardata.statsTuple) || (vardata.atttype != TEXTOID && vardata.atttype != VARCHAROID))
		return DEFAULT_MATCHING_SEL;
	/* a user who may not read the column learns nothing about its values through the planner */
	Oid func = Call([&] { return get_opcode(operator_oid); });
	if (!Call([&] { return statistic_proc_security_check(&vardata, func); }))
		return DEFAULT_MATCHING_SEL;

	auto *t = reinterpret_cast<struct varlena *>(DatumGetPointer(c->constvalue));
	if (VARATT_IS_EXTERNAL(t) || VARATT_IS_COMPRESSED(t))
		t = Call([&] { return pg_detoast_datum_packed(t); });
	std::string_view text = VarlenaView(PointerGetDatum(t));
	SearchQuery q = literal ? SearchQuery::Literal(text) : SearchQuery::Parse(text);

	double null_frac = reinterpret_cast<Form_pg_statistic>(GETSTRUCT(vardata.statsTuple))->stanullfrac;
	ColumnSample scratch;
	return shinjp::ts::EstimateSelectivity(q, *SampleOf(vardata, &scratch), null_frac, DEFAULT_MATCHING_SEL);
}

/* restrict(planner info, operator, arguments, varRelid) */
Datum
Estimate(FunctionCallInfo fcinfo, bool literal)
{
	auto *root = reinterpret_cast<PlannerInfo *>(PG_GETARG_POINTER(0));
	Oid operator_oid = PG_GETARG_OID(1);
	auto *args = reinterpret_cast<List *>(PG_GETARG_POINTER(2));
	int var_relid = PG_GETARG_INT32(3);
	VariableStatData vardata;
	Node *other = nullptr;
	bool varonleft = true;
	if (!Call([&] { return get_restriction_variable(root, args, var_relid, &vardata, &other, &varonleft); }))
		PG_RETURN_FLOAT8(DEFAULT_MATCHING_SEL);
	/* an error below aborts the transaction, whose resource owner releases the statistics row */
	double sel = EstimateFromStats(vardata, other, varonleft, operator_oid, literal);
	Call([&] { ReleaseVariableStats(vardata); });
	PG_RETURN_FLOAT8(sel);
}

}  // namespace

/* shinjp.ja_contains_sel — restriction estimator of document &@ needle. */
SHINJP_FUNCTION(shinjp_ja_contains_sel)
{
	return Estimate(fcinfo, true);
}

/* shinjp.ja_match_sel — restriction estimator of document &@~ query. */
SHINJP_FUNCTION(shinjp_ja_match_sel)
{
	return Estimate(fcinfo, false);
}
