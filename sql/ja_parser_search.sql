-- shinjp.japanese with to_tsvector, @@, ts_rank, ts_headline, GIN; shinjp.ja_rank; long tokens and documents.
CREATE TABLE ja_docs (id int PRIMARY KEY, body text);
INSERT INTO ja_docs VALUES
	(1, '京都は古い都です。京都の寺を訪ねました。'),
	(2, '東京都の人口は多い。東京都庁に行きました。'),
	(3, 'コンピューターでメールを書きます。'),
	(4, 'ｺﾝﾋﾟｭｰﾀｰが壊れた。'),
	(5, 'I like sushi and ramen.'),
	(6, '私は毎朝コーヒーを飲みます☕');
CREATE INDEX ja_docs_fts ON ja_docs USING gin (to_tsvector('shinjp.japanese', body));
-- word search: half-width katakana document and query variants agree
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ plainto_tsquery('shinjp.japanese', 'コンピューター') ORDER BY id;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ websearch_to_tsquery('shinjp.japanese', 'SUSHI or 寺') ORDER BY id;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ phraseto_tsquery('shinjp.japanese', 'コーヒーを飲み') ORDER BY id;
-- shinjp.ja_tsquery: web-search syntax; a hiragana query also finds the katakana word (the spelling cut into fewer words wins)
INSERT INTO ja_docs VALUES (7, 'ラーメンを食べた後でコーヒー'), (8, '大阪の寿司を食べた');
SELECT shinjp.ja_tsquery('こんぴゅーたー') AS hiragana_query, shinjp.ja_tsquery('すし') AS native_word;
SELECT shinjp.ja_tsquery('京都 or 大阪 -東京 "寿司を食べ"') AS syntax;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('こんぴゅーたー') ORDER BY id;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('らーめん こーひー') ORDER BY id;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('"寿司を食べた" or 京都 -東京') ORDER BY id;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('ＳＵＳＨＩ') ORDER BY id;
-- romaji terms (shinjp.romaji_to_kana) also search their kana spelling; English words still match as typed
SELECT shinjp.ja_tsquery('konpyu-ta- sushi') AS romaji;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('konpyu-ta-') ORDER BY id;
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('ra-men -sushi') ORDER BY id;
-- quotes and backslashes are quoted in the tsquery; symbol-only and empty queries give an empty tsquery
SELECT shinjp.ja_tsquery(E'it''s a\\b') AS quoted;
SELECT shinjp.ja_tsquery('「」！') AS symbols, shinjp.ja_tsquery('') AS empty, shinjp.ja_tsquery(' or ') AS only_or;
SELECT shinjp.ja_tsquery(NULL) IS NULL AS null_query;
SELECT to_tsvector('shinjp.japanese', 'x ' || repeat('ab', 1500)) @@ shinjp.ja_tsquery(repeat('ab', 1500)) AS long_term_matches;
DELETE FROM ja_docs WHERE id IN (7, 8);
-- the GIN index is used
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ to_tsquery('shinjp.japanese', '京都');
SELECT id FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ to_tsquery('shinjp.japanese', '京都') ORDER BY id;
RESET enable_seqscan;
-- ts_rank works with the configuration
SELECT id, round(ts_rank(to_tsvector('shinjp.japanese', body), to_tsquery('shinjp.japanese', '京都'))::numeric, 4) AS rank
  FROM ja_docs WHERE to_tsvector('shinjp.japanese', body) @@ to_tsquery('shinjp.japanese', '京都') ORDER BY id;
-- ts_headline marks exactly the matched words in the original text
SELECT ts_headline('shinjp.japanese', body, to_tsquery('shinjp.japanese', '京都')) FROM ja_docs WHERE id = 1;
SELECT ts_headline('shinjp.japanese', body, plainto_tsquery('shinjp.japanese', 'コンピューター')) FROM ja_docs WHERE id IN (3, 4) ORDER BY id;
-- ja_rank: a whole-word match ranks above a match inside a longer word (京都 vs 東京都) ...
SELECT id, round(shinjp.ja_rank(body, '京都')::numeric, 4) AS ja_rank FROM ja_docs ORDER BY shinjp.ja_rank(body, '京都') DESC, id;
-- ... however often the longer word occurs
SELECT shinjp.ja_rank('京都に行く', '京都') > shinjp.ja_rank(repeat('東京都と', 50), '京都') AS whole_beats_many_partial;
-- several terms average; variants of the query are normalised; no match is 0
SELECT round(shinjp.ja_rank('京都と大阪', '京都 大阪')::numeric, 4) AS both,
       round(shinjp.ja_rank('京都と奈良', '京都 大阪')::numeric, 4) AS one,
       round(shinjp.ja_rank('コンピューター', 'ｺﾝﾋﾟｭｰﾀｰ')::numeric, 4) AS variant,
       shinjp.ja_rank('京都', '大阪') AS none;
