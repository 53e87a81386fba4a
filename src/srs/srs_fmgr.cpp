/*
 * srs_fmgr.cpp — SQL entry points of the FSRS scheduler (sql/install/10_srs.sql).
 *
 * Hot path (fsrs_review over a million rows): per call we deform the card composite with a cached
 * TupleDesc, look the parameters up in a small per-call-site cache keyed on the composite's bytes
 * (decoded and validated once), run the PG-free core and form the result with the cached TupleDesc.
 * No catalog access after the first call.
 *
 * Boundary: every local here is trivially destructible, so PostgreSQL calls may ereport directly
 * (STYLE.md §3, POD stack rule); core calls throw shinjp::Error, which SHINJP_FUNCTION's Guard turns
 * into an ERROR.
 */
#include <cmath>
#include <cstring>

#include "pg/boundary.hpp"
#include "srs/fsrs.hpp"
#include "srs/srs_glue.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
}

namespace srs = shinjp::srs;

namespace shinjp::srs::glue {

/* ------------------------------------------------------------------------------------------ */
/* Errors raised directly (no C++ state is live where these are called)                        */

[[noreturn]] void
NullField(const char *what, const char *field, const char *hint)
{
	ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s field \"%s\" must not be NULL", what, field),
	                errhint("%s", hint)));
	pg_unreachable();
}

TimestampTz
FiniteTime(TimestampTz t, const char *what)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("%s must be a finite timestamp", what),
		                errhint("Pass a real point in time, not infinity or -infinity.")));
	return t;
}

/* ------------------------------------------------------------------------------------------ */
/* Composite types                                                                             */

__attribute__((noinline, cold)) void
InitComposite(MemoryContext mcxt, Oid typid, int natts, const char *name, CompositeType *out)
{
	TupleDesc td = lookup_rowtype_tupdesc(typid, -1);
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	TupleDesc copy = CreateTupleDescCopy(td);
	MemoryContextSwitchTo(old);
	ReleaseTupleDesc(td);
	if (copy->natts != natts)
		ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("type %s has %d attributes, expected %d", name, copy->natts, natts),
		                errhint("The extension's types were altered; reinstall shinjp.")));
	out->desc = copy;
	out->typid = typid;
	/* a card_state column: resolve the enum labels once */
	out->has_state = false;
	for (int i = 0; i < natts; i++) {
		Oid atttyp = TupleDescAttr(copy, i)->atttypid;
		if (get_typtype(atttyp) != TYPTYPE_ENUM)
			continue;
		static const char *labels[4] = {"new", "learning", "review", "relearning"};
		for (int s = 0; s < 4; s++) {
			out->state_oid[s] = GetSysCacheOid2(ENUMTYPOIDNAME, Anum_pg_enum_oid, ObjectIdGetDatum(atttyp),
			                                    CStringGetDatum(labels[s]));
			if (!OidIsValid(out->state_oid[s]))
				elog(ERROR, "card_state label \"%s\" not found", labels[s]);
		}
		out->has_state = true;
	}
	/* fixed layout: every attribute fixed-width and by value; templates with and without a NULL last */
	out->fixed = natts <= kMaxFastAtts;
	out->natts = natts;
	int off = 0;
	for (int i = 0; i < natts && out->fixed; i++) {
		Form_pg_attribute a = TupleDescAttr(copy, i);
		if (a->attlen <= 0 || !a->attbyval || a->attisdropped) {
			out->fixed = false;
			break;
		}
		off = att_align_nominal(off, a->attalign);
		out->off[i] = static_cast<int16>(off);
		out->len[i] = a->attlen;
		off += a->attlen;
	}
	if (out->fixed) {
		Datum zeros[kMaxFastAtts] = {};
		bool nulls[kMaxFastAtts] = {};
		for (int k = 0; k < 2; k++) {
			nulls[natts - 1] = k == 1;
			HeapTuple tup = heap_form_tuple(copy, zeros, nulls);
			out->tmpl_len[k] = tup->t_len;
			out->tmpl_hoff[k] = tup->t_data->t_hoff;
			out->tmpl[k] = static_cast<char *>(MemoryContextAlloc(mcxt, tup->t_len));
			std::memcpy(out->tmpl[k], tup->t_data, tup->t_len);
			heap_freetuple(tup);
		}
	}
}

