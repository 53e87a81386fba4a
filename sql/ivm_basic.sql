-- Incremental views: every supported query shape stays equal to its query after every kind of write.
-- :check lists the differences between every view and a fresh run of its query (none expected).
SET TimeZone = 'UTC';
\set check 'SELECT l.view::text AS view, d.difference, d.row_value FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view) d ORDER BY 1, 2, 3;'

CREATE TABLE decks (id int PRIMARY KEY, owner text);
CREATE TABLE cards (id int PRIMARY KEY, deck_id int, due int, note text);
CREATE TABLE reviews (id bigserial PRIMARY KEY, user_id int, card_id int, reviewed_at timestamp,
                      rating int, answer_ms int, score numeric(6,2));
INSERT INTO decks VALUES (1, 'aiko'), (2, 'ben'), (3, NULL);
INSERT INTO cards SELECT g, 1 + g % 3, g % 7, 'n' || g FROM generate_series(1, 30) g;
INSERT INTO reviews (user_id, card_id, reviewed_at, rating, answer_ms, score)
SELECT g % 5, g % 30 + 1, '2024-01-01'::timestamp + g * interval '5 hours', 1 + g % 4, g * 10, g / 4.0
FROM generate_series(1, 200) g;

-- per-user-per-day dashboard: count, count per rating (FILTER), sum, avg, min, max
SELECT shinjp.ivm_create('daily', $$
  SELECT user_id, reviewed_at::date AS day, count(*) AS reviews,
         count(*) FILTER (WHERE rating = 1) AS again, count(*) FILTER (WHERE rating >= 3) AS good,
         sum(answer_ms) AS total_ms, avg(rating) AS avg_rating, avg(score) AS avg_score,
         min(answer_ms) AS fastest, max(reviewed_at) AS last_review, count(score) AS scored
  FROM reviews WHERE rating IS DISTINCT FROM 0 GROUP BY user_id, reviewed_at::date$$);
-- join view: per-deck counts
SELECT shinjp.ivm_create('deck_stats', $$
  SELECT d.id AS deck, d.owner, count(*) AS cards, sum(c.due) AS due_sum, max(c.note) AS last_note
  FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.due > 0 GROUP BY d.id, d.owner$$);
-- three-table join, grouped by an expression
SELECT shinjp.ivm_create('owner_reviews', $$
  SELECT d.owner, r.rating, count(*) AS n, min(r.reviewed_at) AS first_seen
  FROM reviews r JOIN cards c ON c.id = r.card_id JOIN decks d ON d.id = c.deck_id GROUP BY d.owner, r.rating$$);
-- DISTINCT and a plain join view (multiplicity kept in __ivm_count)
SELECT shinjp.ivm_create('owner_dues', $$SELECT DISTINCT d.owner, c.due FROM cards c, decks d WHERE c.deck_id = d.id$$);
SELECT shinjp.ivm_create('card_decks', $$SELECT c.id AS card, d.owner FROM cards c, decks d WHERE c.deck_id = d.id AND c.due < 5$$);
-- aggregates without GROUP BY: always one row
SELECT shinjp.ivm_create('totals', $$SELECT count(*) AS n, sum(answer_ms) AS ms, max(rating) AS best, avg(answer_ms) AS mean_ms FROM reviews$$);

SELECT view, kind, base_tables, key_columns FROM shinjp.ivm_list ORDER BY view::text;
SELECT * FROM daily ORDER BY user_id, day LIMIT 3;
:check

-- inserts: new groups, existing groups, NULL keys, NULL values
INSERT INTO reviews (user_id, card_id, reviewed_at, rating, answer_ms, score)
VALUES (1, 1, '2024-01-01 06:00', 4, 5, 1.5), (NULL, 2, '2024-01-02', NULL, NULL, NULL),
       (NULL, 2, '2024-01-02 01:00', 2, 7, NULL), (9, 99, '2025-01-01', 3, 3, 3);
