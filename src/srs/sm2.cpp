/*
 * sm2.cpp — Anki's SM-2 variant (v3 scheduler rules); see sm2.hpp.
 */
#include "core_only.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>

#include "srs/sm2.hpp"

namespace shinjp::srs::sm2 {

namespace {

constexpr int64_t kDaySecs = 86400;

inline std::string
Num(double x)
{
	return js::NumberText(x);
}

void
CheckRange(const char *name, double v, double lo, double hi, const char *hint, const char *unit = "")
{
	if (!(v >= lo && v <= hi))
		throw Error(sqlstate::kInvalidParameterValue,
		            std::string(name) + " must be between " + Num(lo) + " and " + Num(hi) + unit, "Got " + Num(v) + ".", hint);
}

/* Anki's LearningSteps, indexed by position instead of steps remaining; delays in seconds. */
struct Steps {
	const int32_t *minutes;
	int32_t n;

	int32_t Index(int32_t step) const { return std::min(step, n - 1); }
	int64_t Secs(int32_t i) const { return static_cast<int64_t>(minutes[i]) * 60; }

	/* over a day: whole days, so the result does not depend on the time of day */
	static int64_t RoundInDays(int64_t secs)
	{
		if (secs > kDaySecs)
			return static_cast<int64_t>(std::round(static_cast<double>(secs) / kDaySecs)) * kDaySecs;
		return secs;
	}
	int64_t AgainSecs() const { return Secs(0); }
	int64_t HardSecs(int32_t idx) const
	{
		if (idx != 0)
			return Secs(idx);
		if (n >= 2)
			return RoundInDays((Secs(0) + Secs(1)) / 2);
		return RoundInDays(std::min(Secs(0) * 3 / 2, Secs(0) + kDaySecs));
	}
};

struct Step {
	const Sm2Params &p;
	const Sm2Card &last;
	Sm2Card cur;
	Timestamp now;
	int32_t elapsed;
	bool have_factor = false;
	double factor = 0;

	Step(const Sm2Params &params, const Sm2Card &card, Timestamp at) : p(params), last(card), cur(card), now(at)
	{
		ValidateSm2Card(card);
		if (card.has_last_review && at < card.last_review)
			throw Error(sqlstate::kInvalidParameterValue, "review time is before the card's last review",
			            "A review must not be earlier than the previous one.",
			            "Pass review times in chronological order (ORDER BY reviewed_at in sm2_replay).");
		int64_t e = card.has_last_review ? p.day.Day(at) - p.day.Day(card.last_review) : 0;
		if (e > INT32_MAX)
			throw Error(sqlstate::kDatetimeFieldOverflow, "elapsed days out of range");
		elapsed = static_cast<int32_t>(e);
		if (card.reps == INT32_MAX)
			throw Error(sqlstate::kNumericValueOutOfRange, "reps out of range", "The card has been reviewed 2147483647 times.");
		cur.reps += 1;
		cur.has_last_review = true;
		cur.last_review = at;
	}

	double FuzzFactor()
	{
		if (!have_factor) {
			char seed[64];
			int len = std::snprintf(seed, sizeof seed, "sm2_%" PRId64 "_%d", JsTimeMs(now), cur.reps);
			factor = js::AleaFirst(seed, len);
			have_factor = true;
		}
		return factor;
	}

	/* Anki constrain_passing_interval / with_review_fuzz */
	int32_t Constrain(double interval, int64_t minimum, bool fuzz, bool modifier = true)
	{
		if (modifier)
			interval *= p.interval_modifier;
		int32_t hi = std::max(p.maximum_interval, 1);
		int32_t lo = static_cast<int32_t>(std::clamp<int64_t>(minimum, 1, hi));
		if (fuzz && p.enable_fuzz)
			return sm2::Fuzz(FuzzFactor(), interval, lo, hi);
		double r = std::round(interval);
		if (!(r > 0))
			r = 0;
		return static_cast<int32_t>(std::clamp<double>(r, lo, hi));
	}

	Timestamp After(int64_t usecs) const { return AddToTimestamp(now, usecs); }

