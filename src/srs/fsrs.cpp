/*
 * fsrs.cpp — FSRS-6 scheduling, numerically identical to ts-fsrs 5.4.2 (see fsrs.hpp).
 *
 * Floating-point expressions keep ts-fsrs's evaluation order: IEEE arithmetic is then bit-identical
 * (the Makefile builds this file with -ffp-contract=off so no multiply-add is fused).
 */
#include "core_only.hpp"

#include <charconv>
#include <cinttypes>
#include <cfloat>
#include <cstdarg>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "srs/fsrs.hpp"

namespace shinjp::srs {

const double kDefaultWeights[kNumWeights] = {0.212,  1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194,
                                             0.001,  1.8722, 0.1666, 0.796,  1.4835, 0.0614, 0.2629,
                                             1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542};

const char *
StateName(State s)
{
	switch (s) {
	case State::New: return "new";
	case State::Learning: return "learning";
	case State::Review: return "review";
	case State::Relearning: return "relearning";
	}
	return "?";
}

const char *
RatingName(int rating)
{
	static const char *names[] = {"manual", "again", "hard", "good", "easy"};
	return rating >= 0 && rating <= 4 ? names[rating] : "?";
}

/* ------------------------------------------------------------------------------------------ */
/* JavaScript compatibility                                                                    */

namespace js {

double
Round(double x)
{
#if FLT_EVAL_METHOD == 0 /* doubles evaluated as doubles (SSE2), not in x87 extended precision */
	if (x >= 0 && x < 4503599627370496.0) {
		/*
		 * The hot case (the scheduler rounds positive values): adding and subtracting 2^52 rounds to the
		 * nearest integer with ties to even (both operations are exact apart from that one rounding:
		 * IEEE double, round-to-nearest, no -ffast-math), and x - r is exact; a tie that went down to
		 * an even integer goes up instead, as Math.round does.  Keeps +0.
		 */
		double r = (x + 4503599627370496.0) - 4503599627370496.0;
		if (__builtin_expect(x - r == 0.5, 0)) /* rare: a branch is cheaper than a conversion */
			r += 1;
		return r;
	}
#endif
	/*
	 * Math.round: the integer closest to x, ties toward +∞, keeping the sign of zero (floor(x + 0.5)
	 * is wrong just below 0.5).  Branch-free: the half-or-more test is data-dependent and
	 * mispredicts about half the time.
	 */
	if (!(std::fabs(x) < 4503599627370496.0)) /* 2^52: already integral (or NaN, ±inf) */
		return x;
	double t = static_cast<double>(static_cast<int64_t>(x)); /* toward zero */
	double fl = t - static_cast<double>(t > x);
	return std::copysign(fl + static_cast<double>(x - fl >= 0.5), x);
}

double
Round8(double x)
{
	return Round(x * 1e8) / 1e8;
}

/*
 * Number.prototype.toFixed(8), read back as a number: the n with n/1e8 - x closest to zero, the
 * larger on a tie, where x is the exact binary value.  x·1e8 is off by at most half an ulp, so the
 * cheap decision is exact unless the fraction is within 2^-10 of one half; then decide on the exact
 * decimal expansion that glibc prints.
 */
double
ToFixed8(double x)
{
	if (!std::isfinite(x) || std::fabs(x) >= 1e21)
		return x;
	bool neg = std::signbit(x);
	double a = std::fabs(x);
	double y = a * 1e8;
	double n = std::floor(y);
	double frac = y - n;
	if (std::fabs(frac - 0.5) > 0.0009765625) {
		if (frac > 0.5)
			n += 1.0;
	} else {
		/* exact: print all digits (a < 1e21 has at most 1100 significant fractional digits) */
		char buf[1200];
		std::snprintf(buf, sizeof buf, "%.1100f", a);
		char *dot = std::strchr(buf, '.');
		/* n = the digits up to the 8th decimal; the next digit decides (≥ 5: half or more, take n + 1) */
		char next = dot[9];
		std::memmove(dot, dot + 1, 8);
		dot[8] = '\0';
		n = std::strtod(buf, nullptr);
		if (next >= '5')
			n += 1.0;
	}
	double r = n / 1e8;
	return neg ? -r : r;
}

/* ECMAScript Number::toString(10) from the shortest round-trip digits. */
int
NumberToString(double x, char *buf)
{
	if (std::isnan(x)) {
		std::memcpy(buf, "NaN", 4);
		return 3;
	}
	if (x == 0) {
		std::memcpy(buf, "0", 2);
		return 1;
	}
	int len = 0;
	if (x < 0) {
		buf[len++] = '-';
		x = -x;
	}
	if (std::isinf(x)) {
		std::memcpy(buf + len, "Infinity", 9);
		return len + 8;
	}
	char sci[40];
	auto res = std::to_chars(sci, sci + sizeof sci, x, std::chars_format::scientific);
	*res.ptr = '\0';
	/* sci = d[.ddd]e±XX */
	char digits[20];
	int k = 0;
	const char *p = sci;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[k++] = *p;
	int e10 = std::atoi(p + 1);
	int n = e10 + 1; /* x = 0.d1d2...dk × 10^n */
	if (k <= n && n <= 21) {
		std::memcpy(buf + len, digits, k);
		len += k;
		for (int i = 0; i < n - k; i++)
			buf[len++] = '0';
	} else if (0 < n && n <= 21) {
		std::memcpy(buf + len, digits, n);
		len += n;
		buf[len++] = '.';
		std::memcpy(buf + len, digits + n, k - n);
		len += k - n;
	} else if (-6 < n && n <= 0) {
		buf[len++] = '0';
		buf[len++] = '.';
		for (int i = 0; i < -n; i++)
			buf[len++] = '0';
		std::memcpy(buf + len, digits, k);
		len += k;
	} else {
		buf[len++] = digits[0];
		if (k > 1) {
			buf[len++] = '.';
			std::memcpy(buf + len, digits + 1, k - 1);
			len += k - 1;
		}
		len += std::snprintf(buf + len, 16, "e%c%d", n - 1 >= 0 ? '+' : '-', std::abs(n - 1));
	}
	buf[len] = '\0';
	return len;
}

std::string
NumberText(double x)
{
	char buf[40];
	NumberToString(x, buf);
	return buf;
}

namespace {

/* ToUint32 of a finite non-negative double below 2^53 (all Mash ever produces). */
inline double
ToUint32(double h)
{
	return static_cast<double>(static_cast<uint32_t>(static_cast<uint64_t>(h)));
}

/* Baagøe's Mash hash, as used by seedrandom's alea (state n carried across calls). */
struct Mash {
	double n = 4022871197.0; /* 0xefc8249d */
	double operator()(const char *data, int len)
	{
		for (int i = 0; i < len; i++) {
			n += static_cast<unsigned char>(data[i]);
			double h = 0.02519603282416938 * n;
			n = ToUint32(h);
			h -= n;
			h *= n;
			n = ToUint32(h);
			h -= n;
			n += h * 4294967296.0;
		}
		return ToUint32(n) * 2.3283064365386963e-10;
	}
};

}  // namespace

double
AleaFirst(const char *seed, int len)
{
	Mash mash;
	double s0 = mash(" ", 1);
	double s1 = mash(" ", 1);
	double s2 = mash(" ", 1);
	(void) s2;
	s0 -= mash(seed, len);
	if (s0 < 0)
		s0 += 1;
	s1 -= mash(seed, len);
	if (s1 < 0)
		s1 += 1;
	s2 -= mash(seed, len);
	if (s2 < 0)
		s2 += 1;
	/* next(): t = 2091639·s0 + c·2^-32 with c = 1; the output is t - (t|0) */
	double t = 2091639 * s0 + 1 * 2.3283064365386963e-10;
	return t - static_cast<double>(static_cast<int32_t>(t));
}

void
FuzzRange(double interval, double elapsed_days, double maximum_interval, double *min_ivl, double *max_ivl)
{
	struct Range {
		double start, end, factor;
	};
	static const Range ranges[] = {{2.5, 7.0, 0.15}, {7.0, 20.0, 0.1}, {20.0, std::numeric_limits<double>::infinity(), 0.05}};
	double delta = 1.0;
	for (const Range &r : ranges)
		delta += r.factor * std::fmax(std::fmin(interval, r.end) - r.start, 0.0);
	interval = std::fmin(interval, maximum_interval);
	double lo = std::fmax(2, Round(interval - delta));
	double hi = std::fmin(Round(interval + delta), maximum_interval);
	if (interval > elapsed_days)
		lo = std::fmax(lo, elapsed_days + 1);
	lo = std::fmin(lo, hi);
	*min_ivl = lo;
	*max_ivl = hi;
}

}  // namespace js

/* ------------------------------------------------------------------------------------------ */
/* Parameters                                                                                  */

namespace {

/* Math.max / Math.min for the non-NaN operands the scheduler sees (inline; fmax is a libm call). */
inline double
Max(double a, double b)
{
	return a > b ? a : b;
}

inline double
Min(double a, double b)
{
	return a < b ? a : b;
}

inline double
Clamp(double v, double lo, double hi)
{
	/* JS clamp: Math.min(Math.max(v, lo), hi) */
	return Min(Max(v, lo), hi);
}

struct Bound {
	double lo, hi;
	const char *what;
};

/* ts-fsrs CLAMP_PARAMETERS with the w17/w18 ceiling at 2.0 and w19's floor for short-term on. */
const Bound kBounds[kNumWeights] = {
	{kSMin, kInitSMax, "initial stability (Again)"},
	{kSMin, kInitSMax, "initial stability (Hard)"},
	{kSMin, kInitSMax, "initial stability (Good)"},
	{kSMin, kInitSMax, "initial stability (Easy)"},
	{1.0, 10.0, "initial difficulty (Good)"},
	{0.001, 4.0, "initial difficulty (multiplier)"},
	{0.001, 4.0, "difficulty (multiplier)"},
	{0.001, 0.75, "difficulty (mean reversion)"},
	{0.0, 4.5, "stability (exponent)"},
	{0.0, 0.8, "stability (negative power)"},
	{0.001, 3.5, "stability (exponent)"},
	{0.001, 5.0, "fail stability (multiplier)"},
	{0.001, 0.25, "fail stability (negative power)"},
	{0.001, 0.9, "fail stability (power)"},
	{0.0, 4.0, "fail stability (exponent)"},
	{0.0, 1.0, "stability (multiplier for Hard)"},
	{1.0, 6.0, "stability (multiplier for Easy)"},
	{0.0, 2.0, "short-term stability (exponent)"},
	{0.0, 2.0, "short-term stability (exponent)"},
	{0.01, 0.8, "short-term last-stability (exponent)"},
	{0.1, 0.8, "decay"},
};

std::string
Fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

std::string
Fmt(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	std::vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return buf;
}

/* A number as JavaScript (and PostgreSQL's float8 output) prints it: shortest round-trip digits. */
inline std::string
Num(double x)
{
	return js::NumberText(x);
}

}  // namespace

int64_t
DayClock::Day(Timestamp t) const
{
	int64_t off = offset_fn ? offset_fn(zone, t) * INT64_C(1000000) : fixed_offset_us;
	int64_t local = t + off - rollover_us;
	/* floor division */
	int64_t q = local / kUsecPerDay;
	if ((local % kUsecPerDay) < 0)
		q -= 1;
	return q;
}

/* Convert and check one list of steps into whole minutes. */
int32_t
ConvertSteps(const char *which, const StepSpec *steps, int n, int32_t *out)
{
	if (n > kMaxSteps)
		throw Error(sqlstate::kProgramLimitExceeded, Fmt("too many %s", which), Fmt("Got %d steps.", n),
		            Fmt("At most %d %s are supported.", kMaxSteps, which));
	for (int i = 0; i < n; i++) {
		const StepSpec &s = steps[i];
		if (s.months != 0)
			throw Error(sqlstate::kInvalidParameterValue, Fmt("%s must not use months", which),
			            Fmt("Step %d has %d month(s).", i + 1, s.months),
			            "Write steps in minutes, hours or days, e.g. '{1 min,10 min,1 day}'.");
		/* |days| ≤ ~2^31 and |usecs| < 2^63: compute in long double-free integer arithmetic safely */
		__int128 us = static_cast<__int128>(s.days) * kUsecPerDay + s.usecs;
		if (us <= 0)
			throw Error(sqlstate::kInvalidParameterValue, Fmt("%s must be positive", which),
			            Fmt("Step %d is zero or negative.", i + 1),
			            "Each step must be at least 1 minute, e.g. '{1 min,10 min}'; use an empty array for no steps.");
		if (us % kUsecPerMinute != 0)
			throw Error(sqlstate::kInvalidParameterValue, Fmt("%s must be whole minutes", which),
			            Fmt("Step %d is not a whole number of minutes.", i + 1),
			            "FSRS schedules steps in minutes; round each step to a whole minute.");
		__int128 minutes = us / kUsecPerMinute;
		if (minutes > kMaxStepMinutes)
			throw Error(sqlstate::kInvalidParameterValue, Fmt("%s must not exceed 36500 days", which),
			            Fmt("Step %d is longer than 36500 days.", i + 1), "Use steps between 1 minute and 36500 days.");
		out[i] = static_cast<int32_t>(minutes);
		if (i > 0 && out[i] < out[i - 1])
			throw Error(sqlstate::kInvalidParameterValue, Fmt("%s must be in ascending order", which),
			            Fmt("Step %d (%d min) is shorter than step %d (%d min).", i + 1, out[i], i, out[i - 1]),
			            "List the steps from shortest to longest, e.g. '{1 min,10 min,1 hour}'.");
	}
	return n;
}


Params
MakeParams(const ParamsSpec &spec, const DayClock &day)
{
	Params p{};

	/* weights */
	const double *w = spec.weights ? spec.weights : kDefaultWeights;
	int n = spec.weights ? spec.n_weights : kNumWeights;
	if (n != 19 && n != 21)
		throw Error(sqlstate::kInvalidParameterValue, "FSRS weights must have 21 or 19 elements",
		            Fmt("Got %d weights.", n),
		            "Pass the 21 FSRS-6 weights, or 19 FSRS-5 weights (they are migrated); omit weights for the FSRS-6 defaults.");
	for (int i = 0; i < n; i++) {
		if (!std::isfinite(w[i]))
			throw Error(sqlstate::kInvalidParameterValue, "FSRS weights must be finite numbers",
			            Fmt("weights[%d] (w%d) is %s.", i + 1, i, std::isnan(w[i]) ? "NaN" : "infinite"),
			            "Every weight must be a finite number; use the FSRS-6 defaults or an optimizer's output.");
		Bound b = kBounds[i];
		if (i == 19 && !spec.enable_short_term)
			b.lo = 0.0;
		if (w[i] < b.lo || w[i] > b.hi)
			throw Error(sqlstate::kInvalidParameterValue, Fmt("FSRS weight w%d is out of range", i),
			            Fmt("weights[%d] (w%d, %s) is %s.", i + 1, i, b.what, Num(w[i]).c_str()),
			            Fmt("w%d must be between %g and %g%s.", i, b.lo, b.hi,
			                i == 19 ? (spec.enable_short_term ? " when enable_short_term is on" : " when enable_short_term is off") : ""));
	}
	for (int i = 0; i < n; i++)
		p.w[i] = w[i];
	if (n == 19) {
		/* ts-fsrs migrateParameters appends [0.0, 0.5] and clips again: w19's floor applies */
		p.w[19] = spec.enable_short_term ? 0.01 : 0.0;
		p.w[20] = kFsrs5Decay;
	}
	p.n_weights_given = n;

	/* steps */
	p.n_learning_steps = ConvertSteps("learning steps", spec.learning_steps, spec.n_learning_steps, p.learning_steps);
	p.n_relearning_steps =
		ConvertSteps("relearning steps", spec.relearning_steps, spec.n_relearning_steps, p.relearning_steps);

	/*
	 * The model's ceiling on w17 and w18 with more than one relearning step (ts-fsrs clipParameters,
	 * fsrs-rs parameter_clipper): the post-lapse stability after all relearning steps must not exceed
	 * the stability before the lapse.
	 */
	if (p.n_relearning_steps > 1) {
		double w11 = Clamp(p.w[11], kBounds[11].lo, kBounds[11].hi);
		double w13 = Clamp(p.w[13], kBounds[13].lo, kBounds[13].hi);
		double w14 = Clamp(p.w[14], kBounds[14].lo, kBounds[14].hi);
		double value = -(std::log(w11) + std::log(std::pow(2.0, w13) - 1.0) + w14 * 0.3) / p.n_relearning_steps;
		double ceiling = Clamp(js::Round8(std::sqrt(std::fmax(value, 0))), 0.01, 2.0);
		p.w[17] = Clamp(p.w[17], 0.0, ceiling);
		p.w[18] = Clamp(p.w[18], 0.0, ceiling);
	}

	/* retention and maximum interval */
	if (!(spec.desired_retention > 0 && spec.desired_retention < 1))
		throw Error(sqlstate::kInvalidParameterValue, "desired retention must be between 0 and 1",
		            "Got " + Num(spec.desired_retention) + ".",
		            "Use a probability strictly between 0 and 1, typically 0.70 to 0.97 (default 0.9).");
	if (spec.maximum_interval < 1 || spec.maximum_interval > kMaxInterval)
		throw Error(sqlstate::kInvalidParameterValue, "maximum interval must be between 1 and 36500 days",
		            Fmt("Got %" PRId64 ".", spec.maximum_interval), "Use a whole number of days from 1 to 36500 (default 36500).");
	if (spec.day_rollover_hour < 0 || spec.day_rollover_hour > 23)
		throw Error(sqlstate::kInvalidParameterValue, "day rollover hour must be between 0 and 23",
		            Fmt("Got %" PRId64 ".", spec.day_rollover_hour),
		            "Use the local hour at which the learner's day starts, e.g. 4 for 4 am (default 0).");
	p.desired_retention = spec.desired_retention;
	p.maximum_interval = static_cast<int32_t>(spec.maximum_interval);
	p.enable_short_term = spec.enable_short_term;
	p.enable_fuzz = spec.enable_fuzz;
	p.day = day;
	p.day.rollover_us = spec.day_rollover_hour * kUsecPerHour;

	/* derived constants, as ts-fsrs computes them */
	p.decay = -p.w[20];
	p.factor = js::Round8(std::exp(std::pow(p.decay, -1.0) * std::log(0.9)) - 1.0);
	p.interval_modifier = js::Round8((std::pow(p.desired_retention, 1 / p.decay) - 1) / p.factor);
	p.exp_w8 = std::exp(p.w[8]);
	p.init_d_easy = js::Round8(p.w[4] - std::exp((4 - 1) * p.w[5]) + 1);
	p.short_term_floor = p.enable_short_term ? std::exp(p.w[17] * p.w[18]) : std::exp(0 * 0.0);
	return p;
}

/* ------------------------------------------------------------------------------------------ */
/* Model formulas (ts-fsrs algorithm.ts)                                                       */

namespace model {

double
ForgettingCurve(const Params &p, double elapsed_days, double stability)
{
	return js::Round8(std::pow(1 + (p.factor * elapsed_days) / stability, p.decay));
}

double
InitStability(const Params &p, int g)
{
	return Max(p.w[g - 1], 0.1);
}

double
InitDifficulty(const Params &p, int g)
{
	return js::Round8(p.w[4] - std::exp((g - 1) * p.w[5]) + 1);
}

double
NextDifficulty(const Params &p, double d, int g)
{
	double delta_d = -p.w[6] * (g - 3);
	double next_d = d + js::Round8((delta_d * (10 - d)) / 9);
	double reverted = js::Round8(p.w[7] * p.init_d_easy + (1 - p.w[7]) * next_d);
	return Clamp(reverted, 1, 10);
}

/* The rating-independent part of the recall stability: e^w8 · (11 - D) · S^-w9 · (e^((1-R)·w10) - 1). */
static inline double
RecallCore(const Params &p, double d, double s, double r)
{
	return p.exp_w8 * (11 - d) * std::pow(s, -p.w[9]) * (std::exp((1 - r) * p.w[10]) - 1);
}

static inline double
RecallFromCore(const Params &p, double s, double core, int g)
{
	double hard_penalty = g == kHard ? p.w[15] : 1;
	double easy_bonus = g == kEasy ? p.w[16] : 1;
	return js::Round8(Clamp(s * (1 + core * hard_penalty * easy_bonus), kSMin, 36500.0));
}

double
NextRecallStability(const Params &p, double d, double s, double r, int g)
{
	return RecallFromCore(p, s, RecallCore(p, d, s, r), g);
}

double
NextForgetStability(const Params &p, double d, double s, double r)
{
	return js::Round8(Clamp(p.w[11] * std::pow(d, -p.w[12]) * (std::pow(s + 1, p.w[13]) - 1) *
	                            std::exp((1 - r) * p.w[14]),
	                        kSMin, 36500.0));
}

double
NextShortTermStability(const Params &p, double s, int g)
{
	double sinc = std::pow(s, -p.w[19]) * std::exp(p.w[17] * (g - 3 + p.w[18]));
	double masked = g >= kHard ? Max(sinc, 1.0) : sinc;
	return js::Round8(Clamp(s * masked, kSMin, 36500.0));
}

/* Stability after a lapse: the forget stability, but never above S / e^(w17·w18). */
static inline double
LapseStability(const Params &p, double d, double s, double r)
{
	double s_after_fail = NextForgetStability(p, d, s, r);
	double next_s_min = s / p.short_term_floor;
	return Clamp(js::Round8(next_s_min), kSMin, s_after_fail);
}

MemoryState
NextState(const Params &p, MemoryState m, double t, int g)
{
	double d = m.difficulty, s = m.stability;
	if (d == 0 && s == 0)
		return {InitStability(p, g), Clamp(InitDifficulty(p, g), 1, 10)};
	double new_s;
	if (t == 0 && p.enable_short_term)
		new_s = NextShortTermStability(p, s, g);
	else {
		double r = ForgettingCurve(p, t, s);
		new_s = g == kAgain ? LapseStability(p, d, s, r) : NextRecallStability(p, d, s, r, g);
	}
	return {new_s, NextDifficulty(p, d, g)};
}

int32_t
NextIntervalUnfuzzed(const Params &p, double s)
{
	return static_cast<int32_t>(Min(Max(1, js::Round(s * p.interval_modifier)), p.maximum_interval));
}

}  // namespace model

/* ------------------------------------------------------------------------------------------ */
/* Cards                                                                                       */

Card
NewCard(Timestamp at)
{
	Card c;
	c.due = at;
	return c;
}

[[noreturn]] __attribute__((noinline, cold)) static void
RatingError(int64_t rating)
{
	throw Error(sqlstate::kInvalidParameterValue, "rating must be between 1 and 4", Fmt("Got %" PRId64 ".", rating),
	            "Use 1 (again), 2 (hard), 3 (good) or 4 (easy).");
}

void
ValidateRating(int64_t rating)
{
	if (rating < 1 || rating > 4)
		RatingError(rating);
}

[[noreturn]] __attribute__((noinline, cold)) static void
MalformedCard(const std::string &detail, const char *hint)
{
	throw Error(sqlstate::kInvalidParameterValue, "malformed FSRS card", detail, hint);
}

void
ValidateCard(const Card &c)
{
	const char *memory_hint =
		"A card's stability is 0 (never reviewed) or between 0.001 and 36500 days, and its difficulty 0 or between 1 "
		"and 10; start from shinjp.fsrs_new_card().";
	if (!std::isfinite(c.stability) || !std::isfinite(c.difficulty))
		MalformedCard("Stability and difficulty must be finite numbers.", memory_hint);
	bool initial = c.stability == 0 && c.difficulty == 0;
	if (!initial) {
		if (c.stability < kSMin || c.stability > kSMax)
			MalformedCard("Stability is " + Num(c.stability) + ".", memory_hint);
		if (c.difficulty < 1 || c.difficulty > 10)
			MalformedCard("Difficulty is " + Num(c.difficulty) + ".", memory_hint);
	}
	if (c.elapsed_days < 0 || c.scheduled_days < 0 || c.learning_steps < 0 || c.reps < 0 || c.lapses < 0)
		MalformedCard("elapsed_days, scheduled_days, learning_steps, reps and lapses must not be negative.",
		              "Counters count up from 0; start from shinjp.fsrs_new_card().");
	if (c.state != State::New && !c.has_last_review)
		MalformedCard(Fmt("A card in state %s has no last_review.", StateName(c.state)),
		              "Only a new card may lack last_review; set it to the time of the latest review.");
	if (c.state != State::New && initial)
		MalformedCard(Fmt("A card in state %s has no memory state (stability and difficulty are 0).", StateName(c.state)),
		              memory_hint);
}

Timestamp
AddToTimestamp(Timestamp t, int64_t us)
{
	Timestamp r;
	/* PostgreSQL's timestamptz ends at 294276 AD (about 9.2e18 µs): also check that range. */
	constexpr Timestamp kEnd = INT64_C(9223371331200000000);
	if (__builtin_add_overflow(t, us, &r) || r >= kEnd)
		throw Error(sqlstate::kDatetimeFieldOverflow, "timestamp out of range",
		            "The next due date is beyond the end of the timestamp range.", "Use review times in a realistic range.");
	return r;
}

int64_t
JsTimeMs(Timestamp t)
{
	int64_t ms = t / 1000;
	if (t % 1000 < 0)
		ms -= 1;
	return ms - kUnixEpochMs;
}

namespace {

/*
 * One scheduling step, shaped like ts-fsrs's schedulers.  `last` is the card before the review;
 * ts-fsrs's `current` is `last` with last_review, elapsed_days and reps updated (Base()).  Outcomes
 * are written field by field into their destination: whole-struct copies of cards that were just
 * written field by field would stall on store forwarding, and this is the hot path.  The fuzz factor
 * is drawn once per step (ts-fsrs seeds every interval of a step alike).
 */
struct Step {
	const Params &p;
	const Card &last;
	Timestamp now;
	int32_t elapsed; /* learner days since the last review (0 for a new card) */
	int32_t reps;    /* reps after this review; the fuzz seed uses it */
	bool have_fuzz = false;
	double fuzz = 0;

