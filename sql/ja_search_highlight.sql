-- shinjp.ja_highlight marks exactly the matched spans of the original, un-normalised text.
SET search_path = shinjp, public;
SELECT q, shinjp.ja_highlight(d, q) AS highlighted
FROM (VALUES
	(1, '東京のｺﾝﾋﾟｭｰﾀｰは速い', 'コンピュータ'),   -- half-width source, katakana query
	(2, 'トウキョウと大阪', 'toukyou -大阪'),            -- romaji; negated terms are not marked
	(3, '株式会社と㍿', '株式'),                        -- a match inside ㍿ marks the whole ㍿
	(4, 'ラ－メンとラーメン', 'らーめん'),              -- full-width hyphen read as ー
	(5, 'あああ', 'ああ'),                              -- overlapping matches merge
	(6, '東京タワーと京都タワー', '京 OR タワー'),
	(7, '何もない', '東京'),
	(8, '', '東京'),
	(9, '東京', ''),
	(10, E'絵文字😀と葛\U000E0100飾', '😀 葛飾')
) AS t(n, d, q) ORDER BY n;
SELECT shinjp.ja_highlight('京都と東京都', '京都', start_sel => '[', stop_sel => ']') AS custom_markers;
SELECT shinjp.ja_highlight('東京', '東京', NULL, ']') IS NULL AS null_marker_gives_null;
-- a 10 MB document: the one match at the end is marked, nothing is cut
SELECT length(h) - length(d) AS added_chars, right(h, 12) AS tail
FROM (SELECT d, shinjp.ja_highlight(d, '終わり') AS h
      FROM (SELECT repeat('あいうえお', 2000000) || '終わり' AS d) s) t;
