/*
 * review_summary.cpp — the review summary core: sketch buckets, merge/subtract rules, accessors,
 * the packed and dense encodings with full validation, and the text form.
 */
#include "core_only.hpp"

#include "analytics/review_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace shinjp::agg {

namespace {

[[noreturn]] void
Corrupt(const std::string &what)
{
	throw Error(sqlstate::kInvalidBinaryRepresentation, "invalid review summary: " + what, {},
	            "A review summary must come from shinjp.review_summary_agg, shinjp.rollup or their text or binary "
	            "output; it cannot be written by hand.");
}

[[noreturn]] void
Overflow()
{
	throw Error(sqlstate::kNumericValueOutOfRange, "review summary counter out of range", {},
	            "A summary holds at most 9223372036854775807 reviews and answer milliseconds.");
}

int64_t
AddChecked(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		Overflow();
	return r;
}

uint64_t
AddChecked(uint64_t a, uint64_t b)
{
	uint64_t r;
	if (__builtin_add_overflow(a, b, &r))
		Overflow();
	return r;
}

double
LogGamma()
{
	static const double v = std::log((1.0 + kSketchAlpha) / (1.0 - kSketchAlpha));
	return v;
}

/* Merge rule for a minimum that may be a lower bound only (unknown flag). */
template <class T>
void
MergeMin(T &a, uint8_t &flags, uint8_t flag, T b, bool b_known)
{
	bool a_known = !(flags & flag);
	bool known;
	if (a < b)
		known = a_known;
	else if (b < a) {
		a = b;
		known = b_known;
	} else
		known = a_known || b_known;
	flags = known ? (flags & ~flag) : (flags | flag);
}

template <class T>
void
MergeMax(T &a, uint8_t &flags, uint8_t flag, T b, bool b_known)
{
	bool a_known = !(flags & flag);
	bool known;
	if (a > b)
		known = a_known;
	else if (b > a) {
		a = b;
		known = b_known;
	} else
		known = a_known || b_known;
	flags = known ? (flags & ~flag) : (flags | flag);
}

/* a += b for the fixed part, with the merge rule for min/max-like fields. */
void
MergeCounters(Counters &a, const Counters &b)
{
	bool a_had = a.Total() > 0, b_has = b.Total() > 0;
	bool a_had_answers = a.answer_count > 0, b_answers = b.answer_count > 0;
	for (int i = 0; i < 4; i++)
		a.by_rating[i] = AddChecked(a.by_rating[i], b.by_rating[i]);
	if (a.by_rating[0] > INT64_MAX - a.by_rating[1] || a.by_rating[0] + a.by_rating[1] > INT64_MAX - a.by_rating[2] ||
	    a.by_rating[0] + a.by_rating[1] + a.by_rating[2] > INT64_MAX - a.by_rating[3])
		Overflow();
	a.young_reviewed = AddChecked(a.young_reviewed, b.young_reviewed);
	a.young_passed = AddChecked(a.young_passed, b.young_passed);
	a.mature_reviewed = AddChecked(a.mature_reviewed, b.mature_reviewed);
	a.mature_passed = AddChecked(a.mature_passed, b.mature_passed);
	a.answer_count = AddChecked(a.answer_count, b.answer_count);
	a.answer_zero = AddChecked(a.answer_zero, b.answer_zero);
	a.answer_sum = AddChecked(a.answer_sum, b.answer_sum);
	if (b_has) {
		if (!a_had) {
			a.first_at = b.first_at;
			a.last_at = b.last_at;
			a.flags = (a.flags & ~(kFirstUnknown | kLastUnknown)) | (b.flags & (kFirstUnknown | kLastUnknown));
		} else {
			MergeMin(a.first_at, a.flags, kFirstUnknown, b.first_at, !(b.flags & kFirstUnknown));
			MergeMax(a.last_at, a.flags, kLastUnknown, b.last_at, !(b.flags & kLastUnknown));
		}
	}
	if (b_answers) {
		if (!a_had_answers) {
			a.answer_min = b.answer_min;
			a.answer_max = b.answer_max;
			a.flags = (a.flags & ~(kMinUnknown | kMaxUnknown)) | (b.flags & (kMinUnknown | kMaxUnknown));
		} else {
			MergeMin(a.answer_min, a.flags, kMinUnknown, b.answer_min, !(b.flags & kMinUnknown));
			MergeMax(a.answer_max, a.flags, kMaxUnknown, b.answer_max, !(b.flags & kMaxUnknown));
		}
	}
}

/* Add one review to the fixed part (bucket handled by the caller). */
inline void
AddCounters(Counters &c, const Review &r)
{
	bool had = c.Total() > 0;
	c.by_rating[r.rating - 1]++;
	if (r.has_elapsed && r.elapsed_days >= 1) {
		bool pass = r.rating >= 2;
		if (r.elapsed_days >= kMatureDays) {
			c.mature_reviewed++;
			c.mature_passed += pass;
		} else {
			c.young_reviewed++;
			c.young_passed += pass;
		}
	}
	if (r.has_answer) {
		/* merge rule with one known value: it becomes the (known) minimum when <= the current one */
		if (c.answer_count == 0) {
			c.answer_min = c.answer_max = r.answer_ms;
			c.flags &= ~(kMinUnknown | kMaxUnknown);
		} else {
			if (r.answer_ms <= c.answer_min) {
				c.answer_min = r.answer_ms;
				c.flags &= ~kMinUnknown;
			}
			if (r.answer_ms >= c.answer_max) {
				c.answer_max = r.answer_ms;
				c.flags &= ~kMaxUnknown;
			}
		}
		c.answer_count++;
		c.answer_sum = AddChecked(c.answer_sum, static_cast<int64_t>(r.answer_ms));
		if (r.answer_ms == 0)
			c.answer_zero++;
	}
	if (!had) {
		c.first_at = c.last_at = r.reviewed_at;
		c.flags &= ~(kFirstUnknown | kLastUnknown);
	} else {
		if (r.reviewed_at <= c.first_at) {
			c.first_at = r.reviewed_at;
			c.flags &= ~kFirstUnknown;
		}
		if (r.reviewed_at >= c.last_at) {
			c.last_at = r.reviewed_at;
			c.flags &= ~kLastUnknown;
		}
	}
}

/* Little-endian base-128 varints. */
void
PutVarint(std::string &out, uint64_t v)
{
	while (v >= 0x80) {
		out.push_back(static_cast<char>((v & 0x7f) | 0x80));
		v >>= 7;
	}
	out.push_back(static_cast<char>(v));
}

struct Reader {
	const uint8_t *p;
	const uint8_t *end;

