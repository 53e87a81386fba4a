#!/usr/bin/env bash
# The reference schema's Row Level Security: a learner (role "authenticated", as on Supabase, with
# auth.uid() from the request's JWT subject) reads and writes only their own decks, cards, reviews
# and dashboard rollup rows; the reading material is shared.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=shinjp_rls
dropdb --if-exists "$db"
createdb -T template0 -E UTF8 "$db"
trap 'dropdb --if-exists "$db"' EXIT
export PGDATABASE=$db
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION shinjp" -f examples/schema.sql >/dev/null
bash examples/load_corpus.sh "$PWD/../shared/data/ja" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f examples/generate.sql -c "SET client_min_messages = warning" -c "CALL learn.generate(1)" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f examples/setup_pillars.sql >/dev/null

a=$(psql -X -A -t -c "SELECT id FROM learn.users ORDER BY display_name LIMIT 1")
b=$(psql -X -A -t -c "SELECT id FROM learn.users ORDER BY display_name OFFSET 1 LIMIT 1")
as_learner() { # as_learner UUID SQL
	psql -X -A -t -q -v ON_ERROR_STOP=1 -c "SET ROLE authenticated" -c "SET request.jwt.claim.sub = '$1'" -c "$2"
}
check() { # check NAME GOT WANT
	if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: got '$2', want '$3'"; fail=1; fi
}
fail=0
own_cards=$(psql -X -A -t -c "SELECT count(*) FROM learn.cards WHERE owner_id = '$a'")
check "learner sees own cards" "$(as_learner "$a" "SELECT count(*) FROM learn.cards")" "$own_cards"
check "learner sees no other learner's cards" "$(as_learner "$a" "SELECT count(*) FROM learn.cards WHERE owner_id = '$b'")" 0
check "learner sees no other learner's reviews" "$(as_learner "$a" "SELECT count(*) FROM learn.reviews WHERE owner_id <> '$a'")" 0
check "learner sees one profile" "$(as_learner "$a" "SELECT count(*) FROM learn.users")" 1
check "reading material is shared" "$(as_learner "$a" "SELECT count(*) > 0 FROM learn.chapters")" t
check "learner sees only own rollup rows" \
	"$(as_learner "$a" "SELECT count(*) FROM learn.daily_stats WHERE owner_id <> '$a'")" 0
check "rollup rows exist for the learner" "$(as_learner "$a" "SELECT count(*) > 0 FROM learn.daily_stats")" t
# Writing into someone else's card history is refused by the policy's WITH CHECK.
card_b=$(psql -X -A -t -c "SELECT id FROM learn.cards WHERE owner_id = '$b' LIMIT 1")
if as_learner "$a" "INSERT INTO learn.reviews (card_id, owner_id, rating, reviewed_at, answer_ms, state_before, elapsed_days)
                    VALUES ($card_b, '$b', 3, '2026-11-25 13:00+09', 1000, 'review', 3)" >/dev/null 2>&1; then
	check "insert for another learner is refused" allowed refused
else
	check "insert for another learner is refused" refused refused
fi
# Without a JWT subject, nothing is visible.
check "anonymous session sees nothing" "$(psql -X -A -t -q -c "SET ROLE authenticated" -c "SELECT count(*) FROM learn.cards")" 0
exit $fail
