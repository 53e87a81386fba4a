-- shinjp extension script, part 20: FSRS parameter optimizer (issue 4).
-- Fits FSRS-6 weights to a learner's review log with fsrs-rs' method, and scores weights on a log.

CREATE TYPE shinjp.fsrs_fit_options AS (
	time_zone text,
	rollover_hour integer,
	short_term boolean,
	relearning_steps integer,
	epochs integer
);
COMMENT ON TYPE shinjp.fsrs_fit_options IS
	'options of shinjp.fsrs_fit / shinjp.fsrs_evaluate: day boundary (time zone, rollover hour), short-term weights on/off, relearning steps, epochs; build it with shinjp.fsrs_fit_options(...)';

CREATE FUNCTION shinjp.fsrs_fit_options(
	time_zone text DEFAULT NULL,
	rollover_hour integer DEFAULT 4,
	short_term boolean DEFAULT true,
	relearning_steps integer DEFAULT 1,
	epochs integer DEFAULT 5)
RETURNS shinjp.fsrs_fit_options
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT ROW($1, $2, $3, $4, $5)::shinjp.fsrs_fit_options $$;
COMMENT ON FUNCTION shinjp.fsrs_fit_options(text, integer, boolean, integer, integer) IS
	'optimizer options: time_zone (NULL = session TimeZone), rollover_hour (0-23, day starts at this local hour), short_term (train same-day weights w17-w19), relearning_steps (bounds w17*w18), epochs';

CREATE TYPE shinjp.fsrs_evaluation AS (
	log_loss double precision,
	rmse_bins double precision,
	items bigint
);
COMMENT ON TYPE shinjp.fsrs_evaluation IS
	'result of shinjp.fsrs_evaluate: recency-weighted log loss, RMSE over fsrs-rs bins, number of scored items';

CREATE FUNCTION shinjp.fsrs_default_weights() RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_default_weights'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_default_weights() IS 'the 21 default FSRS-6 weights (fsrs-rs 6.5.0)';

