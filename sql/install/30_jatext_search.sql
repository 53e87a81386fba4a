-- shinjp extension script, part 30: Japanese normalisation, romaji, exact substring search (issue 5).

CREATE FUNCTION shinjp.ja_normalize(input text) RETURNS text
	AS 'MODULE_PATHNAME', 'shinjp_ja_normalize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_normalize(text) IS 'search normalisation: NFKC + case folding, katakana to hiragana (keeps ー), dash/wave after kana read as ー, ゝゞ expanded, whitespace runs to one space';

CREATE FUNCTION shinjp.romaji_to_kana(input text) RETURNS text
	AS 'MODULE_PATHNAME', 'shinjp_romaji_to_kana'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.romaji_to_kana(text) IS 'IME-style romaji to hiragana: Hepburn, Kunrei and wapuro spellings, n/nn/n'', x/l small kana, doubled consonants as sokuon, - as ー; other characters pass through';

CREATE FUNCTION shinjp.ja_query(query text) RETURNS text
	AS 'MODULE_PATHNAME', 'shinjp_ja_query'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_query(text) IS 'what the &@~ query builder makes of user text (words ANDed, OR, -negation, "phrases", romaji and missing-ー alternatives), as a readable expression';

CREATE FUNCTION shinjp.ja_contains(document text, needle text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'shinjp_ja_contains'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_contains(text, text) IS 'true when ja_normalize(document) contains ja_normalize(needle) as a substring (operator &@)';

CREATE FUNCTION shinjp.ja_match(document text, query text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'shinjp_ja_match'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_match(text, text) IS 'true when the document matches the query-builder query (operator &@~); see ja_query';

-- Selectivity from the column's statistics (its most common values and histogram, searched as
-- LIKE's estimator searches them), so the planner sees that &@ 'い' keeps most rows and &@ '京都'
-- few; a constant guess would send it to this index for a needle in every row.
CREATE FUNCTION shinjp.ja_contains_sel(internal, oid, internal, integer) RETURNS float8
	AS 'MODULE_PATHNAME', 'shinjp_ja_contains_sel'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_contains_sel(internal, oid, internal, integer) IS 'restriction selectivity of &@ from column statistics (normalised sample cached per backend)';

CREATE FUNCTION shinjp.ja_match_sel(internal, oid, internal, integer) RETURNS float8
	AS 'MODULE_PATHNAME', 'shinjp_ja_match_sel'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_match_sel(internal, oid, internal, integer) IS 'restriction selectivity of &@~ from column statistics (normalised sample cached per backend)';

CREATE OPERATOR shinjp.&@ (
	LEFTARG = text, RIGHTARG = text, FUNCTION = shinjp.ja_contains,
	RESTRICT = shinjp.ja_contains_sel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR shinjp.&@ (text, text) IS 'normalised substring: ja_normalize(left) contains ja_normalize(right); indexable with shinjp.ja_substring_ops';

CREATE OPERATOR shinjp.&@~ (
	LEFTARG = text, RIGHTARG = text, FUNCTION = shinjp.ja_match,
	RESTRICT = shinjp.ja_match_sel, JOIN = pg_catalog.matchingjoinsel);
COMMENT ON OPERATOR shinjp.&@~ (text, text) IS 'search query (words, OR, -negation, "phrases", romaji, missing ー) over normalised text; indexable with shinjp.ja_substring_ops';

CREATE FUNCTION shinjp.ja_highlight(document text, query text, start_sel text DEFAULT '<b>', stop_sel text DEFAULT '</b>')
	RETURNS text
	AS 'MODULE_PATHNAME', 'shinjp_ja_highlight'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_highlight(text, text, text, text) IS 'the original, un-normalised document with every span matched by the &@~ query wrapped in start_sel/stop_sel (no HTML escaping)';

-- GIN operator class: keys are exact int8 bigrams of the normalised text (src/jatext/substring.hpp).
CREATE FUNCTION shinjp.ja_gin_extract_value(text, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_ja_gin_extract_value'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_gin_extract_value(text, internal) IS 'GIN support for shinjp.ja_substring_ops: document keys';

CREATE FUNCTION shinjp.ja_gin_extract_query(text, internal, int2, internal, internal, internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_ja_gin_extract_query'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_gin_extract_query(text, internal, int2, internal, internal, internal, internal) IS 'GIN support for shinjp.ja_substring_ops: query keys';

CREATE FUNCTION shinjp.ja_gin_consistent(internal, int2, text, int4, internal, internal, internal, internal) RETURNS boolean
	AS 'MODULE_PATHNAME', 'shinjp_ja_gin_consistent'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_gin_consistent(internal, int2, text, int4, internal, internal, internal, internal) IS 'GIN support for shinjp.ja_substring_ops: consistent';

CREATE FUNCTION shinjp.ja_gin_triconsistent(internal, int2, text, int4, internal, internal, internal) RETURNS "char"
	AS 'MODULE_PATHNAME', 'shinjp_ja_gin_triconsistent'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_gin_triconsistent(internal, int2, text, int4, internal, internal, internal) IS 'GIN support for shinjp.ja_substring_ops: ternary consistent';

CREATE FUNCTION shinjp.ja_gin_compare_partial(int8, int8, int2, internal) RETURNS int4
	AS 'MODULE_PATHNAME', 'shinjp_ja_gin_compare_partial'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_gin_compare_partial(int8, int8, int2, internal) IS 'GIN support for shinjp.ja_substring_ops: a 1-character needle matches every key starting with it';

CREATE OPERATOR CLASS shinjp.ja_substring_ops FOR TYPE text USING gin AS
	OPERATOR 1 shinjp.&@ (text, text),
	OPERATOR 2 shinjp.&@~ (text, text),
	FUNCTION 1 pg_catalog.btint8cmp(int8, int8),
	FUNCTION 2 shinjp.ja_gin_extract_value(text, internal),
	FUNCTION 3 shinjp.ja_gin_extract_query(text, internal, int2, internal, internal, internal, internal),
	FUNCTION 4 shinjp.ja_gin_consistent(internal, int2, text, int4, internal, internal, internal, internal),
	FUNCTION 5 shinjp.ja_gin_compare_partial(int8, int8, int2, internal),
	FUNCTION 6 shinjp.ja_gin_triconsistent(internal, int2, text, int4, internal, internal, internal),
	STORAGE int8;
COMMENT ON OPERATOR CLASS shinjp.ja_substring_ops USING gin IS 'exact normalised substring search (&@, &@~) for text of any length: int8 bigram keys, no recheck for 1- and 2-character needles';
