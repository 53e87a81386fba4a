-- A learner's study session, as an app backend would run it against the reference schema.
--   psql -v learner=UUID [-v now='2026-11-26 20:00+09'] -f examples/learner_session.sql
-- Every step is one transaction that sets the learner's identity with SET LOCAL (role
-- "authenticated", JWT subject for auth.uid()), so it is safe under PgBouncer transaction pooling,
-- and Row Level Security alone keeps the learner to their own rows: no step filters by owner.
\set ON_ERROR_STOP on
\if :{?now}
\else
\set now '2026-11-26 20:00:00+09'
\endif
\pset footer off

\echo '-- 1. Today''s due cards (most overdue first) and how likely the learner still remembers them'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
SELECT c.id AS card, v.headword, v.reading, (c.srs).state,
       to_char((c.srs).due AT TIME ZONE u.time_zone, 'MM-DD HH24:MI') AS due_local,
       round(shinjp.fsrs_retrievability(c.srs, :'now')::numeric, 3) AS recall_now
FROM learn.cards c JOIN learn.vocab v ON v.id = c.vocab_id JOIN learn.users u ON u.id = c.owner_id
WHERE (c.srs).due <= :'now'
ORDER BY (c.srs).due, c.id
LIMIT 5;
SELECT count(*) AS due_today FROM learn.cards WHERE (srs).due <= :'now';
\timing off
COMMIT;

\echo '-- 2. What the four answer buttons would show for the first due card'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
SELECT p.rating, p.label, justify_interval(date_trunc('minute', p.next_interval)) AS next_in,
       round((p.next_card).stability::numeric, 2) AS stability
FROM (SELECT c.srs, d.desired_retention, d.weights, u.time_zone, u.day_rollover_hour
      FROM learn.cards c JOIN learn.decks d ON d.id = c.deck_id JOIN learn.users u ON u.id = c.owner_id
      WHERE (c.srs).due <= :'now' ORDER BY (c.srs).due, c.id LIMIT 1) c
CROSS JOIN LATERAL shinjp.fsrs_preview(c.srs, :'now',
	shinjp.fsrs_params(weights => coalesce(c.weights, (shinjp.fsrs_params()).weights),
	                   desired_retention => c.desired_retention,
	                   day_timezone => c.time_zone, day_rollover_hour => c.day_rollover_hour)) AS p
ORDER BY p.rating;
\timing off
COMMIT;

