/*
 * fsrs_train.hpp — FSRS-6 parameter optimizer: the PG-free training core.
 *
 * Reproduces the method of fsrs-rs 6.5.0 (training.rs, dataset.rs, parameter_initialization.rs,
 * parameter_clipper.rs), which @open-spaced-repetition/binding 0.5.0 ships:
 *   - items are built per card from review prefixes; day gaps are local calendar days (the caller
 *     computes them with its time zone and rollover hour); same-day reviews stay in the histories but
 *     are never targets; items are ordered by the time of their target review;
 *   - outlier filtering of (first rating, first long-term gap) groups, S0 pre-training per first rating
 *     (ternary search on a Laplace-smoothed binned log loss), smoothing and filling of missing ratings;
 *   - Adam (lr 0.04, cosine annealing, 5 epochs, batches of 512 items sorted by length, visited in the
 *     order fsrs-rs' seeded StdRng shuffles them: same seed, same order) on the
 *     recency-weighted binary cross-entropy of recall, L2 pull toward the initial weights scaled by the
 *     population standard deviations, clipping after every step, best epoch kept;
 *   - fewer than 8 training items → the default weights, fewer than 64 → pre-trained S0 only.
 * Gradients come from forward-mode automatic differentiation (Dual in the .cpp).  The result matches
 * the binding's computeParameters to about 1e-5 per weight (fsrs-rs computes in f32).
 *
 * Evaluation is fsrs-rs' FSRS::evaluate: recency-weighted log loss and RMSE over (gap, length, lapses)
 * bins, on every item whose target is at or after a cut-off time, histories included in full.
 */
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core.hpp"

namespace shinjp::srs::train {

constexpr int kNumWeights = 21;
using Weights = std::array<double, kNumWeights>;

/* fsrs-rs 6.5.0 DEFAULT_PARAMETERS (= ts-fsrs' FSRS-6 defaults). */
extern const Weights kDefaultWeights;

constexpr double kSMin = 0.001;
constexpr double kSMax = 36500.0;
constexpr double kInitSMax = 100.0;
constexpr double kDMin = 1.0;
constexpr double kDMax = 10.0;

/* One review of a learner's log, as the caller read it. */
struct Review {
	int64_t card_id;
	int64_t time;   /* any monotone clock (PostgreSQL: µs since 2000-01-01 UTC) */
	int32_t day;    /* local calendar day number after the rollover shift */
	int32_t rating; /* 1 again, 2 hard, 3 good, 4 easy */
};

struct FitOptions {
	bool short_term = true;     /* train w17–w19 (same-day reviews); off: they are 0 */
	int relearning_steps = 1;   /* bounds w17·w18 as fsrs-rs' clipper does */
	int epochs = 5;
	int batch_size = 512;
	double learning_rate = 0.04;
	uint64_t seed = 2023;
	bool card_batches = false;  /* batch whole cards (one pass per card) instead of single items */
};

/* How a fit ended; reported so that tests and callers can see which fallback was taken. */
enum class FitKind { kDefaults, kInitialStabilityOnly, kTrained };

struct FitResult {
	Weights weights;
	FitKind kind;
	int64_t train_items; /* training items after outlier filtering */
};

struct Evaluation {
	double log_loss;  /* NaN when items == 0 */
	double rmse_bins; /* NaN when items == 0 */
	int64_t items;
};

/* SplitMix64: a small deterministic generator (the test simulator's). */
struct SplitMix64 {
	uint64_t state;
	uint64_t Next()
	{
		uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		return z ^ (z >> 31);
	}
	size_t Below(size_t n) { return size_t(Next() % n); }
};

/*
 * The batch-order generator of fsrs-rs: Rust rand 0.10's StdRng (ChaCha12, 64-bit block counter, zero
 * nonce) seeded with seed_from_u64 (PCG32 expansion), and SliceRandom::shuffle (Fisher–Yates drawing
 * indices with IncreasingUniform and Canon's biased u32 range sampling).  With the same seed (2023) the
 * batches are visited in the same order as in fsrs-rs.
 */
class RustStdRng {
  public:
	explicit RustStdRng(uint64_t seed);
	uint32_t NextU32();
	uint32_t Below(uint32_t bound); /* rand's random_range(..bound) for u32 */
	/* ChaCha block function with `rounds` rounds (20 for the RFC test vectors) on a key and counter. */
	static void Block(const uint32_t key[8], uint64_t counter, int rounds, uint32_t out[16]);

  private:
	uint32_t key_[8];
	uint64_t counter_ = 0;
	uint32_t buf_[16];
	int index_ = 16;
};

/* rand's SliceRandom::shuffle of [0, n) into `order`. */
void RustShuffle(std::vector<size_t> &order, RustStdRng &rng);

/*
 * Sort `reviews` by (card, time) and validate them: ratings 1–4, no two reviews of one card at the
 * same time.  Throws shinjp::Error (22023) otherwise.
 */
void SortAndValidate(std::vector<Review> &reviews);

/* Fit FSRS-6 weights to a learner's log (any order; sorted in place).  Deterministic. */
FitResult Fit(std::vector<Review> &reviews, const FitOptions &options);

/* Score `weights` on every item whose target review has time >= score_from (sorted in place). */
Evaluation Evaluate(std::vector<Review> &reviews, const Weights &weights, int64_t score_from);

/*
 * Validate caller-supplied weights (21, or 19 FSRS-5 weights migrated by appending w19 = 0 and
 * w20 = 0.5): finite and inside fsrs-rs' parameter bounds.  Throws shinjp::Error (22023) otherwise.
 */
Weights CheckWeights(const double *w, int n);

/* fsrs-rs' clip_parameters. */
void ClipWeights(Weights &w, int relearning_steps, bool short_term);

/* Parameter bounds of ClipWeights (index i → [lo, hi]) for the given weights and options. */
void WeightBounds(const Weights &w, int relearning_steps, bool short_term, double lo[kNumWeights],
                  double hi[kNumWeights]);

/* Retrievability after t days at stability s: (1 + factor·t/s)^(−w20). */
double ForgettingCurve(const Weights &w, double t, double s);

/*
 * Loss of predicting the last of n reviews from the ones before it (weight 1), with its gradient
 * with respect to the 21 weights as the trainer computes it (for the unit tests' gradient check).
 */
double TargetLossAndGradient(const Weights &w, const int32_t *delta_days, const int32_t *ratings, int n,
                             double grad[kNumWeights]);

/* The training model's memory state and its transition (first review: initialisation). */
struct MemoryState {
	double stability;
	double difficulty;
};
MemoryState NextState(const Weights &w, MemoryState state, bool first, int delta_days, int rating);

}  // namespace shinjp::srs::train
