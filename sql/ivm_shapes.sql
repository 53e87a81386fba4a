-- Incremental views over self-joins, simple subqueries in FROM and WITH queries (the shapes pg_ivm
-- also maintains): each stays equal to its query after every kind of write, including statements
-- that change both occurrences of a self-joined table and data-modifying CTEs.
SET TimeZone = 'UTC';
CREATE SCHEMA shapes;
SET search_path = shapes, public;
\set check 'SELECT l.view::text AS view, d.difference, d.row_value FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view) d WHERE l.view::text IN (''team'', ''pairs'', ''by_region'', ''rich_pairs'') ORDER BY 1, 2, 3;'

CREATE TABLE emp (id int PRIMARY KEY, boss int, dept text, pay int);
CREATE TABLE dept (name text PRIMARY KEY, region text);
INSERT INTO dept VALUES ('a', 'east'), ('b', 'west'), ('c', 'east');
INSERT INTO emp VALUES (1, NULL, 'a', 100), (2, 1, 'a', 50), (3, 1, 'b', 60), (4, 2, 'a', 10);

-- self-join: each boss with the count, total and top pay of their reports
SELECT shinjp.ivm_create('team', 'SELECT b.id AS boss_id, b.dept, count(*) AS reports, sum(e.pay) AS pay, max(e.pay) AS top FROM emp e JOIN emp b ON b.id = e.boss GROUP BY b.id, b.dept');
-- self-join with a non-equi condition: pairs of colleagues per department
SELECT shinjp.ivm_create('pairs', 'SELECT e1.dept, count(*) AS n FROM emp e1, emp e2 WHERE e1.dept = e2.dept AND e1.id < e2.id GROUP BY e1.dept');
-- a simple subquery in FROM joined with another table
SELECT shinjp.ivm_create('by_region', 'SELECT d.region, count(*) AS n, sum(s.pay) AS pay FROM (SELECT dept, pay FROM emp WHERE pay > 5) s JOIN dept d ON d.name = s.dept GROUP BY d.region');
-- a WITH query referenced twice (a self-join of a filtered table)
SELECT shinjp.ivm_create('rich_pairs', 'WITH rich AS (SELECT id, dept FROM emp WHERE pay >= 50) SELECT r1.dept, count(*) AS n FROM rich r1 JOIN rich r2 ON r1.dept = r2.dept GROUP BY r1.dept');
:check

-- one row; several rows; a row that joins itself (its own boss); rows that join each other
INSERT INTO emp VALUES (5, 2, 'b', 20);
INSERT INTO emp VALUES (6, 6, 'c', 500), (7, 8, 'a', 3), (8, 7, 'a', 70);
:check
-- updates on the join column and on aggregated values, every row at once
UPDATE emp SET boss = 3 WHERE id = 4;
UPDATE emp SET pay = pay * 2;
UPDATE dept SET region = 'north' WHERE name = 'a';
:check
-- deletes: a boss with reports, a top earner (max recomputed)
DELETE FROM emp WHERE id = 2;
DELETE FROM emp WHERE id = 8;
:check
-- one statement writing both tables, and writing emp twice
WITH x AS (INSERT INTO dept VALUES ('z', 'south')), y AS (INSERT INTO emp VALUES (10, 3, 'z', 70)) SELECT 1 AS done;
WITH x AS (INSERT INTO emp VALUES (11, 10, 'z', 80)), y AS (INSERT INTO emp VALUES (12, 11, 'z', 90)) SELECT 1 AS done;
WITH x AS (DELETE FROM emp WHERE id = 10), y AS (UPDATE emp SET dept = 'c' WHERE id = 11) SELECT 1 AS done;
:check
-- savepoints and TRUNCATE
BEGIN;
DELETE FROM emp WHERE id = 1;
SAVEPOINT s;
INSERT INTO emp VALUES (13, 13, 'a', 1);
ROLLBACK TO s;
INSERT INTO emp VALUES (14, 3, 'b', 65);
COMMIT;
:check
TRUNCATE emp;
INSERT INTO emp VALUES (1, 1, 'a', 100), (2, 1, 'a', 200), (3, 2, 'b', 55);
:check
SELECT boss_id, dept, reports, pay, top FROM team ORDER BY 1;
SELECT dept, n FROM pairs ORDER BY 1;
SELECT region, n, pay FROM by_region ORDER BY 1;
SELECT dept, n FROM rich_pairs ORDER BY 1;

-- dropping one self-join view keeps the triggers the others need
SELECT shinjp.ivm_drop('pairs');
INSERT INTO emp VALUES (4, 1, 'a', 70);
:check
SELECT shinjp.ivm_drop('team'), shinjp.ivm_drop('by_region'), shinjp.ivm_drop('rich_pairs');

