-- shinjp.romaji_to_kana: IME-style romaji → hiragana (src/jatext/romaji.hpp).
SELECT input, shinjp.romaji_to_kana(input) AS kana
FROM (VALUES
	(1, 'konnichiha'), (2, 'toukyou'), (3, 'konpyu-ta-'),         -- the issue's examples
	(4, 'shinbun'), (5, 'sinbun'), (6, 'shimbun'),                 -- Hepburn, Kunrei, Hepburn m
	(7, 'chiizu'), (8, 'tiizu'), (9, 'tsukue'), (10, 'tukue'),
	(11, 'jisho'), (12, 'zisyo'), (13, 'hanadi'), (14, 'wo'),
	(15, 'kan''i'), (16, 'kani'), (17, 'hon''ya'), (18, 'nihon'), (19, 'konnnichiha'),
	(20, 'kitte'), (21, 'matcha'), (22, 'xa la xtu ltsu xya xwa xka'),
	(23, 'dhisuku'), (24, 'vaiorin'), (25, 'tsa'), (26, 'fairu'), (27, 'thi-'),
	(28, 'ＴＯＫＹＯ'), (29, 'Tōkyō'), (30, 'xyz 東京 123'), (31, ''), (32, '   ')
) AS t(n, input) ORDER BY n;
-- after folding, romaji finds katakana words
SELECT shinjp.romaji_to_kana('konpyu-ta-') = shinjp.ja_normalize('コンピューター') AS same_as_folded_katakana;
SELECT shinjp.romaji_to_kana(NULL) IS NULL AS null_in_null_out;
