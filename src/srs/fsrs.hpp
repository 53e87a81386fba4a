/*
 * fsrs.hpp — the FSRS-6 scheduler as a PG-free core (FSRS-5 weight vectors are migrated to 21).
 *
 * Numerically this follows ts-fsrs 5.4.2 ("using FSRS-6.0") step for step, including its rounding
 * of intermediates to 8 decimals (JsRound8), its learning-step rules (Hard = mean of the first two
 * steps, or 1.5 × a single step) and its fuzz (Alea seeded with "<ms>_<reps>_<d*s>"), so that with
 * a UTC day boundary every result equals ts-fsrs exactly.  The parts:
 *
 *   Params      validated parameters plus derived constants (decay, factor, interval modifier);
 *               trivially copyable, so the SQL glue caches it as raw bytes.
 *   Card        the scheduling state of one card (the SQL composite shinjp.card).
 *   Review()    one answer → the next card;  Preview() all four;  Retrievability();  Reschedule().
 *   Model       the bare FSRS-6 formulas on (stability, difficulty), for the optimizer and replay.
 *
 * Time is PostgreSQL's TimestampTz (µs since 2000-01-01 00:00 UTC).  Elapsed days are differences
 * of learner days: calendar days in DayClock's zone, starting at its rollover hour (UTC and 0 by
 * default, which is what ts-fsrs does).
 *
 * Errors are shinjp::Error with SQLSTATE, message, detail and hint (see ValidateCard, MakeParams).
 */
#pragma once

#include <cstdint>

#include "core.hpp"

namespace shinjp::srs {

using Timestamp = int64_t; /* µs since 2000-01-01 00:00:00 UTC, as PostgreSQL's TimestampTz */

inline constexpr int64_t kUsecPerMinute = INT64_C(60000000);
inline constexpr int64_t kUsecPerHour = INT64_C(3600000000);
inline constexpr int64_t kUsecPerDay = INT64_C(86400000000);
/* 1970-01-01 (JavaScript's epoch) in TimestampTz milliseconds: -946684800000. */
inline constexpr int64_t kUnixEpochMs = INT64_C(-946684800000);

/* The card states, numbered as ts-fsrs and ordered as the SQL enum shinjp.card_state. */
enum class State : int { New = 0, Learning = 1, Review = 2, Relearning = 3 };

/* Answer buttons. */
enum Rating : int { kAgain = 1, kHard = 2, kGood = 3, kEasy = 4 };

const char *StateName(State s);
const char *RatingName(int rating);

/* Model constants (ts-fsrs constant.ts). */
inline constexpr double kSMin = 0.001;
inline constexpr double kSMax = 36500.0;
inline constexpr double kInitSMax = 100.0;
inline constexpr double kFsrs5Decay = 0.5;
inline constexpr int kNumWeights = 21;
inline constexpr int kMaxSteps = 32;
inline constexpr int kMaxInterval = 36500;
inline constexpr int kMaxStepMinutes = 36500 * 1440;

/* FSRS-6 default weights (ts-fsrs default_w). */
extern const double kDefaultWeights[kNumWeights];

/*
 * Where a learner's day starts.  Day(t) = floor((t + utc_offset(t) - rollover) / 1 day).
 * A fixed-offset zone (UTC) needs no callback; other zones get their offset from `offset_fn`
 * (supplied by the SQL glue from PostgreSQL's tz database).
 */
struct DayClock {
	int64_t rollover_us = 0;   /* rollover hour × 1 h */
	int64_t fixed_offset_us = 0; /* used when offset_fn is null */
	/* seconds east of UTC at instant t in `zone`; must not throw */
	int64_t (*offset_fn)(const void *zone, Timestamp t) = nullptr;
	const void *zone = nullptr;