int
StateOf(const CompositeType &t, Oid label)
{
	for (int s = 0; s < 4; s++)
		if (t.state_oid[s] == label)
			return s;
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown card state")));
	pg_unreachable();
}

/* Deform a composite argument of the cached type (initialising the cache on first use). */
__attribute__((noinline)) void
Deform(MemoryContext mcxt, CompositeType *t, Datum d, int natts, const char *name, Datum *values, bool *nulls)
{
	HeapTupleHeader th = DatumGetHeapTupleHeader(d);
	Oid typid = HeapTupleHeaderGetTypeId(th);
	if (t->desc == nullptr || t->typid != typid)
		InitComposite(mcxt, typid, natts, name, t);
	HeapTupleData tuple;
	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	heap_deform_tuple(&tuple, t->desc, values, nulls);
}

/* fetch_att for a fixed-width by-value attribute at a possibly unaligned address */
static inline Datum
FetchUnaligned(const char *p, int len)
{
	switch (len) {
	case 8: {
		int64 v;
		std::memcpy(&v, p, 8);
		return Int64GetDatum(v);
	}
	case 4: {
		int32 v;
		std::memcpy(&v, p, 4);
		return Int32GetDatum(v);
	}
	case 2: {
		int16 v;
		std::memcpy(&v, p, 2);
		return Int16GetDatum(v);
	}
	default:
		return CharGetDatum(*p);
	}
}

const char *
FixedData(const CompositeType *t, Datum d, int natts, bool *last_null)
{
	if (t->desc == nullptr || !t->fixed)
		return nullptr;
	const char *ptr = DatumGetPointer(d);
	/*
	 * `tup` addresses the bytes as if the datum had a 4-byte header: a composite stored in a table row
	 * has a 1-byte header when short, which only drops the first 3 bytes of the length word.
	 */
	const char *tup;
	uint32 total;
	if (VARATT_IS_4B_U(ptr)) {
		tup = ptr;
		total = VARSIZE(ptr);
	} else if (VARATT_IS_1B(ptr) && !VARATT_IS_1B_E(ptr)) {
		tup = ptr - (VARHDRSZ - VARHDRSZ_SHORT);
		total = VARSIZE_1B(ptr) + (VARHDRSZ - VARHDRSZ_SHORT);
	} else
		return nullptr; /* compressed or external: let PostgreSQL detoast it */
	Oid typid;
	uint16 infomask2, infomask;
	std::memcpy(&typid, tup + offsetof(HeapTupleHeaderData, t_choice.t_datum.datum_typeid), sizeof typid);
	std::memcpy(&infomask2, tup + offsetof(HeapTupleHeaderData, t_infomask2), sizeof infomask2);
	std::memcpy(&infomask, tup + offsetof(HeapTupleHeaderData, t_infomask), sizeof infomask);
	uint8 hoff = static_cast<uint8>(tup[offsetof(HeapTupleHeaderData, t_hoff)]);
	if (typid != t->typid || (infomask2 & HEAP_NATTS_MASK) != natts || (infomask & HEAP_HASEXTERNAL))
		return nullptr;
	int last = natts - 1;
	bool lnull = false;
	if (infomask & HEAP_HASNULL) {
		const uint8 *bits = reinterpret_cast<const uint8 *>(tup + offsetof(HeapTupleHeaderData, t_bits));
		for (int i = 0; i < natts; i++)
			if (!(bits[i >> 3] & (1 << (i & 7)))) {
				if (i != last)
					return nullptr; /* the slow path reports the NULL field */
				lnull = true;
			}
	}
	if (static_cast<uint32>(hoff + (lnull ? t->off[last] : t->off[last] + t->len[last])) > total)
		return nullptr;
	*last_null = lnull;
	return tup + hoff;
}