	uint8_t Byte()
	{
		if (p >= end)
			Corrupt("value is truncated");
		return *p++;
	}
	uint64_t Varint()
	{
		uint64_t v = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			uint8_t b = Byte();
			if (shift == 63 && b > 1)
				Corrupt("varint overflows 64 bits");
			v |= static_cast<uint64_t>(b & 0x7f) << shift;
			if (!(b & 0x80)) {
				if (b == 0 && shift > 0)
					Corrupt("varint is not minimally encoded");
				return v;
			}
		}
		Corrupt("varint is too long");
	}
	int64_t Count()
	{
		uint64_t v = Varint();
		if (v > static_cast<uint64_t>(INT64_MAX))
			Corrupt("counter out of range");
		return static_cast<int64_t>(v);
	}
	int32_t Ms()
	{
		uint64_t v = Varint();
		if (v > static_cast<uint64_t>(INT32_MAX))
			Corrupt("answer time out of range");
		return static_cast<int32_t>(v);
	}
};

int64_t
FloorDiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Howard Hinnant's civil-from-days / days-from-civil (proleptic Gregorian, days since 1970-01-01). */
void
CivilFromDays(int64_t z, int64_t &y, unsigned &m, unsigned &d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = static_cast<unsigned>(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = static_cast<int64_t>(yoe) + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += (m <= 2);
}

int64_t
DaysFromCivil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = static_cast<unsigned>(y - era * 400);
	const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr int64_t kUsPerDay = INT64_C(86400000000);
constexpr int64_t kUnixEpochDays = 10957; /* 1970-01-01 -> 2000-01-01 */

bool
ParseU64(const std::string &s, uint64_t &out)
{
	if (s.empty() || s.size() > 20)
		return false;
	uint64_t v = 0;
	for (char ch : s) {
		if (ch < '0' || ch > '9')
			return false;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, static_cast<uint64_t>(ch - '0'), &v))
			return false;
	}
	out = v;
	return true;
}

[[noreturn]] void
BadText(const std::string &what)
{
	throw Error(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type review_summary: " + what, {},
	            "Use the text form that review_summary output produces, for example \"v1 total=0\".");
}

std::vector<std::string>
Split(const std::string &s, char sep)
{
	std::vector<std::string> parts;
	size_t start = 0;
	for (;;) {
		size_t pos = s.find(sep, start);
		parts.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
		if (pos == std::string::npos)
			return parts;
		start = pos + 1;
	}
}

}  // namespace

namespace {

int
SlowBucketIndex(int32_t ms)
{
	return static_cast<int>(std::ceil(std::log(static_cast<double>(ms)) / LogGamma()));
}

/* Bucket of every answer time below 2^15 ms, filled on first use (about 0.3 ms once per backend). */
constexpr int32_t kSmallMs = 1 << 15;
uint16_t g_small_bucket[kSmallMs];
bool g_small_ready = false;

}  // namespace

int
BucketIndex(int32_t ms)
{
	if (ms < kSmallMs) {
		if (__builtin_expect(!g_small_ready, 0)) {
			for (int32_t v = 1; v < kSmallMs; v++)
				g_small_bucket[v] = static_cast<uint16_t>(SlowBucketIndex(v));
			g_small_ready = true;
		}
		return g_small_bucket[ms];
	}
	return SlowBucketIndex(ms);
}

int
MaxBucket()
{
	static const int v = BucketIndex(INT32_MAX);
	return v;
}

double
BucketValue(int index)
{
	const double gamma = (1.0 + kSketchAlpha) / (1.0 - kSketchAlpha);
	return 2.0 * std::exp(index * LogGamma()) / (gamma + 1.0);
}

void
ValidateReview(const Review &r)
{
	if (r.rating < 1 || r.rating > 4)
		throw Error(sqlstate::kInvalidParameterValue, "rating must be between 1 and 4",
		            "The rating was " + std::to_string(r.rating) + ".",
		            "Use 1 (again), 2 (hard), 3 (good) or 4 (easy).");
	if (r.has_answer && r.answer_ms < 0)
		throw Error(sqlstate::kInvalidParameterValue, "answer time must not be negative",
		            "The answer time was " + std::to_string(r.answer_ms) + " ms.",
		            "Pass the answer time in milliseconds, 0 or more, or NULL when it is unknown.");
	if (r.has_elapsed && r.elapsed_days < 0)
		throw Error(sqlstate::kInvalidParameterValue, "elapsed days must not be negative",
		            "The elapsed days were " + std::to_string(r.elapsed_days) + ".",
		            "Pass the days since the card's previous review, 0 or more, or NULL for a new card.");
	if (r.reviewed_at < kMinTimestamp || r.reviewed_at >= kEndTimestamp)
		throw Error(sqlstate::kDatetimeFieldOverflow, "review time must be finite", {},
		            "Pass a finite timestamp with time zone as the review time.");
}

