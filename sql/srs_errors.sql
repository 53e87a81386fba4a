-- Bad input to the schedulers: every case is an ERROR with SQLSTATE, message, detail and hint;
-- nothing is clamped.  Each row below runs one statement and shows the error it raised.
SET TimeZone = 'UTC';
CREATE FUNCTION pg_temp.err(stmt text, OUT code text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	code := 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END $$;

CREATE TEMP TABLE bad (n serial, what text, stmt text);
INSERT INTO bad (what, stmt) VALUES
-- ratings
('rating 0',              $$SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 0, '2024-01-01')$$),
('rating 5',              $$SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 5, '2024-01-01')$$),
('rating -1 in replay',   $$SELECT shinjp.fsrs_replay(r, t, shinjp.fsrs_params() ORDER BY t) FROM (VALUES (3, timestamptz '2024-01-01'), (-1, '2024-01-02')) v(r, t)$$),
-- weights
('20 weights',            $$SELECT shinjp.fsrs_params(weights => '{0.2,1.2,2.3,8.2,6.4,0.8,3.0,0.001,1.8,0.16,0.79,1.48,0.06,0.26,1.64,0.6,1.87,0.54,0.09,0.06}')$$),
('no weights',            $$SELECT shinjp.fsrs_params(weights => '{}')$$),
('2-D weights',           $$SELECT shinjp.fsrs_params(weights => '{{1,2},{3,4}}')$$),
('NULL weight',           $$SELECT shinjp.fsrs_params(weights => array_fill(NULL::float8, ARRAY[21]))$$),
('NaN weight',            $$SELECT shinjp.fsrs_params(weights => '{0.212,1.2931,2.3065,NaN,6.4133,0.8334,3.0194,0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0.0658,0.1542}')$$),
('Infinity weight',       $$SELECT shinjp.fsrs_params(weights => '{0.212,1.2931,2.3065,8.2956,6.4133,0.8334,3.0194,0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0.0658,Infinity}')$$),
('w3 above 100',          $$SELECT shinjp.fsrs_params(weights => '{0.212,1.2931,2.3065,180,6.4133,0.8334,3.0194,0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0.0658,0.1542}')$$),
('w7 negative',           $$SELECT shinjp.fsrs_params(weights => '{0.212,1.2931,2.3065,8.2956,6.4133,0.8334,3.0194,-0.1,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0.0658,0.1542}')$$),
('w20 decay 0.9',         $$SELECT shinjp.fsrs_params(weights => '{0.212,1.2931,2.3065,8.2956,6.4133,0.8334,3.0194,0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0.0658,0.9}')$$),
('w19 0 with short-term', $$SELECT shinjp.fsrs_params(weights => '{0.212,1.2931,2.3065,8.2956,6.4133,0.8334,3.0194,0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0,0.1542}')$$),
-- retention, maximum interval, day boundary
('retention 0',           $$SELECT shinjp.fsrs_params(desired_retention => 0)$$),
('retention 1',           $$SELECT shinjp.fsrs_params(desired_retention => 1)$$),
('retention 1.5',         $$SELECT shinjp.fsrs_params(desired_retention => 1.5)$$),
('retention NaN',         $$SELECT shinjp.fsrs_params(desired_retention => 'NaN')$$),
('maximum interval 0',    $$SELECT shinjp.fsrs_params(maximum_interval => 0)$$),
('maximum interval 40000',$$SELECT shinjp.fsrs_params(maximum_interval => 40000)$$),
('rollover hour 24',      $$SELECT shinjp.fsrs_params(day_rollover_hour => 24)$$),
('unknown time zone',     $$SELECT shinjp.fsrs_params(day_timezone => 'Mars/Olympus_Mons')$$),
-- steps
('negative step',         $$SELECT shinjp.fsrs_params(learning_steps => '{-1 min}')$$),
('zero step',             $$SELECT shinjp.fsrs_params(learning_steps => '{0}')$$),
('unordered steps',       $$SELECT shinjp.fsrs_params(learning_steps => '{10 min,1 min}')$$),
('unordered relearning',  $$SELECT shinjp.fsrs_params(relearning_steps => '{1 day,10 min}')$$),
('step of 90 seconds',    $$SELECT shinjp.fsrs_params(learning_steps => '{90 seconds}')$$),
('step in months',        $$SELECT shinjp.fsrs_params(relearning_steps => '{1 mon}')$$),
('NULL step',             $$SELECT shinjp.fsrs_params(learning_steps => '{1 min,NULL}')$$),
('40 steps',              $$SELECT shinjp.fsrs_params(learning_steps => (SELECT array_agg(i * interval '1 min') FROM generate_series(1, 40) i))$$),
-- NULL parameter fields (a hand-built composite)
('NULL retention field',  $$SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 3, '2024-01-01', ROW((shinjp.fsrs_params()).weights, NULL, 36500, '{1 min}', '{10 min}', true, false, 'UTC', 0)::shinjp.fsrs_params)$$),
('NULL params in replay', $$SELECT shinjp.fsrs_replay(3, '2024-01-01', NULL)$$),
-- time
('review before last',    $$SELECT shinjp.fsrs_review(shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 3, '2024-01-02'), 3, '2024-01-01')$$),
('replay out of order',   $$SELECT shinjp.fsrs_replay(3, t, shinjp.fsrs_params()) FROM (VALUES (timestamptz '2024-01-02'), ('2024-01-01')) v(t)$$),
('reschedule before last',$$SELECT shinjp.fsrs_reschedule(shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 4, '2024-01-02'), shinjp.fsrs_params(), '2024-01-01')$$),
('infinite review time',  $$SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 3, 'infinity')$$),
('infinite new card',     $$SELECT shinjp.fsrs_new_card('-infinity')$$),
-- malformed cards
('NaN stability',         $$SELECT shinjp.fsrs_review(ROW('2024-01-05', 'NaN', 5, 0, 3, 0, 1, 0, 'review', '2024-01-02')::shinjp.card, 3, '2024-01-05')$$),
('stability 50000',       $$SELECT shinjp.fsrs_review(ROW('2024-01-05', 50000, 5, 0, 3, 0, 1, 0, 'review', '2024-01-02')::shinjp.card, 3, '2024-01-05')$$),
('difficulty 11',         $$SELECT shinjp.fsrs_review(ROW('2024-01-05', 3, 11, 0, 3, 0, 1, 0, 'review', '2024-01-02')::shinjp.card, 3, '2024-01-05')$$),
('negative reps',         $$SELECT shinjp.fsrs_review(ROW('2024-01-05', 3, 5, 0, 3, 0, -1, 0, 'review', '2024-01-02')::shinjp.card, 3, '2024-01-05')$$),
('review w/o last_review',$$SELECT shinjp.fsrs_review(ROW('2024-01-05', 3, 5, 0, 3, 0, 1, 0, 'review', NULL)::shinjp.card, 3, '2024-01-05')$$),
('review w/o memory',     $$SELECT shinjp.fsrs_review(ROW('2024-01-05', 0, 0, 0, 3, 0, 1, 0, 'review', '2024-01-02')::shinjp.card, 3, '2024-01-05')$$),
('NULL state',            $$SELECT shinjp.fsrs_review(ROW('2024-01-05', 3, 5, 0, 3, 0, 1, 0, NULL, '2024-01-02')::shinjp.card, 3, '2024-01-05')$$),
('NULL due',              $$SELECT shinjp.fsrs_retrievability(ROW(NULL, 3, 5, 0, 3, 0, 1, 0, 'review', '2024-01-02')::shinjp.card, '2024-01-05')$$),
('infinite last_review',  $$SELECT shinjp.fsrs_retrievability(ROW('2024-01-05', 3, 5, 0, 3, 0, 1, 0, 'review', 'infinity')::shinjp.card, '2024-01-05')$$),
-- SM-2 conversion
('ease 0.5',              $$SELECT shinjp.fsrs_memory_from_sm2(0.5, 10)$$),
('interval -1',           $$SELECT shinjp.fsrs_memory_from_sm2(2.5, -1)$$),
('sm2 retention 1',       $$SELECT shinjp.fsrs_memory_from_sm2(2.5, 10, shinjp.fsrs_params(), 1)$$),
-- SM-2
('SM-2 rating 0',         $$SELECT shinjp.sm2_review(shinjp.sm2_new_card('2024-01-01'), 0, '2024-01-01')$$),
('SM-2 quality 6',        $$SELECT shinjp.sm2_grade(6)$$),
('SM-2 quality -1',       $$SELECT shinjp.sm2_grade(-1)$$),
('SM-2 starting ease 1',  $$SELECT shinjp.sm2_params(starting_ease => 1.0)$$),
('SM-2 easy bonus 0.5',   $$SELECT shinjp.sm2_params(easy_bonus => 0.5)$$),
('SM-2 lapse interval 2', $$SELECT shinjp.sm2_params(lapse_interval => 2)$$),
('SM-2 hard interval NaN',$$SELECT shinjp.sm2_params(hard_interval => 'NaN')$$),
('SM-2 minimum > maximum',$$SELECT shinjp.sm2_params(minimum_interval => 50, maximum_interval => 30)$$),
('SM-2 graduating 0',     $$SELECT shinjp.sm2_params(graduating_interval => 0)$$),
('SM-2 unordered steps',  $$SELECT shinjp.sm2_params(learning_steps => '{1 day,1 hour}')$$),
('SM-2 negative step',    $$SELECT shinjp.sm2_params(relearning_steps => '{-10 min}')$$),
('SM-2 ease 1.0 card',    $$SELECT shinjp.sm2_review(ROW('2024-01-11', 10, 1.0, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card, 3, '2024-01-11')$$),
('SM-2 negative interval',$$SELECT shinjp.sm2_review(ROW('2024-01-11', -3, 2.5, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card, 3, '2024-01-11')$$),
('SM-2 review before last',$$SELECT shinjp.sm2_review(ROW('2024-01-11', 10, 2.5, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card, 3, '2023-12-31')$$),
('SM-2 NULL state',       $$SELECT shinjp.sm2_review(ROW('2024-01-11', 10, 2.5, 4, 0, NULL, 0, '2024-01-01')::shinjp.sm2_card, 3, '2024-01-11')$$),
('SM-2 replay NULL params',$$SELECT shinjp.sm2_replay(3, '2024-01-01', NULL)$$),
('SM-2 to FSRS ease 1.0', $$SELECT shinjp.sm2_to_fsrs(ROW('2024-01-11', 10, 1.0, 4, 0, 'review', 0, '2024-01-01')::shinjp.sm2_card)$$);

SELECT b.n, b.what, e.code, e.message, e.detail, e.hint
FROM bad b, LATERAL pg_temp.err(b.stmt) e
ORDER BY b.n;

-- how one of them looks in psql
\set VERBOSITY default
SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 7, '2024-01-01');
\echo :LAST_ERROR_SQLSTATE
-- the session is fine afterwards
SELECT (shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 3, '2024-01-01')).state;