__attribute__((noinline)) void
ReadComposite(MemoryContext mcxt, CompositeType *t, Datum d, int natts, const char *name, Datum *values, bool *nulls)
{
	bool last_null;
	if (const char *data = FixedData(t, d, natts, &last_null)) {
		for (int i = 0; i < natts; i++) {
			nulls[i] = i == natts - 1 && last_null;
			values[i] = nulls[i] ? (Datum) 0 : FetchUnaligned(data + t->off[i], t->len[i]);
		}
		return;
	}
	Deform(mcxt, t, d, natts, name, values, nulls);
}

Datum
FormComposite(const CompositeType &t, const Datum *values, const bool *nulls)
{
	int last = t.natts - 1;
	bool fast = t.fixed;
	for (int i = 0; i < last && fast; i++)
		fast = !nulls[i];
	if (!fast)
		return HeapTupleGetDatum(heap_form_tuple(t.desc, const_cast<Datum *>(values), const_cast<bool *>(nulls)));
	int k = nulls[last] ? 1 : 0;
	char *out = static_cast<char *>(palloc(t.tmpl_len[k]));
	std::memcpy(out, t.tmpl[k], t.tmpl_len[k]);
	char *data = out + t.tmpl_hoff[k];
	for (int i = 0; i <= last; i++) {
		if (nulls[i])
			continue;
		char *p = data + t.off[i];
		switch (t.len[i]) {
		case 8: *reinterpret_cast<int64 *>(p) = DatumGetInt64(values[i]); break;
		case 4: *reinterpret_cast<int32 *>(p) = DatumGetInt32(values[i]); break;
		case 2: *reinterpret_cast<int16 *>(p) = DatumGetInt16(values[i]); break;
		default: *p = DatumGetChar(values[i]); break;
		}
	}
	return PointerGetDatum(out);
}

/* The result type of the called function (composite), cached. */
void
ResultType(FunctionCallInfo fcinfo, MemoryContext mcxt, CompositeType *t, int natts, const char *name)
{
	if (t->desc != nullptr)
		return;
	Oid rettype;
	TupleDesc td;
	if (get_call_result_type(fcinfo, &rettype, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "%s: function does not return a composite", name);
	InitComposite(mcxt, rettype, natts, name, t);
}

/* ------------------------------------------------------------------------------------------ */
/* Steps, time zones                                                                           */

int
ReadSteps(Datum d, const char *field, srs::StepSpec **out)
{
	ArrayType *a = DatumGetArrayTypeP(d);
	if (ARR_NDIM(a) > 1)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("%s must be a one-dimensional array", field),
		                errhint("Write steps as a list, e.g. '{1 min,10 min}'.")));
	if (array_contains_nulls(a))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not contain NULL", field),
		                errhint("Remove the NULL elements; use '{}' for no steps.")));
	int n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	const Interval *iv = reinterpret_cast<const Interval *>(ARR_DATA_PTR(a));
	srs::StepSpec *steps = static_cast<srs::StepSpec *>(palloc((n + 1) * sizeof(srs::StepSpec)));
	for (int i = 0; i < n; i++)
		steps[i] = {iv[i].month, iv[i].day, iv[i].time};
	*out = steps;
	return n;
}

/* seconds east of UTC at instant t in zone (a pg_tz) */
static int64_t
ZoneOffset(const void *zone, srs::Timestamp t)
{
	int64_t secs = t / USECS_PER_SEC;
	if (t % USECS_PER_SEC < 0)
		secs -= 1;
	pg_time_t unix_secs = secs + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
	struct pg_tm *tm = pg_localtime(&unix_secs, static_cast<const pg_tz *>(zone));
	return tm ? tm->tm_gmtoff : 0;
}

