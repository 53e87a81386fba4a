// Unit tests of src/jatext/romaji: Hepburn, Kunrei, wāpuro spellings and the IME rules.
#include <gtest/gtest.h>

#include "jatext/normalize.hpp"
#include "jatext/romaji.hpp"

using shinjp::ts::RomajiToKana;

namespace {

TEST(JaRomaji, IssueExamples)
{
	EXPECT_EQ(RomajiToKana("konnichiha"), "こんにちは");
	EXPECT_EQ(RomajiToKana("toukyou"), "とうきょう");
	EXPECT_EQ(RomajiToKana("konpyu-ta-"), "こんぴゅーたー");
	EXPECT_EQ(shinjp::ts::Normalize(RomajiToKana("konpyu-ta-")), shinjp::ts::Normalize("コンピューター"));
}

TEST(JaRomaji, HepburnAndKunrei)
{
	EXPECT_EQ(RomajiToKana("shinbun"), "しんぶん");
	EXPECT_EQ(RomajiToKana("sinbun"), "しんぶん");
	EXPECT_EQ(RomajiToKana("shimbun"), "しんぶん");
	EXPECT_EQ(RomajiToKana("chiizu"), "ちいず");
	EXPECT_EQ(RomajiToKana("tiizu"), "ちいず");
	EXPECT_EQ(RomajiToKana("tsukue"), "つくえ");
	EXPECT_EQ(RomajiToKana("tukue"), "つくえ");
	EXPECT_EQ(RomajiToKana("fuji"), "ふじ");
	EXPECT_EQ(RomajiToKana("huzi"), "ふじ");
	EXPECT_EQ(RomajiToKana("shashin"), "しゃしん");
	EXPECT_EQ(RomajiToKana("syasin"), "しゃしん");
	EXPECT_EQ(RomajiToKana("jisho"), "じしょ");
	EXPECT_EQ(RomajiToKana("zisyo"), "じしょ");
	EXPECT_EQ(RomajiToKana("ocha"), "おちゃ");
	EXPECT_EQ(RomajiToKana("otya"), "おちゃ");
	EXPECT_EQ(RomajiToKana("hanaji"), "はなじ");
	EXPECT_EQ(RomajiToKana("hanadi"), "はなぢ");
	EXPECT_EQ(RomajiToKana("tsuduku"), "つづく");
	EXPECT_EQ(RomajiToKana("wo"), "を");
	EXPECT_EQ(RomajiToKana("TOUKYOU"), "とうきょう");
	EXPECT_EQ(RomajiToKana("tōkyō"), "とうきょう");
	EXPECT_EQ(RomajiToKana("Tōkyō"), "とうきょう");
}

TEST(JaRomaji, NRules)
{
	EXPECT_EQ(RomajiToKana("nihon"), "にほん");
	EXPECT_EQ(RomajiToKana("kanna"), "かんな");
	EXPECT_EQ(RomajiToKana("konnnichiha"), "こんにちは");
	EXPECT_EQ(RomajiToKana("kan'i"), "かんい");
	EXPECT_EQ(RomajiToKana("kani"), "かに");
	EXPECT_EQ(RomajiToKana("kinyoubi"), "きにょうび");
	EXPECT_EQ(RomajiToKana("kin'youbi"), "きんようび");
	EXPECT_EQ(RomajiToKana("hon'ya"), "ほんや");
	EXPECT_EQ(RomajiToKana("sanpo"), "さんぽ");
	EXPECT_EQ(RomajiToKana("nn"), "ん");
	EXPECT_EQ(RomajiToKana("n"), "ん");
}

TEST(JaRomaji, SokuonAndSmallKana)
{
	EXPECT_EQ(RomajiToKana("kitte"), "きって");
	EXPECT_EQ(RomajiToKana("matcha"), "まっちゃ");
	EXPECT_EQ(RomajiToKana("macchi"), "まっち");
	EXPECT_EQ(RomajiToKana("zasshi"), "ざっし");
	EXPECT_EQ(RomajiToKana("kippu"), "きっぷ");
	EXPECT_EQ(RomajiToKana("xa"), "ぁ");
	EXPECT_EQ(RomajiToKana("la"), "ぁ");
	EXPECT_EQ(RomajiToKana("xtu"), "っ");
	EXPECT_EQ(RomajiToKana("ltsu"), "っ");
	EXPECT_EQ(RomajiToKana("xya"), "ゃ");
	EXPECT_EQ(RomajiToKana("xwa"), "ゎ");
	EXPECT_EQ(RomajiToKana("xka"), "ゕ");
}

TEST(JaRomaji, WapuroSpellings)
{
	EXPECT_EQ(RomajiToKana("dhisuku"), "でぃすく");
	EXPECT_EQ(RomajiToKana("thi-"), "てぃー");
	EXPECT_EQ(RomajiToKana("vaiorin"), "ゔぁいおりん");
	EXPECT_EQ(RomajiToKana("ve"), "ゔぇ");
	EXPECT_EQ(RomajiToKana("tsa"), "つぁ");
	EXPECT_EQ(RomajiToKana("fairu"), "ふぁいる");
	EXPECT_EQ(RomajiToKana("twu"), "とぅ");
	EXPECT_EQ(RomajiToKana("wi"), "うぃ");
	EXPECT_EQ(RomajiToKana("she-ku"), "しぇーく");
	EXPECT_EQ(RomajiToKana("ca"), "か");
}

TEST(JaRomaji, CompletenessAndPassThrough)
{
	bool complete = false;
	EXPECT_EQ(RomajiToKana("sushi", &complete), "すし");
	EXPECT_TRUE(complete);
	EXPECT_EQ(RomajiToKana("xyz", &complete), "xyz");
	EXPECT_FALSE(complete);
	EXPECT_EQ(RomajiToKana("street", &complete), "stれえt");
	EXPECT_FALSE(complete);
	EXPECT_EQ(RomajiToKana("東京 tokyo 123", &complete), "東京 ときょ 123");
	EXPECT_TRUE(complete);
	EXPECT_EQ(RomajiToKana("", &complete), "");
	EXPECT_TRUE(complete);
	EXPECT_EQ(RomajiToKana("\xFF", &complete), "\xFF");
}

}  // namespace
