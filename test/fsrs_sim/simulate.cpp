/*
 * simulate.cpp — deterministic FSRS review-log simulator for the optimizer's tests and benchmark.
 *
 *   simulate LEARNERS MIN_REVIEWS MAX_REVIEWS SEED [FIRST_USER_ID] > log.csv
 *
 * Each learner gets "true" FSRS-6 weights (the defaults, perturbed and clipped to fsrs-rs' bounds),
 * a desired retention, a daily new-card quota and a habit of studying between 07:00 and 03:59 local
 * time in Asia/Tokyo (so the 4 am rollover matters: reviews after midnight belong to the previous
 * day).  Cards are scheduled at the desired retention, reviews are late by 0–3 days, recall is drawn
 * from the true retrievability, and Again/Hard answers get same-day (re)learning steps.  Output:
 *   user_id,card_id,reviewed_at_ms,rating          (reviewed_at_ms: Unix epoch milliseconds, UTC)
 * The same arguments always produce the same bytes (SplitMix64, no platform RNG).
 */
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "srs/fsrs_train.hpp"

namespace {

using shinjp::srs::train::kDefaultWeights;
using shinjp::srs::train::MemoryState;
using shinjp::srs::train::NextState;
using shinjp::srs::train::Weights;

struct Rng : shinjp::srs::train::SplitMix64 {
	double Uniform() { return double(Next() >> 11) * (1.0 / 9007199254740992.0); }
	int Int(int lo, int hi) { return lo + int(Next() % uint64_t(hi - lo + 1)); }
	double Normal()
	{
		double u1 = Uniform(), u2 = Uniform();
		if (u1 < 1e-300)
			u1 = 1e-300;
		return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
	}
};

struct Card {
	int64_t id;
	MemoryState state;
	int last_day;
	int due_day;
};

constexpr int64_t kEpochMs = 1704067200000LL; /* 2024-01-01T00:00:00Z */
constexpr int kTokyoOffsetHours = 9;
int g_rows = 0; /* rows emitted for the current learner, (re)learning steps included */

void
Emit(int64_t user, int64_t card, int day, double local_hour, int rating)
{
	/* local time of day `day` in Asia/Tokyo (no DST) → UTC milliseconds */
	const int64_t ms = kEpochMs + int64_t(day) * 86400000LL + int64_t((local_hour - kTokyoOffsetHours) * 3600000.0);
	std::printf("%lld,%lld,%lld,%d\n", (long long)user, (long long)card, (long long)ms, rating);
	g_rows++;
}

double
Retrievability(const Weights &w, double t, double s)
{
	const double decay = -w[20];
	const double factor = std::pow(0.9, 1.0 / decay) - 1.0;
	return std::pow(1.0 + factor * t / s, decay);
}

int
Interval(const Weights &w, double s, double retention)
{
	const double decay = -w[20];
	const double factor = std::pow(0.9, 1.0 / decay) - 1.0;
	const double ivl = s / factor * (std::pow(retention, 1.0 / decay) - 1.0);
	return int(std::fmin(36500.0, std::fmax(1.0, std::round(ivl))));
}

/* Same-day steps after Again/Hard until the learner answers Good. */
void
LearningSteps(Rng &rng, const Weights &w, Card &c, int64_t user, int day, double &hour, int rating)
{
	for (int step = 0; step < 3 && rating <= 2; step++) {
		hour += 10.0 / 60.0;
		rating = rng.Uniform() < 0.15 ? 1 : 3;
		c.state = NextState(w, c.state, false, 0, rating);
		Emit(user, c.id, day, hour, rating);
	}
}

void
SimulateLearner(int64_t user, int target_reviews, uint64_t seed)
{
	Rng rng;
	rng.state = seed * 0x100000001B3ULL + uint64_t(user) * 0x9E3779B97F4A7C15ULL;
	Weights w = kDefaultWeights;
	for (int i = 0; i < 21; i++) {
		if (i == 7)
			continue;
		w[i] *= std::exp(0.3 * rng.Normal());
	}
	shinjp::srs::train::ClipWeights(w, 1, true);
	const double retention = 0.82 + 0.1 * rng.Uniform();
	const int new_per_day = rng.Int(6, 20);
	std::vector<Card> cards;
	int &reviews = g_rows;
	reviews = 0;
	int64_t next_card = user * 1000000;
	for (int day = 0; reviews < target_reviews; day++) {
		if (rng.Uniform() < 0.12)
			continue; /* a day off */
		/* 07:00–23:59, or after midnight (belongs to this day with the 4 am rollover) */
		double hour = rng.Uniform() < 0.1 ? 24.0 + 3.0 * rng.Uniform() : 7.0 + 16.0 * rng.Uniform();
		for (Card &c : cards) {
			if (c.due_day > day || reviews >= target_reviews)
				continue;
			hour += (5 + rng.Int(0, 25)) / 3600.0;
			const int dt = day - c.last_day;
			const double r = Retrievability(w, dt, c.state.stability);
			int rating;
			if (rng.Uniform() < r) {
				const double u = rng.Uniform();
				rating = u < 0.12 ? 2 : (u < 0.9 ? 3 : 4);
			} else
				rating = 1;
			c.state = NextState(w, c.state, false, dt, rating);
			Emit(user, c.id, day, hour, rating);
			if (rating == 1)
				LearningSteps(rng, w, c, user, day, hour, rating);
			c.last_day = day;
			c.due_day = day + Interval(w, c.state.stability, retention) + (rng.Uniform() < 0.3 ? rng.Int(1, 3) : 0);
		}
		for (int k = 0; k < new_per_day && reviews < target_reviews; k++) {
			hour += (5 + rng.Int(0, 25)) / 3600.0;
			Card c{next_card++, {0, 0}, day, day};
			const double u = rng.Uniform();
			const int rating = u < 0.25 ? 1 : (u < 0.4 ? 2 : (u < 0.9 ? 3 : 4));
			c.state = NextState(w, c.state, true, 0, rating);
			Emit(user, c.id, day, hour, rating);
			LearningSteps(rng, w, c, user, day, hour, rating);
			c.due_day = day + Interval(w, c.state.stability, retention);
			cards.push_back(c);
		}
	}
}

}  // namespace

int
main(int argc, char **argv)
{
	if (argc < 5) {
		std::fprintf(stderr, "usage: %s LEARNERS MIN_REVIEWS MAX_REVIEWS SEED [FIRST_USER_ID]\n", argv[0]);
		return 2;
	}
	const int learners = std::atoi(argv[1]);
	const int min_reviews = std::atoi(argv[2]);
	const int max_reviews = std::atoi(argv[3]);
	const uint64_t seed = std::strtoull(argv[4], nullptr, 10);
	const int64_t first = argc > 5 ? std::atoll(argv[5]) : 1;
	std::printf("user_id,card_id,reviewed_at_ms,rating\n");
	Rng sizes;
	sizes.state = seed;
	for (int i = 0; i < learners; i++) {
		const int n = min_reviews + int(sizes.Next() % uint64_t(max_reviews - min_reviews + 1));
		SimulateLearner(first + i, n, seed);
	}
	return 0;
}
