/*
 * agg_fmgr.cpp — SQL entry points of the review summary: type I/O, the aggregate's transition,
 * combine and final functions (state = the summary type itself, updated in place inside the
 * aggregate context), merge/subtract, casts and accessors.
 *
 * Pattern in every function: detoast arguments first (PostgreSQL may ereport there, and no C++
 * object is live yet), then the C++ work, then results allocated with MCXT_ALLOC_NO_OOM (never a
 * longjmp while a std:: object is live).
 */
#include <cmath>
#include <cstring>
#include <string>

#include "analytics/agg_glue.hpp"
#include "analytics/review_summary.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "access/htup_details.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "pg/compat.h"
}

using shinjp::agg::DenseState;
using shinjp::agg::Summary;


namespace {

using shinjp::agg::AllocOrThrow;

/* A packed summary as a new varlena in the current memory context. */
Datum
PackedDatum(const Summary &s)
{
	std::string bytes = shinjp::agg::EncodePacked(s);
	auto *v = static_cast<struct varlena *>(AllocOrThrow(CurrentMemoryContext, VARHDRSZ + bytes.size()));
	SET_VARSIZE(v, VARHDRSZ + bytes.size());
	std::memcpy(VARDATA(v), bytes.data(), bytes.size());
	return PointerGetDatum(v);
}

/* A dense state for s (with room for bucket extra_index) in the current memory context. */
Datum
DenseDatum(const Summary &s, int extra_index)
{
	int32_t lo, n;
	shinjp::agg::DenseRangeFor(s, extra_index, lo, n);
	size_t size = shinjp::agg::DenseSize(n);
	auto *st = static_cast<DenseState *>(AllocOrThrow(CurrentMemoryContext, size));
	shinjp::agg::WriteDense(s, lo, n, st);
	SET_VARSIZE(st, size);
	return PointerGetDatum(st);
}

Summary
DecodeVarlena(const struct varlena *v)
{
	return shinjp::agg::Decode(reinterpret_cast<const uint8_t *>(VARDATA_ANY(v)), VARSIZE_ANY_EXHDR(v));
}

/*
 * The argument as a dense state we may update in place: an uncompressed, 4-byte-header, aligned
 * dense value whose length matches its bucket count (dense values are only ever made by this file).
 */
DenseState *
AsDense(struct varlena *v)
{
	if (VARATT_IS_EXTENDED(v) || reinterpret_cast<uintptr_t>(v) % alignof(DenseState) != 0 ||
	    VARSIZE(v) < shinjp::agg::kDenseHeaderSize)
		return nullptr;
	auto *st = reinterpret_cast<DenseState *>(v);
	if (st->version != shinjp::agg::kSummaryVersion || st->format != shinjp::agg::kFormatDense ||
	    st->bucket_n < 0 || st->bucket_n > shinjp::agg::MaxBucket() + 1 || st->bucket_lo < 0 ||
	    st->bucket_lo > shinjp::agg::MaxBucket() + 1 - st->bucket_n ||
	    VARSIZE(v) != shinjp::agg::DenseSize(st->bucket_n))
		return nullptr;
	return st;
}

inline struct varlena *
ArgSummary(FunctionCallInfo fcinfo, int n)
{
	auto *v = reinterpret_cast<struct varlena *>(DatumGetPointer(PG_GETARG_DATUM(n)));
	return VARATT_IS_EXTENDED(v) ? pg_detoast_datum(v) : v;
}

}  // namespace

/* review_summary_in(cstring): the readable text form. */
SHINJP_FUNCTION(shinjp_review_summary_in)
{
	const char *text = PG_GETARG_CSTRING(0);
	return PackedDatum(shinjp::agg::FromText(text));
}

/* review_summary_out(review_summary) → cstring. */
SHINJP_FUNCTION(shinjp_review_summary_out)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	std::string text = shinjp::agg::ToText(DecodeVarlena(v));
	char *out = static_cast<char *>(AllocOrThrow(CurrentMemoryContext, text.size() + 1));
	std::memcpy(out, text.c_str(), text.size() + 1);
	PG_RETURN_CSTRING(out);
}

/* review_summary_recv(internal): the packed format only, validated. */
SHINJP_FUNCTION(shinjp_review_summary_recv)
{
	StringInfo buf = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
	const uint8_t *data = reinterpret_cast<const uint8_t *>(buf->data + buf->cursor);
	size_t len = static_cast<size_t>(buf->len - buf->cursor);
	buf->cursor = buf->len;
	return PackedDatum(shinjp::agg::DecodePacked(data, len));
}

/* review_summary_send(review_summary) → bytea: always the packed format. */
SHINJP_FUNCTION(shinjp_review_summary_send)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	return PackedDatum(DecodeVarlena(v)); /* bytea and review_summary share the varlena layout */
}