srs::DayClock
ReadDayClock(Datum tzname)
{
	srs::DayClock day;
	char *name = TextDatumGetCString(tzname);
	pg_tz *tz = pg_tzset(name);
	if (tz == nullptr)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("time zone \"%s\" not recognized", name),
		                errhint("Use a name from pg_timezone_names, e.g. 'UTC' or 'Asia/Tokyo'.")));
	long gmtoff;
	if (pg_get_timezone_offset(tz, &gmtoff))
		day.fixed_offset_us = static_cast<int64_t>(gmtoff) * USECS_PER_SEC;
	else {
		day.offset_fn = ZoneOffset;
		day.zone = tz;
	}
	return day;
}

/* ------------------------------------------------------------------------------------------ */
/* Per-call-site cache                                                                         */

FnCache *
GetCache(FunctionCallInfo fcinfo)
{
	FmgrInfo *fl = fcinfo->flinfo;
	if (fl->fn_extra == nullptr) {
		FnCache *c = static_cast<FnCache *>(MemoryContextAllocZero(fl->fn_mcxt, sizeof(FnCache)));
		c->mcxt = fl->fn_mcxt;
		fl->fn_extra = c;
	}
	return static_cast<FnCache *>(fl->fn_extra);
}

/* Find the decoded parameters for composite datum d, decoding on a miss with `decode`. */
void *LookupParamsByBytes(FnCache *c, Datum d, size_t size, void (*decode)(FnCache *, HeapTupleHeader, void *));

void *
LookupParams(FunctionCallInfo fcinfo, FnCache *c, int argno, Datum d, size_t size,
             void (*decode)(FnCache *, HeapTupleHeader, void *))
{
	if (argno >= 0 && c->params_stable == 0)
		c->params_stable = get_fn_expr_arg_stable(fcinfo->flinfo, argno) ? 1 : -1;
	if (argno >= 0 && c->params_stable == 1 && c->stable_params != nullptr)
		return c->stable_params;
	void *found = LookupParamsByBytes(c, d, size, decode);
	if (argno >= 0 && c->params_stable == 1)
		c->stable_params = found;
	return found;
}

__attribute__((noinline)) void *
LookupParamsByBytes(FnCache *c, Datum d, size_t size, void (*decode)(FnCache *, HeapTupleHeader, void *))
{
	HeapTupleHeader th = DatumGetHeapTupleHeader(d);
	uint32 len = HeapTupleHeaderGetDatumLength(th);
	for (int i = 0; i < c->n_params; i++) {
		ParamsEntry &e = c->params[(c->last_hit + i) % c->n_params];
		if (e.len == len && std::memcmp(e.bytes, th, len) == 0) {
			c->last_hit = (c->last_hit + i) % c->n_params;
			return e.decoded;
		}
	}
	/* miss: decode into a scratch buffer first, so a validation error leaves the cache intact */
	void *scratch = MemoryContextAlloc(c->mcxt, size);
	decode(c, th, scratch);
	int slot;
	if (c->n_params < kParamsCacheSize)
		slot = c->n_params++;
	else {
		slot = c->next_evict;
		c->next_evict = (c->next_evict + 1) % kParamsCacheSize;
		pfree(c->params[slot].bytes);
		pfree(c->params[slot].decoded);
	}
	ParamsEntry &e = c->params[slot];
	e.bytes = static_cast<char *>(MemoryContextAlloc(c->mcxt, len));
	std::memcpy(e.bytes, th, len);
	e.len = len;
	e.decoded = scratch;
	c->last_hit = slot;
	return scratch;
}

}  // namespace shinjp::srs::glue