void
Summary::Add(const Review &r)
{
	if (r.has_answer && r.answer_ms > 0) {
		int idx = BucketIndex(r.answer_ms);
		if (buckets.empty()) {
			bucket_lo = idx;
			buckets.assign(1, 0);
		} else if (idx < bucket_lo) {
			buckets.insert(buckets.begin(), static_cast<size_t>(bucket_lo - idx), 0);
			bucket_lo = idx;
		} else if (idx >= bucket_lo + static_cast<int>(buckets.size()))
			buckets.resize(static_cast<size_t>(idx - bucket_lo + 1), 0);
		buckets[static_cast<size_t>(idx - bucket_lo)]++;
	}
	AddCounters(c, r);
}

void
Summary::Merge(const Summary &b)
{
	MergeCounters(c, b.c);
	if (b.buckets.empty())
		return;
	if (buckets.empty()) {
		bucket_lo = b.bucket_lo;
		buckets = b.buckets;
		return;
	}
	int lo = std::min(bucket_lo, b.bucket_lo);
	int hi = std::max(bucket_lo + static_cast<int>(buckets.size()), b.bucket_lo + static_cast<int>(b.buckets.size()));
	if (lo < bucket_lo)
		buckets.insert(buckets.begin(), static_cast<size_t>(bucket_lo - lo), 0);
	buckets.resize(static_cast<size_t>(hi - lo), 0);
	bucket_lo = lo;
	for (size_t i = 0; i < b.buckets.size(); i++) {
		uint64_t &dst = buckets[static_cast<size_t>(b.bucket_lo - lo) + i];
		dst = AddChecked(dst, b.buckets[i]);
	}
}

void
Summary::Subtract(const Summary &b)
{
	auto not_contained = [](const char *what) {
		throw Error(sqlstate::kInvalidParameterValue,
		            std::string("cannot subtract a review summary that is not contained in the first: ") + what,
		            {}, "Subtract only a summary of reviews that the first summary includes.");
	};
	Counters &a = c;
	const Counters &bc = b.c;
	for (int i = 0; i < 4; i++)
		if (bc.by_rating[i] > a.by_rating[i])
			not_contained("more reviews of a rating");
	if (bc.young_reviewed > a.young_reviewed || bc.young_passed > a.young_passed ||
	    bc.mature_reviewed > a.mature_reviewed || bc.mature_passed > a.mature_passed)
		not_contained("more retention reviews");
	if (bc.answer_count > a.answer_count || bc.answer_zero > a.answer_zero || bc.answer_sum > a.answer_sum)
		not_contained("more answer times");
	for (size_t i = 0; i < b.buckets.size(); i++) {
		if (b.buckets[i] == 0)
			continue;
		int idx = b.bucket_lo + static_cast<int>(i);
		if (idx < bucket_lo || idx >= bucket_lo + static_cast<int>(buckets.size()) ||
		    buckets[static_cast<size_t>(idx - bucket_lo)] < b.buckets[i])
			not_contained("more answer times in a sketch bucket");
	}
	if (bc.Total() > 0) {
		if (bc.first_at < a.first_at || bc.last_at > a.last_at)
			not_contained("reviews outside its first and last review");
		/* The stored first (last) review is a lower (upper) bound once b may have held it. */
		if (bc.first_at <= a.first_at)
			a.flags |= kFirstUnknown;
		if (bc.last_at >= a.last_at)
			a.flags |= kLastUnknown;
	}
	if (bc.answer_count > 0) {
		if (bc.answer_min < a.answer_min || bc.answer_max > a.answer_max)
			not_contained("answer times outside its minimum and maximum");
		if (bc.answer_min <= a.answer_min)
			a.flags |= kMinUnknown;
		if (bc.answer_max >= a.answer_max)
			a.flags |= kMaxUnknown;
	}
	for (int i = 0; i < 4; i++)
		a.by_rating[i] -= bc.by_rating[i];
	a.young_reviewed -= bc.young_reviewed;
	a.young_passed -= bc.young_passed;
	a.mature_reviewed -= bc.mature_reviewed;
	a.mature_passed -= bc.mature_passed;
	a.answer_count -= bc.answer_count;
	a.answer_zero -= bc.answer_zero;
	a.answer_sum -= bc.answer_sum;
	for (size_t i = 0; i < b.buckets.size(); i++)
		if (b.buckets[i] != 0)
			buckets[static_cast<size_t>(b.bucket_lo + static_cast<int>(i) - bucket_lo)] -= b.buckets[i];
	if (a.young_passed > a.young_reviewed || a.mature_passed > a.mature_reviewed ||
	    a.young_reviewed + a.mature_reviewed > a.Total() || a.answer_count > a.Total())
		not_contained("inconsistent counts");
	Normalize();
	/* What is left must still be a consistent summary. */
	uint64_t in_buckets = static_cast<uint64_t>(a.answer_zero);
	for (uint64_t v : buckets)
		in_buckets += v;
	if (in_buckets != static_cast<uint64_t>(a.answer_count))
		not_contained("answer counts do not match the sketch");
}