:check
SELECT user_id, day, reviews, avg_rating, fastest, scored FROM daily WHERE user_id IS NULL OR user_id = 9 ORDER BY 1, 2;
-- deletes that remove the extreme (min/max recomputed for that group only) and empty groups
DELETE FROM reviews WHERE answer_ms = (SELECT min(answer_ms) FROM reviews WHERE user_id = 1);
DELETE FROM reviews WHERE user_id = 9;
DELETE FROM reviews WHERE id % 3 = 0;
:check
SELECT count(*) AS groups_of_user_9 FROM daily WHERE user_id = 9;
-- updates that move rows between groups, change extremes, and set values to NULL
UPDATE reviews SET user_id = user_id + 1, answer_ms = answer_ms * 2 WHERE id % 4 = 0;
UPDATE reviews SET rating = NULL, score = NULL WHERE id % 7 = 0;
UPDATE reviews SET reviewed_at = reviewed_at + interval '1 day' WHERE user_id = 2;
UPDATE reviews SET score = score WHERE false;
UPDATE reviews SET answer_ms = answer_ms WHERE id < 20;
:check
-- join views: writes on either side
INSERT INTO cards VALUES (100, 3, 9, 'zz'), (101, 4, 2, 'orphan');
INSERT INTO decks VALUES (4, 'aiko');
UPDATE cards SET deck_id = 2 WHERE id % 5 = 0;
DELETE FROM decks WHERE id = 1;
UPDATE decks SET owner = 'carl' WHERE id = 2;
DELETE FROM cards WHERE due = 6;
UPDATE cards SET due = 0 WHERE id = 4;
:check
-- one statement changing two base tables of a join view (data-modifying CTE)
WITH d AS (INSERT INTO decks VALUES (5, 'dana') RETURNING id)
INSERT INTO cards SELECT 200 + g, d.id, g, 'cte' FROM d, generate_series(1, 3) g;
WITH gone AS (DELETE FROM decks WHERE id = 5 RETURNING id) UPDATE cards SET deck_id = 2 FROM gone WHERE cards.deck_id = gone.id;
WITH c AS (UPDATE cards SET due = due + 1 WHERE deck_id = 2 RETURNING deck_id) UPDATE decks SET owner = 'eve' WHERE id IN (SELECT deck_id FROM c);
:check
-- INSERT ... ON CONFLICT (both the insert and the update side), COPY
INSERT INTO decks VALUES (2, 'fay'), (6, 'gus') ON CONFLICT (id) DO UPDATE SET owner = excluded.owner;
\copy cards FROM stdin
300	6	3	copied
301	6	4	copied
302	2	1	copied
\.
:check
-- MERGE: insert, update and delete actions in one statement
MERGE INTO cards c USING (SELECT g AS id FROM generate_series(295, 305) g) s ON c.id = s.id
WHEN MATCHED AND s.id % 2 = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET due = c.due + 1
WHEN NOT MATCHED THEN INSERT VALUES (s.id, 1 + s.id % 6, s.id % 5, 'merged');
:check
-- rollback and savepoints leave the views untouched / partially applied exactly as the tables
BEGIN;
INSERT INTO reviews (user_id, card_id, reviewed_at, rating, answer_ms) VALUES (1, 1, '2024-03-01', 1, 1);
SAVEPOINT s1;
DELETE FROM reviews WHERE user_id = 1;
WITH d AS (INSERT INTO decks VALUES (7, 'hal') RETURNING id) INSERT INTO cards SELECT 400, id, 1, 'x' FROM d;
ROLLBACK TO s1;
UPDATE reviews SET rating = 4 WHERE user_id = 3;
SAVEPOINT s2;
INSERT INTO decks VALUES (8, 'ida');
RELEASE s2;
COMMIT;
:check
BEGIN;
DELETE FROM reviews;
DELETE FROM cards;
ROLLBACK;
:check
-- TRUNCATE recomputes (the global view keeps its single row)
TRUNCATE reviews;
:check
SELECT n, ms, best, mean_ms FROM totals;
INSERT INTO reviews (user_id, card_id, reviewed_at, rating, answer_ms) SELECT g % 3, g, '2024-02-01', 2, g FROM generate_series(1, 50) g;
TRUNCATE cards, decks;
:check
INSERT INTO decks VALUES (1, 'aiko');
INSERT INTO cards VALUES (1, 1, 1, 'a');
:check

