/*
 * calendar_fmgr.cpp — SQL entry points of the day-based aggregates: study streaks (bitmap state in
 * a bytea), heatmap and workload forecast (day counts in an int8[] whose lower bound is the first
 * day), forgetting curve (int8[] of reviews/recalled per elapsed-days bucket).
 *
 * Every state is a plain SQL type (never internal) with a combine function; inside an aggregate the
 * transition function updates its own state in place.  These functions hold no C++ object with a
 * destructor while calling PostgreSQL (POD locals only), so PostgreSQL errors may longjmp through.
 */
#include <algorithm>
#include <cstring>
#include <string>

#include "analytics/agg_glue.hpp"
#include "analytics/calendar.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "postgres.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "pg/compat.h"
}

using shinjp::Error;
using shinjp::agg::AllocOrThrow;
using shinjp::agg::StreakHeader;
namespace sqlstate = shinjp::sqlstate;

namespace {

/* ---------------------------------------------------------------------------------------------
 * Local days in a time zone, with a per-call-site cache (fn_extra) of the zone and of the UTC
 * window in which its UTC offset is constant (between two DST transitions; for zones without DST,
 * forever): inside it, the local day is plain arithmetic.
 */
struct TzCache {
	pg_tz *tz;
	int namelen;
	char name[TZ_STRLEN_MAX + 1];
	bool have_window;
	TimestampTz lo, hi; /* [lo, hi): offset is gmtoff_us */
	int64 gmtoff_us;
};

/* Per-call-site cache: time zone windows, and the last range that passed validation. */
struct CallCache {
	TzCache tz[2];
	bool range_ok;
	int32 range_from, range_to;
};

CallCache *
GetCallCache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == nullptr) {
		void *p = AllocOrThrow(fcinfo->flinfo->fn_mcxt, sizeof(CallCache));
		std::memset(p, 0, sizeof(CallCache));
		fcinfo->flinfo->fn_extra = p;
	}
	return static_cast<CallCache *>(fcinfo->flinfo->fn_extra);
}

TzCache *
GetTzCache(FunctionCallInfo fcinfo, int slot)
{
	return &GetCallCache(fcinfo)->tz[slot];
}

/* CheckDayRange, skipped when this call site already accepted the same range. */
void
CheckRangeCached(FunctionCallInfo fcinfo, int32 from, int64 to, const char *what)
{
	CallCache *cc = GetCallCache(fcinfo);
	if (cc->range_ok && cc->range_from == from && cc->range_to == to)
		return;
	shinjp::agg::CheckDayRange(from, to, what);
	cc->range_ok = true;
	cc->range_from = from;
	cc->range_to = static_cast<int32>(to);
}

void
SetZone(TzCache *c, text *name)
{
	int len = VARSIZE_ANY_EXHDR(name);
	if (c->tz != nullptr && len == c->namelen && std::memcmp(VARDATA_ANY(name), c->name, len) == 0)
		return;
	if (len > TZ_STRLEN_MAX || len == 0)
		throw Error(sqlstate::kInvalidParameterValue, "time zone is not valid", {},
		            "Use a time zone name such as 'Asia/Tokyo' or 'UTC' (see pg_timezone_names).");
	char buf[TZ_STRLEN_MAX + 1];
	std::memcpy(buf, VARDATA_ANY(name), len);
	buf[len] = '\0';
	if (std::strlen(buf) != static_cast<size_t>(len))
		throw Error(sqlstate::kInvalidParameterValue, "time zone is not valid", {},
		            "Use a time zone name such as 'Asia/Tokyo' or 'UTC' (see pg_timezone_names).");
	pg_tz *tz = pg_tzset(buf);
	if (tz == nullptr)
		throw Error(sqlstate::kInvalidParameterValue, std::string("time zone \"") + buf + "\" not recognized", {},
		            "Use a time zone name such as 'Asia/Tokyo' or 'UTC' (see pg_timezone_names).");
	c->tz = tz;
	c->namelen = len;
	std::memcpy(c->name, buf, len + 1);
	c->have_window = false;
}