void
Summary::Normalize()
{
	if (c.Total() == 0) {
		c.first_at = c.last_at = 0;
		c.flags &= ~(kFirstUnknown | kLastUnknown);
	}
	if (c.answer_count == 0) {
		c.answer_min = c.answer_max = 0;
		c.flags &= ~(kMinUnknown | kMaxUnknown);
	}
	size_t first = 0;
	while (first < buckets.size() && buckets[first] == 0)
		first++;
	if (first == buckets.size()) {
		buckets.clear();
		bucket_lo = 0;
		return;
	}
	size_t last = buckets.size();
	while (buckets[last - 1] == 0)
		last--;
	buckets.erase(buckets.begin() + static_cast<std::ptrdiff_t>(last), buckets.end());
	buckets.erase(buckets.begin(), buckets.begin() + static_cast<std::ptrdiff_t>(first));
	bucket_lo += static_cast<int32_t>(first);
}

void
Summary::Validate() const
{
	if (c.flags & ~kAllFlags)
		Corrupt("unknown flags");
	int64_t total = 0;
	for (int i = 0; i < 4; i++) {
		if (c.by_rating[i] < 0)
			Corrupt("negative count");
		if (__builtin_add_overflow(total, c.by_rating[i], &total))
			Corrupt("counter out of range");
	}
	if (c.young_reviewed < 0 || c.young_passed < 0 || c.mature_reviewed < 0 || c.mature_passed < 0 ||
	    c.answer_count < 0 || c.answer_zero < 0 || c.answer_sum < 0)
		Corrupt("negative count");
	if (c.young_passed > c.young_reviewed || c.mature_passed > c.mature_reviewed ||
	    c.young_reviewed > total - c.mature_reviewed)
		Corrupt("retention counts exceed the reviews");
	if (c.answer_count > total || c.answer_zero > c.answer_count)
		Corrupt("answer counts exceed the reviews");
	uint64_t in_buckets = static_cast<uint64_t>(c.answer_zero);
	for (uint64_t v : buckets)
		if (__builtin_add_overflow(in_buckets, v, &in_buckets))
			Corrupt("counter out of range");
	if (in_buckets != static_cast<uint64_t>(c.answer_count))
		Corrupt("answer count does not match the sketch");
	if (!buckets.empty() &&
	    (bucket_lo < 0 || bucket_lo > MaxBucket() || static_cast<int64_t>(buckets.size()) > MaxBucket() - bucket_lo + 1))
		Corrupt("sketch bucket out of range");
	if (!buckets.empty() && (buckets.front() == 0 || buckets.back() == 0))
		Corrupt("sketch is not trimmed");
	if (c.answer_count == 0) {
		if (c.answer_sum != 0 || c.answer_min != 0 || c.answer_max != 0 || (c.flags & (kMinUnknown | kMaxUnknown)))
			Corrupt("answer fields set without answer times");
	} else {
		if (c.answer_min < 0 || c.answer_min > c.answer_max)
			Corrupt("answer minimum and maximum out of order");
		/* a known minimum (maximum) is in the lowest (highest) occupied bucket */
		if (!(c.flags & kMinUnknown)) {
			if (c.answer_zero > 0 ? c.answer_min != 0 : (c.answer_min == 0 || BucketIndex(c.answer_min) != bucket_lo))
				Corrupt("answer minimum does not match the sketch");
		}
		if (!(c.flags & kMaxUnknown)) {
			if (buckets.empty() ? c.answer_max != 0
			                    : (c.answer_max == 0 ||
			                       BucketIndex(c.answer_max) != bucket_lo + static_cast<int>(buckets.size()) - 1))
				Corrupt("answer maximum does not match the sketch");
		}
		__int128 lo = static_cast<__int128>(c.answer_min) * c.answer_count;
		__int128 hi = static_cast<__int128>(c.answer_max) * c.answer_count;
		if (c.answer_sum < lo || c.answer_sum > hi)
			Corrupt("answer time sum out of range");
	}
	if (total == 0) {
		if (c.first_at != 0 || c.last_at != 0 || (c.flags & (kFirstUnknown | kLastUnknown)))
			Corrupt("review times set without reviews");
	} else {
		if (c.first_at < kMinTimestamp || c.last_at >= kEndTimestamp || c.first_at > c.last_at)
			Corrupt("first and last review out of range");
	}
	for (uint8_t b : c.pad)
		if (b != 0)
			Corrupt("padding is not zero");
}

bool
Summary::TrueRetention(double &out) const
{
	int64_t n = c.young_reviewed + c.mature_reviewed;
	if (n == 0)
		return false;
	out = static_cast<double>(c.young_passed + c.mature_passed) / static_cast<double>(n);
	return true;
}

bool
Summary::MatureRetention(double &out) const
{
	if (c.mature_reviewed == 0)
		return false;
	out = static_cast<double>(c.mature_passed) / static_cast<double>(c.mature_reviewed);
	return true;
}

bool
Summary::AnswerMean(double &out) const
{
	if (c.answer_count == 0)
		return false;
	out = static_cast<double>(c.answer_sum) / static_cast<double>(c.answer_count);
	return true;
}

