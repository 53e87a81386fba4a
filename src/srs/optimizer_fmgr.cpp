/*
 * optimizer_fmgr.cpp — SQL entry points of the FSRS parameter optimizer (sql/install/20_fsrs_optimizer.sql).
 *
 * Aggregates shinjp.fsrs_fit(card_id, rating, reviewed_at [, options]) → float8[21] and
 * shinjp.fsrs_evaluate(card_id, rating, reviewed_at, weights [, options [, score_from]]) → fsrs_evaluation.
 * Both collect the group's reviews (card, time, local day, rating) in an internal state; the local day
 * is computed row by row with the options' time zone and rollover hour, so the state carries no time
 * zone.  The state has combine/serialize/deserialize functions, so the aggregates are parallel safe.
 * The work (src/srs/fsrs_train.cpp) happens in the final functions.
 */
#include <cstring>
#include <string>
#include <vector>

#include "pg/boundary.hpp"
#include "pg/memory.hpp"
#include "srs/fsrs_train.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace {

namespace train = shinjp::srs::train;
using shinjp::Error;
namespace sqlstate = shinjp::sqlstate;

constexpr uint8_t kStateFormat = 1;

/* The options as they affect results; compared between rows and partial states. */
struct OptionsKey {
	char time_zone[TZ_STRLEN_MAX + 1]; /* empty: the session's TimeZone */
	int32_t rollover_hour;
	int32_t short_term;
	int32_t relearning_steps;
	int32_t epochs;
};

OptionsKey
DefaultOptions()
{
	OptionsKey k;
	std::memset(&k, 0, sizeof k);
	k.rollover_hour = 4;
	k.short_term = 1;
	k.relearning_steps = 1;
	k.epochs = 5;
	return k;
}

struct OptState {
	explicit OptState(MemoryContext cxt) : rows(shinjp::pg::Allocator<train::Review>(cxt)) {}

	std::vector<train::Review, shinjp::pg::Allocator<train::Review>> rows;
	bool have_options = false;
	OptionsKey options = DefaultOptions();
	pg_tz *tz = nullptr; /* resolved time zone (not serialized: days are computed already) */
	bytea *options_raw = nullptr; /* first options datum, for a cheap per-row equality check */
	bool have_weights = false;
	train::Weights weights{};
	bool have_score_from = false;
	int64_t score_from = 0;
};

MemoryContext
AggContext(FunctionCallInfo fcinfo)
{
	MemoryContext cxt = nullptr;
	if (!AggCheckCallContext(fcinfo, &cxt))
		throw Error(sqlstate::kFeatureNotSupported, "FSRS optimizer support function called in non-aggregate context",
		            {}, "Call shinjp.fsrs_fit or shinjp.fsrs_evaluate instead.");
	return cxt;
}

OptState *
GetState(FunctionCallInfo fcinfo, MemoryContext aggcxt)
{
	if (!PG_ARGISNULL(0))
		return reinterpret_cast<OptState *>(PG_GETARG_POINTER(0));
	return shinjp::pg::NewInContext<OptState>(aggcxt, aggcxt);
}

