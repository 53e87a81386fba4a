/*
 * tsparser_fmgr.cpp — the text search parser shinjp.ja_parser (start/gettoken/end/lextype), the
 * dictionary template's lexize function (lexemes = the shared search normaliser's output),
 * shinjp.ja_rank and shinjp.ja_tsquery.
 *
 * prsstart segments the whole document at once with the PG-free core (src/jatext/segment.cpp) into a
 * palloc'd token array; gettoken hands out pointers into PostgreSQL's input buffer; nothing is kept
 * in C++ objects between calls, so an error between two calls leaks nothing (the memory context
 * owns everything).
 */
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "jatext/normalize.hpp"
#include "jatext/segment.hpp"
#include "jatext/tsquery_build.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "mb/pg_wchar.h"
#include "tsearch/ts_public.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
}

namespace {

/* One token of the parser state: a byte range of the input and its type. */
struct ParserToken {
	int32 begin;
	int32 len;
	int32 type;
};

/* Parser state: POD in the caller's memory context. */
struct ParserState {
	char *text;
	ParserToken *tokens;
	int32 ntokens;
	int32 capacity;
	int32 next;
};

/* Refuse non-UTF8 databases (CREATE EXTENSION refuses them too; this covers a template copy). */
void
RequireUtf8()
{
	if (GetDatabaseEncoding() != PG_UTF8)
		throw shinjp::Error(shinjp::sqlstate::kFeatureNotSupported, "shinjp text search requires a UTF8 database",
		                    std::string("The database encoding is ") + GetDatabaseEncodingName() + ".",
		                    "Create the database with ENCODING 'UTF8'.");
}

/* Allocate in cxt without longjmp'ing: failure throws std::bad_alloc. */
void *
AllocNoThrowPg(MemoryContext cxt, std::size_t bytes)
{
	if (bytes > MaxAllocHugeSize)
		throw std::bad_alloc();
	void *p = MemoryContextAllocExtended(cxt, bytes, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (p == nullptr)
		throw std::bad_alloc();
	return p;
}

/* A palloc'd copy of a C string (throws instead of longjmp'ing). */
char *
PallocCopy(const char *s)
{
	std::size_t n = std::strlen(s);
	char *copy = static_cast<char *>(AllocNoThrowPg(CurrentMemoryContext, n + 1));
	std::memcpy(copy, s, n + 1);
	return copy;
}

/* Appends segmenter tokens to the palloc'd array of a ParserState. */
class StateSink : public shinjp::ts::TokenSink {
  public:
	StateSink(ParserState *state, MemoryContext cxt) : state_(state), cxt_(cxt) {}

	void Emit(std::size_t begin, std::size_t end, int type) override
	{
		if (state_->ntokens == state_->capacity) {
			int64 cap = state_->capacity ? int64(state_->capacity) * 2 : 64;
			if (cap > INT32_MAX / 2)
				throw std::bad_alloc();
			auto *grown = static_cast<ParserToken *>(AllocNoThrowPg(cxt_, sizeof(ParserToken) * cap));
			if (state_->ntokens > 0)
				std::memcpy(grown, state_->tokens, sizeof(ParserToken) * state_->ntokens);
			if (state_->tokens)
				pfree(state_->tokens);
			state_->tokens = grown;
			state_->capacity = static_cast<int32>(cap);
		}
		state_->tokens[state_->ntokens++] = {static_cast<int32>(begin), static_cast<int32>(end - begin), type};
	}

  private:
	ParserState *state_;
	MemoryContext cxt_;
};

/* Collects word boundaries (byte offsets where a token starts or ends). */
class BoundarySink : public shinjp::ts::TokenSink {
  public:
	std::vector<std::size_t> boundaries;
	void Emit(std::size_t begin, std::size_t end, int) override
	{
		if (boundaries.empty() || boundaries.back() != begin)
			boundaries.push_back(begin);
		boundaries.push_back(end);
	}
	bool IsBoundary(std::size_t at) const { return std::binary_search(boundaries.begin(), boundaries.end(), at); }
};

std::string_view
TextArgView(FunctionCallInfo fcinfo, int n)
{
	text *t = shinjp::pg::Call([&] { return PG_GETARG_TEXT_PP(n); });
	return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

}  // namespace

/* prsstart(internal text, int4 len) → internal: segment the whole document. */
SHINJP_FUNCTION(shinjp_ja_prs_start)
{
	RequireUtf8();
	char *text = reinterpret_cast<char *>(PG_GETARG_POINTER(0));
	int32 len = PG_GETARG_INT32(1);
	auto *state = static_cast<ParserState *>(AllocNoThrowPg(CurrentMemoryContext, sizeof(ParserState)));
	*state = ParserState{text, nullptr, 0, 0, 0};
	StateSink sink(state, CurrentMemoryContext);
	if (len > 0)
		shinjp::ts::Segment(std::string_view(text, static_cast<std::size_t>(len)), sink);
	PG_RETURN_POINTER(state);
}

/* prsgettoken(internal state, internal char **, internal int *) → int4 type, 0 at the end. */
SHINJP_FUNCTION(shinjp_ja_prs_gettoken)
{
	auto *state = reinterpret_cast<ParserState *>(PG_GETARG_POINTER(0));
	char **token = reinterpret_cast<char **>(PG_GETARG_POINTER(1));
	int *token_len = reinterpret_cast<int *>(PG_GETARG_POINTER(2));
	if (state->next >= state->ntokens)
		PG_RETURN_INT32(0);
	const ParserToken &t = state->tokens[state->next++];
	*token = state->text + t.begin;
	*token_len = t.len;
	PG_RETURN_INT32(t.type);
}

/* prsend(internal state): free the token array. */
SHINJP_FUNCTION(shinjp_ja_prs_end)
{
	auto *state = reinterpret_cast<ParserState *>(PG_GETARG_POINTER(0));
	if (state->tokens)
		pfree(state->tokens);
	pfree(state);
	PG_RETURN_VOID();
}

/* prslextype(internal) → internal: the LexDescr array of token types. */
SHINJP_FUNCTION(shinjp_ja_prs_lextype)
{
	int n = 0;
	while (shinjp::ts::kTokenTypes[n] != 0)
		n++;
	auto *descr = static_cast<LexDescr *>(AllocNoThrowPg(CurrentMemoryContext, sizeof(LexDescr) * (n + 1)));
	for (int i = 0; i < n; i++) {
		int type = shinjp::ts::kTokenTypes[i];
		descr[i].lexid = type;
		descr[i].alias = PallocCopy(shinjp::ts::TokenAlias(type)); /* ts_token_type pfrees them */
		descr[i].descr = PallocCopy(shinjp::ts::TokenDescription(type));
	}
	descr[n].lexid = 0;
	PG_RETURN_POINTER(descr);
}

/*
 * lexize(internal dictdata, internal token, internal len, internal substate) → internal TSLexeme[]:
 * the normalised token.  A token that normalises to nothing (a lone variation selector) is a stop
 * word; a lexeme longer than PostgreSQL's 2,047-byte limit is cut at character boundaries into
 * several lexemes at consecutive positions, so nothing is dropped.
 */
SHINJP_FUNCTION(shinjp_ja_lexize)
{
	RequireUtf8();
	const char *token = reinterpret_cast<const char *>(PG_GETARG_POINTER(1));
	int32 len = PG_GETARG_INT32(2);
	std::vector<std::string> parts;
	shinjp::ts::TokenLexemes(std::string_view(token, len > 0 ? static_cast<std::size_t>(len) : 0), &parts);
	MemoryContext cxt = CurrentMemoryContext;
	auto *res = static_cast<TSLexeme *>(AllocNoThrowPg(cxt, sizeof(TSLexeme) * (parts.size() + 1)));
	std::memset(res, 0, sizeof(TSLexeme) * (parts.size() + 1));
	for (std::size_t i = 0; i < parts.size(); i++) {
		std::size_t n = parts[i].size();
		char *s = static_cast<char *>(AllocNoThrowPg(cxt, n + 1));
		std::memcpy(s, parts[i].data(), n);
		s[n] = '\0';
		res[i].lexeme = s;
		res[i].flags = i > 0 ? TSL_ADDPOS : 0;
	}
	PG_RETURN_POINTER(res);
}

/*
 * shinjp.ja_rank(document text, query text, normalization int) → float4.
 *
 * Every whitespace-separated query term is normalised and searched in the normalised document.  An
 * occurrence is a whole-word match when both its ends fall on word boundaries of the original text
 * (the ja_parser's tokens), else a partial match (inside a longer word: 京都 in 東京都).  Per term,
 * with W whole and P partial matches: 0.25 + 0.75·W/(W+1) when W > 0, else 0.25·P/(P+1) — so one
 * whole-word match outranks any number of partial ones.  The rank is the mean over terms, in [0, 1);
 * normalization 1 divides it by 1 + ln(1 + document length in characters).
 */
SHINJP_FUNCTION(shinjp_ja_rank)
{
	RequireUtf8();
	std::string_view doc = TextArgView(fcinfo, 0);
	std::string_view query = TextArgView(fcinfo, 1);
	int32 normalization = PG_GETARG_INT32(2);
	if (normalization != 0 && normalization != 1)
		throw shinjp::Error(shinjp::sqlstate::kInvalidParameterValue,
		                    "normalization must be 0 or 1, not " + std::to_string(normalization), {},
		                    "Use 0 (no length normalization) or 1 (divide by 1 + ln(1 + document length)).");

	std::vector<std::string> terms;
	{
		std::string nq = shinjp::ts::Normalize(query);
		std::size_t at = 0;
		while (at < nq.size()) {
			std::size_t sp = nq.find(' ', at);
			if (sp == std::string::npos)
				sp = nq.size();
			if (sp > at)
				terms.emplace_back(nq.substr(at, sp - at));
			at = sp + 1;
		}
	}
	if (terms.empty() || doc.empty())
		PG_RETURN_FLOAT4(0.0f);

	std::vector<uint32_t> offsets;
	std::string ndoc = shinjp::ts::Normalize(doc, &offsets);
	BoundarySink words;
	shinjp::ts::Segment(doc, words);

	double sum = 0;
	for (const std::string &term : terms) {
		double whole = 0, partial = 0;
		for (std::size_t at = ndoc.find(term); at != std::string::npos; at = ndoc.find(term, at + 1)) {
			shinjp::CheckInterrupts();
			std::size_t end = at + term.size();
			auto span = shinjp::ts::SourceSpan(offsets, doc.size(), at, end);
			/* the match must also cover whole source characters: 式会 inside ㍿ (株式会社) is partial */
			bool whole_chars = (at == 0 || offsets[at - 1] != offsets[at]) &&
			                   (end >= offsets.size() || offsets[end] != offsets[end - 1]);
			if (whole_chars && words.IsBoundary(span.first) && words.IsBoundary(span.second))
				whole++;
			else
				partial++;
		}
		sum += whole > 0 ? 0.25 + 0.75 * whole / (whole + 1) : 0.25 * partial / (partial + 1);
	}
	double rank = sum / static_cast<double>(terms.size());
	if (normalization == 1) {
		std::size_t chars = 0;
		for (unsigned char c : doc)
			chars += (c & 0xC0) != 0x80;
		rank /= 1.0 + std::log(1.0 + static_cast<double>(chars));
	}
	PG_RETURN_FLOAT4(static_cast<float4>(rank));
}

/*
 * shinjp.ja_tsquery(query text) → tsquery: a web-search style query (words, "phrases", -negation, or)
 * for the shinjp.japanese configuration; hiragana-only terms also match their katakana spelling.
 */
SHINJP_FUNCTION(shinjp_ja_tsquery)
{
	RequireUtf8();
	std::string built = shinjp::ts::BuildJaTsQuery(TextArgView(fcinfo, 0));
	const char *cstr = built.c_str();
	return shinjp::pg::Call([&] { return DirectFunctionCall1(tsqueryin, CStringGetDatum(cstr)); });
}
