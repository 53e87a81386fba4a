-- Scheduling: FSRS-6 reviews, the four answer buttons, replaying a review log, SM-2 and migration
SET TimeZone = 'Asia/Tokyo';
SET extra_float_digits = 0;

-- A learner in Tokyo whose day starts at 4 am, with the FSRS-6 defaults otherwise.
CREATE TEMP TABLE decks (deck_id int PRIMARY KEY, name text, params shinjp.fsrs_params);
INSERT INTO decks VALUES (1, 'JLPT N5 vocabulary', shinjp.fsrs_params(day_timezone => 'Asia/Tokyo', day_rollover_hour => 4));

CREATE TEMP TABLE cards (card_id int PRIMARY KEY, deck_id int, front text, back text, card shinjp.card);
INSERT INTO cards
SELECT i, 1, front, back, shinjp.fsrs_new_card('2024-04-01 07:30+09')
FROM (VALUES (1, '食べる', 'to eat'), (2, '飲む', 'to drink'), (3, '勉強', 'study'), (4, '猫', 'cat'), (5, '日本語', 'Japanese'))
     AS v(i, front, back);

\echo 'What the four answer buttons show for a new card:'
SELECT p.rating, p.label, p.next_interval, (p.next_card).state
FROM cards c JOIN decks d USING (deck_id), LATERAL shinjp.fsrs_preview(c.card, '2024-04-01 07:30+09', d.params) p
WHERE c.card_id = 1 ORDER BY p.rating;

-- Morning session: one statement reviews every card (again, hard, good, easy, good).
CREATE TEMP TABLE review_log (card_id int, rating int, reviewed_at timestamptz);
INSERT INTO review_log VALUES (1, 1, '2024-04-01 07:31+09'), (2, 2, '2024-04-01 07:32+09'), (3, 3, '2024-04-01 07:33+09'),
                              (4, 4, '2024-04-01 07:34+09'), (5, 3, '2024-04-01 07:35+09');
UPDATE cards c SET card = shinjp.fsrs_review(c.card, l.rating, l.reviewed_at, d.params)
FROM review_log l, decks d WHERE l.card_id = c.card_id AND d.deck_id = c.deck_id;

-- Evening: Good on the three cards still in learning, then a review a few days later.
INSERT INTO review_log VALUES (1, 3, '2024-04-01 21:00+09'), (2, 3, '2024-04-01 21:01+09'), (3, 3, '2024-04-01 21:02+09');
UPDATE cards c SET card = shinjp.fsrs_review(c.card, 3, l.reviewed_at, d.params)
FROM review_log l, decks d WHERE l.card_id = c.card_id AND d.deck_id = c.deck_id AND l.reviewed_at >= '2024-04-01 21:00+09';
INSERT INTO review_log VALUES (4, 3, '2024-04-09 08:00+09');
UPDATE cards c SET card = shinjp.fsrs_review(c.card, 3, '2024-04-09 08:00+09', d.params)
FROM decks d WHERE c.card_id = 4 AND d.deck_id = c.deck_id;

\echo 'The cards now (due in Tokyo time; the learner''s day starts at 4 am):'
SELECT c.card_id, c.front, (c.card).state, (c.card).due, shinjp.learner_day((c.card).due, d.params) AS due_day,
       round((c.card).stability::numeric, 2) AS stability, round((c.card).difficulty::numeric, 2) AS difficulty,
       round(shinjp.fsrs_retrievability(c.card, '2024-04-10 08:00+09', d.params)::numeric, 3) AS recall_on_apr_10
FROM cards c JOIN decks d USING (deck_id) ORDER BY c.card_id;

\echo 'The four buttons for 猫 on April 20:'
SELECT p.rating, p.label, p.next_interval, (p.next_card).due
FROM cards c JOIN decks d USING (deck_id), LATERAL shinjp.fsrs_preview(c.card, '2024-04-20 08:00+09', d.params) p
WHERE c.card_id = 4 ORDER BY p.rating;

\echo 'Rebuilding every card from the review log (one aggregate, GROUP BY card) gives the same cards:'
SELECT l.card_id, shinjp.fsrs_replay(l.rating, l.reviewed_at, d.params ORDER BY l.reviewed_at) = c.card AS same
FROM review_log l JOIN cards c USING (card_id) JOIN decks d USING (deck_id)
GROUP BY l.card_id, c.card ORDER BY l.card_id;

\echo 'SM-2 (Anki''s rules) on the same answers, and migrating an SM-2 card to FSRS:'
SELECT card_id, (s).state, (s).interval_days, (s).ease, (s).due
FROM (SELECT card_id, shinjp.sm2_replay(rating, reviewed_at, shinjp.sm2_params() ORDER BY reviewed_at) AS s
      FROM review_log GROUP BY card_id) x ORDER BY card_id;
SELECT (c).state, (c).due, round((c).stability::numeric, 2) AS stability, round((c).difficulty::numeric, 2) AS difficulty, (c).reps, (c).lapses
FROM (SELECT shinjp.sm2_to_fsrs(ROW('2024-05-01 08:00+09', 21, 2.3, 8, 1, 'review', 0, '2024-04-10 08:00+09')::shinjp.sm2_card) AS c) x;
