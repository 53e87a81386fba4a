-- Exact normalised substring search through the GIN operator class shinjp.ja_substring_ops:
-- the index answers exactly what a sequential scan answers, for 1-, 2- and longer needles,
-- for the &@~ query builder, and for documents far beyond tsvector's 16,383 positions.
SET search_path = shinjp, public;
CREATE TABLE docs (id int PRIMARY KEY, body text);
INSERT INTO docs VALUES
	(1, '東京都に住んでいます。'),
	(2, '京都のお寺を見に行った。'),
	(3, 'コンピューターが壊れた'),
	(4, 'ｺﾝﾋﾟｭｰﾀｰを買う'),
	(5, 'こんぴゅーたーとは何か'),
	(6, 'ラ－メンが好き、すご〜い'),
	(7, 'いすゞの車'),
	(8, 'Tokyo Tower ＴＯＫＹＯ'),
	(9, '株式会社と㍿'),
	(10, ''),
	(11, '   '),
	(12, E'制御\x01文字と絵文字😀👍🏽'),
	(13, '東'),
	(14, E'葛\U000E0100飾区'),
	(15, 'こんにちは、世界'),
	(16, NULL),
	(17, '東京'),
	(18, 'とうきょうへ行く');
-- a 10 MB document: the needles sit after 3 million characters, one at the very end
INSERT INTO docs SELECT 100, repeat('あいうえお', 700000) || '東京タワー' || repeat('かきくけこ', 1400000) || '終';
CREATE INDEX docs_body_idx ON docs USING gin (body shinjp.ja_substring_ops);
ANALYZE docs;
CREATE TEMP TABLE needles (needle text, kind text);
INSERT INTO needles VALUES
	('東', '1 char'), ('京', '1 char'), ('終', '1 char, last char of 10 MB'), ('😀', '1 char, emoji'),
	('ｰ', '1 char, half-width ー'), ('あ', '1 char'), (' ', '1 char, space'),
	('東京', '2 chars'), ('京都', '2 chars'), ('ﾀﾜ', '2 chars, half-width'), ('ラー', '2 chars'),
	('きょ', '2 chars'), ('ｶﾞ', '2 chars → 1 after NFKC'), ('飾区', '2 chars'),
	('コンピューター', 'katakana'), ('こんぴゅーたー', 'hiragana for katakana'), ('ラーメン', 'dash folded'),
	('いすず', 'iteration mark'), ('株式会社', '㍿'), ('tokyo', 'case folded'), ('東京タワー', 'in 10 MB'),
	('タワーかき', 'across the 10 MB boundary'), ('絵文字😀👍', 'emoji'), ('葛飾', 'variation selector removed'),
	('', 'empty'), ('存在しない', 'absent');
-- every needle: index scan = sequential scan
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE body &@ '東京';
CREATE TEMP TABLE via_index AS
	SELECT n.needle, n.kind, array(SELECT id FROM docs WHERE body &@ n.needle ORDER BY id) AS ids FROM needles n;
RESET enable_seqscan;
SET enable_indexscan = off; SET enable_bitmapscan = off;
CREATE TEMP TABLE via_scan AS
	SELECT n.needle, n.kind, array(SELECT id FROM docs WHERE body &@ n.needle ORDER BY id) AS ids FROM needles n;
