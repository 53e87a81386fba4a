-- FSRS parameter optimizer: small logs, bad input, options, day boundaries.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
CREATE TABLE r (card_id bigint, rating int, reviewed_at timestamptz);
-- empty log, one review: the default weights (fsrs-rs: fewer than 8 training items)
SELECT shinjp.fsrs_fit(card_id, rating, reviewed_at) = shinjp.fsrs_default_weights() AS empty_gives_defaults FROM r;
INSERT INTO r VALUES (1, 3, '2024-01-01 10:00+00');
SELECT shinjp.fsrs_fit(card_id, rating, reviewed_at) = shinjp.fsrs_default_weights() AS one_review_gives_defaults FROM r;
SELECT (shinjp.fsrs_evaluate(1, 3, '2024-01-01 10:00+00', shinjp.fsrs_default_weights())).*;
SELECT (shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights())).* FROM r WHERE false;
-- 7 training items: defaults; 30 items: S0 pre-trained only (w0..w3), the rest are the defaults
TRUNCATE r;
INSERT INTO r SELECT c, 3, '2024-01-01 10:00+00' FROM generate_series(1, 7) c;
INSERT INTO r SELECT c, 3, '2024-01-03 10:00+00' FROM generate_series(1, 7) c;
SELECT shinjp.fsrs_fit(card_id, rating, reviewed_at) = shinjp.fsrs_default_weights() AS seven_items_give_defaults FROM r;
TRUNCATE r;
INSERT INTO r SELECT c, 3, '2024-01-01 10:00+00' FROM generate_series(1, 30) c;
INSERT INTO r SELECT c, CASE WHEN c % 5 = 0 THEN 1 ELSE 3 END, '2024-01-03 10:00+00' FROM generate_series(1, 30) c;
SELECT w[5:21] = (shinjp.fsrs_default_weights())[5:21] AS tail_is_default,
	w[1:4] <> (shinjp.fsrs_default_weights())[1:4] AS s0_trained,
	w[1] <= w[2] AND w[2] <= w[3] AND w[3] <= w[4] AS s0_monotone
