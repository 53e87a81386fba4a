-- min/max of a timestamp grouped by its ::date: the recompute bounds the scan by the day.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set check 'SELECT d.difference, d.row_value FROM shinjp.ivm_verify(''day_extremes'') d ORDER BY 1, 2;'
CREATE TABLE ivm_dayev (id int PRIMARY KEY, u int, t timestamp);
CREATE INDEX ON ivm_dayev (u, t);
INSERT INTO ivm_dayev VALUES
  (1, 1, '2024-03-01 00:00'), (2, 1, '2024-03-01 12:00'), (3, 1, '2024-03-01 23:59:59.999999'),
  (4, 1, '2024-03-02 00:00'), (5, 1, '2024-02-29 23:59:59.999999'),
  (6, 2, 'infinity'), (7, 2, 'infinity'), (8, 2, '-infinity'), (9, 2, '-infinity'),
  (10, 3, '294276-12-31 23:59:59.999999'), (11, 3, '294276-12-31 00:00'), (12, 3, '294276-12-30 23:00'),
  (13, 4, '4713-11-24 00:00 BC'), (14, 4, '4713-11-24 10:00 BC'),
  (15, NULL, NULL), (16, NULL, NULL), (17, 5, NULL), (18, 5, NULL);
SELECT shinjp.ivm_create('day_extremes',
  'SELECT u, t::date AS day, count(*) AS n, min(t) AS first_t, max(t) AS last_t FROM public.ivm_dayev GROUP BY u, t::date');
-- the recompute carries the day bounds
SELECT recompute_sql LIKE '%294276-12-31%' AS max_bounded FROM shinjp.ivm_view WHERE view = 'day_extremes'::regclass;
SELECT u, day, n, first_t, last_t FROM day_extremes ORDER BY u, day;
-- remove each extreme in turn, single-row and in batches
DELETE FROM ivm_dayev WHERE id = 3;
DELETE FROM ivm_dayev WHERE id = 1;
UPDATE ivm_dayev SET t = '2024-03-01 06:00' WHERE id = 4;
DELETE FROM ivm_dayev WHERE id = 6;
DELETE FROM ivm_dayev WHERE id = 9;
DELETE FROM ivm_dayev WHERE id = 10;
SELECT u, day, n, first_t, last_t FROM day_extremes WHERE u IN (2, 3) ORDER BY u, day;
:check
DELETE FROM ivm_dayev WHERE id = 13;
UPDATE ivm_dayev SET t = NULL WHERE id = 17;
DELETE FROM ivm_dayev WHERE id IN (2, 11, 14);
SELECT u, day, n, first_t, last_t FROM day_extremes ORDER BY u, day;
:check
-- moving rows between days and back
UPDATE ivm_dayev SET t = t + interval '1 day' WHERE u = 1;
UPDATE ivm_dayev SET t = t - interval '1 day' WHERE id = 4;
:check
SELECT u, day, n, first_t, last_t FROM day_extremes ORDER BY u, day;
SELECT shinjp.ivm_drop('day_extremes');
DROP TABLE ivm_dayev;
