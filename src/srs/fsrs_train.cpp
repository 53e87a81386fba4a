/*
 * fsrs_train.cpp — FSRS-6 parameter optimizer core (see fsrs_train.hpp for the method).
 */
#include "core_only.hpp"

#include "srs/fsrs_train.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace shinjp::srs::train {

const Weights kDefaultWeights = {0.212,  1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194,
                                 0.001,  1.8722, 0.1666, 0.796,  1.4835, 0.0614, 0.2629,
                                 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542};

namespace {

/* fsrs-rs PARAMS_STDDEV: the population spread of each weight, scaling the L2 pull. */
constexpr double kParamsStddev[kNumWeights] = {6.43, 9.66, 17.58, 27.85, 0.57, 0.28, 0.6,  0.12, 0.39, 0.18, 0.33,
                                               0.3,  0.09, 0.16,  0.57,  0.25, 1.03, 0.31, 0.32, 0.14, 0.27};
constexpr double kMinProb = 1e-7;
constexpr double kMaxProb = 1.0 - 1e-7;
constexpr size_t kMaxSeqLen = 256; /* fsrs-rs TrainingConfig::max_seq_len */
constexpr double kGamma = 1.0;     /* L2 strength */
constexpr double kPi = 3.14159265358979323846;
constexpr int kDualWidth = 24;     /* 21 gradients padded so that the loops vectorise without a tail */

/* ------------------------------------------------------------------------------------------------
 * Forward-mode automatic differentiation: a value with its gradient with respect to the 21 weights.
 */
struct Dual {
	double v;
	float d[kDualWidth]; /* single precision, as fsrs-rs trains: halves the vector work */
};

inline Dual
Const(double v)
{
	Dual r;
	r.v = v;
	std::fill(r.d, r.d + kDualWidth, 0.0f);
	return r;
}

inline Dual
operator+(const Dual &a, const Dual &b)
{
	Dual r;
	r.v = a.v + b.v;
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = a.d[i] + b.d[i];
	return r;
}
inline Dual
operator-(const Dual &a, const Dual &b)
{
	Dual r;
	r.v = a.v - b.v;
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = a.d[i] - b.d[i];
	return r;
}
inline Dual
operator*(const Dual &a, const Dual &b)
{
	Dual r;
	r.v = a.v * b.v;
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = a.d[i] * float(b.v) + b.d[i] * float(a.v);
	return r;
}
inline Dual
operator/(const Dual &a, const Dual &b)
{
	Dual r;
	r.v = a.v / b.v;
	const float inv = float(1.0 / b.v), rv = float(r.v);
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = (a.d[i] - rv * b.d[i]) * inv;
	return r;
}
inline Dual
operator+(const Dual &a, double b)
{
	Dual r = a;
	r.v += b;
	return r;
}
inline Dual
operator+(double b, const Dual &a)
{
	return a + b;
}
inline Dual
operator-(const Dual &a, double b)
{
	Dual r = a;
	r.v -= b;
	return r;
}
inline Dual
operator-(double a, const Dual &b)
{
	Dual r;
	r.v = a - b.v;
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = -b.d[i];
	return r;
}
inline Dual
operator*(const Dual &a, double b)
{
	Dual r;
	r.v = a.v * b;
	const float bf = float(b);
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = a.d[i] * bf;
	return r;
}
inline Dual
operator*(double b, const Dual &a)
{
	return a * b;
}
inline Dual
operator/(const Dual &a, double b)
{
	return a * (1.0 / b);
}
/* Chain rule for a scalar function with value fv and derivative dfv at a. */
inline Dual
Apply(const Dual &a, double fv, double dfv)
{
	Dual r;
	r.v = fv;
	const float df = float(dfv);
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = a.d[i] * df;
	return r;
}
inline Dual
Exp(const Dual &a)
{
	const double e = std::exp(a.v);
	return Apply(a, e, e);
}
inline double
Exp(double a)
{
	return std::exp(a);
}
inline Dual
Log(const Dual &a)
{
	return Apply(a, std::log(a.v), 1.0 / a.v);
}
inline double
Log(double a)
{
	return std::log(a);
}
/* a^b for a > 0 */
inline Dual
Pow(const Dual &a, const Dual &b)
{
	const double lv = std::log(a.v);
	const double v = std::exp(b.v * lv);
	Dual r;
	r.v = v;
	const float da = float(b.v * v / a.v);
	const float db = float(v * lv);
	for (int i = 0; i < kDualWidth; i++)
		r.d[i] = a.d[i] * da + b.d[i] * db;
	return r;
}
inline double
Pow(double a, double b)
{
	return std::pow(a, b);
}
inline double
Value(const Dual &a)
{
	return a.v;
}
inline double
Value(double a)
{
	return a;
}
/* Burn/PyTorch clamp: the gradient passes inside [lo, hi] (boundaries included), stops outside. */
inline Dual
Clamp(const Dual &a, double lo, double hi)
{
	if (a.v < lo)
		return Const(lo);
	if (a.v > hi)
		return Const(hi);
	return a;
}
inline double
Clamp(double a, double lo, double hi)
{
	return std::clamp(a, lo, hi);
}
template <class T>
inline T
MakeConst(double v);
template <>
inline double
MakeConst<double>(double v)
{
	return v;
}
template <>
inline Dual
MakeConst<Dual>(double v)
{
	return Const(v);
}

/* The weights as model inputs: plain values, or duals seeded with unit gradients. */
template <class T>
struct Model {
	T w[kNumWeights];
	T decay;  /* −w20 */
	T factor; /* 0.9^(1/decay) − 1 */
	T easy_d; /* initial difficulty of Easy, unclamped */
	T exp_w8;
	T failure_divisor; /* exp(w17·w18) */
	T neg_w9, neg_w12, neg_w19;
};

template <class T>
void InitModel(Model<T> &m, const Weights &w);

template <>
void
InitModel<double>(Model<double> &m, const Weights &w)
{
	for (int i = 0; i < kNumWeights; i++)
		m.w[i] = w[i];
}
template <>
void
InitModel<Dual>(Model<Dual> &m, const Weights &w)
{
	for (int i = 0; i < kNumWeights; i++) {
		m.w[i] = Const(w[i]);
		m.w[i].d[i] = 1.0;
	}
}

template <class T>
void
PrepareModel(Model<T> &m, const Weights &w)
{
	InitModel<T>(m, w);
	m.decay = MakeConst<T>(0.0) - m.w[20];
	m.factor = Exp(MakeConst<T>(std::log(0.9)) / m.decay) - 1.0;
	m.easy_d = m.w[4] - Exp(m.w[5] * 3.0) + 1.0;
	m.exp_w8 = Exp(m.w[8]);
	m.failure_divisor = Exp(m.w[17] * m.w[18]);
	m.neg_w9 = MakeConst<T>(0.0) - m.w[9];
	m.neg_w12 = MakeConst<T>(0.0) - m.w[12];
	m.neg_w19 = MakeConst<T>(0.0) - m.w[19];
}

/* Retrievability at `t` days from a (clamped) stability. */
template <class T>
inline T
Curve(const Model<T> &m, double t, const T &s)
{
	return Pow(t * m.factor / s + 1.0, m.decay);
}

/*
 * One review of the training model (fsrs-rs analytic::step_forward): the first review initialises
 * the state; later reviews return their retrievability through *r.
 */
template <class T>
inline void
Step(const Model<T> &m, T &s, T &d, bool first, int dt, int rating, T *r)
{
	if (first) {
		s = Clamp(m.w[rating - 1], kSMin, kSMax);
		d = Clamp(m.w[4] - Exp(m.w[5] * double(rating - 1)) + 1.0, kDMin, kDMax);
		return;
	}
	const T last_s = Clamp(s, kSMin, kSMax);
	const T last_d = Clamp(d, kDMin, kDMax);
	const T ret = Curve(m, double(dt), last_s);
	T new_s;
	if (dt == 0) {
		const T raw = Exp(m.w[17] * (m.w[18] + double(rating - 3))) * Pow(last_s, m.neg_w19);
		if (rating >= 2 && Value(raw) < 1.0)
			new_s = last_s;
		else
			new_s = last_s * raw;
	} else if (rating == 1) {
		const T raw = m.w[11] * Pow(last_d, m.neg_w12) * (Pow(last_s + 1.0, m.w[13]) - 1.0) *
		              Exp((1.0 - ret) * m.w[14]);
		const T floor = last_s / m.failure_divisor;
		new_s = Value(floor) < Value(raw) ? floor : raw;
	} else {
		T inc = m.exp_w8 * (11.0 - last_d) * Pow(last_s, m.neg_w9) * (Exp((1.0 - ret) * m.w[10]) - 1.0);
		if (rating == 2)
			inc = inc * m.w[15];
		else if (rating == 4)
			inc = inc * m.w[16];
		new_s = last_s * (inc + 1.0);
	}
	const T delta_d = m.w[6] * double(3 - rating);
	const T next_d = last_d + (10.0 - last_d) * delta_d / 9.0;
	const T mean_d = m.w[7] * (m.easy_d - next_d) + next_d;
	d = Clamp(mean_d, kDMin, kDMax);
	s = Clamp(new_s, kSMin, kSMax);
	if (r != nullptr)
		*r = ret;
}

/* ------------------------------------------------------------------------------------------------
 * Cards and items.
 */
struct Card {
	int64_t card_id;
	std::vector<int32_t> dt;      /* day gap to the previous review (0 for the first) */
	std::vector<int32_t> rating;  /* 1..4 */
	std::vector<int64_t> time;    /* review time */
	std::vector<double> weight;   /* training weight of the item whose target is this review; 0: none */
	size_t first_long_term = 0;   /* index of the first review with dt > 0; 0 when none */
	size_t seq_len = 0;           /* reviews needed to score every training target */
};

/* An item: the prefix of card `card` ending at review `pos` (dt > 0, pos ≥ 1). */
struct ItemRef {
	int64_t time;
	int64_t card_id;
	uint32_t card;
	uint32_t pos;
};

std::vector<Card>
BuildCards(const std::vector<Review> &reviews)
{
	std::vector<Card> cards;
	for (size_t i = 0; i < reviews.size(); i++) {
		const Review &rv = reviews[i];
		if (i == 0 || reviews[i - 1].card_id != rv.card_id) {
			cards.emplace_back();
			cards.back().card_id = rv.card_id;
		}
		Card &c = cards.back();
		int32_t dt = 0;
		if (!c.dt.empty()) /* days are int32: the difference fits in int64, then saturates */
			dt = int32_t(std::clamp<int64_t>(int64_t(rv.day) - int64_t(reviews[i - 1].day), 0, INT32_MAX));
		c.dt.push_back(dt);
		c.rating.push_back(rv.rating);
		c.time.push_back(rv.time);
		if (c.first_long_term == 0 && c.dt.size() > 1 && dt > 0)
			c.first_long_term = c.dt.size() - 1;
	}
	for (Card &c : cards)
		c.weight.assign(c.dt.size(), 0.0);
	return cards;
}

/* Every item (target review with dt > 0) ordered by target time, then card id, then position. */
std::vector<ItemRef>
CollectItems(const std::vector<Card> &cards, int64_t from_time)
{
	std::vector<ItemRef> items;
	for (size_t ci = 0; ci < cards.size(); ci++) {
		const Card &c = cards[ci];
		for (size_t p = 1; p < c.dt.size(); p++)
			if (c.dt[p] > 0 && c.time[p] >= from_time)
				items.push_back({c.time[p], c.card_id, uint32_t(ci), uint32_t(p)});
	}
	std::sort(items.begin(), items.end(), [](const ItemRef &a, const ItemRef &b) {
		return std::tie(a.time, a.card_id, a.pos) < std::tie(b.time, b.card_id, b.pos);
	});
	return items;
}

/* fsrs-rs recency weight of the idx-th of n items ordered by time. */
inline double
RecencyWeight(size_t idx, size_t n)
{
	const double length = std::max(double(n) - 1.0, 1.0);
	const double x = double(idx) / length;
	return 0.25 + 0.75 * x * x * x;
}

/* ------------------------------------------------------------------------------------------------
 * Outlier filter and S0 pre-training (dataset.rs, parameter_initialization.rs).
 */
using RemovedPairs = std::array<std::set<int32_t>, 5>;

/* Per first rating → per first long-term gap → cards whose first long-term review has that gap. */
using InitGroups = std::map<int, std::map<int32_t, std::vector<uint32_t>>>;

InitGroups
GroupFirstLongTerm(const std::vector<Card> &cards)
{
	InitGroups groups;
	for (size_t ci = 0; ci < cards.size(); ci++) {
		const Card &c = cards[ci];
		if (c.first_long_term == 0)
			continue;
		groups[c.rating[0]][c.dt[c.first_long_term]].push_back(uint32_t(ci));
	}
	return groups;
}

/* compute_outlier_analysis: the removed (rating, gap) pairs and the cards kept for S0. */
void
OutlierAnalysis(const InitGroups &groups, RemovedPairs &removed, std::vector<uint32_t> &kept)
{
	for (const auto &[rating, by_gap] : groups) {
		std::vector<std::pair<int32_t, const std::vector<uint32_t> *>> sub;
		size_t total = 0;
		for (const auto &[gap, cs] : by_gap) {
			sub.push_back({gap, &cs});
			total += cs.size();
		}
		/* largest groups first, ties by larger gap first; then walk from the back */
		std::sort(sub.begin(), sub.end(), [](const auto &a, const auto &b) {
			if (a.second->size() != b.second->size())
				return a.second->size() > b.second->size();
			return a.first > b.first;
		});
		size_t has_been_removed = 0;
		const size_t threshold = std::max<size_t>(20, total / 20);
		for (auto it = sub.rbegin(); it != sub.rend(); ++it) {
			const int32_t gap = it->first;
			const auto &cs = *it->second;
			if (has_been_removed + cs.size() >= threshold) {
				if (cs.size() >= 6 && gap <= (rating != 4 ? 100 : 365))
					kept.insert(kept.end(), cs.begin(), cs.end());
				else
					removed[rating].insert(gap);
			} else {
				has_been_removed += cs.size();
				removed[rating].insert(gap);
			}
		}
	}
}

/* Binned retention of the S0 curve fit: a log loss with Laplace smoothing and an L1 pull. */
double
InitLoss(const std::vector<std::array<double, 3>> &data, double average_recall, double s, double default_s0)
{
	const double decay = -double(float(kDefaultWeights[20]));
	const double factor = std::pow(0.9, 1.0 / decay) - 1.0;
	double loss = 0.0;
	for (const auto &[t, recall_raw, count] : data) {
		const double recall = (recall_raw * count + average_recall) / (count + 1.0);
		const double y = std::pow(t / s * factor + 1.0, decay);
		loss += -(recall * std::log(y) + (1.0 - recall) * std::log(1.0 - y)) * count;
	}
	return loss + std::fabs(s - default_s0) / 16.0;
}

/*
 * smooth_and_fill: make S0 monotone in the rating (trusting the better-populated rating) and fill the
 * ratings that had no data from the ones that had.  Returns false when no rating had data.
 */
bool
SmoothAndFill(std::map<int, double> stability, const std::map<int, int64_t> &count, double out[4])
{
	for (auto it = stability.begin(); it != stability.end();)
		it = count.count(it->first) ? std::next(it) : stability.erase(it);
	static const int pairs[6][2] = {{1, 2}, {2, 3}, {3, 4}, {1, 3}, {2, 4}, {1, 4}};
	for (const auto &pr : pairs) {
		const int small = pr[0], big = pr[1];
		if (stability.count(small) && stability.count(big) && stability[small] > stability[big]) {
			if (count.at(small) > count.at(big))
				stability[big] = stability[small];
			else
				stability[small] = stability[big];
		}
	}
	const double w1 = 0.41, w2 = 0.54;
	double r[5] = {0, 0, 0, 0, 0};
	bool has[5] = {false, false, false, false, false};
	for (const auto &[k, v] : stability) {
		r[k] = v;
		has[k] = true;
	}
	switch (stability.size()) {
		case 0:
			return false;
		case 1: {
			const int k = stability.begin()->first;
			const double f = r[k] / kDefaultWeights[k - 1];
			for (int i = 1; i <= 4; i++)
				r[i] = kDefaultWeights[i - 1] * f; /* the defaults are increasing: already sorted */
			break;
		}
		case 2:
			if (!has[1] && !has[2]) { /* r3, r4 */
				r[2] = std::pow(r[3], 1.0 / (1.0 - w2)) * std::pow(r[4], 1.0 - 1.0 / (1.0 - w2));
				r[1] = std::pow(r[2], 1.0 / w1) * std::pow(r[3], 1.0 - 1.0 / w1);
			} else if (!has[1] && !has[3]) { /* r2, r4 */
				r[3] = std::pow(r[2], 1.0 - w2) * std::pow(r[4], w2);
				r[1] = std::pow(r[2], 1.0 / w1) * std::pow(r[3], 1.0 - 1.0 / w1);
			} else if (!has[1] && !has[4]) { /* r2, r3 */
				r[4] = std::pow(r[2], 1.0 - 1.0 / w2) * std::pow(r[3], 1.0 / w2);
				r[1] = std::pow(r[2], 1.0 / w1) * std::pow(r[3], 1.0 - 1.0 / w1);
			} else if (!has[2] && !has[3]) { /* r1, r4 */
				const double q = w1 * -w2 + (w1 + w2);
				r[2] = std::pow(r[1], w1 / q) * std::pow(r[4], 1.0 - w1 / q);
				r[3] = std::pow(r[1], 1.0 - w2 / q) * std::pow(r[4], w2 / q);
			} else if (!has[2] && !has[4]) { /* r1, r3 */
				r[2] = std::pow(r[1], w1) * std::pow(r[3], 1.0 - w1);
				r[4] = std::pow(r[2], 1.0 - 1.0 / w2) * std::pow(r[3], 1.0 / w2);
			} else { /* r1, r2 */
				r[3] = std::pow(r[1], 1.0 - 1.0 / (1.0 - w1)) * std::pow(r[2], 1.0 / (1.0 - w1));
				r[4] = std::pow(r[2], 1.0 - 1.0 / w2) * std::pow(r[3], 1.0 / w2);
			}
			break;
		case 3:
			if (!has[1])
				r[1] = std::pow(r[2], 1.0 / w1) * std::pow(r[3], 1.0 - 1.0 / w1);
			else if (!has[2])
				r[2] = std::pow(r[1], w1) * std::pow(r[3], 1.0 - w1);
			else if (!has[3])
				r[3] = std::pow(r[2], 1.0 - w2) * std::pow(r[4], w2);
			else
				r[4] = std::pow(r[2], 1.0 - 1.0 / w2) * std::pow(r[3], 1.0 / w2);
			break;
		default:
			break;
	}
	for (int i = 0; i < 4; i++) {
		double v = r[i + 1];
		if (!std::isfinite(v))
			v = kDefaultWeights[i];
		out[i] = std::clamp(v, kSMin, kInitSMax);
	}
	return true;
}

/* initialize_stability_parameters: S0 per first rating; false when there is no data for any. */
bool
InitialStability(const std::vector<Card> &cards, const std::vector<uint32_t> &kept, double average_recall,
                 double s0[4], std::map<int, int64_t> &rating_count)
{
	std::map<int, std::map<int32_t, std::pair<int64_t, int64_t>>> groups; /* rating → gap → (pass, n) */
	for (uint32_t ci : kept) {
		const Card &c = cards[ci];
		auto &g = groups[c.rating[0]][c.dt[c.first_long_term]];
		g.first += c.rating[c.first_long_term] > 1;
		g.second += 1;
	}
	std::map<int, double> stability;
	for (const auto &[rating, by_gap] : groups) {
		std::vector<std::array<double, 3>> data;
		int64_t n = 0;
		for (const auto &[gap, pn] : by_gap) {
			data.push_back({double(gap), double(pn.first) / double(pn.second), double(pn.second)});
			n += pn.second;
		}
		rating_count[rating] = n;
		const double default_s0 = kDefaultWeights[rating - 1];
		double low = kSMin, high = kInitSMax, best = default_s0;
		for (int iter = 0; high - low > std::numeric_limits<double>::epsilon() && iter < 1000; iter++) {
			const double mid1 = low + (high - low) / 3.0;
			const double mid2 = high - (high - low) / 3.0;
			if (InitLoss(data, average_recall, mid1, default_s0) < InitLoss(data, average_recall, mid2, default_s0))
				high = mid2;
			else
				low = mid1;
			best = (high + low) / 2.0;
		}
		stability[rating] = best;
	}
	return SmoothAndFill(stability, rating_count, s0);
}

/* ------------------------------------------------------------------------------------------------
 * Training.
 */

struct CosineAnnealing {
	double t_max, init_lr, step_count = -1.0, lr;
	CosineAnnealing(double t, double lr0) : t_max(t), init_lr(lr0), lr(lr0) {}
	double Step()
	{
		step_count += 1.0;
		if (step_count == 0.0)
			lr = init_lr;
		else if (std::fmod(step_count - 1.0 - t_max, 2.0 * t_max) == 0.0)
			lr = init_lr * (1.0 - std::cos(kPi / t_max)) / 2.0;
		else
			lr = (1.0 + std::cos(kPi * step_count / t_max)) / (1.0 + std::cos(kPi * (step_count - 1.0) / t_max)) *
			     lr;
		return lr;
	}
};

/* Weighted BCE of one target; adds its gradient when `grad` is given. */
inline double
TargetLoss(const Dual &r, int rating, double weight, double *grad)
{
	const double label = rating > 1 ? 1.0 : 0.0;
	const double p = std::clamp(r.v, kMinProb, kMaxProb);
	const double loss = -(label * std::log(p) + (1.0 - label) * std::log(1.0 - p)) * weight;
	if (grad != nullptr && r.v > kMinProb && r.v < kMaxProb) {
		const double g = -weight * (label / p - (1.0 - label) / (1.0 - p));
		for (int i = 0; i < kNumWeights; i++)
			grad[i] += g * r.d[i];
	}
	return loss;
}
inline double
TargetLoss(double r, int rating, double weight, double *)
{
	const double label = rating > 1 ? 1.0 : 0.0;
	const double p = std::clamp(r, kMinProb, kMaxProb);
	return -(label * std::log(p) + (1.0 - label) * std::log(1.0 - p)) * weight;
}

/* Weighted loss (and gradient, with T = Dual) of every training target of one card. */
template <class T>
double
CardLoss(const Model<T> &m, const Card &c, double *grad)
{
	T s = MakeConst<T>(0.0), d = MakeConst<T>(0.0), r = MakeConst<T>(0.0);
	double loss = 0.0;
	for (size_t p = 0; p < c.seq_len; p++) {
		Step(m, s, d, p == 0, c.dt[p], c.rating[p], &r);
		if (p > 0 && c.weight[p] != 0.0)
			loss += TargetLoss(r, c.rating[p], c.weight[p], grad);
	}
	return loss;
}

/* A mini-batch: whole cards (card-windowed batching), or single items (plain batching). */
struct Batch {
	std::vector<uint32_t> cards;
	std::vector<std::pair<uint32_t, uint32_t>> items; /* (card, target position) */
	size_t predictions = 0;
};

/* Weighted loss (and gradient) of one item: a pass over its prefix, scoring only its target. */
template <class T>
double
ItemLoss(const Model<T> &m, const Card &c, size_t pos, double *grad)
{
	T s = MakeConst<T>(0.0), d = MakeConst<T>(0.0), r = MakeConst<T>(0.0);
	for (size_t p = 0; p <= pos; p++)
		Step(m, s, d, p == 0, c.dt[p], c.rating[p], p == pos ? &r : nullptr);
	return TargetLoss(r, c.rating[pos], c.weight[pos], grad);
}

template <class T>
double
BatchLoss(const Model<T> &m, const std::vector<Card> &cards, const Batch &b, double *grad)
{
	double loss = 0.0;
	for (uint32_t ci : b.cards)
		loss += CardLoss(m, cards[ci], grad);
	for (const auto &[ci, pos] : b.items)
		loss += ItemLoss(m, cards[ci], pos, grad);
	return loss;
}

double
L2Scale(size_t batch_predictions, size_t total)
{
	return kGamma * double(batch_predictions) / double(total);
}

double
L2Penalty(const Weights &w, const Weights &init, double scale)
{
	double sum = 0.0;
	for (int i = 0; i < kNumWeights; i++) {
		const double delta = w[i] - init[i];
		sum += delta * delta / (kParamsStddev[i] * kParamsStddev[i]);
	}
	return sum * scale;
}

Weights
Train(const std::vector<Card> &cards, const std::vector<Batch> &batches, size_t total, const Weights &init,
      const FitOptions &o)
{
	const size_t iterations = (total / size_t(o.batch_size) + 1) * size_t(o.epochs);
	CosineAnnealing scheduler(double(iterations), o.learning_rate);
	Weights w = init, best = init;
	double best_loss = std::numeric_limits<double>::infinity();
	double adam_m[kNumWeights] = {}, adam_v[kNumWeights] = {};
	int adam_t = 0;
	RustStdRng rng(o.seed); /* fsrs-rs' batch order */
	std::vector<size_t> order(batches.size());
	Model<Dual> dual;
	Model<double> plain;

	for (int epoch = 0; epoch < o.epochs; epoch++) {
		for (size_t i = 0; i < order.size(); i++)
			order[i] = i;
		RustShuffle(order, rng);
		for (size_t bi : order) {
			CheckInterrupts();
			const Batch &b = batches[bi];
			const double lr = scheduler.Step();
			double grad[kNumWeights] = {};
			PrepareModel(dual, w);
			BatchLoss(dual, cards, b, grad);
			const double scale = L2Scale(b.predictions, total);
			for (int i = 0; i < kNumWeights; i++)
				grad[i] += 2.0 * (w[i] - init[i]) / (kParamsStddev[i] * kParamsStddev[i]) * scale;
			if (!o.short_term) { /* fsrs-rs freezes S0 and the short-term weights together */
				for (int i = 0; i < 4; i++)
					grad[i] = 0.0;
				for (int i = 17; i < 20; i++)
					grad[i] = 0.0;
			}
			adam_t++;
			const double bias1 = 1.0 - std::pow(0.9, adam_t);
			const double bias2 = 1.0 - std::pow(0.999, adam_t);
			for (int i = 0; i < kNumWeights; i++) {
				if (!std::isfinite(grad[i]))
					grad[i] = 0.0; /* a degenerate branch must not poison the moments */
				adam_m[i] = 0.9 * adam_m[i] + 0.1 * grad[i];
				adam_v[i] = 0.999 * adam_v[i] + 0.001 * grad[i] * grad[i];
				w[i] -= lr * (adam_m[i] / bias1) / (std::sqrt(adam_v[i] / bias2) + 1e-8);
			}
			ClipWeights(w, o.relearning_steps, o.short_term);
		}
		/* whole-set loss at the end of each epoch; the best epoch wins */
		PrepareModel(plain, w);
		double loss = 0.0;
		for (const Batch &b : batches) {
			CheckInterrupts();
			loss += BatchLoss(plain, cards, b, nullptr);
			loss += L2Penalty(w, init, L2Scale(b.predictions, total));
		}
		loss /= double(total);
		if (loss < best_loss) {
			best_loss = loss;
			best = w;
		}
	}
	return best;
}

bool
AllFinite(const Weights &w)
{
	for (double x : w)
		if (!std::isfinite(x))
			return false;
	return true;
}

}  // namespace

