-- Wire the reference schema to every shinjp pillar (run after the data is loaded):
-- search indexes on the reading material, and the incremental per-learner-per-day rollup that the
-- dashboard reads.  The rollup is kept exactly equal to its query at every commit.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- Japanese search: exact substring (with kana/width/long-vowel folding and romaji queries) over
-- chapters and example sentences, and word-level full-text search over the vocabulary examples.
CREATE INDEX chapters_body_search ON learn.chapters USING gin (body shinjp.ja_substring_ops);
CREATE INDEX sentences_text_search ON learn.sentences USING gin (text shinjp.ja_substring_ops);
CREATE INDEX vocab_example_words ON learn.vocab USING gin (to_tsvector('shinjp.japanese', example));

-- The dashboard rollup: one row per learner and local study day (the learner's time zone, day
-- starting at their rollover hour), holding a mergeable review summary.
SELECT shinjp.ivm_create('learn.daily_stats', $q$
	SELECT r.owner_id,
	       ((r.reviewed_at AT TIME ZONE u.time_zone) - make_interval(hours => u.day_rollover_hour))::date AS day,
	       count(*) AS reviews,
	       sum(CASE WHEN r.rating = 1 THEN 1 ELSE 0 END) AS again,
	       sum(r.answer_ms) AS answer_ms,
	       shinjp.review_summary_agg(r.reviewed_at, r.rating::int, r.answer_ms, r.elapsed_days) AS summary
	FROM learn.reviews r JOIN learn.users u ON u.id = r.owner_id
	GROUP BY r.owner_id, ((r.reviewed_at AT TIME ZONE u.time_zone) - make_interval(hours => u.day_rollover_hour))::date
$q$);
ALTER TABLE learn.daily_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rollup ON learn.daily_stats TO authenticated USING (owner_id = auth.uid());
GRANT SELECT ON learn.daily_stats TO authenticated;
ANALYZE learn.chapters, learn.sentences, learn.vocab, learn.daily_stats;
