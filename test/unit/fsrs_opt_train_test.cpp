// Unit tests of the FSRS optimizer core (src/srs/fsrs_train.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "srs/fsrs_train.hpp"

namespace {

namespace t = shinjp::srs::train;

// A small deterministic log: cards with a first review and a few long-term reviews, some lapses.
std::vector<t::Review>
SyntheticLog(int cards, int reviews_per_card)
{
	std::vector<t::Review> log;
	t::SplitMix64 rng{7};
	for (int c = 0; c < cards; c++) {
		int day = int(rng.Below(30));
		int64_t time = int64_t(day) * 86400;
		for (int k = 0; k < reviews_per_card; k++) {
			const int rating = k == 0 ? 1 + int(rng.Below(4)) : (rng.Below(10) < 2 ? 1 : 3);
			log.push_back({c, time + k, day, rating});
			day += 1 + int(rng.Below(5)) * (k + 1);
			time = int64_t(day) * 86400;
		}
	}
	return log;
}

TEST(FsrsOptGradient, MatchesFiniteDifferences)
{
	const int32_t dt[] = {0, 0, 1, 3, 0, 7, 12};
	const int32_t rating[] = {2, 3, 3, 1, 3, 3, 1};
	t::Weights w = t::kDefaultWeights;
	w[7] = 0.05;  // keep every weight away from its clamp
	for (int n : {3, 4, 5, 7}) {
		double grad[t::kNumWeights];
		t::TargetLossAndGradient(w, dt, rating, n, grad);
		for (int i = 0; i < t::kNumWeights; i++) {
			const double h = 1e-6 * std::max(1.0, std::fabs(w[i]));
			t::Weights a = w, b = w;
			a[i] += h;
			b[i] -= h;
			double unused[t::kNumWeights];
			const double fd = (t::TargetLossAndGradient(a, dt, rating, n, unused) -
			                   t::TargetLossAndGradient(b, dt, rating, n, unused)) / (2 * h);
			EXPECT_NEAR(grad[i], fd, 1e-5 * std::max(1.0, std::fabs(fd))) << "n=" << n << " w" << i;
		}
	}
}

TEST(FsrsOptClip, BoundsAndNaN)
{
	t::Weights w = t::kDefaultWeights;
	w[0] = -5;
	w[4] = 50;
	w[9] = std::nan("");
	w[20] = 2;
	t::ClipWeights(w, 1, true);
	EXPECT_DOUBLE_EQ(w[0], 0.001);
	EXPECT_DOUBLE_EQ(w[4], 10.0);
	EXPECT_DOUBLE_EQ(w[9], t::kDefaultWeights[9]);
	EXPECT_DOUBLE_EQ(w[20], 0.8);
	// short-term off allows w19 = 0; on, its floor is 0.01
	t::Weights z = t::kDefaultWeights;
	z[19] = 0;
	t::ClipWeights(z, 1, false);
	EXPECT_DOUBLE_EQ(z[19], 0.0);
	t::ClipWeights(z, 1, true);
	EXPECT_DOUBLE_EQ(z[19], 0.01);
	// several relearning steps bound w17 and w18 below 2
	t::Weights r = t::kDefaultWeights;
	r[17] = r[18] = 2.0;
	t::ClipWeights(r, 4, true);
	EXPECT_LT(r[17], 2.0);
}

TEST(FsrsOptCheckWeights, RejectsBadWeights)
{
	std::vector<double> w(t::kDefaultWeights.begin(), t::kDefaultWeights.end());
	EXPECT_NO_THROW(t::CheckWeights(w.data(), 21));
	EXPECT_NO_THROW(t::CheckWeights(w.data(), 19));  // FSRS-5
	EXPECT_THROW(t::CheckWeights(w.data(), 20), shinjp::Error);
	w[3] = std::nan("");
	try {
		t::CheckWeights(w.data(), 21);
		FAIL();
	} catch (const shinjp::Error &e) {
		EXPECT_STREQ(e.sqlstate(), "22023");
	}
}

TEST(FsrsOptFit, FallbacksBySize)
{
	std::vector<t::Review> empty;
	EXPECT_EQ(t::Fit(empty, {}).kind, t::FitKind::kDefaults);
	EXPECT_EQ(t::Fit(empty, {}).weights, t::kDefaultWeights);
	// 30 cards, one long-term review each, same first rating and gap: S0 only
	std::vector<t::Review> small;
	for (int c = 0; c < 30; c++) {
		small.push_back({c, 0, 0, 3});
		small.push_back({c, 1, 2, c % 5 == 0 ? 1 : 3});
	}
	t::FitResult f = t::Fit(small, {});
	EXPECT_EQ(f.kind, t::FitKind::kInitialStabilityOnly);
	for (int i = 4; i < t::kNumWeights; i++)
		EXPECT_EQ(f.weights[i], t::kDefaultWeights[i]);
}

TEST(FsrsOptFit, TrainsDeterministicallyInBounds)
{
	std::vector<t::Review> log = SyntheticLog(300, 6);
	std::vector<t::Review> copy = log;
	t::FitResult a = t::Fit(log, {});
	t::FitResult b = t::Fit(copy, {});
	EXPECT_EQ(a.kind, t::FitKind::kTrained);
	EXPECT_EQ(a.weights, b.weights);
	t::Weights clipped = a.weights;
	t::ClipWeights(clipped, 1, true);
	for (int i = 0; i < t::kNumWeights; i++) {
		EXPECT_TRUE(std::isfinite(a.weights[i]));
		EXPECT_DOUBLE_EQ(clipped[i], a.weights[i]) << "w" << i;
	}
	// short-term off: w17..w19 stay 0
	std::vector<t::Review> again = SyntheticLog(300, 6);
	t::FitOptions o;
	o.short_term = false;
	t::FitResult s = t::Fit(again, o);
	EXPECT_EQ(s.weights[17], 0.0);
	EXPECT_EQ(s.weights[18], 0.0);
	EXPECT_EQ(s.weights[19], 0.0);
	// fsrs-rs' card-windowed batching (its card-id path) also trains within the bounds
	std::vector<t::Review> windowed = SyntheticLog(300, 6);
	t::FitOptions w;
	w.card_batches = true;
	t::FitResult cw = t::Fit(windowed, w);
	EXPECT_EQ(cw.kind, t::FitKind::kTrained);
	t::Weights cwc = cw.weights;
	t::ClipWeights(cwc, 1, true);
	EXPECT_EQ(cwc, cw.weights);
	// the fitted weights score at least as well as the defaults on their own training log
	std::vector<t::Review> eval = SyntheticLog(300, 6);
	EXPECT_LT(t::Evaluate(eval, a.weights, INT64_MIN).log_loss, t::Evaluate(eval, t::kDefaultWeights, INT64_MIN).log_loss);
}

TEST(FsrsOptValidate, DuplicatesAndRatings)
{
	std::vector<t::Review> dup = {{1, 5, 0, 3}, {1, 5, 0, 3}};
	EXPECT_THROW(t::SortAndValidate(dup), shinjp::Error);
	std::vector<t::Review> bad = {{1, 5, 0, 7}};
	EXPECT_THROW(t::SortAndValidate(bad), shinjp::Error);
}

TEST(FsrsOptEvaluate, ItemsBinsAndCutoff)
{
	// card 1: 0 (first), same day, +2 days, +5 days; card 2: first, +1 day
	std::vector<t::Review> log = {{1, 0, 0, 3}, {1, 1, 0, 3}, {1, 2, 2, 3}, {1, 3, 7, 1}, {2, 0, 0, 4}, {2, 1, 1, 3}};
	t::Evaluation all = t::Evaluate(log, t::kDefaultWeights, INT64_MIN);
	EXPECT_EQ(all.items, 3);  // the same-day review is never a target
	EXPECT_GT(all.log_loss, 0.0);
	EXPECT_GE(all.rmse_bins, 0.0);
	t::Evaluation late = t::Evaluate(log, t::kDefaultWeights, 3);
	EXPECT_EQ(late.items, 1);
	t::Evaluation none = t::Evaluate(log, t::kDefaultWeights, 100);
	EXPECT_EQ(none.items, 0);
	EXPECT_TRUE(std::isnan(none.log_loss));
}

bool g_cancel = false;
bool Cancel() { return g_cancel; }

TEST(FsrsOptFit, Interruptible)
{
	std::vector<t::Review> log = SyntheticLog(300, 6);
	shinjp::g_cancel_pending = Cancel;
	g_cancel = true;
	EXPECT_THROW(t::Fit(log, {}), shinjp::Interrupted);
	g_cancel = false;
	shinjp::g_cancel_pending = nullptr;
}

}  // namespace

