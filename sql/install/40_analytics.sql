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
