-- Japanese text search: ICU parser, shinjp.japanese configuration, whole-word ranking
-- How a sentence is cut into words and lexemes (katakana and width variants fold together).
SELECT alias, token, lexemes
  FROM ts_debug('shinjp.japanese', 'ｺﾝﾋﾟｭｰﾀｰで東京都の地図を見ました😀');

-- The sample corpus (116,750 sentences), a GIN index on the configuration.
CREATE TABLE ja_demo (id int PRIMARY KEY, source text, body text);
\set corpus :demo_data '/ja_corpus.tsv'
COPY ja_demo FROM :'corpus' WITH (FORMAT text, HEADER true);
CREATE INDEX ja_demo_fts ON ja_demo USING gin (to_tsvector('shinjp.japanese', body));
ANALYZE ja_demo;

-- Word search typed in hiragana (shinjp.ja_tsquery also tries the katakana spelling), with ts_rank and ts_headline.
SELECT id, round(ts_rank(to_tsvector('shinjp.japanese', body), q)::numeric, 3) AS rank,
       ts_headline('shinjp.japanese', body, q, 'StartSel=[, StopSel=], MaxWords=12, MinWords=4') AS headline
  FROM ja_demo, shinjp.ja_tsquery('こんぴゅーたー') AS q
 WHERE to_tsvector('shinjp.japanese', body) @@ q
 ORDER BY rank DESC, id LIMIT 5;

-- Whole-word ranking: texts about 京都 come before texts where 京都 is only inside 東京都.
SELECT id, round(shinjp.ja_rank(body, '京都')::numeric, 3) AS ja_rank, left(body, 40) AS body
  FROM ja_demo
 WHERE body LIKE '%京都%'
 ORDER BY shinjp.ja_rank(body, '京都') DESC, id LIMIT 6;
-- Over the whole corpus: every text with 京都 as a word outranks every text where it is only inside a longer word.
SELECT CASE WHEN to_tsvector('shinjp.japanese', body) @@ to_tsquery('shinjp.japanese', '京都') THEN '京都 as a word'
            WHEN body NOT LIKE '%東京都%' THEN 'inside other words (京都府...)' ELSE 'inside 東京都' END AS texts,
       count(*), round(min(shinjp.ja_rank(body, '京都'))::numeric, 3) AS min_rank,
       round(max(shinjp.ja_rank(body, '京都'))::numeric, 3) AS max_rank
  FROM ja_demo WHERE body LIKE '%京都%' GROUP BY 1 ORDER BY 1;
DROP TABLE ja_demo;
