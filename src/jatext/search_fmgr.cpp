/*
 * search_fmgr.cpp — SQL entry points of the Japanese search half: ja_normalize, romaji_to_kana,
 * the query builder, the substring operators and ja_highlight.  The GIN support functions of the
 * substring operator class live in substring_gin_fmgr.cpp.
 */
#include <string>
#include <vector>

#include "jatext/normalize.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "utils/builtins.h"
}

namespace {

/* A text Datum as a string_view over its detoasted bytes (valid for the call). */
std::string_view
TextArg(FunctionCallInfo fcinfo, int n)
{
	text *t = shinjp::pg::Call([&] { return PG_GETARG_TEXT_PP(n); });
	return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

Datum
TextResult(const std::string &s)
{
	return PointerGetDatum(shinjp::pg::Call([&] { return cstring_to_text_with_len(s.data(), static_cast<int>(s.size())); }));
}

}  // namespace

/* shinjp.ja_normalize(text) — the search normalisation applied at index and query time. */
SHINJP_FUNCTION(shinjp_ja_normalize)
{
	return TextResult(shinjp::ts::Normalize(TextArg(fcinfo, 0)));
}
