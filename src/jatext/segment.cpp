/*
 * segment.cpp — ICU word segmentation with Japanese token types and rules (see segment.hpp).
 *
 * Pipeline: ICU word boundaries over UTF-8 in place → classify each ICU word by the scripts of its
 * characters → rules that merge or split ICU words → length cap at grapheme boundaries → sink.
 */
#include "core_only.hpp"

#include "jatext/segment.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <unicode/uversion.h>

namespace shinjp::ts {

namespace {

struct TypeInfo {
	const char *alias;
	const char *description;
	bool word;
};

/* Indexed by lexid; entries without an alias are unused ids. */
const TypeInfo kTypes[kTokMaxId + 1] = {
	{nullptr, nullptr, false},
	{"kanji", "Word of kanji (ideographs)", true},
	{"hiragana", "Word of hiragana", true},
	{"katakana", "Word of katakana", true},
	{"mixed", "Word mixing kanji and kana", true},
	{nullptr, nullptr, false},
	{"latin", "Word of Latin letters", true},
	{nullptr, nullptr, false},
	{nullptr, nullptr, false},
	{"number", "Number", true},
	{"alnum", "Word of Latin letters and digits", true},
	{"otherword", "Word in another script", true},
	{"blank", "Space or control characters", false},
	{nullptr, nullptr, false},
	{nullptr, nullptr, false},
	{nullptr, nullptr, false},
	{nullptr, nullptr, false},
	{nullptr, nullptr, false},
	{"emoji", "Emoji", true},
	{"symbol", "Punctuation or symbol", false},
};

/* Character classes, as bits, so a token's class set is an OR. */
enum CharClass : unsigned {
	kCHan = 1u << 0,
	kCHira = 1u << 1,
	kCKata = 1u << 2,
	kCProlong = 1u << 3, /* ー ｰ: kana-neutral */
	kCLatin = 1u << 4,
	kCDigit = 1u << 5,
	kCOtherLetter = 1u << 6,
	kCEmoji = 1u << 7,
	kCSymbol = 1u << 8,
	kCSpace = 1u << 9,
	kCExtend = 1u << 10, /* combining marks, variation selectors, ZWJ: class-neutral */
	kCInvalid = 1u << 11,
};

unsigned
ClassOf(UChar32 c)
{
	if (c < 0)
		return kCInvalid;
	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return kCLatin;
		if (c >= '0' && c <= '9')
			return kCDigit;
		if (c <= 0x20 || c == 0x7f)
			return kCSpace;
		return kCSymbol;
	}
	/* fast paths for the common Japanese blocks */
	if (c >= 0x3041 && c <= 0x3096)
		return kCHira;
	if (c >= 0x30A1 && c <= 0x30FA)
		return kCKata;
	if (c >= 0x4E00 && c <= 0x9FFF)
		return kCHan;
	if (c == 0x30FC || c == 0xFF70)
		return kCProlong;
	if ((c >= 0x3099 && c <= 0x309C) || c == 0xFF9E || c == 0xFF9F) /* (semi-)voiced sound marks */
		return kCExtend;
	if (c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
		return kCExtend;
	int8_t cat = u_charType(c);
	switch (cat) {
		case U_NON_SPACING_MARK:
		case U_ENCLOSING_MARK:
		case U_COMBINING_SPACING_MARK:
			return kCExtend;
		case U_DECIMAL_DIGIT_NUMBER:
		case U_LETTER_NUMBER:
		case U_OTHER_NUMBER:
			return kCDigit;
		case U_CONTROL_CHAR:
		case U_SPACE_SEPARATOR:
		case U_LINE_SEPARATOR:
		case U_PARAGRAPH_SEPARATOR:
			return kCSpace;
		default:
			break;
	}
	if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR) ||
	    u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER))
		return kCEmoji;
	if (cat == U_FORMAT_CHAR)
		return kCExtend;
	UErrorCode status = U_ZERO_ERROR;
	UScriptCode script = uscript_getScript(c, &status);
	if (script == USCRIPT_HAN)
		return kCHan;
	if (script == USCRIPT_HIRAGANA)
		return kCHira;
	if (script == USCRIPT_KATAKANA)
		return kCKata;
	if (u_isalpha(c)) {
		if (script == USCRIPT_LATIN)
			return kCLatin;
		return kCOtherLetter;
	}
	if (u_isUWhiteSpace(c))
		return kCSpace;
	return kCSymbol;
}

