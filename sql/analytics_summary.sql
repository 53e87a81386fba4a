-- Analytics (issue 6): the review summary type, its aggregate, rollup, subtraction and accessors,
-- checked against the idiomatic SQL that computes the same numbers.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;
\set VERBOSITY terse
-- 24,000 deterministic reviews of 12 users; some answer times NULL or 0, some elapsed_days NULL
CREATE TABLE rv AS
SELECT i % 12 AS user_id,
       '2026-01-01 00:00:00+00'::timestamptz + (i * 1297 % 5000000) * interval '1 second' AS reviewed_at,
       1 + (i * 7 + i / 13) % 4 AS rating,
       CASE WHEN i % 97 = 0 THEN NULL WHEN i % 89 = 0 THEN 0 ELSE 300 + (i * 7919 % 45000) * (1 + i % 3) END AS answer_ms,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 31) % 60 END AS elapsed_days
FROM generate_series(1, 24000) AS i;
-- one user with very few, and one with only NULL ratings
INSERT INTO rv VALUES (100, '2026-02-01 10:00:00+00', 3, 1200, 5), (101, '2026-02-01 10:00:00+00', NULL, 1000, 5);
ANALYZE rv;
CREATE TABLE per_user AS
SELECT user_id, shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s FROM rv GROUP BY user_id;
-- idiomatic SQL for the same numbers
CREATE TABLE idiom AS
SELECT user_id,
       count(rating) AS reviews,
       count(*) FILTER (WHERE rating = 1) AS again, count(*) FILTER (WHERE rating = 2) AS hard,
       count(*) FILTER (WHERE rating = 3) AS good, count(*) FILTER (WHERE rating = 4) AS easy,
       (count(*) FILTER (WHERE elapsed_days >= 1 AND rating >= 2 AND rating IS NOT NULL))::float8
         / nullif(count(*) FILTER (WHERE elapsed_days >= 1 AND rating IS NOT NULL), 0) AS true_retention,
       (count(*) FILTER (WHERE elapsed_days >= 21 AND rating >= 2))::float8
         / nullif(count(*) FILTER (WHERE elapsed_days >= 21 AND rating IS NOT NULL), 0) AS mature_retention,
       avg(answer_ms) FILTER (WHERE rating IS NOT NULL) AS mean_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_ms) FILTER (WHERE rating IS NOT NULL) AS p50,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY answer_ms) FILTER (WHERE rating IS NOT NULL) AS p90,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY answer_ms) FILTER (WHERE rating IS NOT NULL) AS p99,
       percentile_cont(0.0) WITHIN GROUP (ORDER BY answer_ms) FILTER (WHERE rating IS NOT NULL) AS p0,
       percentile_cont(1.0) WITHIN GROUP (ORDER BY answer_ms) FILTER (WHERE rating IS NOT NULL) AS p100,
       min(reviewed_at) FILTER (WHERE rating IS NOT NULL) AS first_review,
       max(reviewed_at) FILTER (WHERE rating IS NOT NULL) AS last_review
FROM rv GROUP BY user_id;
-- counts, retention, mean, first/last agree exactly; percentiles within 1%
SELECT count(*) AS users,
       count(*) FILTER (WHERE shinjp.review_count(s) = i.reviews
                          AND shinjp.rating_counts(s) = ARRAY[i.again, i.hard, i.good, i.easy]
                          AND shinjp.rating_count(s, 3) = i.good) AS counts_equal,
       count(*) FILTER (WHERE shinjp.true_retention(s) IS NOT DISTINCT FROM i.true_retention
                          AND shinjp.mature_retention(s) IS NOT DISTINCT FROM i.mature_retention) AS retention_equal,
       count(*) FILTER (WHERE coalesce(abs(shinjp.answer_mean_ms(s) - i.mean_ms::float8) < 1e-9, i.mean_ms IS NULL AND shinjp.answer_mean_ms(s) IS NULL)) AS mean_equal,
       count(*) FILTER (WHERE shinjp.first_review(s) IS NOT DISTINCT FROM i.first_review
                          AND shinjp.last_review(s) IS NOT DISTINCT FROM i.last_review) AS first_last_equal
FROM per_user p JOIN idiom i USING (user_id);
SELECT user_id, q,
       round(abs(shinjp.answer_percentile_ms(s, q) / v - 1)::numeric, 4) <= 0.01 AS within_1pct
FROM per_user JOIN idiom USING (user_id),
     LATERAL (VALUES (0.0::float8, p0), (0.5, p50), (0.9, p90), (0.99, p99), (1.0, p100)) AS t(q, v)
