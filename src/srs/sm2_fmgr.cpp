/*
 * sm2_fmgr.cpp — SQL entry points of the SM-2 scheduler and of the SM-2 → FSRS conversion
 * (sql/install/10_srs.sql).  Same structure as srs_fmgr.cpp: cached types, cached parameters, POD
 * locals only (STYLE.md §3).
 */
#include "pg/boundary.hpp"
#include "srs/sm2.hpp"
#include "srs/srs_glue.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"
}

namespace srs = shinjp::srs;
namespace sm2 = shinjp::srs::sm2;
using namespace shinjp::srs::glue;

namespace {

constexpr int kSm2CardAtts = 8;
constexpr int kSm2ParamsAtts = 14;

sm2::Sm2Card
ReadSm2Card(FnCache *c, Datum d)
{
	Datum v[kSm2CardAtts];
	bool n[kSm2CardAtts];
	ReadComposite(c->mcxt, &c->card, d, kSm2CardAtts, "shinjp.sm2_card", v, n);
	static const char *names[kSm2CardAtts] = {"due", "interval_days", "ease", "reps", "lapses", "state", "learning_step", "last_review"};
	for (int i = 0; i < kSm2CardAtts - 1; i++)
		if (n[i])
			NullField("SM-2 card", names[i], "Only last_review may be NULL (for a new card); start from shinjp.sm2_new_card().");
	sm2::Sm2Card card;
	card.due = DatumGetTimestampTz(v[0]);
	card.interval_days = DatumGetInt32(v[1]);
	card.ease = DatumGetFloat8(v[2]);
	card.reps = DatumGetInt32(v[3]);
	card.lapses = DatumGetInt32(v[4]);
	card.state = static_cast<srs::State>(StateOf(c->card, DatumGetObjectId(v[5])));
	card.learning_step = DatumGetInt32(v[6]);
	card.has_last_review = !n[7];
	if (card.has_last_review)
		card.last_review = FiniteTime(DatumGetTimestampTz(v[7]), "card last_review");
	return card;
}

Datum
WriteSm2Card(FnCache *c, const sm2::Sm2Card &card)
{
	Datum v[kSm2CardAtts];
	bool n[kSm2CardAtts] = {false, false, false, false, false, false, false, !card.has_last_review};
	v[0] = TimestampTzGetDatum(card.due);
	v[1] = Int32GetDatum(card.interval_days);
	v[2] = Float8GetDatum(card.ease);
	v[3] = Int32GetDatum(card.reps);
	v[4] = Int32GetDatum(card.lapses);
	v[5] = ObjectIdGetDatum(c->card.state_oid[static_cast<int>(card.state)]);
	v[6] = Int32GetDatum(card.learning_step);
	v[7] = TimestampTzGetDatum(card.last_review);
	return FormComposite(c->card, v, n);
}

void
DecodeSm2Params(FnCache *c, HeapTupleHeader th, void *out)
{
	Datum v[kSm2ParamsAtts];
	bool n[kSm2ParamsAtts];
	Deform(c->mcxt, &c->params_type, PointerGetDatum(th), kSm2ParamsAtts, "shinjp.sm2_params", v, n);
	static const char *names[kSm2ParamsAtts] = {
		"learning_steps", "relearning_steps", "graduating_interval", "easy_interval", "starting_ease",
		"easy_bonus", "hard_interval", "interval_modifier", "lapse_interval", "minimum_interval",
		"maximum_interval", "enable_fuzz", "day_timezone", "day_rollover_hour"};
	for (int i = 0; i < kSm2ParamsAtts; i++)
		if (n[i])
			NullField("SM-2 parameter", names[i], "Build parameters with shinjp.sm2_params(...), which fills in every default.");
	sm2::Sm2ParamsSpec spec;
	srs::StepSpec *ls, *rs;
	spec.n_learning_steps = ReadSteps(v[0], "learning steps", &ls);
	spec.learning_steps = ls;
	spec.n_relearning_steps = ReadSteps(v[1], "relearning steps", &rs);
	spec.relearning_steps = rs;
	spec.graduating_interval = DatumGetInt32(v[2]);
	spec.easy_interval = DatumGetInt32(v[3]);
	spec.starting_ease = DatumGetFloat8(v[4]);
	spec.easy_bonus = DatumGetFloat8(v[5]);
	spec.hard_interval = DatumGetFloat8(v[6]);
	spec.interval_modifier = DatumGetFloat8(v[7]);
	spec.lapse_interval = DatumGetFloat8(v[8]);
	spec.minimum_interval = DatumGetInt32(v[9]);
	spec.maximum_interval = DatumGetInt32(v[10]);
	spec.enable_fuzz = DatumGetBool(v[11]);
	srs::DayClock day = ReadDayClock(v[12]);
	spec.day_rollover_hour = DatumGetInt32(v[13]);
	*static_cast<sm2::Sm2Params *>(out) = sm2::MakeSm2Params(spec, day);
	pfree(ls);
	pfree(rs);
}

const sm2::Sm2Params &
ReadSm2Params(FunctionCallInfo fcinfo, FnCache *c, int argno)
{
	return *static_cast<const sm2::Sm2Params *>(
		LookupParams(fcinfo, c, argno, PG_GETARG_DATUM(argno), sizeof(sm2::Sm2Params), DecodeSm2Params));
}

struct Sm2ReplayState {
	sm2::Sm2Card card;
};

}  // namespace

/* shinjp.sm2_params(...) — build and validate */
SHINJP_FUNCTION(shinjp_sm2_params)
{
	return BuildParams(fcinfo, GetCache(fcinfo), kSm2ParamsAtts, "shinjp.sm2_params", sizeof(sm2::Sm2Params), DecodeSm2Params);
}

