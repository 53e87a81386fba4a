/*
 * calendar.hpp — day-based analytics cores (PG-free): the study-day bitmap behind the streak
 * aggregate, day-count ranges (heatmap, forecast) and the forgetting-curve buckets.
 *
 * Days are PostgreSQL dates: days since 2000-01-01 (int32).
 */
#pragma once

#include <cstddef>
#include <cstdint>

#include "core.hpp"

namespace shinjp::agg {

/* Longest span of study days one streak state may cover (about 100 years). */
inline constexpr int32_t kMaxStreakSpanDays = 36600;
/* Longest heatmap or forecast range (about 10 years). */
inline constexpr int32_t kMaxRangeDays = 3660;

/*
 * Streak state (a bytea after its varlena header): this header, then nwords uint32 bitmap words;
 * bit k of word w is day base_day + 32 * w + k.
 */
struct StreakHeader {
	uint8_t version; /* 1 */
	uint8_t kind;    /* 'S' */
	uint8_t has_as_of;
	uint8_t has_days;
	int32_t as_of;     /* day the current streak is measured at (when has_as_of) */
	int32_t base_day;  /* multiple of 32 */
	int32_t nwords;
	int32_t first_day; /* first and last study day (when has_days) */
	int32_t last_day;
};
inline constexpr uint8_t kStreakVersion = 1;
inline constexpr uint8_t kStreakKind = 'S';

inline size_t
StreakSize(int32_t nwords)
{
	return sizeof(StreakHeader) + sizeof(uint32_t) * static_cast<size_t>(nwords);
}

/* Throws 22P03 unless data/len (after the varlena header) is a consistent streak state. */
void ValidateStreak(const uint8_t *data, size_t len);

/* Throws 22023 when a state covering days lo..hi would exceed kMaxStreakSpanDays. */
void CheckStreakSpan(int64_t lo, int64_t hi);

/* Bitmap layout for days lo..hi with room to grow: base day and word count. */
void StreakLayout(int64_t lo, int64_t hi, int32_t &base_day, int32_t &nwords);

/* Copy the days of src (validated) into dst (header already set, words zeroed, range covering src). */
void StreakCopyDays(const StreakHeader *src, const uint32_t *src_words, StreakHeader *dst, uint32_t *dst_words);

/* Set one day (inside the range); keeps first/last. */
inline void
StreakSetDay(StreakHeader *h, uint32_t *words, int32_t day)
{
	int32_t off = day - h->base_day;
	words[off >> 5] |= UINT32_C(1) << (off & 31);
	if (!h->has_days) {
		h->first_day = h->last_day = day;
		h->has_days = 1;
	} else {
		if (day < h->first_day)
			h->first_day = day;
		if (day > h->last_day)
			h->last_day = day;
	}
}

struct StreakStats {
	bool has_current;      /* false when no as_of was given */
	int32_t current;       /* run ending at as_of, or at as_of - 1 when as_of has no study yet */
	int32_t longest;
	int32_t active_days;
	bool has_days;
	int32_t first_day, last_day;
};
StreakStats ComputeStreak(const StreakHeader *h, const uint32_t *words);

/* Forgetting curve: elapsed-days buckets [lo, hi] (hi = -1: no upper end). */
inline constexpr int kCurveBuckets = 19;
extern const int32_t kCurveBucketLo[kCurveBuckets];
int CurveBucket(int32_t elapsed_days);

/* Throws 22023/22008 for an invalid heatmap/forecast range. */
void CheckDayRange(int64_t from_day, int64_t to_day, const char *what);

}  // namespace shinjp::agg
