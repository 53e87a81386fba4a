// Unit tests of src/jatext/segment.cpp: token types, the SUW rules, tiling, the length cap.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core.hpp"
#include "jatext/segment.hpp"

namespace {

using shinjp::ts::Segment;

struct Tok {
	std::string text;
	int type;
	bool operator==(const Tok &o) const { return text == o.text && type == o.type; }
};

struct Collect : shinjp::ts::TokenSink {
	std::string_view src;
	std::vector<Tok> toks;
	std::vector<std::pair<size_t, size_t>> spans;
	void Emit(size_t b, size_t e, int type) override
	{
		toks.push_back({std::string(src.substr(b, e - b)), type});
		spans.emplace_back(b, e);
	}
};

Collect
SegmentAll(std::string_view text, bool rules = true)
{
	Collect c;
	c.src = text;
	shinjp::ts::SegmentOptions o;
	o.rules = rules;
	Segment(text, c, o);
	return c;
}

std::string
Joined(const Collect &c)
{
	std::string s;
	for (const Tok &t : c.toks)
		s += t.text + "|";
	return s;
}

TEST(JaParserSegment, EmptyInputHasNoTokens)
{
	EXPECT_TRUE(SegmentAll("").toks.empty());
}

TEST(JaParserSegment, TokensTileTheInput)
{
	std::string text = "東京都の京都タワーで、ABCと１２３😀 \t\x01end";
	Collect c = SegmentAll(text);
	size_t at = 0;
	for (auto &sp : c.spans) {
		EXPECT_EQ(sp.first, at);
		EXPECT_LT(sp.first, sp.second);
		at = sp.second;
	}
	EXPECT_EQ(at, text.size());
}

TEST(JaParserSegment, ScriptTypes)
{
	Collect c = SegmentAll("京都 これ カタカナ Tokyo 2024 😀 。 한국어");
	std::vector<int> words;
	for (const Tok &t : c.toks)
		if (t.type != shinjp::ts::kTokSpace)
			words.push_back(t.type);
	std::vector<int> want = {shinjp::ts::kTokKanji,  shinjp::ts::kTokHiragana, shinjp::ts::kTokKatakana,
	                         shinjp::ts::kTokLatin,  shinjp::ts::kTokNumber,   shinjp::ts::kTokEmoji,
	                         shinjp::ts::kTokSymbol, shinjp::ts::kTokOtherWord};
	EXPECT_EQ(words, want);
}

TEST(JaParserSegment, RulesSplitFunctionWordsAndJoinSokuon)
{
	EXPECT_EQ(Joined(SegmentAll("背負った")), "背負っ|た|");
	EXPECT_EQ(Joined(SegmentAll("京都では")), "京都|で|は|");
	EXPECT_EQ(Joined(SegmentAll("ALL999")), "ALL|999|");
	/* ICU alone keeps them */
	EXPECT_EQ(Joined(SegmentAll("京都では", false)), "京都|では|");
}

TEST(JaParserSegment, FourKanjiCompoundSplitsInTwo)
{
	EXPECT_EQ(Joined(SegmentAll("意気投合")), "意気|投合|");
	EXPECT_EQ(Joined(SegmentAll("弁護士")), "弁護|士|");
	EXPECT_EQ(Joined(SegmentAll("元首相")), "元|首相|");
}

TEST(JaParserSegment, EmojiSequencesStayWhole)
{
	Collect c = SegmentAll("👨‍👩‍👧👍🏽");
	ASSERT_EQ(c.toks.size(), 2u);
	EXPECT_EQ(c.toks[0].type, shinjp::ts::kTokEmoji);
	EXPECT_EQ(c.toks[1].type, shinjp::ts::kTokEmoji);
}

TEST(JaParserSegment, CombiningMarksAndVariationSelectorsStayWithTheirBase)
{
	Collect c = SegmentAll("葛\xF3\xA0\x84\x80城");  // 葛 + VS17
	ASSERT_GE(c.toks.size(), 1u);
	EXPECT_EQ(c.toks[0].text.substr(0, 3), "葛");
	EXPECT_GE(c.toks[0].text.size(), 7u);
	Collect d = SegmentAll("e\xCC\x81t\xC3\xA9");
	ASSERT_EQ(d.toks.size(), 1u);
	EXPECT_EQ(d.toks[0].type, shinjp::ts::kTokLatin);
}

TEST(JaParserSegment, LongWordsAreCutAtCharacterBoundaries)
{
	std::string latin(1000, 'a');
	Collect c = SegmentAll(latin);
	ASSERT_EQ(c.toks.size(), 4u);
	for (const Tok &t : c.toks)
		EXPECT_LE(t.text.size(), shinjp::ts::kMaxTokenBytes);

	std::string kana;
	for (int i = 0; i < 500; i++)
		kana += "ア";
	for (const Tok &t : SegmentAll(kana).toks) {
		EXPECT_LE(t.text.size(), shinjp::ts::kMaxTokenBytes);
		EXPECT_EQ(t.text.size() % 3, 0u);
	}
	/* a cut never separates a base from its combining mark */
	std::string marked;
	for (int i = 0; i < 200; i++)
		marked += "e\xCC\x81";
	size_t total = 0;
	for (const Tok &t : SegmentAll(marked).toks) {
		EXPECT_NE(static_cast<unsigned char>(t.text[0]), 0xCC);
		total += t.text.size();
	}
	EXPECT_EQ(total, marked.size());
}

TEST(JaParserSegment, InvalidUtf8NeverReadsPastTheEnd)
{
	std::string bad = "\xE3\x81";  // truncated あ
	Collect c = SegmentAll(bad);
	size_t total = 0;
	for (auto &sp : c.spans)
		total += sp.second - sp.first;
	EXPECT_EQ(total, bad.size());
	std::string bad2 = "ab\xFF\xFE京都\xC0";
	Collect d = SegmentAll(bad2);
	total = 0;
	for (auto &sp : d.spans)
		total += sp.second - sp.first;
	EXPECT_EQ(total, bad2.size());
}

TEST(JaParserSegment, TokenTypeNames)
{
	EXPECT_STREQ(shinjp::ts::TokenAlias(shinjp::ts::kTokKanji), "kanji");
	EXPECT_STREQ(shinjp::ts::TokenAlias(shinjp::ts::kTokSpace), "blank");
	EXPECT_EQ(shinjp::ts::TokenAlias(5), nullptr);
	EXPECT_EQ(shinjp::ts::TokenAlias(0), nullptr);
	EXPECT_EQ(shinjp::ts::TokenAlias(99), nullptr);
	EXPECT_TRUE(shinjp::ts::IsWordType(shinjp::ts::kTokEmoji));
	EXPECT_FALSE(shinjp::ts::IsWordType(shinjp::ts::kTokSymbol));
}

bool g_cancel = false;
bool Cancel() { return g_cancel; }

TEST(JaParserSegment, LongTextsHonourInterrupts)
{
	std::string text;
	for (int i = 0; i < 20000; i++)
		text += "猫が";
	shinjp::g_cancel_pending = Cancel;
	g_cancel = true;
	Collect c;
	c.src = text;
	EXPECT_THROW(Segment(text, c), shinjp::Interrupted);
	g_cancel = false;
	Collect again = SegmentAll(text);  // the iterator is usable after an interrupted run
	EXPECT_EQ(again.toks.size(), 40000u);
	shinjp::g_cancel_pending = nullptr;
}

}  // namespace

