// Unit tests of src/jatext/selectivity: the estimate from a normalised statistics sample.
#include <gtest/gtest.h>

#include <string>

#include "jatext/selectivity.hpp"

using shinjp::ts::ColumnSample;
using shinjp::ts::EstimateSelectivity;
using shinjp::ts::SearchQuery;

namespace {

ColumnSample
HistogramOf(int n, int every, const std::string &hit, const std::string &miss)
{
	ColumnSample s;
	for (int i = 0; i < n; i++)
		s.AddHistogramEntry((i % every == 0 ? hit : miss) + std::to_string(i));
	return s;
}

}  // namespace

TEST(JaSearchSelectivity, HistogramFractionIsNormalised)
{
	/* half-width katakana in the sample, hiragana in the needle: both normalise to the same */
	ColumnSample s = HistogramOf(100, 2, "ﾃｽﾄ", "本");
	EXPECT_DOUBLE_EQ(EstimateSelectivity(SearchQuery::Literal("てすと"), s, 0.0, 0.01), 0.5);
	EXPECT_DOUBLE_EQ(EstimateSelectivity(SearchQuery::Parse("tesuto"), s, 0.0, 0.01), 0.5);
	/* NULLs match nothing */
	EXPECT_DOUBLE_EQ(EstimateSelectivity(SearchQuery::Literal("テスト"), s, 0.2, 0.01), 0.4);
}

TEST(JaSearchSelectivity, NoneOrAllOfTheSampleIsNotProof)
{
	ColumnSample s = HistogramOf(100, 1, "東京", "");
	EXPECT_DOUBLE_EQ(EstimateSelectivity(SearchQuery::Literal("大阪"), s, 0.0, 0.01), 0.0001);
	EXPECT_DOUBLE_EQ(EstimateSelectivity(SearchQuery::Literal("東京"), s, 0.0, 0.01), 0.9999);
}

TEST(JaSearchSelectivity, SmallHistogramsBlendWithTheDefault)
{
	ColumnSample tiny = HistogramOf(9, 1, "東京", "");
	EXPECT_DOUBLE_EQ(EstimateSelectivity(SearchQuery::Literal("東京"), tiny, 0.0, 0.01), 0.01);
	ColumnSample half = HistogramOf(50, 1, "東京", "");
	EXPECT_DOUBLE_EQ(EstimateSelectivity(SearchQuery::Literal("東京"), half, 0.0, 0.01), 0.5 * 1.0 + 0.5 * 0.01);
}

TEST(JaSearchSelectivity, MostCommonValuesCountExactly)
{
	ColumnSample s;
	s.AddMostCommon("コーヒー", 0.3f);
	s.AddMostCommon("紅茶", 0.2f);
	/* no histogram: the rest (0.5 of rows) gets the default */
	EXPECT_NEAR(EstimateSelectivity(SearchQuery::Literal("こーひー"), s, 0.0, 0.01), 0.3 + 0.5 * 0.01, 1e-7);
	EXPECT_NEAR(EstimateSelectivity(SearchQuery::Parse("紅茶 OR -紅茶"), s, 0.0, 0.01), 0.5 + 0.5 * 0.01, 1e-7);
	EXPECT_GT(s.Size(), 0u);
}
