/*
 * selectivity.hpp — how many rows a search keeps, estimated from a column's statistics: the
 * fraction of its most common values and of its histogram entries that match the query, weighted
 * the way PostgreSQL weighs them for pattern operators.  The sample is normalised once (see
 * ColumnSample) so that planning a search costs a substring scan of at most a few hundred short
 * strings, not their normalisation.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "jatext/substring.hpp"

namespace shinjp::ts {

/* A column's statistics sample, normalised. */
struct ColumnSample {
	std::vector<std::u32string> mcv; /* most common values */
	std::vector<float> mcv_freq;     /* their frequencies (fractions of all rows) */
	std::vector<std::u32string> histogram;

	void AddMostCommon(std::string_view utf8, float freq);
	void AddHistogramEntry(std::string_view utf8);
	/* Code points held, for bounding a cache of samples. */
	size_t Size() const;
};

/*
 * Fraction of rows that match q: matching MCV frequencies, plus the matching fraction of the
 * histogram applied to the rows neither NULL nor among the MCVs.  A histogram of fewer than 10
 * entries says nothing (default_sel is used); from 10 to 100 entries it is blended with default_sel
 * in proportion to its size; the histogram part is kept within [0.0001, 0.9999], since a sample
 * that matched none or all of it is no proof of none or all.
 */
double EstimateSelectivity(const SearchQuery &q, const ColumnSample &sample, double null_frac, double default_sel);

}  // namespace shinjp::ts