namespace shinjp::srs::glue {

/* ------------------------------------------------------------------------------------------ */
/* FSRS cards and parameters                                                                   */

srs::Card
ReadFsrsCard(MemoryContext mcxt, CompositeType *t, Datum d)
{
	srs::Card card;
	bool last_null;
	if (const char *data = FixedData(t, d, kCardAtts, &last_null)) {
		/* the hot path: fields straight from the tuple bytes */
		const int16 *off = t->off;
		std::memcpy(&card.due, data + off[0], sizeof card.due);
		std::memcpy(&card.stability, data + off[1], sizeof card.stability);
		std::memcpy(&card.difficulty, data + off[2], sizeof card.difficulty);
		std::memcpy(&card.elapsed_days, data + off[3], sizeof card.elapsed_days);
		std::memcpy(&card.scheduled_days, data + off[4], sizeof card.scheduled_days);
		std::memcpy(&card.learning_steps, data + off[5], sizeof card.learning_steps);
		std::memcpy(&card.reps, data + off[6], sizeof card.reps);
		std::memcpy(&card.lapses, data + off[7], sizeof card.lapses);
		Oid state;
		std::memcpy(&state, data + off[8], sizeof state);
		card.state = static_cast<srs::State>(StateOf(*t, state));
		card.has_last_review = !last_null;
		if (!last_null) {
			std::memcpy(&card.last_review, data + off[9], sizeof card.last_review);
			FiniteTime(card.last_review, "card last_review");
		}
		return card;
	}
	Datum v[kCardAtts];
	bool n[kCardAtts];
	ReadComposite(mcxt, t, d, kCardAtts, "shinjp.card", v, n);
	static const char *names[kCardAtts] = {"due",  "stability", "difficulty", "elapsed_days", "scheduled_days",
	                                      "learning_steps", "reps", "lapses", "state", "last_review"};
	for (int i = 0; i < kCardAtts - 1; i++)
		if (n[i])
			NullField("card", names[i], "Only last_review may be NULL (for a new card); start from shinjp.fsrs_new_card().");
	card.due = DatumGetTimestampTz(v[0]);
	card.stability = DatumGetFloat8(v[1]);
	card.difficulty = DatumGetFloat8(v[2]);
	card.elapsed_days = DatumGetInt32(v[3]);
	card.scheduled_days = DatumGetInt32(v[4]);
	card.learning_steps = DatumGetInt32(v[5]);
	card.reps = DatumGetInt32(v[6]);
	card.lapses = DatumGetInt32(v[7]);
	card.state = static_cast<srs::State>(StateOf(*t, DatumGetObjectId(v[8])));
	card.has_last_review = !n[9];
	if (card.has_last_review)
		card.last_review = FiniteTime(DatumGetTimestampTz(v[9]), "card last_review");
	return card;
}

Datum
WriteFsrsCard(const CompositeType &t, const srs::Card &card)
{
	if (t.fixed) {
		/* the hot path: the header template, then the fields at their offsets */
		int k = card.has_last_review ? 0 : 1;
		char *out = static_cast<char *>(palloc(t.tmpl_len[k]));
		std::memcpy(out, t.tmpl[k], t.tmpl_len[k]);
		char *data = out + t.tmpl_hoff[k];
		const int16 *off = t.off;
		Oid state = t.state_oid[static_cast<int>(card.state)];
		std::memcpy(data + off[0], &card.due, sizeof card.due);
		std::memcpy(data + off[1], &card.stability, sizeof card.stability);
		std::memcpy(data + off[2], &card.difficulty, sizeof card.difficulty);
		std::memcpy(data + off[3], &card.elapsed_days, sizeof card.elapsed_days);
		std::memcpy(data + off[4], &card.scheduled_days, sizeof card.scheduled_days);
		std::memcpy(data + off[5], &card.learning_steps, sizeof card.learning_steps);
		std::memcpy(data + off[6], &card.reps, sizeof card.reps);
		std::memcpy(data + off[7], &card.lapses, sizeof card.lapses);
		std::memcpy(data + off[8], &state, sizeof state);
		if (card.has_last_review)
			std::memcpy(data + off[9], &card.last_review, sizeof card.last_review);
		return PointerGetDatum(out);
	}
	Datum v[kCardAtts];
	bool n[kCardAtts] = {false, false, false, false, false, false, false, false, false, !card.has_last_review};
	v[0] = TimestampTzGetDatum(card.due);
	v[1] = Float8GetDatum(card.stability);
	v[2] = Float8GetDatum(card.difficulty);
	v[3] = Int32GetDatum(card.elapsed_days);
	v[4] = Int32GetDatum(card.scheduled_days);
	v[5] = Int32GetDatum(card.learning_steps);
	v[6] = Int32GetDatum(card.reps);
	v[7] = Int32GetDatum(card.lapses);
	v[8] = ObjectIdGetDatum(t.state_oid[static_cast<int>(card.state)]);
	v[9] = TimestampTzGetDatum(card.last_review);
	return FormComposite(t, v, n);
}

static void
DecodeFsrsParams(FnCache *c, HeapTupleHeader th, void *out)
{
	Datum v[kParamsAtts];
	bool n[kParamsAtts];
	Deform(c->mcxt, &c->params_type, PointerGetDatum(th), kParamsAtts, "shinjp.fsrs_params", v, n);
	static const char *names[kParamsAtts] = {"weights", "desired_retention", "maximum_interval", "learning_steps",
	                                        "relearning_steps", "enable_short_term", "enable_fuzz", "day_timezone",
	                                        "day_rollover_hour"};
	for (int i = 0; i < kParamsAtts; i++)
		if (n[i])
			NullField("FSRS parameter", names[i], "Build parameters with shinjp.fsrs_params(...), which fills in every default.");
	ArrayType *w = DatumGetArrayTypeP(v[0]);
	if (ARR_NDIM(w) > 1)
		ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR), errmsg("FSRS weights must be a one-dimensional array"),
		                errhint("Pass the 21 FSRS-6 weights (or 19 FSRS-5 weights) as float8[].")));
	if (array_contains_nulls(w))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("FSRS weights must not contain NULL"),
		                errhint("Every weight must be a finite number.")));
	srs::ParamsSpec spec;
	spec.weights = reinterpret_cast<const double *>(ARR_DATA_PTR(w));
	spec.n_weights = ArrayGetNItems(ARR_NDIM(w), ARR_DIMS(w));
	spec.desired_retention = DatumGetFloat8(v[1]);
	spec.maximum_interval = DatumGetInt32(v[2]);
	srs::StepSpec *ls, *rs;
	spec.n_learning_steps = ReadSteps(v[3], "learning steps", &ls);
	spec.learning_steps = ls;
	spec.n_relearning_steps = ReadSteps(v[4], "relearning steps", &rs);
	spec.relearning_steps = rs;
	spec.enable_short_term = DatumGetBool(v[5]);
	spec.enable_fuzz = DatumGetBool(v[6]);
	srs::DayClock day = ReadDayClock(v[7]);
	spec.day_rollover_hour = DatumGetInt32(v[8]);
	/* throws shinjp::Error: only trivially destructible objects are live */
	*static_cast<srs::Params *>(out) = srs::MakeParams(spec, day);
	pfree(ls);
	pfree(rs);
}