constexpr int64 kUnixToPgSeconds = (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;

inline int32
DayOf(TimestampTz ts, int64 gmtoff_us)
{
	int64 local = ts + gmtoff_us;
	int64 day = local / USECS_PER_DAY;
	if (local % USECS_PER_DAY < 0)
		day--;
	return static_cast<int32>(day);
}

/*
 * Find the window around ts in which the zone's UTC offset is constant, walking the zone's
 * transitions forward from a year before ts.  False when the zone data cannot say.
 */
bool
FindOffsetWindow(TzCache *c, TimestampTz ts)
{
	pg_time_t t = static_cast<pg_time_t>(ts / USECS_PER_SEC) + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
	pg_time_t start = t - 400 * SECS_PER_DAY;
	for (int i = 0; i < 16; i++) {
		long before_off, after_off;
		int before_dst, after_dst;
		pg_time_t boundary;
		int r = pg_next_dst_boundary(&start, &before_off, &before_dst, &boundary, &after_off, &after_dst, c->tz);
		if (r < 0)
			return false;
		if (r == 0 || boundary > t) {
			/* [start, boundary) has offset before_off, and start <= t */
			c->lo = (static_cast<TimestampTz>(start) - kUnixToPgSeconds) * USECS_PER_SEC;
			c->hi = r == 0 ? DT_NOEND : (static_cast<TimestampTz>(boundary) - kUnixToPgSeconds) * USECS_PER_SEC;
			c->gmtoff_us = static_cast<int64>(before_off) * USECS_PER_SEC;
			c->have_window = c->lo <= ts && ts < c->hi;
			return c->have_window;
		}
		start = boundary;
	}
	return false;
}

int32
LocalDay(TzCache *c, TimestampTz ts)
{
	if (c->have_window && ts >= c->lo && ts < c->hi)
		return DayOf(ts, c->gmtoff_us);
	if (TIMESTAMP_NOT_FINITE(ts))
		throw Error(sqlstate::kDatetimeFieldOverflow, "timestamp must be finite", {},
		            "Pass finite timestamps, not -infinity or infinity.");
	if (ts > MIN_TIMESTAMP + 400 * USECS_PER_DAY && FindOffsetWindow(c, ts))
		return DayOf(ts, c->gmtoff_us);
	/* outside what the zone data describes: PostgreSQL's own conversion */
	int tzoff;
	struct pg_tm tm;
	fsec_t fsec;
	if (timestamp2tm(ts, &tzoff, &tm, &fsec, nullptr, c->tz) != 0)
		throw Error(sqlstate::kDatetimeFieldOverflow, "timestamp out of range", {},
		            "Pass timestamps within PostgreSQL's range.");
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
}

/* ---------------------------------------------------------------------------------------------
 * Day counts: a one-dimensional int8[] without NULLs.
 */
ArrayType *
NewCounts(int32 lbound, int n)
{
	size_t size = ARR_OVERHEAD_NONULLS(1) + sizeof(int64) * static_cast<size_t>(n);
	auto *a = static_cast<ArrayType *>(AllocOrThrow(CurrentMemoryContext, size));
	std::memset(a, 0, size);
	SET_VARSIZE(a, size);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = INT8OID;
	ARR_DIMS(a)[0] = n;
	ARR_LBOUND(a)[0] = lbound;
	return a;
}

bool
CountsShape(ArrayType *a, int32 &lbound, int &n)
{
	if (ARR_NDIM(a) != 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != INT8OID)
		return false;
	lbound = ARR_LBOUND(a)[0];
	n = ARR_DIMS(a)[0];
	return n >= 1 && n <= shinjp::agg::kMaxRangeDays &&
	       VARSIZE(a) == ARR_OVERHEAD_NONULLS(1) + sizeof(int64) * static_cast<size_t>(n);
}

[[noreturn]] void
BadCounts()
{
	throw Error(sqlstate::kInvalidParameterValue, "invalid day-count state", {},
	            "A day-count state must come from the transition function of shinjp.heatmap_agg, "
	            "shinjp.forecast_agg or shinjp.forgetting_curve_agg.");
}

/*
 * The state argument as a writable day-count array with the expected bounds: the aggregate's own
 * state is updated in place; anything else is copied first.  NULL state: a new zeroed array.
 */
ArrayType *
WritableCounts(FunctionCallInfo fcinfo, int32 lbound, int n, const char *what)
{
	if (PG_ARGISNULL(0))
		return NewCounts(lbound, n);
	bool in_agg = AggCheckCallContext(fcinfo, nullptr) != 0;
	Datum raw = PG_GETARG_DATUM(0);
	auto *rawp = reinterpret_cast<struct varlena *>(DatumGetPointer(raw));
	ArrayType *a = reinterpret_cast<ArrayType *>(VARATT_IS_EXTENDED(rawp) ? pg_detoast_datum(rawp) : rawp);
	int32 lb;
	int len;
	if (!CountsShape(a, lb, len))
		BadCounts();
	if (lb != lbound || len != n)
		throw Error(sqlstate::kInvalidParameterValue, std::string(what) + " range must be the same for every row", {},
		            "Pass the same range (and time zone) to every row of one group.");
	if (!(in_agg && reinterpret_cast<Pointer>(a) == DatumGetPointer(raw))) {
		auto *copy = static_cast<ArrayType *>(AllocOrThrow(CurrentMemoryContext, VARSIZE(a)));
		std::memcpy(copy, a, VARSIZE(a));
		a = copy;
	}
	return a;
}

int32
ArgDay(FunctionCallInfo fcinfo, int n)
{
	DateADT d = PG_GETARG_DATEADT(n);
	if (DATE_NOT_FINITE(d))
		throw Error(sqlstate::kDatetimeFieldOverflow, "date must be finite", {},
		            "Pass finite dates, not -infinity or infinity.");
	return d;
}

}  // namespace

