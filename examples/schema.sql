-- The ShinJP reference schema: a Japanese-learning platform as a Supabase project would have it.
-- An example, not part of the extension: run it after CREATE EXTENSION shinjp (make demo does).
--
-- Learners own their decks, cards, reviews and dashboard rollups (Row Level Security on auth.uid());
-- the vocabulary, textbooks and example sentences are shared reading material.

\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- Supabase provides the roles "anon" and "authenticated" and auth.uid(); elsewhere we stand in for
-- them: auth.uid() reads the request's JWT subject from the session setting request.jwt.claim.sub.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN
		CREATE ROLE authenticated NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN
		CREATE ROLE anon NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'auth') THEN
		CREATE SCHEMA auth;
		GRANT USAGE ON SCHEMA auth TO authenticated, anon;
	END IF;
	IF to_regprocedure('auth.uid()') IS NULL THEN
		CREATE FUNCTION auth.uid() RETURNS uuid
			LANGUAGE sql STABLE PARALLEL SAFE
			SET search_path = pg_catalog, pg_temp
			AS $f$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $f$;
		COMMENT ON FUNCTION auth.uid() IS 'stand-in for Supabase''s auth.uid(): the JWT subject of the current request';
		GRANT EXECUTE ON FUNCTION auth.uid() TO authenticated, anon;
	END IF;
END
$$;

DROP SCHEMA IF EXISTS learn CASCADE;
CREATE SCHEMA learn;
COMMENT ON SCHEMA learn IS 'ShinJP reference schema (example): learners, decks, cards, reviews, textbooks';
GRANT USAGE ON SCHEMA learn TO authenticated;

-- Learners, with the day boundary their dashboard and scheduler use.
CREATE TABLE learn.users (
	id                uuid PRIMARY KEY,
	display_name      text NOT NULL,
	time_zone         text NOT NULL DEFAULT 'Asia/Tokyo' CHECK (now() AT TIME ZONE time_zone IS NOT NULL),
	day_rollover_hour int  NOT NULL DEFAULT 4 CHECK (day_rollover_hour BETWEEN 0 AND 23),
	created_at        timestamptz NOT NULL DEFAULT now()
);

-- Shared vocabulary: headword, reading, meaning and an example sentence.
CREATE TABLE learn.vocab (
	id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	headword text NOT NULL,
	reading  text NOT NULL,
	meaning  text NOT NULL,
	example  text,
	UNIQUE (headword, reading)
);

-- Decks and their scheduler settings (FSRS weights refitted per learner by the optimizer).
CREATE TABLE learn.decks (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	owner_id    uuid NOT NULL REFERENCES learn.users ON DELETE CASCADE,
	name        text NOT NULL,
	desired_retention float8 NOT NULL DEFAULT 0.9 CHECK (desired_retention > 0 AND desired_retention < 1),
	weights     float8[],        -- NULL: FSRS-6 defaults
	UNIQUE (owner_id, name)
);
CREATE INDEX ON learn.decks (owner_id);

-- One flashcard per (deck, vocab); its scheduling state is one shinjp.card value.
CREATE TABLE learn.cards (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	deck_id   bigint NOT NULL REFERENCES learn.decks ON DELETE CASCADE,
	owner_id  uuid   NOT NULL REFERENCES learn.users ON DELETE CASCADE,
	vocab_id  bigint NOT NULL REFERENCES learn.vocab,
	srs       shinjp.card NOT NULL,
	UNIQUE (deck_id, vocab_id)
);
CREATE INDEX cards_due ON learn.cards (owner_id, ((srs).due));

-- Every answer a learner gives.  state_before and elapsed_days feed true retention.
CREATE TABLE learn.reviews (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	card_id      bigint NOT NULL REFERENCES learn.cards ON DELETE CASCADE,
	owner_id     uuid   NOT NULL REFERENCES learn.users ON DELETE CASCADE,
	rating       smallint NOT NULL CHECK (rating BETWEEN 1 AND 4),
	reviewed_at  timestamptz NOT NULL,
	answer_ms    int NOT NULL CHECK (answer_ms >= 0),
	state_before shinjp.card_state NOT NULL,
	elapsed_days int NOT NULL
);
CREATE INDEX reviews_owner_time ON learn.reviews (owner_id, reviewed_at);
CREATE INDEX reviews_card_time ON learn.reviews (card_id, reviewed_at);

-- Reading material: textbooks, their chapters (long text) and example sentences.
CREATE TABLE learn.textbooks (
	id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title text NOT NULL,
	level text NOT NULL
);
CREATE TABLE learn.chapters (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	textbook_id bigint NOT NULL REFERENCES learn.textbooks ON DELETE CASCADE,
	number      int NOT NULL,
	title       text NOT NULL,
	body        text NOT NULL,
	UNIQUE (textbook_id, number)
);
CREATE TABLE learn.sentences (
	id     bigint PRIMARY KEY,
	source text NOT NULL,
	text   text NOT NULL
);

-- Row Level Security: a learner sees and changes only their own rows.
ALTER TABLE learn.users   ENABLE ROW LEVEL SECURITY;
ALTER TABLE learn.decks   ENABLE ROW LEVEL SECURITY;
ALTER TABLE learn.cards   ENABLE ROW LEVEL SECURITY;
ALTER TABLE learn.reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_profile ON learn.users   TO authenticated USING (id = auth.uid()) WITH CHECK (id = auth.uid());
CREATE POLICY own_decks   ON learn.decks   TO authenticated USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
CREATE POLICY own_cards   ON learn.cards   TO authenticated USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());
CREATE POLICY own_reviews ON learn.reviews TO authenticated USING (owner_id = auth.uid()) WITH CHECK (owner_id = auth.uid());

GRANT SELECT, UPDATE ON learn.users TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON learn.decks, learn.cards, learn.reviews TO authenticated;
GRANT SELECT ON learn.vocab, learn.textbooks, learn.chapters, learn.sentences TO authenticated;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA learn TO authenticated;
