-- Limits and hostile input for the search functions: long needles and "lexemes", cancellation,
-- documents with millions of distinct bigrams.
SET search_path = public, shinjp;
CREATE TABLE lim (id int, body text);
CREATE INDEX lim_idx ON lim USING gin (body shinjp.ja_substring_ops);
-- one 10.5 MB "word" (no spaces) of 3.5 million CJK characters, far beyond tsvector's limits
INSERT INTO lim SELECT 1, string_agg(chr(19968 + ((i::bigint * 7919) % 20000)::int), '') FROM generate_series(1, 3500000) i;
INSERT INTO lim VALUES (2, repeat('長い単語', 1000)), (3, '短い');
SET enable_seqscan = off;
-- needles far over PostgreSQL's 2,047-byte lexeme limit are served through the index
SELECT array(SELECT id FROM lim WHERE body &@ repeat('長い単語', 700) ORDER BY id) AS long_needle_2800_chars,
       octet_length(repeat('長い単語', 700)) AS needle_bytes;
SELECT array(SELECT id FROM lim WHERE body &@ (SELECT substr(body, 3499000, 1000) FROM lim WHERE id = 1) ORDER BY id) AS tail_of_10mb_word;
SELECT array(SELECT id FROM lim WHERE body &@~ ('"' || repeat('長い単語', 600) || '" 語長') ORDER BY id) AS long_phrase_and;
SELECT array(SELECT id FROM lim WHERE body &@~ (repeat('長い単語', 600) || ' OR 短い') ORDER BY id) AS long_word_or;
RESET enable_seqscan;
-- a long normalisation honours statement_timeout (and the backend carries on)
SET statement_timeout = '50ms';
SELECT length(shinjp.ja_normalize(repeat('ｶﾞ', 20000000)));
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT shinjp.ja_normalize('ｶﾞ') AS still_working;
DROP TABLE lim;
-- a 1 MB kana "word" as a &@~ query: no ー-variant explosion, answered through the index
CREATE TABLE lim2 (id int, body text);
CREATE INDEX lim2_idx ON lim2 USING gin (body shinjp.ja_substring_ops);
INSERT INTO lim2 VALUES (1, repeat('あいう', 120000)), (2, 'あい');
SET enable_seqscan = off;
SELECT array(SELECT id FROM lim2 WHERE body &@~ repeat('アイウ', 110000) ORDER BY id) AS huge_kana_query;
RESET enable_seqscan;
DROP TABLE lim2;
