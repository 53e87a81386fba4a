// libFuzzer harness for the search cores: normaliser (with offsets), romaji, query builder,
// index consistency and highlighting must never crash and must keep their invariants.
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(pkg-config --cflags icu-uc) \
//     test/fuzz/ja_search_fuzz.cpp src/core.cpp src/jatext/normalize.cpp src/jatext/romaji.cpp \
//     src/jatext/substring.cpp $(pkg-config --libs icu-uc icu-i18n) -o build/ja_search_fuzz
//   build/ja_search_fuzz -max_total_time=60
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "jatext/normalize.hpp"
#include "jatext/romaji.hpp"
#include "jatext/substring.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string in(reinterpret_cast<const char *>(data), size);
	size_t cut = in.find('\t');
	std::string doc = cut == std::string::npos ? in : in.substr(0, cut);
	std::string query = cut == std::string::npos ? in : in.substr(cut + 1);

	std::vector<uint32_t> offsets;
	std::string norm = shinjp::ts::Normalize(doc, &offsets);
	if (offsets.size() != norm.size())
		abort();
	for (size_t k = 1; k < offsets.size(); k++)
		if (offsets[k] < offsets[k - 1] || offsets[k] >= doc.size())
			abort();
	if (shinjp::ts::Normalize(norm) != norm) /* idempotent */
		abort();
	(void) shinjp::ts::RomajiToKana(query);

	for (const auto &q : {shinjp::ts::SearchQuery::Parse(query), shinjp::ts::SearchQuery::Literal(query)}) {
		std::vector<int64_t> keys;
		shinjp::ts::TextKeys(doc, &keys);
		std::vector<uint8_t> state;
		for (const auto &k : q.keys) {
			bool present = false;
			for (int64_t d : keys)
				present |= k.partial ? (d >> shinjp::ts::kKeyShift) == (k.key >> shinjp::ts::kKeyShift) : d == k.key;
			state.push_back(present ? shinjp::ts::kTrue : shinjp::ts::kFalse);
		}
		bool match = q.Matches(norm);
		auto c = q.Consistent(state.data());
		if ((match && c == shinjp::ts::kFalse) || (!match && c == shinjp::ts::kTrue)) /* no false negative, exact "true" */
			abort();
		if (q.MatchesRaw(doc) && !match) /* the raw shortcut is sound */
			abort();
		(void) shinjp::ts::Highlight(doc, q, "[", "]");
	}
	return 0;
}