/* Cast bytea → review_summary: validates the bytes (packed format). */
SHINJP_FUNCTION(shinjp_review_summary_from_bytea)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	return PackedDatum(
		shinjp::agg::DecodePacked(reinterpret_cast<const uint8_t *>(VARDATA_ANY(v)), VARSIZE_ANY_EXHDR(v)));
}

/*
 * review_summary_trans(state, reviewed_at, rating, answer_ms, elapsed_days): the aggregate's
 * transition function.  Rows with a NULL reviewed_at or rating are skipped.  Inside an aggregate the
 * state is our own dense value in the aggregate context and is updated in place.
 */
SHINJP_FUNCTION(shinjp_review_summary_trans)
{
	MemoryContext aggcxt;
	bool in_agg = AggCheckCallContext(fcinfo, &aggcxt) != 0;
	struct varlena *state = PG_ARGISNULL(0) ? nullptr : ArgSummary(fcinfo, 0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) {
		if (state == nullptr)
			PG_RETURN_NULL();
		return PointerGetDatum(state);
	}
	shinjp::agg::Review r;
	r.reviewed_at = PG_GETARG_TIMESTAMPTZ(1);
	r.rating = PG_GETARG_INT32(2);
	r.has_answer = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	r.answer_ms = r.has_answer ? PG_GETARG_INT32(3) : 0;
	r.has_elapsed = PG_NARGS() > 4 && !PG_ARGISNULL(4);
	r.elapsed_days = r.has_elapsed ? PG_GETARG_INT32(4) : 0;
	shinjp::agg::ValidateReview(r);

	if (in_agg && state != nullptr && state == reinterpret_cast<struct varlena *>(PG_GETARG_POINTER(0))) {
		DenseState *st = AsDense(state);
		if (st != nullptr && shinjp::agg::DenseAdd(st, r))
			return PointerGetDatum(st);
	}
	/* first row, a new answer-time range, or called outside an aggregate: build a new dense value */
	Summary s = state != nullptr ? DecodeVarlena(state) : Summary();
	s.Add(r);
	return DenseDatum(s, -1);
}

/*
 * review_summary_merge(a, b): a plus b.  Combine function of review_summary_agg and transition
 * function of rollup: inside an aggregate it updates a in place when a is a dense state.
 */
SHINJP_FUNCTION(shinjp_review_summary_merge)
{
	MemoryContext aggcxt;
	bool in_agg = AggCheckCallContext(fcinfo, &aggcxt) != 0;
	struct varlena *a = ArgSummary(fcinfo, 0);
	struct varlena *b = ArgSummary(fcinfo, 1);
	bool a_owned = a == reinterpret_cast<struct varlena *>(PG_GETARG_POINTER(0));
	Summary sb = DecodeVarlena(b);
	if (in_agg && a_owned) {
		DenseState *st = AsDense(a);
		if (st != nullptr && shinjp::agg::DenseMerge(st, sb))
			return PointerGetDatum(st);
	}
	Summary sa = DecodeVarlena(a);
	sa.Merge(sb);
	return in_agg ? DenseDatum(sa, -1) : PackedDatum(sa);
}

/* review_summary_final(state): the packed value; an empty summary when no row was aggregated. */
SHINJP_FUNCTION(shinjp_review_summary_final)
{
	if (PG_ARGISNULL(0))
		return PackedDatum(Summary());
	struct varlena *v = ArgSummary(fcinfo, 0);
	return PackedDatum(DecodeVarlena(v));
}

/* review_summary_subtract(a, b): a minus the reviews summarised in b. */
SHINJP_FUNCTION(shinjp_review_summary_subtract)
{
	struct varlena *a = ArgSummary(fcinfo, 0);
	struct varlena *b = ArgSummary(fcinfo, 1);
	Summary sa = DecodeVarlena(a);
	sa.Subtract(DecodeVarlena(b));
	return PackedDatum(sa);
}

/* Accessors. */
SHINJP_FUNCTION(shinjp_review_count)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	PG_RETURN_INT64(DecodeVarlena(v).Total());
}

SHINJP_FUNCTION(shinjp_rating_counts)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	Datum elems[4];
	{
		Summary s = DecodeVarlena(v);
		for (int i = 0; i < 4; i++)
			elems[i] = Int64GetDatum(s.c.by_rating[i]);
	}
	return PointerGetDatum(shinjp::pg::Call([&] { return construct_array(elems, 4, INT8OID, 8, true, TYPALIGN_DOUBLE); }));
}

SHINJP_FUNCTION(shinjp_rating_count)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	int32 rating = PG_GETARG_INT32(1);
	if (rating < 1 || rating > 4)
		throw shinjp::Error(shinjp::sqlstate::kInvalidParameterValue, "rating must be between 1 and 4",
		                    "The rating was " + std::to_string(rating) + ".",
		                    "Use 1 (again), 2 (hard), 3 (good) or 4 (easy).");
	PG_RETURN_INT64(DecodeVarlena(v).c.by_rating[rating - 1]);
}

