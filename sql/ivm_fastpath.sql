-- Incremental views: the one-row fast path (index lookup, row lock, heap update) gives exactly
-- what the general path (SPI upsert) gives, and hands every case it does not do plainly to it.
-- :check lists the differences between the view and a fresh run of its query (none expected);
-- :fast shows how many statements took the fast path in this session.
SET TimeZone = 'UTC';
CREATE SCHEMA fastpath;
SET search_path = fastpath, public;
\set check 'SELECT d.difference, d.row_value FROM shinjp.ivm_verify(''daily'') d ORDER BY 1, 2;'
\set fast 'SELECT statements, fast_statements FROM shinjp.ivm_stats WHERE view = ''daily''::regclass;'

CREATE TABLE reviews (id bigserial PRIMARY KEY, user_id int NOT NULL, reviewed_at timestamp NOT NULL,
                      rating int NOT NULL, answer_ms int, score numeric(6,2), weight float8);
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms, score, weight)
SELECT g % 4, '2024-03-01'::timestamp + g * interval '3 hours', 1 + g % 4,
       CASE WHEN g % 5 = 0 THEN NULL ELSE g * 10 END, g / 8.0, g * 0.25
FROM generate_series(1, 80) g;
SELECT shinjp.ivm_create('daily', $$
  SELECT user_id, reviewed_at::date AS day, count(*) AS reviews, count(*) FILTER (WHERE rating = 1) AS again,
         count(answer_ms) AS timed, sum(answer_ms) AS total_ms, sum(score) AS score_sum, sum(weight) AS weight_sum,
         avg(rating) AS avg_rating, avg(weight) AS avg_weight, min(answer_ms) AS fastest, max(reviewed_at) AS last_review
  FROM reviews WHERE rating > 0 GROUP BY user_id, reviewed_at::date$$);

-- into existing groups: fast
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms, score, weight) VALUES (1, '2024-03-02 10:00', 3, 4000, 1.5, 0.5);
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms, score, weight) VALUES (1, '2024-03-02 11:00', 1, NULL, NULL, NULL);
UPDATE reviews SET rating = 4, answer_ms = 77, score = 9.99 WHERE id = 10;
UPDATE reviews SET answer_ms = NULL WHERE id = 11;
DELETE FROM reviews WHERE id = 13;
:fast
:check
-- a row the WHERE filters out changes nothing, and takes no lock
INSERT INTO reviews (user_id, reviewed_at, rating) VALUES (1, '2024-03-02 12:00', 0);
:fast
-- a new group: the general path inserts it (ON CONFLICT)
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (7, '2024-05-01 09:00', 2, 100);
-- the last row of a group: the fast path deletes the group
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (7, '2024-05-01 08:00', 2, 300);
DELETE FROM reviews WHERE user_id = 7 AND answer_ms = 300;
SELECT reviews, fastest, last_review FROM daily WHERE user_id = 7;
DELETE FROM reviews WHERE user_id = 7;
SELECT count(*) AS groups_of_7 FROM daily WHERE user_id = 7;
-- removing a group's minimum or maximum: the fast path updates the group, then the general path's
-- recompute statement restores the extreme from the base table
DELETE FROM reviews WHERE id = (SELECT id FROM reviews WHERE user_id = 2 ORDER BY reviewed_at DESC LIMIT 1);
-- an update moving a row to another group, and into and out of the WHERE: general path
-- (14 statements so far: the new group, the group moves and the WHERE crossings were general)
UPDATE reviews SET reviewed_at = reviewed_at + interval '2 days' WHERE id = 20;
UPDATE reviews SET rating = 0 WHERE id = 21;
UPDATE reviews SET rating = 2 WHERE id = 21;
:fast
SELECT minmax_recomputes > 0 AS recomputed FROM shinjp.ivm_stats WHERE view = 'daily'::regclass;
:check

-- statements of several rows are the general path's
UPDATE reviews SET weight = weight + 1 WHERE user_id = 3;
:check

-- the view table with its own plain index: a non-HOT update (full page) adds its entries
CREATE INDEX daily_reviews_idx ON daily (reviews);
ALTER TABLE daily SET (fillfactor = 100);
VACUUM FULL daily;
DO $$ BEGIN FOR i IN 1 .. 40 LOOP
	INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (i % 4, '2024-03-02 14:00', 2, i);
END LOOP; END $$;
SET enable_seqscan = off;
SELECT count(*) AS through_index FROM daily WHERE reviews > 0;
RESET enable_seqscan;
SELECT count(*) AS all_rows FROM daily;
:check