bool
Summary::AnswerPercentile(double p, double &out) const
{
	if (c.answer_count == 0)
		return false;
	const uint64_t n = static_cast<uint64_t>(c.answer_count);
	/* the k-th smallest answer time (0-based), estimated within alpha */
	auto value_at = [&](uint64_t k) -> double {
		if (k == 0 && !(c.flags & kMinUnknown))
			return c.answer_min;
		if (k == n - 1 && !(c.flags & kMaxUnknown))
			return c.answer_max;
		uint64_t cum = static_cast<uint64_t>(c.answer_zero);
		if (k < cum)
			return 0.0;
		double v = 0.0;
		for (size_t i = 0; i < buckets.size(); i++) {
			cum += buckets[i];
			if (k < cum) {
				v = BucketValue(bucket_lo + static_cast<int>(i));
				break;
			}
		}
		if (!(c.flags & kMinUnknown))
			v = std::max(v, static_cast<double>(c.answer_min));
		if (!(c.flags & kMaxUnknown))
			v = std::min(v, static_cast<double>(c.answer_max));
		return v;
	};
	double rank = p * static_cast<double>(n - 1);
	double lo_rank = std::floor(rank);
	uint64_t lo = static_cast<uint64_t>(lo_rank);
	if (lo > n - 1)
		lo = n - 1;
	uint64_t hi = lo + (rank > lo_rank ? 1 : 0);
	if (hi > n - 1)
		hi = n - 1;
	double vlo = value_at(lo);
	out = hi == lo ? vlo : vlo + (rank - lo_rank) * (value_at(hi) - vlo);
	return true;
}

bool
Summary::FirstReview(int64_t &out) const
{
	if (c.Total() == 0 || (c.flags & kFirstUnknown))
		return false;
	out = c.first_at;
	return true;
}

bool
Summary::LastReview(int64_t &out) const
{
	if (c.Total() == 0 || (c.flags & kLastUnknown))
		return false;
	out = c.last_at;
	return true;
}

Summary
Decode(const uint8_t *data, size_t len)
{
	Summary s;
	if (len < 2)
		Corrupt("value is truncated");
	if (data[0] != kSummaryVersion)
		throw Error(sqlstate::kInvalidBinaryRepresentation,
		            "unsupported review summary format version " + std::to_string(data[0]), {},
		            "This build of shinjp reads version 1; upgrade the extension to read newer summaries.");
	if (data[1] == kFormatDense) {
		if (len < kDenseHeaderSize - sizeof(int32_t))
			Corrupt("value is truncated");
		DenseState h;
		std::memcpy(reinterpret_cast<uint8_t *>(&h) + sizeof(int32_t), data, kDenseHeaderSize - sizeof(int32_t));
		if (h.bucket_n < 0 || h.bucket_n > MaxBucket() + 1 || h.bucket_lo < 0 || h.bucket_lo > MaxBucket() + 1 - h.bucket_n)
			Corrupt("sketch bucket out of range");
		if (len != DenseSize(h.bucket_n) - sizeof(int32_t))
			Corrupt("wrong length");
		if (h.pad0[0] != 0 || h.pad0[1] != 0)
			Corrupt("padding is not zero");
		s.c = h.c;
		s.bucket_lo = h.bucket_lo;
		s.buckets.resize(static_cast<size_t>(h.bucket_n));
		if (h.bucket_n > 0)
			std::memcpy(s.buckets.data(), data + kDenseHeaderSize - sizeof(int32_t),
			            sizeof(uint64_t) * static_cast<size_t>(h.bucket_n));
		/* a dense state may carry empty edge buckets; its min/max/first/last obey the same rules */
		size_t first = 0;
		while (first < s.buckets.size() && s.buckets[first] == 0)
			first++;
		if (first == s.buckets.size()) {
			s.buckets.clear();
			s.bucket_lo = 0;
		} else {
			size_t last = s.buckets.size();
			while (s.buckets[last - 1] == 0)
				last--;
			s.buckets.erase(s.buckets.begin() + static_cast<std::ptrdiff_t>(last), s.buckets.end());
			s.buckets.erase(s.buckets.begin(), s.buckets.begin() + static_cast<std::ptrdiff_t>(first));
			s.bucket_lo += static_cast<int32_t>(first);
		}
		s.Validate();
		return s;
	}
	if (data[1] != kFormatPacked)
		Corrupt("unknown encoding " + std::to_string(data[1]));
	Reader r{data + 2, data + len};
	s.c.flags = r.Byte();
	for (int i = 0; i < 4; i++)
		s.c.by_rating[i] = r.Count();
	s.c.young_reviewed = r.Count();
	s.c.young_passed = r.Count();
	s.c.mature_reviewed = r.Count();
	s.c.mature_passed = r.Count();
	s.c.answer_count = r.Count();
	s.c.answer_zero = r.Count();
	s.c.answer_sum = r.Count();
	if (s.c.answer_count > 0) {
		s.c.answer_min = r.Ms();
		s.c.answer_max = r.Ms();
	}
	int64_t total = 0;
	for (int i = 0; i < 4; i++)
		if (__builtin_add_overflow(total, s.c.by_rating[i], &total))
			Corrupt("counter out of range");
	if (total > 0) {
		uint64_t first = r.Varint();
		uint64_t span = r.Varint();
		s.c.first_at = static_cast<int64_t>(first - static_cast<uint64_t>(-kMinTimestamp));
		const uint64_t range = static_cast<uint64_t>(kEndTimestamp) + static_cast<uint64_t>(-kMinTimestamp);
		if (first >= range || span >= range - first)
			Corrupt("first and last review out of range");
		s.c.last_at = static_cast<int64_t>(first + span - static_cast<uint64_t>(-kMinTimestamp));
	}
	uint64_t nb = r.Varint();
	if (nb > static_cast<uint64_t>(MaxBucket()) + 1)
		Corrupt("too many sketch buckets");
	uint64_t prev = 0;
	for (uint64_t k = 0; k < nb; k++) {
		uint64_t delta = r.Varint();
		if (k > 0 && delta == 0)
			Corrupt("sketch buckets out of order");
		uint64_t idx = k == 0 ? delta : prev + delta;
		if (delta > static_cast<uint64_t>(MaxBucket()) || idx > static_cast<uint64_t>(MaxBucket()))
			Corrupt("sketch bucket out of range");
		uint64_t count = r.Varint();
		if (count == 0)
			Corrupt("empty sketch bucket");
		if (k == 0)
			s.bucket_lo = static_cast<int32_t>(idx);
		s.buckets.resize(idx - static_cast<uint64_t>(s.bucket_lo) + 1, 0);
		s.buckets.back() = count;
		prev = idx;
	}
	if (r.p != r.end)
		Corrupt("trailing bytes");
	s.Validate();
	return s;
}

