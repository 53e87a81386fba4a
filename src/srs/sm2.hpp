/*
 * sm2.hpp — Anki's SM-2 variant (the v3 scheduler's rules) as a PG-free core, with the same shape
 * as the FSRS core: validated Sm2Params, an Sm2Card, Review/Preview, a new-card constructor.
 *
 *   learning   steps in minutes; Again → first step, Hard → the same step (on the first step the
 *              mean of the first two, or 1.5 × a single step but at most a day more, over a day
 *              rounded to whole days), Good → next step or graduate (graduating interval), Easy →
 *              graduate (easy interval).  Graduation sets the ease to the starting ease.
 *   review     Again: lapse, ease −0.20 (min 1.30), interval × lapse multiplier (at least the
 *              minimum interval), relearning steps;  Hard: interval × hard multiplier, ease −0.15;
 *              Good: (interval + days late / 2) × ease;  Easy: (interval + days late) × ease × easy
 *              bonus, ease +0.15.  Hard ≤ Good < Easy, interval modifier, maximum interval, fuzz.
 *              Reviews before the due day use Anki's early-review formulas (no fuzz).
 *   relearning Again → first relearning step (interval × lapse multiplier again), Hard/Good → steps,
 *              graduation keeps the post-lapse interval (Easy: +1 day).
 *
 * Days are learner days (DayClock), as for FSRS.  Fuzz is Anki's fuzz range with a deterministic
 * factor drawn from the review time and repetition count.
 */
#pragma once

#include <cstdint>

#include "srs/fsrs.hpp"

namespace shinjp::srs::sm2 {

inline constexpr double kMinEase = 1.3;

struct Sm2ParamsSpec {
	const StepSpec *learning_steps = kDefaultLearningSteps;
	int n_learning_steps = 2;
	const StepSpec *relearning_steps = kDefaultRelearningSteps;
	int n_relearning_steps = 1;
	int64_t graduating_interval = 1;
	int64_t easy_interval = 4;
	double starting_ease = 2.5;
	double easy_bonus = 1.3;
	double hard_interval = 1.2;     /* hard multiplier */
	double interval_modifier = 1.0;
	double lapse_interval = 0.0;    /* new interval after a lapse, × the old interval */
	int64_t minimum_interval = 1;   /* minimum interval after a lapse */
	int64_t maximum_interval = 36500;
	bool enable_fuzz = false;
	int64_t day_rollover_hour = 0;
};

struct Sm2Params {
	int32_t n_learning_steps;
	int32_t n_relearning_steps;
	int32_t learning_steps[kMaxSteps];   /* minutes */
	int32_t relearning_steps[kMaxSteps]; /* minutes */
	int32_t graduating_interval;
	int32_t easy_interval;
	double starting_ease;
	double easy_bonus;
	double hard_interval;
	double interval_modifier;
	double lapse_interval;
	int32_t minimum_interval;
	int32_t maximum_interval;
	bool enable_fuzz;
	DayClock day;
};

/* Validate (throws shinjp::Error). */
Sm2Params MakeSm2Params(const Sm2ParamsSpec &spec, const DayClock &day = DayClock());

/* The SM-2 scheduling state of one card (SQL composite shinjp.sm2_card). */
struct Sm2Card {
	Timestamp due = 0;
	int32_t interval_days = 0; /* current interval (review), post-lapse interval (relearning) */
	double ease = 0;           /* ease factor, 0 until the card graduates */
	int32_t reps = 0;
	int32_t lapses = 0;
	State state = State::New;
	int32_t learning_step = 0; /* index of the current (re)learning step */
	bool has_last_review = false;
	Timestamp last_review = 0;
};

Sm2Card NewSm2Card(Timestamp at);
void ValidateSm2Card(const Sm2Card &card);

/* The next card after answering 1 (again) .. 4 (easy) at `now`. */
Sm2Card Review(const Sm2Params &p, const Sm2Card &card, int rating, Timestamp now);
/* All four outcomes. */
void Preview(const Sm2Params &p, const Sm2Card &card, Timestamp now, Sm2Card out[4]);

/* SuperMemo's quality grade 0–5 as an answer button: 0–2 → 1 (again), 3 → 2, 4 → 3, 5 → 4. */
int GradeFromQuality(int64_t quality);

/* Anki's fuzz: the interval drawn with `factor` in [0, 1) from the fuzz range bounded by [lo, hi]. */
int32_t Fuzz(double factor, double interval, int32_t lo, int32_t hi);
/* Anki's fuzz range of an interval, bounded by [lo, hi]. */
void FuzzBounds(double interval, int32_t lo, int32_t hi, int32_t *lower, int32_t *upper);

}  // namespace shinjp::srs::sm2