/* ------------------------------------------------------------------------------------------------
 * fsrs-rs' batch order: rand 0.10 StdRng and SliceRandom::shuffle.
 */

namespace {
inline uint32_t
Rotl(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}
inline void
QuarterRound(uint32_t *s, int a, int b, int c, int d)
{
	s[a] += s[b];
	s[d] = Rotl(s[d] ^ s[a], 16);
	s[c] += s[d];
	s[b] = Rotl(s[b] ^ s[c], 12);
	s[a] += s[b];
	s[d] = Rotl(s[d] ^ s[a], 8);
	s[c] += s[d];
	s[b] = Rotl(s[b] ^ s[c], 7);
}
}  // namespace

void
RustStdRng::Block(const uint32_t key[8], uint64_t counter, int rounds, uint32_t out[16])
{
	uint32_t init[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
	for (int i = 0; i < 8; i++)
		init[4 + i] = key[i];
	init[12] = uint32_t(counter);
	init[13] = uint32_t(counter >> 32);
	init[14] = init[15] = 0; /* nonce */
	uint32_t x[16];
	std::memcpy(x, init, sizeof x);
	for (int r = 0; r < rounds; r += 2) {
		QuarterRound(x, 0, 4, 8, 12);
		QuarterRound(x, 1, 5, 9, 13);
		QuarterRound(x, 2, 6, 10, 14);
		QuarterRound(x, 3, 7, 11, 15);
		QuarterRound(x, 0, 5, 10, 15);
		QuarterRound(x, 1, 6, 11, 12);
		QuarterRound(x, 2, 7, 8, 13);
		QuarterRound(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + init[i];
}

RustStdRng::RustStdRng(uint64_t state)
{
	/* rand_core's seed_from_u64: PCG32 output words, little-endian, fill the 32-byte seed */
	for (int i = 0; i < 8; i++) {
		state = state * 6364136223846793005ULL + 11634580027462260723ULL;
		const uint32_t xorshifted = uint32_t(((state >> 18) ^ state) >> 27);
		const uint32_t rot = uint32_t(state >> 59);
		key_[i] = (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
	}
}

uint32_t
RustStdRng::NextU32()
{
	if (index_ >= 16) {
		Block(key_, counter_++, 12, buf_);
		index_ = 0;
	}
	return buf_[index_++];
}

uint32_t
RustStdRng::Below(uint32_t bound)
{
	/* UniformInt<u32>::sample_single_inclusive(0, bound - 1), Canon's method (biased variant) */
	const uint32_t range = bound;
	uint64_t m = uint64_t(NextU32()) * range;
	uint32_t result = uint32_t(m >> 32);
	const uint32_t lo_order = uint32_t(m);
	if (lo_order > uint32_t(0u - range)) {
		const uint32_t new_hi = uint32_t((uint64_t(NextU32()) * range) >> 32);
		result += (uint64_t(lo_order) + new_hi) > 0xFFFFFFFFULL ? 1 : 0;
	}
	return result;
}

void
RustShuffle(std::vector<size_t> &order, RustStdRng &rng)
{
	const size_t len = order.size();
	if (len <= 1)
		return;
	/* IncreasingUniform starting at n = 0: indices in [0, i] for i = 0..len-1, several per draw */
	uint32_t n = 0, chunk = 0;
	int chunk_remaining = 1;
	for (size_t i = 0; i < len; i++) {
		const uint32_t next_n = n + 1;
		int next_remaining;
		if (chunk_remaining > 0)
			next_remaining = chunk_remaining - 1;
		else {
			/* bound = next_n · (next_n + 1) · … while it fits in u32 */
			uint64_t product = next_n;
			uint32_t current = next_n + 1;
			while (product * current <= 0xFFFFFFFFULL) {
				product *= current;
				current++;
			}
			const int remaining = int(current - next_n);
			chunk = rng.Below(uint32_t(product));
			next_remaining = remaining - 1;
		}
		size_t index;
		if (next_remaining == 0)
			index = chunk;
		else {
			index = chunk % next_n;
			chunk /= next_n;
		}
		chunk_remaining = next_remaining;
		n = next_n;
		std::swap(order[i], order[index]);
	}
}

/* ------------------------------------------------------------------------------------------------
 * Public entry points.
 */

void
WeightBounds(const Weights &w, int relearning_steps, bool short_term, double lo[kNumWeights], double hi[kNumWeights])
{
	double ceiling = 2.0;
	if (relearning_steps > 1) {
		const double v =
		    -(std::log(w[11]) + std::log(std::pow(2.0, w[13]) - 1.0) + w[14] * 0.3) / double(relearning_steps);
		ceiling = std::min(std::sqrt(std::max(v, 0.01)), 2.0);
		if (!std::isfinite(ceiling))
			ceiling = 0.1;
	}
	static const double base[kNumWeights][2] = {
	    {kSMin, kInitSMax}, {kSMin, kInitSMax}, {kSMin, kInitSMax}, {kSMin, kInitSMax}, {kDMin, kDMax},
	    {0.001, 4.0},       {0.001, 4.0},       {0.001, 0.75},      {0.0, 4.5},         {0.0, 0.8},
	    {0.001, 3.5},       {0.001, 5.0},       {0.001, 0.25},      {0.001, 0.9},       {0.0, 4.0},
	    {0.0, 1.0},         {1.0, 6.0},         {0.0, 2.0},         {0.0, 2.0},         {0.0, 0.8},
	    {0.1, 0.8}};
	for (int i = 0; i < kNumWeights; i++) {
		lo[i] = base[i][0];
		hi[i] = base[i][1];
	}
	hi[17] = hi[18] = ceiling;
	lo[19] = short_term ? 0.01 : 0.0;
}

void
ClipWeights(Weights &w, int relearning_steps, bool short_term)
{
	double lo[kNumWeights], hi[kNumWeights];
	/* fsrs-rs computes the w17/w18 ceiling from the unclipped w11, w13, w14 */
	WeightBounds(w, relearning_steps, short_term, lo, hi);
	for (int i = 0; i < kNumWeights; i++) {
		if (std::isnan(w[i]))
			w[i] = kDefaultWeights[i];
		w[i] = std::clamp(w[i], lo[i], hi[i]);
	}
}

Weights
CheckWeights(const double *w, int n)
{
	if (n != kNumWeights && n != 19)
		throw Error(sqlstate::kInvalidParameterValue, "FSRS weights must have 21 elements (FSRS-6) or 19 (FSRS-5)",
		            "The array has " + std::to_string(n) + " elements.",
		            "Pass the 21 weights returned by shinjp.fsrs_fit, or 19 FSRS-5 weights.");
	Weights out;
	for (int i = 0; i < n; i++)
		out[i] = w[i];
	if (n == 19) {
		out[19] = 0.0;
		out[20] = 0.5;
	}
	double lo[kNumWeights], hi[kNumWeights];
	WeightBounds(out, 1, false, lo, hi);
	for (int i = 0; i < kNumWeights; i++) {
		if (!std::isfinite(out[i]) || out[i] < lo[i] || out[i] > hi[i]) {
			char buf[160];
			snprintf(buf, sizeof buf, "FSRS weight w[%d] must be between %g and %g", i, lo[i], hi[i]);
			char hint[200];
			snprintf(hint, sizeof hint, "Use a value of w[%d] between %g and %g (fsrs-rs' parameter bounds).", i,
			         lo[i], hi[i]);
			throw Error(sqlstate::kInvalidParameterValue, buf,
			            std::isfinite(out[i]) ? "The value is " + std::to_string(out[i]) + "." : "The value is not finite.",
			            hint);
		}
	}
	return out;
}

void
SortAndValidate(std::vector<Review> &reviews)
{
	for (const Review &r : reviews)
		if (r.rating < 1 || r.rating > 4)
			throw Error(sqlstate::kInvalidParameterValue, "rating must be between 1 and 4",
			            "Card " + std::to_string(r.card_id) + " has a review rated " + std::to_string(r.rating) + ".",
			            "Use 1 (again), 2 (hard), 3 (good) or 4 (easy); leave out manual or rescheduling entries.");
	std::sort(reviews.begin(), reviews.end(), [](const Review &a, const Review &b) {
		return std::tie(a.card_id, a.time) < std::tie(b.card_id, b.time);
	});
	for (size_t i = 1; i < reviews.size(); i++)
		if (reviews[i].card_id == reviews[i - 1].card_id && reviews[i].time == reviews[i - 1].time)
			throw Error(sqlstate::kInvalidParameterValue, "duplicate review: two reviews of one card at the same time",
			            "Card " + std::to_string(reviews[i].card_id) + " has two reviews at the same time.",
			            "Remove duplicate rows first, for example with SELECT DISTINCT ON (card_id, reviewed_at).");
}

FitResult
Fit(std::vector<Review> &reviews, const FitOptions &o)
{
	if (o.relearning_steps < 0 || o.epochs < 1 || o.batch_size < 1 || !(o.learning_rate > 0))
		throw Error(sqlstate::kInvalidParameterValue, "invalid optimizer options");
	SortAndValidate(reviews);
	std::vector<Card> cards = BuildCards(reviews);

	FitResult result{kDefaultWeights, FitKind::kDefaults, 0};
	RemovedPairs removed;
	std::vector<uint32_t> kept;
	OutlierAnalysis(GroupFirstLongTerm(cards), removed, kept);

	/* training items: every target of a card whose (first rating, first long-term gap) survived */
	std::vector<ItemRef> items;
	{
		std::vector<ItemRef> all = CollectItems(cards, std::numeric_limits<int64_t>::min());
		for (const ItemRef &it : all) {
			const Card &c = cards[it.card];
			if (!removed[c.rating[0]].count(c.dt[c.first_long_term]))
				items.push_back(it);
		}
	}
	result.train_items = int64_t(items.size());
	if (items.size() < 8)
		return result;
	size_t pass = 0;
	for (const ItemRef &it : items)
		pass += cards[it.card].rating[it.pos] > 1;
	const double average_recall = double(float(double(pass) / double(items.size())));

	double s0[4];
	std::map<int, int64_t> rating_count;
	if (!InitialStability(cards, kept, average_recall, s0, rating_count))
		return result; /* no usable first reviews: the defaults (fsrs-rs: NotEnoughData) */
	Weights init = kDefaultWeights;
	for (int i = 0; i < 4; i++)
		init[i] = s0[i];
	result.weights = init;
	result.kind = FitKind::kInitialStabilityOnly;
	if (items.size() == kept.size() || items.size() < 64)
		return result;

	if (!o.short_term)
		init[17] = init[18] = init[19] = 0.0;
	/* recency weights over the time-ordered items, then the sequence-length cap */
	size_t total = 0;
	for (size_t i = 0; i < items.size(); i++) {
		const ItemRef &it = items[i];
		if (size_t(it.pos) + 1 > kMaxSeqLen)
			continue;
		Card &c = cards[it.card];
		c.weight[it.pos] = RecencyWeight(i, items.size());
		c.seq_len = std::max(c.seq_len, size_t(it.pos) + 1);
		total++;
	}
	if (total == 0)
		return result;
	std::vector<Batch> batches;
	if (o.card_batches) {
		/* card-windowed batches: cards by length, at most batch_size predictions per batch */
		std::vector<uint32_t> order;
		std::vector<size_t> predictions(cards.size(), 0);
		for (size_t ci = 0; ci < cards.size(); ci++) {
			for (size_t p = 1; p < cards[ci].seq_len; p++)
				predictions[ci] += cards[ci].weight[p] != 0.0;
			if (predictions[ci] > 0)
				order.push_back(uint32_t(ci));
		}
		std::stable_sort(order.begin(), order.end(),
		                 [&](uint32_t a, uint32_t b) { return cards[a].seq_len < cards[b].seq_len; });
		Batch cur;
		for (uint32_t ci : order) {
			if (!cur.cards.empty() && cur.predictions + predictions[ci] > size_t(o.batch_size)) {
				batches.push_back(std::move(cur));
				cur = Batch();
			}
			cur.cards.push_back(ci);
			cur.predictions += predictions[ci];
		}
		if (!cur.cards.empty())
			batches.push_back(std::move(cur));
	} else {
		/* plain batches: items (time order) stably sorted by length, chunks of batch_size */
		std::vector<std::pair<uint32_t, uint32_t>> plain;
		for (const ItemRef &it : items)
			if (size_t(it.pos) + 1 <= kMaxSeqLen)
				plain.push_back({it.card, it.pos});
		std::stable_sort(plain.begin(), plain.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
		for (size_t i = 0; i < plain.size(); i += size_t(o.batch_size)) {
			Batch b;
			b.items.assign(plain.begin() + i, plain.begin() + std::min(plain.size(), i + size_t(o.batch_size)));
			b.predictions = b.items.size();
			batches.push_back(std::move(b));
		}
	}

	Weights w = Train(cards, batches, total, init, o);
	if (!AllFinite(w))
		return result; /* cannot happen with clipping, but never hand out NaN */
	std::map<int, double> trained_s0;
	for (int i = 0; i < 4; i++)
		trained_s0[i + 1] = w[i];
	double smoothed[4];
	if (SmoothAndFill(trained_s0, rating_count, smoothed))
		for (int i = 0; i < 4; i++)
			w[i] = smoothed[i];
	result.weights = w;
	result.kind = FitKind::kTrained;
	return result;
}

Evaluation
Evaluate(std::vector<Review> &reviews, const Weights &weights, int64_t score_from)
{
	SortAndValidate(reviews);
	std::vector<Card> cards = BuildCards(reviews);
	std::vector<ItemRef> items = CollectItems(cards, score_from);
	Evaluation ev{std::nan(""), std::nan(""), int64_t(items.size())};
	if (items.empty())
		return ev;
	/* predictions per (card, position), one pass per card */
	Model<double> m;
	PrepareModel(m, weights);
	std::vector<std::vector<double>> pred(cards.size());
	for (size_t ci = 0; ci < cards.size(); ci++) {
		if ((ci & 255) == 0)
			CheckInterrupts();
		const Card &c = cards[ci];
		pred[ci].assign(c.dt.size(), 0.0);
		double s = 0, d = 0, r = 0;
		for (size_t p = 0; p < c.dt.size(); p++) {
			Step(m, s, d, p == 0, c.dt[p], c.rating[p], &r);
			pred[ci][p] = r;
		}
	}
	struct Bin {
		double predicted = 0, actual = 0, count = 0, weight = 0;
	};
	std::map<std::tuple<uint32_t, uint32_t, uint32_t>, Bin> bins;
	double loss = 0.0, weight_sum = 0.0;
	for (size_t i = 0; i < items.size(); i++) {
		const ItemRef &it = items[i];
		const Card &c = cards[it.card];
		const double wgt = RecencyWeight(i, items.size());
		const double p = pred[it.card][it.pos];
		const double y = c.rating[it.pos] > 1 ? 1.0 : 0.0;
		const double pc = std::clamp(p, kMinProb, kMaxProb);
		loss += (y * std::log(pc) + (1.0 - y) * std::log(1.0 - pc)) * wgt;
		weight_sum += wgt;
		/* fsrs-rs FSRSItem::r_matrix_index */
		const double dt = double(c.dt[it.pos]);
		const auto dt_bin = uint32_t(std::round(2.48 * std::pow(3.62, std::floor(std::log(dt) / std::log(3.62))) * 100.0));
		size_t long_term = 0, lapses = 0;
		for (size_t q = 0; q <= it.pos; q++) {
			long_term += c.dt[q] > 0;
			if (q < it.pos && c.rating[q] == 1 && c.dt[q] > 0)
				lapses++;
		}
		const double length = double(long_term) + 1.0;
		const auto len_bin = uint32_t(std::round(1.99 * std::pow(1.89, std::floor(std::log(length) / std::log(1.89)))));
		uint32_t lapse_bin = 0;
		if (lapses > 0)
			lapse_bin = uint32_t(
			    std::round(1.65 * std::pow(1.73, std::floor(std::log(double(lapses)) / std::log(1.73)))));
		Bin &b = bins[{dt_bin, len_bin, lapse_bin}];
		b.predicted += p;
		b.actual += y;
		b.count += 1.0;
		b.weight += wgt;
	}
	double se = 0.0, bw = 0.0;
	for (const auto &[key, b] : bins) {
		const double diff = b.predicted / b.count - b.actual / b.count;
		se += diff * diff * b.weight;
		bw += b.weight;
	}
	ev.log_loss = -loss / weight_sum;
	ev.rmse_bins = std::sqrt(se / bw);
	return ev;
}

double
ForgettingCurve(const Weights &w, double t, double s)
{
	Model<double> m;
	PrepareModel(m, w);
	return Curve(m, t, std::clamp(s, kSMin, kSMax));
}

double
TargetLossAndGradient(const Weights &w, const int32_t *delta_days, const int32_t *ratings, int n,
                      double grad[kNumWeights])
{
	Model<Dual> m;
	PrepareModel(m, w);
	Card c;
	c.dt.assign(delta_days, delta_days + n);
	c.rating.assign(ratings, ratings + n);
	c.weight.assign(size_t(n), 0.0);
	c.weight[size_t(n - 1)] = 1.0;
	std::fill(grad, grad + kNumWeights, 0.0);
	return ItemLoss(m, c, size_t(n - 1), grad);
}

MemoryState
NextState(const Weights &w, MemoryState state, bool first, int delta_days, int rating)
{
	Model<double> m;
	PrepareModel(m, w);
	double r = 0;
	Step(m, state.stability, state.difficulty, first, delta_days, rating, &r);
	return state;
}

}  // namespace shinjp::srs::train