-- refresh, statistics, drop
SELECT shinjp.ivm_refresh('daily') AS rows_after_refresh;
SELECT view, statements > 0 AS maintained, groups_changed > 0 AS changed_groups, full_refreshes FROM shinjp.ivm_stats ORDER BY view::text;
SELECT shinjp.ivm_drop('card_decks');
SELECT to_regclass('card_decks') AS dropped_table;
SELECT tgname FROM pg_trigger WHERE tgrelid = 'reviews'::regclass ORDER BY 1;
SELECT shinjp.ivm_drop('owner_reviews');
SELECT shinjp.ivm_drop('daily');
SELECT shinjp.ivm_drop('totals');
-- no view reads reviews any more: its triggers are gone
SELECT tgname FROM pg_trigger WHERE tgrelid = 'reviews'::regclass ORDER BY 1;
:check

-- NOT NULL keys: one-row inserts, updates and deletes take the path without aggregation
CREATE TABLE plays (id int PRIMARY KEY, deck int NOT NULL, day date NOT NULL, ms int, ok boolean);
INSERT INTO plays SELECT g, g % 3, date '2024-01-01' + g % 4, g * 10, g % 2 = 0 FROM generate_series(1, 40) g;
SELECT shinjp.ivm_create('play_days', 'SELECT deck, day, count(*) AS n, count(ms) AS timed, sum(ms) AS ms, avg(ms) AS mean, min(ms) AS fastest, max(ms) AS slowest, count(*) FILTER (WHERE ok) AS oks FROM plays GROUP BY deck, day');
INSERT INTO plays VALUES (41, 1, '2024-01-09', NULL, true);
UPDATE plays SET ms = 5 WHERE id = 41;
UPDATE plays SET deck = 2, day = '2024-01-02' WHERE id = 39;
UPDATE plays SET ms = NULL WHERE id = 38;
UPDATE plays SET ms = ms + 1000 WHERE id = 37;
UPDATE plays SET ms = 0 WHERE id = 36;
UPDATE plays SET ok = NOT ok WHERE id = 35;
DELETE FROM plays WHERE id = 34;
DELETE FROM plays WHERE id = 41;
:check
SELECT deck, day, n, timed, ms, fastest, slowest, oks FROM play_days WHERE deck = 2 ORDER BY day;

-- partitioned base table: statements on the parent and directly on a partition, row movement
CREATE TABLE events (user_id int, day date, kind text) PARTITION BY RANGE (day);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events SELECT g % 4, '2024-01-01'::date + g, 'k' || g % 2 FROM generate_series(1, 300) g;
SELECT shinjp.ivm_create('event_counts', $$SELECT user_id, kind, count(*) AS n, max(day) AS last_day FROM events GROUP BY user_id, kind$$);
INSERT INTO events_2025 VALUES (1, '2025-03-03', 'k1');
UPDATE events SET day = day + 200 WHERE user_id = 2;
DELETE FROM events_2024 WHERE user_id = 3;
INSERT INTO events VALUES (NULL, '2024-07-07', NULL);
:check
-- partitions created, attached (with rows) and detached after the view: still maintained
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO events_2026 VALUES (1, '2026-03-03', 'k1');
CREATE TABLE events_2027 (user_id int, day date, kind text);
INSERT INTO events_2027 VALUES (1, '2027-02-02', 'k9'), (2, '2027-03-03', 'k1');
ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
:check
INSERT INTO events_2027 VALUES (3, '2027-04-04', 'k1');
ALTER TABLE events DETACH PARTITION events_2024;
:check
SELECT tgrelid::regclass AS partition_with_triggers, count(*) FROM pg_trigger
WHERE tgname LIKE 'shinjp_ivm%' AND tgrelid::regclass::text LIKE 'events%' GROUP BY 1 ORDER BY 1;