/* Read and validate a shinjp.fsrs_fit_options value. */
OptionsKey
ParseOptions(HeapTupleHeader tuple)
{
	OptionsKey k = DefaultOptions();
	bool isnull[5];
	Datum values[5];
	for (int i = 0; i < 5; i++) {
		bool *nullp = &isnull[i];
		values[i] = shinjp::pg::Call([&] { return GetAttributeByNum(tuple, AttrNumber(i + 1), nullp); });
	}
	if (!isnull[0]) {
		text *t = DatumGetTextPP(values[0]);
		const int len = VARSIZE_ANY_EXHDR(t);
		if (len > TZ_STRLEN_MAX)
			throw Error(sqlstate::kInvalidParameterValue, "time zone name is too long", {},
			            "Use an IANA time zone name such as 'Asia/Tokyo', or NULL for the session's TimeZone.");
		std::memcpy(k.time_zone, VARDATA_ANY(t), len);
		k.time_zone[len] = '\0';
	}
	if (!isnull[1])
		k.rollover_hour = DatumGetInt32(values[1]);
	if (!isnull[2])
		k.short_term = DatumGetBool(values[2]) ? 1 : 0;
	if (!isnull[3])
		k.relearning_steps = DatumGetInt32(values[3]);
	if (!isnull[4])
		k.epochs = DatumGetInt32(values[4]);
	if (k.rollover_hour < 0 || k.rollover_hour > 23)
		throw Error(sqlstate::kInvalidParameterValue, "rollover_hour must be between 0 and 23",
		            "The value is " + std::to_string(k.rollover_hour) + ".",
		            "Use the local hour at which the learner's day starts, from 0 to 23 (Anki uses 4).");
	if (k.relearning_steps < 0 || k.relearning_steps > 10)
		throw Error(sqlstate::kInvalidParameterValue, "relearning_steps must be between 0 and 10",
		            "The value is " + std::to_string(k.relearning_steps) + ".",
		            "Use the number of relearning steps of the learner's preset, from 0 to 10.");
	if (k.epochs < 1 || k.epochs > 1000)
		throw Error(sqlstate::kInvalidParameterValue, "epochs must be between 1 and 1000",
		            "The value is " + std::to_string(k.epochs) + ".", "Use 5 (fsrs-rs' default) unless testing.");
	return k;
}

pg_tz *
ResolveTimeZone(const OptionsKey &k)
{
	if (k.time_zone[0] == '\0')
		return session_timezone;
	pg_tz *tz = pg_tzset(k.time_zone);
	if (tz == nullptr)
		throw Error(sqlstate::kInvalidParameterValue, std::string("time zone \"") + k.time_zone + "\" not recognized",
		            {}, "Use an IANA time zone name such as 'Asia/Tokyo' (see pg_timezone_names).");
	return tz;
}

bool
SameOptions(const OptionsKey &a, const OptionsKey &b)
{
	return std::strcmp(a.time_zone, b.time_zone) == 0 && a.rollover_hour == b.rollover_hour &&
	       a.short_term == b.short_term && a.relearning_steps == b.relearning_steps && a.epochs == b.epochs;
}

[[noreturn]] void
ThrowMixedOptions()
{
	throw Error(sqlstate::kInvalidParameterValue, "options must be the same for every row of a group", {},
	            "Pass one options value per learner, for example a column of the users table joined in.");
}

/* Take the options argument at `argno` (absent or NULL: the defaults) into the state. */
void
TakeOptions(FunctionCallInfo fcinfo, OptState *st, int argno)
{
	const bool given = PG_NARGS() > argno && !PG_ARGISNULL(argno);
	if (st->have_options) {
		if (!given) {
			if (st->options_raw != nullptr)
				ThrowMixedOptions();
			return;
		}
		bytea *raw = reinterpret_cast<bytea *>(PG_GETARG_POINTER(argno));
		if (st->options_raw != nullptr && !VARATT_IS_EXTENDED(raw) && VARSIZE(raw) == VARSIZE(st->options_raw) &&
		    std::memcmp(raw, st->options_raw, VARSIZE(raw)) == 0)
			return;
		HeapTupleHeader tuple = shinjp::pg::Call([&] { return PG_GETARG_HEAPTUPLEHEADER(argno); });
		if (st->options_raw == nullptr || !SameOptions(ParseOptions(tuple), st->options))
			ThrowMixedOptions();
		return;
	}
	if (given) {
		HeapTupleHeader tuple = shinjp::pg::Call([&] { return PG_GETARG_HEAPTUPLEHEADER(argno); });
		st->options = ParseOptions(tuple);
		MemoryContext cxt = st->rows.get_allocator().context();
		const Size size = VARSIZE(tuple);
		st->options_raw = static_cast<bytea *>(MemoryContextAllocExtended(cxt, size, MCXT_ALLOC_NO_OOM));
		if (st->options_raw == nullptr)
			throw std::bad_alloc();
		std::memcpy(st->options_raw, tuple, size);
	}
	st->tz = ResolveTimeZone(st->options);
	st->have_options = true;
}