RESET enable_indexscan; RESET enable_bitmapscan;
SELECT i.kind, i.needle, i.ids, i.ids = s.ids AS index_equals_scan
FROM via_index i JOIN via_scan s USING (needle) ORDER BY i.kind, i.needle;
-- the query builder through the index, same check
CREATE TEMP TABLE queries (q text);
INSERT INTO queries VALUES ('東京 -都'), ('京都 OR 東京'), ('toukyou'), ('konpyu-ta-'), ('konnichiha'),
	('コンピュタ'), ('"こんぴゅた"'), ('"Tokyo Tower"'), ('"tokyo  tower"'), ('tokyo tower'), ('-東京'), ('-'), ('!?'),
	(''), ('   '), ('""'), ('東 OR -京'), ('タワー -かきくけこ');
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE body &@~ 'toukyou';
CREATE TEMP TABLE q_index AS SELECT q, array(SELECT id FROM docs WHERE body &@~ q ORDER BY id) AS ids FROM queries;
RESET enable_seqscan;
SET enable_indexscan = off; SET enable_bitmapscan = off;
CREATE TEMP TABLE q_scan AS SELECT q, array(SELECT id FROM docs WHERE body &@~ q ORDER BY id) AS ids FROM queries;
RESET enable_indexscan; RESET enable_bitmapscan;
SELECT i.q, shinjp.ja_query(i.q) AS parsed, i.ids, i.ids = s.ids AS index_equals_scan
FROM q_index i JOIN q_scan s USING (q) ORDER BY i.q;
-- 1- and 2-character needles are answered from the index alone (no recheck): the bitmap heap scan
-- removes nothing, even with the only match hidden in a 10 MB document
SET enable_seqscan = off;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM docs WHERE body &@ '終';
RESET enable_seqscan;
-- index maintenance: update and delete are seen
UPDATE docs SET body = '大阪に引っ越した' WHERE id = 17;
DELETE FROM docs WHERE id = 13;
SET enable_seqscan = off;
SELECT array(SELECT id FROM docs WHERE body &@ '東京' ORDER BY id) AS tokyo, array(SELECT id FROM docs WHERE body &@ '大阪' ORDER BY id) AS osaka;
RESET enable_seqscan;
-- NULL arguments
SELECT NULL::text &@ '東京' AS null_doc, '東京'::text &@ NULL AS null_needle;
DROP TABLE docs;
-- Keys: kana, ASCII and CJK punctuation (code points below U+3100) put a unigram key in every row
-- that has them, so a 1-character needle of them reads one posting list; other characters (kanji,
-- emoji) are a partial match over their bigrams and end key.  Both are exact wherever the character
-- stands (first, middle, last, alone, in a long row), and so is every 2-character needle.
CREATE TABLE keydocs (id int PRIMARY KEY, body text);
INSERT INTO keydocs
SELECT g, substr(a, 1 + g % 29, 1 + g % 7) || substr(a, 1 + (g * 7) % 29, g % 4)
FROM generate_series(1, 600) g, (VALUES ('あいうえおアイウエオ東京都abcABC、。ー😀 ｲｰ々ぃ人x')) v(a);
INSERT INTO keydocs VALUES (1001, 'イ'), (1002, '東'), (1003, 'a'), (1004, '。'), (1005, 'ー'), (1006, '😀'),
	(1007, 'い' || repeat('x', 40000) || 'ぃ京'), (1008, repeat('人', 20000) || 'ｳ'), (1009, ' '), (1010, '');
CREATE INDEX keydocs_idx ON keydocs USING gin (body shinjp.ja_substring_ops);
CREATE TEMP TABLE key_needles AS
SELECT DISTINCT c1 AS needle FROM regexp_split_to_table('あいうえおアイウエオ東京都abcABC、。ー😀 ｲｰ々ぃ人xｳ', '') c1
UNION SELECT c1 || c2 FROM regexp_split_to_table('いイ東京aA。ー😀 ｲ々ぃ人xｳ', '') c1, regexp_split_to_table('いイ東京aA。ー😀 ｲ々ぃ人xｳ', '') c2;
SET enable_seqscan = off;
CREATE TEMP TABLE key_index AS SELECT needle, array(SELECT id FROM keydocs WHERE body &@ needle ORDER BY id) AS ids FROM key_needles;
RESET enable_seqscan;
SET enable_indexscan = off; SET enable_bitmapscan = off;
CREATE TEMP TABLE key_scan AS SELECT needle, array(SELECT id FROM keydocs WHERE body &@ needle ORDER BY id) AS ids FROM key_needles;
RESET enable_indexscan; RESET enable_bitmapscan;
SELECT length(i.needle) AS chars, count(*) AS needles, count(*) FILTER (WHERE i.ids = s.ids) AS index_equals_scan,
	sum(cardinality(s.ids)) AS rows_matched
