// Unit tests of src/jatext/normalize: NFKC_Casefold, kana folding, dash/wave and iteration marks,
// whitespace, bad input, and the output→source offset map used for highlighting.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jatext/normalize.hpp"

using shinjp::ts::Normalize;

namespace {

TEST(JaNormalize, WidthCaseAndCompatibility)
{
	EXPECT_EQ(Normalize("ＡＢＣ abc ＸＹＺ"), "abc abc xyz");
	EXPECT_EQ(Normalize("１２３"), "123");
	EXPECT_EQ(Normalize("①②⑩"), "1210");
	EXPECT_EQ(Normalize("㍿"), "株式会社");
	EXPECT_EQ(Normalize("ｶﾞｯｺｳ"), "がっこう");
	EXPECT_EQ(Normalize("ﾊﾟﾝ"), "ぱん");
	EXPECT_EQ(Normalize("Straße"), "strasse");
	EXPECT_EQ(Normalize("ﬁ"), "fi");
}

TEST(JaNormalize, KatakanaFoldsToHiraganaKeepingLongVowel)
{
	EXPECT_EQ(Normalize("コンピューター"), "こんぴゅーたー");
	EXPECT_EQ(Normalize("ヴァイオリン"), "ゔぁいおりん");
	EXPECT_EQ(Normalize("ヵヶ"), "ゕゖ");
	EXPECT_EQ(Normalize("ひらがな"), "ひらがな");
	EXPECT_EQ(Normalize("ｺﾝﾋﾟｭｰﾀｰ"), "こんぴゅーたー");
}

TEST(JaNormalize, DashAndWaveAfterKanaReadAsLongVowel)
{
	EXPECT_EQ(Normalize("コンピュ―タ―"), "こんぴゅーたー");   // U+2015
	EXPECT_EQ(Normalize("ラ‐メン"), "らーめん");               // U+2010
	EXPECT_EQ(Normalize("ラ－メン"), "らーめん");               // U+FF0D
	EXPECT_EQ(Normalize("すご〜い"), "すごーい");               // U+301C
	EXPECT_EQ(Normalize("すご～い"), "すごーい");               // U+FF5E
	EXPECT_EQ(Normalize("すご~~い"), "すごーーい");
	EXPECT_EQ(Normalize("ラ-メン"), "らーめん");
	// after anything but kana a dash stays a dash (NFKC form)
	EXPECT_EQ(Normalize("1－2"), "1-2");
	EXPECT_EQ(Normalize("東京〜大阪"), "東京〜大阪");
	EXPECT_EQ(Normalize("-あ"), "-あ");
}

TEST(JaNormalize, IterationMarks)
{
	EXPECT_EQ(Normalize("いすゞ"), "いすず");
	EXPECT_EQ(Normalize("こゝろ"), "こころ");
	EXPECT_EQ(Normalize("ぶゝ"), "ぶふ");
	EXPECT_EQ(Normalize("ハヽ"), "はは");
	EXPECT_EQ(Normalize("ミスヾ"), "みすず");
	EXPECT_EQ(Normalize("人々"), "人々");
	EXPECT_EQ(Normalize("ゝ"), "ゝ");
	EXPECT_EQ(Normalize("漢ゝ"), "漢ゝ");
}

TEST(JaNormalize, WhitespaceControlsAndIgnorables)
{
	EXPECT_EQ(Normalize(""), "");
	EXPECT_EQ(Normalize("   "), " ");
	EXPECT_EQ(Normalize("東京\t\n　大阪"), "東京 大阪");
	EXPECT_EQ(Normalize("a\x01\x7f" "b"), "a b");
	EXPECT_EQ(Normalize("葛\xF3\xA0\x84\x80"), "葛");          // variation selector (IVS) removed
	EXPECT_EQ(Normalize("❤\xEF\xB8\x8F"), "❤");               // VS16 removed
	EXPECT_EQ(Normalize("😀"), "😀");
	EXPECT_EQ(Normalize("か\xE3\x82\x99"), "が");              // combining dakuten composes
	EXPECT_EQ(Normalize("e\xCC\x81"), "é");
	EXPECT_EQ(Normalize("\xFF\xFE" "a"), "\xEF\xBF\xBD\xEF\xBF\xBD" "a");  // invalid bytes → U+FFFD
	EXPECT_EQ(Normalize("\xE3\x81"), "\xEF\xBF\xBD\xEF\xBF\xBD");        // truncated sequence
}

TEST(JaNormalize, OffsetsMapEveryOutputByteToItsSourceCharacter)
{
	std::vector<uint32_t> off;
	std::string in = "ｶﾞｯｺｳ㍿X";
	std::string out = Normalize(in, &off);
	ASSERT_EQ(out, "がっこう株式会社x");
	ASSERT_EQ(off.size(), out.size());
	// が comes from ｶﾞ (bytes 0..5), っ from ｯ at 6, こ at 9, う at 12, 株式会社 from ㍿ at 15, x at 18
	EXPECT_EQ(off[0], 0u);
	EXPECT_EQ(off[2], 0u);
	EXPECT_EQ(off[3], 6u);
	EXPECT_EQ(off[6], 9u);
	EXPECT_EQ(off[9], 12u);
	for (size_t k = 12; k < 24; k++)
		EXPECT_EQ(off[k], 15u);
	EXPECT_EQ(off[24], 18u);
	// spans: "っこ" → "ｯｺ"; "式会" → the whole ㍿; "う株" → "ｳ㍿"
	auto span = shinjp::ts::SourceSpan(off, in.size(), 3, 9);
	EXPECT_EQ(in.substr(span.first, span.second - span.first), "ｯｺ");
	span = shinjp::ts::SourceSpan(off, in.size(), 15, 21);
	EXPECT_EQ(in.substr(span.first, span.second - span.first), "㍿");
	span = shinjp::ts::SourceSpan(off, in.size(), 9, 15);
	EXPECT_EQ(in.substr(span.first, span.second - span.first), "ｳ㍿");
	span = shinjp::ts::SourceSpan(off, in.size(), 24, 25);
	EXPECT_EQ(in.substr(span.first, span.second - span.first), "X");
}

TEST(JaNormalize, IdempotentOnSamples)
{
	const char *samples[] = {"ｶﾞｯｺｳ㍿", "コンピュ―タ―", "いすゞ ミスヾ", "Straße ①", "東京\t大阪", "すご〜い",
	                         "e\xCC\x81\xCC\x81\xCC\x81", "😀👍🏽"};
	for (const char *s : samples) {
		std::string once = Normalize(s);
		EXPECT_EQ(Normalize(once), once) << s;
	}
}

TEST(JaNormalize, LongInputAndManyCombiningMarks)
{
	std::string big;
	for (int i = 0; i < 200000; i++)
		big += "ア";
	std::string out = Normalize(big);
	EXPECT_EQ(out.size(), big.size());
	EXPECT_EQ(out.substr(0, 3), "あ");
	std::string marks = "a";
	for (int i = 0; i < 10000; i++)
		marks += "\xCC\x81";  // one chunk of 10,001 code points
	std::vector<uint32_t> off;
	out = Normalize(marks, &off);
	EXPECT_EQ(off.size(), out.size());
	EXPECT_EQ(off.back(), 0u);
}

}  // namespace