-- [NOT] EXISTS conditions ANDed into WHERE: a write to the subquery's table moves main-query rows
-- in or out of the view
\set check 'SELECT l.view::text AS view, d.difference, d.row_value FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view) d WHERE l.view::text IN (''reviewed_decks'', ''untagged'', ''verbs_not_easy'') ORDER BY 1, 2, 3;'
CREATE TABLE cards (id int PRIMARY KEY, deck int, due int);
CREATE TABLE reviews (id serial PRIMARY KEY, card int, rating int);
CREATE TABLE tags (card int, tag text);
INSERT INTO cards SELECT g, g % 3, g % 5 FROM generate_series(1, 12) g;
INSERT INTO reviews (card, rating) SELECT 1 + g % 12, 1 + g % 4 FROM generate_series(1, 30) g;
INSERT INTO tags VALUES (1, 'verb'), (2, 'verb'), (2, 'noun'), (5, 'noun');
SELECT shinjp.ivm_create('reviewed_decks', 'SELECT c.deck, count(*) AS n, max(c.due) AS mx FROM cards c WHERE c.due > 0 AND EXISTS (SELECT 1 FROM reviews r WHERE r.card = c.id AND r.rating = 1) GROUP BY c.deck');
SELECT shinjp.ivm_create('untagged', 'SELECT c.deck, count(*) AS n FROM cards c WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.card = c.id) GROUP BY c.deck');
SELECT shinjp.ivm_create('verbs_not_easy', 'SELECT c.id, c.deck FROM cards c WHERE EXISTS (SELECT 1 FROM tags t WHERE t.card = c.id AND t.tag = ''verb'') AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.card = c.id AND r.rating = 4)');
SELECT shinjp.ivm_create('bad', 'SELECT c.id FROM cards c WHERE c.id IN (SELECT card FROM tags)');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT c.id FROM cards c WHERE EXISTS (SELECT 1 FROM cards c2 WHERE c2.deck = c.deck AND c2.id <> c.id)');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT c.id FROM cards c WHERE c.due > 1 OR EXISTS (SELECT 1 FROM tags t WHERE t.card = c.id)');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_create('bad', 'SELECT c.id FROM cards c WHERE EXISTS (SELECT 1 FROM tags t JOIN reviews r ON r.card = t.card WHERE t.card = c.id)');
\echo :LAST_ERROR_SQLSTATE
:check
-- the subquery's table: inserts, deletes, updates that move matches between rows
INSERT INTO reviews (card, rating) VALUES (3, 1);
INSERT INTO reviews (card, rating) VALUES (3, 1), (4, 4), (7, 1);
DELETE FROM reviews WHERE card = 3;
UPDATE reviews SET rating = 1 WHERE rating = 2;
UPDATE reviews SET card = card + 1 WHERE id % 3 = 0;
INSERT INTO tags VALUES (3, 'verb'), (4, 'x'), (4, 'y');
DELETE FROM tags WHERE card = 4 AND tag = 'x';
DELETE FROM tags WHERE card = 4;
UPDATE tags SET card = 9 WHERE card = 1;
:check
-- the main table, then all three tables in one statement, then TRUNCATE of a subquery's table
INSERT INTO cards VALUES (13, 1, 2), (14, 2, 0);
UPDATE cards SET due = 0 WHERE id = 2;
DELETE FROM cards WHERE id = 5;
WITH a AS (INSERT INTO cards VALUES (20, 0, 3)), b AS (INSERT INTO reviews (card, rating) VALUES (20, 1)), c AS (INSERT INTO tags VALUES (20, 'verb')) SELECT 1 AS done;
WITH a AS (DELETE FROM tags WHERE card = 20), b AS (UPDATE reviews SET rating = 4 WHERE card = 20) SELECT 1 AS done;
:check
TRUNCATE tags;
:check
SELECT deck, n, mx FROM reviewed_decks ORDER BY 1;
SELECT deck, n FROM untagged ORDER BY 1;
-- a delta that can only add rows upserts without RETURNING (no group empties, no extreme goes):
-- inserts into the main table or an EXISTS subquery's table, deletes from a NOT EXISTS one's
SELECT v.view::text AS view, b.t::regclass AS base, v.ins_sql[b.i] LIKE '/* insert-only */%' AS insert_only,
	v.del_sql[b.i] LIKE '/* insert-only */%' AS delete_marked, v.upd_sql[b.i] LIKE '/* insert-only */%' AS update_marked
FROM shinjp.ivm_view v, unnest(v.base_tables::oid[]) WITH ORDINALITY AS b(t, i)
WHERE v.view::text IN ('untagged', 'verbs_not_easy', 'reviewed_decks') ORDER BY 1, 2;
SELECT shinjp.ivm_drop('reviewed_decks'), shinjp.ivm_drop('untagged'), shinjp.ivm_drop('verbs_not_easy');
SELECT count(*) AS triggers_left FROM pg_trigger WHERE tgrelid = 'emp'::regclass AND tgname LIKE 'shinjp_ivm%';
DROP SCHEMA shapes CASCADE;
RESET search_path;
