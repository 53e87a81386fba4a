/*
 * review_summary.hpp — the review summary: counts per rating, true retention, answer-time sketch
 * (DDSketch-style log buckets, relative error < 1%), first/last review.  PG-free core.
 *
 * Two encodings of one value (both after the 4-byte varlena header, both start with a version byte):
 *  - packed (format 1): the stable, portable storage and send/recv format; little-endian varints,
 *    sparse buckets.  What the aggregate's final function and every function returning a summary
 *    produce.
 *  - dense (format 2): the aggregation state; a native-endian fixed header followed by a dense
 *    bucket array, updated in place by the transition function.  Accepted everywhere, never sent.
 * Every decoder validates the whole value (lengths, ranges, internal consistency) and throws
 * shinjp::Error(22P03) on anything forged or corrupt.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core.hpp"

namespace shinjp::agg {

inline constexpr uint8_t kSummaryVersion = 1;
inline constexpr uint8_t kFormatPacked = 1;
inline constexpr uint8_t kFormatDense = 2;

/* Flags: a min/max-like field that subtraction could not keep exact (see Subtract). */
inline constexpr uint8_t kFirstUnknown = 1;
inline constexpr uint8_t kLastUnknown = 2;
inline constexpr uint8_t kMinUnknown = 4;
inline constexpr uint8_t kMaxUnknown = 8;
inline constexpr uint8_t kAllFlags = 15;

/* Relative accuracy of the answer-time sketch: every estimated order statistic is within 0.9%. */
inline constexpr double kSketchAlpha = 0.009;
/* Reviews with at least this many elapsed days count as "mature" (Anki's 21-day rule). */
inline constexpr int32_t kMatureDays = 21;

/* PostgreSQL's finite timestamptz range (MIN_TIMESTAMP <= t < END_TIMESTAMP), µs since 2000-01-01. */
inline constexpr int64_t kMinTimestamp = INT64_C(-211813488000000000);
inline constexpr int64_t kEndTimestamp = INT64_C(9223371331200000000);

/* Sketch bucket of an answer time in ms (>= 1); bucket i holds (gamma^(i-1), gamma^i]. */
int BucketIndex(int32_t ms);
/* The largest bucket index (that of INT32_MAX ms). */
int MaxBucket();
/* The value a bucket stands for (relative error <= alpha for every value in it). */
double BucketValue(int index);

/* A review as the aggregate receives it; has_* false means SQL NULL. */
struct Review {
	int64_t reviewed_at;  /* PostgreSQL timestamptz: µs since 2000-01-01 UTC */
	int32_t rating;       /* 1 again, 2 hard, 3 good, 4 easy */
	bool has_answer;
	int32_t answer_ms;    /* >= 0 */
	bool has_elapsed;
	int32_t elapsed_days; /* >= 0: days since the card's previous review */
};

/* Throws 22023/22008 with a hint for a review no summary may contain. */
void ValidateReview(const Review &r);

/* The fixed-size part of a summary, shared by the decoded form and the dense state. */
struct Counters {
	int64_t by_rating[4];                          /* reviews per rating 1..4 */
	int64_t young_reviewed, young_passed;          /* 1 <= elapsed_days < 21 */
	int64_t mature_reviewed, mature_passed;        /* elapsed_days >= 21 */
	int64_t answer_count, answer_zero, answer_sum; /* non-null answer times; those equal to 0; their sum */
	int64_t first_at, last_at;                     /* meaningful when Total() > 0 */
	int32_t answer_min, answer_max;                /* meaningful when answer_count > 0 */
	uint8_t flags;                                 /* k*Unknown: the field is only a bound */
	uint8_t pad[7];

	int64_t Total() const { return by_rating[0] + by_rating[1] + by_rating[2] + by_rating[3]; }
};

/* The decoded value. */
struct Summary {
	Counters c{};
	int32_t bucket_lo = 0; /* buckets[k] counts sketch bucket bucket_lo + k */
	std::vector<uint64_t> buckets;

	int64_t Total() const { return c.Total(); }
	void Add(const Review &r);
	/* this += b: exact (counts, sums, buckets); first/last and min/max by the merge rule. */
	void Merge(const Summary &b);
	/* this -= b, where b must be contained in this: see README for the first/last rule. */
	void Subtract(const Summary &b);

	/* Accessors; false when undefined (SQL NULL). */
	bool TrueRetention(double &out) const;
	bool MatureRetention(double &out) const;
	bool AnswerMean(double &out) const;
	/* percentile_cont semantics over the answer times (interpolated), within 1%; p in [0, 1]. */
	bool AnswerPercentile(double p, double &out) const;
	bool FirstReview(int64_t &out) const;
	bool LastReview(int64_t &out) const;

	/* Clear fields meaningless for what is empty; trim zero buckets at both ends. */
	void Normalize();
	/* Throws 22P03 unless the value is internally consistent. */
	void Validate() const;
};

/* Decode a packed or dense value (bytes after the varlena header); validates everything. */
Summary Decode(const uint8_t *data, size_t len);
/* Decode only the packed (portable) encoding: what send/recv and the bytea cast carry. */
Summary DecodePacked(const uint8_t *data, size_t len);
/* Encode packed (bytes after the varlena header). */
std::string EncodePacked(const Summary &s);

/*
 * The dense aggregation state.  The struct starts with the varlena length word (written by the glue),
 * so a palloc'd state is 8-byte aligned and its counters can be updated in place.
 */
struct DenseState {
	int32_t vl_len_;
	uint8_t version;
	uint8_t format;
	uint8_t pad0[2];
	int32_t bucket_lo;
	int32_t bucket_n;
	Counters c;
	uint64_t buckets[1]; /* bucket_n of them */
};
inline constexpr size_t kDenseHeaderSize = offsetof(DenseState, buckets);

/* Total size (including the length word) of a dense state with n buckets. */
inline size_t
DenseSize(int32_t n)
{
	return kDenseHeaderSize + sizeof(uint64_t) * static_cast<size_t>(n);
}
/* Write s as a dense state into out (DenseSize(n) bytes) with bucket range [lo, lo + n). */
void WriteDense(const Summary &s, int32_t lo, int32_t n, DenseState *out);
/* The bucket range a dense state for s needs, with slack for more values to come. */
void DenseRangeFor(const Summary &s, int extra_index, int32_t &lo, int32_t &n);
/*
 * Add one (validated) review to a dense state in place.  Returns false, changing nothing, when the
 * answer time's bucket lies outside the state's range (the caller regrows the state).
 */
bool DenseAdd(DenseState *st, const Review &r);
/* Merge b into a dense state in place; false (nothing changed) when b's buckets do not fit. */
bool DenseMerge(DenseState *st, const Summary &b);

/* Readable text form and its parser (exact round trip). */
std::string ToText(const Summary &s);
Summary FromText(const std::string &text);

/* ISO 8601 UTC text of a timestamptz (µs since 2000-01-01) and back; used by the text form. */
std::string FormatTimestamp(int64_t us);
bool ParseTimestamp(const std::string &text, int64_t &us);

}  // namespace shinjp::agg
