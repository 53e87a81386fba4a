/*
 * search_fmgr.cpp — SQL entry points of the Japanese search half: ja_normalize, romaji_to_kana,
 * ja_query (the query builder), the operators &@ (normalised substring) and &@~ (query), ja_highlight,
 * and the GIN operator class shinjp.ja_substring_ops (keys: exact int8 bigrams, see substring.hpp).
 */
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "jatext/normalize.hpp"
#include "jatext/romaji.hpp"
#include "jatext/substring.hpp"
#include "pg/boundary.hpp"
#include "pg/memory.hpp"

extern "C" {
#include "access/gin.h"
#include "access/stratnum.h"
#include "utils/builtins.h"
}

namespace {

constexpr StrategyNumber kContainsStrategy = 1; /* &@  : normalised substring */
constexpr StrategyNumber kMatchStrategy = 2;    /* &@~ : query builder syntax */

using shinjp::ts::SearchQuery;

/* A text argument as a string_view over its detoasted bytes (valid for the call). */
std::string_view
TextArg(FunctionCallInfo fcinfo, int n)
{
	auto *v = reinterpret_cast<struct varlena *>(DatumGetPointer(PG_GETARG_DATUM(n)));
	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v)) /* only then can detoasting fail */
		v = shinjp::pg::Call([&] { return pg_detoast_datum_packed(v); });
	return std::string_view(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
}

Datum
TextResult(const std::string &s)
{
	if (s.size() > MaxAllocSize - VARHDRSZ)
		throw shinjp::Error(shinjp::sqlstate::kProgramLimitExceeded, "result text is too long",
		                    "The result would have " + std::to_string(s.size()) + " bytes.",
		                    "A text value is limited to 1 GB.");
	return PointerGetDatum(
		shinjp::pg::Call([&] { return cstring_to_text_with_len(s.data(), static_cast<int>(s.size())); }));
}

