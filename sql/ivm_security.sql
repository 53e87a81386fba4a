-- Incremental views under a trusted extension: who maintains, who reads, hostile names and search_path.
SET TimeZone = 'UTC';
CREATE ROLE regress_ivm_owner;
CREATE ROLE regress_ivm_writer;
CREATE ROLE authenticated;
CREATE SCHEMA app AUTHORIZATION regress_ivm_owner;
GRANT USAGE ON SCHEMA app TO regress_ivm_writer, authenticated;

-- Supabase style: one "authenticated" role, the end user in a JWT claim, RLS on base table and view.
SET ROLE regress_ivm_owner;
CREATE TABLE app.reviews (id serial PRIMARY KEY,
  user_id text NOT NULL DEFAULT current_setting('request.jwt.claim.sub', true), rating int NOT NULL);
ALTER TABLE app.reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_insert ON app.reviews FOR INSERT TO authenticated
  WITH CHECK (user_id = current_setting('request.jwt.claim.sub', true));
CREATE POLICY own_select ON app.reviews FOR SELECT TO authenticated
  USING (user_id = current_setting('request.jwt.claim.sub', true));
GRANT SELECT, INSERT ON app.reviews TO authenticated;
GRANT USAGE ON SEQUENCE app.reviews_id_seq TO authenticated, regress_ivm_writer;
INSERT INTO app.reviews (user_id, rating) VALUES ('u1', 3), ('u2', 4), ('u2', 1);
SELECT shinjp.ivm_create('app.user_stats', 'SELECT user_id, count(*) AS reviews, avg(rating) AS avg_rating, max(rating) AS best FROM app.reviews GROUP BY user_id');
ALTER TABLE app.user_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_stats ON app.user_stats FOR SELECT TO authenticated
  USING (user_id = current_setting('request.jwt.claim.sub', true));
GRANT SELECT ON app.user_stats TO authenticated;
RESET ROLE;

SET ROLE authenticated;
SET request.jwt.claim.sub = 'u1';
INSERT INTO app.reviews (rating) VALUES (4), (2);
SELECT user_id, reviews, avg_rating, best FROM app.user_stats ORDER BY user_id;
SET request.jwt.claim.sub = 'u2';
INSERT INTO app.reviews (rating) VALUES (2);
SELECT user_id, reviews, avg_rating, best FROM app.user_stats ORDER BY user_id;
-- cannot write another user's rows (base table policy), so the view cannot be skewed either
INSERT INTO app.reviews (user_id, rating) VALUES ('u1', 1);
\echo :LAST_ERROR_SQLSTATE
SET request.jwt.claim.sub = 'u3';
SELECT count(*) AS rows_visible_to_u3 FROM app.user_stats;
-- the list of views and their maintenance counters are readable by anyone, like pg_stat_user_tables
SELECT count(*) > 0 AS can_list_views FROM shinjp.ivm_list WHERE view = 'app.user_stats'::regclass;
SELECT statements > 0 AS can_read_stats FROM shinjp.ivm_stats WHERE view = 'app.user_stats'::regclass;
RESET request.jwt.claim.sub;
RESET ROLE;
SELECT * FROM shinjp.ivm_verify('app.user_stats');

