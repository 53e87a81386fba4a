-- Incremental views: a one-row statement that removes a group's min/max recomputes the extreme
-- in the fast path's single heap update (a SELECT of the group's extreme, then one row write);
-- the results are exactly the general path's.  :check lists the differences between the view and
-- a fresh run of its query (none expected); :stats shows which path ran and how many recomputes.
SET TimeZone = 'UTC';
CREATE SCHEMA fastminmax;
SET search_path = fastminmax, public;
\set check 'SELECT d.difference, d.row_value FROM shinjp.ivm_verify(''mm'') d ORDER BY 1, 2;'
\set stats 'SELECT statements, fast_statements, minmax_recomputes FROM shinjp.ivm_stats WHERE view = ''mm''::regclass;'

-- several min/max columns of several types, a nullable argument
CREATE TABLE r (id int PRIMARY KEY, g int NOT NULL, a int, b text, t timestamp NOT NULL, n numeric(6,2));
INSERT INTO r SELECT i, i % 3, CASE WHEN i % 7 = 0 THEN NULL ELSE i END, 'x' || lpad(i::text, 2, '0'),
                     '2024-01-01'::timestamp + i * interval '1 hour', i / 4.0
FROM generate_series(1, 30) i;
SELECT shinjp.ivm_create('mm', $$SELECT g, count(*) AS rows, min(a) AS lo, max(a) AS hi, max(b) AS hb,
  min(t) AS first, max(n) AS top, sum(a) AS total FROM r GROUP BY g$$);
SELECT g, rows, lo, hi, hb, first, top, total FROM mm ORDER BY g;

-- deleting the row that holds the max of a, of b and of n at once: one recompute, one write
DELETE FROM r WHERE id = 30;
-- deleting a minimum (of a and of t)
DELETE FROM r WHERE id = 1;
-- an update lowering the max of a to a value still above the others' (recomputed: it may not be)
UPDATE r SET a = 26 WHERE id = 29;
-- an update setting the maximum's argument to NULL: the extreme comes from the other rows
UPDATE r SET a = NULL WHERE id = 27;
-- an update raising a value past the max: no recompute needed
UPDATE r SET a = 100 WHERE id = 25;
-- deleting a row that is no extreme: no recompute
DELETE FROM r WHERE id = 13;
:stats
SELECT g, rows, lo, hi, hb, first, top, total FROM mm ORDER BY g;
:check

-- a group whose every argument becomes NULL: min/max NULL, the group stays
CREATE TABLE s (id int PRIMARY KEY, g int NOT NULL, a int);
INSERT INTO s VALUES (1, 1, 5), (2, 1, 9), (3, 2, 4);
SELECT shinjp.ivm_create('sm', 'SELECT g, count(*) AS rows, min(a) AS lo, max(a) AS hi FROM s GROUP BY g');
UPDATE s SET a = NULL WHERE id = 2;
UPDATE s SET a = NULL WHERE id = 1;
SELECT g, rows, lo, hi FROM sm ORDER BY g;
-- the extreme's removal that empties the group deletes it (no recompute)
DELETE FROM s WHERE id = 3;
SELECT g, rows, lo, hi FROM sm ORDER BY g;
SELECT statements, fast_statements, minmax_recomputes FROM shinjp.ivm_stats WHERE view = 'sm'::regclass;
SELECT count(*) AS diffs FROM shinjp.ivm_verify('sm');

-- inside a transaction, the recompute sees the transaction's own earlier changes; a rolled-back
-- savepoint undoes the recomputed row with the rest
BEGIN;
DELETE FROM r WHERE id = 27;
SAVEPOINT sp;
DELETE FROM r WHERE id = 24;
ROLLBACK TO sp;
DELETE FROM r WHERE id = 26;
COMMIT;
:check

-- a join view (its one-row statements take the general path): the same recompute over the join
CREATE TABLE decks (id int PRIMARY KEY, lang text NOT NULL);
CREATE TABLE cards (id int PRIMARY KEY, deck_id int NOT NULL, due date);
INSERT INTO decks VALUES (1, 'ja'), (2, 'ja'), (3, 'en');
INSERT INTO cards SELECT i, 1 + i % 3, '2024-05-01'::date + i FROM generate_series(1, 12) i;
SELECT shinjp.ivm_create('jm', $$SELECT d.lang, count(*) AS cards, min(c.due) AS next_due, max(c.due) AS last_due
  FROM cards c JOIN decks d ON d.id = c.deck_id GROUP BY d.lang$$);
DELETE FROM cards WHERE id = 12;
DELETE FROM cards WHERE id = 1;
UPDATE cards SET due = '2024-06-30' WHERE id = 5;
SELECT lang, cards, next_due, last_due FROM jm ORDER BY lang;
SELECT fast_statements, minmax_recomputes FROM shinjp.ivm_stats WHERE view = 'jm'::regclass;
SELECT count(*) AS diffs FROM shinjp.ivm_verify('jm');

-- a min/max on a day key (the recompute's index bounds) through the fast path
CREATE TABLE ev (id int PRIMARY KEY, u int NOT NULL, at timestamp NOT NULL);
INSERT INTO ev SELECT i, i % 2, '2024-02-28'::timestamp + i * interval '5 hours' FROM generate_series(1, 20) i;
SELECT shinjp.ivm_create('evd', 'SELECT u, at::date AS day, count(*) AS n, max(at) AS last, min(at) AS first FROM ev GROUP BY u, at::date');
DELETE FROM ev WHERE id = (SELECT id FROM ev WHERE u = 1 ORDER BY at DESC LIMIT 1 OFFSET 2);
DELETE FROM ev WHERE id = 4;
SELECT minmax_recomputes > 0 AS recomputed FROM shinjp.ivm_stats WHERE view = 'evd'::regclass;
SELECT count(*) AS diffs FROM shinjp.ivm_verify('evd');

-- the fast path skips setting search_path only when its expressions call built-in immutable
-- functions alone; a view calling a PL function still runs it under the fixed search_path, as
-- ivm_create's initial fill does (the probe returns the search_path it ran under)
CREATE FUNCTION sp_probe(x int) RETURNS text LANGUAGE plpgsql IMMUTABLE AS
  $$BEGIN RETURN pg_catalog.current_setting('search_path'); END$$;
CREATE TABLE p (id int PRIMARY KEY, g int NOT NULL, a int);
INSERT INTO p VALUES (1, 1, 1), (2, 1, 2);
SELECT shinjp.ivm_create('pm', 'SELECT g, count(*) AS n, max(fastminmax.sp_probe(a)) AS path FROM fastminmax.p GROUP BY g');
SHOW search_path;
SELECT g, n, path FROM pm;
INSERT INTO p VALUES (3, 1, 3);
UPDATE p SET a = 4 WHERE id = 3;
SELECT g, n, path FROM pm;
SELECT fast_statements FROM shinjp.ivm_stats WHERE view = 'pm'::regclass;

SELECT shinjp.ivm_drop('mm'), shinjp.ivm_drop('sm'), shinjp.ivm_drop('jm'), shinjp.ivm_drop('evd'), shinjp.ivm_drop('pm');
DROP SCHEMA fastminmax CASCADE;
RESET search_path;
