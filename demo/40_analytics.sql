-- Analytics: a learner's dashboard from one scan (summary, streak, heatmap, forecast, forgetting curve)
SET TimeZone = 'Asia/Tokyo';
SET DateStyle = 'ISO, YMD';
-- 90 days of reviews for three learners (deterministic), and their cards' due times
CREATE TEMP TABLE demo_reviews AS
SELECT u AS user_id,
       '2026-04-01 07:00:00+09'::timestamptz + d * interval '1 day' + (k * 7 % 600) * interval '1 minute' AS reviewed_at,
       CASE WHEN (d * 31 + k * 17 + u) % 100 < 3 + (d * 3 + k) % 45 / 2 THEN 1
            WHEN (d + k) % 9 = 0 THEN 2 WHEN (d * k) % 11 = 0 THEN 4 ELSE 3 END AS rating,
       1500 + ((d * 7919 + k * 104729 + u) % 9000) AS answer_ms,
       NULLIF((d * 3 + k) % 45, 0) AS elapsed_days
FROM generate_series(1, 3) u, generate_series(0, 89) d, generate_series(1, 20 + (d * 13 % 40)) k
WHERE (d * 7 + u * 3) % 11 <> 0 OR d > 80;
CREATE TEMP TABLE demo_cards AS
SELECT user_id, reviewed_at + (elapsed_days % 9) * interval '1 day' + interval '75 days' AS due
FROM demo_reviews WHERE elapsed_days IS NOT NULL;

\echo 'Dashboard of every learner, one pass over the reviews:'
SELECT user_id, x.reviews, x.again, x.good, round(x.true_retention::numeric, 3) AS retention,
       round(x.answer_mean_ms) AS mean_ms, round(x.answer_p50_ms) AS p50_ms, round(x.answer_p90_ms) AS p90_ms,
       (st).current_streak AS streak, (st).longest_streak AS longest, (st).active_days AS days
FROM (SELECT user_id, shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s,
             shinjp.streak_agg(reviewed_at, '2026-06-29', 'Asia/Tokyo') AS st
      FROM demo_reviews GROUP BY user_id) d
CROSS JOIN LATERAL shinjp.review_stats(s) AS x ORDER BY user_id;

\echo 'Learner 1: reviews per day over the last five weeks (heatmap_agg, Asia/Tokyo), darker = more:'
WITH h AS (SELECT shinjp.heatmap_agg(reviewed_at, '2026-05-25', '2026-06-28', 'Asia/Tokyo') AS counts
           FROM demo_reviews WHERE user_id = 1)
SELECT 'week of ' || ('2026-05-25'::date + 7 * w) AS week,
       string_agg(CASE WHEN c = 0 THEN ' .' WHEN c < 25 THEN ' ░' WHEN c < 40 THEN ' ▒' WHEN c < 55 THEN ' ▓' ELSE ' █' END, '' ORDER BY dow)
         AS "Mo Tu We Th Fr Sa Su"
FROM h, generate_series(0, 4) w, generate_series(0, 6) dow, LATERAL (SELECT h.counts[w * 7 + dow + 1] AS c) cc
GROUP BY w ORDER BY w;

\echo 'Learner 1: cards due per day for the next 7 days (forecast_agg; day 1 includes overdue cards):'
SELECT shinjp.forecast_agg(due, '2026-06-29 08:00:00+09', 7, 'Asia/Tokyo') AS due_per_day FROM demo_cards WHERE user_id = 1;

\echo 'Learner 1: forgetting curve (recall by days since the previous review):'
SELECT min_days, max_days, reviews, round(recall::numeric, 3) AS recall
FROM unnest((SELECT shinjp.forgetting_curve_agg(elapsed_days, rating) FROM demo_reviews WHERE user_id = 1)) ORDER BY min_days;

\echo 'Stored per-day summaries roll up into months; subtracting a day is exact (its last review becomes unknown):'
CREATE TEMP TABLE demo_daily AS
SELECT user_id, (reviewed_at AT TIME ZONE 'Asia/Tokyo')::date AS day,
       shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s
FROM demo_reviews GROUP BY 1, 2;
SELECT date_trunc('month', day)::date AS month, shinjp.review_count(shinjp.rollup(s)) AS reviews,
       round(shinjp.answer_percentile_ms(shinjp.rollup(s), 0.5)) AS p50_ms,
       round(avg(pg_column_size(s))) AS bytes_per_daily_summary
FROM demo_daily WHERE user_id = 1 GROUP BY 1 ORDER BY 1;
WITH june AS (SELECT shinjp.rollup(s) AS s FROM demo_daily WHERE user_id = 2 AND day >= '2026-06-01'),
     last_day AS (SELECT s FROM demo_daily WHERE user_id = 2 ORDER BY day DESC LIMIT 1),
     diff AS (SELECT shinjp.review_summary_subtract(june.s, last_day.s) AS s FROM june, last_day)
SELECT shinjp.review_count(june.s) AS june, shinjp.review_count(last_day.s) AS last_day,
       shinjp.review_count(diff.s) AS june_minus_last_day, shinjp.first_review(diff.s) AS first_review,
       shinjp.last_review(diff.s) AS "last_review (unknown)"
FROM june, last_day, diff;