const srs::Params &
ReadFsrsParams(FunctionCallInfo fcinfo, FnCache *c, int argno)
{
	return *static_cast<const srs::Params *>(
		LookupParams(fcinfo, c, argno, PG_GETARG_DATUM(argno), sizeof(srs::Params), DecodeFsrsParams));
}

Datum
BuildParams(FunctionCallInfo fcinfo, FnCache *c, int natts, const char *name, size_t size,
            void (*decode)(FnCache *, HeapTupleHeader, void *))
{
	ResultType(fcinfo, c->mcxt, &c->params_type, natts, name);
	Datum v[FUNC_MAX_ARGS];
	bool n[FUNC_MAX_ARGS];
	for (int i = 0; i < natts; i++) {
		v[i] = PG_GETARG_DATUM(i);
		n[i] = false;
	}
	Datum result = HeapTupleGetDatum(heap_form_tuple(c->params_type.desc, v, n));
	LookupParams(fcinfo, c, -1, result, size, decode);
	return result;
}

void
PutPreviewRows(FunctionCallInfo fcinfo, TimestampTz at, const TimestampTz due[4], const Datum cards[4])
{
	InitMaterializedSRF(fcinfo, 0);
	ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	for (int g = 1; g <= 4; g++) {
		Datum v[4];
		bool n[4] = {false, false, false, false};
		v[0] = Int32GetDatum(g);
		v[1] = CStringGetTextDatum(srs::RatingName(g));
		v[2] = DirectFunctionCall2(timestamp_mi, TimestampTzGetDatum(due[g - 1]), TimestampTzGetDatum(at));
		v[3] = cards[g - 1];
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, n);
	}
}

