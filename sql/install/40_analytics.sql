-- shinjp extension script, part 40: analytics aggregates (issue 6).
-- Every aggregate has a real (non-internal) state type and a combine function, so PostgreSQL runs
-- it in parallel workers and Citus can run it in two stages on its workers.

-- ---------------------------------------------------------------------------------------------
-- The review summary type.
CREATE TYPE shinjp.review_summary;

CREATE FUNCTION shinjp.review_summary_in(cstring) RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shinjp.review_summary_out(shinjp.review_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shinjp.review_summary_recv(internal) RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shinjp.review_summary_send(shinjp.review_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE shinjp.review_summary (
	INPUT = shinjp.review_summary_in,
	OUTPUT = shinjp.review_summary_out,
	RECEIVE = shinjp.review_summary_recv,
	SEND = shinjp.review_summary_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE shinjp.review_summary IS 'summary of reviews: counts per rating, true retention, answer-time sketch (percentiles within 1%), first/last review; mergeable and subtractable';
COMMENT ON FUNCTION shinjp.review_summary_in(cstring) IS 'input function of shinjp.review_summary (text form "v1 total=... ratings=... ..."), validated';
COMMENT ON FUNCTION shinjp.review_summary_out(shinjp.review_summary) IS 'output function of shinjp.review_summary: readable text form';
COMMENT ON FUNCTION shinjp.review_summary_recv(internal) IS 'binary input of shinjp.review_summary (versioned packed format), validated';
COMMENT ON FUNCTION shinjp.review_summary_send(shinjp.review_summary) IS 'binary output of shinjp.review_summary (versioned packed format)';

-- Casts to and from bytea: the packed binary format (version byte first); bytea input is validated.
CREATE FUNCTION shinjp.review_summary_bytes(shinjp.review_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary_bytes(shinjp.review_summary) IS 'the summary in its stable, versioned binary format';
CREATE FUNCTION shinjp.review_summary(bytea) RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_from_bytea' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary(bytea) IS 'a summary from its binary format; forged or corrupt bytes are an error';
CREATE CAST (shinjp.review_summary AS bytea) WITH FUNCTION shinjp.review_summary_bytes(shinjp.review_summary);
CREATE CAST (bytea AS shinjp.review_summary) WITH FUNCTION shinjp.review_summary(bytea);

-- ---------------------------------------------------------------------------------------------
-- Aggregate support: transition (in place), merge (combine and rollup), final (packs the state).
CREATE FUNCTION shinjp.review_summary_trans(state shinjp.review_summary, reviewed_at timestamptz, rating integer)
	RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION shinjp.review_summary_trans(state shinjp.review_summary, reviewed_at timestamptz, rating integer,
	answer_ms integer)
	RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION shinjp.review_summary_trans(state shinjp.review_summary, reviewed_at timestamptz, rating integer,
	answer_ms integer, elapsed_days integer)
	RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary_trans(shinjp.review_summary, timestamptz, integer) IS 'transition function of shinjp.review_summary_agg';
COMMENT ON FUNCTION shinjp.review_summary_trans(shinjp.review_summary, timestamptz, integer, integer) IS 'transition function of shinjp.review_summary_agg';
COMMENT ON FUNCTION shinjp.review_summary_trans(shinjp.review_summary, timestamptz, integer, integer, integer) IS 'transition function of shinjp.review_summary_agg';

CREATE FUNCTION shinjp.review_summary_merge(a shinjp.review_summary, b shinjp.review_summary)
	RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_merge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary_merge(shinjp.review_summary, shinjp.review_summary) IS 'a summary of the reviews in a and in b (exact counts and sketch; first/last are the min/max)';

CREATE FUNCTION shinjp.review_summary_subtract(a shinjp.review_summary, b shinjp.review_summary)
	RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary_subtract(shinjp.review_summary, shinjp.review_summary) IS 'a minus the reviews summarised in b (b must be contained in a): counts, sums and sketch exact; first/last become unknown (NULL) when b may have held them';

CREATE FUNCTION shinjp.review_summary_final(shinjp.review_summary) RETURNS shinjp.review_summary
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary_final(shinjp.review_summary) IS 'final function of shinjp.review_summary_agg and shinjp.rollup: the compact packed value (empty summary for no rows)';

CREATE AGGREGATE shinjp.review_summary_agg(reviewed_at timestamptz, rating integer) (
	SFUNC = shinjp.review_summary_trans, STYPE = shinjp.review_summary,
	COMBINEFUNC = shinjp.review_summary_merge, FINALFUNC = shinjp.review_summary_final, PARALLEL = SAFE);
CREATE AGGREGATE shinjp.review_summary_agg(reviewed_at timestamptz, rating integer, answer_ms integer) (
	SFUNC = shinjp.review_summary_trans, STYPE = shinjp.review_summary,
	COMBINEFUNC = shinjp.review_summary_merge, FINALFUNC = shinjp.review_summary_final, PARALLEL = SAFE);
CREATE AGGREGATE shinjp.review_summary_agg(reviewed_at timestamptz, rating integer, answer_ms integer, elapsed_days integer) (
	SFUNC = shinjp.review_summary_trans, STYPE = shinjp.review_summary,
	COMBINEFUNC = shinjp.review_summary_merge, FINALFUNC = shinjp.review_summary_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.review_summary_agg(timestamptz, integer) IS 'summary of reviews (rating 1..4); rows with NULL reviewed_at or rating are skipped';
COMMENT ON AGGREGATE shinjp.review_summary_agg(timestamptz, integer, integer) IS 'summary of reviews with answer times in ms (NULL: not timed)';
COMMENT ON AGGREGATE shinjp.review_summary_agg(timestamptz, integer, integer, integer) IS 'summary of reviews with answer times in ms and days elapsed since the card''s previous review (for true retention; NULL: new card)';

CREATE AGGREGATE shinjp.rollup(shinjp.review_summary) (
	SFUNC = shinjp.review_summary_merge, STYPE = shinjp.review_summary,
	COMBINEFUNC = shinjp.review_summary_merge, FINALFUNC = shinjp.review_summary_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.rollup(shinjp.review_summary) IS 'merge review summaries (per-day summaries into a month); NULLs are skipped';

-- ---------------------------------------------------------------------------------------------
-- Accessors.
CREATE FUNCTION shinjp.review_count(shinjp.review_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'shinjp_review_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_count(shinjp.review_summary) IS 'number of reviews';
CREATE FUNCTION shinjp.rating_counts(shinjp.review_summary) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'shinjp_rating_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.rating_counts(shinjp.review_summary) IS 'reviews per rating: {again, hard, good, easy}';
CREATE FUNCTION shinjp.rating_count(shinjp.review_summary, rating integer) RETURNS bigint
	AS 'MODULE_PATHNAME', 'shinjp_rating_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.rating_count(shinjp.review_summary, integer) IS 'reviews with the given rating (1..4)';
CREATE FUNCTION shinjp.true_retention(shinjp.review_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'shinjp_true_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.true_retention(shinjp.review_summary) IS 'passed (rating >= 2) / reviewed among reviews with elapsed_days >= 1; NULL when there are none';
CREATE FUNCTION shinjp.mature_retention(shinjp.review_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'shinjp_mature_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.mature_retention(shinjp.review_summary) IS 'passed / reviewed among reviews with elapsed_days >= 21; NULL when there are none';
CREATE FUNCTION shinjp.retention_reviews(shinjp.review_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'shinjp_retention_reviews' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.retention_reviews(shinjp.review_summary) IS 'number of reviews true retention is computed over (elapsed_days >= 1)';
CREATE FUNCTION shinjp.answer_count(shinjp.review_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'shinjp_answer_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.answer_count(shinjp.review_summary) IS 'number of reviews with an answer time';
CREATE FUNCTION shinjp.answer_mean_ms(shinjp.review_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'shinjp_answer_mean_ms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.answer_mean_ms(shinjp.review_summary) IS 'exact mean answer time in ms; NULL without answer times';
CREATE FUNCTION shinjp.answer_percentile_ms(shinjp.review_summary, fraction double precision) RETURNS double precision
	AS 'MODULE_PATHNAME', 'shinjp_answer_percentile_ms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.answer_percentile_ms(shinjp.review_summary, double precision) IS 'answer-time percentile in ms with percentile_cont semantics, relative error below 1%';
CREATE FUNCTION shinjp.first_review(shinjp.review_summary) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'shinjp_first_review' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.first_review(shinjp.review_summary) IS 'time of the first review; NULL when empty or unknown after a subtraction';
CREATE FUNCTION shinjp.last_review(shinjp.review_summary) RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'shinjp_last_review' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.last_review(shinjp.review_summary) IS 'time of the last review; NULL when empty or unknown after a subtraction';

CREATE TYPE shinjp.review_stats AS (
	reviews bigint, again bigint, hard bigint, good bigint, easy bigint,
	true_retention double precision, mature_retention double precision,
	answer_mean_ms double precision, answer_p50_ms double precision, answer_p90_ms double precision,
	first_review timestamptz, last_review timestamptz);
COMMENT ON TYPE shinjp.review_stats IS 'every accessor of a review summary, as returned by shinjp.review_stats()';
CREATE FUNCTION shinjp.review_stats(shinjp.review_summary) RETURNS shinjp.review_stats
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_stats' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_stats(shinjp.review_summary) IS 'all accessors of a review summary in one call (one decode)';

-- ---------------------------------------------------------------------------------------------
-- Study streaks: a bitmap of study days (bytea state, versioned), merged exactly by union, so runs
-- that meet at parallel partition boundaries join up.
CREATE TYPE shinjp.streak_stats AS (current_streak integer, longest_streak integer, active_days integer,
	first_day date, last_day date);
COMMENT ON TYPE shinjp.streak_stats IS 'result of shinjp.streak_agg';

CREATE FUNCTION shinjp.streak_trans(state bytea, day date, as_of date) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shinjp_streak_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.streak_trans(bytea, date, date) IS 'transition function of shinjp.streak_agg(date, date)';
CREATE FUNCTION shinjp.streak_trans(state bytea, reviewed_at timestamptz, as_of date, tz text) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shinjp_streak_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.streak_trans(bytea, timestamptz, date, text) IS 'transition function of shinjp.streak_agg(timestamptz, date, text)';
CREATE FUNCTION shinjp.streak_merge(a bytea, b bytea) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shinjp_streak_merge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.streak_merge(bytea, bytea) IS 'combine function of shinjp.streak_agg: union of study days';
CREATE FUNCTION shinjp.streak_final(bytea) RETURNS shinjp.streak_stats
	AS 'MODULE_PATHNAME', 'shinjp_streak_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.streak_final(bytea) IS 'final function of shinjp.streak_agg';

CREATE AGGREGATE shinjp.streak_agg(day date, as_of date) (
	SFUNC = shinjp.streak_trans, STYPE = bytea, COMBINEFUNC = shinjp.streak_merge,
	FINALFUNC = shinjp.streak_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.streak_agg(date, date) IS 'study streaks over study days: current streak as of a day, longest streak, active days';
CREATE AGGREGATE shinjp.streak_agg(reviewed_at timestamptz, as_of date, tz text) (
	SFUNC = shinjp.streak_trans, STYPE = bytea, COMBINEFUNC = shinjp.streak_merge,
	FINALFUNC = shinjp.streak_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.streak_agg(timestamptz, date, text) IS 'study streaks over review times, days taken in the given time zone';

-- ---------------------------------------------------------------------------------------------
-- Day counts (heatmap, forecast): int8[] state whose lower bound is the first day.
CREATE FUNCTION shinjp.day_counts_merge(a bigint[], b bigint[]) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'shinjp_day_counts_merge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.day_counts_merge(bigint[], bigint[]) IS 'combine function of the day-count aggregates: element-wise sum';
CREATE FUNCTION shinjp.day_counts_final(bigint[]) RETURNS integer[]
	AS 'MODULE_PATHNAME', 'shinjp_day_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.day_counts_final(bigint[]) IS 'final function of heatmap_agg and forecast_agg: counts as int[] (index 1 = first day)';

CREATE FUNCTION shinjp.heatmap_trans(state bigint[], reviewed_at timestamptz, from_day date, to_day date, tz text)
	RETURNS bigint[] AS 'MODULE_PATHNAME', 'shinjp_heatmap_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.heatmap_trans(bigint[], timestamptz, date, date, text) IS 'transition function of shinjp.heatmap_agg(timestamptz, date, date, text)';
CREATE FUNCTION shinjp.heatmap_trans(state bigint[], day date, from_day date, to_day date)
	RETURNS bigint[] AS 'MODULE_PATHNAME', 'shinjp_heatmap_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.heatmap_trans(bigint[], date, date, date) IS 'transition function of shinjp.heatmap_agg(date, date, date)';
CREATE AGGREGATE shinjp.heatmap_agg(reviewed_at timestamptz, from_day date, to_day date, tz text) (
	SFUNC = shinjp.heatmap_trans, STYPE = bigint[], COMBINEFUNC = shinjp.day_counts_merge,
	FINALFUNC = shinjp.day_counts_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.heatmap_agg(timestamptz, date, date, text) IS 'reviews per local day from from_day to to_day (inclusive) in time zone tz, as int[] for a calendar plot';
CREATE AGGREGATE shinjp.heatmap_agg(day date, from_day date, to_day date) (
	SFUNC = shinjp.heatmap_trans, STYPE = bigint[], COMBINEFUNC = shinjp.day_counts_merge,
	FINALFUNC = shinjp.day_counts_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.heatmap_agg(date, date, date) IS 'rows per day from from_day to to_day (inclusive), as int[]';

CREATE FUNCTION shinjp.forecast_trans(state bigint[], due timestamptz, as_of timestamptz, days integer, tz text)
	RETURNS bigint[] AS 'MODULE_PATHNAME', 'shinjp_forecast_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.forecast_trans(bigint[], timestamptz, timestamptz, integer, text) IS 'transition function of shinjp.forecast_agg';
CREATE AGGREGATE shinjp.forecast_agg(due timestamptz, as_of timestamptz, days integer, tz text) (
	SFUNC = shinjp.forecast_trans, STYPE = bigint[], COMBINEFUNC = shinjp.day_counts_merge,
	FINALFUNC = shinjp.day_counts_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.forecast_agg(timestamptz, timestamptz, integer, text) IS 'due cards per local day for the next days days: element 1 is the local day of as_of including overdue cards';

-- ---------------------------------------------------------------------------------------------
-- Forgetting curve: recall rate per elapsed-days bucket.
CREATE TYPE shinjp.recall_bucket AS (min_days integer, max_days integer, reviews bigint, recalled bigint,
	recall double precision);
COMMENT ON TYPE shinjp.recall_bucket IS 'one point of shinjp.forgetting_curve_agg: reviews with min_days <= elapsed_days <= max_days (max_days NULL: no upper end)';
CREATE FUNCTION shinjp.forgetting_curve_trans(state bigint[], elapsed_days integer, rating integer) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'shinjp_forgetting_curve_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.forgetting_curve_trans(bigint[], integer, integer) IS 'transition function of shinjp.forgetting_curve_agg';
CREATE FUNCTION shinjp.forgetting_curve_check(bigint[]) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'shinjp_forgetting_curve_check' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.forgetting_curve_check(bigint[]) IS 'validates a forgetting-curve state';
CREATE FUNCTION shinjp.forgetting_curve_bounds() RETURNS integer[]
	AS 'MODULE_PATHNAME', 'shinjp_forgetting_curve_bounds' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.forgetting_curve_bounds() IS 'first elapsed day of each forgetting-curve bucket';
CREATE FUNCTION shinjp.forgetting_curve_final(state bigint[]) RETURNS shinjp.recall_bucket[]
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT coalesce(pg_catalog.array_agg(ROW(b.lo, b.next - 1, c[2 * b.i - 1], c[2 * b.i],
	                  c[2 * b.i]::float8 / c[2 * b.i - 1])::shinjp.recall_bucket ORDER BY b.i), '{}')
	FROM shinjp.forgetting_curve_check(state) AS c,
	     LATERAL (SELECT bb.i, bb.lo, lead(bb.lo) OVER (ORDER BY bb.i) AS next
	              FROM unnest(shinjp.forgetting_curve_bounds()) WITH ORDINALITY AS bb(lo, i)) AS b
	WHERE c[2 * b.i - 1] > 0
	$$;
COMMENT ON FUNCTION shinjp.forgetting_curve_final(bigint[]) IS 'final function of shinjp.forgetting_curve_agg';
CREATE AGGREGATE shinjp.forgetting_curve_agg(elapsed_days integer, rating integer) (
	SFUNC = shinjp.forgetting_curve_trans, STYPE = bigint[], COMBINEFUNC = shinjp.day_counts_merge,
	FINALFUNC = shinjp.forgetting_curve_final, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.forgetting_curve_agg(integer, integer) IS 'recall rate (rating >= 2) by elapsed-days bucket, for plotting against the FSRS forgetting curve';

-- ---------------------------------------------------------------------------------------------
-- Equality and hashing of summaries (same reviews summarised), so summary columns work in
-- DISTINCT, GROUP BY, EXCEPT and IS DISTINCT FROM (incremental-view checks compare with EXCEPT ALL).
CREATE FUNCTION shinjp.review_summary_eq(shinjp.review_summary, shinjp.review_summary) RETURNS boolean
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary_eq(shinjp.review_summary, shinjp.review_summary) IS 'true when both summaries hold the same counts, sketch and first/last review';
CREATE FUNCTION shinjp.review_summary_hash(shinjp.review_summary) RETURNS integer
	AS 'MODULE_PATHNAME', 'shinjp_review_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.review_summary_hash(shinjp.review_summary) IS 'hash of a summary, consistent with =';
CREATE OPERATOR shinjp.= (
	LEFTARG = shinjp.review_summary, RIGHTARG = shinjp.review_summary,
	FUNCTION = shinjp.review_summary_eq, COMMUTATOR = OPERATOR(shinjp.=),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
COMMENT ON OPERATOR shinjp.= (shinjp.review_summary, shinjp.review_summary) IS 'same reviews summarised';
CREATE OPERATOR CLASS shinjp.review_summary_hash_ops DEFAULT FOR TYPE shinjp.review_summary USING hash AS
	OPERATOR 1 shinjp.= (shinjp.review_summary, shinjp.review_summary),
	FUNCTION 1 shinjp.review_summary_hash(shinjp.review_summary);
COMMENT ON OPERATOR CLASS shinjp.review_summary_hash_ops USING hash IS 'hash equality of review summaries';
