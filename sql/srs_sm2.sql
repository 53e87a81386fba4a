-- SM-2 (Anki's variant): learning steps, graduation, review intervals and ease, lapses and
-- relearning, early and late reviews, fuzz, replay, SuperMemo grades, migration to FSRS.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;

SELECT shinjp.sm2_params();
SELECT shinjp.sm2_new_card('2024-01-01');

-- new card: again 1 min, hard 5.5 min (mean of the first two steps), good 10 min, easy 4 days
SELECT rating, label, next_interval, (next_card).state, (next_card).learning_step, (next_card).ease
FROM shinjp.sm2_preview(shinjp.sm2_new_card('2024-01-01'), '2024-01-01') ORDER BY rating;

-- a whole life: learn, graduate, grow, lapse, relearn
WITH RECURSIVE steps(n, rating, at) AS (
	VALUES (1, 3, timestamptz '2024-01-01 09:00'), (2, 3, '2024-01-01 09:10'), (3, 3, '2024-01-02 09:00'),
	       (4, 3, '2024-01-05 10:00'), (5, 4, '2024-01-12 08:00'), (6, 2, '2024-02-10 08:00'),
	       (7, 1, '2024-03-20 08:00'), (8, 3, '2024-03-20 08:10'), (9, 3, '2024-03-21 08:00')),
run(n, card) AS (
	SELECT 0, shinjp.sm2_new_card('2024-01-01 09:00')
	UNION ALL
	SELECT s.n, shinjp.sm2_review(r.card, s.rating, s.at)
	FROM run r JOIN steps s ON s.n = r.n + 1)
SELECT n, (card).* FROM run ORDER BY n;

-- review intervals: on time, late (good gets half the delay), early (Anki's early-review rules)
SELECT t.label AS timing, p.rating, (p.next_card).interval_days, (p.next_card).ease
FROM (VALUES ('on time', timestamptz '2024-01-11'), ('4 days late', '2024-01-15'), ('7 days early', '2024-01-04')) t(label, at),
     LATERAL shinjp.sm2_preview(ROW('2024-01-11', 10, 2.5, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card, t.at) p
ORDER BY t.at, p.rating;

-- parameters: a lapse keeps half the interval (at least 3 days), no relearning steps, interval modifier 0.8
SELECT rating, (next_card).state, (next_card).interval_days, (next_card).ease, (next_card).lapses
FROM shinjp.sm2_preview(ROW('2024-01-11', 10, 2.5, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card, '2024-01-11',
                        shinjp.sm2_params(relearning_steps => '{}', lapse_interval => 0.5, minimum_interval => 3, interval_modifier => 0.8))
ORDER BY rating;

-- maximum interval caps growth
SELECT (shinjp.sm2_review(ROW('2024-01-11', 300, 3.0, 9, 0, 'review', 0, '2023-03-17')::shinjp.sm2_card, 4, '2024-01-11',
                          shinjp.sm2_params(maximum_interval => 365))).interval_days AS capped;

-- fuzz: deterministic and inside Anki's fuzz range
CREATE TEMP TABLE fz AS
SELECT (shinjp.sm2_review(c, 3, at, shinjp.sm2_params(enable_fuzz => true))).interval_days AS fuzzed,
       (shinjp.sm2_review(c, 3, at, shinjp.sm2_params())).interval_days AS plain
FROM (SELECT ROW('2024-02-01', 30, 2.5, 5, 0, 'review', 0, '2024-01-02')::shinjp.sm2_card AS c) x,
     generate_series(0, 99) i, LATERAL (SELECT '2024-02-01'::timestamptz + i * interval '41 min' AS at) t;
SELECT count(DISTINCT fuzzed) > 3 AS spread,
       bool_and(abs(fuzzed - plain) <= round(1 + 0.15 * 4.5 + 0.1 * 13 + 0.05 * (plain - 20))) AS within_range
FROM fz;

-- replay and SuperMemo quality grades
CREATE TEMP TABLE sm2_log (card_id int, quality int, reviewed_at timestamptz);
INSERT INTO sm2_log VALUES (1, 4, '2024-01-01 09:00'), (1, 4, '2024-01-01 09:10'), (1, 5, '2024-01-02 09:00'),
                           (2, 5, '2024-01-01 12:00'), (2, 1, '2024-01-05 12:00');
SELECT quality, shinjp.sm2_grade(quality) FROM generate_series(0, 5) quality;
SELECT card_id, (c).state, (c).interval_days, (c).ease, (c).reps, (c).lapses
FROM (SELECT card_id, shinjp.sm2_replay(shinjp.sm2_grade(quality), reviewed_at, shinjp.sm2_params() ORDER BY reviewed_at) AS c
      FROM sm2_log GROUP BY card_id) r ORDER BY card_id;

-- migrating to FSRS: memory from ease and interval, then continue with FSRS (or replay the rest)
SELECT (shinjp.sm2_to_fsrs(ROW('2024-01-11', 10, 2.5, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card)).*;
SELECT (shinjp.sm2_to_fsrs(shinjp.sm2_new_card('2024-01-01'))).state AS new_stays_new,
       (shinjp.sm2_to_fsrs(ROW('2024-01-01 00:10', 0, 0, 1, 0, 'learning', 1, '2024-01-01')::shinjp.sm2_card)).state AS learning_restarts;
SELECT (shinjp.fsrs_replay(r, t, shinjp.fsrs_params(),
        shinjp.sm2_to_fsrs(ROW('2024-01-11', 10, 2.5, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card) ORDER BY t)).*
FROM (VALUES (3, timestamptz '2024-01-11 10:00'), (3, '2024-01-25 10:00')) v(r, t);

-- the learner's day for SM-2 parameters
SELECT shinjp.learner_day('2024-01-01 18:00+00', shinjp.sm2_params(day_timezone => 'Asia/Tokyo', day_rollover_hour => 4));
