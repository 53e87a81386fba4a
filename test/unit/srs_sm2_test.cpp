// Unit tests of the SM-2 core (src/srs/sm2.hpp): Anki's step delays, passing and failing review
// intervals, fuzz bounds, and bad input.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "srs/sm2.hpp"

namespace srs = shinjp::srs;
namespace sm2 = shinjp::srs::sm2;

namespace {

constexpr srs::Timestamp kMin = srs::kUsecPerMinute;
constexpr srs::Timestamp kDay = srs::kUsecPerDay;

sm2::Sm2Params
Params(std::initializer_list<int> learning_minutes = {1, 10}, bool fuzz = false)
{
	static srs::StepSpec steps[8];
	int n = 0;
	for (int m : learning_minutes)
		steps[n++] = {0, 0, m * kMin};
	sm2::Sm2ParamsSpec spec;
	spec.learning_steps = steps;
	spec.n_learning_steps = n;
	spec.enable_fuzz = fuzz;
	return sm2::MakeSm2Params(spec);
}

/* a review card: interval `ivl` days, last reviewed at 0, ease `ease` */
sm2::Sm2Card
ReviewCard(int ivl, double ease)
{
	sm2::Sm2Card c;
	c.state = srs::State::Review;
	c.interval_days = ivl;
	c.ease = ease;
	c.reps = 5;
	c.has_last_review = true;
	c.last_review = 0;
	c.due = ivl * kDay;
	return c;
}

TEST(SrsSm2, LearningStepDelays)
{
	sm2::Sm2Params p = Params({1, 10});
	sm2::Sm2Card out[4];
	sm2::Preview(p, sm2::NewSm2Card(0), 0, out);
	EXPECT_EQ(out[0].due, 60 * 1000000LL);  /* again: first step */
	EXPECT_EQ(out[1].due, 330 * 1000000LL); /* hard on the first step: mean of 1 and 10 min */
	EXPECT_EQ(out[2].due, 600 * 1000000LL); /* good: next step */
	EXPECT_EQ(out[2].learning_step, 1);
	EXPECT_EQ(out[3].state, srs::State::Review); /* easy: graduate with 4 days */
	EXPECT_EQ(out[3].interval_days, 4);
	EXPECT_EQ(out[3].ease, 2.5);

	/* on the last step: hard repeats it, good graduates with 1 day */
	sm2::Preview(p, out[2], 600 * 1000000LL, out);
	EXPECT_EQ(out[1].due - 600 * 1000000LL, 600 * 1000000LL);
	EXPECT_EQ(out[1].learning_step, 1);
	EXPECT_EQ(out[2].state, srs::State::Review);
	EXPECT_EQ(out[2].interval_days, 1);

	/* one step: hard = 1.5 × the step, but at most a day more (and whole days beyond a day) */
	sm2::Preview(Params({10}), sm2::NewSm2Card(0), 0, out);
	EXPECT_EQ(out[1].due, 900 * 1000000LL);
	sm2::Preview(Params({3 * 1440}), sm2::NewSm2Card(0), 0, out);
	EXPECT_EQ(out[1].due, 4 * kDay);

	/* no steps: again, hard and good graduate */
	sm2::Preview(Params({}), sm2::NewSm2Card(0), 0, out);
	for (int g = 0; g < 3; g++)
		EXPECT_EQ(out[g].state, srs::State::Review);
	EXPECT_EQ(out[0].interval_days, 1);
}

TEST(SrsSm2, PassingReviewIntervals)
{
	sm2::Sm2Params p = Params();
	sm2::Sm2Card out[4];
	/* on time: hard 10 × 1.2, good 10 × 2.5, easy 10 × 2.5 × 1.3 */
	sm2::Preview(p, ReviewCard(10, 2.5), 10 * kDay, out);
	EXPECT_EQ(out[1].interval_days, 12);
	EXPECT_EQ(out[2].interval_days, 25);
	EXPECT_EQ(out[3].interval_days, 33);
	EXPECT_DOUBLE_EQ(out[1].ease, 2.35);
	EXPECT_DOUBLE_EQ(out[2].ease, 2.5);
	EXPECT_DOUBLE_EQ(out[3].ease, 2.65);
	/* 4 days late: good gets half the delay, easy all of it */
	sm2::Preview(p, ReviewCard(10, 2.5), 14 * kDay, out);
	EXPECT_EQ(out[2].interval_days, 30);
	EXPECT_EQ(out[3].interval_days, 46);
	/* Anki's test: a low hard multiplier does not pull good down */
	sm2::Sm2ParamsSpec spec;
	spec.hard_interval = 0.1;
	sm2::Preview(sm2::MakeSm2Params(spec), ReviewCard(2, 1.3), 2 * kDay, out);
	EXPECT_EQ(out[1].interval_days, 1);
	EXPECT_EQ(out[2].interval_days, 3);
	EXPECT_EQ(out[3].interval_days, 4);
	/* early review: at least the scheduled interval for good */
	sm2::Preview(p, ReviewCard(10, 2.5), 3 * kDay, out);
	EXPECT_EQ(out[2].interval_days, 10);
}

TEST(SrsSm2, LapseAndRelearning)
{
	sm2::Sm2Params p = Params();
	sm2::Sm2Card again = sm2::Review(p, ReviewCard(20, 2.5), srs::kAgain, 20 * kDay);
	EXPECT_EQ(again.state, srs::State::Relearning);
	EXPECT_EQ(again.lapses, 1);
	EXPECT_DOUBLE_EQ(again.ease, 2.3);
	EXPECT_EQ(again.interval_days, 1); /* lapse multiplier 0, minimum 1 */
	EXPECT_EQ(again.due, 20 * kDay + 10 * kMin);
	sm2::Sm2Card good = sm2::Review(p, again, srs::kGood, 20 * kDay + 10 * kMin);
	EXPECT_EQ(good.state, srs::State::Review);
	EXPECT_EQ(good.interval_days, 1);
	EXPECT_DOUBLE_EQ(good.ease, 2.3);
	sm2::Sm2Card easy = sm2::Review(p, again, srs::kEasy, 20 * kDay + 10 * kMin);
	EXPECT_EQ(easy.interval_days, 2);
	/* the ease never drops below 1.3 */
	EXPECT_DOUBLE_EQ(sm2::Review(p, ReviewCard(20, 1.4), srs::kAgain, 20 * kDay).ease, 1.3);
}

TEST(SrsSm2, FuzzBoundsMatchAnki)
{
	/* Anki's assert_lower_middle_upper table: interval, minimum, maximum → lower, middle, upper */
	struct {
		double ivl;
		int lo, hi, lower, middle, upper;
	} cases[] = {
		{1.0, 1, 1000, 1, 1, 1},      {2.49, 1, 1000, 2, 2, 2},    {2.5, 1, 1000, 2, 3, 4},    {7.0, 1, 1000, 5, 7, 9},
		{17.0, 1, 1000, 14, 17, 20},  {37.0, 1, 1000, 33, 37, 41}, {2.0, 2, 1000, 2, 2, 2},    {2.0, 3, 1000, 3, 4, 4},
		{2.0, 3, 3, 3, 3, 3},         {6.9, 3, 1000, 5, 7, 9},     {20.1, 3, 1000, 17, 20, 23}, {100.0, 101, 1000, 101, 105, 108},
		{100.0, 1, 99, 92, 96, 99},   {100.0, 97, 103, 97, 100, 103},
	};
	for (auto &c : cases) {
		EXPECT_EQ(sm2::Fuzz(0.0, c.ivl, c.lo, c.hi), c.lower) << c.ivl;
		EXPECT_EQ(sm2::Fuzz(0.5, c.ivl, c.lo, c.hi), c.middle) << c.ivl;
		EXPECT_EQ(sm2::Fuzz(0.99, c.ivl, c.lo, c.hi), c.upper) << c.ivl;
	}
}

TEST(SrsSm2, FuzzIsDeterministicAndBounded)
{
	sm2::Sm2Params fuzzy = Params({1, 10}, true);
	sm2::Sm2Params plain = Params({1, 10}, false);
	int changed = 0;
	for (int i = 0; i < 100; i++) {
		srs::Timestamp t = 30 * kDay + i * 37 * kMin;
		sm2::Sm2Card a = sm2::Review(fuzzy, ReviewCard(30, 2.5), srs::kGood, t);
		EXPECT_EQ(a.interval_days, sm2::Review(fuzzy, ReviewCard(30, 2.5), srs::kGood, t).interval_days);
		int ref = sm2::Review(plain, ReviewCard(30, 2.5), srs::kGood, t).interval_days;
		int lo, hi;
		sm2::FuzzBounds(ref, 1, 36500, &lo, &hi);
		EXPECT_GE(a.interval_days, lo);
		EXPECT_LE(a.interval_days, hi);
		changed += a.interval_days != ref;
	}
	EXPECT_GT(changed, 10);
}

TEST(SrsSm2, BadInput)
{
	sm2::Sm2Params p = Params();
	EXPECT_THROW(sm2::Review(p, sm2::NewSm2Card(0), 0, 0), shinjp::Error);
	EXPECT_THROW(sm2::Review(p, ReviewCard(10, 1.0), 3, 10 * kDay), shinjp::Error);
	EXPECT_THROW(sm2::Review(p, ReviewCard(10, 2.5), 3, -1), shinjp::Error);
	sm2::Sm2Card c = ReviewCard(10, 2.5);
	c.has_last_review = false;
	EXPECT_THROW(sm2::Review(p, c, 3, 10 * kDay), shinjp::Error);
	sm2::Sm2ParamsSpec spec;
	spec.starting_ease = 1.0;
	EXPECT_THROW(sm2::MakeSm2Params(spec), shinjp::Error);
	spec = sm2::Sm2ParamsSpec();
	spec.minimum_interval = 50;
	spec.maximum_interval = 30;
	EXPECT_THROW(sm2::MakeSm2Params(spec), shinjp::Error);
	EXPECT_EQ(sm2::GradeFromQuality(0), 1);
	EXPECT_EQ(sm2::GradeFromQuality(2), 1);
	EXPECT_EQ(sm2::GradeFromQuality(3), 2);
	EXPECT_EQ(sm2::GradeFromQuality(5), 4);
	EXPECT_THROW(sm2::GradeFromQuality(6), shinjp::Error);
	EXPECT_THROW(sm2::GradeFromQuality(-1), shinjp::Error);
}

}  // namespace
