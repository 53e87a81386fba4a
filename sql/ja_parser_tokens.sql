-- shinjp.ja_parser: token types and segmentation edge cases (ts_token_type, ts_parse, ts_debug).
-- Segmentation comes from ICU; an ICU major with a different dictionary may need an alternative file.
SELECT tokid, alias, description FROM ts_token_type('shinjp.ja_parser') ORDER BY tokid;
-- kanji, hiragana, katakana runs and the short-unit-word rules (した → し|た, っ closes a verb stem)
SELECT alias, token, lexemes FROM ts_debug('shinjp.japanese', '東京都の京都タワーで寿司を食べました。');
SELECT alias, token, lexemes FROM ts_debug('shinjp.japanese', '背中に背負った荷物を使っている');
-- half-width katakana and full-width Latin/digits fold to the same lexemes as their plain forms
SELECT alias, token, lexemes FROM ts_debug('shinjp.japanese', 'ｶﾀｶﾅとＡＢＣと２０２４年と①');
-- romaji and English: Latin words, case folded; letters and digits are separate words
SELECT alias, token, lexemes FROM ts_debug('shinjp.japanese', 'Konnichiha, Tokyo! mp3 ALL999 3.14');
-- emoji (with skin tone, ZWJ family, flag), combining marks and variation selectors stay in their token
SELECT alias, token, lexemes FROM ts_debug('shinjp.japanese', '😀👍🏽 👨‍👩‍👧 🇯🇵 か゚ 葛󠄀城 e' || chr(769) || 'te');
-- control characters and odd spaces are blanks; nothing is lost between tokens
SELECT alias, encode(convert_to(token, 'UTF8'), 'hex') AS token_hex FROM ts_debug('shinjp.japanese', E'a\tb\u3000c' || chr(1) || 'd');
SELECT string_agg(token, '' ORDER BY ord) = E'猫が\t好き🐈 !' AS tokens_tile_input
  FROM ts_parse('shinjp.ja_parser', E'猫が\t好き🐈 !') WITH ORDINALITY AS t(tokid, token, ord);
-- other scripts
SELECT alias, token, lexemes FROM ts_debug('shinjp.japanese', '한국어 русский Ελληνικά');
-- empty and whitespace-only input: no tokens / no lexemes
SELECT count(*) AS empty_tokens FROM ts_parse('shinjp.ja_parser', '');
SELECT alias, length(token) FROM ts_debug('shinjp.japanese', E' \t\n　');
SELECT to_tsvector('shinjp.japanese', '') AS empty, to_tsvector('shinjp.japanese', E' \n ') AS blank;
-- only symbols: no lexemes, an empty query that matches nothing (PostgreSQL's NOTICE)
SELECT to_tsvector('shinjp.japanese', '「」！？…・') AS symbols;
SELECT plainto_tsquery('shinjp.japanese', '！？') AS symbol_query;
-- NULL in, NULL out
SELECT to_tsvector('shinjp.japanese', NULL::text) IS NULL AS null_doc;
-- the dictionary alone: normalised lexeme; a token that normalises to nothing is a stop word ({})
SELECT ts_lexize('shinjp.ja_dict', 'ｶﾀｶﾅ') AS half_width, ts_lexize('shinjp.ja_dict', 'ＡＢＣ') AS full_width,
       ts_lexize('shinjp.ja_dict', E'\uFE00') AS variation_selector, ts_lexize('shinjp.ja_dict', '') AS empty;
-- the configuration can be copied and its mapping changed like any other (here: drop particles)
CREATE TEXT SEARCH CONFIGURATION pg_temp.ja_no_hiragana (COPY = shinjp.japanese);
ALTER TEXT SEARCH CONFIGURATION pg_temp.ja_no_hiragana DROP MAPPING FOR hiragana;
SELECT to_tsvector('pg_temp.ja_no_hiragana', '猫がいる') AS without_hiragana;