-- what is refused at creation, each naming the part
SELECT shinjp.ivm_create('bad', 'SELECT user_id, count(*) FROM reviews GROUP BY user_id HAVING count(*) > 1');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT c.id, d.owner FROM cards c LEFT JOIN decks d ON d.id = c.deck_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id FROM reviews WHERE card_id IN (SELECT id FROM cards)');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id, count(DISTINCT card_id) FROM reviews GROUP BY user_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id, sum(answer_ms) / count(*) AS mean FROM reviews GROUP BY user_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id, string_agg(rating::text, '','') FROM reviews GROUP BY user_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id, count(*) FROM reviews WHERE reviewed_at < now() GROUP BY user_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT count(*) AS n FROM reviews GROUP BY user_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT x.deck_id, count(*) FROM (SELECT deck_id, count(*) FROM cards GROUP BY deck_id) x GROUP BY x.deck_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'WITH d AS (DELETE FROM cards RETURNING *) SELECT count(*) FROM d');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT c.id FROM cards c, LATERAL (SELECT * FROM decks WHERE id = c.deck_id) d');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id, rank() OVER (ORDER BY user_id) FROM reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id FROM reviews UNION SELECT id FROM cards');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id FROM reviews ORDER BY user_id LIMIT 3');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT ctid, user_id FROM reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT * FROM shinjp.ivm_list');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT x FROM generate_series(1, 3) x');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id AS __ivm_count FROM reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT user_id, user_id FROM reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'DELETE FROM reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT 1; SELECT 2');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT nosuchcol FROM reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('deck_stats', 'SELECT id FROM decks');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create(NULL, 'SELECT id FROM decks') IS NULL AS null_in_null_out;
SELECT shinjp.ivm_drop('reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_refresh('reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM shinjp.ivm_verify('reviews');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_trigger();
\echo :LAST_ERROR_SQLSTATE
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT shinjp.ivm_refresh('deck_stats');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- a view table that drifted (edited by hand) is caught by verify and repaired by refresh
UPDATE deck_stats SET cards = cards + 1 WHERE deck = 1;
:check
SELECT shinjp.ivm_refresh('deck_stats') >= 0 AS refreshed;
:check

-- a view's tables and columns cannot be dropped, retyped, renamed or moved under it (its
-- maintenance SQL names them); columns it does not read stay free
CREATE TABLE dep (id int PRIMARY KEY, u int, v int, spare int);
INSERT INTO dep SELECT g, g % 3, g FROM generate_series(1, 10) g;
SELECT shinjp.ivm_create('dep_v', 'SELECT u, count(*) AS n, sum(v) AS s FROM dep GROUP BY u');
DROP TABLE dep;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE dep DROP COLUMN v;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE dep RENAME TO dep2;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE dep RENAME COLUMN v TO w;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE dep_v RENAME TO dep_v2;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE dep_v RENAME COLUMN n TO cnt;
\echo :LAST_ERROR_SQLSTATE
CREATE SCHEMA elsewhere;
ALTER TABLE dep SET SCHEMA elsewhere;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE dep RENAME COLUMN spare TO extra;
ALTER TABLE dep DROP COLUMN extra;
ALTER TABLE dep ADD COLUMN note text;
INSERT INTO dep VALUES (11, 1, 11, 'x');
SELECT count(*) AS differences FROM shinjp.ivm_verify('dep_v');
-- dropping the view table by hand, or a base table with CASCADE, forgets the view and its triggers
DROP TABLE dep_v;
SELECT count(*) AS catalog_rows, (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'dep'::regclass) AS triggers
FROM shinjp.ivm_view WHERE view::oid NOT IN (SELECT oid FROM pg_class);
SELECT shinjp.ivm_create('dep_v', 'SELECT u, count(*) AS n, sum(v) AS s FROM dep GROUP BY u');
DROP TABLE dep CASCADE;
SELECT count(*) AS stale_catalog_rows FROM shinjp.ivm_view WHERE view::oid NOT IN (SELECT oid FROM pg_class);
DROP SCHEMA elsewhere;
