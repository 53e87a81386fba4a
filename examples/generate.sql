-- Synthetic learners for the reference schema, deterministic by seed, at any scale:
--   CALL learn.generate(scale => 1, seed => 42);   -- ~100 learners, ~10^5 reviews, seconds
--   CALL learn.generate(scale => 100);              -- ~10,000 learners, ~10^7 reviews
-- Review histories are simulated with the FSRS model itself: every due card is reviewed, and the
-- answer is a recall with probability equal to its retrievability at that moment.  Needs the
-- vocabulary loaded (examples/load_corpus.sh).  Call it outside a transaction block: it commits
-- after every simulation round and prints progress.

-- A uniform number in [0, 1) from (seed, a, b): hashing instead of random() keeps runs identical.
CREATE FUNCTION learn.uniform(seed int, a bigint, b int) RETURNS float8
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	RETURN (hashint8extended(a * 1024 + b, seed) & 4503599627370495)::float8 / 4503599627370496.0;
COMMENT ON FUNCTION learn.uniform(int, bigint, int) IS 'deterministic uniform [0,1) from a seed and two keys';

CREATE PROCEDURE learn.generate(scale int DEFAULT 1, seed int DEFAULT 42,
                                as_of timestamptz DEFAULT '2026-11-25 12:00:00+09')
	LANGUAGE plpgsql
-- No SET search_path here: a procedure with SET clauses may not COMMIT.  Every name is qualified.
AS $$
DECLARE
	n_users   int := 100 * scale;
	n_vocab   int;
	round     int := 0;
	done      bigint;
	total     bigint := 0;
	started   timestamptz := clock_timestamp();
	params    shinjp.fsrs_params := shinjp.fsrs_params();
BEGIN
	IF scale IS NULL OR scale < 1 OR scale > 1000 THEN
		RAISE EXCEPTION 'scale must be between 1 and 1000, got %', scale
			USING ERRCODE = 'invalid_parameter_value', HINT = 'scale 1 is about 100 learners and 10^5 reviews.';
	END IF;
	SELECT count(*) INTO n_vocab FROM learn.vocab;
	IF n_vocab = 0 THEN
		RAISE EXCEPTION 'learn.vocab is empty' USING HINT = 'Run examples/load_corpus.sh first.';
	END IF;

	-- Learners: mostly in Japan, some in Europe and America, all with a 4 am day rollover.
	INSERT INTO learn.users (id, display_name, time_zone, day_rollover_hour, created_at)
	SELECT md5(seed || ':user:' || i)::uuid, 'learner ' || i,
	       CASE WHEN i % 10 = 0 THEN 'Europe/Berlin' WHEN i % 7 = 0 THEN 'America/New_York' ELSE 'Asia/Tokyo' END,
	       4, as_of - interval '400 days'
	FROM generate_series(1, n_users) AS i;
	INSERT INTO learn.decks (owner_id, name)
	SELECT id, '語彙 (vocabulary)' FROM learn.users ORDER BY id;

	-- Cards: a skewed number per learner (a few heavy learners, a long tail of light ones), each
	-- introduced on a day of the past year, in the learner's evening.
	INSERT INTO learn.cards (deck_id, owner_id, vocab_id, srs)
	SELECT d.id, d.owner_id, 1 + (c * 7919 + d.id * 104729) % n_vocab,
	       shinjp.fsrs_new_card(as_of - (learn.uniform(seed, d.id * 4096 + c, 1) * 365) * interval '1 day')
	FROM learn.decks d
	CROSS JOIN LATERAL generate_series(1, 10 + floor(least(400, n_vocab - 10) * learn.uniform(seed, d.id, 0) ^ 3)::int) AS c
	ON CONFLICT (deck_id, vocab_id) DO NOTHING;
	RAISE NOTICE 'generate: % learners, % cards (% s)', n_users, (SELECT count(*) FROM learn.cards),
		round(extract(epoch FROM clock_timestamp() - started)::numeric, 1);
	COMMIT;

	-- Simulation rounds: review every card that is due by as_of, once per round.
	LOOP
		round := round + 1;
		WITH due AS (
			SELECT c.id, c.owner_id, c.srs,
			       least(as_of, (c.srs).due + CASE WHEN (c.srs).state = 'review'
			                                        THEN learn.uniform(seed, c.id, 3 * round) * interval '6 hours'
			                                        ELSE learn.uniform(seed, c.id, 3 * round) * interval '2 minutes' END) AS at,
			       learn.uniform(seed, c.id, 3 * round + 1) AS u_recall,
			       learn.uniform(seed, c.id, 3 * round + 2) AS u_grade
			FROM learn.cards c
			WHERE (c.srs).due <= as_of
		), graded AS (
			SELECT d.*,
			       CASE WHEN (d.srs).state = 'new' THEN
			                CASE WHEN u_grade < 0.20 THEN 1 WHEN u_grade < 0.35 THEN 2 WHEN u_grade < 0.90 THEN 3 ELSE 4 END
			            WHEN u_recall >= shinjp.fsrs_retrievability(d.srs, d.at, params) THEN 1
			            WHEN u_grade < 0.15 THEN 2 WHEN u_grade < 0.90 THEN 3 ELSE 4 END AS rating
			FROM due d
		), logged AS (
			INSERT INTO learn.reviews (card_id, owner_id, rating, reviewed_at, answer_ms, state_before, elapsed_days)
			SELECT id, owner_id, rating, at,
			       (900 + 9000 * u_grade * u_grade + CASE WHEN rating = 1 THEN 4000 ELSE 0 END)::int,
			       (srs).state, coalesce(at::date - (srs).last_review::date, 0)
			FROM graded
		)
		UPDATE learn.cards c SET srs = shinjp.fsrs_review(g.srs, g.rating, g.at, params)
		FROM graded g WHERE c.id = g.id;
		GET DIAGNOSTICS done = ROW_COUNT;
		EXIT WHEN done = 0;
		total := total + done;
		RAISE NOTICE 'generate: round %: % reviews (% in all, % s)', round, done, total,
			round(extract(epoch FROM clock_timestamp() - started)::numeric, 1);
		COMMIT;
		EXIT WHEN round >= 500;
	END LOOP;
	ANALYZE learn.users, learn.decks, learn.cards, learn.reviews;
END
$$;
COMMENT ON PROCEDURE learn.generate(int, int, timestamptz) IS 'fill the reference schema with simulated learners (deterministic by seed)';