	Sm2Card ToReview(int32_t days, double ease)
	{
		Sm2Card c = cur;
		c.state = State::Review;
		c.interval_days = days;
		c.ease = ease;
		c.learning_step = 0;
		c.due = After(static_cast<int64_t>(days) * kUsecPerDay);
		return c;
	}

	Sm2Card ToSteps(State state, int32_t step, int64_t secs)
	{
		Sm2Card c = cur;
		c.state = state;
		c.learning_step = step;
		c.due = After(secs * 1000000);
		return c;
	}

	int32_t LapseInterval(int32_t interval)
	{
		int64_t ivl = static_cast<int64_t>(interval * p.lapse_interval); /* truncated, as Anki */
		return static_cast<int32_t>(std::max<int64_t>(std::max<int64_t>(ivl, p.minimum_interval), 1));
	}

	Sm2Card Learning(int g)
	{
		Steps steps{p.learning_steps, p.n_learning_steps};
		int32_t idx = steps.n > 0 ? steps.Index(last.learning_step) : 0;
		auto graduate = [&](int32_t days) { return ToReview(Constrain(days, 1, true, false), p.starting_ease); };
		switch (g) {
		case kAgain:
			return steps.n > 0 ? ToSteps(State::Learning, 0, steps.AgainSecs()) : graduate(p.graduating_interval);
		case kHard:
			return steps.n > 0 ? ToSteps(State::Learning, idx, steps.HardSecs(idx)) : graduate(p.graduating_interval);
		case kGood:
			return idx + 1 < steps.n ? ToSteps(State::Learning, idx + 1, steps.Secs(idx + 1)) : graduate(p.graduating_interval);
		default:
			return graduate(p.easy_interval);
		}
	}

	Sm2Card Relearning(int g)
	{
		Steps steps{p.relearning_steps, p.n_relearning_steps};
		int32_t idx = steps.n > 0 ? steps.Index(last.learning_step) : 0;
		auto back_to_review = [&](int32_t days) { return ToReview(days, last.ease); };
		switch (g) {
		case kAgain: {
			if (steps.n == 0)
				return back_to_review(last.interval_days);
			Sm2Card c = ToSteps(State::Relearning, 0, steps.AgainSecs());
			c.interval_days = LapseInterval(last.interval_days);
			return c;
		}
		case kHard:
			return steps.n > 0 ? ToSteps(State::Relearning, idx, steps.HardSecs(idx)) : back_to_review(last.interval_days);
		case kGood:
			return idx + 1 < steps.n ? ToSteps(State::Relearning, idx + 1, steps.Secs(idx + 1))
			                         : back_to_review(last.interval_days);
		default:
			return back_to_review(last.interval_days + 1);
		}
	}

	void ReviewAll(unsigned want, Sm2Card out[4])
	{
		const double ease = last.ease;
		const int32_t interval = last.interval_days;
		if (want & (1u << kAgain)) {
			int32_t ivl = LapseInterval(interval);
			double new_ease = std::max(ease - 0.2, kMinEase);
			Steps steps{p.relearning_steps, p.n_relearning_steps};
			Sm2Card c = steps.n > 0 ? ToSteps(State::Relearning, 0, steps.AgainSecs()) : ToReview(ivl, new_ease);
			c.interval_days = ivl;
			c.ease = new_ease;
			c.lapses += 1;
			out[0] = c;
		}
		if (!(want & 0x1c))
			return;
		int32_t days_late = elapsed - interval;
		int32_t hard, good, easy;
		const double hf = p.hard_interval, eb = p.easy_bonus;
		if (days_late < 0) {
			/* Anki's early review (ported from its Python scheduler) */
			double scheduled = interval, el = elapsed;
			hard = Constrain(std::max(el * hf, scheduled * (hf / 2.0)), 0, false);
			good = Constrain(std::max(el * ease, scheduled), 0, false);
			easy = Constrain(std::max(el * ease, scheduled) * (eb - (eb - 1.0) / 2.0), 0, false);
		} else {
			double current = interval, late = days_late;
			int64_t hard_min = hf <= 1.0 ? 0 : static_cast<int64_t>(interval) + 1;
			hard = Constrain(current * hf, hard_min, true);
			int64_t good_min = hf <= 1.0 ? static_cast<int64_t>(interval) + 1 : static_cast<int64_t>(hard) + 1;
			good = Constrain((current + late / 2.0) * ease, good_min, true);
			easy = Constrain((current + late) * ease * eb, static_cast<int64_t>(good) + 1, true);
		}
		if (want & (1u << kHard))
			out[1] = ToReview(hard, std::max(ease - 0.15, kMinEase));
		if (want & (1u << kGood))
			out[2] = ToReview(good, ease);
		if (want & (1u << kEasy))
			out[3] = ToReview(easy, ease + 0.15);
	}