/*
 * heatmap_trans(state int8[], reviewed_at timestamptz, from_day date, to_day date, tz text) and
 * heatmap_trans(state int8[], day date, from_day date, to_day date): count per local day.
 */
SHINJP_FUNCTION(shinjp_heatmap_trans)
{
	bool by_date = PG_NARGS() == 4;
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3) || (!by_date && PG_ARGISNULL(4)))
		throw Error(sqlstate::kNullValueNotAllowed, "heatmap range and time zone must not be NULL", {},
		            "Pass the first and last day of the heatmap (and a time zone name).");
	int32 from = ArgDay(fcinfo, 2), to = ArgDay(fcinfo, 3);
	CheckRangeCached(fcinfo, from, to, "heatmap");
	TzCache *c = nullptr;
	if (!by_date) {
		c = GetTzCache(fcinfo, 0);
		SetZone(c, PG_GETARG_TEXT_PP(4));
	}
	ArrayType *a = WritableCounts(fcinfo, from, to - from + 1, "heatmap");
	if (!PG_ARGISNULL(1)) {
		int32 day = by_date ? ArgDay(fcinfo, 1) : LocalDay(c, PG_GETARG_TIMESTAMPTZ(1));
		if (day >= from && day <= to)
			reinterpret_cast<int64 *>(ARR_DATA_PTR(a))[day - from]++;
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * forecast_trans(state int8[], due timestamptz, as_of timestamptz, days int, tz text): due cards per
 * local day, day 0 = the local day of as_of (overdue cards included), days beyond the horizon ignored.
 */
SHINJP_FUNCTION(shinjp_forecast_trans)
{
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		throw Error(sqlstate::kNullValueNotAllowed, "forecast start, days and time zone must not be NULL", {},
		            "Pass the time the forecast starts at, the number of days and a time zone name.");
	int32 days = PG_GETARG_INT32(3);
	if (days < 1 || days > shinjp::agg::kMaxRangeDays)
		throw Error(sqlstate::kInvalidParameterValue, "forecast days must be between 1 and " +
		                                                  std::to_string(shinjp::agg::kMaxRangeDays), {},
		            "Ask for 1 to " + std::to_string(shinjp::agg::kMaxRangeDays) + " days (about 10 years).");
	TzCache *c = GetTzCache(fcinfo, 0);
	SetZone(c, PG_GETARG_TEXT_PP(4));
	int32 from = LocalDay(c, PG_GETARG_TIMESTAMPTZ(2));
	CheckRangeCached(fcinfo, from, int64{from} + days - 1, "forecast");
	ArrayType *a = WritableCounts(fcinfo, from, days, "forecast");
	if (!PG_ARGISNULL(1)) {
		TimestampTz due = PG_GETARG_TIMESTAMPTZ(1);
		int64 idx;
		if (TIMESTAMP_IS_NOBEGIN(due))
			idx = 0;
		else if (TIMESTAMP_IS_NOEND(due))
			idx = days;
		else
			idx = int64{LocalDay(c, due)} - from;
		if (idx < 0)
			idx = 0; /* overdue: due today */
		if (idx < days)
			reinterpret_cast<int64 *>(ARR_DATA_PTR(a))[idx]++;
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/* forgetting_curve_trans(state int8[], elapsed_days int, rating int): reviews and recalls per bucket. */
SHINJP_FUNCTION(shinjp_forgetting_curve_trans)
{
	constexpr int n = 2 * shinjp::agg::kCurveBuckets;
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) {
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	int32 elapsed = PG_GETARG_INT32(1), rating = PG_GETARG_INT32(2);
	if (rating < 1 || rating > 4)
		throw Error(sqlstate::kInvalidParameterValue, "rating must be between 1 and 4",
		            "The rating was " + std::to_string(rating) + ".", "Use 1 (again), 2 (hard), 3 (good) or 4 (easy).");
	if (elapsed < 0)
		throw Error(sqlstate::kInvalidParameterValue, "elapsed days must not be negative",
		            "The elapsed days were " + std::to_string(elapsed) + ".",
		            "Pass the days since the card's previous review, 0 or more.");
	ArrayType *a = WritableCounts(fcinfo, 1, n, "forgetting curve");
	int b = shinjp::agg::CurveBucket(elapsed);
	int64 *v = reinterpret_cast<int64 *>(ARR_DATA_PTR(a));
	v[2 * b]++;
	if (rating >= 2)
		v[2 * b + 1]++;
	PG_RETURN_ARRAYTYPE_P(a);
}

/* day_counts_merge(a int8[], b int8[]): element-wise sum; combine function of the day-count aggregates. */
SHINJP_FUNCTION(shinjp_day_counts_merge)
{
	ArrayType *b = PG_GETARG_ARRAYTYPE_P(1);
	int32 lb_b;
	int n_b;
	if (!CountsShape(b, lb_b, n_b))
		BadCounts();
	ArrayType *a = WritableCounts(fcinfo, lb_b, n_b, "day-count");
	int64 *va = reinterpret_cast<int64 *>(ARR_DATA_PTR(a));
	const int64 *vb = reinterpret_cast<const int64 *>(ARR_DATA_PTR(b));
	for (int i = 0; i < n_b; i++)
		if (vb[i] < 0 || va[i] < 0 || __builtin_add_overflow(va[i], vb[i], &va[i]))
			throw Error(sqlstate::kNumericValueOutOfRange, "day count out of range", {},
			            "Counts are 64-bit and never negative.");
	PG_RETURN_ARRAYTYPE_P(a);
}

/* day_counts_final(int8[]) → int[] (lower bound 1): the heatmap/forecast result. */
SHINJP_FUNCTION(shinjp_day_counts_final)
{
	ArrayType *a = PG_GETARG_ARRAYTYPE_P(0);
	int32 lb;
	int n;
	if (!CountsShape(a, lb, n))
		BadCounts();
	size_t size = ARR_OVERHEAD_NONULLS(1) + sizeof(int32) * static_cast<size_t>(n);
	auto *out = static_cast<ArrayType *>(AllocOrThrow(CurrentMemoryContext, size));
	std::memset(out, 0, size);
	SET_VARSIZE(out, size);
	out->ndim = 1;
	out->elemtype = INT4OID;
	ARR_DIMS(out)[0] = n;
	ARR_LBOUND(out)[0] = 1;
	const int64 *v = reinterpret_cast<const int64 *>(ARR_DATA_PTR(a));
	int32 *o = reinterpret_cast<int32 *>(ARR_DATA_PTR(out));
	for (int i = 0; i < n; i++) {
		if (v[i] < 0 || v[i] > PG_INT32_MAX)
			throw Error(sqlstate::kNumericValueOutOfRange, "day count out of range for integer", {},
			            "A day of the heatmap or forecast holds at most 2147483647 events.");
		o[i] = static_cast<int32>(v[i]);
	}
	PG_RETURN_ARRAYTYPE_P(out);
}

/* forgetting_curve_check(int8[]) → int8[]: validates a forgetting-curve state (used by the final function). */
SHINJP_FUNCTION(shinjp_forgetting_curve_check)
{
	ArrayType *a = PG_GETARG_ARRAYTYPE_P(0);
	int32 lb;
	int n;
	if (!CountsShape(a, lb, n) || lb != 1 || n != 2 * shinjp::agg::kCurveBuckets)
		BadCounts();
	const int64 *v = reinterpret_cast<const int64 *>(ARR_DATA_PTR(a));
	for (int i = 0; i < n; i += 2)
		if (v[i] < 0 || v[i + 1] < 0 || v[i + 1] > v[i])
			BadCounts();
	PG_RETURN_ARRAYTYPE_P(a);
}

/* forgetting_curve_bucket_bounds() → int[]: first elapsed day of each bucket (for the final function). */
SHINJP_FUNCTION(shinjp_forgetting_curve_bounds)
{
	Datum elems[shinjp::agg::kCurveBuckets];
	for (int i = 0; i < shinjp::agg::kCurveBuckets; i++)
		elems[i] = Int32GetDatum(shinjp::agg::kCurveBucketLo[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, shinjp::agg::kCurveBuckets, INT4OID, 4, true, TYPALIGN_INT));
}

/* ---------------------------------------------------------------------------------------------
 * Streaks.
 */
namespace {

StreakHeader *
NewStreak(int64 lo, int64 hi, const StreakHeader *like)
{
	int32 base, nwords;
	shinjp::agg::StreakLayout(lo, hi, base, nwords);
	size_t size = VARHDRSZ + shinjp::agg::StreakSize(nwords);
	auto *v = static_cast<struct varlena *>(AllocOrThrow(CurrentMemoryContext, size));
	std::memset(v, 0, size);
	SET_VARSIZE(v, size);
	auto *h = reinterpret_cast<StreakHeader *>(VARDATA(v));
	h->version = shinjp::agg::kStreakVersion;
	h->kind = shinjp::agg::kStreakKind;
	h->base_day = base;
	h->nwords = nwords;
	if (like != nullptr) {
		h->has_as_of = like->has_as_of;
		h->as_of = like->as_of;
	}
	return h;
}

inline uint32_t *
Words(StreakHeader *h)
{
	return reinterpret_cast<uint32_t *>(h + 1);
}

inline Datum
StreakDatum(StreakHeader *h)
{
	return PointerGetDatum(reinterpret_cast<char *>(h) - VARHDRSZ);
}

/* The streak state argument n: detoasted, validated (fully unless it is the aggregate's own state). */
StreakHeader *
ArgStreak(FunctionCallInfo fcinfo, int n, bool &owned)
{
	Datum raw = PG_GETARG_DATUM(n);
	auto *rawp = reinterpret_cast<struct varlena *>(DatumGetPointer(raw));
	struct varlena *v = VARATT_IS_EXTENDED(rawp) ? pg_detoast_datum(rawp) : rawp;
	bool in_agg = AggCheckCallContext(fcinfo, nullptr) != 0;
	owned = n == 0 && in_agg && v == reinterpret_cast<struct varlena *>(DatumGetPointer(raw));
	const uint8_t *data = reinterpret_cast<const uint8_t *>(VARDATA(v));
	size_t len = VARSIZE(v) - VARHDRSZ;
	if (owned && len >= sizeof(StreakHeader)) {
		/* our own state: a cheap header check is enough for safe in-place updates */
		StreakHeader h;
		std::memcpy(&h, data, sizeof h);
		if (h.version == shinjp::agg::kStreakVersion && h.kind == shinjp::agg::kStreakKind && h.nwords >= 0 &&
		    len == shinjp::agg::StreakSize(h.nwords) && reinterpret_cast<uintptr_t>(data) % 4 == 0)
			return reinterpret_cast<StreakHeader *>(VARDATA(v));
	}
	shinjp::agg::ValidateStreak(data, len);
	owned = false;
	if (reinterpret_cast<uintptr_t>(data) % 4 != 0) {
		auto *copy = static_cast<struct varlena *>(AllocOrThrow(CurrentMemoryContext, VARSIZE(v)));
		std::memcpy(copy, v, VARSIZE(v));
		v = copy;
	}
	return reinterpret_cast<StreakHeader *>(VARDATA(v));
}

void
CheckAsOf(const StreakHeader *h, bool has_as_of, int32 as_of)
{
	if (h->has_as_of != has_as_of || (has_as_of && h->as_of != as_of))
		throw Error(sqlstate::kInvalidParameterValue, "as_of day must be the same for every row of a streak", {},
		            "Pass one as_of day (for example current_date) to every row of a group.");
}

/* Add day to the state (in place when it fits and is owned), returning the state to keep. */
StreakHeader *
StreakAdd(StreakHeader *h, bool owned, int32 day)
{
	bool fits = day >= h->base_day && int64{day} < int64{h->base_day} + int64{h->nwords} * 32;
	if (owned && fits && h->has_days && day >= h->first_day && day <= h->last_day) {
		shinjp::agg::StreakSetDay(h, Words(h), day); /* the common case: inside the known span */
		return h;
	}
	int64 lo = h->has_days ? std::min<int64>(h->first_day, day) : day;
	int64 hi = h->has_days ? std::max<int64>(h->last_day, day) : day;
	shinjp::agg::CheckStreakSpan(lo, hi);
	if (!(owned && fits)) {
		StreakHeader *n = NewStreak(lo, hi, h);
		shinjp::agg::StreakCopyDays(h, Words(h), n, Words(n));
		h = n;
	}
	shinjp::agg::StreakSetDay(h, Words(h), day);
	return h;
}

}  // namespace

/*
 * streak_trans(state bytea, day date, as_of date) and
 * streak_trans(state bytea, reviewed_at timestamptz, as_of date, tz text).
 */
SHINJP_FUNCTION(shinjp_streak_trans)
{
	bool by_time = PG_NARGS() == 4;
	if (by_time && PG_ARGISNULL(3))
		throw Error(sqlstate::kNullValueNotAllowed, "streak time zone must not be NULL", {},
		            "Pass a time zone name such as 'Asia/Tokyo' or 'UTC'.");
	bool has_as_of = !PG_ARGISNULL(2);
	int32 as_of = has_as_of ? ArgDay(fcinfo, 2) : 0;
	StreakHeader *h = nullptr;
	bool owned = false;
	if (!PG_ARGISNULL(0)) {
		h = ArgStreak(fcinfo, 0, owned);
		CheckAsOf(h, has_as_of, as_of);
	}
	if (PG_ARGISNULL(1)) {
		if (h == nullptr)
			PG_RETURN_NULL();
		return StreakDatum(h);
	}
	int32 day;
	if (by_time) {
		TzCache *c = GetTzCache(fcinfo, 0);
		SetZone(c, PG_GETARG_TEXT_PP(3));
		day = LocalDay(c, PG_GETARG_TIMESTAMPTZ(1));
	} else
		day = ArgDay(fcinfo, 1);
	if (h == nullptr) {
		shinjp::agg::CheckStreakSpan(day, day);
		h = NewStreak(day, day, nullptr);
		h->has_as_of = has_as_of;
		h->as_of = as_of;
		owned = true;
	}
	return StreakDatum(StreakAdd(h, owned, day));
}

/* streak_merge(a bytea, b bytea): union of study days; combine function of streak_agg. */
SHINJP_FUNCTION(shinjp_streak_merge)
{
	bool owned_a, owned_b;
	StreakHeader *a = ArgStreak(fcinfo, 0, owned_a);
	StreakHeader *b = ArgStreak(fcinfo, 1, owned_b);
	CheckAsOf(a, b->has_as_of, b->as_of);
	if (!b->has_days)
		return StreakDatum(a);
	int64 lo = a->has_days ? std::min(a->first_day, b->first_day) : b->first_day;
	int64 hi = a->has_days ? std::max(a->last_day, b->last_day) : b->last_day;
	shinjp::agg::CheckStreakSpan(lo, hi);
	bool fits = b->first_day >= a->base_day && int64{b->last_day} < int64{a->base_day} + int64{a->nwords} * 32;
	if (!(owned_a && fits)) {
		StreakHeader *n = NewStreak(lo, hi, a);
		shinjp::agg::StreakCopyDays(a, Words(a), n, Words(n));
		a = n;
	}
	shinjp::agg::StreakCopyDays(b, Words(b), a, Words(a));
	return StreakDatum(a);
}

/* streak_final(bytea) → shinjp.streak_stats. */
SHINJP_FUNCTION(shinjp_streak_final)
{
	Datum values[5] = {Int32GetDatum(0), Int32GetDatum(0), Int32GetDatum(0), 0, 0};
	bool nulls[5] = {false, false, false, true, true};
	if (!PG_ARGISNULL(0)) {
		bool owned;
		StreakHeader *h = ArgStreak(fcinfo, 0, owned);
		shinjp::agg::StreakStats st = shinjp::agg::ComputeStreak(h, Words(h));
		values[0] = Int32GetDatum(st.current);
		nulls[0] = !st.has_current;
		values[1] = Int32GetDatum(st.longest);
		values[2] = Int32GetDatum(st.active_days);
		if (st.has_days) {
			values[3] = DateADTGetDatum(st.first_day);
			values[4] = DateADTGetDatum(st.last_day);
			nulls[3] = nulls[4] = false;
		}
	}
	TupleDesc desc;
	if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "streak_final must return a composite type");
	desc = BlessTupleDesc(desc);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}
