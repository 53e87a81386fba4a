/*
 * substring.cpp — bigram keys, the query builder and exact evaluation (see substring.hpp).
 */
#include "core_only.hpp"

#include "jatext/substring.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "jatext/normalize.hpp"
#include "jatext/romaji.hpp"

namespace shinjp::ts {

namespace {

/* Alternatives per word when inserting ー: all subsets up to this many insertion points, else one at a time. */
constexpr size_t kMaxSubsetPoints = 5;
/* Longer kana words get no ー variants (a pasted paragraph must not explode into alternatives). */
constexpr size_t kMaxLongVowelWord = 24;

bool
IsSmallKana(char32_t c)
{
	switch (c) {
	case U'ぁ': case U'ぃ': case U'ぅ': case U'ぇ': case U'ぉ': case U'っ': case U'ゃ': case U'ゅ': case U'ょ':
	case U'ゎ': case U'ゕ': case U'ゖ':
		return true;
	default:
		return false;
	}
}

bool
IsHiraganaWord(const std::u32string &w)
{
	for (char32_t c : w)
		if (!((c >= 0x3041 && c <= 0x3096) || c == 0x30FC))
			return false;
	return true;
}

bool
IsRomajiWord(const std::string &w)
{
	bool letter = false;
	for (char c : w) {
		if (c >= 'a' && c <= 'z')
			letter = true;
		else if (c != '-' && c != '\'')
			return false;
	}
	return letter;
}

std::string
ToUtf8(const std::u32string &cps, size_t begin, size_t end)
{
	std::string s;
	for (size_t k = begin; k < end; k++)
		AppendUtf8(s, cps[k]);
	return s;
}

std::u32string
ToCodepoints(std::string_view utf8)
{
	std::u32string cps;
	for (size_t i = 0; i < utf8.size();) {
		char32_t c;
		i += DecodeUtf8(utf8.data(), utf8.size(), i, &c);
		cps.push_back(c);
	}
	return cps;
}

/* Quote a needle for ToString: "…" with " and \ escaped. */
std::string
Quote(const std::string &s)
{
	std::string q = "\"";
	for (char c : s) {
		if (c == '"' || c == '\\')
			q.push_back('\\');
		q.push_back(c);
	}
	q.push_back('"');
	return q;
}

/* Kana words with ー inserted where it may be missing (after a full-size kana, before a full-size kana). */
std::vector<std::u32string>
LongVowelVariants(const std::u32string &w)
{
	std::vector<size_t> points;
	for (size_t p = 1; p < w.size(); p++)
		if (w[p - 1] != 0x30FC && w[p] != 0x30FC && !IsSmallKana(w[p]) && w[p - 1] != U'っ')
			points.push_back(p);
	std::vector<std::u32string> out;
	auto build = [&](uint32_t mask) {
		std::u32string v;
		for (size_t p = 0, k = 0; p < w.size(); p++) {
			if (k < points.size() && points[k] == p) {
				if (mask & (1u << k))
					v.push_back(0x30FC);
				k++;
			}
			v.push_back(w[p]);
		}
		out.push_back(std::move(v));
	};
	if (points.size() <= kMaxSubsetPoints) {
		for (uint32_t mask = 1; mask < (1u << points.size()); mask++)
			build(mask);
	} else {
		for (size_t k = 0; k < points.size(); k++) {
			std::u32string v = w;
			v.insert(v.begin() + static_cast<std::ptrdiff_t>(points[k]), 0x30FC);
			out.push_back(std::move(v));
		}
	}
	return out;
}

}  // namespace

void
DocumentKeys(const std::u32string &cps, std::vector<int64_t> *keys)
{
	keys->clear();
	if (cps.empty())
		return;
	keys->reserve(2 * cps.size());
	for (size_t k = 0; k + 1 < cps.size(); k++) {
		if (HasUnigramKey(cps[k]))
			keys->push_back(UnigramKey(cps[k]));
		keys->push_back(BigramKey(cps[k], cps[k + 1]));
	}
	keys->push_back(UnigramKey(cps.back())); /* the end key (the unigram, if c has one) */
	CheckInterrupts();
	std::sort(keys->begin(), keys->end());
	keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
}

void
TextKeys(std::string_view utf8, std::vector<int64_t> *keys)
{
	std::u32string cps;
	NormalizeCodepoints(utf8, &cps, nullptr);
	DocumentKeys(cps, keys);
}

void
SearchQuery::AddAlternative(Term &term, std::string utf8)
{
	for (const Alternative &a : term.alts)
		if (a.utf8 == utf8)
			return;
	Alternative alt;
	alt.cps = ToCodepoints(utf8);
	alt.utf8 = std::move(utf8);
	alt.exact = alt.cps.size() <= 2;
	if (alt.cps.size() > kNaiveFindMax) {
		alt.failure.assign(alt.cps.size(), 0);
		for (size_t k = 1, f = 0; k < alt.cps.size(); k++) {
			while (f > 0 && alt.cps[k] != alt.cps[f])
				f = alt.failure[f - 1];
			if (alt.cps[k] == alt.cps[f])
				f++;
			alt.failure[k] = static_cast<uint32_t>(f);
		}
	}
	alt.self_normalizing = !alt.cps.empty();
	for (char32_t c : alt.cps)
		alt.self_normalizing = alt.self_normalizing && IsSelfNormalizing(c);
	if (alt.self_normalizing) {
		/* ァ..ヶ fold to ぁ..ゖ (U+30A1..30F6 → U+3041..3096) wherever they stand, as the hiragana do */
		std::u32string kata = alt.cps;
		bool any = false;
		for (char32_t &c : kata)
			if (c >= 0x3041 && c <= 0x3096) {
				c += 0x60;
				any = true;
			}
		if (any)
			alt.raw_katakana = ToUtf8(kata, 0, kata.size());
	}
	auto add_key = [&](int64_t key, bool partial) { alt.key_idx.push_back(KeyIndex(key, partial)); };
	if (alt.cps.size() == 1) {
		add_key(UnigramKey(alt.cps[0]), !HasUnigramKey(alt.cps[0]));
	} else {
		std::vector<int64_t> bigrams;
		for (size_t k = 0; k + 1 < alt.cps.size(); k++)
			bigrams.push_back(BigramKey(alt.cps[k], alt.cps[k + 1]));
		std::sort(bigrams.begin(), bigrams.end());
		bigrams.erase(std::unique(bigrams.begin(), bigrams.end()), bigrams.end());
		for (int64_t b : bigrams)
			add_key(b, false);
	}
	term.alts.push_back(std::move(alt));
}

size_t
Alternative::FindIn(std::u32string_view hay, size_t from) const
{
	if (failure.empty())
		return hay.find(cps, from);
	size_t m = cps.size();
	for (size_t i = from, f = 0; i < hay.size(); i++) {
		if ((i & 0xFFFF) == 0)
			CheckInterrupts();
		while (f > 0 && hay[i] != cps[f])
			f = failure[f - 1];
		if (hay[i] == cps[f] && ++f == m)
			return i + 1 - m;
	}
	return std::u32string_view::npos;
}

uint32_t
SearchQuery::KeyIndex(int64_t key, bool partial)
{
	/* Few keys (the usual query): a linear scan beats building a hash table in every planner call. */
	constexpr size_t kLinear = 64;
	if (keys.size() < kLinear) {
		for (size_t k = 0; k < keys.size(); k++)
			if (keys[k].key == key && keys[k].partial == partial)
				return static_cast<uint32_t>(k);
		keys.push_back({key, partial});
		return static_cast<uint32_t>(keys.size() - 1);
	}
	if (key_index_.empty())
		for (size_t k = 0; k < keys.size(); k++)
			key_index_.emplace((keys[k].key << 1) | (keys[k].partial ? 1 : 0), static_cast<uint32_t>(k));
	auto [it, added] = key_index_.emplace((key << 1) | (partial ? 1 : 0), static_cast<uint32_t>(keys.size()));
	if (added)
		keys.push_back({key, partial});
	return it->second;
}

SearchQuery
SearchQuery::Literal(std::string_view needle)
{
	SearchQuery q;
	Term t;
	q.AddAlternative(t, Normalize(needle));
	q.clauses.push_back({std::move(t)});
	return q;
}

SearchQuery
SearchQuery::Parse(std::string_view user_text)
{
	std::u32string s;
	NormalizeCodepoints(user_text, &s, nullptr);

	/* Items in order: a term, or an OR marker (a term with no alternatives and or_marker set). */
	struct Item {
		Term term;
		bool or_marker = false;
		std::string literal; /* the marker's text, if it must become a term after all */
	};
	std::vector<Item> items;
	SearchQuery q;
	size_t i = 0;
	const size_t n = s.size();
	while (i < n) {
		CheckInterrupts();
		if (s[i] == U' ') {
			i++;
			continue;
		}
		bool negated = false;
		if (s[i] == U'-' && i + 1 < n && s[i + 1] != U' ') {
			negated = true;
			i++;
		}
		Item item;
		item.term.negated = negated;
		if (s[i] == U'"') {
			size_t close = s.find(U'"', i + 1);
			size_t end = close == std::u32string::npos ? n : close;
			std::string phrase = ToUtf8(s, i + 1, end);
			i = close == std::u32string::npos ? n : close + 1;
			if (phrase.empty() || phrase == " ")
				continue;
			item.term.phrase = true;
			q.AddAlternative(item.term, phrase);
			items.push_back(std::move(item));
			continue;
		}
		size_t end = i;
		while (end < n && s[end] != U' ')
			end++;
		std::u32string word_cps = s.substr(i, end - i);
		std::string word = ToUtf8(s, i, end);
		i = end;
		if (!negated && (word == "or" || word == "|")) {
			item.or_marker = true;
			item.literal = word;
			items.push_back(std::move(item));
			continue;
		}
		q.AddAlternative(item.term, word);
		if (IsRomajiWord(word)) {
			/* romaji spells ー explicitly ("-"), so its kana reading gets no ー variants */
			bool complete = false;
			std::string kana = Normalize(RomajiToKana(word, &complete));
			if (complete && kana != word)
				q.AddAlternative(item.term, kana);
		} else if (word_cps.size() >= 2 && word_cps.size() <= kMaxLongVowelWord && IsHiraganaWord(word_cps))
			for (const std::u32string &v : LongVowelVariants(word_cps))
				q.AddAlternative(item.term, ToUtf8(v, 0, v.size()));
		items.push_back(std::move(item));
	}

	/* An OR marker between two terms joins them; anywhere else it is the literal word. */
	for (size_t k = 0; k < items.size(); k++) {
		if (!items[k].or_marker)
			continue;
		bool joins = k > 0 && !items[k - 1].or_marker && k + 1 < items.size() && !items[k + 1].or_marker;
		if (!joins) {
			items[k].or_marker = false;
			q.AddAlternative(items[k].term, items[k].literal);
		}
	}
	bool join_next = false;
	for (Item &item : items) {
		if (item.or_marker) {
			join_next = true;
			continue;
		}
		if (join_next && !q.clauses.empty())
			q.clauses.back().push_back(std::move(item.term));
		else
			q.clauses.push_back({std::move(item.term)});
		join_next = false;
	}
	return q;
}

bool
SearchQuery::NeedsFullScan() const
{
	for (const auto &clause : clauses) {
		bool indexable = true;
		for (const Term &t : clause) {
			if (t.negated)
				indexable = false;
			for (const Alternative &a : t.alts)
				if (a.key_idx.empty())
					indexable = false;
		}
		if (indexable)
			return false;
	}
	return true;
}

bool
SearchQuery::Matches(std::string_view doc) const
{
	return Matches(ToCodepoints(doc));
}

bool
SearchQuery::Matches(std::u32string_view doc) const
{
	if (clauses.empty())
		return false;
	for (const auto &clause : clauses) {
		bool any = false;
		for (const Term &t : clause) {
			bool found = false;
			for (const Alternative &a : t.alts) {
				if (a.FindIn(doc) != std::u32string_view::npos) {
					found = true;
					break;
				}
			}
			if (found != t.negated) {
				any = true;
				break;
			}
		}
		if (!any)
			return false;
	}
	return true;
}

namespace {

/*
 * First occurrence of needle in hay at or after from, or npos.  A recheck searches a
 * sentence-sized document for a needle of a few characters: glibc's memmem spends longer setting
 * up its shift table than scanning (15% of a 3-character search's time in perf).  memchr for the
 * needle's last byte, then a compare: in UTF-8 Japanese the last byte is a continuation byte,
 * which varies far more than the lead bytes (E3 starts every kana).
 */
size_t
FindBytes(std::string_view hay, std::string_view needle, size_t from)
{
	size_t n = needle.size();
	if (from > hay.size() || hay.size() - from < n)
		return std::string_view::npos;
	if (n == 0)
		return from;
	const char *base = hay.data();
	const char *end = base + hay.size();
	const char *p = base + from + n - 1;
	const unsigned char last = static_cast<unsigned char>(needle[n - 1]);
	while (p < end) {
		p = static_cast<const char *>(memchr(p, last, static_cast<size_t>(end - p)));
		if (p == nullptr)
			return std::string_view::npos;
		const char *start = p - (n - 1);
		if (memcmp(start, needle.data(), n - 1) == 0)
			return static_cast<size_t>(start - base);
		++p;
	}
	return std::string_view::npos;
}

/* raw contains needle at a place followed by a normalisation boundary (or the end). */
bool
FoundVerbatim(std::string_view raw, const std::string &needle)
{
	const char *base = raw.data();
	size_t from = 0;
	while (from + needle.size() <= raw.size()) {
		size_t start = FindBytes(raw, needle, from);
		if (start == std::string_view::npos)
			return false;
		size_t end = start + needle.size();
		char32_t next = 0;
		if (end >= raw.size() || (DecodeUtf8(base, raw.size(), end, &next), NormalizationBoundaryBefore(next)))
			return true;
		from = start + 1;
	}
	return false;
}

}  // namespace

bool
SearchQuery::MatchesRaw(std::string_view raw) const
{
	if (clauses.empty())
		return false;
	for (const auto &clause : clauses) {
		bool satisfied = false;
		for (const Term &t : clause) {
			if (t.negated)
				continue;
			for (const Alternative &a : t.alts) {
				if (a.self_normalizing &&
				    (FoundVerbatim(raw, a.utf8) || (!a.raw_katakana.empty() && FoundVerbatim(raw, a.raw_katakana)))) {
					satisfied = true;
					break;
				}
			}
			if (satisfied)
				break;
		}
		if (!satisfied)
			return false;
	}
	return true;
}

Ternary
SearchQuery::Consistent(const uint8_t *state) const
{
	if (clauses.empty())
		return kFalse;
	if (clauses.size() == 1 && clauses[0].size() == 1 && !clauses[0][0].negated && clauses[0][0].alts.size() == 1) {
		/* one needle (the &@ operator): all its keys present */
		const Alternative &a = clauses[0][0].alts[0];
		Ternary av = a.exact ? kTrue : kMaybe;
		for (uint32_t k : a.key_idx) {
			if (state[k] == kFalse)
				return kFalse;
			if (state[k] == kMaybe)
				av = kMaybe;
		}
		return av;
	}
	Ternary result = kTrue;
	for (const auto &clause : clauses) {
		Ternary c = kFalse;
		for (const Term &t : clause) {
			Ternary tv = kFalse;
			for (const Alternative &a : t.alts) {
				Ternary av = a.exact ? kTrue : kMaybe;
				for (uint32_t k : a.key_idx) {
					if (state[k] == kFalse) {
						av = kFalse;
						break;
					}
					if (state[k] == kMaybe)
						av = kMaybe;
				}
				if (av == kTrue) {
					tv = kTrue;
					break;
				}
				if (av == kMaybe)
					tv = kMaybe;
			}
			if (t.negated)
				tv = tv == kTrue ? kFalse : tv == kFalse ? kTrue : kMaybe;
			if (tv == kTrue) {
				c = kTrue;
				break;
			}
			if (tv == kMaybe)
				c = kMaybe;
		}
		if (c == kFalse)
			return kFalse;
		if (c == kMaybe)
			result = kMaybe;
	}
	return result;
}

std::string
SearchQuery::ToString() const
{
	std::string out;
	for (size_t c = 0; c < clauses.size(); c++) {
		if (c)
			out += " & ";
		const auto &clause = clauses[c];
		bool paren = clauses.size() > 1 && clause.size() > 1;
		if (paren)
			out += "(";
		for (size_t t = 0; t < clause.size(); t++) {
			if (t)
				out += " | ";
			const Term &term = clause[t];
			if (term.negated)
				out += "!";
			if (term.alts.size() > 1)
				out += "(";
			for (size_t a = 0; a < term.alts.size(); a++) {
				if (a)
					out += " | ";
				out += Quote(term.alts[a].utf8);
			}
			if (term.alts.size() > 1)
				out += ")";
		}
		if (paren)
			out += ")";
	}
	return out;
}

std::string
Highlight(std::string_view original, const SearchQuery &query, std::string_view start, std::string_view stop)
{
	std::u32string cps;
	std::vector<uint32_t> offsets;
	NormalizeCodepoints(original, &cps, &offsets);
	/* Matched code point ranges of every positive, non-empty alternative. */
	std::vector<std::pair<size_t, size_t>> ranges;
	for (const auto &clause : query.clauses) {
		for (const Term &t : clause) {
			if (t.negated)
				continue;
			for (const Alternative &a : t.alts) {
				if (a.cps.empty())
					continue;
				std::u32string_view hay(cps);
				for (size_t pos = a.FindIn(hay); pos != std::u32string::npos; pos = a.FindIn(hay, pos + 1)) {
					ranges.emplace_back(pos, pos + a.cps.size());
					if ((ranges.size() & 0xFFF) == 0)
						CheckInterrupts();
				}
			}
		}
	}
	/* Map to byte spans of the original, then merge overlapping or touching spans. */
	std::vector<std::pair<size_t, size_t>> spans;
	spans.reserve(ranges.size());
	for (const auto &r : ranges)
		spans.push_back(SourceSpan(offsets, original.size(), r.first, r.second));
	std::sort(spans.begin(), spans.end());
	std::string out;
	out.reserve(original.size() + spans.size() * (start.size() + stop.size()));
	size_t copied = 0;
	for (size_t k = 0; k < spans.size();) {
		size_t b = spans[k].first, e = spans[k].second;
		for (k++; k < spans.size() && spans[k].first <= e; k++)
			e = std::max(e, spans[k].second);
		out.append(original.substr(copied, b - copied));
		out.append(start);
		out.append(original.substr(b, e - b));
		out.append(stop);
		copied = e;
	}
	out.append(original.substr(copied));
	return out;
}

}  // namespace shinjp::ts