/* The token type of a set of character classes. */
int
TypeOf(unsigned cls)
{
	const unsigned kana = kCHira | kCKata | kCProlong;
	unsigned core = cls & ~kCExtend;
	if (core == 0)
		return (cls & kCExtend) ? kTokSymbol : kTokSpace;
	if (core & kCEmoji) {
		if ((core & ~(kCEmoji | kCSymbol | kCDigit)) == 0)
			return kTokEmoji;
	}
	if ((core & ~kCSpace) == 0)
		return kTokSpace;
	if (core & (kCHan | kCHira | kCKata)) {
		if ((core & ~(kCHan | kana)) != 0) /* Japanese with anything else */
			return kTokMixed;
		if (core == kCHan)
			return kTokKanji;
		if ((core & ~(kCHira | kCProlong)) == 0)
			return kTokHiragana;
		if ((core & ~(kCKata | kCProlong)) == 0)
			return kTokKatakana;
		return kTokMixed;
	}
	if (core == kCProlong)
		return kTokKatakana;
	if (core & kCOtherLetter)
		return kTokOtherWord;
	bool latin = core & kCLatin, digit = core & kCDigit;
	if (latin && digit)
		return kTokAlnum;
	if (latin)
		return kTokLatin;
	if (digit)
		return kTokNumber;
	if (core & kCEmoji)
		return kTokEmoji;
	return kTokSymbol;
}

/* Process-wide ICU word break iterator, opened on first use (no static constructors). */
UBreakIterator *g_word_iterator = nullptr;

UBreakIterator *
WordIterator()
{
	if (g_word_iterator == nullptr) {
		UErrorCode status = U_ZERO_ERROR;
		UBreakIterator *bi = ubrk_open(UBRK_WORD, "ja", nullptr, 0, &status);
		if (U_FAILURE(status) || bi == nullptr)
			throw Error(sqlstate::kInternalError, std::string("could not open ICU word break iterator: ") +
			                                          u_errorName(status));
		g_word_iterator = bi;
	}
	return g_word_iterator;
}

/* Closes a stack UText however Segment() is left. */
struct UTextCloser {
	UText *ut;
	~UTextCloser() { utext_close(ut); }
};

/* Rules see at most this many consecutive Japanese ICU words at once (bounded memory). */
constexpr std::size_t kMaxWindow = 256;

/* Does a grapheme cluster continue at byte offset `at` (so no cut may be made there)? */
bool
ContinuesCluster(std::string_view text, std::size_t at)
{
	if (at >= text.size())
		return false;
	int32_t i = static_cast<int32_t>(at);
	UChar32 c;
	U8_NEXT(reinterpret_cast<const uint8_t *>(text.data()), i, static_cast<int32_t>(text.size()), c);
	if (c < 0)
		return false;
	int gcb = u_getIntPropertyValue(c, UCHAR_GRAPHEME_CLUSTER_BREAK);
	return gcb == U_GCB_EXTEND || gcb == U_GCB_ZWJ || gcb == U_GCB_SPACING_MARK;
}

/* Emits pieces after the rules, cutting words longer than max_token_bytes. */
class Emitter {
  public:
	Emitter(std::string_view text, TokenSink &sink, std::size_t max_bytes) : text_(text), sink_(sink), max_(max_bytes)
	{
	}

	void Emit(std::size_t begin, std::size_t end, int type)
	{
		while (end - begin > max_) {
			std::size_t cut = begin + max_;
			/* back up to a code point start, then to a grapheme cluster start */
			while (cut > begin && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80)
				cut--;
			std::size_t cp_cut = cut;
			while (cut > begin && ContinuesCluster(text_, cut)) {
				cut--;
				while (cut > begin && (static_cast<unsigned char>(text_[cut]) & 0xC0) == 0x80)
					cut--;
			}
			if (cut == begin) /* one cluster longer than the cap: cut at the code point */
				cut = cp_cut;
			if (cut == begin) /* cannot happen with max_ >= 4 */
				cut = begin + max_;
			sink_.Emit(begin, cut, type);
			begin = cut;
		}
		if (end > begin)
			sink_.Emit(begin, end, type);
	}

  private:
	std::string_view text_;
	TokenSink &sink_;
	std::size_t max_;
};

/*
 * Hiragana words ICU's dictionary keeps whole but that are several short-unit words (function
 * words and auxiliaries); "|" marks the cuts.  Measured on UD Japanese-GSD dev: every entry here
 * raises word F1 (test/bench/jatext_parser.sh).
 */
