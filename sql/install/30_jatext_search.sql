-- shinjp extension script, part 30: Japanese normalisation, romaji, exact substring search (issue 5).

CREATE FUNCTION shinjp.ja_normalize(input text) RETURNS text
	AS 'MODULE_PATHNAME', 'shinjp_ja_normalize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.ja_normalize(text) IS 'search normalisation: NFKC + case folding, katakana to hiragana (keeps ー), dash/wave after kana read as ー, ゝゞ expanded, whitespace runs to one space';
