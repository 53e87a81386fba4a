// Unit tests of src/analytics/calendar: streak bitmap, spans, validation, forgetting-curve buckets.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <set>
#include <vector>

#include "analytics/calendar.hpp"

namespace agg = shinjp::agg;

namespace {

/* A streak state in 4-byte-aligned memory, as the glue builds it. */
struct Streak {
	std::vector<uint32_t> mem;
	agg::StreakHeader *h() { return reinterpret_cast<agg::StreakHeader *>(mem.data()); }
	uint32_t *words() { return reinterpret_cast<uint32_t *>(h() + 1); }

	Streak(int64_t lo, int64_t hi, bool has_as_of, int32_t as_of)
	{
		int32_t base, nwords;
		agg::StreakLayout(lo, hi, base, nwords);
		mem.assign(agg::StreakSize(nwords) / 4, 0);
		h()->version = agg::kStreakVersion;
		h()->kind = agg::kStreakKind;
		h()->base_day = base;
		h()->nwords = nwords;
		h()->has_as_of = has_as_of;
		h()->as_of = as_of;
	}
};

/* Reference: longest run, active days and current streak from a set of days. */
void
Reference(const std::set<int32_t> &days, int32_t as_of, int &longest, int &current)
{
	longest = 0;
	int run = 0;
	int32_t prev = 0;
	bool first = true;
	for (int32_t d : days) {
		run = (!first && d == prev + 1) ? run + 1 : 1;
		longest = std::max(longest, run);
		prev = d;
		first = false;
	}
	int32_t end = days.count(as_of) ? as_of : as_of - 1;
	current = 0;
	while (days.count(end - current))
		current++;
}

TEST(AnalyticsStreak, MatchesReferenceOnRandomDays)
{
	std::mt19937 rng(3);
	for (int trial = 0; trial < 50; trial++) {
		std::set<int32_t> days;
		int32_t center = static_cast<int32_t>(rng() % 20000) - 10000;
		int n = 1 + static_cast<int>(rng() % 300);
		for (int i = 0; i < n; i++)
			days.insert(center + static_cast<int32_t>(rng() % 400));
		int32_t as_of = center + static_cast<int32_t>(rng() % 420);
		Streak s(*days.begin(), *days.rbegin(), true, as_of);
		for (int32_t d : days)
			agg::StreakSetDay(s.h(), s.words(), d);
		agg::ValidateStreak(reinterpret_cast<const uint8_t *>(s.mem.data()), s.mem.size() * 4);
		agg::StreakStats st = agg::ComputeStreak(s.h(), s.words());
		int longest, current;
		Reference(days, as_of, longest, current);
		EXPECT_EQ(st.longest, longest);
		EXPECT_EQ(st.current, current);
		EXPECT_EQ(st.active_days, static_cast<int>(days.size()));
		EXPECT_EQ(st.first_day, *days.begin());
		EXPECT_EQ(st.last_day, *days.rbegin());
	}
}

TEST(AnalyticsStreak, SplitStatesMergeToTheSameRuns)
{
	// runs crossing the boundary between two partial states join up after the union
	Streak a(100, 110, true, 120), b(105, 120, true, 120), all(100, 120, true, 120);
	for (int32_t d = 100; d <= 110; d++) {
		agg::StreakSetDay(a.h(), a.words(), d);
		agg::StreakSetDay(all.h(), all.words(), d);
	}
	for (int32_t d = 111; d <= 120; d++) {
		agg::StreakSetDay(b.h(), b.words(), d);
		agg::StreakSetDay(all.h(), all.words(), d);
	}
	Streak u(100, 120, true, 120);
	agg::StreakCopyDays(a.h(), a.words(), u.h(), u.words());
	agg::StreakCopyDays(b.h(), b.words(), u.h(), u.words());
	agg::StreakStats su = agg::ComputeStreak(u.h(), u.words());
	EXPECT_EQ(su.longest, 21);
	EXPECT_EQ(su.current, 21);
	EXPECT_EQ(agg::ComputeStreak(a.h(), a.words()).longest, 11);
}

TEST(AnalyticsStreak, SpanLimitAndValidation)
{
	EXPECT_NO_THROW(agg::CheckStreakSpan(0, agg::kMaxStreakSpanDays - 1));
	EXPECT_THROW(agg::CheckStreakSpan(0, agg::kMaxStreakSpanDays), shinjp::Error);
	Streak s(10, 10, false, 0);
	agg::StreakSetDay(s.h(), s.words(), 10);
	const auto *bytes = reinterpret_cast<const uint8_t *>(s.mem.data());
	size_t len = s.mem.size() * 4;
	EXPECT_NO_THROW(agg::ValidateStreak(bytes, len));
	EXPECT_THROW(agg::ValidateStreak(bytes, len - 4), shinjp::Error);
	s.h()->last_day = 11;  // does not match the bitmap
	EXPECT_THROW(agg::ValidateStreak(bytes, len), shinjp::Error);
	s.h()->last_day = 10;
	s.words()[s.h()->nwords - 1] |= 0x80000000u;  // a day the header does not know
	EXPECT_THROW(agg::ValidateStreak(bytes, len), shinjp::Error);
}

TEST(AnalyticsCurve, BucketsAreContiguous)
{
	EXPECT_EQ(agg::CurveBucket(0), 0);
	EXPECT_EQ(agg::CurveBucket(5), 4);
	EXPECT_EQ(agg::CurveBucket(730), agg::kCurveBuckets - 2);
	EXPECT_EQ(agg::CurveBucket(731), agg::kCurveBuckets - 1);
	EXPECT_EQ(agg::CurveBucket(INT32_MAX), agg::kCurveBuckets - 1);
	for (int b = 1; b < agg::kCurveBuckets; b++) {
		EXPECT_EQ(agg::CurveBucket(agg::kCurveBucketLo[b]), b);
		EXPECT_EQ(agg::CurveBucket(agg::kCurveBucketLo[b] - 1), b - 1);
	}
}

TEST(AnalyticsRange, Limits)
{
	EXPECT_NO_THROW(agg::CheckDayRange(0, agg::kMaxRangeDays - 1, "heatmap"));
	EXPECT_THROW(agg::CheckDayRange(0, agg::kMaxRangeDays, "heatmap"), shinjp::Error);
	EXPECT_THROW(agg::CheckDayRange(5, 4, "heatmap"), shinjp::Error);
}

}  // namespace