constexpr const char *const kSplitHiragana[] = {
	"し|た", "し|て", "っ|て", "っ|た", "て|い", "て|いる", "て|いた", "と|し|て", "で|は", "で|も", "に|は",
	"と|いう", "と|いっ|た", "の|で", "な|の|で", "に|よる", "に|より", "に|よっ|て", "に|つい|て", "き|た",
	"です|が", "だ|が", "だ|けど", "こと|に", "と|なり", "と|なる", "と|なっ|た", "と|とも|に", "まし|た",
	"ませ|ん", "でし|た", "だっ|た", "なっ|た", "なっ|て", "た|ん", "た|より", "もの|の", "で|あり", "で|ある",
	"と|して", "に|おい|て", "に|おける", "に|対し", "から|は", "まで|に", "と|か", "な|ど|の",
	"に|とっ|て", "に|まつわる", "あり|ま", "に|対し|て", "に|関し", "に|関する", "に|関して",
	"その|後", "中|で|も", "一|つ", "ん|で", "て|く", "に|かけ|て",
};

/* Case particles that ICU glues to a preceding kanji word (共に, 時に) or a following one (に関し). */
constexpr const char *const kParticles[] = {"に", "は", "を", "が", "の", "と", "で", "も", "へ"};

/* A window of ICU words between two non-Japanese tokens, rewritten by the rules. */
struct Span {
	std::size_t begin;
	std::size_t end;
	unsigned cls = 0; /* class set of the span's characters, 0 until computed */
};

bool
StartsWith(std::string_view s, std::size_t at, std::string_view prefix)
{
	return s.compare(at, prefix.size(), prefix) == 0;
}

/* The class set of text[b, e). */
unsigned
ClassesOf(std::string_view text, std::size_t b, std::size_t e, std::size_t *chars)
{
	const auto *bytes = reinterpret_cast<const uint8_t *>(text.data());
	unsigned cls = 0;
	std::size_t n = 0;
	for (int32_t i = static_cast<int32_t>(b); i < static_cast<int32_t>(e);) {
		UChar32 c;
		U8_NEXT(bytes, i, static_cast<int32_t>(e), c);
		cls |= ClassOf(c);
		n++;
	}
	if (chars)
		*chars = n;
	return cls;
}

/* The class set of a span, computed once. */
unsigned
Cls(std::string_view text, Span &s)
{
	if (s.cls == 0)
		s.cls = ClassesOf(text, s.begin, s.end, nullptr);
	return s.cls;
}

constexpr std::size_t kKanaBytes = 3; /* every hiragana is 3 bytes in UTF-8 */

/* The longest kSplitHiragana entry without its bars, in bytes. */
constexpr std::size_t kMaxSplitBytes = 5 * kKanaBytes;

/* Is `entry` with its "|" removed equal to `word`? */
bool
MatchesWithoutBars(const char *entry, std::string_view word)
{
	if (word.size() < kKanaBytes || std::memcmp(entry, word.data(), kKanaBytes) != 0)
		return false; /* quick reject on the first kana (every entry starts with one) */
	std::size_t i = 0;
	for (const char *p = entry; *p; p++) {
		if (*p == '|')
			continue;
		if (i >= word.size() || word[i] != *p)
			return false;
		i++;
	}
	return i == word.size();
}

/* A 12-bit key of a 3-byte UTF-8 character (its two continuation bytes). */
constexpr unsigned
FirstCharKey(const char *s)
{
	return (static_cast<unsigned>(static_cast<unsigned char>(s[1]) & 0x3F) << 6) |
	       (static_cast<unsigned>(static_cast<unsigned char>(s[2]) & 0x3F));
}

/* Which first characters start some kSplitHiragana entry: skips the table scan for most words. */
struct FirstCharSet {
	bool key[4096] = {};
	constexpr FirstCharSet()
	{
		for (const char *entry : kSplitHiragana)
			key[FirstCharKey(entry)] = true;
	}
};
constexpr FirstCharSet kSplitFirstChars{};