\echo '-- 3. Answer three due cards (good, again, good): log the reviews and reschedule in one statement'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
WITH picked AS (
	SELECT c.id, c.srs,
	       shinjp.fsrs_params(weights => coalesce(d.weights, (shinjp.fsrs_params()).weights),
	                          desired_retention => d.desired_retention,
	                          day_timezone => u.time_zone, day_rollover_hour => u.day_rollover_hour) AS params
	FROM learn.cards c JOIN learn.decks d ON d.id = c.deck_id JOIN learn.users u ON u.id = c.owner_id
	WHERE (c.srs).due <= :'now'
	ORDER BY (c.srs).due, c.id
	LIMIT 3
	FOR UPDATE OF c
), answered AS (
	SELECT p.*, CASE p.n WHEN 2 THEN 1 ELSE 3 END AS rating,
	       :'now'::timestamptz + p.n * interval '20 seconds' AS at
	FROM (SELECT picked.*, row_number() OVER (ORDER BY (srs).due, id) AS n FROM picked) p
), logged AS (
	INSERT INTO learn.reviews (card_id, owner_id, rating, reviewed_at, answer_ms, state_before, elapsed_days)
	SELECT id, auth.uid(), rating, at, 3000 + 1500 * n, (srs).state,
	       coalesce(shinjp.learner_day(at, params) - shinjp.learner_day((srs).last_review, params), 0)
	FROM answered
)
UPDATE learn.cards c SET srs = shinjp.fsrs_review(a.srs, a.rating, a.at, a.params)
FROM answered a WHERE c.id = a.id
RETURNING c.id AS card, a.rating, (c.srs).state AS new_state,
          to_char((c.srs).due AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI') AS next_due_tokyo;
\timing off
COMMIT;

\echo '-- 4. Search the textbooks in kana (こんぴゅーた finds コンピューター: kana and long-vowel folding)'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
SELECT ch.id AS chapter, ch.title,
       substring(h FROM greatest(1, strpos(h, '【') - 12) FOR 48) AS snippet
FROM learn.chapters ch
CROSS JOIN LATERAL shinjp.ja_highlight(ch.body, 'こんぴゅーた', start_sel => '【', stop_sel => '】') AS h
WHERE ch.body OPERATOR(shinjp.&@~) 'こんぴゅーた'
ORDER BY ch.id
LIMIT 3;
\timing off
COMMIT;

\echo '-- 5. Search example sentences in romaji (terebi → テレビ), highlighted in the original text'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
SELECT s.id, shinjp.ja_highlight(s.text, 'terebi', start_sel => '【', stop_sel => '】') AS sentence
FROM learn.sentences s
WHERE s.text OPERATOR(shinjp.&@~) 'terebi'
ORDER BY length(s.text), s.id
LIMIT 3;
\timing off
COMMIT;

\echo '-- 6. Dashboard, read from the incremental per-day rollup (learn.daily_stats): last 30 days'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
SELECT ((:'now'::timestamptz AT TIME ZONE u.time_zone) - make_interval(hours => u.day_rollover_hour))::date AS today,
       u.time_zone
FROM learn.users u \gset
SELECT st.reviews, st.again, st.hard, st.good, st.easy,
       round(st.true_retention::numeric, 3) AS true_retention,
       round(st.answer_p50_ms::numeric) AS p50_ms, round(st.answer_p90_ms::numeric) AS p90_ms
FROM (SELECT shinjp.rollup(summary) AS s FROM learn.daily_stats WHERE day > :'today'::date - 30) r
CROSS JOIN LATERAL shinjp.review_stats(r.s) AS st;
SELECT k.current_streak, k.longest_streak, k.active_days
FROM (SELECT shinjp.streak_agg(day, :'today'::date) AS k FROM learn.daily_stats) s, LATERAL (SELECT (s.k).*) k;
\timing off
COMMIT;

\echo '-- 7. The last 12 weeks as a heatmap (rows Mon..Sun; · none, ░ <10, ▒ <30, ▓ <60, █ 60+ reviews)'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
WITH days AS (
	SELECT d::date AS day FROM generate_series(:'today'::date - 83, :'today'::date, interval '1 day') AS d
)
SELECT to_char(min(days.day), 'Dy') AS weekday,
       string_agg(CASE WHEN s.reviews IS NULL THEN '·' WHEN s.reviews < 10 THEN '░' WHEN s.reviews < 30 THEN '▒'
                       WHEN s.reviews < 60 THEN '▓' ELSE '█' END, ' ' ORDER BY days.day) AS weeks
FROM days LEFT JOIN learn.daily_stats s ON s.day = days.day
GROUP BY extract(isodow FROM days.day)
ORDER BY extract(isodow FROM days.day);
\timing off
COMMIT;

\echo '-- 8. Workload forecast: cards due per day for the next 30 days (overdue counted today)'
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', :'learner', true) AS _ \gset
\timing on
SELECT f AS due_per_day,
       (SELECT string_agg(substr('▁▂▃▄▅▆▇█', 1 + least(7, (x * 8 / greatest(1, (SELECT max(y) FROM unnest(f) y)))::int), 1), '')
        FROM unnest(f) WITH ORDINALITY AS t(x, i)) AS sparkline
FROM (SELECT shinjp.forecast_agg((srs).due, :'now', 30, :'time_zone') AS f FROM learn.cards) s;
\timing off
COMMIT;