Summary
DecodePacked(const uint8_t *data, size_t len)
{
	if (len >= 2 && data[0] == kSummaryVersion && data[1] != kFormatPacked)
		Corrupt("binary input must use the packed encoding (1), not " + std::to_string(data[1]));
	return Decode(data, len);
}

std::string
EncodePacked(const Summary &in)
{
	std::string out;
	out.reserve(64 + in.buckets.size() * 3);
	out.push_back(static_cast<char>(kSummaryVersion));
	out.push_back(static_cast<char>(kFormatPacked));
	const Counters &c = in.c;
	out.push_back(static_cast<char>(c.flags));
	for (int i = 0; i < 4; i++)
		PutVarint(out, static_cast<uint64_t>(c.by_rating[i]));
	for (int64_t v : {c.young_reviewed, c.young_passed, c.mature_reviewed, c.mature_passed, c.answer_count,
	                  c.answer_zero, c.answer_sum})
		PutVarint(out, static_cast<uint64_t>(v));
	if (c.answer_count > 0) {
		PutVarint(out, static_cast<uint64_t>(c.answer_min));
		PutVarint(out, static_cast<uint64_t>(c.answer_max));
	}
	if (c.Total() > 0) {
		uint64_t first = static_cast<uint64_t>(c.first_at) + static_cast<uint64_t>(-kMinTimestamp);
		PutVarint(out, first);
		PutVarint(out, static_cast<uint64_t>(c.last_at) - static_cast<uint64_t>(c.first_at));
	}
	uint64_t nb = 0;
	for (uint64_t v : in.buckets)
		nb += v != 0;
	PutVarint(out, nb);
	int prev = -1;
	for (size_t i = 0; i < in.buckets.size(); i++) {
		if (in.buckets[i] == 0)
			continue;
		int idx = in.bucket_lo + static_cast<int>(i);
		PutVarint(out, static_cast<uint64_t>(prev < 0 ? idx : idx - prev));
		PutVarint(out, in.buckets[i]);
		prev = idx;
	}
	return out;
}

void
DenseRangeFor(const Summary &s, int extra_index, int32_t &lo, int32_t &n)
{
	int a = INT32_MAX, b = -1;
	if (!s.buckets.empty()) {
		a = s.bucket_lo;
		b = s.bucket_lo + static_cast<int>(s.buckets.size()) - 1;
	}
	if (extra_index >= 0) {
		a = std::min(a, extra_index);
		b = std::max(b, extra_index);
	}
	if (b < 0) {
		lo = 0;
		n = 0;
		return;
	}
	/* slack: about a factor 1.8 of answer time either way, so a state rarely regrows */
	constexpr int kSlack = 32;
	a = std::max(0, a - kSlack);
	b = std::min(MaxBucket(), b + kSlack);
	lo = a;
	n = b - a + 1;
}

void
WriteDense(const Summary &s, int32_t lo, int32_t n, DenseState *out)
{
	std::memset(out, 0, DenseSize(n));
	out->version = kSummaryVersion;
	out->format = kFormatDense;
	out->bucket_lo = lo;
	out->bucket_n = n;
	out->c = s.c;
	for (size_t i = 0; i < s.buckets.size(); i++)
		out->buckets[static_cast<size_t>(s.bucket_lo - lo) + i] = s.buckets[i];
}

bool
DenseAdd(DenseState *st, const Review &r)
{
	if (r.has_answer && r.answer_ms > 0) {
		int idx = BucketIndex(r.answer_ms) - st->bucket_lo;
		if (idx < 0 || idx >= st->bucket_n)
			return false;
		st->buckets[idx]++;
	}
	AddCounters(st->c, r);
	return true;
}

bool
DenseMerge(DenseState *st, const Summary &b)
{
	if (!b.buckets.empty() &&
	    (b.bucket_lo < st->bucket_lo ||
	     b.bucket_lo + static_cast<int>(b.buckets.size()) > st->bucket_lo + st->bucket_n))
		return false;
	Counters merged = st->c;
	MergeCounters(merged, b.c); /* may throw: st unchanged */
	for (size_t i = 0; i < b.buckets.size(); i++) {
		uint64_t v;
		if (__builtin_add_overflow(st->buckets[static_cast<size_t>(b.bucket_lo - st->bucket_lo) + i], b.buckets[i], &v))
			Overflow();
	}
	for (size_t i = 0; i < b.buckets.size(); i++)
		st->buckets[static_cast<size_t>(b.bucket_lo - st->bucket_lo) + i] += b.buckets[i];
	st->c = merged;
	return true;
}

