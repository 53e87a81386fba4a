-- Analytics (issue 6): streaks, heatmap, forecast and forgetting curve, checked against the
-- idiomatic SQL (gaps-and-islands, generate_series joins, count FILTER), serially and in parallel.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set VERBOSITY terse
-- 30,000 reviews of 10 users over ~200 days, with gaps; answer "due" times for the forecast
CREATE TABLE ev AS
SELECT i % 10 AS user_id,
       '2026-01-01 00:00:00+00'::timestamptz + ((i * 7919) % (200 * 86400)) * interval '1 second'
         + CASE WHEN (i / 10) % 17 = 0 THEN interval '250 days' ELSE interval '0' END AS reviewed_at,
       '2026-06-01 00:00:00+00'::timestamptz + ((i::bigint * 104729) % (40 * 86400) - 10 * 86400) * interval '1 second' AS due,
       1 + (i * 13 + i / 7) % 4 AS rating,
       (i * 37) % 900 AS elapsed_days
FROM generate_series(1, 30000) AS i
WHERE (i * 7919) % (200 * 86400) / 86400 % 9 NOT IN (4, 5) OR (i % 10 = 3 AND (i * 7919) % (200 * 86400) / 86400 < 190);
ANALYZE ev;
-- Streaks: gaps-and-islands over distinct local days (America/New_York, which has DST)
CREATE TABLE idiom_streak AS
WITH days AS (SELECT DISTINCT user_id, (reviewed_at AT TIME ZONE 'America/New_York')::date AS d FROM ev),
     islands AS (SELECT user_id, d, d - (row_number() OVER (PARTITION BY user_id ORDER BY d))::int AS grp FROM days),
     runs AS (SELECT user_id, min(d) AS s, max(d) AS e, count(*) AS len FROM islands GROUP BY user_id, grp)
SELECT user_id, max(len)::int AS longest, sum(len)::int AS active, min(s) AS first_day, max(e) AS last_day,
       coalesce(max(CASE WHEN '2026-06-10'::date BETWEEN s AND e THEN '2026-06-10'::date - s + 1
                         WHEN '2026-06-09'::date BETWEEN s AND e THEN '2026-06-09'::date - s + 1 END), 0) AS current_streak
FROM runs GROUP BY user_id;
CREATE TABLE ours_streak AS
SELECT user_id, (shinjp.streak_agg(reviewed_at, '2026-06-10', 'America/New_York')).* FROM ev GROUP BY user_id;
SELECT count(*) AS users,
       count(*) FILTER (WHERE o.longest_streak = i.longest AND o.active_days = i.active
                          AND o.first_day = i.first_day AND o.last_day = i.last_day) AS streaks_equal,
       count(*) FILTER (WHERE o.current_streak = i.current_streak) AS current_equal
FROM idiom_streak i JOIN ours_streak o USING (user_id);
SELECT user_id, current_streak, longest_streak, active_days, first_day, last_day FROM ours_streak ORDER BY user_id;
-- a hand-checked streak: as_of studied, as_of not yet studied (yesterday counts), a gap before
SELECT (shinjp.streak_agg(d, a)).*
FROM (VALUES ('2026-03-01'::date), ('2026-03-02'), ('2026-03-03'), ('2026-03-05'), ('2026-03-06'), ('2026-03-09')) v(d),
     (VALUES ('2026-03-06'::date), ('2026-03-07'), ('2026-03-08'), ('2026-03-09'), ('2026-03-10'), ('2026-03-02')) w(a)
GROUP BY a ORDER BY a;
-- duplicates, NULL days, NULL as_of, no rows, all-NULL
SELECT (shinjp.streak_agg(d, '2026-03-02')).* FROM (VALUES ('2026-03-01'::date), ('2026-03-01'), (NULL), ('2026-03-02')) v(d);
SELECT (shinjp.streak_agg(d, NULL)).* FROM (VALUES ('2026-03-01'::date)) v(d);
SELECT (shinjp.streak_agg(d, '2026-03-02')).* FROM (VALUES ('2026-03-01'::date)) v(d) WHERE false;
SELECT (shinjp.streak_agg(NULL::date, '2026-03-02')).* FROM generate_series(1, 3);
-- runs far apart and in reverse order regrow the state; a 100-year span is the limit
SELECT (shinjp.streak_agg(d, '2100-01-01')).* FROM (VALUES ('2100-01-01'::date), ('2000-01-01'), ('2050-06-30'), ('2099-12-31')) v(d);
-- Heatmap: generate_series join in two time zones, including DST changes
CREATE TABLE idiom_heat AS
SELECT user_id, tz, array_agg(coalesce(n, 0)::int ORDER BY g.d) AS counts
FROM (SELECT DISTINCT user_id FROM ev) u
CROSS JOIN (VALUES ('Asia/Tokyo'), ('America/New_York')) z(tz)
CROSS JOIN generate_series('2026-02-20'::date, '2026-04-10'::date, '1 day') g(d)
LEFT JOIN LATERAL (SELECT count(*) AS n FROM ev WHERE ev.user_id = u.user_id
                   AND (reviewed_at AT TIME ZONE z.tz)::date = g.d::date) c ON true
