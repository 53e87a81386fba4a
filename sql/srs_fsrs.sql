-- FSRS scheduling API: types, parameters, review, preview, retrievability, replay, reschedule,
-- SM-2 migration, the learner's day boundary, fuzz, NULL handling and function markings.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;

-- parameters: defaults, named arguments, FSRS-5 migration, effective weights
SELECT shinjp.fsrs_params();
SELECT (shinjp.fsrs_params(desired_retention => 0.85, learning_steps => '{}', day_timezone => 'Asia/Tokyo', day_rollover_hour => 4)).*;
SELECT shinjp.fsrs_effective_weights(shinjp.fsrs_params(weights => '{0.40255,1.18385,3.173,15.69105,7.1949,0.5345,1.4604,0.0046,1.54575,0.1192,1.01925,1.9395,0.11,0.29605,2.2698,0.2315,2.9898,0.51655,0.6621}'));
-- w17/w18 ceiling with three relearning steps (the model's rule, as ts-fsrs and fsrs-rs apply it)
SELECT w[18] AS w17, w[19] AS w18
FROM shinjp.fsrs_effective_weights(shinjp.fsrs_params(relearning_steps => '{10 min,1 hour,1 day}')) w;
-- parameters are storable per deck
CREATE TEMP TABLE decks (deck_id int PRIMARY KEY, params shinjp.fsrs_params NOT NULL);
INSERT INTO decks VALUES (1, shinjp.fsrs_params()), (2, shinjp.fsrs_params(desired_retention => 0.8, maximum_interval => 30, enable_fuzz => true));

-- a new card, then a learning sequence: Good (next step), Good (graduates), Again (lapse → relearning)
SELECT shinjp.fsrs_new_card('2024-05-01 08:00+00');
SELECT (c).* FROM (SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-05-01 08:00'), 3, '2024-05-01 08:00') AS c) x;
WITH RECURSIVE steps(n, rating, at) AS (
	VALUES (1, 3, timestamptz '2024-05-01 08:00'), (2, 3, '2024-05-01 08:11'), (3, 3, '2024-05-04 09:00'),
	       (4, 1, '2024-05-15 07:30'), (5, 3, '2024-05-15 07:41'), (6, 4, '2024-05-17 20:00')),
run(n, card) AS (
	SELECT 0, shinjp.fsrs_new_card('2024-05-01 08:00')
	UNION ALL
	SELECT s.n, shinjp.fsrs_review(r.card, s.rating, s.at, shinjp.fsrs_params())
	FROM run r JOIN steps s ON s.n = r.n + 1)
SELECT n, (card).state, (card).due, round((card).stability::numeric, 4) AS s, round((card).difficulty::numeric, 4) AS d,
       (card).elapsed_days, (card).scheduled_days, (card).learning_steps, (card).reps, (card).lapses
FROM run ORDER BY n;

-- the four buttons of a review card
SELECT rating, label, next_interval, (next_card).state, (next_card).scheduled_days, round((next_card).stability::numeric, 4) AS s
FROM shinjp.fsrs_preview(ROW('2024-06-01 10:00', 12.5, 5.2, 10, 12, 0, 4, 0, 'review', '2024-05-20 10:00')::shinjp.card,
                         '2024-06-02 09:00')
ORDER BY rating;

-- retrievability: 0 for a new card, 1 right after a review, 0.9 after `stability` days at 90% retention
SELECT shinjp.fsrs_retrievability(shinjp.fsrs_new_card('2024-01-01'), '2024-02-01') AS new_card,
       shinjp.fsrs_retrievability(c, '2024-05-20 10:00') AS at_review,
       shinjp.fsrs_retrievability(c, '2024-06-01 10:00') AS after_12_days,
       round(shinjp.fsrs_retrievability(c, '2025-05-20 10:00')::numeric, 6) AS after_a_year,
       shinjp.fsrs_retrievability(c, '2024-05-01 00:00') AS before_last_review
FROM (SELECT ROW('2024-06-01 10:00', 12, 5.2, 10, 12, 0, 4, 0, 'review', '2024-05-20 10:00')::shinjp.card AS c) x;

-- replay: SELECT card_id, fsrs_replay(...) GROUP BY card_id rebuilds every card
CREATE TEMP TABLE reviews (card_id int, rating int, reviewed_at timestamptz);
INSERT INTO reviews VALUES
	(1, 3, '2024-05-01 08:00'), (1, 3, '2024-05-01 08:11'), (1, 3, '2024-05-04 09:00'), (1, 1, '2024-05-15 07:30'),
	(2, 4, '2024-05-02 12:00'), (2, 3, '2024-05-12 12:00'), (2, NULL, '2024-05-13 12:00'),
	(3, 2, '2024-05-03 00:00');
SELECT card_id, (c).state, (c).reps, (c).lapses, (c).due, round((c).stability::numeric, 4) AS s
FROM (SELECT card_id, shinjp.fsrs_replay(rating, reviewed_at, shinjp.fsrs_params() ORDER BY reviewed_at) AS c
      FROM reviews GROUP BY card_id) r
ORDER BY card_id;
-- ... and equals stepwise fsrs_review
SELECT shinjp.fsrs_replay(rating, reviewed_at, shinjp.fsrs_params() ORDER BY reviewed_at) =
       shinjp.fsrs_review(shinjp.fsrs_review(shinjp.fsrs_review(shinjp.fsrs_review(shinjp.fsrs_new_card('2024-05-01 08:00'),
           3, '2024-05-01 08:00'), 3, '2024-05-01 08:11'), 3, '2024-05-04 09:00'), 1, '2024-05-15 07:30') AS replay_equals_reviews
FROM reviews WHERE card_id = 1;
-- no rows: NULL
SELECT shinjp.fsrs_replay(rating, reviewed_at, shinjp.fsrs_params() ORDER BY reviewed_at) IS NULL AS empty_is_null
FROM reviews WHERE false;
-- per-deck parameters in the same statement
SELECT d.deck_id, (shinjp.fsrs_replay(r.rating, r.reviewed_at, d.params ORDER BY r.reviewed_at)).scheduled_days
FROM reviews r CROSS JOIN decks d WHERE r.card_id = 2 GROUP BY d.deck_id ORDER BY d.deck_id;

-- reschedule after a parameter change: same memory state, due from last_review with the new interval
SELECT p.desired_retention, (r).scheduled_days, (r).due, (r).stability = 30 AS same_stability
FROM (VALUES (0.9), (0.8), (0.95)) p(desired_retention),
     LATERAL shinjp.fsrs_reschedule(ROW('2024-07-01 10:00', 30, 5, 20, 30, 0, 6, 1, 'review', '2024-06-01 10:00')::shinjp.card,
                                    shinjp.fsrs_params(desired_retention => p.desired_retention), '2024-06-10 10:00') r
ORDER BY 1;
-- learning cards keep their step schedule
SELECT shinjp.fsrs_reschedule(c, shinjp.fsrs_params(desired_retention => 0.8), '2024-05-01 08:05') = c AS learning_unchanged
FROM (SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-05-01 08:00'), 3, '2024-05-01 08:00') AS c) x;

-- SM-2 memory: at 90% SM-2 retention, stability = interval; a higher ease means an easier card
SELECT ease, (m).stability, round((m).difficulty::numeric, 4) AS difficulty
FROM (VALUES (1.3), (2.5), (3.5)) e(ease), LATERAL shinjp.fsrs_memory_from_sm2(ease, 20) m ORDER BY ease;
SELECT round((shinjp.fsrs_memory_from_sm2(2.5, 20, shinjp.fsrs_params(), 0.95)).stability::numeric, 4) AS s_at_95;

-- the learner's day: 03:00 in Tokyo with a 4 am rollover still belongs to the previous day
SELECT shinjp.learner_day('2024-01-01 18:00+00', shinjp.fsrs_params(day_timezone => 'Asia/Tokyo', day_rollover_hour => 4)) AS tokyo_3am,
       shinjp.learner_day('2024-01-01 20:00+00', shinjp.fsrs_params(day_timezone => 'Asia/Tokyo', day_rollover_hour => 4)) AS tokyo_5am,
       shinjp.learner_day('2024-01-01 20:00+00', shinjp.fsrs_params()) AS utc,
       shinjp.learner_day('2024-07-01 03:30+00', shinjp.fsrs_params(day_timezone => 'America/New_York', day_rollover_hour => 0)) AS new_york_dst;
-- elapsed days count learner days: reviews at 23:00 and 01:00 UTC are one day apart in UTC, none in Tokyo at 4 am
SELECT p.label, (shinjp.fsrs_review(c, 3, '2024-03-02 01:00+00', p.params)).elapsed_days
FROM (SELECT ROW('2024-03-05 23:00', 4, 5, 0, 3, 0, 2, 0, 'review', '2024-03-01 23:00+00')::shinjp.card AS c) x,
     (VALUES ('utc', shinjp.fsrs_params()), ('tokyo 4am', shinjp.fsrs_params(day_timezone => 'Asia/Tokyo', day_rollover_hour => 4))) p(label, params)
ORDER BY 1;

-- fuzz: deterministic (same card, same review → same interval) and inside the FSRS fuzz range
-- (±(1 + 15% of the days in 2.5..7 + 10% of 7..20 + 5% above 20), rounded)
CREATE TEMP TABLE fuzz AS
WITH c AS (SELECT ROW('2024-06-01', 40, 5, 30, 30, 0, 5, 0, 'review', '2024-05-02 00:00')::shinjp.card AS card),
t AS (SELECT '2024-06-01'::timestamptz + i * interval '37 min' AS at FROM generate_series(0, 199) i)
SELECT (shinjp.fsrs_review(card, 3, at, shinjp.fsrs_params(enable_fuzz => true))).scheduled_days AS fuzzed,
       (shinjp.fsrs_review(card, 3, at, shinjp.fsrs_params(enable_fuzz => true))).scheduled_days AS again,
       (shinjp.fsrs_review(card, 3, at, shinjp.fsrs_params())).scheduled_days AS plain
FROM c, t;
SELECT count(DISTINCT fuzzed) > 5 AS spread, bool_and(fuzzed = again) AS deterministic,
       bool_and(abs(fuzzed - plain) <= round(1 + 0.15 * least(greatest(plain - 2.5, 0), 4.5)
                                              + 0.1 * least(greatest(plain - 7, 0), 13) + 0.05 * greatest(plain - 20, 0))) AS within_range,
       bool_or(fuzzed <> plain) AS fuzzed_some
FROM fuzz;

-- STRICT: NULL in, NULL out
SELECT shinjp.fsrs_review(NULL, 3, now()) IS NULL AS null_card,
       shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), NULL, '2024-01-01') IS NULL AS null_rating,
       shinjp.fsrs_retrievability(shinjp.fsrs_new_card('2024-01-01'), NULL) IS NULL AS null_time,
       shinjp.fsrs_params(desired_retention => NULL) IS NULL AS null_param;

-- markings: every scheduling function IMMUTABLE, PARALLEL SAFE; STRICT except the aggregate support
SELECT p.oid::regprocedure AS function, p.provolatile, p.proparallel, p.proisstrict, p.prokind
FROM pg_proc p
WHERE p.pronamespace = 'shinjp'::regnamespace AND (p.proname LIKE 'fsrs%' OR p.proname LIKE 'sm2%' OR p.proname = 'learner_day')
  AND p.proname !~ '^fsrs_(fit|evaluate|opt|default_weights)'  -- the optimizer's (sql/fsrs_opt_*.sql)
ORDER BY p.proname COLLATE "C", p.oid::regprocedure::text COLLATE "C";

-- a card column can also be spread over plain columns and rebuilt
CREATE TEMP TABLE flat AS SELECT (shinjp.fsrs_review(shinjp.fsrs_new_card('2024-05-01'), 4, '2024-05-01')).*;
SELECT shinjp.fsrs_review(ROW(f.*)::shinjp.card, 3, '2024-05-10') FROM flat f;