	Step(const Params &params, const Card &card, Timestamp at) : p(params), last(card), now(at)
	{
		ValidateCard(card);
		if (card.has_last_review && at < card.last_review)
			throw Error(sqlstate::kInvalidParameterValue, "review time is before the card's last review",
			            "A review must not be earlier than the previous one.",
			            "Pass review times in chronological order (ORDER BY reviewed_at in fsrs_replay).");
		int64_t interval = 0;
		if (card.state != State::New && card.has_last_review)
			interval = p.day.Day(at) - p.day.Day(card.last_review);
		if (interval > INT32_MAX)
			throw Error(sqlstate::kDatetimeFieldOverflow, "elapsed days out of range");
		elapsed = static_cast<int32_t>(interval);
		if (card.reps == INT32_MAX)
			throw Error(sqlstate::kNumericValueOutOfRange, "reps out of range", "The card has been reviewed 2147483647 times.");
		reps = card.reps + 1;
	}

	/* ts-fsrs's `current`, the starting point of every outcome */
	void Base(Card &c) const
	{
		c.due = last.due;
		c.stability = last.stability;
		c.difficulty = last.difficulty;
		c.elapsed_days = elapsed;
		c.scheduled_days = last.scheduled_days;
		c.learning_steps = last.learning_steps;
		c.reps = reps;
		c.lapses = last.lapses;
		c.state = last.state;
		c.has_last_review = true;
		c.last_review = now;
	}