SHINJP_FUNCTION(shinjp_true_retention)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	double out;
	if (!DecodeVarlena(v).TrueRetention(out))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(out);
}

SHINJP_FUNCTION(shinjp_mature_retention)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	double out;
	if (!DecodeVarlena(v).MatureRetention(out))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(out);
}

SHINJP_FUNCTION(shinjp_retention_reviews)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	Summary s = DecodeVarlena(v);
	PG_RETURN_INT64(s.c.young_reviewed + s.c.mature_reviewed);
}

SHINJP_FUNCTION(shinjp_answer_count)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	PG_RETURN_INT64(DecodeVarlena(v).c.answer_count);
}

SHINJP_FUNCTION(shinjp_answer_mean_ms)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	double out;
	if (!DecodeVarlena(v).AnswerMean(out))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(out);
}

namespace {
void
CheckFraction(double p)
{
	if (!(p >= 0.0 && p <= 1.0))
		throw shinjp::Error(shinjp::sqlstate::kInvalidParameterValue, "percentile must be between 0 and 1",
		                    "The percentile was " + std::to_string(p) + ".",
		                    "Pass a fraction such as 0.5 for the median or 0.9 for the 90th percentile.");
}
}  // namespace

SHINJP_FUNCTION(shinjp_answer_percentile_ms)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	double p = PG_GETARG_FLOAT8(1);
	CheckFraction(p);
	double out;
	if (!DecodeVarlena(v).AnswerPercentile(p, out))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(out);
}

SHINJP_FUNCTION(shinjp_first_review)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	int64_t out;
	if (!DecodeVarlena(v).FirstReview(out))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(out);
}

SHINJP_FUNCTION(shinjp_last_review)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	int64_t out;
	if (!DecodeVarlena(v).LastReview(out))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(out);
}

/* review_summary_stats(s): every accessor at once, as a shinjp.review_stats row. */
SHINJP_FUNCTION(shinjp_review_summary_stats)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	constexpr int kN = 12;
	Datum values[kN];
	bool nulls[kN];
	{
		Summary s = DecodeVarlena(v);
		double d;
		int64_t t;
		values[0] = Int64GetDatum(s.Total());
		nulls[0] = false;
		for (int i = 0; i < 4; i++) {
			values[1 + i] = Int64GetDatum(s.c.by_rating[i]);
			nulls[1 + i] = false;
		}
		nulls[5] = !s.TrueRetention(d);
		values[5] = Float8GetDatum(nulls[5] ? 0 : d);
		nulls[6] = !s.MatureRetention(d);
		values[6] = Float8GetDatum(nulls[6] ? 0 : d);
		nulls[7] = !s.AnswerMean(d);
		values[7] = Float8GetDatum(nulls[7] ? 0 : d);
		nulls[8] = !s.AnswerPercentile(0.5, d);
		values[8] = Float8GetDatum(nulls[8] ? 0 : d);
		nulls[9] = !s.AnswerPercentile(0.9, d);
		values[9] = Float8GetDatum(nulls[9] ? 0 : d);
		nulls[10] = !s.FirstReview(t);
		values[10] = TimestampTzGetDatum(nulls[10] ? 0 : t);
		nulls[11] = !s.LastReview(t);
		values[11] = TimestampTzGetDatum(nulls[11] ? 0 : t);
	}
	return shinjp::pg::Call([&] {
		TupleDesc desc;
		if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "review_summary_stats must return a composite type");
		desc = BlessTupleDesc(desc);
		return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
	});
}

/* review_summary_eq(a, b): the same reviews summarised (compares the canonical packed encodings). */
SHINJP_FUNCTION(shinjp_review_summary_eq)
{
	struct varlena *a = ArgSummary(fcinfo, 0);
	struct varlena *b = ArgSummary(fcinfo, 1);
	PG_RETURN_BOOL(shinjp::agg::EncodePacked(DecodeVarlena(a)) == shinjp::agg::EncodePacked(DecodeVarlena(b)));
}

/* review_summary_hash(s): hash of the canonical packed encoding (for hash joins, DISTINCT, EXCEPT). */
SHINJP_FUNCTION(shinjp_review_summary_hash)
{
	struct varlena *v = ArgSummary(fcinfo, 0);
	uint32 h;
	{
		std::string bytes = shinjp::agg::EncodePacked(DecodeVarlena(v));
		h = hash_bytes(reinterpret_cast<const unsigned char *>(bytes.data()), static_cast<int>(bytes.size()));
	}
	PG_RETURN_UINT32(h);
}
