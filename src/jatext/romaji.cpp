/*
 * romaji.cpp — greedy longest-match romaji → hiragana conversion with IME rules (see romaji.hpp).
 */
#include "core_only.hpp"

#include "jatext/romaji.hpp"

#include <cstring>

#include "jatext/normalize.hpp"

namespace shinjp::ts {

namespace {

struct Syllable {
	const char *romaji;
	const char *kana;
};

/* Every spelling the converter knows, longest first within each prefix is not required: lookup tries 4..1. */
const Syllable kTable[] = {
	/* vowels */
	{"a", "あ"}, {"i", "い"}, {"u", "う"}, {"e", "え"}, {"o", "お"},
	/* k g */
	{"ka", "か"}, {"ki", "き"}, {"ku", "く"}, {"ke", "け"}, {"ko", "こ"},
	{"kya", "きゃ"}, {"kyi", "きぃ"}, {"kyu", "きゅ"}, {"kye", "きぇ"}, {"kyo", "きょ"},
	{"kwa", "くぁ"}, {"kwi", "くぃ"}, {"kwu", "くぅ"}, {"kwe", "くぇ"}, {"kwo", "くぉ"},
	{"qa", "くぁ"}, {"qi", "くぃ"}, {"qu", "く"}, {"qe", "くぇ"}, {"qo", "くぉ"},
	{"ca", "か"}, {"ci", "し"}, {"cu", "く"}, {"ce", "せ"}, {"co", "こ"},
	{"ga", "が"}, {"gi", "ぎ"}, {"gu", "ぐ"}, {"ge", "げ"}, {"go", "ご"},
	{"gya", "ぎゃ"}, {"gyi", "ぎぃ"}, {"gyu", "ぎゅ"}, {"gye", "ぎぇ"}, {"gyo", "ぎょ"},
	{"gwa", "ぐぁ"}, {"gwi", "ぐぃ"}, {"gwu", "ぐぅ"}, {"gwe", "ぐぇ"}, {"gwo", "ぐぉ"},
	/* s z j */
	{"sa", "さ"}, {"si", "し"}, {"shi", "し"}, {"su", "す"}, {"se", "せ"}, {"so", "そ"},
	{"sya", "しゃ"}, {"syi", "しぃ"}, {"syu", "しゅ"}, {"sye", "しぇ"}, {"syo", "しょ"},
	{"sha", "しゃ"}, {"shu", "しゅ"}, {"she", "しぇ"}, {"sho", "しょ"},
	{"swa", "すぁ"}, {"swi", "すぃ"}, {"swu", "すぅ"}, {"swe", "すぇ"}, {"swo", "すぉ"},
	{"za", "ざ"}, {"zi", "じ"}, {"zu", "ず"}, {"ze", "ぜ"}, {"zo", "ぞ"},
	{"zya", "じゃ"}, {"zyi", "じぃ"}, {"zyu", "じゅ"}, {"zye", "じぇ"}, {"zyo", "じょ"},
	{"ja", "じゃ"}, {"ji", "じ"}, {"ju", "じゅ"}, {"je", "じぇ"}, {"jo", "じょ"},
	{"jya", "じゃ"}, {"jyi", "じぃ"}, {"jyu", "じゅ"}, {"jye", "じぇ"}, {"jyo", "じょ"},
	/* t d c */
	{"ta", "た"}, {"ti", "ち"}, {"chi", "ち"}, {"tu", "つ"}, {"tsu", "つ"}, {"te", "て"}, {"to", "と"},
	{"tya", "ちゃ"}, {"tyi", "ちぃ"}, {"tyu", "ちゅ"}, {"tye", "ちぇ"}, {"tyo", "ちょ"},
	{"cha", "ちゃ"}, {"chu", "ちゅ"}, {"che", "ちぇ"}, {"cho", "ちょ"},
	{"cya", "ちゃ"}, {"cyi", "ちぃ"}, {"cyu", "ちゅ"}, {"cye", "ちぇ"}, {"cyo", "ちょ"},
	{"tsa", "つぁ"}, {"tsi", "つぃ"}, {"tse", "つぇ"}, {"tso", "つぉ"},
	{"tha", "てゃ"}, {"thi", "てぃ"}, {"thu", "てゅ"}, {"the", "てぇ"}, {"tho", "てょ"},
	{"twa", "とぁ"}, {"twi", "とぃ"}, {"twu", "とぅ"}, {"twe", "とぇ"}, {"two", "とぉ"},
	{"da", "だ"}, {"di", "ぢ"}, {"du", "づ"}, {"de", "で"}, {"do", "ど"},
	{"dya", "ぢゃ"}, {"dyi", "ぢぃ"}, {"dyu", "ぢゅ"}, {"dye", "ぢぇ"}, {"dyo", "ぢょ"},
	{"dha", "でゃ"}, {"dhi", "でぃ"}, {"dhu", "でゅ"}, {"dhe", "でぇ"}, {"dho", "でょ"},
	{"dwa", "どぁ"}, {"dwi", "どぃ"}, {"dwu", "どぅ"}, {"dwe", "どぇ"}, {"dwo", "どぉ"},
	/* n */
	{"na", "な"}, {"ni", "に"}, {"nu", "ぬ"}, {"ne", "ね"}, {"no", "の"},
	{"nya", "にゃ"}, {"nyi", "にぃ"}, {"nyu", "にゅ"}, {"nye", "にぇ"}, {"nyo", "にょ"},
	/* h b p f */
	{"ha", "は"}, {"hi", "ひ"}, {"hu", "ふ"}, {"fu", "ふ"}, {"he", "へ"}, {"ho", "ほ"},
	{"hya", "ひゃ"}, {"hyi", "ひぃ"}, {"hyu", "ひゅ"}, {"hye", "ひぇ"}, {"hyo", "ひょ"},
	{"fa", "ふぁ"}, {"fi", "ふぃ"}, {"fe", "ふぇ"}, {"fo", "ふぉ"},
	{"fya", "ふゃ"}, {"fyu", "ふゅ"}, {"fyo", "ふょ"},
	{"ba", "ば"}, {"bi", "び"}, {"bu", "ぶ"}, {"be", "べ"}, {"bo", "ぼ"},
	{"bya", "びゃ"}, {"byi", "びぃ"}, {"byu", "びゅ"}, {"bye", "びぇ"}, {"byo", "びょ"},
	{"pa", "ぱ"}, {"pi", "ぴ"}, {"pu", "ぷ"}, {"pe", "ぺ"}, {"po", "ぽ"},
	{"pya", "ぴゃ"}, {"pyi", "ぴぃ"}, {"pyu", "ぴゅ"}, {"pye", "ぴぇ"}, {"pyo", "ぴょ"},
	/* m y r w v */
	{"ma", "ま"}, {"mi", "み"}, {"mu", "む"}, {"me", "め"}, {"mo", "も"},
	{"mya", "みゃ"}, {"myi", "みぃ"}, {"myu", "みゅ"}, {"mye", "みぇ"}, {"myo", "みょ"},
	{"ya", "や"}, {"yu", "ゆ"}, {"ye", "いぇ"}, {"yo", "よ"},
	{"ra", "ら"}, {"ri", "り"}, {"ru", "る"}, {"re", "れ"}, {"ro", "ろ"},
	{"rya", "りゃ"}, {"ryi", "りぃ"}, {"ryu", "りゅ"}, {"rye", "りぇ"}, {"ryo", "りょ"},
	{"la", "ぁ"}, {"li", "ぃ"}, {"lu", "ぅ"}, {"le", "ぇ"}, {"lo", "ぉ"},
	{"wa", "わ"}, {"wi", "うぃ"}, {"wu", "う"}, {"we", "うぇ"}, {"wo", "を"},
	{"wha", "うぁ"}, {"whi", "うぃ"}, {"whu", "う"}, {"whe", "うぇ"}, {"who", "うぉ"},
	{"va", "ゔぁ"}, {"vi", "ゔぃ"}, {"vu", "ゔ"}, {"ve", "ゔぇ"}, {"vo", "ゔぉ"},
	{"vya", "ゔゃ"}, {"vyu", "ゔゅ"}, {"vyo", "ゔょ"},
	/* small kana */
	{"xa", "ぁ"}, {"xi", "ぃ"}, {"xu", "ぅ"}, {"xe", "ぇ"}, {"xo", "ぉ"},
	{"xya", "ゃ"}, {"xyu", "ゅ"}, {"xyo", "ょ"}, {"lya", "ゃ"}, {"lyu", "ゅ"}, {"lyo", "ょ"},
	{"xtu", "っ"}, {"ltu", "っ"}, {"xtsu", "っ"}, {"ltsu", "っ"},
	{"xwa", "ゎ"}, {"lwa", "ゎ"}, {"xka", "ゕ"}, {"lka", "ゕ"}, {"xke", "ゖ"}, {"lke", "ゖ"},
	{"xyi", "ぃ"}, {"xye", "ぇ"}, {"lyi", "ぃ"}, {"lye", "ぇ"},
};

const char *
Lookup(std::string_view s)
{
	for (const Syllable &syl : kTable)
		if (s == syl.romaji)
			return syl.kana;
	return nullptr;
}

inline bool
IsVowel(char c)
{
	return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o';
}

inline bool
IsConsonant(char c)
{
	return c >= 'a' && c <= 'z' && !IsVowel(c);
}

/* Macron and circumflex vowels (either case) as the romaji they stand for (ō → ou). */
const char *
LongVowel(char32_t c)
{
	switch (c) {
	case 0x0100: case 0x0101: case 0x00C2: case 0x00E2: return "aa";
	case 0x012A: case 0x012B: case 0x00CE: case 0x00EE: return "ii";
	case 0x016A: case 0x016B: case 0x00DB: case 0x00FB: return "uu";
	case 0x0112: case 0x0113: case 0x00CA: case 0x00EA: return "ei";
	case 0x014C: case 0x014D: case 0x00D4: case 0x00F4: return "ou";
	default: return nullptr;
	}
}

}  // namespace

std::string
RomajiToKana(std::string_view utf8, bool *complete)
{
	/* Work on lower-case ASCII, with long vowels spelled out (tōkyō → toukyou). */
	std::string in;
	in.reserve(utf8.size());
	for (size_t k = 0; k < utf8.size();) {
		char ch = utf8[k];
		if (static_cast<unsigned char>(ch) < 0x80) {
			in.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
			k++;
			continue;
		}
		char32_t cp;
		size_t len = DecodeUtf8(utf8.data(), utf8.size(), k, &cp);
		if (const char *lv = LongVowel(cp))
			in += lv;
		else
			in.append(utf8, k, len);
		k += len;
	}
	std::string out;
	out.reserve(in.size() * 3);
	bool latin_left = false;
	const size_t n = in.size();
	size_t i = 0;
	while (i < n) {
		if ((i & 0xFFF) == 0)
			CheckInterrupts();
		char c = in[i];
		if (!(c >= 'a' && c <= 'z')) {
			if (c == '-') {
				out += "ー";
				i++;
				continue;
			}
			char32_t cp;
			size_t len = DecodeUtf8(in.data(), n, i, &cp);
			out.append(in, i, len);
			i += len;
			continue;
		}
		char c1 = i + 1 < n ? in[i + 1] : '\0';
		char c2 = i + 2 < n ? in[i + 2] : '\0';
		if (c == 'n') {
			if (c1 == '\'') { /* n' */
				out += "ん";
				i += 2;
				continue;
			}
			if (c1 == 'n') { /* nn: ん, and the second n starts the next syllable before a vowel or y */
				out += "ん";
				i += (IsVowel(c2) || c2 == 'y') ? 1 : 2;
				continue;
			}
			if (!IsVowel(c1) && c1 != 'y') { /* before a consonant, a non-letter or the end */
				out += "ん";
				i += 1;
				continue;
			}
		}
		if (c == 'm' && (c1 == 'b' || c1 == 'p' || c1 == 'm') && c1 != '\0') {
			out += "ん";
			i += 1;
			continue;
		}
		if (IsConsonant(c) && c != 'n' && (c1 == c || (c == 't' && c1 == 'c' && c2 == 'h'))) {
			out += "っ"; /* sokuon */
			i += 1;
			continue;
		}
		const char *kana = nullptr;
		size_t len = 0;
		for (size_t l = 4; l >= 1; l--) {
			if (i + l <= n && (kana = Lookup(std::string_view(in).substr(i, l))) != nullptr) {
				len = l;
				break;
			}
		}
		if (kana) {
			out += kana;
			i += len;
		} else {
			out.push_back(c);
			latin_left = true;
			i += 1;
		}
	}
	if (complete)
		*complete = !latin_left;
	return out;
}

}  // namespace shinjp::ts