WHERE v IS NOT NULL AND NOT (abs(shinjp.answer_percentile_ms(s, q) - v) <= 0.01 * abs(v))
ORDER BY 1, 2;
-- worst relative error over all users and a fine grid of fractions (must be below 1%)
SELECT max(abs(shinjp.answer_percentile_ms(s, q) / nullif(v, 0) - 1)) < 0.01 AS max_error_below_1pct
FROM per_user JOIN LATERAL (
  SELECT q, percentile_cont(q) WITHIN GROUP (ORDER BY answer_ms) AS v
  FROM rv, generate_series(0, 100) AS g(k), LATERAL (SELECT g.k / 100.0::float8 AS q) x
  WHERE rv.user_id = per_user.user_id AND rating IS NOT NULL GROUP BY q) t ON true;
-- review_stats: every accessor at once
SELECT user_id, (shinjp.review_stats(s)).* FROM per_user WHERE user_id IN (0, 100, 101) ORDER BY user_id;
-- readable text form; round trip through text and through the binary format
SELECT s FROM per_user WHERE user_id = 100;
SELECT count(*) FILTER (WHERE s::text::shinjp.review_summary::text = s::text) AS text_round_trip,
       count(*) FILTER (WHERE shinjp.review_summary(s::bytea)::text = s::text) AS bytea_round_trip,
       count(*) FILTER (WHERE get_byte(s::bytea, 0) = 1) AS version_byte_1
FROM per_user;
-- bytes per summary
SELECT user_id, pg_column_size(s) AS bytes FROM per_user WHERE user_id IN (0, 100, 101) ORDER BY 1;
-- the empty summary: no rows, all-NULL ratings, FILTER that matches nothing
SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS no_rows FROM rv WHERE false;
SELECT shinjp.review_summary_agg(reviewed_at, NULL::int, answer_ms) AS all_null FROM rv WHERE user_id < 3;
SELECT (shinjp.review_stats(shinjp.review_summary_agg(reviewed_at, rating) FILTER (WHERE false))).* FROM rv;
SELECT shinjp.rollup(s) AS rollup_of_nulls FROM (VALUES (NULL::shinjp.review_summary)) v(s);
SELECT shinjp.rollup(s) AS rollup_no_rows FROM per_user WHERE false;
-- the overloads without answer time / elapsed days
SELECT shinjp.review_summary_agg(reviewed_at, rating) AS two_args FROM rv WHERE user_id = 100;
SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms) AS three_args FROM rv WHERE user_id = 100;
-- rollup: per-day summaries rolled up per user equal the direct summary
CREATE TABLE per_day AS
SELECT user_id, date_trunc('day', reviewed_at) AS day, shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s
FROM rv GROUP BY 1, 2;
SELECT count(*) AS users, count(*) FILTER (WHERE r.s::text = p.s::text) AS rollup_equal
FROM (SELECT user_id, shinjp.rollup(s) AS s FROM per_day GROUP BY user_id) r JOIN per_user p USING (user_id);
-- merge is the same as rollup of two
SELECT shinjp.review_summary_merge(a.s, b.s)::text = (SELECT shinjp.rollup(s)::text FROM per_user WHERE user_id IN (1, 2)) AS merge_equal
FROM per_user a, per_user b WHERE a.user_id = 1 AND b.user_id = 2;
-- subtract: all minus one day = the rest; counts, sums and sketch exact
SELECT shinjp.review_summary_subtract(a.s, d.s)::text = r.s::text AS subtract_middle_day_exact
FROM per_user a,
     (SELECT s FROM per_day WHERE user_id = 3 ORDER BY day OFFSET 5 LIMIT 1) d,
     (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) s FROM rv
      WHERE user_id = 3 AND date_trunc('day', reviewed_at) <> (SELECT day FROM per_day WHERE user_id = 3 ORDER BY day OFFSET 5 LIMIT 1)) r
WHERE a.user_id = 3;
-- removing the first day: first review becomes unknown (NULL), everything else is exact
WITH a AS (SELECT s FROM per_user WHERE user_id = 3),
     d AS (SELECT s FROM per_day WHERE user_id = 3 ORDER BY day LIMIT 1),
     diff AS (SELECT shinjp.review_summary_subtract(a.s, d.s) AS s FROM a, d),
     rest AS (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) s FROM rv
              WHERE user_id = 3 AND date_trunc('day', reviewed_at) > (SELECT min(day) FROM per_day WHERE user_id = 3))
SELECT shinjp.first_review(diff.s) AS first_unknown, shinjp.last_review(diff.s) = shinjp.last_review(rest.s) AS last_exact,
       shinjp.review_count(diff.s) = shinjp.review_count(rest.s) AS count_exact,
       shinjp.answer_mean_ms(diff.s) = shinjp.answer_mean_ms(rest.s) AS mean_exact,
       shinjp.answer_percentile_ms(diff.s, 0.5) = shinjp.answer_percentile_ms(rest.s, 0.5) AS median_same,
       diff.s::text ~ 'first_bound=' AS text_shows_bound,
       diff.s::text::shinjp.review_summary::text = diff.s::text AS bound_round_trips,
       shinjp.first_review(shinjp.review_summary_merge(diff.s, d.s)) = shinjp.first_review(a.s) AS merge_restores_first
