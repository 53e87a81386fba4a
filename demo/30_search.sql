-- Japanese search: normalisation, romaji and exact substring search with highlighting
SET search_path = public, shinjp;
-- the demo runs as superuser, so the server reads the corpus file in place
\set corpus :demo_data '/ja_corpus.tsv'
CREATE TABLE sentences (id int PRIMARY KEY, source text, body text);
COPY sentences FROM :'corpus' WITH (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE E'\x01');
CREATE INDEX sentences_body_idx ON sentences USING gin (body shinjp.ja_substring_ops);
ANALYZE sentences;
SELECT count(*) AS sentences, pg_size_pretty(pg_relation_size('sentences_body_idx')) AS index_size FROM sentences;
-- one normalisation at index and query time: width, case, katakana/hiragana, dashes after kana, ゝゞ
SELECT input, shinjp.ja_normalize(input) AS normalised
FROM (VALUES ('ｺﾝﾋﾟｭｰﾀｰ'), ('コンピュ―タ―'), ('ＴＯＫＹＯ ①㍿'), ('いすゞ')) AS t(input);
-- romaji the way an IME reads it
SELECT r AS romaji, shinjp.romaji_to_kana(r) AS kana FROM (VALUES ('konnichiha'), ('toukyou'), ('konpyu-ta-')) AS t(r);
-- a kana query (hiragana finds katakana and half-width forms too), through the index, highlighted
EXPLAIN (COSTS OFF) SELECT id FROM sentences WHERE body &@~ 'こんぴゅーたー';
SELECT id, shinjp.ja_highlight(body, 'こんぴゅーたー', '【', '】') AS hit
FROM sentences WHERE body &@~ 'こんぴゅーたー' ORDER BY id LIMIT 5;
-- a romaji query
SELECT shinjp.ja_query('konnichiha') AS parsed;
SELECT id, shinjp.ja_highlight(body, 'konnichiha', '【', '】') AS hit
FROM sentences WHERE body &@~ 'konnichiha' ORDER BY id LIMIT 5;
-- several words, OR, negation and a phrase; a 1-character query (no recheck needed)
SELECT id, shinjp.ja_highlight(body, '東京 OR 大阪 -"京都" 駅', '【', '】') AS hit
FROM sentences WHERE body &@~ '東京 OR 大阪 -"京都" 駅' ORDER BY id LIMIT 5;
SELECT count(*) AS rows_with_猫 FROM sentences WHERE body &@ '猫';
DROP TABLE sentences;
