-- Incremental views: a one-row statement that removes a group's min/max recomputes it by one
-- btree scan when the base table has an index on (the plain GROUP BY columns, the aggregated
-- column) and the view reads one table without WHERE; otherwise, and whenever the scan could
-- answer differently from the SQL (row level security, inheritance children, a day at the end of
-- the timestamp range), by the prepared SELECT.  The DEBUG2 line marks each index-scan recompute;
-- :check lists the differences between a view and a fresh run of its query (none expected).
SET TimeZone = 'UTC';
CREATE SCHEMA extreme;
SET search_path = extreme, public;
\set check 'SELECT v.view, d.difference, d.row_value FROM shinjp.ivm_list v, shinjp.ivm_verify(v.view) d ORDER BY 1, 2, 3;'
\set trace 'SET client_min_messages = debug2;'
\set untrace 'RESET client_min_messages;'

CREATE TABLE ev (id int PRIMARY KEY, g int, d timestamp, v int);
CREATE INDEX ev_g_d ON ev (g, d);
CREATE INDEX ev_g_v ON ev (g, v DESC);  -- descending: max scans forwards
INSERT INTO ev VALUES (1, 1, '2024-01-01 10:00', 5), (2, 1, '2024-01-01 12:00', 7), (3, 1, '2024-01-01 13:00', NULL),
  (4, NULL, '2024-01-02 10:00', 1), (5, NULL, '2024-01-02 11:00', 2),
  (6, 2, 'infinity', 3), (7, 2, 'infinity', 4),
  (8, 3, '294276-12-31 10:00', 3), (9, 3, '294276-12-31 11:00', 4),
  (10, 1, '2024-01-01 09:00', 6), (11, 1, NULL, 9);
-- per day: min and max of d, d::date a key (the scan bounds d to [day, next midnight))
SELECT shinjp.ivm_create('ev_day', 'SELECT g, d::date AS day, count(*) AS n, max(d) AS last, min(d) AS first FROM ev GROUP BY g, d::date');
-- per g: min and max of v (NULLs in v), max of d
SELECT shinjp.ivm_create('ev_g', 'SELECT g, count(*) AS n, max(v) AS vmax, min(v) AS vmin, max(d) AS dmax FROM ev GROUP BY g');

:trace
-- the max of d on 2024-01-01 (ev_day) and of d in g 1 (ev_g): two scans
DELETE FROM ev WHERE id = 3;
-- the max of v in g 1 (ev_g) and nothing of ev_day's extremes
DELETE FROM ev WHERE id = 11;
-- the min of d (ev_day) and of nothing else
DELETE FROM ev WHERE id = 10;
-- a NULL key: the general path (no scan)
DELETE FROM ev WHERE id = 5;
-- the day 'infinity' has no next midnight: ev_day recomputes by SQL, ev_g by scan
DELETE FROM ev WHERE id = 7;
-- neither has the last representable day: ev_day by SQL, ev_g by scan
DELETE FROM ev WHERE id = 9;
-- an update that lowers the max of v: g may be NULL, so a one-row UPDATE takes the general path
-- and its SQL recompute (the per-day deletes and updates below take the scan)
UPDATE ev SET v = 0 WHERE id = 2;
:untrace
SELECT g, day, n, last, first FROM ev_day ORDER BY g, day;
SELECT g, n, vmax, vmin, dmax FROM ev_g ORDER BY g;
:check

-- cases the scan leaves to the SQL
CREATE TABLE ew (id int PRIMARY KEY, g int NOT NULL, v int NOT NULL, w int NOT NULL);
CREATE INDEX ew_v_g ON ew (v, g);         -- the key is not the leading column
CREATE INDEX ew_g_w ON ew (g, w) WHERE w > 0;  -- partial
INSERT INTO ew SELECT i, i % 3, i, i * 2 FROM generate_series(1, 30) i;
SELECT shinjp.ivm_create('ew_g', 'SELECT g, count(*) AS n, max(v) AS vmax, max(w) AS wmax FROM ew GROUP BY g');
-- a view with WHERE, even with a fitting index
CREATE INDEX ew_g_v ON ew (g, v);
SELECT shinjp.ivm_create('ew_where', 'SELECT g, count(*) AS n, max(v) AS vmax FROM ew WHERE w > 10 GROUP BY g');
:trace
DELETE FROM ew WHERE id = 30;
:untrace
-- a fitting index for w too: now both aggregates of ew_g scan
CREATE INDEX ew_g_w2 ON ew (g, w);
:trace
DELETE FROM ew WHERE id = 29;
:untrace
-- row level security the owner is subject to: the SQL runs, under the policy
ALTER TABLE ew ENABLE ROW LEVEL SECURITY;
ALTER TABLE ew FORCE ROW LEVEL SECURITY;
CREATE POLICY ew_all ON ew USING (true);
:trace
DELETE FROM ew WHERE id = 28;
:untrace
ALTER TABLE ew NO FORCE ROW LEVEL SECURITY;
ALTER TABLE ew DISABLE ROW LEVEL SECURITY;
-- an inheritance child: the view's query reads it too, so the SQL runs
CREATE TABLE ew_child () INHERITS (ew);
:trace
DELETE FROM ew WHERE id = 27;
:untrace
DROP TABLE ew_child;
-- the index dropped: the SQL runs (the view is compiled again and finds no index)
DROP INDEX ew_g_v;
:trace
DELETE FROM ew WHERE id = 26;
:untrace
SELECT g, n, vmax, wmax FROM ew_g ORDER BY g;
:check

-- many one-row deletes and updates against the plain query, scan and SQL mixed
CREATE TABLE er (id int PRIMARY KEY, u int NOT NULL, t timestamp NOT NULL, ms int);
CREATE INDEX ON er (u, t);
CREATE INDEX ON er (u, ms);
INSERT INTO er SELECT i, i % 7, '2024-03-01'::timestamp + (i * 7919 % 1000) * interval '37 minutes',
                      CASE WHEN i % 11 = 0 THEN NULL ELSE i * 31 % 500 END FROM generate_series(1, 600) i;
SELECT shinjp.ivm_create('er_day', 'SELECT u, t::date AS day, count(*) AS n, max(t) AS last, min(ms) AS fastest, max(ms) AS slowest FROM er GROUP BY u, t::date');
DO $$
DECLARE r record; k int := 0;
BEGIN
	FOR r IN SELECT id FROM er ORDER BY md5(id::text) LIMIT 300 LOOP
		k := k + 1;
		IF k % 3 = 0 THEN
			UPDATE er SET ms = CASE WHEN k % 2 = 0 THEN NULL ELSE k END, t = t + interval '5 hours' WHERE id = r.id;
		ELSE
			DELETE FROM er WHERE id = r.id;
		END IF;
		IF k % 25 = 0 AND EXISTS (SELECT FROM shinjp.ivm_verify('er_day')) THEN
			RAISE EXCEPTION 'er_day differs from its query after % statements', k;
		END IF;
	END LOOP;
END $$;
SELECT minmax_recomputes > 50 AS many_recomputes FROM shinjp.ivm_stats WHERE view = 'er_day'::regclass;
:check

DROP SCHEMA extreme CASCADE;