	/* ts-fsrs DefaultInitSeedStrategy: `${review_time_ms}_${reps}_${difficulty * stability}` */
	__attribute__((noinline)) double FuzzFactor()
	{
		if (!have_fuzz) {
			char seed[96];
			int len = std::snprintf(seed, sizeof seed, "%" PRId64 "_%d_", JsTimeMs(now), reps);
			len += js::NumberToString(last.difficulty * last.stability, seed + len);
			fuzz = js::AleaFirst(seed, len);
			have_fuzz = true;
		}
		return fuzz;
	}

	/* ts-fsrs next_interval + apply_fuzz */
	int32_t NextInterval(double s, double elapsed_days)
	{
		double ivl = model::NextIntervalUnfuzzed(p, s);
		if (!p.enable_fuzz || ivl < 2.5)
			return static_cast<int32_t>(ivl);
		return Fuzzed(ivl, elapsed_days);
	}

	/* apply_fuzz proper (kept out of line: the hot path has fuzz off) */
	__attribute__((noinline)) int32_t Fuzzed(double ivl, double elapsed_days)
	{
		double lo, hi;
		js::FuzzRange(ivl, elapsed_days, p.maximum_interval, &lo, &hi);
		return static_cast<int32_t>(std::floor(FuzzFactor() * (hi - lo + 1) + lo));
	}

