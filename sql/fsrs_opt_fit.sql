-- FSRS parameter optimizer: shinjp.fsrs_fit and shinjp.fsrs_evaluate on a simulated log
-- (test/fsrs_sim/data/small.csv, produced by test/fsrs_sim/simulate.cpp: 2 learners, Asia/Tokyo).
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
CREATE TABLE opt_log (user_id bigint, card_id bigint, reviewed_at_ms bigint, rating int);
\copy opt_log FROM 'test/fsrs_sim/data/small.csv' CSV HEADER
CREATE TABLE opt_reviews AS
	SELECT user_id, card_id, rating, to_timestamp(reviewed_at_ms / 1000.0) AS reviewed_at FROM opt_log;
SELECT user_id, count(*) AS reviews, count(DISTINCT card_id) AS cards FROM opt_reviews GROUP BY 1 ORDER BY 1;
-- fsrs-rs' parameter bounds (short-term on, one relearning step), for the checks below
CREATE TEMP TABLE bounds (i int, lo float8, hi float8);
INSERT INTO bounds SELECT i, lo, hi FROM unnest(
	ARRAY[0.001,0.001,0.001,0.001,1,0.001,0.001,0.001,0,0,0.001,0.001,0.001,0.001,0,0,1,0,0,0.01,0.1],
	ARRAY[100,100,100,100,10,4,4,0.75,4.5,0.8,3.5,5,0.25,0.9,4,1,6,2,2,0.8,0.8]) WITH ORDINALITY AS b(lo, hi, i);
-- fit each learner on everything before its last 20% of reviews (the held-out part)
CREATE TABLE opt_cut AS
	SELECT user_id, percentile_disc(0.8) WITHIN GROUP (ORDER BY reviewed_at) AS cut FROM opt_reviews GROUP BY 1;
CREATE TABLE opt_fit AS
	SELECT r.user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')) AS w
	FROM opt_reviews r JOIN opt_cut c USING (user_id) WHERE r.reviewed_at < c.cut GROUP BY 1;
-- 21 finite weights inside the bounds, not the defaults
SELECT user_id, array_length(w, 1) AS n,
	(SELECT bool_and(w[i] BETWEEN lo AND hi) FROM bounds) AS in_bounds,
	w <> shinjp.fsrs_default_weights() AS fitted
FROM opt_fit ORDER BY 1;
SELECT user_id, (SELECT array_agg(round(x::numeric, 2)) FROM unnest(w) x) AS weights FROM opt_fit ORDER BY 1;
-- deterministic: the same fit again gives the same bits
SELECT f.user_id, f.w = g.w AS same
FROM opt_fit f JOIN (
	SELECT r.user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')) AS w
	FROM opt_reviews r JOIN opt_cut c USING (user_id) WHERE r.reviewed_at < c.cut GROUP BY 1) g USING (user_id)
ORDER BY 1;
-- input order does not matter (rows are sorted by card and time inside)
SELECT f.user_id, f.w = g.w AS same_when_shuffled
FROM opt_fit f JOIN (
	SELECT r.user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')
		ORDER BY reviewed_at DESC, card_id) AS w
	FROM opt_reviews r JOIN opt_cut c USING (user_id) WHERE r.reviewed_at < c.cut GROUP BY 1) g USING (user_id)
ORDER BY 1;
-- held-out evaluation: fitted weights against the defaults, same items
SELECT f.user_id,
	(e).items, round((e).log_loss::numeric, 4) AS log_loss, round((e).rmse_bins::numeric, 4) AS rmse_bins,
	round((d).log_loss::numeric, 4) AS default_log_loss, round((d).rmse_bins::numeric, 4) AS default_rmse_bins
FROM opt_fit f JOIN (
	SELECT r.user_id,
		shinjp.fsrs_evaluate(card_id, rating, reviewed_at, f.w, shinjp.fsrs_fit_options('Asia/Tokyo'), c.cut) AS e,
		shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options('Asia/Tokyo'), c.cut) AS d
	FROM opt_reviews r JOIN opt_cut c USING (user_id) JOIN opt_fit f USING (user_id) GROUP BY r.user_id) s USING (user_id)
ORDER BY 1;
-- the options change the fit: short-term off zeroes w17..w19 and freezes S0; more relearning steps bound w17*w18
SELECT user_id, w[18] = 0 AND w[19] = 0 AND w[20] = 0 AS short_term_zeroed
FROM (SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo', short_term => false)) AS w
	FROM opt_reviews GROUP BY 1) s ORDER BY 1;
SELECT user_id, (SELECT bool_and(w[i] BETWEEN lo AND hi) FROM bounds WHERE i NOT IN (18, 19, 20)) AND w[18] * w[19] <= 2 AS in_bounds
FROM (SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo', relearning_steps => 3)) AS w
	FROM opt_reviews GROUP BY 1) s ORDER BY 1;

-- parallel aggregation (partial states serialized between processes) gives the same result
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
	SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')) FROM opt_reviews GROUP BY 1;
SELECT p.user_id, p.w = s.w AS parallel_equals_serial
FROM (SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')) AS w FROM opt_reviews GROUP BY 1) p
JOIN (SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo') ORDER BY card_id) AS w FROM opt_reviews GROUP BY 1) s
USING (user_id) ORDER BY 1;
-- partitioned by learner: whole fits run inside the workers (partitionwise aggregation, no Finalize)
CREATE TABLE opt_reviews_p (user_id bigint, card_id bigint, rating int, reviewed_at timestamptz) PARTITION BY HASH (user_id);
CREATE TABLE opt_reviews_p0 PARTITION OF opt_reviews_p FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE opt_reviews_p1 PARTITION OF opt_reviews_p FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE opt_reviews_p2 PARTITION OF opt_reviews_p FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE opt_reviews_p3 PARTITION OF opt_reviews_p FOR VALUES WITH (MODULUS 4, REMAINDER 3);
-- eight learners: the two, each four times under another id
INSERT INTO opt_reviews_p SELECT user_id + k * 10, card_id, rating, reviewed_at FROM opt_reviews, generate_series(0, 3) k;
ANALYZE opt_reviews_p;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF)
	SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')) FROM opt_reviews_p GROUP BY 1;
SELECT p.user_id, p.w = s.w AS partitionwise_equals_serial
FROM (SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')) AS w FROM opt_reviews_p GROUP BY 1) p
JOIN (SELECT user_id, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo') ORDER BY card_id) AS w FROM opt_reviews GROUP BY 1) s
ON s.user_id = p.user_id % 10 ORDER BY 1;
-- evaluate in parallel too
SELECT p.e = s.e AS parallel_evaluate_equals_serial
FROM (SELECT shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights()) AS e FROM opt_reviews) p,
     (SELECT shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights() ORDER BY card_id) AS e FROM opt_reviews) s;
RESET enable_partitionwise_aggregate;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- a long fit honours statement_timeout, and the backend answers the next query
SET statement_timeout = '300ms';
SELECT shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo', epochs => 1000)) FROM opt_reviews;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT 1 AS backend_alive;