/* shinjp.learner_day(at, sm2_params) → date */
SHINJP_FUNCTION(shinjp_sm2_learner_day)
{
	FnCache *c = GetCache(fcinfo);
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(0), "at");
	const sm2::Sm2Params &p = ReadSm2Params(fcinfo, c, 1);
	PG_RETURN_DATEADT(static_cast<DateADT>(p.day.Day(at)));
}

/* shinjp.sm2_new_card(at) */
SHINJP_FUNCTION(shinjp_sm2_new_card)
{
	FnCache *c = GetCache(fcinfo);
	ResultType(fcinfo, c->mcxt, &c->card, kSm2CardAtts, "shinjp.sm2_card");
	return WriteSm2Card(c, sm2::NewSm2Card(FiniteTime(PG_GETARG_TIMESTAMPTZ(0), "at")));
}

/* shinjp.sm2_review(card, rating, reviewed_at, params) */
SHINJP_FUNCTION(shinjp_sm2_review)
{
	FnCache *c = GetCache(fcinfo);
	sm2::Sm2Card card = ReadSm2Card(c, PG_GETARG_DATUM(0));
	int32 rating = PG_GETARG_INT32(1);
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(2), "reviewed_at");
	const sm2::Sm2Params &p = ReadSm2Params(fcinfo, c, 3);
	srs::ValidateRating(rating);
	return WriteSm2Card(c, sm2::Review(p, card, rating, at));
}

/* shinjp.sm2_preview(card, at, params) → (rating, label, next_interval, next_card) × 4 */
SHINJP_FUNCTION(shinjp_sm2_preview)
{
	FnCache *c = GetCache(fcinfo);
	sm2::Sm2Card card = ReadSm2Card(c, PG_GETARG_DATUM(0));
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(1), "at");
	const sm2::Sm2Params &p = ReadSm2Params(fcinfo, c, 2);
	sm2::Sm2Card out[4];
	sm2::Preview(p, card, at, out);
	TimestampTz due[4];
	Datum cards[4];
	for (int i = 0; i < 4; i++) {
		due[i] = out[i].due;
		cards[i] = WriteSm2Card(c, out[i]);
	}
	PutPreviewRows(fcinfo, at, due, cards);
	return (Datum) 0;
}

/* shinjp.sm2_grade(quality 0..5) → rating 1..4 */
SHINJP_FUNCTION(shinjp_sm2_grade)
{
	PG_RETURN_INT32(sm2::GradeFromQuality(PG_GETARG_INT32(0)));
}

/* sm2_replay(rating, reviewed_at, params ORDER BY reviewed_at): transition */
SHINJP_FUNCTION(shinjp_sm2_replay_step)
{
	MemoryContext aggcxt;
	Sm2ReplayState *st = PG_ARGISNULL(0) ? nullptr : reinterpret_cast<Sm2ReplayState *>(PG_GETARG_POINTER(0));
	if (!ReplayRowCounts(fcinfo, "sm2_replay", &aggcxt)) {
		if (st == nullptr)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	FnCache *c = GetCache(fcinfo);
	int32 rating = PG_GETARG_INT32(1);
	TimestampTz at = FiniteTime(PG_GETARG_TIMESTAMPTZ(2), "reviewed_at");
	const sm2::Sm2Params &p = ReadSm2Params(fcinfo, c, 3);
	srs::ValidateRating(rating);
	if (st == nullptr) {
		st = static_cast<Sm2ReplayState *>(MemoryContextAllocZero(aggcxt, sizeof(Sm2ReplayState)));
		st->card = sm2::NewSm2Card(at);
	}
	st->card = sm2::Review(p, st->card, rating, at);
	PG_RETURN_POINTER(st);
}

/* sm2_replay: final */
SHINJP_FUNCTION(shinjp_sm2_replay_final)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	FnCache *c = GetCache(fcinfo);
	ResultType(fcinfo, c->mcxt, &c->card, kSm2CardAtts, "shinjp.sm2_card");
	return WriteSm2Card(c, reinterpret_cast<Sm2ReplayState *>(PG_GETARG_POINTER(0))->card);
}

/*
 * shinjp.sm2_to_fsrs(card, params, sm2_retention) → shinjp.card: review and relearning cards get the
 * memory state their ease and interval imply; new and learning cards become new FSRS cards.
 */
SHINJP_FUNCTION(shinjp_sm2_to_fsrs)
{
	FnCache *c = GetCache(fcinfo);
	sm2::Sm2Card s = ReadSm2Card(c, PG_GETARG_DATUM(0));
	const srs::Params &p = ReadFsrsParams(fcinfo, c, 1);
	double retention = PG_GETARG_FLOAT8(2);
	sm2::ValidateSm2Card(s);
	srs::Card f = srs::NewCard(s.due);
	f.reps = s.reps;
	f.lapses = s.lapses;
	if (s.state == srs::State::Review || s.state == srs::State::Relearning) {
		srs::MemoryState m = srs::MemoryFromSm2(p, s.ease, s.interval_days, retention);
		f.stability = m.stability;
		f.difficulty = m.difficulty;
		f.state = s.state;
		f.scheduled_days = s.state == srs::State::Review ? s.interval_days : 0;
		f.learning_steps = s.state == srs::State::Relearning ? s.learning_step : 0;
		f.has_last_review = s.has_last_review;
		f.last_review = s.last_review;
	}
	ResultType(fcinfo, c->mcxt, &c->aux, kCardAtts, "shinjp.card");
	return WriteFsrsCard(c->aux, f);
}