/* Rule 1: split hiragana function-word compounds by kSplitHiragana. */
void
SplitCompounds(std::string_view text, std::vector<Span> &w, std::vector<Span> &out)
{
	out.clear();
	out.reserve(w.size() + 8);
	for (const Span &s : w) {
		std::string_view word = text.substr(s.begin, s.end - s.begin);
		const char *parts = nullptr;
		if (word.size() <= kMaxSplitBytes && word.size() % kKanaBytes == 0 && word.size() > kKanaBytes &&
		    kSplitFirstChars.key[FirstCharKey(word.data())])
			for (const char *entry : kSplitHiragana)
				if (MatchesWithoutBars(entry, word)) {
					parts = entry;
					break;
				}
		if (parts == nullptr) {
			out.push_back(s);
			continue;
		}
		std::size_t at = s.begin;
		for (const char *p = parts; *p;) {
			const char *bar = p;
			while (*bar && *bar != '|')
				bar++;
			out.push_back({at, at + static_cast<std::size_t>(bar - p)});
			at += static_cast<std::size_t>(bar - p);
			p = *bar ? bar + 1 : bar;
		}
	}
	w.swap(out);
}

/*
 * Rule 2: a word never starts with the small tsu っ (sokuon): it closes the previous word
 * (背負|っ|た → 背負っ|た, な|っ|た → なっ|た).  Rule 3: the polite auxiliary ます/ました/ません
 * that ICU cuts after ま (ま|した, ま|せん) is rejoined as ます/まし/ませ.
 */
void
JoinSokuon(std::string_view text, std::vector<Span> &w, std::vector<Span> &out)
{
	out.clear();
	out.reserve(w.size());
	for (const Span &s0 : w) {
		Span s = s0;
		if (!out.empty() && out.back().end == s.begin) {
			Span &prev = out.back();
			unsigned prev_cls = Cls(text, prev);
			bool prev_ja = (prev_cls & ~(kCHan | kCHira | kCExtend)) == 0 && prev_cls != 0;
			if (prev_ja && StartsWith(text, s.begin, "っ")) {
				prev.end += kKanaBytes;
				s.begin += kKanaBytes;
				prev.cls = s.cls = 0;
			} else if (prev.end - prev.begin == kKanaBytes && StartsWith(text, prev.begin, "ら") &&
			           s.end - s.begin == kKanaBytes && StartsWith(text, s.begin, "れ")) {
				prev.end += kKanaBytes; /* ら|れ → られ (passive/potential auxiliary) */
				s.begin += kKanaBytes;
				prev.cls = s.cls = 0;
			} else if (prev.end - prev.begin == kKanaBytes && StartsWith(text, prev.begin, "ま") &&
			           (StartsWith(text, s.begin, "し") || StartsWith(text, s.begin, "せ") ||
			            StartsWith(text, s.begin, "す"))) {
				prev.end += kKanaBytes;
				s.begin += kKanaBytes;
				prev.cls = s.cls = 0;
			}
		}
		if (s.end > s.begin)
			out.push_back(s);
	}
	w.swap(out);
}

bool
IsParticleAt(std::string_view text, std::size_t at)
{
	for (const char *p : kParticles)
		if (StartsWith(text, at, p))
			return true;
	return false;
}

/*
 * Rule 6: cut a case particle off a word of kanji: kanji + one particle (共に → 共|に, 時に → 時|に),
 * or に + kanji... (に関し → に|関し).
 */
void
CutParticles(std::string_view text, std::vector<Span> &w, std::vector<Span> &out)
{
	out.clear();
	out.reserve(w.size() + 4);
	for (const Span &s : w) {
		std::size_t len = s.end - s.begin;
		if (len > kKanaBytes && len % kKanaBytes == 0) {
			std::size_t tail = s.end - kKanaBytes;
			if (IsParticleAt(text, tail) && ClassesOf(text, s.begin, tail, nullptr) == kCHan) {
				out.push_back({s.begin, tail});
				out.push_back({tail, s.end});
				continue;
			}
			std::size_t head = s.begin + kKanaBytes;
			if (StartsWith(text, s.begin, "に") && (ClassesOf(text, head, head + kKanaBytes, nullptr) == kCHan)) {
				out.push_back({s.begin, head});
				out.push_back({head, s.end});
				continue;
			}
		}
		out.push_back(s);
	}
	w.swap(out);
}

/* Kanji numerals, which take counters rather than okurigana (一|つ stays apart). */
constexpr char kKanjiNumerals[] = "一二三四五六七八九十百千万何幾";
/* A-row kana that end a verb stem before the passive れ (わ か さ た ま ば が ら). */
constexpr char kPassiveStems[] = "わかさたまばがら";