namespace {

TEST(JaParserSegment, CaseParticlesAreCutOffKanjiWords)
{
	EXPECT_EQ(Joined(SegmentAll("行動を共にする")), "行動|を|共|に|する|");
	EXPECT_EQ(Joined(SegmentAll("使われた")), "使わ|れ|た|");
	EXPECT_EQ(Joined(SegmentAll("一つに")), "一|つ|に|");
	EXPECT_EQ(Joined(SegmentAll("経緯に関し")), "経緯|に|関し|");
}

}  // namespace

#include "jatext/tsquery_build.hpp"

namespace {

using shinjp::ts::BuildJaTsQuery;

TEST(JaParserTsQuery, WordsPhrasesNegationOr)
{
	EXPECT_EQ(BuildJaTsQuery("京都"), "('京都')");
	EXPECT_EQ(BuildJaTsQuery("京都 or 大阪 -東京"), "(('京都') | ('大阪')) & !('東京')");
	EXPECT_EQ(BuildJaTsQuery("\"京都では\""), "('京都' <-> 'で' <-> 'は')");
	EXPECT_EQ(BuildJaTsQuery("京都\xE3\x80\x80大阪"), "('京都') & ('大阪')");  // ideographic space separates
}

TEST(JaParserTsQuery, HiraganaTermsAlsoMatchTheirKatakanaSpelling)
{
	std::string q = BuildJaTsQuery("こんぴゅーたー");
	EXPECT_EQ(q, "('こんぴゅーたー')");
	EXPECT_EQ(BuildJaTsQuery("すし"), "('すし')");
}

TEST(JaParserTsQuery, RomajiTermsAlsoSearchTheirKana)
{
	EXPECT_EQ(BuildJaTsQuery("sushi"), "('sushi' | 'すし')");
	EXPECT_EQ(BuildJaTsQuery("konpyu-ta-"), "('konpyu' <-> 'ta' | 'こんぴゅーたー')");
	EXPECT_EQ(BuildJaTsQuery("xyz"), "('xyz')");        // not romaji: as typed only
	EXPECT_EQ(BuildJaTsQuery("raamen"), "('raamen')");  // kana falls apart: as typed only
}

TEST(JaParserTsQuery, EmptyAndSymbolOnlyQueries)
{
	EXPECT_EQ(BuildJaTsQuery(""), "");
	EXPECT_EQ(BuildJaTsQuery("   "), "");
	EXPECT_EQ(BuildJaTsQuery("「」！ or"), "");
	EXPECT_EQ(BuildJaTsQuery("\""), "");
	EXPECT_EQ(BuildJaTsQuery("-"), "");
}

TEST(JaParserTsQuery, OperandsAreQuoted)
{
	EXPECT_EQ(BuildJaTsQuery("it's"), "('it''s')");
}

TEST(JaParserLexemes, LongLexemesAreCutBelowPostgresLimit)
{
	std::vector<std::string> out;
	shinjp::ts::TokenLexemes(std::string(5000, 'A'), &out);
	ASSERT_EQ(out.size(), 3u);
	for (const std::string &l : out)
		EXPECT_LE(l.size(), shinjp::ts::kMaxLexemeBytes);
	EXPECT_EQ(out[0], std::string(2047, 'a'));
	out.clear();
	shinjp::ts::TokenLexemes("\xEF\xB8\x8F", &out);  // a lone variation selector normalises to nothing
	EXPECT_TRUE(out.empty());
}

}  // namespace
