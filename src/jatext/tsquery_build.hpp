/*
 * tsquery_build.hpp — lexemes of the shinjp.japanese configuration and a tsquery builder for it
 * (PG-free core; the SQL entry points are in tsparser_fmgr.cpp).
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shinjp::ts {

/* PostgreSQL's lexeme limit in bytes (MAXSTRLEN in tsearch/ts_type.h). */
inline constexpr std::size_t kMaxLexemeBytes = 2047;

/*
 * The lexemes shinjp.ja_dict makes of one token: the normalised token (ja_normalize), cut at
 * character boundaries into pieces of at most kMaxLexemeBytes (consecutive positions).  Empty when
 * the token normalises to nothing.
 */
void TokenLexemes(std::string_view token, std::vector<std::string> *out);

/*
 * The tsquery text (tsquery input syntax) for a web-search style query against shinjp.japanese:
 * whitespace-separated terms are ANDed, "quoted text" is one phrase, a leading - negates a term,
 * the word or (any case) between two terms ORs them.  Each term becomes the phrase of its words'
 * lexemes (a <-> b).  A term of hiragana only is also segmented in katakana, and the spelling cut
 * into fewer words wins (both on a tie): こんぴゅーたー finds コンピューター, which ICU keeps as one word,
 * while すし stays すし.  Terms without lexemes
 * (symbols) are dropped; the result is empty when nothing is left.
 */
std::string BuildJaTsQuery(std::string_view query);

/* Does q have U+3000 (ideographic space, a query separator too) at byte i? */
bool StartsWithIdeographicSpace(std::string_view q, std::size_t i);

}  // namespace shinjp::ts
