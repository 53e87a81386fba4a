/*
 * jatext_segeval.cpp — segmentation quality and speed of src/jatext/segment.cpp, for
 * test/bench/jatext_parser.sh (built there against the core sources; not part of the extension).
 *
 *   jatext_segeval f1 FILE.conllu          word precision/recall/F1 vs gold (CoNLL-U), ICU alone and shinjp
 *   jatext_segeval f1-spaced FILE.txt      same, gold = space-separated tokens, one sentence per line
 *   jatext_segeval speed FILE.tsv ROUNDS   MB/s of ICU's raw word breaking and of shinjp's Segment()
 *   jatext_segeval diff FILE.conllu N      first N sentences where shinjp disagrees with gold
 *   jatext_segeval dump FILE.conllu DIR    DIR/sentences.tsv (id, text) and DIR/words.tsv (id, gold word)
 */
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "jatext/segment.hpp"

namespace {

struct Sentence {
	std::string text;
	std::vector<std::string> gold;
};

std::vector<Sentence>
ReadConllu(const char *path)
{
	std::ifstream in(path);
	std::vector<Sentence> out;
	Sentence cur;
	std::string line;
	while (std::getline(in, line)) {
		if (line.rfind("# text = ", 0) == 0) {
			cur.text = line.substr(9);
		} else if (line.empty()) {
			if (!cur.gold.empty())
				out.push_back(cur);
			cur = Sentence();
		} else if (line[0] != '#') {
			std::istringstream f(line);
			std::string id, form;
			std::getline(f, id, '\t');
			std::getline(f, form, '\t');
			if (id.find('-') == std::string::npos && id.find('.') == std::string::npos)
				cur.gold.push_back(form);
		}
	}
	if (!cur.gold.empty())
		out.push_back(cur);
	return out;
}

std::vector<Sentence>
ReadSpaced(const char *path)
{
	std::ifstream in(path);
	std::vector<Sentence> out;
	std::string line;
	while (std::getline(in, line)) {
		Sentence s;
		std::istringstream f(line);
		std::string w;
		while (f >> w) {
			s.gold.push_back(w);
			s.text += w;
		}
		if (!s.gold.empty())
			out.push_back(s);
	}
	return out;
}

bool
IsSpace(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Gold spans as byte ranges of the text (forms are found left to right, skipping spaces). */
std::set<std::pair<size_t, size_t>>
GoldSpans(const Sentence &s, bool *ok)
{
	std::set<std::pair<size_t, size_t>> spans;
	size_t pos = 0;
	*ok = true;
	for (const std::string &w : s.gold) {
		while (pos < s.text.size() && IsSpace(s.text[pos]))
			pos++;
		if (s.text.compare(pos, w.size(), w) != 0) {
			*ok = false;
			return spans;
		}
		spans.emplace(pos, pos + w.size());
		pos += w.size();
	}
	return spans;
}

struct Collect : shinjp::ts::TokenSink {
	std::vector<std::pair<size_t, size_t>> spans;
	std::vector<int> types;
	void Emit(size_t b, size_t e, int type) override
	{
		if (type == shinjp::ts::kTokSpace)
			return;
		spans.emplace_back(b, e);
		types.push_back(type);
	}
};

struct Score {
	size_t tp = 0, pred = 0, gold = 0;
	double P() const { return pred ? double(tp) / pred : 0; }
	double R() const { return gold ? double(tp) / gold : 0; }
	double F() const { return P() + R() > 0 ? 2 * P() * R() / (P() + R()) : 0; }
};

void
ScoreOne(const Sentence &s, const std::set<std::pair<size_t, size_t>> &gold, bool rules, Score &sc,
         Collect *keep = nullptr)
{
	Collect c;
	shinjp::ts::SegmentOptions o;
	o.rules = rules;
	shinjp::ts::Segment(s.text, c, o);
	for (auto &sp : c.spans)
		sc.tp += gold.count(sp);
	sc.pred += c.spans.size();
	sc.gold += gold.size();
	if (keep)
		*keep = c;
}

int
F1(const std::vector<Sentence> &sents)
{
	Score icu, ours;
	size_t skipped = 0;
	for (const Sentence &s : sents) {
		bool ok;
		auto gold = GoldSpans(s, &ok);
		if (!ok) {
			skipped++;
			continue;
		}
		ScoreOne(s, gold, false, icu);
		ScoreOne(s, gold, true, ours);
	}
	std::printf("sentences %zu skipped %zu\n", sents.size() - skipped, skipped);
	std::printf("icu %.4f %.4f %.4f\n", icu.P(), icu.R(), icu.F());
	std::printf("shinjp %.4f %.4f %.4f\n", ours.P(), ours.R(), ours.F());
	return 0;
}

int
Diff(const std::vector<Sentence> &sents, int n)
{
	for (const Sentence &s : sents) {
		if (n <= 0)
			break;
		bool ok;
		auto gold = GoldSpans(s, &ok);
		if (!ok)
			continue;
		Score sc;
		Collect c;
		ScoreOne(s, gold, getenv("ICU_ONLY") == nullptr, sc, &c);
		if (sc.tp == sc.pred && sc.tp == sc.gold)
			continue;
		n--;
		std::string g, o;
		for (auto &w : s.gold)
			g += w + "|";
		for (size_t i = 0; i < c.spans.size(); i++)
			o += s.text.substr(c.spans[i].first, c.spans[i].second - c.spans[i].first) + "|";
		std::printf("gold %s\nours %s\n\n", g.c_str(), o.c_str());
	}
	return 0;
}

double
Seconds(std::chrono::steady_clock::time_point a)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

/* Interleaved rounds; prints median MB/s of raw ICU and of Segment(). */
int
Speed(const char *path, int rounds)
{
	std::ifstream in(path);
	std::vector<std::string> docs;
	std::string line;
	size_t bytes = 0;
	while (std::getline(in, line)) {
		size_t t = line.find('\t');
		t = line.find('\t', t + 1);
		if (t == std::string::npos)
			continue;
		docs.push_back(line.substr(t + 1));
		bytes += docs.back().size();
	}
	UErrorCode st = U_ZERO_ERROR;
	UBreakIterator *bi = ubrk_open(UBRK_WORD, "ja", nullptr, 0, &st);
	std::vector<double> raw, ours, norules;
	size_t sink_count = 0;
	struct Count : shinjp::ts::TokenSink {
		size_t n = 0;
		void Emit(size_t, size_t, int) override { n++; }
	} cnt;
	for (int r = 0; r < rounds; r++) {
		auto t0 = std::chrono::steady_clock::now();
		for (const std::string &d : docs) {
			UText ut = UTEXT_INITIALIZER;
			utext_openUTF8(&ut, d.data(), (int64_t)d.size(), &st);
			ubrk_setUText(bi, &ut, &st);
			for (int32_t p = ubrk_first(bi); p != UBRK_DONE; p = ubrk_next(bi))
				sink_count++;
			utext_close(&ut);
		}
		raw.push_back(bytes / 1e6 / Seconds(t0));
		t0 = std::chrono::steady_clock::now();
		for (const std::string &d : docs)
			shinjp::ts::Segment(d, cnt);
		ours.push_back(bytes / 1e6 / Seconds(t0));
		t0 = std::chrono::steady_clock::now();
		shinjp::ts::SegmentOptions plain;
		plain.rules = false;
		for (const std::string &d : docs)
			shinjp::ts::Segment(d, cnt, plain);
		norules.push_back(bytes / 1e6 / Seconds(t0));
	}
	std::sort(raw.begin(), raw.end());
	std::sort(ours.begin(), ours.end());
	std::sort(norules.begin(), norules.end());
	std::printf("bytes %zu docs %zu tokens %zu boundaries %zu\n", bytes, docs.size(), cnt.n / rounds / 2,
	            sink_count / rounds);
	std::printf("icu_mbs %.2f\nshinjp_mbs %.2f\nnorules_mbs %.2f\n", raw[raw.size() / 2], ours[ours.size() / 2],
	            norules[norules.size() / 2]);
	ubrk_close(bi);
	return 0;
}

/* COPY text-format escaping (backslash, tab, newline). */
std::string
CopyEscape(const std::string &s)
{
	std::string out;
	for (char c : s) {
		if (c == '\\' || c == '\t' || c == '\n' || c == '\r')
			out += '\\';
		out += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : c;
	}
	return out;
}

int
Dump(const std::vector<Sentence> &sents, const std::string &dir)
{
	std::ofstream st(dir + "/sentences.tsv"), wd(dir + "/words.tsv");
	for (size_t i = 0; i < sents.size(); i++) {
		st << i + 1 << '\t' << CopyEscape(sents[i].text) << '\n';
		for (const std::string &w : sents[i].gold)
			wd << i + 1 << '\t' << CopyEscape(w) << '\n';
	}
	return 0;
}

}  // namespace

int
main(int argc, char **argv)
{
	if (argc < 3) {
		std::fprintf(stderr, "usage: %s f1|f1-spaced|speed|diff FILE [N]\n", argv[0]);
		return 2;
	}
	std::string mode = argv[1];
	if (mode == "f1")
		return F1(ReadConllu(argv[2]));
	if (mode == "f1-spaced")
		return F1(ReadSpaced(argv[2]));
	if (mode == "diff")
		return Diff(ReadConllu(argv[2]), argc > 3 ? std::atoi(argv[3]) : 20);
	if (mode == "dump" && argc > 3)
		return Dump(ReadConllu(argv[2]), argv[3]);
	if (mode == "speed")
		return Speed(argv[2], argc > 3 ? std::atoi(argv[3]) : 5);
	std::fprintf(stderr, "unknown mode %s\n", argv[1]);
	return 2;
}