-- matches are whole-word only when they cover whole source characters and whole words: ㍿ is 株式会社
SELECT round(shinjp.ja_rank('㍿を作る', '株式会社')::numeric, 4) AS whole_sign,
       round(shinjp.ja_rank('㍿を作る', '式会')::numeric, 4) AS inside_sign,
       round(shinjp.ja_rank('ﾊﾞｽに乗る', 'バス')::numeric, 4) AS half_width_whole;
-- length normalization, empty and symbol-only queries, NULL
SELECT round(shinjp.ja_rank('京都', '京都', 1)::numeric, 4) AS short_doc,
       round(shinjp.ja_rank('京都' || repeat('。', 100), '京都', 1)::numeric, 4) AS long_doc;
SELECT shinjp.ja_rank('京都', '') AS empty_query, shinjp.ja_rank('', '京都') AS empty_doc,
       shinjp.ja_rank('京都', '　 ') AS blank_query, shinjp.ja_rank('京都', NULL) IS NULL AS null_query;
SELECT shinjp.ja_rank('京都', '京都', 2);
\echo :LAST_ERROR_SQLSTATE
-- tokens over 255 bytes are cut into pieces, over 2,047 bytes too: no NOTICE, no lost match
SELECT length(t.token) AS piece_chars, octet_length(t.token) AS piece_bytes
  FROM ts_parse('shinjp.ja_parser', repeat('a', 600)) AS t ORDER BY 1 DESC, 2;
SELECT to_tsvector('shinjp.japanese', 'x ' || repeat('ab', 1500)) @@ plainto_tsquery('shinjp.japanese', repeat('ab', 1500)) AS long_word_matches;
SELECT to_tsvector('shinjp.japanese', repeat('ア', 3000)) @@ plainto_tsquery('shinjp.japanese', repeat('ｱ', 3000)) AS long_kana_matches;
SELECT max(octet_length(token)) <= 255 AS capped FROM ts_parse('shinjp.ja_parser', repeat('漢', 1000) || repeat('😀', 300));
-- a 10 MB document: parsed, indexed, searchable (tsvector positions are PostgreSQL's to cap)
CREATE TABLE ja_big AS SELECT repeat('吾輩は猫である。名前はまだ無い。', 350000) AS body;
SELECT octet_length(body) > 10000000 AS ten_mb, (SELECT count(*) FROM ts_parse('shinjp.ja_parser', body)) AS tokens FROM ja_big;
WITH s AS MATERIALIZED (SELECT to_tsvector('shinjp.japanese', body) AS tsv FROM ja_big)
SELECT tsv @@ to_tsquery('shinjp.japanese', '猫 & 名前') AS found, length(tsv) AS lexemes FROM s;
SELECT shinjp.ja_rank(body, '猫') > 0.5 AS ranked FROM ja_big;
-- segmenting it honours statement_timeout (the C++ loop polls for interrupts), and the backend goes on
SET statement_timeout = '100ms';
SELECT length(to_tsvector('shinjp.japanese', body || body || body)) FROM ja_big;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT to_tsvector('shinjp.japanese', '猫がいる') AS after_cancel;
-- parallel workers segment with their own ICU iterator: same answer as the serial plan
CREATE TABLE ja_par AS SELECT i AS id, CASE WHEN i % 3 = 0 THEN '京都の寺' ELSE '東京都の空' END || i AS body
  FROM generate_series(1, 30000) AS i;
ANALYZE ja_par;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(*) FROM ja_par WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('京都');
SELECT count(*) AS parallel_count, sum(shinjp.ja_rank(body, '京都'))::numeric(10, 2) AS parallel_rank_sum
  FROM ja_par WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('京都');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS serial_count, sum(shinjp.ja_rank(body, '京都'))::numeric(10, 2) AS serial_rank_sum
  FROM ja_par WHERE to_tsvector('shinjp.japanese', body) @@ shinjp.ja_tsquery('京都');
RESET max_parallel_workers_per_gather;
DROP TABLE ja_par;
-- IMMUTABLE wrappers of the configuration can back expression indexes and generated columns
CREATE TABLE ja_gen (body text, tsv tsvector GENERATED ALWAYS AS (to_tsvector('shinjp.japanese', body)) STORED);
INSERT INTO ja_gen VALUES ('日本語を勉強しています');
SELECT tsv FROM ja_gen;
DROP TABLE ja_docs, ja_big, ja_gen;