bool
ReplayRowCounts(FunctionCallInfo fcinfo, const char *aggregate, MemoryContext *aggcxt)
{
	if (!AggCheckCallContext(fcinfo, aggcxt))
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s_step called in non-aggregate context", aggregate)));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return false;
	if (PG_ARGISNULL(3))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s parameters must not be NULL", aggregate),
		                errhint("Pass shinjp.%s(...) as the third argument.",
		                        std::strcmp(aggregate, "sm2_replay") == 0 ? "sm2_params" : "fsrs_params")));
	return true;
}

}  // namespace shinjp::srs::glue

using namespace shinjp::srs::glue;

namespace {

srs::Card
ReadCard(FnCache *c, Datum d)
{
	return ReadFsrsCard(c->mcxt, &c->card, d);
}

Datum
WriteCard(FnCache *c, const srs::Card &card)
{
	return WriteFsrsCard(c->card, card);
}

}  // namespace

/* ---------------------------------------------------------------------------------------------- */
/* SQL functions                                                                                   */

/* shinjp.fsrs_params(weights, desired_retention, ...) — build and validate */
SHINJP_FUNCTION(shinjp_fsrs_params)
{
	return BuildParams(fcinfo, GetCache(fcinfo), kParamsAtts, "shinjp.fsrs_params", sizeof(srs::Params), DecodeFsrsParams);
}

/* shinjp.fsrs_effective_weights(params) → float8[21] */
SHINJP_FUNCTION(shinjp_fsrs_effective_weights)
{
	FnCache *c = GetCache(fcinfo);
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 0);
	Datum w[srs::kNumWeights];
	for (int i = 0; i < srs::kNumWeights; i++)
		w[i] = Float8GetDatum(p.w[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(w, srs::kNumWeights, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* shinjp.learner_day(at, params) → date */
SHINJP_FUNCTION(shinjp_fsrs_learner_day)
{
	FnCache *c = GetCache(fcinfo);
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(0), "at");
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 1);
	PG_RETURN_DATEADT(static_cast<DateADT>(p.day.Day(at)));
}

/* shinjp.fsrs_new_card(at) */
SHINJP_FUNCTION(shinjp_fsrs_new_card)
{
	FnCache *c = GetCache(fcinfo);
	ResultType(fcinfo, c->mcxt, &c->card, kCardAtts, "shinjp.card");
	return WriteCard(c, srs::NewCard(FiniteTime(PG_GETARG_TIMESTAMPTZ(0), "at")));
}

/*
 * The hot path (a million rows per statement): flatten inlines the fixed-offset card read and write
 * and the parameter-cache hit into one body; first-call and slow paths stay out of line (noinline).
 */
static __attribute__((flatten)) Datum
FsrsReview(FunctionCallInfo fcinfo)
{
	FnCache *c = GetCache(fcinfo);
	srs::Card card = ReadCard(c, PG_GETARG_DATUM(0));
	int32 rating = PG_GETARG_INT32(1);
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(2), "reviewed_at");
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 3);
	return WriteCard(c, srs::Review(p, card, rating, at)); /* Review validates the rating first */
}

/* shinjp.fsrs_review(card, rating, reviewed_at, params) */
SHINJP_FUNCTION(shinjp_fsrs_review)
{
	return FsrsReview(fcinfo);
}

