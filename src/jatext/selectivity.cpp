/*
 * selectivity.cpp — search selectivity from a normalised statistics sample (see selectivity.hpp).
 */
#include "jatext/selectivity.hpp"

#include <algorithm>

#include "jatext/normalize.hpp"

namespace shinjp::ts {

namespace {

std::u32string
Normalised(std::string_view utf8)
{
	std::u32string out;
	NormalizeCodepoints(utf8, &out, nullptr);
	return out;
}

}  // namespace

void
ColumnSample::AddMostCommon(std::string_view utf8, float freq)
{
	mcv.push_back(Normalised(utf8));
	mcv_freq.push_back(freq);
}

void
ColumnSample::AddHistogramEntry(std::string_view utf8)
{
	histogram.push_back(Normalised(utf8));
}

size_t
ColumnSample::Size() const
{
	size_t n = 0;
	for (const auto &s : mcv)
		n += s.size() + 1;
	for (const auto &s : histogram)
		n += s.size() + 1;
	return n;
}

double
EstimateSelectivity(const SearchQuery &q, const ColumnSample &sample, double null_frac, double default_sel)
{
	double mcv_sel = 0, mcv_total = 0;
	for (size_t i = 0; i < sample.mcv.size(); i++) {
		mcv_total += sample.mcv_freq[i];
		if (q.Matches(std::u32string_view(sample.mcv[i])))
			mcv_sel += sample.mcv_freq[i];
	}
	double rest_sel = default_sel;
	size_t n = sample.histogram.size();
	if (n >= 10) {
		size_t hits = 0;
		for (const auto &h : sample.histogram)
			hits += q.Matches(std::u32string_view(h)) ? 1 : 0;
		double hist_sel = static_cast<double>(hits) / static_cast<double>(n);
		if (n < 100) {
			double weight = static_cast<double>(n) / 100.0;
			hist_sel = hist_sel * weight + default_sel * (1.0 - weight);
		}
		rest_sel = std::clamp(hist_sel, 0.0001, 0.9999);
	}
	double rest = std::max(0.0, 1.0 - null_frac - mcv_total);
	return std::clamp(mcv_sel + rest_sel * rest, 0.0, 1.0);
}

}  // namespace shinjp::ts
