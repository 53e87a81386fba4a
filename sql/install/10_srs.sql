-- shinjp extension script, part 10: spaced-repetition scheduling (FSRS-6, FSRS-5 weights, SM-2).
-- C entry points: src/srs/srs_fmgr.cpp; the schedulers: src/srs/fsrs.cpp, src/srs/sm2.cpp.
--
-- Volatility: every function is IMMUTABLE — the time is always an argument, and the learner's
-- time zone is resolved like PostgreSQL's own timezone(text, timestamptz), which is IMMUTABLE too.
-- STRICT: NULL in, NULL out (the replay aggregates skip rows with a NULL rating or time).

-- ---------------------------------------------------------------------------------------------
-- Types

CREATE TYPE shinjp.card_state AS ENUM ('new', 'learning', 'review', 'relearning');
COMMENT ON TYPE shinjp.card_state IS 'state of a flashcard: new, learning, review, relearning (FSRS and SM-2)';

CREATE TYPE shinjp.card AS (
	due timestamptz,        -- when the card is next due
	stability float8,       -- FSRS stability S in days (0 before the first review)
	difficulty float8,      -- FSRS difficulty D in [1, 10] (0 before the first review)
	elapsed_days int4,      -- learner days between the last two reviews
	scheduled_days int4,    -- days from the last review to due (0 in a learning step)
	learning_steps int4,    -- index of the current (re)learning step
	reps int4,              -- number of reviews
	lapses int4,            -- times forgotten in review (Again)
	state shinjp.card_state,
	last_review timestamptz -- NULL for a new card
);
COMMENT ON TYPE shinjp.card IS 'FSRS scheduling state of one flashcard (the fields of ts-fsrs Card)';

CREATE TYPE shinjp.fsrs_params AS (
	weights float8[],           -- 21 FSRS-6 weights, or 19 FSRS-5 weights (migrated)
	desired_retention float8,   -- target probability of recall, in (0, 1)
	maximum_interval int4,      -- days, 1 to 36500
	learning_steps interval[],  -- whole minutes, ascending; '{}' = none
	relearning_steps interval[],
	enable_short_term bool,     -- same-day reviews change stability (ts-fsrs BasicScheduler)
	enable_fuzz bool,           -- deterministic fuzz of review intervals
	day_timezone text,          -- the learner's time zone, e.g. 'Asia/Tokyo'
	day_rollover_hour int4      -- local hour at which the learner's day starts, 0 to 23
);
COMMENT ON TYPE shinjp.fsrs_params IS 'FSRS scheduler parameters; build with shinjp.fsrs_params(...), store per deck or per user';

CREATE TYPE shinjp.memory_state AS (stability float8, difficulty float8);
COMMENT ON TYPE shinjp.memory_state IS 'FSRS memory state: stability (days) and difficulty (1 to 10)';

-- ---------------------------------------------------------------------------------------------
-- Parameters

CREATE FUNCTION shinjp.fsrs_params(
	weights float8[] DEFAULT '{0.212,1.2931,2.3065,8.2956,6.4133,0.8334,3.0194,0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0.0658,0.1542}',
	desired_retention float8 DEFAULT 0.9,
	maximum_interval int4 DEFAULT 36500,
	learning_steps interval[] DEFAULT '{1 min,10 min}',
	relearning_steps interval[] DEFAULT '{10 min}',
	enable_short_term bool DEFAULT true,
	enable_fuzz bool DEFAULT false,
	day_timezone text DEFAULT 'UTC',
	day_rollover_hour int4 DEFAULT 0)
RETURNS shinjp.fsrs_params
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_params'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_params(float8[], float8, int4, interval[], interval[], bool, bool, text, int4) IS
	'validated FSRS parameters (defaults: FSRS-6 weights, retention 0.9, steps 1m 10m / 10m, UTC day starting at 0:00)';