FROM key_index i JOIN key_scan s USING (needle) GROUP BY 1 ORDER BY 1;
-- a few needles: how many rows, and whether the single-character rows (1001-1006, 1009) and the long
-- rows (1007: い, 40,000 x, ぃ京 at the end; 1008: 20,000 人 then ｳ at the end) are among them
SELECT needle, cardinality(ids) AS n, array(SELECT u FROM unnest(ids) u WHERE u > 1000) AS special_rows
FROM key_index WHERE needle IN ('イ', '京', 'ぃ', 'ｳ', '😀', ' ', 'ー', 'a', '。', '東', '人', 'ぃ京', '人ｳ', '人人', 'x')
ORDER BY needle COLLATE "C";
-- no recheck for 1- and 2-character needles (the operator function is never called), a recheck for longer ones
SET track_functions = 'all';
BEGIN;
SET LOCAL enable_seqscan = off;
SELECT count(*) AS kana FROM keydocs WHERE body &@ 'ｲ';
SELECT count(*) AS kanji FROM keydocs WHERE body &@ '京';
SELECT count(*) AS two_chars FROM keydocs WHERE body &@ 'イ東';
SELECT coalesce(sum(calls), 0) AS rechecks FROM pg_stat_xact_user_functions WHERE funcname = 'ja_contains';
SELECT count(*) AS three_chars FROM keydocs WHERE body &@ 'いうえ';
SELECT sum(calls) > 0 AS rechecked FROM pg_stat_xact_user_functions WHERE funcname = 'ja_contains';
COMMIT;
RESET track_functions;
DROP TABLE keydocs;
-- Row estimates come from the column's statistics (matchingsel runs the operator over its most
-- common values and histogram): a needle in half the rows is not planned like one in 1%.
CREATE TABLE estdocs (id int, body text);
INSERT INTO estdocs SELECT i, CASE WHEN i % 2 = 0 THEN 'テスト' ELSE '本' END || i
	|| CASE WHEN i % 100 = 0 THEN 'の京都' ELSE '' END FROM generate_series(1, 2000) i;
CREATE INDEX ON estdocs USING gin (body shinjp.ja_substring_ops);
ANALYZE estdocs;
CREATE FUNCTION pg_temp.rows_estimated_and_actual(cond text, OUT estimated float8, OUT actual bigint)
LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) SELECT * FROM estdocs WHERE ' || cond INTO plan;
	estimated := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
	EXECUTE 'SELECT count(*) FROM estdocs WHERE ' || cond INTO actual;
END $$;
SELECT cond, r.actual, r.estimated BETWEEN r.actual / 2.0 AND r.actual * 2.0 AS estimate_within_2x
FROM (VALUES ('body &@ ''す'''), ('body &@ ''ﾃｽﾄ'''), ('body &@ ''京都'''), ('body &@~ ''tesuto -京都''')) v(cond),
	LATERAL pg_temp.rows_estimated_and_actual(cond) r
ORDER BY cond;
-- a new ANALYZE is seen at once (a backend keeps the normalised sample per statistics row version)
UPDATE estdocs SET body = 'テスト' || id WHERE id % 2 = 1;
ANALYZE estdocs;
SELECT cond, r.actual, r.estimated
FROM (VALUES ('body &@ ''ﾃｽﾄ'''), ('body &@ ''本''')) v(cond), LATERAL pg_temp.rows_estimated_and_actual(cond) r
ORDER BY cond;
-- under row level security the statistics stay unread (the search function is not leakproof):
-- a default guess, not an estimate drawn from rows the role may not see
CREATE ROLE shinjp_est_reader;
GRANT SELECT ON estdocs TO shinjp_est_reader;
ALTER TABLE estdocs ENABLE ROW LEVEL SECURITY;
CREATE POLICY est_own ON estdocs TO shinjp_est_reader USING (id <= 1000);
SET ROLE shinjp_est_reader;
SELECT r.actual, r.estimated < r.actual / 10.0 AS default_guess
FROM pg_temp.rows_estimated_and_actual('body &@ ''ﾃｽﾄ''') r;
RESET ROLE;
DROP TABLE estdocs;
DROP ROLE shinjp_est_reader;
