#!/usr/bin/env bash
# The ShinJP reference schema with scale-1 data (examples/): learners, decks, cards, reviews, textbooks
set -euo pipefail
t() { local s=$(date +%s%N); "$@"; printf '   (%d ms)\n' $(( ($(date +%s%N) - s) / 1000000 )); }
echo "-- schema with Row Level Security (examples/schema.sql)"
t psql -X -q -v ON_ERROR_STOP=1 -f examples/schema.sql
echo "-- Japanese text from ../shared/data/ja: sentences, UD-GSD vocabulary, textbook chapters"
t bash examples/load_corpus.sh "$DEMO_DATA"
echo "-- 100 learners whose review histories are simulated with FSRS (CALL learn.generate(scale => 1))"
t psql -X -q -v ON_ERROR_STOP=1 -f examples/generate.sql -c "SET client_min_messages = warning" -c "CALL learn.generate(scale => 1)"
echo "-- search indexes and the incremental per-day rollup (examples/setup_pillars.sql)"
t psql -X -q -v ON_ERROR_STOP=1 -f examples/setup_pillars.sql >/dev/null
psql -X -q -P pager=off -c "
SELECT (SELECT count(*) FROM learn.users) AS learners, (SELECT count(*) FROM learn.cards) AS cards,
       (SELECT count(*) FROM learn.reviews) AS reviews, (SELECT count(*) FROM learn.chapters) AS chapters,
       (SELECT count(*) FROM learn.sentences) AS sentences, (SELECT count(*) FROM learn.daily_stats) AS rollup_rows"
