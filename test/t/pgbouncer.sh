#!/usr/bin/env bash
# Every pillar under PgBouncer transaction pooling: the demo's learner session
# (examples/learner_session.sql) from 4 concurrent clients, 3 times each, over a pool of only 2
# server connections, so statements of one client land on backends another client used.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
db=shinjp_pgbouncer
dir=$(mktemp -d)
chmod 755 "$dir"
cleanup() {
	[ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
	sleep 0.2
	dropdb --if-exists "$db" || true
	rm -rf "$dir"
}
trap cleanup EXIT

dropdb --if-exists "$db"
createdb -T template0 -E UTF8 "$db"
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION shinjp" -f examples/schema.sql >/dev/null
PGDATABASE=$db bash examples/load_corpus.sh "$root/../shared/data/ja" >/dev/null
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f examples/generate.sql -c "SET client_min_messages = warning" -c "CALL learn.generate(1)" >/dev/null
PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -f examples/setup_pillars.sql >/dev/null

bport=$((PGPORT + 1000))
while (exec 3<>"/dev/tcp/127.0.0.1/$bport") 2>/dev/null; do bport=$((bport + 1)); done
cat >"$dir/pgbouncer.ini" <<INI
[databases]
$db = host=${PGHOST:-localhost} port=$PGPORT dbname=$db
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir =
auth_type = md5
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = 2
max_client_conn = 50
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
ignore_startup_parameters = extra_float_digits
INI
printf '"%s" "%s"\n' "$PGUSER" "$PGPASSWORD" >"$dir/userlist.txt"
if [ "$(id -u)" -eq 0 ]; then
	chown -R postgres "$dir"
	runuser -u postgres -- pgbouncer -d "$dir/pgbouncer.ini"
else
	pgbouncer -d "$dir/pgbouncer.ini"
fi
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$bport") 2>/dev/null && break; sleep 0.1; done

# the four learners with the most cards due at the session's time (learner_session.sql's default now)
learners=$(PGDATABASE=$db psql -X -A -t -c "SELECT owner_id FROM learn.cards WHERE (srs).due <= '2026-11-26 20:00+09'
                                             GROUP BY owner_id ORDER BY count(*) DESC, owner_id LIMIT 4")
pids=()
i=0
for learner in $learners; do
	i=$((i + 1))
	(
		for round in 1 2 3; do
			PGHOST=127.0.0.1 PGPORT=$bport PGDATABASE=$db psql -X -q -v ON_ERROR_STOP=1 -v learner="$learner" \
				-f examples/learner_session.sql >"$dir/client$i.$round.log" 2>&1 || { cat "$dir/client$i.$round.log"; exit 1; }
		done
	) &
	pids+=($!)
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ $fail -eq 0 ] && echo "ok: 4 clients x 3 learner sessions through PgBouncer (transaction pooling, pool size 2)"
# every session answered three cards, and the rollup maintained under pooling equals its query
answered=$(PGDATABASE=$db psql -X -A -t -c "SELECT count(*) FROM learn.reviews WHERE reviewed_at > '2026-11-26 00:00+09'")
if [ "$answered" = 36 ]; then echo "ok: 36 reviews written through the pooler"; else echo "FAIL: $answered reviews written, want 36"; fail=1; fi
diffs=$(PGDATABASE=$db psql -X -A -t -c "SELECT count(*) FROM shinjp.ivm_verify('learn.daily_stats')")
if [ "$diffs" = 0 ]; then echo "ok: learn.daily_stats equals its query"; else echo "FAIL: learn.daily_stats differs from its query in $diffs rows"; fail=1; fi
exit $fail