-- A writer who may insert into a base table but not read the view: maintenance works, reading fails.
SET ROLE regress_ivm_owner;
CREATE TABLE app.log (id serial, who text, n int);
GRANT SELECT, INSERT, UPDATE, DELETE ON app.log TO regress_ivm_writer;
SELECT shinjp.ivm_create('app.log_stats', 'SELECT who, count(*) AS c, sum(n) AS total, min(n) AS lo FROM app.log GROUP BY who');
GRANT USAGE ON SEQUENCE app.log_id_seq TO regress_ivm_writer;
RESET ROLE;
-- a hostile search_path and a trap operator do not reach maintenance (it runs with pg_catalog, pg_temp)
CREATE SCHEMA writer_trap AUTHORIZATION regress_ivm_writer;
SET ROLE regress_ivm_writer;
CREATE FUNCTION writer_trap.boom(bigint, bigint) RETURNS bigint LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'trap ran'; END$$;
CREATE OPERATOR writer_trap.+ (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = writer_trap.boom);
CREATE TABLE writer_trap.log (id int);
SET search_path = writer_trap, public;
INSERT INTO app.log (who, n) VALUES ('a', 5), ('a', 7), ('b', 1);
UPDATE app.log SET n = n + 1 WHERE who = 'a';
DELETE FROM app.log WHERE n = 1;
RESET search_path;
SELECT * FROM app.log_stats;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
SELECT * FROM shinjp.ivm_verify('app.log_stats');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT shinjp.ivm_refresh('app.log_stats');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_drop('app.log_stats');
\echo :LAST_ERROR_SQLSTATE
-- the catalog is read-only for users: no way to plant SQL the triggers would run as the owner
INSERT INTO shinjp.ivm_view SELECT * FROM shinjp.ivm_view;
\echo :LAST_ERROR_SQLSTATE
UPDATE shinjp.ivm_view SET apply_sql = 'SELECT 1';
\echo :LAST_ERROR_SQLSTATE
-- no view over a table one may not put triggers on
SELECT shinjp.ivm_create('writer_trap.v', 'SELECT who, count(*) AS c FROM app.log GROUP BY who');
\echo :LAST_ERROR_SQLSTATE
-- calling the trigger functions by hand is refused
SELECT shinjp.ivm_before_trigger();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT who, c, total, lo FROM app.log_stats ORDER BY who;
SELECT * FROM shinjp.ivm_verify('app.log_stats');
-- the session's identity and search_path are restored after maintenance
SET ROLE regress_ivm_writer;
INSERT INTO app.log (who, n) VALUES ('c', 2);
SELECT current_user, current_setting('search_path') AS search_path;
RESET ROLE;

-- A view creator subject to RLS on a base table is refused (its view would see other rows than its readers).
SET ROLE regress_ivm_owner;
CREATE TABLE app.private (k int);
ALTER TABLE app.private ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.private FORCE ROW LEVEL SECURITY;
SELECT shinjp.ivm_create('app.private_v', 'SELECT k, count(*) AS c FROM app.private GROUP BY k');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- Hostile names: quotes, spaces, semicolons, upper case, in schema, table, columns and view.
CREATE SCHEMA "Sch""ema; x";
CREATE TABLE "Sch""ema; x"."T a""b;le" ("Key Col" text, "v""al" int, ";DROP TABLE x;--" int);
INSERT INTO "Sch""ema; x"."T a""b;le" VALUES ('A', 1, 1), ('A', NULL, 2), (NULL, 3, 3);
SELECT shinjp.ivm_create('"Sch""ema; x"."V ""1"";"', $$SELECT "Key Col", count("v""al") AS "c""nt", max(";DROP TABLE x;--") AS "m ax" FROM "Sch""ema; x"."T a""b;le" GROUP BY "Key Col"$$);
UPDATE "Sch""ema; x"."T a""b;le" SET "v""al" = 10 WHERE "v""al" IS NULL;
DELETE FROM "Sch""ema; x"."T a""b;le" WHERE ";DROP TABLE x;--" = 3;
SELECT * FROM "Sch""ema; x"."V ""1"";" ORDER BY 1;
SELECT * FROM shinjp.ivm_verify('"Sch""ema; x"."V ""1"";"');
SELECT shinjp.ivm_drop('"Sch""ema; x"."V ""1"";"');
DROP SCHEMA "Sch""ema; x" CASCADE;

-- clean up the roles
SELECT shinjp.ivm_drop('app.user_stats');
SELECT shinjp.ivm_drop('app.log_stats');
DROP SCHEMA app CASCADE;
DROP SCHEMA writer_trap CASCADE;
DROP ROLE regress_ivm_owner, regress_ivm_writer, authenticated;