/* Local calendar day (Julian day number) of `ts` after moving the day start to the rollover hour. */
int32_t
LocalDay(TimestampTz ts, const OptState *st)
{
	struct pg_tm tm;
	fsec_t fsec;
	int tzoff;
	if (TIMESTAMP_NOT_FINITE(ts) ||
	    timestamp2tm(ts - int64_t(st->options.rollover_hour) * USECS_PER_HOUR, &tzoff, &tm, &fsec, nullptr, st->tz) != 0)
		throw Error(sqlstate::kDatetimeFieldOverflow, "reviewed_at must be a finite timestamp in range", {},
		            "Remove reviews at infinity or outside PostgreSQL's timestamp range.");
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday);
}

/* Append the row in arguments 1..3 (card, rating, reviewed_at); rows with a NULL are skipped. */
void
AddRow(FunctionCallInfo fcinfo, OptState *st)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return;
	const int64_t card = PG_GETARG_INT64(1);
	const int32_t rating = PG_GETARG_INT32(2);
	const TimestampTz ts = PG_GETARG_TIMESTAMPTZ(3);
	if (rating < 1 || rating > 4)
		throw Error(sqlstate::kInvalidParameterValue, "rating must be between 1 and 4",
		            "Card " + std::to_string(card) + " has a review rated " + std::to_string(rating) + ".",
		            "Use 1 (again), 2 (hard), 3 (good) or 4 (easy); leave out manual or rescheduling entries.");
	st->rows.push_back({card, ts, LocalDay(ts, st), rating});
}

std::vector<train::Review>
CopyRows(const OptState *st)
{
	return std::vector<train::Review>(st->rows.begin(), st->rows.end());
}

/* float8[] → validated weights (NULL elements and wrong shapes are errors). */
train::Weights
ReadWeights(ArrayType *arr)
{
	if (ARR_NDIM(arr) > 1)
		throw Error(sqlstate::kArraySubscriptError, "FSRS weights must be a one-dimensional array", {},
		            "Pass the 21 weights returned by shinjp.fsrs_fit.");
	if (ARR_HASNULL(arr) && array_contains_nulls(arr))
		throw Error(sqlstate::kNullValueNotAllowed, "FSRS weights must not contain NULL", {},
		            "Pass the 21 weights returned by shinjp.fsrs_fit.");
	const int n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	return train::CheckWeights(reinterpret_cast<const double *>(ARR_DATA_PTR(arr)), n);
}

}  // namespace

/* fsrs_fit state transition: (state, card_id, rating, reviewed_at [, options]). */
SHINJP_FUNCTION(shinjp_fsrs_fit_sfunc)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	OptState *st = GetState(fcinfo, aggcxt);
	TakeOptions(fcinfo, st, 4);
	AddRow(fcinfo, st);
	PG_RETURN_POINTER(st);
}

/* fsrs_evaluate state transition: (state, card_id, rating, reviewed_at, weights [, options [, score_from]]). */
SHINJP_FUNCTION(shinjp_fsrs_evaluate_sfunc)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	OptState *st = GetState(fcinfo, aggcxt);
	if (PG_ARGISNULL(4))
		throw Error(sqlstate::kNullValueNotAllowed, "FSRS weights must not be NULL", {},
		            "Pass the 21 weights to score, for example shinjp.fsrs_default_weights().");
	ArrayType *arr = shinjp::pg::Call([&] { return PG_GETARG_ARRAYTYPE_P(4); });
	if (ARR_ELEMTYPE(arr) != FLOAT8OID)
		throw Error(sqlstate::kInvalidParameterValue, "FSRS weights must be float8[]");
	const train::Weights w = ReadWeights(arr);
	if (!st->have_weights) {
		st->weights = w;
		st->have_weights = true;
	} else if (std::memcmp(w.data(), st->weights.data(), sizeof w) != 0)
		throw Error(sqlstate::kInvalidParameterValue, "weights must be the same for every row of a group", {},
		            "Score one set of weights per group; compare weight sets in separate aggregate calls.");
	TakeOptions(fcinfo, st, 5);
	if (PG_NARGS() > 6 && !PG_ARGISNULL(6)) {
		const int64_t from = PG_GETARG_TIMESTAMPTZ(6);
		if (st->have_score_from && st->score_from != from)
			throw Error(sqlstate::kInvalidParameterValue, "score_from must be the same for every row of a group", {},
			            "Pass one cut-off time per group.");
		st->have_score_from = true;
		st->score_from = from;
	}
	AddRow(fcinfo, st);
	PG_RETURN_POINTER(st);
}

