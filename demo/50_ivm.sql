-- Incremental views: a study dashboard that is exact after every write
SET TimeZone = 'UTC';
CREATE TABLE demo_decks (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE demo_cards (id int PRIMARY KEY, deck_id int NOT NULL, front text NOT NULL);
CREATE TABLE demo_reviews (id bigserial PRIMARY KEY, user_id int NOT NULL, card_id int NOT NULL,
  reviewed_at timestamp NOT NULL, rating int NOT NULL, answer_ms int NOT NULL);
INSERT INTO demo_decks VALUES (1, 'JLPT N5 kanji'), (2, 'JLPT N4 vocabulary'), (3, 'Katakana');
INSERT INTO demo_cards SELECT g, 1 + g % 3, 'card ' || g FROM generate_series(1, 3000) g;
INSERT INTO demo_reviews (user_id, card_id, reviewed_at, rating, answer_ms)
SELECT g % 50, 1 + g % 3000, timestamp '2024-05-01' + ((g / 50) % 14) * interval '1 day' + (abs(hashint4(g)) % 86400) * interval '1 second',
       1 + abs(hashint4(g + 1)) % 4, 800 + abs(hashint4(g + 2)) % 9000
FROM generate_series(1, 200000) g;

-- The dashboard's per-user-per-day view and a per-deck join view, built once, maintained on every write.
\timing on
SELECT shinjp.ivm_create('demo_daily', $$
  SELECT user_id, reviewed_at::date AS day, count(*) AS reviews,
         count(*) FILTER (WHERE rating = 1) AS again, sum(answer_ms) AS total_ms,
         avg(rating) AS avg_rating, max(reviewed_at) AS last_review
  FROM demo_reviews GROUP BY user_id, reviewed_at::date$$);
SELECT shinjp.ivm_create('demo_deck_cards', $$
  SELECT d.name AS deck, count(*) AS cards FROM demo_cards c JOIN demo_decks d ON d.id = c.deck_id GROUP BY d.name$$);
\timing off

-- User 7's last three days, read from the view (an index lookup, not an aggregate over reviews).
SELECT day, reviews, again, round(avg_rating, 2) AS avg_rating, total_ms / reviews AS ms_per_review, last_review
FROM demo_daily WHERE user_id = 7 ORDER BY day DESC LIMIT 3;

-- A study session: new reviews, a corrected rating, an undo; the view follows each statement.
INSERT INTO demo_reviews (user_id, card_id, reviewed_at, rating, answer_ms)
VALUES (7, 11, '2024-05-14 21:00', 1, 4200), (7, 12, '2024-05-14 21:01', 3, 1800), (7, 13, '2024-05-14 21:02', 4, 900);
UPDATE demo_reviews SET rating = 2 WHERE user_id = 7 AND reviewed_at = '2024-05-14 21:00';
DELETE FROM demo_reviews WHERE user_id = 7 AND reviewed_at = '2024-05-14 21:02';
SELECT day, reviews, again, round(avg_rating, 2) AS avg_rating, last_review
FROM demo_daily WHERE user_id = 7 ORDER BY day DESC LIMIT 1;

-- Moving cards between decks updates the join view.
UPDATE demo_cards SET deck_id = 3 WHERE id <= 300;
SELECT deck, cards FROM demo_deck_cards ORDER BY deck;

-- Exact: no row differs from a fresh run of the queries; and what maintenance cost so far.
SELECT count(*) AS differences FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view);
SELECT view, statements, delta_rows, groups_changed, round(mean_ms::numeric, 3) AS mean_ms FROM shinjp.ivm_stats ORDER BY view::text;