-- Aggregate support functions.  The transition functions are STABLE: with time_zone NULL the day
-- boundary follows the session's TimeZone.
CREATE FUNCTION shinjp.fsrs_fit_sfunc(internal, bigint, integer, timestamptz) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_fit_sfunc' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_fit_sfunc(internal, bigint, integer, timestamptz) IS 'transition function of shinjp.fsrs_fit';
CREATE FUNCTION shinjp.fsrs_fit_sfunc(internal, bigint, integer, timestamptz, shinjp.fsrs_fit_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_fit_sfunc' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_fit_sfunc(internal, bigint, integer, timestamptz, shinjp.fsrs_fit_options) IS 'transition function of shinjp.fsrs_fit';
CREATE FUNCTION shinjp.fsrs_evaluate_sfunc(internal, bigint, integer, timestamptz, double precision[]) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_evaluate_sfunc' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_evaluate_sfunc(internal, bigint, integer, timestamptz, double precision[]) IS 'transition function of shinjp.fsrs_evaluate';
CREATE FUNCTION shinjp.fsrs_evaluate_sfunc(internal, bigint, integer, timestamptz, double precision[], shinjp.fsrs_fit_options) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_evaluate_sfunc' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_evaluate_sfunc(internal, bigint, integer, timestamptz, double precision[], shinjp.fsrs_fit_options) IS 'transition function of shinjp.fsrs_evaluate';
CREATE FUNCTION shinjp.fsrs_evaluate_sfunc(internal, bigint, integer, timestamptz, double precision[], shinjp.fsrs_fit_options, timestamptz) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_evaluate_sfunc' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_evaluate_sfunc(internal, bigint, integer, timestamptz, double precision[], shinjp.fsrs_fit_options, timestamptz) IS 'transition function of shinjp.fsrs_evaluate';

CREATE FUNCTION shinjp.fsrs_opt_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_opt_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_opt_combine(internal, internal) IS 'combine function of shinjp.fsrs_fit and shinjp.fsrs_evaluate (parallel aggregation)';
CREATE FUNCTION shinjp.fsrs_opt_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_opt_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_opt_serialize(internal) IS 'serialize function of shinjp.fsrs_fit and shinjp.fsrs_evaluate';
CREATE FUNCTION shinjp.fsrs_opt_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_opt_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_opt_deserialize(bytea, internal) IS 'deserialize function of shinjp.fsrs_fit and shinjp.fsrs_evaluate';
CREATE FUNCTION shinjp.fsrs_fit_final(internal) RETURNS double precision[]
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_fit_final(internal) IS 'final function of shinjp.fsrs_fit: runs the optimizer';
CREATE FUNCTION shinjp.fsrs_evaluate_final(internal) RETURNS shinjp.fsrs_evaluation
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_evaluate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_evaluate_final(internal) IS 'final function of shinjp.fsrs_evaluate: scores the weights';

CREATE AGGREGATE shinjp.fsrs_fit(card_id bigint, rating integer, reviewed_at timestamptz) (
	SFUNC = shinjp.fsrs_fit_sfunc, STYPE = internal, FINALFUNC = shinjp.fsrs_fit_final,
	COMBINEFUNC = shinjp.fsrs_opt_combine, SERIALFUNC = shinjp.fsrs_opt_serialize,
	DESERIALFUNC = shinjp.fsrs_opt_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.fsrs_fit(bigint, integer, timestamptz) IS
	'fit FSRS-6 weights (float8[21]) to one learner''s review log, as fsrs-rs does; days in the session TimeZone, 4 am rollover';
CREATE AGGREGATE shinjp.fsrs_fit(card_id bigint, rating integer, reviewed_at timestamptz, options shinjp.fsrs_fit_options) (
	SFUNC = shinjp.fsrs_fit_sfunc, STYPE = internal, FINALFUNC = shinjp.fsrs_fit_final,
	COMBINEFUNC = shinjp.fsrs_opt_combine, SERIALFUNC = shinjp.fsrs_opt_serialize,
	DESERIALFUNC = shinjp.fsrs_opt_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.fsrs_fit(bigint, integer, timestamptz, shinjp.fsrs_fit_options) IS
	'fit FSRS-6 weights (float8[21]) to one learner''s review log, as fsrs-rs does, with options';

CREATE AGGREGATE shinjp.fsrs_evaluate(card_id bigint, rating integer, reviewed_at timestamptz, weights double precision[]) (
	SFUNC = shinjp.fsrs_evaluate_sfunc, STYPE = internal, FINALFUNC = shinjp.fsrs_evaluate_final,
	COMBINEFUNC = shinjp.fsrs_opt_combine, SERIALFUNC = shinjp.fsrs_opt_serialize,
	DESERIALFUNC = shinjp.fsrs_opt_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.fsrs_evaluate(bigint, integer, timestamptz, double precision[]) IS
	'score FSRS weights on a review log: log loss and RMSE(bins) as fsrs-rs evaluates them';
CREATE AGGREGATE shinjp.fsrs_evaluate(card_id bigint, rating integer, reviewed_at timestamptz, weights double precision[], options shinjp.fsrs_fit_options) (
	SFUNC = shinjp.fsrs_evaluate_sfunc, STYPE = internal, FINALFUNC = shinjp.fsrs_evaluate_final,
	COMBINEFUNC = shinjp.fsrs_opt_combine, SERIALFUNC = shinjp.fsrs_opt_serialize,
	DESERIALFUNC = shinjp.fsrs_opt_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.fsrs_evaluate(bigint, integer, timestamptz, double precision[], shinjp.fsrs_fit_options) IS
	'score FSRS weights on a review log with options (day boundary)';
CREATE AGGREGATE shinjp.fsrs_evaluate(card_id bigint, rating integer, reviewed_at timestamptz, weights double precision[], options shinjp.fsrs_fit_options, score_from timestamptz) (
	SFUNC = shinjp.fsrs_evaluate_sfunc, STYPE = internal, FINALFUNC = shinjp.fsrs_evaluate_final,
	COMBINEFUNC = shinjp.fsrs_opt_combine, SERIALFUNC = shinjp.fsrs_opt_serialize,
	DESERIALFUNC = shinjp.fsrs_opt_deserialize, PARALLEL = SAFE);
COMMENT ON AGGREGATE shinjp.fsrs_evaluate(bigint, integer, timestamptz, double precision[], shinjp.fsrs_fit_options, timestamptz) IS
	'score FSRS weights only on reviews at or after score_from (earlier reviews still form the histories): held-out evaluation';
