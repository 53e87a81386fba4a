-- Turn the loaded text into the reference schema's reading material: vocabulary (UD-GSD content words
-- with readings and an example sentence) and textbooks (long chapters).  Run by examples/load_corpus.sh.

-- Content words with their readings (UniDic's first field, katakana) and the sentence they occur in.
WITH lines AS (
	SELECT n, line, max(n) FILTER (WHERE line LIKE '# text = %') OVER (ORDER BY n) AS sentence_line
	FROM learn.conllu_lines
), tokens AS (
	SELECT l.n, f[3] AS lemma, f[4] AS upos, f[5] AS xpos,
	       substring(f[10] FROM 'UnidicInfo=([^,|]*)') AS reading_kata, l.sentence_line
	FROM lines l, string_to_array(l.line, E'\t') AS f
	WHERE l.line ~ '^[0-9]+\t' AND f[4] IN ('NOUN', 'VERB', 'ADJ', 'ADV', 'PROPN')
), with_sentence AS (
	SELECT t.*, substr(s.line, 10) AS example
	FROM tokens t JOIN learn.conllu_lines s ON s.n = t.sentence_line
)
INSERT INTO learn.vocab (headword, reading, meaning, example)
SELECT DISTINCT ON (lemma, reading)
       lemma,
       translate(reading_kata,
                 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポァィゥェォッャュョヴー',
                 'あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽぁぃぅぇぉっゃゅょゔー') AS reading,
       lower(upos) || ' (' || xpos || ')' AS meaning,
       example
FROM with_sentence
WHERE reading_kata <> '' AND lemma ~ '[ぁ-んァ-ヶ一-龯]'
ORDER BY lemma, reading, length(example);

-- Textbooks: the Wikipedia paragraphs as long chapters (about 60 paragraphs each).
INSERT INTO learn.textbooks (title, level)
VALUES ('日本語で読むウィキペディア', 'N2'), ('日本語の常識問題', 'N3');
INSERT INTO learn.chapters (textbook_id, number, title, body)
SELECT 1, chunk + 1, '第' || (chunk + 1) || '章', string_agg(text, E'\n' ORDER BY id)
FROM (SELECT id, text, (row_number() OVER (ORDER BY id) - 1) / 60 AS chunk
      FROM learn.sentences WHERE source = 'jglue-jsquad-ctx') s
GROUP BY chunk;
INSERT INTO learn.chapters (textbook_id, number, title, body)
SELECT 2, chunk + 1, '問題集 ' || (chunk + 1), string_agg(text, E'\n' ORDER BY id)
FROM (SELECT id, text, (row_number() OVER (ORDER BY id) - 1) / 400 AS chunk
      FROM learn.sentences WHERE source = 'jglue-jcqa') s
GROUP BY chunk;
