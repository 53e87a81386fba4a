-- shinjp extension script, part 35: ICU text search parser, dictionary, configuration, ranking (issue 5).
-- Segmentation depends on the ICU version (shinjp.icu_version()): after an ICU upgrade, REINDEX
-- indexes built on to_tsvector('shinjp.japanese', ...), as after a collation library upgrade.

CREATE FUNCTION shinjp.ja_prs_start(internal, integer) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_ja_prs_start'
	LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_prs_start(internal, integer) IS 'text search parser shinjp.ja_parser: start (segments the document with ICU)';

CREATE FUNCTION shinjp.ja_prs_gettoken(internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_ja_prs_gettoken'
	LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_prs_gettoken(internal, internal, internal) IS 'text search parser shinjp.ja_parser: next token';

CREATE FUNCTION shinjp.ja_prs_end(internal) RETURNS void
	AS 'MODULE_PATHNAME', 'shinjp_ja_prs_end'
	LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_prs_end(internal) IS 'text search parser shinjp.ja_parser: end';

CREATE FUNCTION shinjp.ja_prs_lextype(internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_ja_prs_lextype'
	LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_prs_lextype(internal) IS 'text search parser shinjp.ja_parser: token types';

CREATE TEXT SEARCH PARSER shinjp.ja_parser (
	START = shinjp.ja_prs_start,
	GETTOKEN = shinjp.ja_prs_gettoken,
	END = shinjp.ja_prs_end,
	LEXTYPES = shinjp.ja_prs_lextype,
	HEADLINE = pg_catalog.prsd_headline
);
COMMENT ON TEXT SEARCH PARSER shinjp.ja_parser IS 'Japanese words by ICU word segmentation plus short-unit-word rules; token types kanji, hiragana, katakana, mixed, latin, number, alnum, otherword, emoji, symbol, blank';

CREATE FUNCTION shinjp.ja_lexize(internal, internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_ja_lexize'
	LANGUAGE C STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_lexize(internal, internal, internal, internal) IS 'text search template shinjp.ja_template: lexeme = shinjp.ja_normalize(token)';

CREATE TEXT SEARCH TEMPLATE shinjp.ja_template (LEXIZE = shinjp.ja_lexize);
COMMENT ON TEXT SEARCH TEMPLATE shinjp.ja_template IS 'Japanese lexemes: the search normalisation of each token (NFKC, case folding, katakana to hiragana)';

CREATE TEXT SEARCH DICTIONARY shinjp.ja_dict (TEMPLATE = shinjp.ja_template);
COMMENT ON TEXT SEARCH DICTIONARY shinjp.ja_dict IS 'Japanese dictionary: every token is a lexeme (no stop words), normalised like shinjp.ja_normalize';

CREATE TEXT SEARCH CONFIGURATION shinjp.japanese (PARSER = shinjp.ja_parser);
ALTER TEXT SEARCH CONFIGURATION shinjp.japanese
	ADD MAPPING FOR kanji, hiragana, katakana, mixed, latin, number, alnum, otherword, emoji WITH shinjp.ja_dict;
COMMENT ON TEXT SEARCH CONFIGURATION shinjp.japanese IS 'Japanese text search: shinjp.ja_parser words normalised by shinjp.ja_dict; symbols and blanks are not indexed';

CREATE FUNCTION shinjp.ja_rank(document text, query text, normalization integer DEFAULT 0) RETURNS real
	AS 'MODULE_PATHNAME', 'shinjp_ja_rank'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_rank(text, text, integer) IS 'relevance of a document for whitespace-separated query terms in [0, 1): a whole-word match ranks above any number of matches inside longer words; normalization 1 divides by 1 + ln(1 + length)';

CREATE FUNCTION shinjp.ja_tsquery(query text) RETURNS tsquery
	AS 'MODULE_PATHNAME', 'shinjp_ja_tsquery'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_tsquery(text) IS 'web-search style query (words, "phrases", -negation, or) for the shinjp.japanese configuration; hiragana-only terms also match their katakana spelling';