/* Kanji that end a three-kanji compound as a suffix word (審判員 → 審判|員, 弁護士 → 弁護|士). */
constexpr char kKanjiSuffixes[] = "員者的性化家所士長官県市区町村省庁局部課科室館場法論学業式型系製用中後前内外間上下側版党会団校線駅語人";
/* Kanji that start a three-kanji compound as a prefix word (元首相 → 元|首相, 全世界 → 全|世界). */
constexpr char kKanjiPrefixes[] = "元前各全新旧第同不非未無超再副総最";

bool
InKanjiList(const char *list, std::string_view text, std::size_t at)
{
	for (const char *p = list; *p; p += kKanaBytes)
		if (text.compare(at, kKanaBytes, p, kKanaBytes) == 0)
			return true;
	return false;
}

/*
 * Rule 7: a one-kanji word followed by one hiragana that is not a particle is a verb or adjective
 * stem with its okurigana (食|べ → 食べ, 貫|き → 貫き).
 */
void
JoinOkurigana(std::string_view text, std::vector<Span> &w, std::vector<Span> &out)
{
	out.clear();
	out.reserve(w.size());
	for (Span &s0 : w) {
		Span s = s0;
		if (!out.empty() && out.back().end == s.begin && out.back().end - out.back().begin == kKanaBytes &&
		    Cls(text, out.back()) == kCHan && !InKanjiList(kKanjiNumerals, text, out.back().begin) &&
		    Cls(text, s) == kCHira) {
			std::size_t len = s.end - s.begin;
			if (len == kKanaBytes && !IsParticleAt(text, s.begin) && !StartsWith(text, s.begin, "や") &&
			    !StartsWith(text, s.begin, "か") && !StartsWith(text, s.begin, "な")) {
				out.back().end = s.end; /* 食|べ → 食べ */
				out.back().cls = 0;
				continue;
			}
			if (len == 2 * kKanaBytes && StartsWith(text, s.begin + kKanaBytes, "れ") &&
			    InKanjiList(kPassiveStems, text, s.begin)) {
				out.back().end += kKanaBytes; /* 行|われ → 行わ|れ (passive after an a-row ending) */
				out.back().cls = 0;
				s.begin += kKanaBytes;
				s.cls = 0;
			}
		}
		out.push_back(s);
	}
	w.swap(out);
}

/* Rule 4: Latin letters and digits are separate words (ALL999 → ALL|999, 3cm → 3|cm). */
void
SplitAlnum(std::string_view text, const Span &s, std::vector<Span> &out)
{
	const auto *bytes = reinterpret_cast<const uint8_t *>(text.data());
	std::size_t start = s.begin;
	unsigned last = 0;
	for (int32_t i = static_cast<int32_t>(s.begin); i < static_cast<int32_t>(s.end);) {
		int32_t at = i;
		UChar32 c;
		U8_NEXT(bytes, i, static_cast<int32_t>(s.end), c);
		unsigned cls = ClassOf(c);
		if (cls != kCLatin && cls != kCDigit)
			continue;
		if (last != 0 && cls != last && static_cast<std::size_t>(at) > start) {
			out.push_back({start, static_cast<std::size_t>(at)});
			start = static_cast<std::size_t>(at);
		}
		last = cls;
	}
	out.push_back({start, s.end});
}


/*
 * Rule 5: a word of four kanji is two words of two (意気投合 → 意気|投合); a word of three kanji whose
 * last (first) kanji is a common suffix (prefix) loses it (弁護士 → 弁護|士, 元首相 → 元|首相).
 */
void
SplitKanjiCompounds(std::string_view text, std::vector<Span> &w, std::vector<Span> &out)
{
	out.clear();
	out.reserve(w.size() + 4);
	for (Span &s : w) {
		std::size_t chars = 0;
		std::size_t len = s.end - s.begin;
		if ((len == 12 || len == 9) && Cls(text, s) == kCHan)
			ClassesOf(text, s.begin, s.end, &chars); /* BMP kanji only, not supplementary ones */
		if (chars == 4 && len == 12) {
			out.push_back({s.begin, s.begin + 6, kCHan});
			out.push_back({s.begin + 6, s.end, kCHan});
		} else if (chars == 3 && len == 9 && InKanjiList(kKanjiSuffixes, text, s.begin + 6)) {
			out.push_back({s.begin, s.begin + 6, kCHan});
			out.push_back({s.begin + 6, s.end, kCHan});
		} else if (chars == 3 && len == 9 && InKanjiList(kKanjiPrefixes, text, s.begin)) {
			out.push_back({s.begin, s.begin + 3, kCHan});
			out.push_back({s.begin + 3, s.end, kCHan});
		} else
			out.push_back(s);
	}
	w.swap(out);
}