	int64_t Day(Timestamp t) const;
	bool IsUtc() const { return offset_fn == nullptr && fixed_offset_us == 0 && rollover_us == 0; }
};

/* A step as written in SQL (an interval): months, days and microseconds. */
struct StepSpec {
	int32_t months;
	int32_t days;
	int64_t usecs;
};

/* ts-fsrs default steps: learning 1 min, 10 min; relearning 10 min. */
inline constexpr StepSpec kDefaultLearningSteps[2] = {{0, 0, 1 * kUsecPerMinute}, {0, 0, 10 * kUsecPerMinute}};
inline constexpr StepSpec kDefaultRelearningSteps[1] = {{0, 0, 10 * kUsecPerMinute}};

/* What the caller asks for (defaults = ts-fsrs defaults); MakeParams validates it.  Arrays are borrowed. */
struct ParamsSpec {
	const double *weights = nullptr; /* null = FSRS-6 defaults */
	int n_weights = 0;
	double desired_retention = 0.9;
	int64_t maximum_interval = 36500;
	const StepSpec *learning_steps = kDefaultLearningSteps;
	int n_learning_steps = 2;
	const StepSpec *relearning_steps = kDefaultRelearningSteps;
	int n_relearning_steps = 1;
	bool enable_short_term = true;
	bool enable_fuzz = false;
	int64_t day_rollover_hour = 0;
};

/*
 * Check steps (positive, whole minutes, no months, ascending, at most kMaxSteps) and convert them to
 * minutes in out[]; `which` names them in errors ("learning steps").  Returns n.
 */
int32_t ConvertSteps(const char *which, const StepSpec *steps, int n, int32_t *out);

/* Validated parameters and derived constants.  Trivially copyable (cached as bytes by the glue). */
struct Params {
	double w[kNumWeights];   /* effective FSRS-6 weights (19 are migrated, w17/w18 ceiling applied) */
	int n_weights_given;     /* 19 or 21 */
	double desired_retention;
	int32_t maximum_interval;
	int32_t n_learning_steps;
	int32_t n_relearning_steps;
	int32_t learning_steps[kMaxSteps];   /* whole minutes */
	int32_t relearning_steps[kMaxSteps]; /* whole minutes */
	bool enable_short_term;
	bool enable_fuzz;
	DayClock day;
	/* derived */
	double decay;             /* -w20 */
	double factor;            /* 0.9^(1/decay) - 1, rounded to 8 decimals */
	double interval_modifier; /* (R^(1/decay) - 1) / factor, rounded to 8 decimals */
	double exp_w8;            /* e^w8 */
	double init_d_easy;       /* D0(Easy), for mean reversion */
	double short_term_floor;  /* s / e^(w17·w18) divisor: e^(w17·w18) (short-term on) or 1 */
};

/* Validate `spec` (throws shinjp::Error) and derive the constants.  `day` is copied in as given. */
Params MakeParams(const ParamsSpec &spec, const DayClock &day = DayClock());

/* The scheduling state of one card (SQL composite shinjp.card). */
struct Card {
	Timestamp due = 0;
	double stability = 0;
	double difficulty = 0;
	int32_t elapsed_days = 0;
	int32_t scheduled_days = 0;
	int32_t learning_steps = 0;
	int32_t reps = 0;
	int32_t lapses = 0;
	State state = State::New;
	bool has_last_review = false;
	Timestamp last_review = 0;
};

/* A new card, due at `at` (ts-fsrs createEmptyCard). */
Card NewCard(Timestamp at);

/* Throw 22023 if the card is inconsistent (NaN, negative counters, D outside [1,10], ...). */
void ValidateCard(const Card &card);
/* Throw 22023 unless 1 <= rating <= 4. */
void ValidateRating(int64_t rating);

/* The next card after answering `rating` at `now` (validates card, rating and time order). */
Card Review(const Params &p, const Card &card, int rating, Timestamp now);

/* All four outcomes (index 0 = Again ... 3 = Easy), as the answer buttons would show them. */
void Preview(const Params &p, const Card &card, Timestamp now, Card out[4]);

/*
 * Probability of recall at `now` (ts-fsrs get_retrievability): 0 for a new card, otherwise the
 * forgetting curve at whole 24-hour periods since the last review (never negative).
 */
double Retrievability(const Params &p, const Card &card, Timestamp now);

/*
 * New due date for a review card from its current memory state under (new) parameters: the interval
 * the parameters give for its stability, counted from its last review.  `at` (not before the last
 * review) bounds the fuzz like a review at `at` would.  Cards in other states are returned unchanged.
 */
Card Reschedule(const Params &p, const Card &card, Timestamp at);

/* t + usecs; 22008 beyond PostgreSQL's timestamp range. */
Timestamp AddToTimestamp(Timestamp t, int64_t usecs);
/* JavaScript's Date.getTime() of the same instant (milliseconds since 1970, floored). */
int64_t JsTimeMs(Timestamp t);

/* Stability and difficulty. */
struct MemoryState {
	double stability;
	double difficulty;
};

/*
 * Memory state of a card last scheduled by SM-2 with `interval_days` and `ease` (e.g. 2.5), assuming
 * SM-2 achieved `sm2_retention` (fsrs-rs memory_state_from_sm2).
 */
MemoryState MemoryFromSm2(const Params &p, double ease, double interval_days, double sm2_retention);

/*
 * The FSRS-6 formulas, exactly as ts-fsrs computes them (JsRound8 where it rounds).  `g` is 1..4.
 */
namespace model {
double ForgettingCurve(const Params &p, double elapsed_days, double stability);
double InitStability(const Params &p, int g);
double InitDifficulty(const Params &p, int g); /* unclamped */
double NextDifficulty(const Params &p, double d, int g);
double NextRecallStability(const Params &p, double d, double s, double r, int g);
double NextForgetStability(const Params &p, double d, double s, double r);
double NextShortTermStability(const Params &p, double s, int g);
/* ts-fsrs FSRSAlgorithm.next_state: (0,0) → initial state; t == 0 with short-term on → short-term. */
MemoryState NextState(const Params &p, MemoryState m, double t, int g);
/* Interval for stability s before fuzz: min(max(1, round(s · modifier)), maximum_interval). */
int32_t NextIntervalUnfuzzed(const Params &p, double s);
}  // namespace model

/* JavaScript compatibility helpers (exposed for tests). */
namespace js {
double Round(double x);                    /* Math.round: nearest, ties toward +∞ */
double Round8(double x);                   /* ts-fsrs roundTo(x, 8) = Math.round(x·1e8)/1e8 */
double ToFixed8(double x);                 /* +x.toFixed(8) */
int NumberToString(double x, char *buf);   /* Number.prototype.toString(), buf ≥ 32 bytes; returns length */
std::string NumberText(double x);          /* the same, as a string (for messages) */
/* Alea PRNG (seedrandom's alea) seeded with a string: first output. */
double AleaFirst(const char *seed, int len);
/* The fuzz range of ts-fsrs get_fuzz_range. */
void FuzzRange(double interval, double elapsed_days, double maximum_interval, double *min_ivl, double *max_ivl);
}  // namespace js

}  // namespace shinjp::srs