FROM (SELECT shinjp.fsrs_fit(card_id, rating, reviewed_at) AS w FROM r) s;
-- NULL card, rating or time: the row is skipped (like count(x))
SELECT shinjp.fsrs_fit(card_id, rating, reviewed_at) = (SELECT shinjp.fsrs_fit(card_id, rating, reviewed_at) FROM r) AS nulls_skipped
FROM (SELECT * FROM r UNION ALL VALUES (NULL::bigint, 3, '2024-01-05 10:00+00'::timestamptz), (5, NULL, '2024-01-06 10:00+00'), (6, 3, NULL)) s;
-- ratings outside 1..4
SELECT shinjp.fsrs_fit(c, g, '2024-01-01 10:00+00') FROM (VALUES (1::bigint, 0)) v(c, g);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_fit(c, g, '2024-01-01 10:00+00') FROM (VALUES (1::bigint, 5)) v(c, g);
\echo :LAST_ERROR_SQLSTATE
-- two reviews of one card at the same time
SELECT shinjp.fsrs_fit(c, 3, t) FROM (VALUES (1::bigint, '2024-01-01 10:00+00'::timestamptz), (1, '2024-01-01 10:00+00')) v(c, t);
\echo :LAST_ERROR_SQLSTATE
-- ... are fine on different cards
SELECT shinjp.fsrs_fit(c, 3, t) = shinjp.fsrs_default_weights() AS ok FROM (VALUES (1::bigint, '2024-01-01 10:00+00'::timestamptz), (2, '2024-01-01 10:00+00')) v(c, t);
-- absurd dates: infinity is an error; centuries-long gaps still give finite weights inside the bounds
SELECT shinjp.fsrs_fit(1, 3, 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_fit(1, 3, '-infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT bool_and(x = x AND x BETWEEN 0 AND 100) AS finite_in_range
FROM unnest((SELECT shinjp.fsrs_fit(c, CASE WHEN c % 3 = 0 THEN 1 ELSE 3 END, t) FROM (
	SELECT c, '1900-01-01 00:00+00'::timestamptz + (c % 7) * interval '1 hour' AS t FROM generate_series(1, 200) c
	UNION ALL SELECT c, '2200-06-01 00:00+00'::timestamptz + c * interval '1 day' FROM generate_series(1, 200) c
	UNION ALL SELECT c, '4700-06-01 00:00+00'::timestamptz + c * interval '1 day' FROM generate_series(1, 200) c) s)) x;
-- options: bad values are errors with a hint
SELECT shinjp.fsrs_fit(1, 3, '2024-01-01', shinjp.fsrs_fit_options(rollover_hour => 24));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_fit(1, 3, '2024-01-01', shinjp.fsrs_fit_options(rollover_hour => -1));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_fit(1, 3, '2024-01-01', shinjp.fsrs_fit_options('Mars/Olympus_Mons'));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_fit(1, 3, '2024-01-01', shinjp.fsrs_fit_options(relearning_steps => -1));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_fit(1, 3, '2024-01-01', shinjp.fsrs_fit_options(epochs => 0));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_fit(c, 3, '2024-01-01', shinjp.fsrs_fit_options(tz)) FROM (VALUES (1::bigint, 'UTC'), (2, 'Asia/Tokyo')) v(c, tz);
\echo :LAST_ERROR_SQLSTATE
-- NULL options or NULL fields mean the defaults
SELECT shinjp.fsrs_fit(c, 3, '2024-01-01', NULL) = shinjp.fsrs_default_weights() AS null_options_ok FROM (VALUES (1::bigint)) v(c);
SELECT shinjp.fsrs_fit(1, 3, '2024-01-01', ROW(NULL, NULL, NULL, NULL, NULL)::shinjp.fsrs_fit_options) = shinjp.fsrs_default_weights() AS null_fields_ok;
SELECT shinjp.fsrs_fit_options();

-- day boundary: 23:00 and 02:00 Tokyo time are one day with the 4 am rollover (no training item),
-- two days with a midnight rollover (one item); UTC puts both at 14:00/17:00 of one day
CREATE TABLE d (card_id bigint, rating int, reviewed_at timestamptz);
INSERT INTO d VALUES (1, 3, '2024-01-01 23:00+09'), (1, 3, '2024-01-02 02:00+09');
SELECT (shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options('Asia/Tokyo'))).items AS tokyo_4am FROM d;
SELECT (shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options('Asia/Tokyo', rollover_hour => 0))).items AS tokyo_midnight FROM d;
SELECT (shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options('UTC', rollover_hour => 0))).items AS utc_midnight FROM d;
-- time_zone NULL follows the session's TimeZone
SET TimeZone = 'Asia/Tokyo';
SELECT (shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options(rollover_hour => 0))).items AS session_tokyo FROM d;
SET TimeZone = 'UTC';
SELECT (shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options(rollover_hour => 0))).items AS session_utc FROM d;
-- a same-day review stays in the history: it changes the next prediction
INSERT INTO d VALUES (1, 3, '2024-01-05 10:00+09'), (2, 3, '2024-01-01 23:00+09'), (2, 3, '2024-01-05 10:00+09');
SELECT round((e).log_loss::numeric, 6) AS log_loss, (e).items
FROM (SELECT shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options('Asia/Tokyo'), '2024-01-03') AS e FROM d) s;

-- evaluate: bad weights
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', ARRAY[1, 2, 3]::float8[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', '{}'::float8[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', shinjp.fsrs_default_weights() || ARRAY[]::float8[] || NULL::float8);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', array_fill(1.0::float8, ARRAY[3, 7]));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', (SELECT array_agg(CASE WHEN i = 9 THEN 'NaN' ELSE x END ORDER BY i) FROM unnest(shinjp.fsrs_default_weights()) WITH ORDINALITY u(x, i)));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', (SELECT array_agg(CASE WHEN i = 21 THEN 0.9 ELSE x END ORDER BY i) FROM unnest(shinjp.fsrs_default_weights()) WITH ORDINALITY u(x, i)));
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.fsrs_evaluate(1, 3, '2024-01-01', (SELECT array_agg(CASE WHEN i = 1 THEN -1 ELSE x END ORDER BY i) FROM unnest(shinjp.fsrs_default_weights()) WITH ORDINALITY u(x, i)));
\echo :LAST_ERROR_SQLSTATE
-- different weights within one group
SELECT shinjp.fsrs_evaluate(c, 3, '2024-01-01', w) FROM (VALUES (1::bigint, shinjp.fsrs_default_weights()),
	(2, (SELECT array_agg(CASE WHEN i = 1 THEN 0.5 ELSE x END ORDER BY i) FROM unnest(shinjp.fsrs_default_weights()) WITH ORDINALITY u(x, i)))) v(c, w);
\echo :LAST_ERROR_SQLSTATE
-- FSRS-5 weights (19) are accepted: w19 = 0 and decay 0.5 are appended
SELECT (e).items, round((e).log_loss::numeric, 6) AS log_loss FROM (SELECT shinjp.fsrs_evaluate(card_id, rating, reviewed_at,
	ARRAY[0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575, 0.1192, 1.01925, 1.9395, 0.11, 0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621]::float8[],
	shinjp.fsrs_fit_options('Asia/Tokyo')) AS e FROM d) s;
SELECT shinjp.fsrs_default_weights();
