/*
 * segment.hpp — Japanese word segmentation on ICU's word break iterator (PG-free core).
 *
 * Segment() walks UTF-8 text in place (utext_openUTF8, no UTF-16 copy) with one ICU word break
 * iterator per process, reused across calls, and reports tokens as byte ranges of the input with a
 * Japanese-aware token type.  On top of ICU's dictionary segmentation it applies a few rules (see
 * segment.cpp) that bring ICU's words closer to short-unit words (UD Japanese-GSD): runs of
 * unknown hiragana that ICU breaks into single characters are rejoined, and so on.
 *
 * Tokens never exceed kMaxTokenBytes: a longer word is cut into pieces at grapheme boundaries, so
 * that PostgreSQL's 2,047-byte lexeme limit never drops a word and the same word in a query is cut
 * the same way.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shinjp::ts {

/*
 * Token types; the numbers are the text search parser's lexid values (stable: they are stored in
 * configurations).  They avoid the ids that pg_catalog.prsd_headline (the headline function we
 * reuse) treats specially (5, 7, 8, 13-17, 20-23) and give blank the default parser's 12, which
 * the headline code reads as a non-word.
 */
enum TokenType : int {
	kTokKanji = 1,      /* ideographs only: 東京, 々 */
	kTokHiragana = 2,   /* hiragana (and ー) only: ひらがな */
	kTokKatakana = 3,   /* katakana (and ー), full or half width: カタカナ, ｶﾀｶﾅ */
	kTokMixed = 4,      /* kanji with kana, or hiragana with katakana: 食べる */
	kTokLatin = 6,      /* Latin letters: romaji, English (full width too) */
	kTokNumber = 9,     /* digits and other numerals: 2024, ２０２４, ①, 3.14 */
	kTokAlnum = 10,     /* Latin letters with digits that the rules keep together (rare) */
	kTokOtherWord = 11, /* letters of other scripts: 한국어, русский */
	kTokSpace = 12,     /* white space and control characters */
	kTokEmoji = 18,     /* emoji and emoji sequences */
	kTokSymbol = 19,    /* punctuation and symbols: 。「」！ */
};
inline constexpr int kTokMaxId = 19;

/* All token types in lexid order, terminated by 0. */
extern const int kTokenTypes[];

/* Alias (as in ts_token_type) and description of a token type; null for an unknown id. */
const char *TokenAlias(int type) noexcept;
const char *TokenDescription(int type) noexcept;

/* True for the types that carry words (indexed by the shinjp.japanese configuration). */
bool IsWordType(int type) noexcept;

/* The longest token Segment() emits, in bytes (a longer word is emitted in pieces). */
inline constexpr std::size_t kMaxTokenBytes = 255;

/* Receives the tokens of Segment() in order; they tile the input exactly. */
class TokenSink {
  public:
	virtual ~TokenSink() = default;
	virtual void Emit(std::size_t begin, std::size_t end, int type) = 0;
};

struct SegmentOptions {
	bool rules = true;                          /* false: ICU's words as they are (for comparison) */
	std::size_t max_token_bytes = kMaxTokenBytes; /* 4 .. kMaxTokenBytes */
};

/*
 * Segment UTF-8 text (invalid sequences are kept as symbols, never read past the end).  Throws
 * shinjp::Error when ICU fails, std::bad_alloc, or shinjp::Interrupted from CheckInterrupts().
 * Texts over 2^31-1 bytes are refused (ICU's UText uses int64 but PostgreSQL's limit is 1 GB).
 */
void Segment(std::string_view text, TokenSink &sink, const SegmentOptions &options = {});

/* The ICU version string segmentation runs on ("72.1"). */
const char *IcuVersion() noexcept;

}  // namespace shinjp::ts