FROM diff, rest, a, d;
-- subtracting everything gives the empty summary
SELECT shinjp.review_summary_subtract(s, s) AS all_minus_all FROM per_user WHERE user_id = 0;
-- Parallel: force a parallel plan, check Partial Aggregate and equality with the serial result
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) FROM rv;
CREATE TABLE par AS SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s FROM rv;
EXPLAIN (COSTS OFF) SELECT user_id, shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) FROM rv GROUP BY user_id;
CREATE TABLE par_user AS SELECT user_id, shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s FROM rv GROUP BY user_id;
EXPLAIN (COSTS OFF) SELECT shinjp.rollup(s) FROM per_day;
CREATE TABLE par_rollup AS SELECT shinjp.rollup(s) AS s FROM per_day;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
SELECT (SELECT s::text FROM par) = (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days)::text FROM rv) AS parallel_equals_serial,
       (SELECT s::text FROM par_rollup) = (SELECT s::text FROM par) AS parallel_rollup_equals,
       (SELECT count(*) FROM par_user JOIN per_user USING (user_id) WHERE par_user.s::text = per_user.s::text) AS groups_equal;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- equality and hashing: summary columns work in DISTINCT, EXCEPT ALL and comparisons
SELECT (SELECT count(DISTINCT s::text) FROM per_day) = (SELECT count(*) FROM (SELECT DISTINCT s FROM per_day) x) AS distinct_consistent,
       (SELECT count(*) FROM (SELECT user_id, s FROM per_user EXCEPT ALL SELECT user_id, s FROM par_user) x) AS except_all_rows,
       (SELECT count(*) FROM per_user a JOIN per_user b ON a.s OPERATOR(shinjp.=) b.s) AS self_join_rows,
       'v1 total=0'::shinjp.review_summary OPERATOR(shinjp.=) (SELECT shinjp.review_summary_agg(reviewed_at, rating) FROM rv WHERE false) AS empty_equal,
       (SELECT a.s OPERATOR(shinjp.=) b.s FROM per_user a, per_user b WHERE a.user_id = 1 AND b.user_id = 2) AS different_unequal;
-- as window functions (moving and growing frames) the in-place state stays correct
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE shinjp.review_count(w3) = c3 AND shinjp.answer_mean_ms(w3) IS NOT DISTINCT FROM m3
                          AND shinjp.review_count(wr) = cr) AS window_equal
FROM (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms) OVER w AS w3,
             count(rating) OVER w AS c3, (avg(answer_ms) FILTER (WHERE rating IS NOT NULL) OVER w)::float8 AS m3,
             shinjp.review_summary_agg(reviewed_at, rating) OVER (ORDER BY reviewed_at, answer_ms) AS wr,
             count(rating) OVER (ORDER BY reviewed_at, answer_ms) AS cr
      FROM rv WHERE user_id = 4
      WINDOW w AS (ORDER BY reviewed_at, answer_ms ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)) x;
-- Ready for Citus: every aggregate has a combine function and a real (non-internal) state type,
-- is PARALLEL SAFE, and none is named like a Citus built-in aggregate
SELECT a.aggfnoid::regprocedure AS aggregate, a.aggtranstype::regtype AS state_type,
       a.aggcombinefn <> 0 AS has_combine, p.proparallel = 's' AS parallel_safe,
       p.proname IN ('sum', 'max', 'min', 'avg', 'count', 'array_agg', 'string_agg', 'bit_and', 'bit_or', 'bool_and', 'bool_or', 'every', 'json_agg', 'jsonb_agg', 'hll_add_agg', 'topn_add_agg') AS builtin_name
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'shinjp'::regnamespace ORDER BY 1::text;
-- partial states survive the text and binary forms a coordinator would receive them in
SELECT shinjp.rollup(s::text::shinjp.review_summary)::text = (SELECT s::text FROM par) AS via_text,
       shinjp.rollup(shinjp.review_summary(s::bytea))::text = (SELECT s::text FROM par) AS via_binary
