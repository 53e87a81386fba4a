// Unit tests of src/jatext/substring: bigram keys, the query builder, ternary consistency with the
// exact evaluation, and highlighting.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "jatext/normalize.hpp"
#include "jatext/substring.hpp"

using shinjp::ts::SearchQuery;

namespace {

std::vector<uint8_t>
KeyState(const SearchQuery &q, const std::vector<int64_t> &doc_keys)
{
	std::vector<uint8_t> st;
	for (const auto &k : q.keys) {
		bool present = false;
		for (int64_t d : doc_keys)
			if (k.partial ? (d >> shinjp::ts::kKeyShift) == (k.key >> shinjp::ts::kKeyShift) : d == k.key)
				present = true;
		st.push_back(present ? shinjp::ts::kTrue : shinjp::ts::kFalse);
	}
	return st;
}

/* The index never says "no" to a matching row, and says "yes" without recheck only for matching rows. */
void
ExpectIndexAgrees(const SearchQuery &q, const std::string &doc)
{
	std::vector<int64_t> keys;
	shinjp::ts::TextKeys(doc, &keys);
	bool match = q.Matches(shinjp::ts::Normalize(doc));
	auto st = KeyState(q, keys);
	auto c = q.Consistent(st.data());
	if (match) {
		EXPECT_NE(c, shinjp::ts::kFalse) << q.ToString() << " on " << doc;
	}
	if (c == shinjp::ts::kTrue) {
		EXPECT_TRUE(match) << q.ToString() << " on " << doc;
	}
	// a 1- or 2-character needle on its own is decided by the index: no recheck
	if (match && q.clauses.size() == 1 && q.clauses[0].size() == 1 && !q.clauses[0][0].negated &&
	    q.clauses[0][0].alts.size() == 1 && q.clauses[0][0].alts[0].exact && !q.keys.empty()) {
		EXPECT_EQ(c, shinjp::ts::kTrue) << q.ToString() << " on " << doc;
	}
	if (!q.NeedsFullScan() && match) {
		bool any = false;
		for (auto s : st)
			any |= s != shinjp::ts::kFalse;
		EXPECT_TRUE(any) << q.ToString() << " on " << doc;
	}
}

TEST(JaSubstring, DocumentKeysAreExactBigramsPlusUnigramsAndEnd)
{
	using shinjp::ts::BigramKey;
	using shinjp::ts::UnigramKey;
	std::vector<int64_t> keys;
	shinjp::ts::TextKeys("トウキョウ", &keys);  // とうきょう: kana have unigram keys
	std::set<int64_t> expect = {BigramKey(U'と', U'う'), BigramKey(U'う', U'き'), BigramKey(U'き', U'ょ'),
	                            BigramKey(U'ょ', U'う'), UnigramKey(U'と'),       UnigramKey(U'う'),
	                            UnigramKey(U'き'),       UnigramKey(U'ょ')};
	EXPECT_EQ(std::set<int64_t>(keys.begin(), keys.end()), expect);
	EXPECT_EQ(keys.size(), expect.size());
	shinjp::ts::TextKeys("", &keys);
	EXPECT_TRUE(keys.empty());
	shinjp::ts::TextKeys("😀", &keys);
	ASSERT_EQ(keys.size(), 1u);
	EXPECT_EQ(keys[0], UnigramKey(0x1F600));
	// kanji have no unigram key: bigrams, and the end key of the final character only
	shinjp::ts::TextKeys("東京都", &keys);
	EXPECT_EQ(std::set<int64_t>(keys.begin(), keys.end()),
	          (std::set<int64_t>{BigramKey(U'東', U'京'), BigramKey(U'京', U'都'), UnigramKey(U'都')}));
	shinjp::ts::TextKeys("東京へ。", &keys);
	EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
	EXPECT_EQ(std::set<int64_t>(keys.begin(), keys.end()),
	          (std::set<int64_t>{BigramKey(U'東', U'京'), BigramKey(U'京', U'へ'), BigramKey(U'へ', U'。'),
	                             UnigramKey(U'へ'), UnigramKey(U'。')}));
	// a (c << 21) | 0 key never equals a bigram: no text has U+0000
	shinjp::ts::TextKeys("ああ", &keys);
	EXPECT_EQ(std::set<int64_t>(keys.begin(), keys.end()), (std::set<int64_t>{BigramKey(U'あ', U'あ'), UnigramKey(U'あ')}));
	EXPECT_TRUE(shinjp::ts::HasUnigramKey(U'a') && shinjp::ts::HasUnigramKey(U'ー') && shinjp::ts::HasUnigramKey(U'、') && shinjp::ts::HasUnigramKey(U'々'));
	EXPECT_FALSE(shinjp::ts::HasUnigramKey(U'京') || shinjp::ts::HasUnigramKey(U'한') || shinjp::ts::HasUnigramKey(0x1F600));
}

TEST(JaSubstring, LiteralNeedles)
{
	auto q1 = SearchQuery::Literal("京");
	ASSERT_EQ(q1.keys.size(), 1u);
	EXPECT_TRUE(q1.keys[0].partial);  // a kanji: partial match over its bigrams and end key
	EXPECT_EQ(q1.keys[0].key, shinjp::ts::UnigramKey(U'京'));
	auto qk = SearchQuery::Literal("イ");  // い: one exact unigram key, no partial match, no recheck
	ASSERT_EQ(qk.keys.size(), 1u);
	EXPECT_FALSE(qk.keys[0].partial);
	EXPECT_EQ(qk.keys[0].key, shinjp::ts::UnigramKey(U'い'));
	EXPECT_TRUE(qk.clauses[0][0].alts[0].exact);
	EXPECT_TRUE(q1.clauses[0][0].alts[0].exact);
	auto q2 = SearchQuery::Literal("東京");
	ASSERT_EQ(q2.keys.size(), 1u);
	EXPECT_FALSE(q2.keys[0].partial);
	EXPECT_TRUE(q2.clauses[0][0].alts[0].exact);
	auto q3 = SearchQuery::Literal("ｺﾝﾋﾟｭｰﾀｰ");
	EXPECT_EQ(q3.clauses[0][0].alts[0].utf8, "こんぴゅーたー");
	EXPECT_FALSE(q3.clauses[0][0].alts[0].exact);
	EXPECT_TRUE(q3.Matches(shinjp::ts::Normalize("最新のコンピューターです")));
	auto empty = SearchQuery::Literal("");
	EXPECT_TRUE(empty.NeedsFullScan());
	EXPECT_TRUE(empty.Matches("anything"));
}

TEST(JaSubstring, QueryBuilder)
{
	EXPECT_EQ(SearchQuery::Parse("東京 大阪").ToString(), "\"東京\" & \"大阪\"");
	EXPECT_EQ(SearchQuery::Parse("東京 OR 大阪 -京都").ToString(), "(\"東京\" | \"大阪\") & !\"京都\"");
	EXPECT_EQ(SearchQuery::Parse("\"東京 タワー\" 夜").ToString(), "\"東京 たわー\" & \"夜\"");
	EXPECT_EQ(SearchQuery::Parse("toukyou").ToString(), "(\"toukyou\" | \"とうきょう\")");
	EXPECT_EQ(SearchQuery::Parse("ＴＯＵＫＹＯＵ").ToString(), "(\"toukyou\" | \"とうきょう\")");
	EXPECT_EQ(SearchQuery::Parse("xyz").ToString(), "\"xyz\"");
	EXPECT_EQ(SearchQuery::Parse("こんぴゅた").ToString(),
	          "(\"こんぴゅた\" | \"こーんぴゅた\" | \"こんーぴゅた\" | \"こーんーぴゅた\" | \"こんぴゅーた\" | "
	          "\"こーんぴゅーた\" | \"こんーぴゅーた\" | \"こーんーぴゅーた\")");
	EXPECT_EQ(SearchQuery::Parse("or").ToString(), "\"or\"");
	EXPECT_EQ(SearchQuery::Parse("a or").ToString(), "(\"a\" | \"あ\") & \"or\"");
	EXPECT_EQ(SearchQuery::Parse("-").ToString(), "\"-\"");
	EXPECT_EQ(SearchQuery::Parse("\"\"").ToString(), "");
	EXPECT_EQ(SearchQuery::Parse("   ").ToString(), "");
	EXPECT_EQ(SearchQuery::Parse("!?").ToString(), "\"!?\"");
	EXPECT_EQ(SearchQuery::Parse("\"unterminated phrase").ToString(), "\"unterminated phrase\"");
	EXPECT_TRUE(SearchQuery::Parse("").clauses.empty());
	EXPECT_FALSE(SearchQuery::Parse("").Matches("x"));
	EXPECT_TRUE(SearchQuery::Parse("-京都").NeedsFullScan());
	EXPECT_FALSE(SearchQuery::Parse("東京 -京都").NeedsFullScan());
}

TEST(JaSubstring, RomajiAndLongVowelQueriesMatch)
{
	std::string doc = shinjp::ts::Normalize("こんにちは、東京のコンピューター。とうきょうへ");
	EXPECT_TRUE(SearchQuery::Parse("konnichiha").Matches(doc));
	EXPECT_TRUE(SearchQuery::Parse("toukyou").Matches(doc));
	EXPECT_TRUE(SearchQuery::Parse("konpyu-ta-").Matches(doc));
	EXPECT_TRUE(SearchQuery::Parse("konpyuuta").Matches(doc) == false);
	EXPECT_TRUE(SearchQuery::Parse("こんぴゅた").Matches(doc));
	EXPECT_TRUE(SearchQuery::Parse("コンピュタ").Matches(doc));
	EXPECT_FALSE(SearchQuery::Parse("\"こんぴゅた\"").Matches(doc));
	EXPECT_TRUE(SearchQuery::Parse("大阪 OR 東京").Matches(doc));
	EXPECT_FALSE(SearchQuery::Parse("東京 -コンピューター").Matches(doc));
}

TEST(JaSubstring, ConsistentNeverLosesAMatch)
{
	const char *docs[] = {"東京都に住む", "京都の寺", "コンピューター", "すごーい", "ｶﾞｯｺｳ", "a", "", "東",
	                      "abc東京", "東京大阪京都", "😀🎌 テスト"};
	const char *queries[] = {"東京", "京", "都", "京都", "-京都", "東京 -京都", "京都 OR 東京", "コンピュータ",
	                         "konpyu-ta-", "こんぴゅた", "\"\"", "", "ガ", "ｶﾞｯ", "a", "-a", "東 OR -京",
	                         "😀", "🎌 てすと", "\"すごー\"", "abc東"};
	for (const char *q : queries) {
		auto parsed = SearchQuery::Parse(q);
		auto literal = SearchQuery::Literal(q);
		for (const char *d : docs) {
			ExpectIndexAgrees(parsed, d);
			ExpectIndexAgrees(literal, d);
		}
	}
}

TEST(JaSubstring, RandomisedIndexAgreesWithScan)
{
	const char32_t alphabet[] = {U'あ', U'い', U'ア', U'イ', U'ー', U'東', U'京', U'a', U'A', U' ', U'ｱ', U'-',
	                             U'か', 0x3099, U'ゝ', U'。', U'\t', 0xFE0F, U'カ', U'ヽ', 0xFF9E, U'ウ', U'ゔ'};
	std::mt19937 rng(42);
	auto random_text = [&](size_t max_len) {
		std::string s;
		size_t len = rng() % (max_len + 1);
		for (size_t k = 0; k < len; k++)
			shinjp::ts::AppendUtf8(s, alphabet[rng() % (sizeof(alphabet) / sizeof(alphabet[0]))]);
		return s;
	};
	for (int round = 0; round < 10000; round++) {
		std::string doc = random_text(12);
		std::string needle = random_text(4);
		ExpectIndexAgrees(SearchQuery::Literal(needle), doc);
		ExpectIndexAgrees(SearchQuery::Parse(needle), doc);
		// literal semantics: normalised containment
		std::string nd = shinjp::ts::Normalize(doc), nn = shinjp::ts::Normalize(needle);
		EXPECT_EQ(SearchQuery::Literal(needle).Matches(nd), nd.find(nn) != std::string::npos);
		// the raw shortcut is sound: it never claims a match the normalised text does not have
		for (const auto &q : {SearchQuery::Literal(needle), SearchQuery::Parse(needle)}) {
			if (q.MatchesRaw(doc)) {
				EXPECT_TRUE(q.Matches(nd)) << q.ToString() << " on " << doc;
			}
		}
	}
}

TEST(JaSubstring, RawShortcut)
{
	EXPECT_TRUE(SearchQuery::Literal("ていま").MatchesRaw("知っています"));
	EXPECT_TRUE(SearchQuery::Literal("ていま").MatchesRaw("テイマ"));         // katakana folds one for one
	EXPECT_TRUE(SearchQuery::Literal("ていま").MatchesRaw("ていますか"));     // at the start
	EXPECT_TRUE(SearchQuery::Literal("ていま").MatchesRaw("てていていま"));   // after partial matches
	EXPECT_TRUE(SearchQuery::Literal("ま").MatchesRaw("ままま"));
	EXPECT_FALSE(SearchQuery::Literal("ていま").MatchesRaw("ていい"));
	EXPECT_FALSE(SearchQuery::Literal("ていま").MatchesRaw("いま"));          // shorter than the needle
	EXPECT_TRUE(SearchQuery::Literal("サービス").MatchesRaw("新しいサービスです"));
	EXPECT_TRUE(SearchQuery::Literal("東京たわー").MatchesRaw("東京タワー"));
	EXPECT_FALSE(SearchQuery::Literal("ていま").MatchesRaw("テいマ"));        // mixed scripts: needs normalising
	EXPECT_FALSE(SearchQuery::Literal("ていま").MatchesRaw("ﾃｲﾏ"));           // half-width: needs normalising
	EXPECT_FALSE(SearchQuery::Literal("か").MatchesRaw("カ\xE3\x82\x99"));  // カ+゛ is ガ
	EXPECT_TRUE(SearchQuery::Literal("か").MatchesRaw("カ\xE3\x82\x99カ"));
	EXPECT_FALSE(SearchQuery::Literal("かう").MatchesRaw("カウ\xEF\xBE\x9E"));  // ウ+ﾞ (half-width) is ヴ
	EXPECT_FALSE(SearchQuery::Literal("かう").Matches(shinjp::ts::Normalize("カウ\xEF\xBE\x9E")));
	EXPECT_FALSE(SearchQuery::Literal("か").MatchesRaw("か\xE3\x82\x99"));  // か+゛ is が
	EXPECT_TRUE(SearchQuery::Literal("か").MatchesRaw("か\xE3\x82\x99か"));  // the second か counts
	EXPECT_FALSE(SearchQuery::Literal("a-").MatchesRaw("a-"));                // '-' is context-dependent
	EXPECT_FALSE(SearchQuery::Parse("-東京").MatchesRaw("京都"));             // negations never shortcut
	EXPECT_TRUE(SearchQuery::Parse("東京 OR 大阪 駅").MatchesRaw("大阪駅"));
	EXPECT_FALSE(SearchQuery::Parse("東京 駅").MatchesRaw("東京"));
}

TEST(JaSubstring, HighlightMarksOriginalSpans)
{
	auto q = SearchQuery::Parse("コンピュータ 東京");
	EXPECT_EQ(shinjp::ts::Highlight("東京のｺﾝﾋﾟｭｰﾀｰ", q, "<b>", "</b>"), "<b>東京</b>の<b>ｺﾝﾋﾟｭｰﾀ</b>ｰ");
	EXPECT_EQ(shinjp::ts::Highlight("なし", q, "[", "]"), "なし");
	EXPECT_EQ(shinjp::ts::Highlight("", q, "[", "]"), "");
	auto k = SearchQuery::Parse("株式");
	EXPECT_EQ(shinjp::ts::Highlight("㍿と株式", k, "[", "]"), "[㍿]と[株式]");
	auto r = SearchQuery::Parse("toukyou -大阪");
	EXPECT_EQ(shinjp::ts::Highlight("トウキョウと大阪", r, "[", "]"), "[トウキョウ]と大阪");
	auto o = SearchQuery::Parse("ああ");
	EXPECT_EQ(shinjp::ts::Highlight("あああ", o, "[", "]"), "[あああ]");
}

}  // namespace

namespace {

TEST(JaSubstring, LongNeedlesUseLinearSearch)
{
	std::string doc, needle;
	for (int i = 0; i < 20000; i++)
		doc += "あ";
	needle = doc.substr(0, 3 * 5000) + "い";  // "あ"×5000 + "い": quadratic for a naive search
	auto q = SearchQuery::Literal(needle);
	EXPECT_FALSE(q.clauses[0][0].alts[0].failure.empty());
	EXPECT_FALSE(q.Matches(shinjp::ts::Normalize(doc)));
	EXPECT_TRUE(q.Matches(shinjp::ts::Normalize(doc + "い")));
	auto h = SearchQuery::Literal("ababab" "ababab" "ababab" "c");  // 19 characters, overlapping prefixes
	EXPECT_TRUE(h.Matches(std::string("abababababab" "ababab" "ababab" "c")));
	EXPECT_FALSE(h.Matches(std::string("abababababab" "ababab" "ababa" "c")));
	EXPECT_EQ(shinjp::ts::Highlight("x" + std::string(20, 'a') + "y", SearchQuery::Literal(std::string(17, 'a')), "[", "]"),
	          "x[" + std::string(20, 'a') + "]y");
}

}  // namespace
