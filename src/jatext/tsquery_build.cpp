/*
 * tsquery_build.cpp — lexemes and the web-search style tsquery builder (see tsquery_build.hpp).
 */
#include "core_only.hpp"

#include "jatext/tsquery_build.hpp"

#include <algorithm>

#include "jatext/normalize.hpp"
#include "jatext/romaji.hpp"
#include "jatext/segment.hpp"

namespace shinjp::ts {

namespace {

/* Collects the lexemes of the word tokens of a text, in order. */
class LexemeSink : public TokenSink {
  public:
	LexemeSink(std::string_view text, std::vector<std::string> *out) : text_(text), out_(out) {}
	void Emit(std::size_t begin, std::size_t end, int type) override
	{
		if (IsWordType(type))
			TokenLexemes(text_.substr(begin, end - begin), out_);
	}

  private:
	std::string_view text_;
	std::vector<std::string> *out_;
};

/* A query term as the user wrote it. */
struct Term {
	std::string text;
	bool negated = false;
	bool or_before = false; /* joined to the previous term with OR */
};

bool
IsSpace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Split the query into terms: words, "phrases", -negation, or. */
std::vector<Term>
ParseQuery(std::string_view q)
{
	std::vector<Term> terms;
	bool pending_or = false;
	std::size_t i = 0;
	while (i < q.size()) {
		if (IsSpace(q[i]) || StartsWithIdeographicSpace(q, i)) {
			i += IsSpace(q[i]) ? 1 : 3;
			continue;
		}
		Term t;
		if (q[i] == '-' && i + 1 < q.size() && !IsSpace(q[i + 1])) {
			t.negated = true;
			i++;
		}
		std::size_t start = i;
		if (q[i] == '"') {
			std::size_t close = q.find('"', i + 1);
			std::size_t end = close == std::string_view::npos ? q.size() : close;
			t.text = std::string(q.substr(i + 1, end - i - 1));
			i = close == std::string_view::npos ? q.size() : close + 1;
		} else {
			while (i < q.size() && !IsSpace(q[i]) && q[i] != '"' && !StartsWithIdeographicSpace(q, i))
				i++;
			t.text = std::string(q.substr(start, i - start));
			if (!t.negated && (t.text == "or" || t.text == "OR" || t.text == "Or" || t.text == "oR")) {
				pending_or = !terms.empty();
				continue;
			}
		}
		t.or_before = pending_or;
		pending_or = false;
		terms.push_back(std::move(t));
	}
	return terms;
}

/* True when text is hiragana (and ー) only. */
bool
HiraganaOnly(std::string_view text)
{
	if (text.empty())
		return false;
	for (std::size_t i = 0; i < text.size();) {
		char32_t c;
		i += DecodeUtf8(text.data(), text.size(), i, &c);
		if (!((c >= 0x3041 && c <= 0x3096) || c == 0x30FC || c == 0x309D || c == 0x309E))
			return false;
	}
	return true;
}

/* Hiragana → katakana (ぁ..ゖ → ァ..ヶ, ゝゞ → ヽヾ); other characters unchanged. */
std::string
ToKatakana(std::string_view text)
{
	std::string out;
	out.reserve(text.size());
	for (std::size_t i = 0; i < text.size();) {
		char32_t c;
		i += DecodeUtf8(text.data(), text.size(), i, &c);
		if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E)
			c += 0x60;
		AppendUtf8(out, c);
	}
	return out;
}

/* A lexeme as a tsquery operand: quoted, with ' doubled and \ escaped. */
void
AppendOperand(std::string &out, const std::string &lexeme)
{
	out += '\'';
	for (char c : lexeme) {
		if (c == '\'')
			out += "''";
		else if (c == '\\')
			out += "\\\\";
		else
			out += c;
	}
	out += '\'';
}

/* The lexemes of a text's word tokens, in order. */
std::vector<std::string>
TextLexemes(std::string_view text)
{
	std::vector<std::string> lexemes;
	LexemeSink sink(text, &lexemes);
	Segment(text, sink);
	return lexemes;
}

/* A romaji term's kana spelling is searched only when ICU cuts it into at most this many words. */
constexpr std::size_t kMaxRomajiKanaWords = 2;

/* True when text is ASCII letters, '-' and "'" only, with at least one letter (a romaji candidate). */
bool
RomajiCandidate(std::string_view text)
{
	bool letter = false;
	for (char c : text) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			letter = true;
		else if (c != '-' && c != '\'')
			return false;
	}
	return letter;
}

