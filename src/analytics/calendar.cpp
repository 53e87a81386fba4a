/*
 * calendar.cpp — streak bitmap, day ranges and forgetting-curve buckets (PG-free core).
 */
#include "core_only.hpp"

#include "analytics/calendar.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace shinjp::agg {

namespace {

[[noreturn]] void
CorruptStreak(const std::string &what)
{
	throw Error(sqlstate::kInvalidBinaryRepresentation, "invalid streak state: " + what, {},
	            "A streak state must come from the shinjp.streak_agg transition or combine function.");
}

/* PostgreSQL's finite date range: 4713-11-24 BC .. 5874897-12-31, as days since 2000-01-01. */
constexpr int64_t kMinDay = -2451545;
constexpr int64_t kMaxDay = 2145031948;

int64_t
FloorDiv32(int64_t a)
{
	return a >= 0 ? a / 32 : -((-a + 31) / 32);
}

}  // namespace

const int32_t kCurveBucketLo[kCurveBuckets] = {0, 1, 2, 3, 4, 6, 8, 11, 15, 21, 31, 46, 61, 91, 121, 181, 271, 366, 731};

int
CurveBucket(int32_t elapsed_days)
{
	int b = 0;
	while (b + 1 < kCurveBuckets && elapsed_days >= kCurveBucketLo[b + 1])
		b++;
	return b;
}

void
CheckDayRange(int64_t from_day, int64_t to_day, const char *what)
{
	if (from_day < kMinDay || from_day > kMaxDay || to_day < kMinDay || to_day > kMaxDay)
		throw Error(sqlstate::kDatetimeFieldOverflow, std::string(what) + " range must have finite dates", {},
		            "Pass finite dates, not -infinity or infinity.");
	if (to_day < from_day)
		throw Error(sqlstate::kInvalidParameterValue, std::string(what) + " range ends before it starts", {},
		            "Pass the first day, then the last day (inclusive).");
	if (to_day - from_day + 1 > kMaxRangeDays)
		throw Error(sqlstate::kProgramLimitExceeded, std::string(what) + " range of " +
		                                                 std::to_string(to_day - from_day + 1) + " days is too long",
		            {}, "A range may cover at most " + std::to_string(kMaxRangeDays) + " days (about 10 years).");
}

void
CheckStreakSpan(int64_t lo, int64_t hi)
{
	if (lo < kMinDay || hi > kMaxDay)
		throw Error(sqlstate::kDatetimeFieldOverflow, "study day must be finite", {},
		            "Pass finite dates, not -infinity or infinity.");
	if (hi - lo + 1 > kMaxStreakSpanDays)
		throw Error(sqlstate::kProgramLimitExceeded,
		            "study days span " + std::to_string(hi - lo + 1) + " days, too many for a streak", {},
		            "The study days of one streak may span at most " + std::to_string(kMaxStreakSpanDays) +
		                " days (about 100 years); group by learner or filter out bogus dates.");
}

void
StreakLayout(int64_t lo, int64_t hi, int32_t &base_day, int32_t &nwords)
{
	int64_t slack = std::max<int64_t>(64, (hi - lo) / 2);
	int64_t a = std::max(kMinDay, lo - slack), b = std::min(kMaxDay, hi + slack);
	int64_t base = FloorDiv32(a) * 32;
	base_day = static_cast<int32_t>(base);
	nwords = static_cast<int32_t>((b - base) / 32 + 1);
}

void
ValidateStreak(const uint8_t *data, size_t len)
{
	if (len < sizeof(StreakHeader))
		CorruptStreak("value is truncated");
	StreakHeader h;
	std::memcpy(&h, data, sizeof h);
	if (h.version != kStreakVersion || h.kind != kStreakKind)
		CorruptStreak("unknown version or kind");
	if (h.has_as_of > 1 || h.has_days > 1)
		CorruptStreak("bad flags");
	if (h.nwords < 0 || h.nwords > (kMaxStreakSpanDays * 3) / 32 + 16 || len != StreakSize(h.nwords))
		CorruptStreak("wrong length");
	if (h.base_day % 32 != 0 || h.base_day < kMinDay - 32 || h.base_day > kMaxDay)
		CorruptStreak("bad base day");
	if (h.has_as_of && (h.as_of < kMinDay || h.as_of > kMaxDay))
		CorruptStreak("bad as-of day");
	/* first and last set bits must match first_day/last_day */
	const uint8_t *wp = data + sizeof(StreakHeader);
	int64_t first = -1, last = -1;
	for (int32_t w = 0; w < h.nwords; w++) {
		uint32_t word;
		std::memcpy(&word, wp + 4 * static_cast<size_t>(w), 4);
		if (word == 0)
			continue;
		if (first < 0)
			first = int64_t{w} * 32 + __builtin_ctz(word);
		last = int64_t{w} * 32 + 31 - __builtin_clz(word);
	}
	if ((first >= 0) != (h.has_days == 1))
		CorruptStreak("study-day flag does not match the bitmap");
	if (first >= 0) {
		if (h.first_day != h.base_day + first || h.last_day != h.base_day + last)
			CorruptStreak("first or last day does not match the bitmap");
		if (h.first_day > kMaxDay || h.last_day > kMaxDay || h.first_day < kMinDay ||
		    h.last_day - h.first_day + 1 > kMaxStreakSpanDays)
			CorruptStreak("study days out of range");
	} else if (h.first_day != 0 || h.last_day != 0)
		CorruptStreak("first or last day set without study days");
}

void
StreakCopyDays(const StreakHeader *src, const uint32_t *src_words, StreakHeader *dst, uint32_t *dst_words)
{
	if (!src->has_days)
		return;
	for (int32_t w = 0; w < src->nwords; w++) {
		uint32_t word = src_words[w];
		while (word != 0) {
			int k = __builtin_ctz(word);
			word &= word - 1;
			StreakSetDay(dst, dst_words, src->base_day + w * 32 + k);
		}
	}
}

StreakStats
ComputeStreak(const StreakHeader *h, const uint32_t *words)
{
	StreakStats st{};
	st.has_current = h->has_as_of;
	st.has_days = h->has_days;
	if (!h->has_days)
		return st;
	st.first_day = h->first_day;
	st.last_day = h->last_day;
	auto on = [&](int64_t day) {
		int64_t off = day - h->base_day;
		if (off < 0 || off >= int64_t{h->nwords} * 32)
			return false;
		return (words[off >> 5] >> (off & 31) & 1) != 0;
	};
	int32_t run = 0;
	for (int64_t d = h->first_day; d <= h->last_day; d++) {
		if (on(d)) {
			run++;
			st.active_days++;
			st.longest = std::max(st.longest, run);
		} else
			run = 0;
	}
	if (h->has_as_of) {
		int64_t end = on(h->as_of) ? h->as_of : h->as_of - 1;
		int32_t cur = 0;
		while (on(end - cur))
			cur++;
		st.current = cur;
	}
	return st;
}

}  // namespace shinjp::agg