-- shapes the fast path leaves to the general path: nothing changes in the results
CREATE TABLE audit (n int);
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO fastpath.audit VALUES (1); RETURN NEW; END $$;
CREATE TRIGGER daily_audit AFTER UPDATE ON daily FOR EACH ROW EXECUTE FUNCTION audit_row();
SELECT statements - fast_statements AS general_before FROM shinjp.ivm_stats WHERE view = 'daily'::regclass \gset
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (1, '2024-03-02 15:00', 2, 5);
SELECT count(*) AS view_triggers_fired FROM audit;
DROP TRIGGER daily_audit ON daily;
ALTER TABLE daily ADD CONSTRAINT few CHECK (reviews < 1000);
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (1, '2024-03-02 15:00', 2, 5);
ALTER TABLE daily DROP CONSTRAINT few;
CREATE INDEX daily_expr_idx ON daily ((reviews * 2));
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (1, '2024-03-02 15:00', 2, 5);
DROP INDEX daily_expr_idx;
SELECT statements - fast_statements - :general_before AS general_after FROM shinjp.ivm_stats WHERE view = 'daily'::regclass;
:check

-- a savepoint rolled back undoes the fast path's update with it
BEGIN;
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (1, '2024-03-02 16:00', 2, 5);
SAVEPOINT s;
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (1, '2024-03-02 16:00', 2, 5);
UPDATE reviews SET answer_ms = 6 WHERE id = 30;
ROLLBACK TO s;
DELETE FROM reviews WHERE id = 31;
COMMIT;
:check

-- NULL group keys (a nullable key column): the upsert's NULLS NOT DISTINCT handles them
CREATE TABLE notes (id serial PRIMARY KEY, tag text, len int);
INSERT INTO notes (tag, len) VALUES (NULL, 1), ('a', 2), (NULL, 3);
SELECT shinjp.ivm_create('tags', 'SELECT tag, count(*) AS n, sum(len) AS total FROM notes GROUP BY tag');
INSERT INTO notes (tag, len) VALUES (NULL, 10);
INSERT INTO notes (tag, len) VALUES ('a', 10);
UPDATE notes SET len = 0 WHERE tag IS NULL AND len = 10;
DELETE FROM notes WHERE id = 1;
SELECT tag, n, total FROM tags ORDER BY tag NULLS FIRST;
SELECT count(*) AS diffs FROM shinjp.ivm_verify('tags');

-- under REPEATABLE READ the fast path sees the group as the transaction's snapshot does
BEGIN ISOLATION LEVEL REPEATABLE READ;
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (2, '2024-03-02 17:00', 3, 5);
UPDATE reviews SET answer_ms = 7 WHERE id = 40;
COMMIT;
:check

-- a published view table needs a replica identity for the fast path's UPDATE, as for any UPDATE
SET client_min_messages = error;
CREATE PUBLICATION fastpath_pub FOR TABLE daily;
RESET client_min_messages;
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (2, '2024-03-02 18:00', 3, 5);
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE daily REPLICA IDENTITY FULL;
INSERT INTO reviews (user_id, reviewed_at, rating, answer_ms) VALUES (2, '2024-03-02 18:00', 3, 5);
DROP PUBLICATION fastpath_pub;
:check

SELECT shinjp.ivm_drop('daily'), shinjp.ivm_drop('tags');

-- the fast path prunes a view page only when the next version might not fit: 400 updates of one
-- group row, each its own transaction, on a page filled to fillfactor stay HOT (no new page, no
-- index entry) and exact
CREATE TABLE hot_src (k int NOT NULL, v int NOT NULL);
INSERT INTO hot_src SELECT g, g FROM generate_series(1, 500) g;
SELECT shinjp.ivm_create('hot_view', 'SELECT k, count(*) AS n, sum(v) AS s FROM hot_src GROUP BY k');
SELECT pg_relation_size('hot_view') AS bytes_before \gset
\set ECHO none
SELECT format('INSERT INTO hot_src VALUES (1, %s)', g) FROM generate_series(1, 400) g \gexec
\set ECHO all
SELECT pg_stat_force_next_flush();
SELECT n_tup_upd, n_tup_hot_upd, pg_relation_size('hot_view') = :bytes_before AS same_pages
FROM pg_stat_user_tables WHERE relid = 'hot_view'::regclass;
SELECT n, s FROM hot_view WHERE k = 1;
SELECT count(*) AS differences FROM shinjp.ivm_verify('hot_view');
-- the fast path reads heap pages itself: a view table of another table access method (here heap's
-- own handler under another name) takes the general path, and stays exact
CREATE ACCESS METHOD fastpath_heap2 TYPE TABLE HANDLER heap_tableam_handler;
ALTER TABLE hot_view SET ACCESS METHOD fastpath_heap2;
SELECT fast_statements AS fast_before FROM shinjp.ivm_stats WHERE view = 'hot_view'::regclass \gset
INSERT INTO hot_src VALUES (1, 1000);
SELECT fast_statements - :fast_before AS fast_since, statements FROM shinjp.ivm_stats WHERE view = 'hot_view'::regclass;
SELECT n, s FROM hot_view WHERE k = 1;
SELECT count(*) AS differences FROM shinjp.ivm_verify('hot_view');
SELECT shinjp.ivm_drop('hot_view');
DROP ACCESS METHOD fastpath_heap2;
DROP SCHEMA fastpath CASCADE;
RESET search_path;
