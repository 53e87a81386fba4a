/*
 * normalize.hpp — the Japanese search normaliser, applied identically at index and query time.
 *
 * Normalize() = NFKC with Unicode case folding (ICU's NFKC_Casefold: full/half width, circled
 * digits, ㍿ → 株式会社, ligatures, default-ignorables such as variation selectors and ZWJ removed)
 * followed by shinjp's kana rules:
 *  - katakana → hiragana (ァ..ヶ → ぁ..ゖ, ヽヾ → ゝゞ); the long-vowel mark ー is kept;
 *  - a dash or wave mark right after kana (or after ー) is read as ー: - ~ ‐ ‑ ‒ – — ― − ⁓ 〜 〰 ─ ━
 *    and their full-width forms; after anything else it stays what NFKC made of it;
 *  - ゝ/ゞ (and ヽ/ヾ) repeat the preceding kana (ゞ voiced: いすゞ → いすず, こゝろ → こころ); with no kana
 *    before them they are kept.  々 is kept as written (人々 stays 人々): IMEs produce it, and expanding it
 *    would make a query that starts inside a repetition (々木) miss 佐々木;
 *  - every run of whitespace and control characters becomes one ASCII space.
 * Invalid UTF-8 (impossible in a UTF8 database) decodes to U+FFFD per bad byte.
 *
 * The second overload records, for each byte of the output, the byte offset in the input where the
 * character it came from starts, so that a match in normalised text maps back to a span of the original.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shinjp::ts {

std::string Normalize(std::string_view utf8);
std::string Normalize(std::string_view utf8, std::vector<uint32_t> *source_offsets);

/*
 * The normalised text as code points; source_offsets (may be null) gets, per code point, the byte
 * offset in the input of the character it came from.  Used by the substring index and highlighter.
 */
void NormalizeCodepoints(std::string_view utf8, std::u32string *out, std::vector<uint32_t> *source_offsets);

/*
 * The byte span [begin, end) of the original text that output units [out_begin, out_end) came
 * from, given the offsets recorded by Normalize/NormalizeCodepoints for that text (input_len bytes).
 * The span covers whole source characters: a match on part of ㍿ highlights the whole ㍿.
 */
std::pair<size_t, size_t> SourceSpan(const std::vector<uint32_t> &source_offsets, size_t input_len,
                                     size_t out_begin, size_t out_end);

/* Decode one code point at s[i] (n bytes total); returns its length (1 with U+FFFD when invalid). */
size_t DecodeUtf8(const char *s, size_t n, size_t i, char32_t *cp);

/* Append cp as UTF-8. */
void AppendUtf8(std::string &out, char32_t cp);

/* True for hiragana, katakana and the marks that belong to kana words (ー, ゝゞ, ヽヾ). */
bool IsKana(char32_t c);

/*
 * True when c normalises to itself wherever it stands, provided the character after it does not
 * combine with it (NormalizationBoundaryBefore): hiragana, kanji, ー, CJK punctuation 、。「」…, and
 * printable ASCII other than upper case, '-' and '~'.  A document that contains a needle made only
 * of such characters, followed by a boundary, contains it after normalisation too.
 */
bool IsSelfNormalizing(char32_t c);

/* True when c never combines with the character before it under NFKC_Casefold. */
bool NormalizationBoundaryBefore(char32_t c);

}  // namespace shinjp::ts