	void SetDays(Card &c, int32_t days) const
	{
		c.scheduled_days = days;
		c.due = AddToTimestamp(now, static_cast<int64_t>(days) * kUsecPerDay);
	}

	/* the next memory state (ts-fsrs next_ds); r < 0 = compute it from t */
	MemoryState Next(double t, int g, double r = -1) const
	{
		double d = last.difficulty, s = last.stability;
		if (d == 0 && s == 0)
			return {model::InitStability(p, g), Clamp(model::InitDifficulty(p, g), 1, 10)};
		double new_s;
		if (t == 0 && p.enable_short_term)
			new_s = model::NextShortTermStability(p, s, g);
		else {
			if (r < 0)
				r = model::ForgettingCurve(p, t, s);
			new_s = g == kAgain ? model::LapseStability(p, d, s, r) : model::NextRecallStability(p, d, s, r, g);
		}
		return {new_s, model::NextDifficulty(p, d, g)};
	}

	/* ts-fsrs BasicLearningStepsStrategy + applyLearningSteps (the strategy reads `current`: last's state and step) */
	void ApplyLearningSteps(Card &next, int grade, State to_state)
	{
		State state = last.state;
		int32_t cur = last.learning_steps;
		const bool relearn = state == State::Relearning || state == State::Review;
		const int32_t *steps = relearn ? p.relearning_steps : p.learning_steps;
		int32_t n = relearn ? p.n_relearning_steps : p.n_learning_steps;
		double minutes = 0;
		int32_t next_step = 0;
		if (n > 0 && cur < n) {
			if (state == State::Review) {
				if (grade == kAgain)
					minutes = steps[cur];
			} else if (grade == kAgain) {
				minutes = steps[0];
			} else if (grade == kHard) {
				minutes = n == 1 ? js::Round(steps[0] * 1.5) : js::Round((steps[0] + steps[1]) / 2.0);
				next_step = cur;
			} else if (grade == kGood && cur + 1 < n && steps[cur + 1] != 0) {
				minutes = steps[cur + 1];
				next_step = cur + 1;
			}
		}
		if (minutes > 0 && minutes < 1440) {
			next.learning_steps = next_step;
			next.scheduled_days = 0;
			next.state = to_state;
			next.due = AddToTimestamp(now, static_cast<int64_t>(minutes) * kUsecPerMinute);
		} else {
			next.state = State::Review;
			if (minutes >= 1440) {
				next.learning_steps = next_step;
				next.due = AddToTimestamp(now, static_cast<int64_t>(minutes) * kUsecPerMinute);
				next.scheduled_days = static_cast<int32_t>(std::floor(minutes / 1440));
			} else {
				next.learning_steps = 0;
				SetDays(next, NextInterval(next.stability, elapsed));
			}
		}
	}