CREATE FUNCTION shinjp.fsrs_effective_weights(params shinjp.fsrs_params) RETURNS float8[]
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_effective_weights'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_effective_weights(shinjp.fsrs_params) IS
	'the 21 FSRS-6 weights the scheduler uses: FSRS-5 vectors migrated, the w17/w18 ceiling for several relearning steps applied';

CREATE FUNCTION shinjp.learner_day(at timestamptz, params shinjp.fsrs_params) RETURNS date
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_learner_day'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.learner_day(timestamptz, shinjp.fsrs_params) IS
	'the learner''s calendar day of an instant: its date in day_timezone, the day starting at day_rollover_hour';

-- ---------------------------------------------------------------------------------------------
-- FSRS scheduling

CREATE FUNCTION shinjp.fsrs_new_card(at timestamptz) RETURNS shinjp.card
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_new_card'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_new_card(timestamptz) IS 'a new FSRS card, due at the given time';

CREATE FUNCTION shinjp.fsrs_review(card shinjp.card, rating int4, reviewed_at timestamptz,
                                   params shinjp.fsrs_params DEFAULT shinjp.fsrs_params())
RETURNS shinjp.card
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_review'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_review(shinjp.card, int4, timestamptz, shinjp.fsrs_params) IS
	'the card after answering rating 1 (again), 2 (hard), 3 (good) or 4 (easy) at reviewed_at';

CREATE FUNCTION shinjp.fsrs_preview(card shinjp.card, at timestamptz,
                                    params shinjp.fsrs_params DEFAULT shinjp.fsrs_params(),
                                    OUT rating int4, OUT label text, OUT next_interval interval, OUT next_card shinjp.card)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_preview'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION shinjp.fsrs_preview(shinjp.card, timestamptz, shinjp.fsrs_params) IS
	'the four outcomes of reviewing the card at the given time (what the answer buttons show): rating, label, interval until due, next card';

CREATE FUNCTION shinjp.fsrs_retrievability(card shinjp.card, at timestamptz,
                                           params shinjp.fsrs_params DEFAULT shinjp.fsrs_params())
RETURNS float8
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_retrievability'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_retrievability(shinjp.card, timestamptz, shinjp.fsrs_params) IS
	'probability of recalling the card at the given time (0 for a new card)';

CREATE FUNCTION shinjp.fsrs_reschedule(card shinjp.card, params shinjp.fsrs_params, at timestamptz)
RETURNS shinjp.card
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_reschedule'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_reschedule(shinjp.card, shinjp.fsrs_params, timestamptz) IS
	'a review card with its due date recomputed from its memory state under new parameters (other states unchanged)';

CREATE FUNCTION shinjp.fsrs_memory_from_sm2(ease float8, interval_days float8,
                                            params shinjp.fsrs_params DEFAULT shinjp.fsrs_params(),
                                            sm2_retention float8 DEFAULT 0.9)
RETURNS shinjp.memory_state
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_memory_from_sm2'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_memory_from_sm2(float8, float8, shinjp.fsrs_params, float8) IS
	'FSRS memory state of a card SM-2 scheduled with this ease (e.g. 2.5) and interval (days), assuming SM-2 kept sm2_retention';

