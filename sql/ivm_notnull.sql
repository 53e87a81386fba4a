-- Aggregates over NOT NULL columns keep no count of their own (__ivm_count is it), and the table
-- column must then stay NOT NULL: ALTER TABLE ... DROP NOT NULL is refused while such a view reads it.
SET client_min_messages = warning;
SET DateStyle = 'ISO, YMD';
CREATE TABLE nn (id int PRIMARY KEY, g int, k int NOT NULL, x int NOT NULL, y int, ts timestamp NOT NULL);
CREATE TABLE nn_u (g int PRIMARY KEY, w numeric NOT NULL);
INSERT INTO nn SELECT i, i % 3, i % 2, i * 10, CASE WHEN i % 4 = 0 THEN NULL ELSE i END, timestamp '2024-01-01' + i * interval '1 hour'
FROM generate_series(1, 12) i;
INSERT INTO nn_u VALUES (0, 1.5), (1, 2.5), (2, 3.5);
SELECT shinjp.ivm_create('nn_v',
  'SELECT g, count(*) AS n, sum(x) AS sx, avg(x) AS ax, min(x) AS mnx, max(ts) AS mxt, sum(y) AS sy, max(y) AS my,
          sum(x) FILTER (WHERE y > 5) AS sxf, count(y) AS cy
   FROM public.nn GROUP BY g');
SELECT shinjp.ivm_create('nn_total', 'SELECT count(*) AS n, sum(x) AS sx, max(x) AS mx FROM public.nn');
SELECT shinjp.ivm_create('nn_join', 'SELECT t.k, sum(u.w) AS sw, max(u.w) AS mw FROM public.nn t JOIN public.nn_u u ON u.g = t.g GROUP BY t.k');
-- bookkeeping columns: counts only for y (nullable) and the FILTERed sum
SELECT attrelid::regclass AS view, string_agg(attname, ' ' ORDER BY attnum) AS bookkeeping
FROM pg_attribute WHERE attrelid IN ('nn_v'::regclass, 'nn_total'::regclass, 'nn_join'::regclass) AND attname LIKE '\_\_ivm%'
GROUP BY attrelid ORDER BY 1;
\set check 'SELECT l.view, d.difference, d.row_value FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view) d ORDER BY 1, 2, 3;'
-- single rows (fast path) and statements: groups emptied and re-created, extremes removed
DELETE FROM nn WHERE id = 12;
UPDATE nn SET x = x + 1 WHERE id = 3;
UPDATE nn SET g = 5 WHERE id = 6;
INSERT INTO nn VALUES (13, 7, 1, 5, NULL, '2025-01-01');
DELETE FROM nn WHERE id = 13;
UPDATE nn SET g = g + 1, x = x * 2 WHERE id % 2 = 0;
DELETE FROM nn WHERE g = 1;
:check
SELECT g, n, sx, ax, mnx, mxt, sy, my, sxf, cy FROM nn_v ORDER BY g;
BEGIN;
DELETE FROM nn;
SELECT n, sx, mx FROM nn_total;
:check
ROLLBACK;
SELECT n, sx, mx FROM nn_total;
-- the NOT NULL the views rely on stays
ALTER TABLE nn ALTER COLUMN x DROP NOT NULL;
ALTER TABLE nn ALTER COLUMN ts DROP NOT NULL;
ALTER TABLE nn_u ALTER COLUMN w DROP NOT NULL;
-- a column no aggregate counts on is free: a key, one whose aggregate keeps its count
ALTER TABLE nn ALTER COLUMN k DROP NOT NULL;
UPDATE nn SET y = 0 WHERE y IS NULL;
ALTER TABLE nn ALTER COLUMN y SET NOT NULL;
ALTER TABLE nn ALTER COLUMN y DROP NOT NULL;
-- a view created while the column is nullable keeps a count and does not hold the column
SELECT shinjp.ivm_create('nn_k', 'SELECT g, sum(k) AS sk FROM public.nn GROUP BY g');
ALTER TABLE nn ALTER COLUMN k SET NOT NULL;
ALTER TABLE nn ALTER COLUMN k DROP NOT NULL;
UPDATE nn SET k = NULL WHERE id = 1;
:check
-- strictness is not enough: jsonb ->> gives NULL for a missing key, so its sum and avg keep their
-- counts and the key can be NULL (the NULL group's max is recomputed within that group)
CREATE TABLE nn_j (id int PRIMARY KEY, d jsonb NOT NULL, x int NOT NULL);
INSERT INTO nn_j VALUES (1, '{"g": "a", "v": 1}', 10), (2, '{"g": "a"}', 20), (3, '{"v": 3}', 30), (4, '{}', 40), (5, '{"v": 5}', 50);
SELECT shinjp.ivm_create('nn_jv', 'SELECT d->>''g'' AS g, count(*) AS n, sum((d->>''v'')::int) AS sv, avg((d->>''v'')::int) AS av,
  max(x) AS mx, sum(x + 1) AS sx1 FROM public.nn_j GROUP BY d->>''g''');
SELECT string_agg(attname, ' ' ORDER BY attnum) AS bookkeeping FROM pg_attribute
WHERE attrelid = 'nn_jv'::regclass AND attname LIKE '\_\_ivm%';
DELETE FROM nn_j WHERE id = 1;
DELETE FROM nn_j WHERE id = 5;
UPDATE nn_j SET x = 45 WHERE id = 4;
:check
SELECT g, n, sv, av, mx, sx1 FROM nn_jv ORDER BY g NULLS FIRST;
SELECT shinjp.ivm_drop('nn_jv');
DROP TABLE nn_j;
-- partitioned base table: the parent's NOT NULL holds for every partition
CREATE TABLE nn_p (id int, x int NOT NULL) PARTITION BY RANGE (id);
CREATE TABLE nn_p1 PARTITION OF nn_p FOR VALUES FROM (0) TO (100);
INSERT INTO nn_p VALUES (1, 10), (2, 20);
SELECT shinjp.ivm_create('nn_pv', 'SELECT count(*) AS n, sum(x) AS sx FROM public.nn_p');
ALTER TABLE nn_p ALTER COLUMN x DROP NOT NULL;
ALTER TABLE nn_p1 ALTER COLUMN x DROP NOT NULL;
-- without the view, the ALTER goes through
SELECT shinjp.ivm_drop('nn_pv');
ALTER TABLE nn_p ALTER COLUMN x DROP NOT NULL;
SELECT shinjp.ivm_drop('nn_v');
SELECT shinjp.ivm_drop('nn_total');
ALTER TABLE nn ALTER COLUMN x DROP NOT NULL;
:check
SELECT shinjp.ivm_drop('nn_join');
SELECT shinjp.ivm_drop('nn_k');
DROP TABLE nn, nn_u, nn_p;