	/*
	 * Fill *out[g] for every grade g with a non-null out[g].  Computes only what those outcomes depend
	 * on; the values are the same as computing all four.
	 */
	void Run(Card *const out[5])
	{
		if (p.enable_short_term)
			RunBasic(out);
		else
			RunLongTerm(out);
	}

	void RunBasic(Card *const out[5])
	{
		switch (last.state) {
		case State::New:
		case State::Learning:
		case State::Relearning: {
			State to = last.state == State::New ? State::Learning : last.state;
			for (int g = 1; g <= 4; g++) {
				if (out[g] == nullptr)
					continue;
				Card &c = *out[g];
				Base(c);
				MemoryState m = Next(elapsed, g);
				c.stability = m.stability;
				c.difficulty = m.difficulty;
				ApplyLearningSteps(c, g, to);
			}
			return;
		}
		case State::Review: {
			double t = elapsed;
			double s = last.stability, d = last.difficulty;
			bool short_term = t == 0 && p.enable_short_term;
			double r = short_term ? 1 : model::ForgettingCurve(p, t, s);
			if (out[kAgain] != nullptr) {
				Card &c = *out[kAgain];
				Base(c);
				c.stability = short_term ? model::NextShortTermStability(p, s, kAgain) : model::LapseStability(p, d, s, r);
				c.difficulty = model::NextDifficulty(p, d, kAgain);
				ApplyLearningSteps(c, kAgain, State::Relearning);
				c.lapses += 1;
			}
			if (out[kHard] == nullptr && out[kGood] == nullptr && out[kEasy] == nullptr)
				return;
			/* hard ≤ good < easy, each from its own stability */
			double core = short_term ? 0 : model::RecallCore(p, d, s, r);
			double st[5];
			int32_t ivl[5];
			int top = out[kEasy] != nullptr ? kEasy : kGood; /* hard needs good, good needs hard */
			for (int g = kHard; g <= top; g++) {
				st[g] = short_term ? model::NextShortTermStability(p, s, g) : model::RecallFromCore(p, s, core, g);
				ivl[g] = NextInterval(st[g], t);
			}
			ivl[kHard] = std::min(ivl[kHard], ivl[kGood]);
			ivl[kGood] = std::max(ivl[kGood], ivl[kHard] + 1);
			if (top == kEasy)
				ivl[kEasy] = std::max(ivl[kEasy], ivl[kGood] + 1);
			for (int g = kHard; g <= top; g++) {
				if (out[g] == nullptr)
					continue;
				Card &c = *out[g];
				Base(c);
				c.stability = st[g];
				c.difficulty = model::NextDifficulty(p, d, g);
				SetDays(c, ivl[g]);
				c.state = State::Review;
				c.learning_steps = 0;
			}
			return;
		}
		}
	}