-- The replay aggregate: fsrs_replay(rating, reviewed_at, params ORDER BY reviewed_at) → card.
CREATE FUNCTION shinjp.fsrs_replay_step(internal, int4, timestamptz, shinjp.fsrs_params) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_replay_step'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION shinjp.fsrs_replay_final(internal) RETURNS shinjp.card
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_replay_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_replay_step(internal, int4, timestamptz, shinjp.fsrs_params) IS 'transition function of fsrs_replay';
COMMENT ON FUNCTION shinjp.fsrs_replay_final(internal) IS 'final function of fsrs_replay';
CREATE AGGREGATE shinjp.fsrs_replay(rating int4, reviewed_at timestamptz, params shinjp.fsrs_params) (
	SFUNC = shinjp.fsrs_replay_step,
	STYPE = internal,
	FINALFUNC = shinjp.fsrs_replay_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE shinjp.fsrs_replay(int4, timestamptz, shinjp.fsrs_params) IS
	'the card after replaying its reviews from a new card; use ORDER BY reviewed_at inside the call';

-- Replay from a given starting card (e.g. converted from SM-2 with sm2_to_fsrs, or a card whose
-- earlier history is lost): fsrs_replay(rating, reviewed_at, params, start ORDER BY reviewed_at).
CREATE FUNCTION shinjp.fsrs_replay_step(internal, int4, timestamptz, shinjp.fsrs_params, shinjp.card) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_fsrs_replay_step'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.fsrs_replay_step(internal, int4, timestamptz, shinjp.fsrs_params, shinjp.card) IS 'transition function of fsrs_replay with a starting card';
CREATE AGGREGATE shinjp.fsrs_replay(rating int4, reviewed_at timestamptz, params shinjp.fsrs_params, start shinjp.card) (
	SFUNC = shinjp.fsrs_replay_step,
	STYPE = internal,
	FINALFUNC = shinjp.fsrs_replay_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE shinjp.fsrs_replay(int4, timestamptz, shinjp.fsrs_params, shinjp.card) IS
	'the card after replaying its reviews from the starting card (the first row''s); use ORDER BY reviewed_at inside the call';

-- ---------------------------------------------------------------------------------------------
-- SM-2 (Anki's variant), the same shape of API

CREATE TYPE shinjp.sm2_card AS (
	due timestamptz,
	interval_days int4,     -- current interval (review) or post-lapse interval (relearning)
	ease float8,            -- ease factor (2.5 = Anki's 250%); 0 until the card graduates
	reps int4,
	lapses int4,
	state shinjp.card_state,
	learning_step int4,     -- index of the current (re)learning step
	last_review timestamptz -- NULL for a new card
);
COMMENT ON TYPE shinjp.sm2_card IS 'SM-2 (Anki) scheduling state of one flashcard';

CREATE TYPE shinjp.sm2_params AS (
	learning_steps interval[],
	relearning_steps interval[],
	graduating_interval int4, -- days after the last learning step
	easy_interval int4,       -- days after Easy on a learning card
	starting_ease float8,
	easy_bonus float8,
	hard_interval float8,     -- hard multiplier
	interval_modifier float8,
	lapse_interval float8,    -- new interval after a lapse, × the old one
	minimum_interval int4,    -- minimum interval after a lapse
	maximum_interval int4,
	enable_fuzz bool,
	day_timezone text,
	day_rollover_hour int4
);
COMMENT ON TYPE shinjp.sm2_params IS 'SM-2 (Anki) scheduler parameters; build with shinjp.sm2_params(...)';

CREATE FUNCTION shinjp.sm2_params(
	learning_steps interval[] DEFAULT '{1 min,10 min}',
	relearning_steps interval[] DEFAULT '{10 min}',
	graduating_interval int4 DEFAULT 1,
	easy_interval int4 DEFAULT 4,
	starting_ease float8 DEFAULT 2.5,
	easy_bonus float8 DEFAULT 1.3,
	hard_interval float8 DEFAULT 1.2,
	interval_modifier float8 DEFAULT 1.0,
	lapse_interval float8 DEFAULT 0.0,
	minimum_interval int4 DEFAULT 1,
	maximum_interval int4 DEFAULT 36500,
	enable_fuzz bool DEFAULT false,
	day_timezone text DEFAULT 'UTC',
	day_rollover_hour int4 DEFAULT 0)
RETURNS shinjp.sm2_params
	AS 'MODULE_PATHNAME', 'shinjp_sm2_params'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.sm2_params(interval[], interval[], int4, int4, float8, float8, float8, float8, float8, int4, int4, bool, text, int4) IS
	'validated SM-2 parameters (defaults: Anki''s deck options)';

CREATE FUNCTION shinjp.learner_day(at timestamptz, params shinjp.sm2_params) RETURNS date
	AS 'MODULE_PATHNAME', 'shinjp_sm2_learner_day'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.learner_day(timestamptz, shinjp.sm2_params) IS
	'the learner''s calendar day of an instant: its date in day_timezone, the day starting at day_rollover_hour';

CREATE FUNCTION shinjp.sm2_new_card(at timestamptz) RETURNS shinjp.sm2_card
	AS 'MODULE_PATHNAME', 'shinjp_sm2_new_card'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.sm2_new_card(timestamptz) IS 'a new SM-2 card, due at the given time';

CREATE FUNCTION shinjp.sm2_review(card shinjp.sm2_card, rating int4, reviewed_at timestamptz,
                                  params shinjp.sm2_params DEFAULT shinjp.sm2_params())
RETURNS shinjp.sm2_card
	AS 'MODULE_PATHNAME', 'shinjp_sm2_review'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.sm2_review(shinjp.sm2_card, int4, timestamptz, shinjp.sm2_params) IS
	'the SM-2 card after answering 1 (again), 2 (hard), 3 (good) or 4 (easy) at reviewed_at';

CREATE FUNCTION shinjp.sm2_preview(card shinjp.sm2_card, at timestamptz,
                                   params shinjp.sm2_params DEFAULT shinjp.sm2_params(),
                                   OUT rating int4, OUT label text, OUT next_interval interval, OUT next_card shinjp.sm2_card)
RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'shinjp_sm2_preview'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION shinjp.sm2_preview(shinjp.sm2_card, timestamptz, shinjp.sm2_params) IS
	'the four outcomes of reviewing the SM-2 card at the given time (what the answer buttons show)';

CREATE FUNCTION shinjp.sm2_grade(quality int4) RETURNS int4
	AS 'MODULE_PATHNAME', 'shinjp_sm2_grade'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.sm2_grade(int4) IS
	'SuperMemo quality 0-5 as an answer button 1-4 (0-2 again, 3 hard, 4 good, 5 easy)';

CREATE FUNCTION shinjp.sm2_replay_step(internal, int4, timestamptz, shinjp.sm2_params) RETURNS internal
	AS 'MODULE_PATHNAME', 'shinjp_sm2_replay_step'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION shinjp.sm2_replay_final(internal) RETURNS shinjp.sm2_card
	AS 'MODULE_PATHNAME', 'shinjp_sm2_replay_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.sm2_replay_step(internal, int4, timestamptz, shinjp.sm2_params) IS 'transition function of sm2_replay';
COMMENT ON FUNCTION shinjp.sm2_replay_final(internal) IS 'final function of sm2_replay';
CREATE AGGREGATE shinjp.sm2_replay(rating int4, reviewed_at timestamptz, params shinjp.sm2_params) (
	SFUNC = shinjp.sm2_replay_step,
	STYPE = internal,
	FINALFUNC = shinjp.sm2_replay_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE shinjp.sm2_replay(int4, timestamptz, shinjp.sm2_params) IS
	'the SM-2 card after replaying its reviews from a new card; use ORDER BY reviewed_at inside the call';

-- Migrating from SM-2: an FSRS card whose memory state comes from the SM-2 ease and interval.
CREATE FUNCTION shinjp.sm2_to_fsrs(card shinjp.sm2_card, params shinjp.fsrs_params DEFAULT shinjp.fsrs_params(),
                                   sm2_retention float8 DEFAULT 0.9)
RETURNS shinjp.card
	AS 'MODULE_PATHNAME', 'shinjp_sm2_to_fsrs'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.sm2_to_fsrs(shinjp.sm2_card, shinjp.fsrs_params, float8) IS
	'the FSRS card for an SM-2 card: review/relearning cards get the memory state of their ease and interval, new/learning cards start new';
