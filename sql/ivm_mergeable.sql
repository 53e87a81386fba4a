-- The registry of mergeable aggregates: any aggregate with a merge and a subtract function is
-- maintained generically (the analytics review summary registers itself the same way).
-- Maintenance runs with search_path = pg_catalog, pg_temp: functions it calls qualify their names.
CREATE TYPE score_pair AS (n bigint, total bigint);
CREATE FUNCTION score_pair_add(score_pair, int) RETURNS score_pair LANGUAGE sql IMMUTABLE STRICT
	AS $$ SELECT ROW(($1).n + 1, ($1).total + $2)::public.score_pair $$;
CREATE AGGREGATE score_pair_agg(int) (SFUNC = score_pair_add, STYPE = score_pair, INITCOND = '(0,0)');
CREATE FUNCTION score_pair_merge(score_pair, score_pair) RETURNS score_pair LANGUAGE sql IMMUTABLE STRICT
	AS $$ SELECT ROW(($1).n + ($2).n, ($1).total + ($2).total)::public.score_pair $$;
CREATE FUNCTION score_pair_subtract(score_pair, score_pair) RETURNS score_pair LANGUAGE sql IMMUTABLE STRICT
	AS $$ SELECT ROW(($1).n - ($2).n, ($1).total - ($2).total)::public.score_pair $$;
CREATE TABLE sessions (id serial PRIMARY KEY, user_id int, score int);
INSERT INTO sessions (user_id, score) SELECT g % 4, g FROM generate_series(1, 40) g;
-- not registered yet: refused, naming the aggregate
SELECT shinjp.ivm_create('pairs', 'SELECT user_id, score_pair_agg(score) AS summary FROM sessions GROUP BY user_id');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO shinjp.ivm_mergeable_aggregate
VALUES ('score_pair_agg(int)', 'score_pair_merge(score_pair, score_pair)', 'score_pair_subtract(score_pair, score_pair)');
SELECT shinjp.ivm_create('pairs', 'SELECT user_id, score_pair_agg(score) AS summary, count(*) AS n FROM sessions GROUP BY user_id');
SELECT user_id, summary, n FROM pairs ORDER BY user_id;
INSERT INTO sessions (user_id, score) VALUES (1, 1000), (NULL, 5), (2, NULL);
UPDATE sessions SET user_id = 3 WHERE id % 5 = 0;
DELETE FROM sessions WHERE user_id = 0;
SELECT user_id, summary, n FROM pairs ORDER BY user_id;
SELECT * FROM shinjp.ivm_verify('pairs');
-- FILTER is not accepted on a mergeable aggregate
SELECT shinjp.ivm_create('pairs2', 'SELECT user_id, score_pair_agg(score) FILTER (WHERE score > 3) AS s FROM sessions GROUP BY user_id');
\echo :LAST_ERROR_SQLSTATE
SELECT shinjp.ivm_drop('pairs');
DELETE FROM shinjp.ivm_mergeable_aggregate WHERE NOT builtin;

-- shinjp's own review summary (analytics) is registered at install: maintained by merging, and
-- recomputed for a group that lost rows (its subtract cannot restore first/last review times).
SET TimeZone = 'UTC';
SELECT aggregate, merge_fn, subtract_fn FROM shinjp.ivm_mergeable_aggregate ORDER BY 1::text;
CREATE TABLE treviews (id serial PRIMARY KEY, user_id int, reviewed_at timestamptz NOT NULL, rating int, answer_ms int);
INSERT INTO treviews (user_id, reviewed_at, rating, answer_ms)
SELECT g % 3, timestamptz '2024-01-01 00:00+00' + g * interval '7 hours', 1 + g % 4, 1000 + g FROM generate_series(1, 60) g;
SELECT shinjp.ivm_create('user_summaries', 'SELECT user_id, shinjp.review_summary_agg(reviewed_at, rating, answer_ms) AS summary, count(*) AS n FROM treviews GROUP BY user_id');
INSERT INTO treviews (user_id, reviewed_at, rating, answer_ms) VALUES (1, '2024-03-01 10:00+00', 4, 900), (NULL, '2024-03-02 10:00+00', 1, NULL);
SELECT * FROM shinjp.ivm_verify('user_summaries');
DELETE FROM treviews WHERE id IN (SELECT max(id) FROM treviews GROUP BY user_id);
UPDATE treviews SET user_id = 2 WHERE id % 7 = 0;
UPDATE treviews SET rating = 3 WHERE id % 5 = 0;
SELECT * FROM shinjp.ivm_verify('user_summaries');
SELECT user_id, n FROM user_summaries ORDER BY user_id;
SELECT view, minmax_recomputes > 0 AS recomputed_groups FROM shinjp.ivm_stats WHERE view = 'user_summaries'::regclass;
SELECT shinjp.ivm_drop('user_summaries');