/* Merge two partial states (parallel aggregation). */
SHINJP_FUNCTION(shinjp_fsrs_opt_combine)
{
	MemoryContext aggcxt = AggContext(fcinfo);
	OptState *a = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<OptState *>(PG_GETARG_POINTER(0));
	const OptState *b = PG_ARGISNULL(1) ? nullptr : reinterpret_cast<const OptState *>(PG_GETARG_POINTER(1));
	if (b == nullptr) {
		if (a == nullptr)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == nullptr)
		a = shinjp::pg::NewInContext<OptState>(aggcxt, aggcxt);
	if (b->have_options) {
		if (a->have_options && !SameOptions(a->options, b->options))
			ThrowMixedOptions();
		a->have_options = true;
		a->options = b->options;
	}
	if (b->have_weights) {
		if (a->have_weights && std::memcmp(a->weights.data(), b->weights.data(), sizeof a->weights) != 0)
			throw Error(sqlstate::kInvalidParameterValue, "weights must be the same for every row of a group");
		a->have_weights = true;
		a->weights = b->weights;
	}
	if (b->have_score_from) {
		if (a->have_score_from && a->score_from != b->score_from)
			throw Error(sqlstate::kInvalidParameterValue, "score_from must be the same for every row of a group");
		a->have_score_from = true;
		a->score_from = b->score_from;
	}
	a->rows.insert(a->rows.end(), b->rows.begin(), b->rows.end());
	PG_RETURN_POINTER(a);
}

namespace {
/* Serialized state: header, then the rows. */
struct StateHeader {
	uint8_t format;
	uint8_t have_options, have_weights, have_score_from;
	OptionsKey options;
	double weights[train::kNumWeights];
	int64_t score_from;
	int64_t nrows;
};
}  // namespace

/* internal → bytea for parallel workers. */
SHINJP_FUNCTION(shinjp_fsrs_opt_serialize)
{
	AggContext(fcinfo);
	const OptState *st = reinterpret_cast<const OptState *>(PG_GETARG_POINTER(0));
	StateHeader h;
	std::memset(&h, 0, sizeof h);
	h.format = kStateFormat;
	h.have_options = st->have_options;
	h.have_weights = st->have_weights;
	h.have_score_from = st->have_score_from;
	h.options = st->options;
	std::memcpy(h.weights, st->weights.data(), sizeof h.weights);
	h.score_from = st->score_from;
	h.nrows = int64_t(st->rows.size());
	const size_t body = sizeof h + st->rows.size() * sizeof(train::Review);
	if (body > MaxAllocSize - VARHDRSZ)
		throw Error(sqlstate::kProgramLimitExceeded, "too many reviews in one group for a parallel plan", {},
		            "Disable parallel aggregation for this query (SET max_parallel_workers_per_gather = 0).");
	bytea *out = static_cast<bytea *>(MemoryContextAllocExtended(CurrentMemoryContext, body + VARHDRSZ, MCXT_ALLOC_NO_OOM));
	if (out == nullptr)
		throw std::bad_alloc();
	SET_VARSIZE(out, body + VARHDRSZ);
	std::memcpy(VARDATA(out), &h, sizeof h);
	if (!st->rows.empty())
		std::memcpy(VARDATA(out) + sizeof h, st->rows.data(), st->rows.size() * sizeof(train::Review));
	PG_RETURN_BYTEA_P(out);
}

