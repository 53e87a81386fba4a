-- Maintenance statistics of incremental views without shared_preload_libraries: per-session
-- counters (scope 'session'), reset rules, dropped views.  The shared (cluster) mode is proven by
-- test/t/ivm_stats_shared.sh in its own cluster.
SET TimeZone = 'UTC';
CREATE ROLE regress_ivm_stats_owner;
CREATE ROLE regress_ivm_stats_other;
GRANT CREATE ON SCHEMA public TO regress_ivm_stats_owner;
SELECT scope, capacity, entries, overflows FROM shinjp.ivm_stats_info();
SELECT count(*) AS rows_before_any_view FROM shinjp.ivm_stats;

SET ROLE regress_ivm_stats_owner;
CREATE TABLE st_reviews (id int PRIMARY KEY, user_id int, ms int);
GRANT INSERT, UPDATE, DELETE, SELECT ON st_reviews TO regress_ivm_stats_other;
SELECT shinjp.ivm_create('st_daily', 'SELECT user_id, count(*) AS n, max(ms) AS mx FROM st_reviews GROUP BY user_id');
CREATE TABLE st_plain (x int);
-- creation fills the view but is no maintenance statement
SELECT count(*) AS rows_after_create FROM shinjp.ivm_stats;
INSERT INTO st_reviews VALUES (1, 1, 10);
INSERT INTO st_reviews SELECT g, g % 3, g * 10 FROM generate_series(2, 9) g;
UPDATE st_reviews SET ms = ms + 1 WHERE id = 1;
DELETE FROM st_reviews WHERE id = 9;   -- removes user 0's max: recomputed
INSERT INTO st_reviews SELECT 100, 1, 1 WHERE false;   -- no rows: no maintenance
SELECT view, statements, delta_rows, groups_deleted, minmax_recomputes > 0 AS recomputed, full_refreshes,
       total_ms > 0 AS timed, mean_ms > 0 AS mean_timed, last_maintained IS NOT NULL AS stamped, scope
FROM shinjp.ivm_stats ORDER BY view::text;
SELECT view, statements, scope FROM shinjp.ivm_backend_stats() ORDER BY view::text;
-- a writer who is not the owner: counted in the writer's session (here the same session)
RESET ROLE;
SET ROLE regress_ivm_stats_other;
INSERT INTO st_reviews VALUES (10, 5, 50);
SELECT statements FROM shinjp.ivm_stats WHERE view = 'st_daily'::regclass;

-- reset: a non-owner is refused for a named view, and resets nothing with NULL
SELECT shinjp.ivm_stats_reset('st_daily');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_stats_reset() AS reset_by_non_owner;
SELECT shinjp.ivm_stats_reset(NULL) AS reset_null_by_non_owner;
SELECT statements FROM shinjp.ivm_stats WHERE view = 'st_daily'::regclass;
RESET ROLE;
SET ROLE regress_ivm_stats_owner;
-- an OID that is no relation; a table without counters
SELECT shinjp.ivm_stats_reset(0::regclass);
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_stats_reset('st_plain') AS reset_plain_table;
SELECT shinjp.ivm_stats_reset('st_daily') AS reset_by_owner;
SELECT count(*) AS rows_after_reset FROM shinjp.ivm_stats;
SELECT shinjp.ivm_stats_reset('st_daily') AS reset_again;
-- counting starts again; refresh and TRUNCATE count as full refreshes
UPDATE st_reviews SET user_id = 7 WHERE id = 2;
SELECT shinjp.ivm_refresh('st_daily') AS refreshed_rows;
TRUNCATE st_reviews;
SELECT view, statements, delta_rows, full_refreshes, scope FROM shinjp.ivm_stats ORDER BY view::text;
SELECT scope, capacity, entries, overflows FROM shinjp.ivm_stats_info();
SELECT shinjp.ivm_stats_reset() AS reset_all_by_owner;
INSERT INTO st_reviews VALUES (1, 1, 1);
-- a dropped view disappears from the statistics
SELECT shinjp.ivm_drop('st_daily');
SELECT count(*) AS rows_after_drop FROM shinjp.ivm_stats;
SELECT entries FROM shinjp.ivm_stats_info();
-- a view table dropped with DROP TABLE loses its counters too (the sql_drop event trigger)
SELECT shinjp.ivm_create('st_daily2', 'SELECT user_id, count(*) AS n FROM st_reviews GROUP BY user_id');
INSERT INTO st_reviews VALUES (2, 1, 1);
SELECT count(*) AS rows_before_drop_table FROM shinjp.ivm_stats;
DROP TABLE st_daily2;
SELECT count(*) AS rows_after_drop_table FROM shinjp.ivm_stats;
SELECT entries AS entries_after_drop_table FROM shinjp.ivm_stats_info();
RESET ROLE;
SET ROLE regress_ivm_stats_other;
SELECT shinjp.ivm_stats_reset() AS nothing_left_to_reset;
RESET ROLE;

DROP TABLE st_reviews, st_plain;
REVOKE CREATE ON SCHEMA public FROM regress_ivm_stats_owner;
DROP ROLE regress_ivm_stats_owner;
DROP ROLE regress_ivm_stats_other;
