-- FSRS optimizer: fit each learner's weights in SQL, check them on held-out reviews
-- Two simulated learners (test/fsrs_sim): study in Asia/Tokyo, day starts at 4 am.
\set QUIET on
SET TimeZone = 'UTC';
CREATE TEMP TABLE opt_demo_log (user_id bigint, card_id bigint, reviewed_at_ms bigint, rating int);
\copy opt_demo_log FROM 'test/fsrs_sim/data/small.csv' CSV HEADER
CREATE TEMP TABLE opt_demo_reviews AS
	SELECT user_id, card_id, rating, 'epoch'::timestamptz + reviewed_at_ms * interval '1 millisecond' AS reviewed_at FROM opt_demo_log;
CREATE TEMP TABLE opt_demo_cut AS
	SELECT user_id, percentile_disc(0.8) WITHIN GROUP (ORDER BY reviewed_at) AS cut FROM opt_demo_reviews GROUP BY 1;
\echo '-- fit on each learner''s first 80% of reviews (one statement, one row per learner)'
CREATE TEMP TABLE opt_demo_fit AS
	SELECT r.user_id, count(*) AS reviews, shinjp.fsrs_fit(card_id, rating, reviewed_at, shinjp.fsrs_fit_options('Asia/Tokyo')) AS w
	FROM opt_demo_reviews r JOIN opt_demo_cut USING (user_id) WHERE reviewed_at < cut GROUP BY 1;
SELECT user_id, reviews, (SELECT array_agg(round(x::numeric, 3)) FROM unnest(w[1:8]) x) AS "w0..w7 (of 21)" FROM opt_demo_fit ORDER BY 1;
\echo '-- score fitted and default weights on the held-out last 20% (lower is better)'
SELECT r.user_id,
	round((shinjp.fsrs_evaluate(card_id, rating, reviewed_at, f.w, shinjp.fsrs_fit_options('Asia/Tokyo'), c.cut)).log_loss::numeric, 4) AS fitted_log_loss,
	round((shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options('Asia/Tokyo'), c.cut)).log_loss::numeric, 4) AS default_log_loss,
	round((shinjp.fsrs_evaluate(card_id, rating, reviewed_at, f.w, shinjp.fsrs_fit_options('Asia/Tokyo'), c.cut)).rmse_bins::numeric, 4) AS fitted_rmse_bins,
	round((shinjp.fsrs_evaluate(card_id, rating, reviewed_at, shinjp.fsrs_default_weights(), shinjp.fsrs_fit_options('Asia/Tokyo'), c.cut)).rmse_bins::numeric, 4) AS default_rmse_bins
FROM opt_demo_reviews r JOIN opt_demo_cut c USING (user_id) JOIN opt_demo_fit f USING (user_id)
GROUP BY r.user_id, f.w, c.cut ORDER BY 1;
