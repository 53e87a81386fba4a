#!/usr/bin/env bash
# A learner's session on the reference schema: due cards, previews, reviews, kana and romaji search, dashboard
set -euo pipefail
now='2026-11-26 20:00:00+09'
learner=$(psql -X -A -t -c "SELECT owner_id FROM learn.cards WHERE (srs).due <= '$now' GROUP BY owner_id ORDER BY count(*) DESC, owner_id LIMIT 1")
echo "-- as learner $learner (role authenticated, auth.uid() from the JWT subject), now = $now"
psql -X -q -P pager=off -v learner="$learner" -v now="$now" -f examples/learner_session.sql
echo
echo "-- the rollup stayed exact through the session's writes (shinjp.ivm_verify lists differences):"
psql -X -q -P pager=off -c "SELECT count(*) AS differences FROM shinjp.ivm_verify('learn.daily_stats')"
