/*
 * romaji.hpp — an IME-style romaji → hiragana converter (shinjp's own table, no ICU transliterator).
 *
 * Accepts Hepburn (shi chi tsu fu ji sha cha ja), Kunrei/Nihon-shiki (si ti tu hu zi sya tya zya di du
 * wo), and wāpuro spellings (dhi thi twu dwu va vi ve vo tsa tsi tse tso fa fi fe fo she che je wi we
 * kwa qa ca ci cu ce co ...).  Rules:
 *  - n: "nn" → ん; "n'" → ん; n before a consonant other than y, or at the end → ん; "nn" before a
 *    vowel or y reads as ん + n… (konnichiha → こんにちは, as IMEs do); m before b/m/p → ん (Hepburn);
 *  - a doubled consonant is sokuon (kitte → きって), and so is "tch" (matcha → まっちゃ);
 *  - x/l prefix gives small kana (xa la → ぁ, xtu ltu xtsu → っ, xya → ゃ, xwa → ゎ, xka → ゕ, xke → ゖ);
 *  - "-" → ー; macron/circumflex vowels are read doubled: ā → aa, ī → ii, ū → uu, ē → ei, ō → ou (tōkyō → とうきょう);
 *  - upper case is read as lower case; anything else (digits, punctuation, kana, kanji, letters
 *    that form no syllable) passes through unchanged.
 */
#pragma once

#include <string>
#include <string_view>

namespace shinjp::ts {

/* Convert romaji in utf8 to hiragana.  *complete (may be null) is set to true when no Latin letter is left. */
std::string RomajiToKana(std::string_view utf8, bool *complete = nullptr);

}  // namespace shinjp::ts