/* bytea → internal, validating the format and lengths. */
SHINJP_FUNCTION(shinjp_fsrs_opt_deserialize)
{
	AggContext(fcinfo);
	bytea *in = shinjp::pg::Call([&] { return PG_GETARG_BYTEA_PP(0); });
	const size_t len = VARSIZE_ANY_EXHDR(in);
	StateHeader h;
	if (len < sizeof h)
		throw Error(sqlstate::kInvalidBinaryRepresentation, "invalid FSRS optimizer state: too short");
	std::memcpy(&h, VARDATA_ANY(in), sizeof h);
	if (h.format != kStateFormat)
		throw Error(sqlstate::kInvalidBinaryRepresentation, "invalid FSRS optimizer state: unknown format");
	if (h.nrows < 0 || size_t(h.nrows) != (len - sizeof h) / sizeof(train::Review) ||
	    (len - sizeof h) % sizeof(train::Review) != 0)
		throw Error(sqlstate::kInvalidBinaryRepresentation, "invalid FSRS optimizer state: bad length");
	if (h.options.time_zone[TZ_STRLEN_MAX] != '\0')
		throw Error(sqlstate::kInvalidBinaryRepresentation, "invalid FSRS optimizer state: bad options");
	OptState *st = shinjp::pg::NewInContext<OptState>(CurrentMemoryContext, CurrentMemoryContext);
	st->have_options = h.have_options != 0;
	st->options = h.options;
	st->have_weights = h.have_weights != 0;
	std::memcpy(st->weights.data(), h.weights, sizeof h.weights);
	st->have_score_from = h.have_score_from != 0;
	st->score_from = h.score_from;
	st->rows.resize(size_t(h.nrows));
	if (h.nrows > 0)
		std::memcpy(st->rows.data(), VARDATA_ANY(in) + sizeof h, size_t(h.nrows) * sizeof(train::Review));
	for (const train::Review &r : st->rows)
		if (r.rating < 1 || r.rating > 4)
			throw Error(sqlstate::kInvalidBinaryRepresentation, "invalid FSRS optimizer state: bad rating");
	PG_RETURN_POINTER(st);
}

/* fsrs_fit final: the fitted weights (defaults for an empty or too small log). */
SHINJP_FUNCTION(shinjp_fsrs_fit_final)
{
	AggContext(fcinfo);
	train::FitResult fit{train::kDefaultWeights, train::FitKind::kDefaults, 0};
	if (!PG_ARGISNULL(0)) {
		const OptState *st = reinterpret_cast<const OptState *>(PG_GETARG_POINTER(0));
		train::FitOptions o;
		o.short_term = st->options.short_term != 0;
		o.relearning_steps = st->options.relearning_steps;
		o.epochs = st->options.epochs;
		std::vector<train::Review> rows = CopyRows(st);
		fit = train::Fit(rows, o);
	}
	Datum elems[train::kNumWeights];
	for (int i = 0; i < train::kNumWeights; i++)
		elems[i] = Float8GetDatum(fit.weights[i]);
	ArrayType *arr = shinjp::pg::Call(
	    [&] { return construct_array(elems, train::kNumWeights, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE); });
	PG_RETURN_ARRAYTYPE_P(arr);
}

/* fsrs_evaluate final: (log_loss, rmse_bins, items); NULL metrics when no item was scored. */
SHINJP_FUNCTION(shinjp_fsrs_evaluate_final)
{
	AggContext(fcinfo);
	train::Evaluation ev{0, 0, 0};
	bool scored = false;
	if (!PG_ARGISNULL(0)) {
		const OptState *st = reinterpret_cast<const OptState *>(PG_GETARG_POINTER(0));
		std::vector<train::Review> rows = CopyRows(st);
		ev = train::Evaluate(rows, st->weights, st->have_score_from ? st->score_from : INT64_MIN);
		scored = ev.items > 0;
	}
	Datum values[3] = {Float8GetDatum(ev.log_loss), Float8GetDatum(ev.rmse_bins), Int64GetDatum(ev.items)};
	bool nulls[3] = {!scored, !scored, false};
	Datum *vp = values;
	bool *np = nulls;
	Datum result = shinjp::pg::Call([&] {
		TupleDesc desc;
		if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "fsrs_evaluate: return type must be a row type");
		desc = BlessTupleDesc(desc);
		return HeapTupleGetDatum(heap_form_tuple(desc, vp, np));
	});
	PG_RETURN_DATUM(result);
}

/* fsrs_default_weights(): fsrs-rs 6.5.0's default FSRS-6 weights. */
SHINJP_FUNCTION(shinjp_fsrs_default_weights)
{
	Datum elems[train::kNumWeights];
	for (int i = 0; i < train::kNumWeights; i++)
		elems[i] = Float8GetDatum(train::kDefaultWeights[i]);
	ArrayType *arr = shinjp::pg::Call(
	    [&] { return construct_array(elems, train::kNumWeights, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE); });
	PG_RETURN_ARRAYTYPE_P(arr);
}
