-- shinjp.ja_normalize: the normalisation applied at index and query time (src/jatext/normalize.hpp).
SELECT input, shinjp.ja_normalize(input) AS normalised
FROM (VALUES
	(1, 'ＡＢＣ１２３ Straße'),          -- full width, case folding
	(2, '①②③ ㍿ ㌔'),                    -- circled digits, squared words
	(3, 'ｺﾝﾋﾟｭｰﾀｰ'),                     -- half-width katakana with voicing marks
	(4, 'コンピューター'),               -- katakana → hiragana, ー kept
	(5, 'コンピュ―タ―'),               -- U+2015 after kana reads as ー
	(6, 'ラ－メン すご〜い すご～い'),  -- full-width hyphen, wave dashes
	(7, '東京〜大阪 1－2'),              -- not after kana: the dash stays (NFKC form)
	(8, 'いすゞ こゝろ ミスヾ 人々'),    -- ゝゞ expanded, 々 kept
	(9, E'東京\t\n　大阪'),              -- whitespace runs become one space
	(10, E'a\x01b'),                     -- control character
	(11, E'葛\U000E0100 ❤\uFE0F 😀'),    -- variation selectors removed, emoji kept
	(12, E'か\u3099 e\u0301')            -- combining marks compose
) AS t(n, input) ORDER BY n;
-- empty and whitespace-only input
SELECT shinjp.ja_normalize('') = '' AS empty_stays_empty, shinjp.ja_normalize('   ') AS spaces;
SELECT shinjp.ja_normalize(NULL) IS NULL AS null_in_null_out;
-- idempotent
SELECT bool_and(shinjp.ja_normalize(shinjp.ja_normalize(s)) = shinjp.ja_normalize(s)) AS idempotent
FROM (VALUES ('ｶﾞｯｺｳ㍿'), ('コンピュ―タ―'), ('いすゞ'), ('Ｓｔｒａßｅ')) AS t(s);
-- a 10 MB document: nothing is lost or truncated
SELECT length(shinjp.ja_normalize(repeat('ｶﾀｶﾅ', 2621440))) AS normalised_chars;