GROUP BY user_id, tz;
SELECT count(*) AS heatmaps,
       count(*) FILTER (WHERE i.counts = o.counts) AS heatmaps_equal
FROM idiom_heat i
JOIN (SELECT user_id, tz, shinjp.heatmap_agg(reviewed_at, '2026-02-20', '2026-04-10', tz) AS counts
      FROM ev CROSS JOIN (VALUES ('Asia/Tokyo'), ('America/New_York')) z(tz) GROUP BY user_id, tz) o USING (user_id, tz);
SELECT shinjp.heatmap_agg(reviewed_at, '2026-03-07', '2026-03-10', 'America/New_York') AS dst_week FROM ev WHERE user_id = 1;
SELECT array_agg(n ORDER BY d) AS dst_week_idiom
FROM (SELECT g.d, count(ev.*)::int AS n FROM generate_series('2026-03-07'::date, '2026-03-10', '1 day') g(d)
      LEFT JOIN ev ON user_id = 1 AND (reviewed_at AT TIME ZONE 'America/New_York')::date = g.d GROUP BY g.d) x;
SELECT shinjp.heatmap_agg(d, '2026-01-01', '2026-01-03') AS by_date FROM (VALUES ('2026-01-01'::date), ('2026-01-03'), (NULL), ('2027-01-01')) v(d);
SELECT shinjp.heatmap_agg(reviewed_at, '2026-01-01', '2026-01-03', 'UTC') AS no_rows FROM ev WHERE false;
-- Forecast: due cards per local day for 14 days from 2026-06-01 09:00 Tokyo time, overdue on day 1
SELECT user_id, shinjp.forecast_agg(due, '2026-06-01 00:00:00+00', 14, 'Asia/Tokyo') = (
         SELECT array_agg(coalesce(n, 0)::int ORDER BY k)
         FROM generate_series(0, 13) k
         LEFT JOIN (SELECT greatest(0, (due AT TIME ZONE 'Asia/Tokyo')::date - '2026-06-01'::date) AS k2, count(*) AS n
                    FROM ev e2 WHERE e2.user_id = ev.user_id GROUP BY 1) c ON c.k2 = k) AS forecast_equal
FROM ev GROUP BY user_id ORDER BY user_id;
SELECT shinjp.forecast_agg(due, '2026-06-01 00:00:00+00', 7, 'UTC') AS forecast_user_0 FROM ev WHERE user_id = 0;
SELECT shinjp.forecast_agg(d, '2026-06-01 00:00:00+00', 3, 'UTC') AS infinite_dues
FROM (VALUES ('-infinity'::timestamptz), ('infinity'), ('2026-06-02 12:00+00')) v(d);
-- Forgetting curve: against count FILTER per bucket
SELECT (c).min_days, (c).max_days, (c).reviews, (c).recalled, round((c).recall::numeric, 4) AS recall
FROM (SELECT unnest(shinjp.forgetting_curve_agg(elapsed_days, rating)) AS c FROM ev) x ORDER BY 1;
SELECT bool_and(o.reviews = i.reviews AND o.recalled = i.recalled) AS curve_equal, count(*) AS buckets
FROM (SELECT (c).* FROM (SELECT unnest(shinjp.forgetting_curve_agg(elapsed_days, rating)) AS c FROM ev) x) o
JOIN (SELECT lo, count(*) AS reviews, count(*) FILTER (WHERE rating >= 2) AS recalled
      FROM ev, LATERAL (SELECT max(b) AS lo FROM unnest(shinjp.forgetting_curve_bounds()) b WHERE b <= elapsed_days) l
      GROUP BY lo) i ON i.lo = o.min_days;
SELECT shinjp.forgetting_curve_agg(e, r) AS curve_no_rows FROM (VALUES (1, NULL::int), (NULL, 3)) v(e, r);
-- Parallel: every aggregate under a forced parallel plan equals the serial result
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT shinjp.streak_agg(reviewed_at, '2026-07-20', 'America/New_York'),
       shinjp.heatmap_agg(reviewed_at, '2026-01-01', '2026-08-01', 'Asia/Tokyo'),
       shinjp.forecast_agg(due, '2026-06-01 00:00:00+00', 30, 'Asia/Tokyo'),
       shinjp.forgetting_curve_agg(elapsed_days, rating)
FROM ev;
CREATE TABLE cal_par AS
SELECT (shinjp.streak_agg(reviewed_at, '2026-07-20', 'America/New_York'))::text AS streak,
       shinjp.heatmap_agg(reviewed_at, '2026-01-01', '2026-08-01', 'Asia/Tokyo')::text AS heat,
       shinjp.forecast_agg(due, '2026-06-01 00:00:00+00', 30, 'Asia/Tokyo')::text AS forecast,
       shinjp.forgetting_curve_agg(elapsed_days, rating)::text AS curve