/* palloc that never longjmps: throws std::bad_alloc instead. */
void *
PallocNoThrow(size_t bytes)
{
	void *p = MemoryContextAllocExtended(CurrentMemoryContext, bytes, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (p == nullptr)
		throw std::bad_alloc();
	return p;
}

/* A compiled query kept in fn_extra across calls with the same query text. */
struct QueryCache {
	std::string text;
	bool literal = false;
	bool valid = false;
	SearchQuery query;
};

const SearchQuery &
CachedQuery(FunctionCallInfo fcinfo, std::string_view query_text, bool literal)
{
	auto *cache = static_cast<QueryCache *>(fcinfo->flinfo->fn_extra);
	if (cache == nullptr) {
		cache = shinjp::pg::NewInContext<QueryCache>(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cache;
	}
	if (!cache->valid || cache->literal != literal || cache->text != query_text) {
		cache->valid = false;
		cache->query = literal ? SearchQuery::Literal(query_text) : SearchQuery::Parse(query_text);
		cache->text.assign(query_text);
		cache->literal = literal;
		cache->valid = true;
	}
	return cache->query;
}

/* Reused across calls so that a recheck does not allocate per row; trimmed after huge documents. */
std::u32string *g_doc_buffer = nullptr;

bool
DocumentMatches(FunctionCallInfo fcinfo, bool literal)
{
	const SearchQuery &q = CachedQuery(fcinfo, TextArg(fcinfo, 1), literal);
	std::string_view doc = TextArg(fcinfo, 0);
	if (q.MatchesRaw(doc)) /* found verbatim: no need to normalise the document */
		return true;
	if (g_doc_buffer == nullptr)
		g_doc_buffer = new std::u32string();
	shinjp::ts::NormalizeCodepoints(doc, g_doc_buffer, nullptr);
	bool match = q.Matches(std::u32string_view(*g_doc_buffer));
	if (g_doc_buffer->capacity() > (1u << 20)) {
		g_doc_buffer->clear();
		g_doc_buffer->shrink_to_fit();
	}
	return match;
}

}  // namespace

/* shinjp.ja_normalize(text) — the search normalisation applied at index and query time. */
SHINJP_FUNCTION(shinjp_ja_normalize)
{
	return TextResult(shinjp::ts::Normalize(TextArg(fcinfo, 0)));
}

/* shinjp.romaji_to_kana(text) — IME-style romaji → hiragana (after width/case normalisation). */
SHINJP_FUNCTION(shinjp_romaji_to_kana)
{
	return TextResult(shinjp::ts::RomajiToKana(shinjp::ts::Normalize(TextArg(fcinfo, 0))));
}

/* shinjp.ja_query(text) — what the query builder makes of user text, in readable form. */
SHINJP_FUNCTION(shinjp_ja_query)
{
	return TextResult(SearchQuery::Parse(TextArg(fcinfo, 0)).ToString());
}

/* document &@ needle — the normalised document contains the normalised needle. */
SHINJP_FUNCTION(shinjp_ja_contains)
{
	PG_RETURN_BOOL(DocumentMatches(fcinfo, true));
}

/* document &@~ query — the document matches the query-builder query. */
SHINJP_FUNCTION(shinjp_ja_match)
{
	PG_RETURN_BOOL(DocumentMatches(fcinfo, false));
}

/* shinjp.ja_highlight(document, query, start_sel, stop_sel) — matched spans of the original marked. */
SHINJP_FUNCTION(shinjp_ja_highlight)
{
	const SearchQuery &q = CachedQuery(fcinfo, TextArg(fcinfo, 1), false);
	return TextResult(shinjp::ts::Highlight(TextArg(fcinfo, 0), q, TextArg(fcinfo, 2), TextArg(fcinfo, 3)));
}

/* GIN extractValue(text, internal nkeys) — the document's distinct bigram keys. */
SHINJP_FUNCTION(shinjp_ja_gin_extract_value)
{
	auto *nentries = reinterpret_cast<int32 *>(PG_GETARG_POINTER(1));
	std::vector<int64_t> keys;
	shinjp::ts::TextKeys(TextArg(fcinfo, 0), &keys);
	*nentries = static_cast<int32>(keys.size());
	if (keys.empty())
		PG_RETURN_POINTER(nullptr);
	auto *entries = static_cast<Datum *>(PallocNoThrow(sizeof(Datum) * keys.size()));
	for (size_t k = 0; k < keys.size(); k++)
		entries[k] = Int64GetDatum(keys[k]);
	PG_RETURN_POINTER(entries);
}

/*
 * GIN extractQuery(query, nkeys, strategy, partial_matches, extra_data, null_flags, search_mode).
 * Every key's extra_data points at the compiled query, which lives in the scan's key context.
 */
SHINJP_FUNCTION(shinjp_ja_gin_extract_query)
{
	auto *nentries = reinterpret_cast<int32 *>(PG_GETARG_POINTER(1));
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	auto **partial = reinterpret_cast<bool **>(PG_GETARG_POINTER(3));
	auto **extra = reinterpret_cast<Pointer **>(PG_GETARG_POINTER(4));
	auto *search_mode = reinterpret_cast<int32 *>(PG_GETARG_POINTER(6));
	if (strategy != kContainsStrategy && strategy != kMatchStrategy)
		throw shinjp::Error(shinjp::sqlstate::kInternalError, "unrecognized strategy number " + std::to_string(strategy));
	std::string_view query_text = TextArg(fcinfo, 0);
	auto *q = shinjp::pg::NewInContext<SearchQuery>(CurrentMemoryContext);
	*q = strategy == kContainsStrategy ? SearchQuery::Literal(query_text) : SearchQuery::Parse(query_text);
	size_t n = q->keys.size();
	*nentries = static_cast<int32>(n);
	*search_mode = q->NeedsFullScan() ? GIN_SEARCH_MODE_ALL : GIN_SEARCH_MODE_DEFAULT;
	if (q->clauses.empty()) { /* nothing to search for: no row matches */
		*nentries = 0;
		*search_mode = GIN_SEARCH_MODE_DEFAULT;
		PG_RETURN_POINTER(nullptr);
	}
	if (n == 0)
		PG_RETURN_POINTER(nullptr);
	auto *entries = static_cast<Datum *>(PallocNoThrow(sizeof(Datum) * n));
	*partial = static_cast<bool *>(PallocNoThrow(sizeof(bool) * n));
	*extra = static_cast<Pointer *>(PallocNoThrow(sizeof(Pointer) * n));
	for (size_t k = 0; k < n; k++) {
		entries[k] = Int64GetDatum(q->keys[k].key);
		(*partial)[k] = q->keys[k].partial;
		(*extra)[k] = reinterpret_cast<Pointer>(q);
	}
	PG_RETURN_POINTER(entries);
}

/* GIN consistent(check, strategy, query, nkeys, extra_data, recheck, query_keys, null_flags). */
SHINJP_FUNCTION(shinjp_ja_gin_consistent)
{
	auto *check = reinterpret_cast<bool *>(PG_GETARG_POINTER(0));
	int32 nkeys = PG_GETARG_INT32(3);
	auto *extra = reinterpret_cast<Pointer *>(PG_GETARG_POINTER(4));
	auto *recheck = reinterpret_cast<bool *>(PG_GETARG_POINTER(5));
	*recheck = true;
	if (nkeys == 0 || extra == nullptr) /* full scan without keys: the operator decides */
		PG_RETURN_BOOL(true);
	static_assert(sizeof(bool) == 1 && GIN_FALSE == shinjp::ts::kFalse && GIN_TRUE == shinjp::ts::kTrue &&
	                  GIN_MAYBE == shinjp::ts::kMaybe,
	              "check[] and GinTernaryValue must read as shinjp::ts::Ternary");
	auto *q = reinterpret_cast<const SearchQuery *>(extra[0]);
	shinjp::ts::Ternary r = q->Consistent(reinterpret_cast<const uint8_t *>(check));
	*recheck = r != shinjp::ts::kTrue;
	PG_RETURN_BOOL(r != shinjp::ts::kFalse);
}

/* GIN triConsistent(check, strategy, query, nkeys, extra_data, query_keys, null_flags). */
SHINJP_FUNCTION(shinjp_ja_gin_triconsistent)
{
	auto *check = reinterpret_cast<GinTernaryValue *>(PG_GETARG_POINTER(0));
	int32 nkeys = PG_GETARG_INT32(3);
	auto *extra = reinterpret_cast<Pointer *>(PG_GETARG_POINTER(4));
	if (nkeys == 0 || extra == nullptr)
		PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);
	auto *q = reinterpret_cast<const SearchQuery *>(extra[0]);
	PG_RETURN_GIN_TERNARY_VALUE(static_cast<GinTernaryValue>(q->Consistent(reinterpret_cast<const uint8_t *>(check))));
}

/* GIN comparePartial(partial_key, key, strategy, extra_data): same first character matches. */
SHINJP_FUNCTION(shinjp_ja_gin_compare_partial)
{
	int64 partial = PG_GETARG_INT64(0);
	int64 key = PG_GETARG_INT64(1);
	PG_RETURN_INT32((key >> shinjp::ts::kKeyShift) == (partial >> shinjp::ts::kKeyShift) ? 0 : 1);
}