std::string
FormatTimestamp(int64_t us)
{
	int64_t days = FloorDiv(us, kUsPerDay);
	int64_t rem = us - days * kUsPerDay;
	int64_t y;
	unsigned m, d;
	CivilFromDays(days + kUnixEpochDays, y, m, d);
	int64_t secs = rem / 1000000, frac = rem % 1000000;
	char buf[64];
	if (y >= 0 && y <= 9999)
		std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(y));
	else
		std::snprintf(buf, sizeof buf, "%+05lld", static_cast<long long>(y));
	std::string out = buf;
	std::snprintf(buf, sizeof buf, "-%02u-%02uT%02lld:%02lld:%02lld", m, d, static_cast<long long>(secs / 3600),
	              static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
	out += buf;
	if (frac != 0) {
		std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
		std::string f = buf;
		while (f.back() == '0')
			f.pop_back();
		out += f;
	}
	out += 'Z';
	return out;
}

bool
ParseTimestamp(const std::string &t, int64_t &us)
{
	size_t i = 0;
	bool neg = false;
	if (i < t.size() && (t[i] == '+' || t[i] == '-'))
		neg = t[i++] == '-';
	size_t ystart = i;
	while (i < t.size() && t[i] >= '0' && t[i] <= '9')
		i++;
	if (i - ystart < 4 || i - ystart > 6)
		return false;
	int64_t y = std::stoll(t.substr(ystart, i - ystart));
	if (neg)
		y = -y;
	auto two = [&](size_t at, int &v) {
		if (at + 2 > t.size() || t[at] < '0' || t[at] > '9' || t[at + 1] < '0' || t[at + 1] > '9')
			return false;
		v = (t[at] - '0') * 10 + (t[at + 1] - '0');
		return true;
	};
	int mo, d, hh, mi, ss;
	if (i >= t.size() || t[i] != '-' || !two(i + 1, mo) || i + 3 >= t.size() || t[i + 3] != '-' || !two(i + 4, d) ||
	    i + 6 >= t.size() || t[i + 6] != 'T' || !two(i + 7, hh) || i + 9 >= t.size() || t[i + 9] != ':' ||
	    !two(i + 10, mi) || i + 12 >= t.size() || t[i + 12] != ':' || !two(i + 13, ss))
		return false;
	i += 15;
	int64_t frac = 0;
	if (i < t.size() && t[i] == '.') {
		i++;
		int digits = 0;
		while (i < t.size() && t[i] >= '0' && t[i] <= '9' && digits < 6) {
			frac = frac * 10 + (t[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0)
			return false;
		for (; digits < 6; digits++)
			frac *= 10;
	}
	if (i + 1 != t.size() || t[i] != 'Z')
		return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || hh > 23 || mi > 59 ||
	    ss > 59)
		return false;
	if (y < -4714 || y > 294277)
		return false;
	int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) - kUnixEpochDays;
	__int128 v = static_cast<__int128>(days) * kUsPerDay + (hh * 3600 + mi * 60 + ss) * INT64_C(1000000) + frac;
	if (v < kMinTimestamp || v >= kEndTimestamp)
		return false;
	us = static_cast<int64_t>(v);
	return true;
}

std::string
ToText(const Summary &s)
{
	const Counters &c = s.c;
	std::string out = "v1 total=" + std::to_string(c.Total());
	if (c.Total() == 0)
		return out;
	out += " ratings=" + std::to_string(c.by_rating[0]) + "/" + std::to_string(c.by_rating[1]) + "/" +
	       std::to_string(c.by_rating[2]) + "/" + std::to_string(c.by_rating[3]);
	out += " young=" + std::to_string(c.young_passed) + "/" + std::to_string(c.young_reviewed);
	out += " mature=" + std::to_string(c.mature_passed) + "/" + std::to_string(c.mature_reviewed);
	out += (c.flags & kFirstUnknown) ? " first_bound=" : " first=";
	out += FormatTimestamp(c.first_at);
	out += (c.flags & kLastUnknown) ? " last_bound=" : " last=";
	out += FormatTimestamp(c.last_at);
	out += " answers=" + std::to_string(c.answer_count);
	if (c.answer_count == 0)
		return out;
	out += " zero=" + std::to_string(c.answer_zero) + " sum_ms=" + std::to_string(c.answer_sum);
	out += ((c.flags & kMinUnknown) ? " min_ms_bound=" : " min_ms=") + std::to_string(c.answer_min);
	out += ((c.flags & kMaxUnknown) ? " max_ms_bound=" : " max_ms=") + std::to_string(c.answer_max);
	if (!s.buckets.empty()) {
		out += " buckets=";
		bool first = true;
		for (size_t i = 0; i < s.buckets.size(); i++) {
			if (s.buckets[i] == 0)
				continue;
			if (!first)
				out += ',';
			first = false;
			out += std::to_string(s.bucket_lo + static_cast<int>(i)) + ":" + std::to_string(s.buckets[i]);
		}
	}
	return out;
}

