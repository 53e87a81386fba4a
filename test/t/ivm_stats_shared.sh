#!/usr/bin/env bash
# Shared IVM maintenance statistics: a throwaway cluster with shared_preload_libraries = shinjp
# (demo/cluster.sh, private port 56200-56299, the extension from build/tmp_install or IVM_DESTDIR)
# proves that counters of two sessions add up in a third (scope 'cluster'), that reset works and is
# refused to a non-owner, that other databases see nothing, that dropped views disappear, that
# concurrent writers lose no update, and that a full shared table (shinjp.ivm_stats_max) falls back
# to session counters and counts the overflow.  About 5 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
dest=${IVM_DESTDIR:-$root/build/tmp_install}
PGVERSION=${PGVERSION:-15}
bindir=/usr/lib/postgresql/$PGVERSION/bin
libdir=$("$bindir/pg_config" --pkglibdir)
[ -f "$dest$libdir/shinjp.so" ] || { echo "shinjp.so not installed under $dest"; exit 1; }
dir=$(mktemp -d /tmp/shinjp_ivm_stats.XXXXXX)
port=$((56200 + RANDOM % 100))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((56200 + RANDOM % 100)); done
export SHINJP_DEMO_PORT=$port SHINJP_PRELOAD="$dest$libdir/shinjp"
bash demo/cluster.sh start "$dir" "$dest" >/dev/null
trap 'bash demo/cluster.sh stop "$dir"' EXIT
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
unset PGPASSWORD PGSERVICE

q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
expect() { # expect NAME GOT WANT
	if [ "$2" != "$3" ]; then fail "$1: got '$2', want '$3'"; fi
	echo "ok: $1"
}

q <<'SQL'
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
GRANT CREATE ON SCHEMA public TO alice;
CREATE EXTENSION shinjp;
SQL
q -U alice <<'SQL'
CREATE TABLE reviews (id int, user_id int, ms int);
GRANT INSERT, SELECT ON reviews TO bob;
SELECT shinjp.ivm_create('daily', 'SELECT user_id, count(*) AS n, sum(ms) AS s FROM reviews GROUP BY user_id') \gset
SQL

# two sessions maintain the view; a third sees the sum
q -U alice -c "INSERT INTO reviews VALUES (1, 1, 10)" -c "INSERT INTO reviews VALUES (2, 2, 20)" -c "INSERT INTO reviews VALUES (3, 1, 30)"
q -U bob -c "INSERT INTO reviews VALUES (4, 3, 40)" -c "INSERT INTO reviews SELECT g, g % 5, g FROM generate_series(5, 14) g"
expect "two sessions add up in a third" \
	"$(q -c "SELECT statements, delta_rows, scope FROM shinjp.ivm_stats WHERE view = 'daily'::regclass")" "5|14|cluster"
expect "total_ms and last_maintained are set" \
	"$(q -c "SELECT total_ms > 0, last_maintained IS NOT NULL, mean_ms > 0 FROM shinjp.ivm_stats WHERE view = 'daily'::regclass")" "t|t|t"
expect "scope of the function" "$(q -c "SELECT DISTINCT scope FROM shinjp.ivm_backend_stats()")" "cluster"
expect "info" "$(q -c "SELECT scope, capacity, entries, overflows FROM shinjp.ivm_stats_info()")" "cluster|1000|1|0"
q -U alice -c "SELECT shinjp.ivm_refresh('daily')" >/dev/null
expect "refresh counted" "$(q -c "SELECT full_refreshes FROM shinjp.ivm_stats WHERE view = 'daily'::regclass")" "1"

# another database sees none of these views
q -c "CREATE DATABASE other"
q -d other -c "CREATE EXTENSION shinjp"
expect "other database sees nothing" "$(q -d other -c "SELECT count(*) FROM shinjp.ivm_stats")" "0"
expect "other database, same table" "$(q -d other -c "SELECT entries FROM shinjp.ivm_stats_info()")" "1"

# reset: refused to a non-owner, NULL resets only what the caller owns
out=$(psql -X -A -t -U bob -c "SELECT shinjp.ivm_stats_reset('daily')" 2>&1 || true)
case $out in *"must be owner of table daily"*) echo "ok: non-owner cannot reset" ;; *) fail "non-owner reset: $out" ;; esac
expect "non-owner reset of all resets nothing" "$(q -U bob -c "SELECT shinjp.ivm_stats_reset()")" "0"
expect "counters intact" "$(q -c "SELECT statements FROM shinjp.ivm_stats WHERE view = 'daily'::regclass")" "5"
expect "owner resets" "$(q -U alice -c "SELECT shinjp.ivm_stats_reset('daily')")" "1"
expect "reset removed the row" "$(q -c "SELECT count(*) FROM shinjp.ivm_stats")" "0"
q -U bob -c "INSERT INTO reviews VALUES (20, 1, 1)"
expect "counting again after reset" "$(q -c "SELECT statements, delta_rows FROM shinjp.ivm_stats WHERE view = 'daily'::regclass")" "1|1"
q -c "SELECT shinjp.ivm_create('big', 'SELECT ms > 10 AS slow, count(*) AS n FROM reviews GROUP BY 1')" >/dev/null
q -c "INSERT INTO reviews VALUES (21, 2, 50)"
expect "superuser resets all" "$(q -c "SELECT shinjp.ivm_stats_reset()")" "2"

# dropped views disappear
q -c "INSERT INTO reviews VALUES (22, 2, 50)"
q -c "SELECT shinjp.ivm_drop('big')" >/dev/null
expect "dropped view is gone" "$(q -c "SELECT string_agg(view::text, ',' ORDER BY view::text) FROM shinjp.ivm_stats")" "daily"
expect "and its entry freed" "$(q -c "SELECT entries FROM shinjp.ivm_stats_info()")" "1"

# concurrent writers: no update of the shared counters is lost
q -c "SELECT shinjp.ivm_stats_reset()" >/dev/null
printf '%s\n' '\set u random(1, 50)' 'INSERT INTO reviews VALUES (:u, :u, :u);' >"$dir/write.sql"
pgbench -n -U bob -c 4 -j 2 -t 100 -f "$dir/write.sql" >"$dir/pgbench.log" 2>&1 || { cat "$dir/pgbench.log"; fail "pgbench"; }
expect "4 concurrent writers x 100 statements" \
	"$(q -c "SELECT statements, delta_rows FROM shinjp.ivm_stats WHERE view = 'daily'::regclass")" "400|400"

# a full shared table: the eleventh view keeps session counters, the overflow is counted
q -c "ALTER SYSTEM SET shinjp.ivm_stats_max = 10"
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w restart >/dev/null
q -c "SELECT shinjp.ivm_create('v' || g, 'SELECT user_id, count(*) AS n FROM reviews WHERE id > ' || g || ' GROUP BY user_id') FROM generate_series(1, 11) g" >/dev/null
expect "overflow: 10 cluster rows, 2 session rows" \
	"$(q -c "INSERT INTO reviews VALUES (30, 1, 1)" -c "SELECT scope, count(*) FROM shinjp.ivm_stats GROUP BY scope ORDER BY scope" | tr '\n' ' ')" \
	"cluster|10 session|2 "
expect "overflow counted" "$(q -c "SELECT capacity, entries, overflows FROM shinjp.ivm_stats_info()")" "10|10|2"
echo "ivm_stats_shared: ok"