	void RunLongTerm(Card *const out[5])
	{
		/* a new card: ts-fsrs zeroes current's scheduled and elapsed days and uses t = 0 */
		bool is_new = last.state == State::New;
		double t = is_new ? 0 : elapsed;
		double r = is_new ? -1 : model::ForgettingCurve(p, t, last.stability);
		/* again ≤ hard < good < easy: outcome g depends on every grade up to it (and on hard) */
		int top = kHard;
		for (int g = 1; g <= 4; g++)
			if (out[g] != nullptr)
				top = std::max(top, g);
		MemoryState m[5];
		int32_t ivl[5];
		for (int g = 1; g <= top; g++) {
			m[g] = Next(t, g, r);
			ivl[g] = NextInterval(m[g].stability, t);
		}
		ivl[kAgain] = std::min(ivl[kAgain], ivl[kHard]);
		ivl[kHard] = std::max(ivl[kHard], ivl[kAgain] + 1);
		if (top >= kGood)
			ivl[kGood] = std::max(ivl[kGood], ivl[kHard] + 1);
		if (top >= kEasy)
			ivl[kEasy] = std::max(ivl[kEasy], ivl[kGood] + 1);
		for (int g = 1; g <= top; g++) {
			if (out[g] == nullptr)
				continue;
			Card &c = *out[g];
			Base(c);
			c.stability = m[g].stability;
			c.difficulty = m[g].difficulty;
			SetDays(c, ivl[g]);
			c.state = State::Review;
			c.learning_steps = 0;
			if (g == kAgain && !is_new)
				c.lapses += 1;
		}
	}
};

}  // namespace

/*
 * flatten: the model formulas, rounding helpers and the step's parts are inlined into one body (fuzz
 * and error paths stay out of line).  Inlining changes no result: -ffp-contract=off, SSE2 doubles.
 */
__attribute__((flatten)) Card
Review(const Params &p, const Card &card, int rating, Timestamp now)
{
	ValidateRating(rating);
	Step step(p, card, now);
	Card result;
	Card *const out[5] = {nullptr, rating == 1 ? &result : nullptr, rating == 2 ? &result : nullptr,
	                      rating == 3 ? &result : nullptr, rating == 4 ? &result : nullptr};
	step.Run(out);
	return result;
}

__attribute__((flatten)) void
Preview(const Params &p, const Card &card, Timestamp now, Card out[4])
{
	Step step(p, card, now);
	Card *const outs[5] = {nullptr, &out[0], &out[1], &out[2], &out[3]};
	step.Run(outs);
}

double
Retrievability(const Params &p, const Card &card, Timestamp now)
{
	ValidateCard(card);
	if (card.state == State::New)
		return 0;
	/* ts-fsrs date_diff(now, last_review, 'days'): whole 24-hour periods, floored; never negative */
	int64_t diff_ms = JsTimeMs(now) - JsTimeMs(card.last_review);
	int64_t days = diff_ms / 86400000;
	if (diff_ms % 86400000 < 0)
		days -= 1;
	if (days < 0)
		days = 0;
	return model::ForgettingCurve(p, static_cast<double>(days), js::ToFixed8(card.stability));
}

Card
Reschedule(const Params &p, const Card &card, Timestamp at)
{
	ValidateCard(card);
	if (card.has_last_review && at < card.last_review)
		throw Error(sqlstate::kInvalidParameterValue, "reschedule time is before the card's last review",
		            "A card cannot be rescheduled at a time before it was last reviewed.",
		            "Pass the current time, e.g. now().");
	if (card.state != State::Review)
		return card;
	/* the fuzz is seeded like a review at last_review with the card's rep count and memory state */
	Step step(p, card, card.last_review);
	step.reps = card.reps;
	double elapsed_at = static_cast<double>(p.day.Day(at) - p.day.Day(card.last_review));
	int32_t ivl = step.NextInterval(card.stability, elapsed_at);
	Card c = card;
	c.scheduled_days = ivl;
	c.due = AddToTimestamp(card.last_review, static_cast<int64_t>(ivl) * kUsecPerDay);
	return c;
}

MemoryState
MemoryFromSm2(const Params &p, double ease, double interval_days, double sm2_retention)
{
	if (!std::isfinite(ease) || ease < 1.0 || ease > 10.0)
		throw Error(sqlstate::kInvalidParameterValue, "SM-2 ease must be between 1.0 and 10.0",
		            "Got " + Num(ease) + ".", "Pass the ease as a factor (2.5 for Anki's 250%).");
	if (!std::isfinite(interval_days) || interval_days < 0 || interval_days > kSMax)
		throw Error(sqlstate::kInvalidParameterValue, "SM-2 interval must be between 0 and 36500 days",
		            "Got " + Num(interval_days) + ".", "Pass the card's current interval in days.");
	if (!(sm2_retention > 0 && sm2_retention < 1))
		throw Error(sqlstate::kInvalidParameterValue, "SM-2 retention must be between 0 and 1",
		            "Got " + Num(sm2_retention) + ".", "Use the true retention SM-2 achieved, typically 0.9.");
	double decay = p.decay;
	double factor = std::pow(0.9, 1.0 / decay) - 1.0;
	double s = std::fmax(interval_days, kSMin) * factor / (std::pow(sm2_retention, 1.0 / decay) - 1.0);
	double d = 11.0 - (ease - 1.0) / (p.exp_w8 * std::pow(s, -p.w[9]) * std::expm1((1.0 - sm2_retention) * p.w[10]));
	if (!std::isfinite(s) || !std::isfinite(d))
		throw Error(sqlstate::kNumericValueOutOfRange, "memory state from SM-2 is not finite",
		            "ease " + Num(ease) + ", interval " + Num(interval_days) + ", retention " + Num(sm2_retention) + ".",
		            "Check the SM-2 values; an interval of 0 needs a review history instead.");
	return {Clamp(s, kSMin, kSMax), Clamp(d, 1.0, 10.0)};
}

}  // namespace shinjp::srs