/*
 * The tsquery of one term, or "" when it has no lexemes.  Variants: the term as typed; for a term of
 * hiragana (or of romaji that converts completely to hiragana) the kana spelling ICU cuts into the
 * fewest words, of the hiragana and the katakana one (both on a tie).  A loanword typed in hiragana
 * falls apart into single characters (こん|ぴ|ゅ|ー|た|ー) whose lexemes would match and be
 * highlighted anywhere; its katakana spelling is one word.  A native word (すし) is the other way round.
 */
std::string
TermQuery(const Term &t)
{
	std::vector<std::vector<std::string>> variants;
	std::vector<std::string> typed = TextLexemes(t.text);
	std::string hiragana;
	if (HiraganaOnly(t.text)) {
		hiragana = t.text;
	} else if (RomajiCandidate(t.text)) {
		bool complete = false;
		std::string kana = RomajiToKana(t.text, &complete);
		if (complete && HiraganaOnly(kana))
			hiragana = kana;
	}
	std::vector<std::vector<std::string>> kana_variants;
	if (!hiragana.empty()) {
		kana_variants.push_back(TextLexemes(hiragana));
		kana_variants.push_back(TextLexemes(ToKatakana(hiragana)));
		std::size_t fewest = std::min(kana_variants[0].size(), kana_variants[1].size());
		/*
		 * Romaji that is probably not Japanese (ramen → らめん, which no dictionary knows) falls
		 * apart into kana fragments; then only the Latin word is searched.
		 */
		if (hiragana != t.text && fewest > kMaxRomajiKanaWords)
			fewest = 0;
		kana_variants.erase(std::remove_if(kana_variants.begin(), kana_variants.end(),
		                                   [&](const std::vector<std::string> &v) { return v.size() != fewest; }),
		                    kana_variants.end());
	}
	/* a hiragana term is its own hiragana variant: the fewest-words choice replaces it */
	if (hiragana != t.text && !typed.empty())
		variants.push_back(std::move(typed));
	for (auto &v : kana_variants)
		if (!v.empty() && std::find(variants.begin(), variants.end(), v) == variants.end())
			variants.push_back(std::move(v));
	if (variants.empty())
		return {};
	std::string out = t.negated ? "!(" : "(";
	for (std::size_t v = 0; v < variants.size(); v++) {
		if (v > 0)
			out += " | ";
		for (std::size_t i = 0; i < variants[v].size(); i++) {
			if (i > 0)
				out += " <-> ";
			AppendOperand(out, variants[v][i]);
		}
	}
	out += ')';
	return out;
}

}  // namespace

bool
StartsWithIdeographicSpace(std::string_view q, std::size_t i)
{
	return q.compare(i, 3, "\xE3\x80\x80") == 0; /* U+3000 */
}

void
TokenLexemes(std::string_view token, std::vector<std::string> *out)
{
	std::string lexeme = Normalize(token);
	lexeme.erase(std::remove(lexeme.begin(), lexeme.end(), ' '), lexeme.end());
	for (std::size_t at = 0; at < lexeme.size();) {
		std::size_t end = std::min(lexeme.size(), at + kMaxLexemeBytes);
		while (end < lexeme.size() && end > at && (static_cast<unsigned char>(lexeme[end]) & 0xC0) == 0x80)
			end--;
		out->emplace_back(lexeme, at, end - at);
		at = end;
	}
}

std::string
BuildJaTsQuery(std::string_view query)
{
	std::vector<Term> terms = ParseQuery(query);
	/* AND of clauses; a clause is terms joined by OR (OR binds tighter, as in websearch_to_tsquery) */
	std::string out, clause;
	std::size_t clause_terms = 0;
	auto close_clause = [&]() {
		if (clause.empty())
			return;
		if (!out.empty())
			out += " & ";
		out += clause_terms > 1 ? "(" + clause + ")" : clause;
		clause.clear();
		clause_terms = 0;
	};
	for (const Term &t : terms) {
		CheckInterrupts();
		std::string q = TermQuery(t);
		if (q.empty())
			continue;
		if (!t.or_before)
			close_clause();
		if (!clause.empty())
			clause += " | ";
		clause += q;
		clause_terms++;
	}
	close_clause();
	return out;
}

}  // namespace shinjp::ts
