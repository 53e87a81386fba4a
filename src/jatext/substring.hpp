/*
 * substring.hpp — exact substring search over normalised text: the bigram keys of the GIN operator
 * class, and the compiled search query (the query builder) that both the index and the operators use.
 *
 * Keys.  A document's keys are the distinct bigrams of its normalised code points, each packed exactly
 * into an int8 as (first << 21) | second; plus (c << 21) | 0 for its final character and for every
 * character c that HasUnigramKey (kana, ASCII, CJK punctuation: the few hundred characters below
 * U+3100).  No text contains U+0000, so a (c << 21) | 0 key never equals a bigram.  Keys are exact,
 * never hashed, so:
 *  - a 1-character needle c with HasUnigramKey(c) is the one key (c << 21) | 0: one posting list,
 *    no recheck.  These characters are frequent (い is in most rows), so their lists are dense and
 *    compress to about a byte per row; a partial match over every bigram starting with い would
 *    merge hundreds of lists and made such a query several times slower;
 *  - any other 1-character needle c (kanji, Hangul, emoji: thousands of mostly rare characters, whose
 *    unigram lists would be sparse and cost the index about 2 bytes per row) is a partial-match scan
 *    of the key range [c << 21, (c << 21) | 0x1FFFFF]: every occurrence of c is the first half of
 *    some key (the end key covers a final c): no recheck;
 *  - a 2-character needle is one key, and a row that has it contains the needle: no recheck;
 *  - a longer needle needs all its bigrams, then a recheck against the normalised text.
 * Nothing depends on positions, so documents of any length are served (no tsvector 16,383 limit).
 *
 * Query builder.  SearchQuery::Parse reads user text (normalised first, as documents are):
 *   words separated by spaces are ANDed; "or" / "|" between two items ORs them (binds tighter than
 *   AND); -word or -"phrase" negates; "quoted phrases" are matched literally (spaces included).
 *   An unquoted word of romaji letters also matches its kana reading (romaji.hpp); an unquoted
 *   all-kana word of 2 to 24 characters also matches with ー inserted where one may be missing
 *   (こんぴゅた finds コンピューター).  SearchQuery::Literal is one exact needle (the &@ operator).
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shinjp::ts {

inline constexpr int kKeyShift = 21;
inline constexpr int64_t kKeyLowMask = (int64_t{1} << kKeyShift) - 1;

inline int64_t
BigramKey(char32_t first, char32_t second)
{
	return (static_cast<int64_t>(first) << kKeyShift) | static_cast<int64_t>(second);
}

/* The key of a character on its own ((c << 21) | 0): its unigram, or for a final character its end key. */
inline int64_t
UnigramKey(char32_t c)
{
	return BigramKey(c, 0);
}

/* Whether every document carries c's UnigramKey (not only when c is final): code points below U+3100. */
inline bool
HasUnigramKey(char32_t c)
{
	return c < 0x3100;
}

/* The sorted, distinct keys of a document given as normalised code points. */
void DocumentKeys(const std::u32string &normalised, std::vector<int64_t> *keys);

/* The sorted, distinct keys of raw text (normalises it first). */
void TextKeys(std::string_view utf8, std::vector<int64_t> *keys);

/* Ternary logic of GIN's triConsistent: the numeric values of GinTernaryValue. */
enum Ternary : uint8_t { kFalse = 0, kTrue = 1, kMaybe = 2 };

struct QueryKey {
	int64_t key;
	bool partial; /* a 1-character needle without a unigram key: match every key with this first character */
};

struct Alternative {
	std::string utf8;              /* normalised needle */
	std::u32string cps;            /* the same as code points */
	std::vector<uint32_t> key_idx; /* indexes into SearchQuery::keys */
	bool exact;                    /* key presence decides the match (needle of 1 or 2 characters) */
	bool self_normalizing;         /* every character IsSelfNormalizing: see MatchesRaw */
	std::string raw_katakana;      /* self-normalising with hiragana: the needle with them in katakana */
	std::vector<uint32_t> failure; /* KMP failure function, for needles longer than kNaiveFindMax */

	/* First occurrence of the needle in hay at or after from, or npos; linear time. */
	size_t FindIn(std::u32string_view hay, size_t from = 0) const;
};

/* Needles up to this many code points are searched naively (O(n·m) is then linear enough). */
inline constexpr size_t kNaiveFindMax = 16;

struct Term {
	std::vector<Alternative> alts; /* matches when any alternative is a substring */
	bool negated = false;
	bool phrase = false;
};

class SearchQuery {
  public:
	static SearchQuery Parse(std::string_view user_text);
	static SearchQuery Literal(std::string_view needle);

	/* Conjunction of clauses, each a disjunction of terms. */
	std::vector<std::vector<Term>> clauses;
	std::vector<QueryKey> keys;

	/* True when a matching row need not contain any key (negations only, empty needle). */
	bool NeedsFullScan() const;
	/* Exact evaluation against a document's normalised text (UTF-8 or code points). */
	bool Matches(std::string_view normalised_doc) const;
	bool Matches(std::u32string_view normalised_doc) const;
	/*
	 * A cheap sufficient test on the *original* document: true when every clause has a positive
	 * term with a self-normalising alternative found verbatim in raw_doc, or in katakana where it
	 * has hiragana (full-width katakana folds to hiragana one for one), followed by a normalisation
	 * boundary.  False means "unknown": evaluate Matches on the normalised text.
	 */
	bool MatchesRaw(std::string_view raw_doc) const;
	/* Evaluation from key presence (one Ternary per key): kTrue, kFalse, or kMaybe (recheck). */
	Ternary Consistent(const uint8_t *key_state) const;
	/* A readable form, e.g.  "東京" & ("とうきょう" | "toukyou") & !"大阪". */
	std::string ToString() const;

  private:
	void AddAlternative(Term &term, std::string utf8);
	uint32_t KeyIndex(int64_t key, bool partial);
	std::unordered_map<int64_t, uint32_t> key_index_; /* (key << 1 | partial) → index in keys */
};

/*
 * Highlight every match of the query's positive terms in the original text: the spans of the
 * original that the matches came from, merged when they touch, wrapped in start/stop.
 */
std::string Highlight(std::string_view original, const SearchQuery &query, std::string_view start,
                      std::string_view stop);

}  // namespace shinjp::ts
