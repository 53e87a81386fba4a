#!/usr/bin/env bash
# Crash test of incremental views: clients write base tables (single-row and batch writes, a join
# view, a global view) while the server is killed with SIGKILL; after restart and crash recovery every
# view must equal its query.  Uses its own throwaway cluster (demo/cluster.sh) on a private port with
# the extension from build/tmp_install (make test) or IVM_DESTDIR.
# Default: one kill after ~2 s of load.  SHINJP_LONG=1: 5 kill/restart rounds with longer load.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
dest=${IVM_DESTDIR:-$root/build/tmp_install}
rounds=1
load_s=2
if [ -n "${SHINJP_LONG:-}" ]; then rounds=5; load_s=5; fi
dir=$root/build/ivm_crash
port=$((26500 + RANDOM % 400))
export SHINJP_DEMO_PORT=$port
bash demo/cluster.sh start "$dir" "$dest" >/dev/null
trap 'bash demo/cluster.sh stop "$dir"' EXIT
PGVERSION=${PGVERSION:-15}
bindir=/usr/lib/postgresql/$PGVERSION/bin
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
unset PGPASSWORD

psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION shinjp;
CREATE TABLE decks (id int PRIMARY KEY, owner int);
CREATE TABLE cards (id int PRIMARY KEY, deck_id int);
CREATE TABLE reviews (id bigserial PRIMARY KEY, user_id int, day int, rating int, ms int);
INSERT INTO decks SELECT g, g % 5 FROM generate_series(1, 50) g;
INSERT INTO cards SELECT g, 1 + g % 50 FROM generate_series(1, 1000) g;
SELECT shinjp.ivm_create('daily', 'SELECT user_id, day, count(*) AS n, sum(ms) AS s, avg(rating) AS a, max(ms) AS mx FROM reviews GROUP BY user_id, day');
SELECT shinjp.ivm_create('per_owner', 'SELECT d.owner, count(*) AS n FROM cards c JOIN decks d ON d.id = c.deck_id GROUP BY d.owner');
SELECT shinjp.ivm_create('total', 'SELECT count(*) AS n, min(ms) AS mn FROM reviews');
SQL

cat >"$dir/load.sql" <<'SQL'
\set u random(0, 199)
\set d random(0, 30)
INSERT INTO reviews (user_id, day, rating, ms) VALUES (:u, :d, 1 + :u % 4, :u * 7 + :d);
UPDATE reviews SET ms = ms + 1, day = (day + 1) % 31 WHERE id = (SELECT max(id) - :u FROM reviews);
DELETE FROM reviews WHERE id = (SELECT max(id) - 300 - :u FROM reviews);
INSERT INTO reviews (user_id, day, rating, ms) SELECT g, :d, 2, g FROM generate_series(1, 20) g;
UPDATE cards SET deck_id = 1 + (deck_id + :u) % 50 WHERE id = 1 + :u * 5;
UPDATE decks SET owner = :u % 7 WHERE id = 1 + :d;
SQL

for round in $(seq 1 "$rounds"); do
	pgbench -n -c 4 -T $((load_s + 3)) -f "$dir/load.sql" >"$dir/pgbench.$round.log" 2>&1 &
	bench=$!
	sleep "$load_s"
	pid=$(head -1 "$dir/data/postmaster.pid")
	children=$(pgrep -P "$pid" | tr '\n' ' ')
	kill -9 "$pid"
	wait "$bench" || true
	# the backends notice the postmaster's death and exit; then restart (crash recovery)
	for _ in $(seq 1 100); do
		alive=0
		for c in $children; do kill -0 "$c" 2>/dev/null && alive=1; done
		[ $alive -eq 0 ] && break
		sleep 0.2
	done
	if ! as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null; then
		tail -20 "$dir/server.log"
		exit 1
	fi
	rows=$(psql -X -A -t -c "SELECT count(*) FROM reviews")
	diffs=$(psql -X -A -t -c "SELECT count(*) FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view)")
	echo "round $round: killed server under load; after recovery $rows reviews, $diffs view differences"
	if [ "$diffs" != "0" ]; then
		psql -X -c "SELECT l.view, d.* FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view) d LIMIT 20"
		exit 1
	fi
	if [ "$rows" = "0" ]; then
		echo "no load reached the server"; cat "$dir/pgbench.$round.log"; exit 1
	fi
done
echo "ivm_crash: ok"