bool
IsJapaneseType(int type)
{
	return type == kTokKanji || type == kTokHiragana || type == kTokKatakana || type == kTokMixed;
}

/* Flush a window of Japanese ICU words through the rules into the emitter. */
template <class Out>
void
FlushWindow(std::string_view text, std::vector<Span> &w, std::vector<Span> &scratch, bool rules, Out &&emit)
{
	if (rules) {
		SplitCompounds(text, w, scratch);
		CutParticles(text, w, scratch);
		JoinSokuon(text, w, scratch);
		JoinOkurigana(text, w, scratch);
		SplitKanjiCompounds(text, w, scratch);
	}
	for (Span &s : w)
		emit(s.begin, s.end, TypeOf(Cls(text, s)));
	w.clear();
}

}  // namespace

const int kTokenTypes[] = {kTokKanji,  kTokHiragana, kTokKatakana, kTokMixed, kTokLatin, kTokNumber,
                           kTokAlnum,  kTokOtherWord, kTokSpace,   kTokEmoji, kTokSymbol, 0};

const char *
TokenAlias(int type) noexcept
{
	return type >= 1 && type <= kTokMaxId ? kTypes[type].alias : nullptr;
}

const char *
TokenDescription(int type) noexcept
{
	return type >= 1 && type <= kTokMaxId ? kTypes[type].description : nullptr;
}

bool
IsWordType(int type) noexcept
{
	return type >= 1 && type <= kTokMaxId && kTypes[type].word;
}

const char *
IcuVersion() noexcept
{
	return U_ICU_VERSION;
}

void
Segment(std::string_view text, TokenSink &sink, const SegmentOptions &options)
{
	if (text.empty())
		return;
	if (text.size() > 0x7fffffffu)
		throw Error(sqlstate::kProgramLimitExceeded, "text is too long to segment",
		            "The text has " + std::to_string(text.size()) + " bytes.",
		            "Segment texts of at most 2147483647 bytes.");
	std::size_t max_bytes = options.max_token_bytes;
	if (max_bytes < 4 || max_bytes > kMaxTokenBytes)
		max_bytes = kMaxTokenBytes;

	UBreakIterator *bi = WordIterator();
	UErrorCode status = U_ZERO_ERROR;
	UText ut = UTEXT_INITIALIZER;
	utext_openUTF8(&ut, text.data(), static_cast<int64_t>(text.size()), &status);
	if (U_FAILURE(status))
		throw Error(sqlstate::kInternalError, std::string("could not open ICU text: ") + u_errorName(status));
	UTextCloser closer{&ut};
	ubrk_setUText(bi, &ut, &status);
	if (U_FAILURE(status))
		throw Error(sqlstate::kInternalError, std::string("could not segment text with ICU: ") + u_errorName(status));

	Emitter out(text, sink, max_bytes);

	/* Japanese ICU words are collected into a window (up to a non-Japanese token) for the rules */
	std::vector<Span> window, scratch; /* the rules alternate between the two buffers */
	window.reserve(kMaxWindow);
	scratch.reserve(kMaxWindow);
	auto emit = [&](std::size_t b, std::size_t e, int type) { out.Emit(b, e, type); };

	int32_t prev = ubrk_first(bi);
	unsigned long count = 0;
	for (int32_t next = ubrk_next(bi); next != UBRK_DONE; prev = next, next = ubrk_next(bi)) {
		if ((++count & 0xfff) == 0)
			CheckInterrupts();
		Span s{static_cast<std::size_t>(prev), static_cast<std::size_t>(next)};
		int type = TypeOf(Cls(text, s));
		if (IsJapaneseType(type)) {
			window.push_back(s);
			if (window.size() >= kMaxWindow)
				FlushWindow(text, window, scratch, options.rules, emit);
			continue;
		}
		FlushWindow(text, window, scratch, options.rules, emit);
		if (options.rules && type == kTokAlnum) {
			std::vector<Span> parts;
			SplitAlnum(text, s, parts);
			for (const Span &p : parts)
				out.Emit(p.begin, p.end, TypeOf(ClassesOf(text, p.begin, p.end, nullptr)));
			continue;
		}
		out.Emit(s.begin, s.end, type);
	}
	FlushWindow(text, window, scratch, options.rules, emit);
}

}  // namespace shinjp::ts
