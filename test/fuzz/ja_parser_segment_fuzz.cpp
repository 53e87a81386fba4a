// libFuzzer harness for src/jatext/segment.cpp: arbitrary bytes (invalid UTF-8 included) must give
// tokens that tile the input exactly, in order, each non-empty and at most kMaxTokenBytes long, with
// a known type; the same holds with the rules off.  BuildJaTsQuery and TokenLexemes must not crash
// and lexemes never exceed PostgreSQL's limit.
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc $(pkg-config --cflags icu-uc) \
//     test/fuzz/ja_parser_segment_fuzz.cpp src/jatext/segment.cpp src/jatext/tsquery_build.cpp \
//     src/jatext/normalize.cpp src/jatext/romaji.cpp src/core.cpp \
//     $(pkg-config --libs icu-uc icu-i18n) -o build/ja_parser_fuzz && build/ja_parser_fuzz -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "jatext/segment.hpp"
#include "jatext/tsquery_build.hpp"

namespace {

struct Check : shinjp::ts::TokenSink {
	std::size_t at = 0;
	void Emit(std::size_t b, std::size_t e, int type) override
	{
		if (b != at || e <= b || e - b > shinjp::ts::kMaxTokenBytes || shinjp::ts::TokenAlias(type) == nullptr)
			std::abort();
		at = e;
	}
};

}  // namespace

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	for (bool rules : {true, false}) {
		Check c;
		shinjp::ts::SegmentOptions o;
		o.rules = rules;
		shinjp::ts::Segment(text, c, o);
		if (c.at != size)
			std::abort();
	}
	shinjp::ts::BuildJaTsQuery(text);
	std::vector<std::string> lexemes;
	shinjp::ts::TokenLexemes(text, &lexemes);
	for (const std::string &l : lexemes)
		if (l.empty() || l.size() > shinjp::ts::kMaxLexemeBytes)
			std::abort();
	return 0;
}