FROM ev;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT p.streak = s.streak AS streak_equal, p.heat = s.heat AS heat_equal, p.forecast = s.forecast AS forecast_equal,
       p.curve = s.curve AS curve_equal
FROM cal_par p,
     (SELECT (shinjp.streak_agg(reviewed_at, '2026-07-20', 'America/New_York'))::text AS streak,
             shinjp.heatmap_agg(reviewed_at, '2026-01-01', '2026-08-01', 'Asia/Tokyo')::text AS heat,
             shinjp.forecast_agg(due, '2026-06-01 00:00:00+00', 30, 'Asia/Tokyo')::text AS forecast,
             shinjp.forgetting_curve_agg(elapsed_days, rating)::text AS curve FROM ev) s;
SELECT streak FROM cal_par;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- Bad input: each an ERROR with SQLSTATE
SELECT shinjp.heatmap_agg(reviewed_at, '2026-01-01', '2026-01-05', 'Mars/Olympus') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_agg(reviewed_at, '2026-01-01', '2026-01-05', '') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_agg(reviewed_at, '2016-01-01', '2036-01-05', 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_agg(reviewed_at, '2026-01-05', '2026-01-01', 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_agg(reviewed_at, '-infinity', '2026-01-01', 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_agg(reviewed_at, NULL, '2026-01-01', 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_agg(reviewed_at, '2026-01-01', '2026-01-01'::date + (user_id % 2), 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_agg('infinity'::timestamptz, '2026-01-01', '2026-01-02', 'UTC');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.forecast_agg(due, '2026-06-01', 0, 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.forecast_agg(due, '2026-06-01', 100000, 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.forecast_agg(due, '2026-06-01', 10, 'Nowhere/Land') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.forecast_agg(due, 'infinity', 10, 'UTC') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.streak_agg(d, '2026-01-01') FROM (VALUES ('2026-01-01'::date), ('1800-01-01')) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.streak_agg(d, a) FROM (VALUES ('2026-01-01'::date, '2026-01-01'::date), ('2026-01-02', '2026-01-03')) v(d, a);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.streak_agg('infinity'::date, '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.streak_agg(reviewed_at, '2026-01-01', 'Nowhere/Land') FROM ev;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.forgetting_curve_agg(-1, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.forgetting_curve_agg(1, 9);
\echo :LAST_ERROR_SQLSTATE
-- forged states given to the support functions
SELECT shinjp.streak_final('\x0102'::bytea);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.streak_final('\x01530101000000000000000001000000000000000000000000000000ffffffff'::bytea);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.streak_merge('\x0153'::bytea, '\x0153'::bytea);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.day_counts_final('{1,2,NULL}'::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.day_counts_final('{{1,2},{3,4}}'::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.day_counts_final('{-1}'::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.day_counts_final('{3000000000}'::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.day_counts_merge('{1,2}'::bigint[], '{1,2,3}'::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.day_counts_merge('{9223372036854775807}'::bigint[], '{1}'::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.forgetting_curve_final('{1,2}'::bigint[]);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.heatmap_trans('[5:6]={1,2}'::bigint[], now(), '2026-01-01', '2026-01-02', 'UTC');
\echo :LAST_ERROR_SQLSTATE
SELECT 1 AS backend_alive;
-- Local days across DST transitions, half-hour and 45-minute offsets, a skipped day (Samoa,
-- 2011-12-30) and dates beyond the zone tables (2100): the heatmap equals AT TIME ZONE.
CREATE TABLE tzt AS
SELECT ts FROM generate_series('2009-01-01 00:00:00+00'::timestamptz, '2014-12-31 23:00:00+00', interval '7 hours 13 minutes') ts
UNION ALL
SELECT ts FROM generate_series('2098-01-01 00:00:00+00'::timestamptz, '2103-12-31 23:00:00+00', interval '7 hours 13 minutes') ts
UNION ALL
SELECT ts FROM generate_series('1908-01-01 00:00:00+00'::timestamptz, '1913-12-31 23:00:00+00', interval '7 hours 13 minutes') ts;
SELECT tz, y,
       shinjp.heatmap_agg(ts, make_date(y, 1, 1), make_date(y + 5, 12, 31), tz) = (
         SELECT array_agg(n ORDER BY d)
         FROM (SELECT g.d, count(t2.ts)::int AS n
               FROM generate_series(make_date(y, 1, 1), make_date(y + 5, 12, 31), interval '1 day') g(d)
               LEFT JOIN tzt t2 ON (t2.ts AT TIME ZONE tz)::date = g.d::date GROUP BY g.d) x) AS same_days
FROM tzt, (VALUES ('America/New_York'), ('Europe/London'), ('Australia/Lord_Howe'), ('Asia/Kathmandu'),
                  ('America/Sao_Paulo'), ('Pacific/Apia'), ('Asia/Tokyo'), ('UTC')) z(tz),
     (VALUES (2009), (2098), (1908)) yy(y)
GROUP BY tz, y ORDER BY tz, y;