/* shinjp.fsrs_preview(card, at, params) → (rating, label, next_interval, next_card) × 4 */
SHINJP_FUNCTION(shinjp_fsrs_preview)
{
	FnCache *c = GetCache(fcinfo);
	srs::Card card = ReadCard(c, PG_GETARG_DATUM(0));
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(1), "at");
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 2);
	srs::Card out[4];
	srs::Preview(p, card, at, out);
	TimestampTz due[4];
	Datum cards[4];
	for (int i = 0; i < 4; i++) {
		due[i] = out[i].due;
		cards[i] = WriteCard(c, out[i]);
	}
	PutPreviewRows(fcinfo, at, due, cards);
	return (Datum) 0;
}

/* shinjp.fsrs_retrievability(card, at, params) */
SHINJP_FUNCTION(shinjp_fsrs_retrievability)
{
	FnCache *c = GetCache(fcinfo);
	srs::Card card = ReadCard(c, PG_GETARG_DATUM(0));
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(1), "at");
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 2);
	PG_RETURN_FLOAT8(srs::Retrievability(p, card, at));
}

/* shinjp.fsrs_reschedule(card, params, at) */
SHINJP_FUNCTION(shinjp_fsrs_reschedule)
{
	FnCache *c = GetCache(fcinfo);
	srs::Card card = ReadCard(c, PG_GETARG_DATUM(0));
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 1);
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(2), "at");
	return WriteCard(c, srs::Reschedule(p, card, at));
}

/* shinjp.fsrs_memory_from_sm2(ease, interval_days, params, sm2_retention) → memory_state */
SHINJP_FUNCTION(shinjp_fsrs_memory_from_sm2)
{
	FnCache *c = GetCache(fcinfo);
	double ease = PG_GETARG_FLOAT8(0), interval = PG_GETARG_FLOAT8(1);
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 2);
	double retention = PG_GETARG_FLOAT8(3);
	srs::MemoryState m = srs::MemoryFromSm2(p, ease, interval, retention);
	ResultType(fcinfo, c->mcxt, &c->aux, 2, "shinjp.memory_state");
	Datum v[2] = {Float8GetDatum(m.stability), Float8GetDatum(m.difficulty)};
	bool n[2] = {false, false};
	return HeapTupleGetDatum(heap_form_tuple(c->aux.desc, v, n));
}

/* fsrs_replay(rating, reviewed_at, params [, start] ORDER BY reviewed_at): transition */
namespace {
struct ReplayState {
	srs::Card card;
};
}  // namespace

SHINJP_FUNCTION(shinjp_fsrs_replay_step)
{
	MemoryContext aggcxt;
	ReplayState *st = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<ReplayState *>(PG_GETARG_POINTER(0));
	if (!ReplayRowCounts(fcinfo, "fsrs_replay", &aggcxt)) {
		if (st == nullptr)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	FnCache *c = GetCache(fcinfo);
	int32 rating = PG_GETARG_INT32(1);
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(2), "reviewed_at");
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 3);
	srs::ValidateRating(rating);
	if (st == nullptr) {
		/* the starting card: fsrs_replay(..., start) (e.g. converted from SM-2), else a new card */
		srs::Card start = PG_NARGS() > 4 && !PG_ARGISNULL(4) ? ReadCard(c, PG_GETARG_DATUM(4)) : srs::NewCard(at);
		st = static_cast<ReplayState *>(MemoryContextAllocZero(aggcxt, sizeof(ReplayState)));
		st->card = start;
	}
	st->card = srs::Review(p, st->card, rating, at);
	PG_RETURN_POINTER(st);
}

/* fsrs_replay: final */
SHINJP_FUNCTION(shinjp_fsrs_replay_final)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	FnCache *c = GetCache(fcinfo);
	ResultType(fcinfo, c->mcxt, &c->card, kCardAtts, "shinjp.card");
	return WriteCard(c, reinterpret_cast<ReplayState *>(PG_GETARG_POINTER(0))->card);
}