Summary
FromText(const std::string &text)
{
	Summary s;
	std::vector<std::string> tokens;
	{
		size_t i = 0;
		while (i < text.size()) {
			while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
				i++;
			size_t start = i;
			while (i < text.size() && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
				i++;
			if (i > start)
				tokens.push_back(text.substr(start, i - start));
		}
	}
	if (tokens.empty() || tokens[0] != "v1")
		BadText("it must start with the format version \"v1\"");
	bool have_total = false;
	int64_t total = 0;
	unsigned seen = 0;
	auto count = [&](const std::string &v, const std::string &key) -> int64_t {
		uint64_t u;
		if (!ParseU64(v, u) || u > static_cast<uint64_t>(INT64_MAX))
			BadText("\"" + key + "\" must be a non-negative integer");
		return static_cast<int64_t>(u);
	};
	auto ms = [&](const std::string &v, const std::string &key) -> int32_t {
		int64_t x = count(v, key);
		if (x > INT32_MAX)
			BadText("\"" + key + "\" is out of range");
		return static_cast<int32_t>(x);
	};
	auto pair = [&](const std::string &v, const std::string &key, int64_t &a, int64_t &b) {
		auto parts = Split(v, '/');
		if (parts.size() != 2)
			BadText("\"" + key + "\" must be passed/reviewed");
		a = count(parts[0], key);
		b = count(parts[1], key);
	};
	auto ts = [&](const std::string &v, const std::string &key) -> int64_t {
		int64_t out;
		if (!ParseTimestamp(v, out))
			BadText("\"" + key + "\" must be a UTC timestamp like 2026-01-31T08:00:00Z");
		return out;
	};
	static const char *const keys[] = {"total", "ratings", "young", "mature", "first", "first_bound", "last",
	                                   "last_bound", "answers", "zero", "sum_ms", "min_ms", "min_ms_bound",
	                                   "max_ms", "max_ms_bound", "buckets"};
	for (size_t t = 1; t < tokens.size(); t++) {
		size_t eq = tokens[t].find('=');
		if (eq == std::string::npos)
			BadText("expected key=value, found \"" + tokens[t] + "\"");
		std::string key = tokens[t].substr(0, eq), v = tokens[t].substr(eq + 1);
		unsigned k = 0;
		while (k < sizeof keys / sizeof keys[0] && key != keys[k])
			k++;
		if (k == sizeof keys / sizeof keys[0])
			BadText("unknown key \"" + key + "\"");
		if (seen & (1u << k))
			BadText("key \"" + key + "\" appears twice");
		seen |= 1u << k;
		switch (k) {
		case 0:
			total = count(v, key);
			have_total = true;
			break;
		case 1: {
			auto parts = Split(v, '/');
			if (parts.size() != 4)
				BadText("\"ratings\" must be four counts again/hard/good/easy");
			for (int i = 0; i < 4; i++)
				s.c.by_rating[i] = count(parts[static_cast<size_t>(i)], key);
			break;
		}
		case 2:
			pair(v, key, s.c.young_passed, s.c.young_reviewed);
			break;
		case 3:
			pair(v, key, s.c.mature_passed, s.c.mature_reviewed);
			break;
		case 4:
		case 5:
			s.c.first_at = ts(v, key);
			if (k == 5)
				s.c.flags |= kFirstUnknown;
			break;
		case 6:
		case 7:
			s.c.last_at = ts(v, key);
			if (k == 7)
				s.c.flags |= kLastUnknown;
			break;
		case 8:
			s.c.answer_count = count(v, key);
			break;
		case 9:
			s.c.answer_zero = count(v, key);
			break;
		case 10:
			s.c.answer_sum = count(v, key);
			break;
		case 11:
		case 12:
			s.c.answer_min = ms(v, key);
			if (k == 12)
				s.c.flags |= kMinUnknown;
			break;
		case 13:
		case 14:
			s.c.answer_max = ms(v, key);
			if (k == 14)
				s.c.flags |= kMaxUnknown;
			break;
		case 15: {
			int prev = -1;
			for (const std::string &item : Split(v, ',')) {
				auto parts = Split(item, ':');
				if (parts.size() != 2)
					BadText("\"buckets\" must be index:count pairs separated by commas");
				int64_t idx = count(parts[0], key), cnt = count(parts[1], key);
				if (idx > MaxBucket() || idx <= prev || cnt == 0)
					BadText("\"buckets\" must have increasing indexes up to " + std::to_string(MaxBucket()) +
					        " and non-zero counts");
				if (prev < 0)
					s.bucket_lo = static_cast<int32_t>(idx);
				s.buckets.resize(static_cast<size_t>(idx - s.bucket_lo + 1), 0);
				s.buckets.back() = static_cast<uint64_t>(cnt);
				prev = static_cast<int>(idx);
			}
			break;
		}
		}
	}
	if (!have_total)
		BadText("\"total\" is missing");
	if ((seen & (3u << 4)) == (3u << 4) || (seen & (3u << 6)) == (3u << 6) || (seen & (3u << 11)) == (3u << 11) ||
	    (seen & (3u << 13)) == (3u << 13))
		BadText("a field is given both exactly and as a bound");
	if (s.c.Total() != total)
		BadText("\"total\" is not the sum of \"ratings\"");
	auto has = [&](unsigned k) { return (seen & (1u << k)) != 0; };
	if (total > 0 && (!has(1) || !(has(4) || has(5)) || !(has(6) || has(7)) || !has(8)))
		BadText("a summary with reviews needs \"ratings\", \"first\", \"last\" and \"answers\"");
	if (s.c.answer_count > 0 && (!has(9) || !has(10) || !(has(11) || has(12)) || !(has(13) || has(14))))
		BadText("a summary with answer times needs \"zero\", \"sum_ms\", \"min_ms\" and \"max_ms\"");
	try {
		s.Validate();
	} catch (const Error &e) {
		throw Error(sqlstate::kInvalidTextRepresentation, e.what(), {}, e.hint());
	}
	return s;
}

}  // namespace shinjp::agg
