// libFuzzer harness for the review summary decoders (packed/dense bytes and the text form):
// anything must either be rejected with shinjp::Error or decode to a value whose accessors and
// re-encodings work and round-trip.
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//     src/core.cpp src/analytics/review_summary.cpp test/fuzz/analytics_summary_fuzz.cpp -o build/fuzz_summary
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "analytics/review_summary.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	namespace agg = shinjp::agg;
	auto check = [](const agg::Summary &s) {
		double v;
		for (double p : {0.0, 0.5, 0.99, 1.0})
			s.AnswerPercentile(p, v);
		std::string packed = agg::EncodePacked(s);
		agg::Summary back = agg::Decode(reinterpret_cast<const uint8_t *>(packed.data()), packed.size());
		if (agg::EncodePacked(back) != packed || agg::ToText(agg::FromText(agg::ToText(s))) != agg::ToText(s))
			std::abort();
	};
	try {
		check(agg::Decode(data, size));
	} catch (const shinjp::Error &) {
	}
	try {
		check(agg::FromText(std::string(reinterpret_cast<const char *>(data), size)));
	} catch (const shinjp::Error &) {
	}
	return 0;
}