	void Run(unsigned want, Sm2Card out[4])
	{
		switch (last.state) {
		case State::New:
		case State::Learning:
			for (int g = 1; g <= 4; g++)
				if (want & (1u << g))
					out[g - 1] = Learning(g);
			return;
		case State::Relearning:
			for (int g = 1; g <= 4; g++)
				if (want & (1u << g))
					out[g - 1] = Relearning(g);
			return;
		case State::Review:
			ReviewAll(want, out);
			return;
		}
	}
};

}  // namespace

void
FuzzBounds(double interval, int32_t lo, int32_t hi, int32_t *lower, int32_t *upper)
{
	lo = std::min(lo, hi);
	interval = std::clamp<double>(interval, lo, hi);
	double delta = 0;
	if (interval >= 2.5) {
		static const double ranges[3][3] = {{2.5, 7.0, 0.15}, {7.0, 20.0, 0.1}, {20.0, 1e30, 0.05}};
		delta = 1.0;
		for (const auto &r : ranges)
			delta += r[2] * std::max(std::min(interval, r[1]) - r[0], 0.0);
	}
	auto to_days = [](double x) { double r = std::round(x); return r > 0 ? static_cast<int64_t>(r) : 0; };
	int64_t l = std::clamp<int64_t>(to_days(interval - delta), lo, hi);
	int64_t u = std::clamp<int64_t>(to_days(interval + delta), lo, hi);
	if (u == l && u > 2 && u < hi)
		u = l + 1;
	*lower = static_cast<int32_t>(l);
	*upper = static_cast<int32_t>(u);
}

int32_t
Fuzz(double factor, double interval, int32_t lo, int32_t hi)
{
	int32_t lower, upper;
	FuzzBounds(interval, lo, hi, &lower, &upper);
	return static_cast<int32_t>(std::floor(lower + factor * (1 + upper - lower)));
}

Sm2Params
MakeSm2Params(const Sm2ParamsSpec &spec, const DayClock &day)
{
	Sm2Params p{};
	p.n_learning_steps = ConvertSteps("learning steps", spec.learning_steps, spec.n_learning_steps, p.learning_steps);
	p.n_relearning_steps =
		ConvertSteps("relearning steps", spec.relearning_steps, spec.n_relearning_steps, p.relearning_steps);
	CheckRange("maximum interval", static_cast<double>(spec.maximum_interval), 1, kMaxInterval,
	           "Use a whole number of days from 1 to 36500 (default 36500).", " days");
	CheckRange("graduating interval", static_cast<double>(spec.graduating_interval), 1, kMaxInterval,
	           "Use the days until the first review after the last learning step (default 1).", " days");
	CheckRange("easy interval", static_cast<double>(spec.easy_interval), 1, kMaxInterval,
	           "Use the days until the first review after Easy on a new card (default 4).", " days");
	CheckRange("minimum interval", static_cast<double>(spec.minimum_interval), 1, kMaxInterval,
	           "Use the smallest interval in days after a lapse (default 1).", " days");
	if (spec.minimum_interval > spec.maximum_interval)
		throw Error(sqlstate::kInvalidParameterValue, "minimum interval must not exceed maximum interval",
		            "Got minimum " + std::to_string(spec.minimum_interval) + " and maximum " +
		                std::to_string(spec.maximum_interval) + ".",
		            "Lower minimum_interval or raise maximum_interval.");
	CheckRange("starting ease", spec.starting_ease, 1.3, 10, "Use an ease factor such as 2.5 (Anki's 250%).");
	CheckRange("easy bonus", spec.easy_bonus, 1, 10, "Use a multiplier of at least 1 such as 1.3 (Anki's 130%).");
	CheckRange("hard interval", spec.hard_interval, 0.01, 10, "Use a multiplier such as 1.2 (Anki's 120%).");
	CheckRange("interval modifier", spec.interval_modifier, 0.01, 10, "Use a multiplier such as 1.0 (Anki's 100%).");
	CheckRange("lapse interval", spec.lapse_interval, 0, 1,
	           "Use the fraction of the old interval kept after a lapse, 0 to 1 (Anki's new interval, default 0).");
	CheckRange("day rollover hour", static_cast<double>(spec.day_rollover_hour), 0, 23,
	           "Use the local hour at which the learner's day starts, e.g. 4 for 4 am (default 0).");
	p.graduating_interval = static_cast<int32_t>(spec.graduating_interval);
	p.easy_interval = static_cast<int32_t>(spec.easy_interval);
	p.starting_ease = spec.starting_ease;
	p.easy_bonus = spec.easy_bonus;
	p.hard_interval = spec.hard_interval;
	p.interval_modifier = spec.interval_modifier;
	p.lapse_interval = spec.lapse_interval;
	p.minimum_interval = static_cast<int32_t>(spec.minimum_interval);
	p.maximum_interval = static_cast<int32_t>(spec.maximum_interval);
	p.enable_fuzz = spec.enable_fuzz;
	p.day = day;
	p.day.rollover_us = spec.day_rollover_hour * kUsecPerHour;
	return p;
}

Sm2Card
NewSm2Card(Timestamp at)
{
	Sm2Card c;
	c.due = at;
	return c;
}

void
ValidateSm2Card(const Sm2Card &c)
{
	auto bad = [](const std::string &detail, const char *hint) {
		throw Error(sqlstate::kInvalidParameterValue, "malformed SM-2 card", detail, hint);
	};
	bool graduated = c.state == State::Review || c.state == State::Relearning;
	if (!std::isfinite(c.ease) || (graduated ? c.ease < kMinEase : (c.ease != 0 && c.ease < kMinEase)))
		bad("Ease is " + Num(c.ease) + ".", "A review or relearning card's ease is at least 1.3 (e.g. 2.5); before graduation it may be 0.");
	if (c.interval_days < 0 || c.reps < 0 || c.lapses < 0 || c.learning_step < 0)
		bad("interval_days, reps, lapses and learning_step must not be negative.",
		    "Counters count up from 0; start from shinjp.sm2_new_card().");
	if (c.state != State::New && !c.has_last_review)
		bad(std::string("A card in state ") + StateName(c.state) + " has no last_review.",
		    "Only a new card may lack last_review; set it to the time of the latest review.");
}

Sm2Card
Review(const Sm2Params &p, const Sm2Card &card, int rating, Timestamp now)
{
	ValidateRating(rating);
	Step step(p, card, now);
	Sm2Card out[4];
	step.Run(1u << rating, out);
	return out[rating - 1];
}

void
Preview(const Sm2Params &p, const Sm2Card &card, Timestamp now, Sm2Card out[4])
{
	Step step(p, card, now);
	step.Run(0x1e, out);
}

int
GradeFromQuality(int64_t quality)
{
	if (quality < 0 || quality > 5)
		throw Error(sqlstate::kInvalidParameterValue, "SM-2 quality must be between 0 and 5",
		            "Got " + std::to_string(quality) + ".",
		            "Use SuperMemo's grades 0 to 5 (0–2 fail, 3 hard, 4 good, 5 easy); sm2_review itself takes Anki's 1–4.");
	return quality <= 2 ? kAgain : static_cast<int>(quality) - 1;
}

}  // namespace shinjp::srs::sm2
