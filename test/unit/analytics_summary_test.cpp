// Unit tests of src/analytics/review_summary: sketch accuracy, merge/subtract rules, encodings.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "analytics/review_summary.hpp"

namespace agg = shinjp::agg;

namespace {

agg::Review
R(int64_t at, int rating, int ms = -1, int elapsed = -1)
{
	agg::Review r{};
	r.reviewed_at = at;
	r.rating = rating;
	r.has_answer = ms >= 0;
	r.answer_ms = ms < 0 ? 0 : ms;
	r.has_elapsed = elapsed >= 0;
	r.elapsed_days = elapsed < 0 ? 0 : elapsed;
	return r;
}

double
ExactPercentile(std::vector<int> v, double p)
{
	std::sort(v.begin(), v.end());
	double rank = p * (v.size() - 1);
	size_t lo = static_cast<size_t>(std::floor(rank));
	size_t hi = static_cast<size_t>(std::ceil(rank));
	return v[lo] + (rank - lo) * (v[hi] - v[lo]);
}

agg::Summary
RoundTripPacked(const agg::Summary &s)
{
	std::string b = agg::EncodePacked(s);
	return agg::Decode(reinterpret_cast<const uint8_t *>(b.data()), b.size());
}

agg::Summary
RoundTripDense(const agg::Summary &s)
{
	int32_t lo, n;
	agg::DenseRangeFor(s, -1, lo, n);
	std::vector<uint64_t> mem((agg::DenseSize(n) + 7) / 8);
	auto *st = reinterpret_cast<agg::DenseState *>(mem.data());
	agg::WriteDense(s, lo, n, st);
	return agg::Decode(reinterpret_cast<const uint8_t *>(st) + 4, agg::DenseSize(n) - 4);
}

TEST(AnalyticsSketch, BucketsCoverInt32WithinAlpha)
{
	EXPECT_EQ(agg::BucketIndex(1), 0);
	EXPECT_EQ(agg::MaxBucket(), agg::BucketIndex(INT32_MAX));
	for (int ms : {1, 2, 3, 7, 10, 55, 100, 999, 1000, 1001, 12345, 65536, 1000000, 123456789, INT32_MAX}) {
		double v = agg::BucketValue(agg::BucketIndex(ms));
		EXPECT_LE(std::abs(v / ms - 1), agg::kSketchAlpha + 1e-12) << ms;
	}
}

TEST(AnalyticsSummary, PercentilesWithinOnePercentOfPercentileCont)
{
	std::mt19937_64 rng(42);
	std::lognormal_distribution<double> dist(8.5, 1.0);
	for (int n : {1, 2, 3, 10, 101, 5000}) {
		agg::Summary s;
		std::vector<int> values;
		for (int i = 0; i < n; i++) {
			int ms = static_cast<int>(std::min(2e9, dist(rng)));
			if (i % 50 == 7)
				ms = 0;
			values.push_back(ms);
			s.Add(R(i * INT64_C(1000000), 1 + i % 4, ms));
		}
		for (double p : {0.0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0}) {
			double est;
			ASSERT_TRUE(s.AnswerPercentile(p, est));
			double exact = ExactPercentile(values, p);
			EXPECT_LE(std::abs(est - exact), 0.01 * exact + 1e-9) << "n=" << n << " p=" << p;
		}
	}
}

TEST(AnalyticsSummary, CountsRetentionMeanFirstLast)
{
	agg::Summary s;
	s.Add(R(100, 1, 1000, 0));   // learning step: not in retention
	s.Add(R(50, 3, 2000, 3));    // young pass
	s.Add(R(300, 1, 3000, 30));  // mature fail
	s.Add(R(200, 4, -1, 40));    // mature pass, untimed
	s.Add(R(150, 2, 0, -1));     // new card
	EXPECT_EQ(s.Total(), 5);
	EXPECT_EQ(s.c.by_rating[0], 2);
	double d;
	ASSERT_TRUE(s.TrueRetention(d));
	EXPECT_DOUBLE_EQ(d, 2.0 / 3.0);
	ASSERT_TRUE(s.MatureRetention(d));
	EXPECT_DOUBLE_EQ(d, 0.5);
	ASSERT_TRUE(s.AnswerMean(d));
	EXPECT_DOUBLE_EQ(d, 1500.0);
	int64_t t;
	ASSERT_TRUE(s.FirstReview(t));
	EXPECT_EQ(t, 50);
	ASSERT_TRUE(s.LastReview(t));
	EXPECT_EQ(t, 300);
	agg::Summary empty;
	EXPECT_FALSE(empty.TrueRetention(d));
	EXPECT_FALSE(empty.AnswerPercentile(0.5, d));
	EXPECT_FALSE(empty.FirstReview(t));
}

TEST(AnalyticsSummary, EncodingsRoundTripExactly)
{
	agg::Summary s;
	for (int i = 0; i < 1000; i++)
		s.Add(R(INT64_C(800000000000000) + i * INT64_C(7777777), 1 + i % 4, i % 13 == 0 ? 0 : 100 + i * 37, i % 50));
	for (const agg::Summary &x : {s, agg::Summary()}) {
		EXPECT_EQ(agg::ToText(RoundTripPacked(x)), agg::ToText(x));
		EXPECT_EQ(agg::ToText(RoundTripDense(x)), agg::ToText(x));
		EXPECT_EQ(agg::ToText(agg::FromText(agg::ToText(x))), agg::ToText(x));
		EXPECT_EQ(agg::EncodePacked(agg::FromText(agg::ToText(x))), agg::EncodePacked(x));
	}
}

TEST(AnalyticsSummary, DenseAddMatchesSummaryAdd)
{
	agg::Summary s;
	s.Add(R(0, 3, 5000));
	int32_t lo, n;
	agg::DenseRangeFor(s, -1, lo, n);
	std::vector<uint64_t> mem((agg::DenseSize(n) + 7) / 8);
	auto *st = reinterpret_cast<agg::DenseState *>(mem.data());
	agg::WriteDense(s, lo, n, st);
	EXPECT_TRUE(agg::DenseAdd(st, R(10, 2, 4000, 5)));
	s.Add(R(10, 2, 4000, 5));
	EXPECT_FALSE(agg::DenseAdd(st, R(20, 2, 2000000000, 5)));  // outside the range: unchanged
	agg::Summary d = agg::Decode(reinterpret_cast<const uint8_t *>(st) + 4, agg::DenseSize(n) - 4);
	EXPECT_EQ(agg::ToText(d), agg::ToText(s));
	agg::Summary b;
	b.Add(R(-5, 4, 4500, 30));
	EXPECT_TRUE(agg::DenseMerge(st, b));
	s.Merge(b);
	d = agg::Decode(reinterpret_cast<const uint8_t *>(st) + 4, agg::DenseSize(n) - 4);
	EXPECT_EQ(agg::ToText(d), agg::ToText(s));
}

TEST(AnalyticsSummary, MergeIsOrderIndependentAndSubtractInverts)
{
	std::mt19937 rng(7);
	agg::Summary all, a, b;
	for (int i = 0; i < 3000; i++) {
		agg::Review r = R(static_cast<int64_t>(rng() % 1000000000), 1 + static_cast<int>(rng() % 4),
		                  static_cast<int>(rng() % 60000), static_cast<int>(rng() % 50));
		all.Add(r);
		(i % 3 == 0 ? a : b).Add(r);
	}
	agg::Summary ab = a, ba = b;
	ab.Merge(b);
	ba.Merge(a);
	EXPECT_EQ(agg::ToText(ab), agg::ToText(all));
	EXPECT_EQ(agg::ToText(ba), agg::ToText(all));
	agg::Summary diff = all;
	diff.Subtract(a);
	// counts, sums and sketch equal b's; first/last/min/max equal or unknown
	EXPECT_EQ(diff.Total(), b.Total());
	EXPECT_EQ(diff.c.answer_sum, b.c.answer_sum);
	EXPECT_EQ(diff.buckets, b.buckets);
	EXPECT_EQ(diff.bucket_lo, b.bucket_lo);
	int64_t t;
	if (diff.FirstReview(t)) {
		EXPECT_EQ(t, b.c.first_at);
	}
	// merging back what was subtracted restores every field
	diff.Merge(a);
	EXPECT_EQ(agg::ToText(diff), agg::ToText(all));
	diff = all;
	diff.Subtract(all);
	EXPECT_EQ(agg::ToText(diff), "v1 total=0");
	agg::Summary bigger = all;
	bigger.Merge(all);
	EXPECT_THROW(all.Subtract(bigger), shinjp::Error);
}

TEST(AnalyticsSummary, RejectsBadReviews)
{
	EXPECT_THROW(agg::ValidateReview(R(0, 0)), shinjp::Error);
	EXPECT_THROW(agg::ValidateReview(R(0, 5)), shinjp::Error);
	agg::Review neg = R(0, 3, 0);
	neg.answer_ms = -1;
	EXPECT_THROW(agg::ValidateReview(neg), shinjp::Error);
	EXPECT_THROW(agg::ValidateReview(R(INT64_MAX, 3)), shinjp::Error);
	EXPECT_NO_THROW(agg::ValidateReview(R(agg::kMinTimestamp, 3)));
}

TEST(AnalyticsSummary, EveryByteCorruptionIsRejectedOrConsistent)
{
	agg::Summary s;
	for (int i = 0; i < 200; i++)
		s.Add(R(i * INT64_C(999999937), 1 + i % 4, 300 + i * 91, i % 40));
	std::string good = agg::EncodePacked(s);
	int rejected = 0;
	for (size_t k = 0; k < good.size(); k++)
		for (int delta : {1, 0x40, 0x80, 0xff}) {
			std::string bad = good;
			bad[k] = static_cast<char>(static_cast<uint8_t>(bad[k]) + delta);
			try {
				agg::Summary d = agg::Decode(reinterpret_cast<const uint8_t *>(bad.data()), bad.size());
				double v;
				d.AnswerPercentile(0.5, v);  // a value that decodes is usable
				EXPECT_EQ(agg::ToText(agg::FromText(agg::ToText(d))), agg::ToText(d));
			} catch (const shinjp::Error &e) {
				EXPECT_TRUE(std::strcmp(e.sqlstate(), "22P03") == 0) << e.what();
				rejected++;
			}
		}
	EXPECT_GT(rejected, 0);
	for (size_t len = 0; len < good.size(); len++)
		EXPECT_THROW(agg::Decode(reinterpret_cast<const uint8_t *>(good.data()), len), shinjp::Error) << len;
}

TEST(AnalyticsSummary, MergeOverflowIsAnError)
{
	agg::Summary s = agg::FromText("v1 total=9223372036854775807 ratings=0/0/9223372036854775807/0 young=0/0 "
	                               "mature=0/0 first=2026-01-01T00:00:00Z last=2026-01-01T00:00:00Z answers=0");
	agg::Summary t = s;
	EXPECT_THROW(t.Merge(s), shinjp::Error);
	agg::Summary u = agg::FromText("v1 total=9223372036854775807 ratings=9223372036854775807/0/0/0 young=0/0 "
	                               "mature=0/0 first=2026-01-01T00:00:00Z last=2026-01-01T00:00:00Z answers=0");
	EXPECT_THROW(t.Merge(u), shinjp::Error);  // total would overflow though each rating fits
}

TEST(AnalyticsTimestamps, FormatAndParseRoundTrip)
{
	for (int64_t us : {INT64_C(0), INT64_C(1), INT64_C(-1), INT64_C(86399999999), agg::kMinTimestamp,
	                   agg::kEndTimestamp - 1, INT64_C(820454400000000)}) {
		int64_t back;
		std::string t = agg::FormatTimestamp(us);
		ASSERT_TRUE(agg::ParseTimestamp(t, back)) << t;
		EXPECT_EQ(back, us) << t;
	}
	EXPECT_EQ(agg::FormatTimestamp(0), "2000-01-01T00:00:00Z");
	EXPECT_EQ(agg::FormatTimestamp(1500000), "2000-01-01T00:00:01.5Z");
	int64_t x;
	EXPECT_FALSE(agg::ParseTimestamp("2026-02-29T00:00:00Z", x));
	EXPECT_FALSE(agg::ParseTimestamp("2026-01-01T24:00:00Z", x));
	EXPECT_FALSE(agg::ParseTimestamp("2026-01-01 00:00:00", x));
	EXPECT_FALSE(agg::ParseTimestamp("+999999-01-01T00:00:00Z", x));
}

}  // namespace