FROM (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s FROM rv GROUP BY user_id % 3) parts;
-- Bad input: each an ERROR with SQLSTATE
SELECT shinjp.review_summary_agg(t, r) FROM (VALUES ('2026-01-01'::timestamptz, 5)) v(t, r);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.review_summary_agg(t, r) FROM (VALUES ('2026-01-01'::timestamptz, 0)) v(t, r);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.review_summary_agg(t, 3, -1) FROM (VALUES ('2026-01-01'::timestamptz)) v(t);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.review_summary_agg(t, 3, 100, -2) FROM (VALUES ('2026-01-01'::timestamptz)) v(t);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.review_summary_agg(t, 3) FROM (VALUES ('infinity'::timestamptz)) v(t);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.answer_percentile_ms(s, 1.5) FROM per_user WHERE user_id = 0;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.answer_percentile_ms(s, 'NaN') FROM per_user WHERE user_id = 0;
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.rating_count(s, 7) FROM per_user WHERE user_id = 0;
\echo :LAST_ERROR_SQLSTATE
-- subtracting what is not contained
SELECT shinjp.review_summary_subtract(a.s, b.s) FROM per_user a, per_user b WHERE a.user_id = 100 AND b.user_id = 0;
\echo :LAST_ERROR_SQLSTATE
-- forged text
SELECT 'garbage'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 total=0'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 total=3 ratings=1/1/1/0'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 total=1 ratings=0/0/1/0 young=0/0 mature=0/0 first=2026-01-01T00:00:00Z last=2026-01-01T00:00:00Z answers=2 zero=0 sum_ms=10 min_ms=5 max_ms=5 buckets=179:2'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 total=1 ratings=0/0/1/0 young=2/1 mature=0/0 first=2026-01-01T00:00:00Z last=2026-01-01T00:00:00Z answers=0'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 total=1 ratings=0/0/1/0 young=0/0 mature=0/0 first=2026-02-30T00:00:00Z last=2026-01-01T00:00:00Z answers=0'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 total=1 ratings=0/0/1/0 young=0/0 mature=0/0 first=2026-01-01T00:00:00Z last=2026-01-01T00:00:00Z answers=1 zero=0 sum_ms=5 min_ms=5 max_ms=5 buckets=99999:1'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 total=1 ratings=0/0/1/0 young=0/0 mature=0/0 first=2026-01-01T00:00:00Z last=2026-01-01T00:00:00Z answers=1 zero=0 sum_ms=5 min_ms=5 max_ms=5 buckets=10:1'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 total=99999999999999999999'::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
-- forged bytes: wrong version, unknown encoding, truncated, trailing bytes, inconsistent counts
SELECT '\x02010000'::bytea::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '\x0109'::bytea::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '\x010100'::bytea::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT (s::bytea || '\x00'::bytea)::shinjp.review_summary FROM per_user WHERE user_id = 100;
\echo :LAST_ERROR_SQLSTATE
SELECT substr(s::bytea, 1, length(s::bytea) - 1)::shinjp.review_summary FROM per_user WHERE user_id = 100;
\echo :LAST_ERROR_SQLSTATE
SELECT '\x0101000100000006000000000000000000'::bytea::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '\x01010080808080808080808002'::bytea::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '\x01020000'::bytea::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
-- the dense aggregation state is not accepted as binary input (it is native-endian)
SELECT shinjp.review_summary_trans(NULL, '2026-01-01', 3, 1000)::text::shinjp.review_summary::bytea = shinjp.review_summary_bytes(shinjp.review_summary_trans(NULL, '2026-01-01', 3, 1000)) AS state_output_is_packed;
SELECT ('\x0102'::bytea || substr(shinjp.review_summary_bytes(shinjp.review_summary_trans(NULL, '2026-01-01', 3, 1000)), 3))::shinjp.review_summary;
\echo :LAST_ERROR_SQLSTATE
-- every single-byte corruption of a real summary is rejected (22P03) or still a consistent value
CREATE FUNCTION pg_temp.try_decode(b bytea) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM shinjp.review_stats(b::shinjp.review_summary);
	RETURN true;
EXCEPTION WHEN invalid_binary_representation THEN
	RETURN false;
END $$;
SELECT count(*) AS corruptions, count(*) FILTER (WHERE ok) AS still_valid
FROM (SELECT k, d, pg_temp.try_decode(set_byte(s::bytea, k, (get_byte(s::bytea, k) + d) % 256)) AS ok
      FROM per_user, generate_series(0, 200) k, (VALUES (1), (128), (255)) dd(d)
      WHERE user_id = 5 AND k < length(s::bytea)) x;
-- counters that would overflow on merge
SELECT shinjp.review_summary_merge(s, s)
FROM (SELECT 'v1 total=9223372036854775807 ratings=0/0/9223372036854775807/0 young=0/0 mature=0/0 first=2026-01-01T00:00:00Z last=2026-01-01T00:00:00Z answers=0'::shinjp.review_summary s) x;
\echo :LAST_ERROR_SQLSTATE
SELECT 1 AS backend_alive;