namespace {

// RFC 7539 §2.3.2-style check of the ChaCha block function: all-zero key, nonce and counter, 20 rounds
// give the well-known keystream 76 b8 e0 ad a0 f1 3d 90 ...
TEST(FsrsOptRng, ChaChaBlockFunction)
{
	const uint32_t key[8] = {};
	uint32_t out[16];
	shinjp::srs::train::RustStdRng::Block(key, 0, 20, out);
	EXPECT_EQ(out[0], 0xade0b876u);
	EXPECT_EQ(out[1], 0x903df1a0u);
	EXPECT_EQ(out[15], 0x8665eeb2u);  // ... b2 ee 65 86: the last word of the first block
}

TEST(FsrsOptRng, ShuffleIsAPermutationAndDeterministic)
{
	for (size_t n : {0, 1, 2, 3, 13, 40, 1000}) {
		std::vector<size_t> a(n), b(n);
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = i;
		shinjp::srs::train::RustStdRng ra(2023), rb(2023);
		shinjp::srs::train::RustShuffle(a, ra);
		shinjp::srs::train::RustShuffle(b, rb);
		EXPECT_EQ(a, b);
		std::vector<size_t> sorted = a;
		std::sort(sorted.begin(), sorted.end());
		for (size_t i = 0; i < n; i++)
			EXPECT_EQ(sorted[i], i);
	}
}

}  // namespace
