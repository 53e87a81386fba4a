#!/usr/bin/env bash
# Benchmark of FSRS scheduling in the database (issue 3).  Builds and installs shinjp into a private
# directory, starts a throwaway cluster, loads 1,000,000 review cards into one table and prints, from
# this one run, each measurement with its baseline, the ratio and the goal:
#
#   1. UPDATE cards SET card = fsrs_review(card, rating, …)  vs  the same UPDATE writing a constant card
#   2. SELECT sum((fsrs_review(card, …)).stability)   vs  the bare scan SELECT sum((card).stability)
#   3. fsrs_review                                     vs  the same FSRS step in PL/pgSQL (same results)
#   4. one UPDATE of 10,000 cards                      vs  the client loop: SELECT card, compute, UPDATE
#                                                          per card (pgbench, over TCP), per card
#
# Server-side costs are the backend's CPU time (nanoseconds on the CPU from /proc/PID/schedstat around
# the statement: the cluster is local), the best of several repetitions (the table writes on a fresh
# copy each time); unlike wall-clock time, it is barely disturbed by other load on a shared machine.
# The library is loaded (and the call site warmed) before the clock starts.  Row 2 is a difference of
# two small costs, so it is measured in one session as SHINJP_BENCH_ROUNDS interleaved rounds of
# (bare scan, scan with fsrs_review), alternating which goes first: noise hits both sides alike, and
# the row reports the median over rounds of the per-round difference.  The client round trip is
# wall-clock time, since waiting is what it measures.
# Environment: SHINJP_BENCH_CARDS (default 1000000), SHINJP_BENCH_REPS (default 5),
# SHINJP_BENCH_ROUNDS (default 9), SHINJP_BENCH_PORT (default: a free port), PGVERSION (15).
# Exit status 1 if a goal is missed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
N=${SHINJP_BENCH_CARDS:-1000000}
REPS=${SHINJP_BENCH_REPS:-5}
ROUNDS=${SHINJP_BENCH_ROUNDS:-9}
export PGVERSION=${PGVERSION:-15}
export PG_CONFIG=/usr/lib/postgresql/$PGVERSION/bin/pg_config
bindir=/usr/lib/postgresql/$PGVERSION/bin
dest=$root/build/bench_install
dir=$root/build/bench_srs

bash test/deps.sh
echo "== build and install (PostgreSQL $PGVERSION)"
make -s -j2 PG_CONFIG="$PG_CONFIG" all >/dev/null
rm -rf "$dest"
make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >/dev/null
chmod -R a+rX "$dest"
chmod a+rx "$root/build"

echo "== throwaway cluster"
port=$(SHINJP_DEMO_PORT=${SHINJP_BENCH_PORT:-} bash demo/cluster.sh start "$dir" "$dest")
trap 'bash demo/cluster.sh stop "$dir" >/dev/null 2>&1 || true' EXIT
export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql -X -q -c "ALTER SYSTEM SET shared_buffers = '1GB'" -c "ALTER SYSTEM SET max_parallel_workers_per_gather = 0" \
	-c "ALTER SYSTEM SET jit = off" -c "ALTER SYSTEM SET synchronous_commit = off" -c "ALTER SYSTEM SET max_wal_size = '4GB'"
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w restart >/dev/null
psql -X -q -c "CREATE EXTENSION shinjp"

q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
ticks=$(getconf CLK_TCK)

# psql lines that append the backend's CPU nanoseconds so far (schedstat field 1) to file $1
cpu_mark() { echo "\\! awk '{print \$1}' /proc/\$(cat $dir/pid)/schedstat >> $1"; }
# psql lines that record the backend's pid and load the library with one call (outside any timing)
session_start() {
	echo "\\o $dir/pid"
	echo "SELECT pg_backend_pid();"
	echo "\\o"
	echo "SELECT shinjp.fsrs_review(shinjp.fsrs_new_card('2024-01-01'), 3, '2024-01-01', shinjp.fsrs_params()) IS NOT NULL;"
}

# Backend CPU ms of SQL $2 (run $3 times after untimed setup SQL $1 in one session); best of REPS sessions.
cpu_sql() {
	local setup=$1 sql=$2 k=${3:-1} best="" ms
	for _ in $(seq "$REPS"); do
		rm -f "$dir/t"
		{
			session_start
			echo "$setup"
			cpu_mark "$dir/t"
			for _ in $(seq "$k"); do echo "$sql"; done
			cpu_mark "$dir/t"
		} | q -f - >/dev/null
		ms=$(awk -v k="$k" 'NR == 1 {a = $1} NR == 2 {printf "%.1f", ($1 - a) / 1e6 / k}' "$dir/t")
		if [ -z "$best" ] || awk -v a="$ms" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$ms; fi
	done
	echo "$best"
}

# Interleaved rounds in one session: SQL $1 (base) and SQL $2, ROUNDS times each, alternating which
# runs first.  Prints "median base ms, median ms of $2, median of the per-round differences ms".
cpu_pair() {
	local base=$1 sql=$2
	rm -f "$dir/t"
	{
		session_start
		echo "$base"
		echo "$sql" # warm both plans and caches
		for i in $(seq "$ROUNDS"); do
			if [ $((i % 2)) -eq 1 ]; then first=$base second=$sql; else first=$sql second=$base; fi
			cpu_mark "$dir/t"
			echo "$first"
			cpu_mark "$dir/t"
			echo "$second"
			cpu_mark "$dir/t"
		done
	} | q -f - >/dev/null
	awk '
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{ v[NR] = $1 }
	END {
		n = NR / 3
		for (r = 1; r <= n; r++) {
			x = (v[3 * r - 1] - v[3 * r - 2]) / 1e6
			y = (v[3 * r] - v[3 * r - 1]) / 1e6
			if (r % 2) { b[r] = x; s[r] = y } else { b[r] = y; s[r] = x }
			d[r] = s[r] - b[r]
		}
		printf "%.1f %.1f %.2f\n", median(b, n), median(s, n), median(d, n)
	}' "$dir/t"
}

# Wall-clock ms of the slowest statement of SQL $1 (e.g. the UPDATE inside BEGIN … ROLLBACK), best of REPS.
wall_sql() {
	local best="" ms
	for _ in $(seq "$REPS"); do
		ms=$(printf '\\timing on\n%s\n' "$1" | q -f - | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | tail -1)
		if [ -z "$best" ] || awk -v a="$ms" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$ms; fi
	done
	echo "$best"
}

echo "== loading $N review cards"
q <<SQL
-- one row per card with today's answer (1 again .. 4 easy) next to it
CREATE TABLE cards_src (id int PRIMARY KEY, rating int NOT NULL, card shinjp.card NOT NULL);
INSERT INTO cards_src
SELECT i, 1 + i % 4, ROW(lr + s * interval '1 day', s, d, 3, ceil(s)::int, 0, 3 + i % 7, i % 3, 'review', lr)::shinjp.card
FROM (SELECT i, 0.5 + (i::bigint * 7919 % 4000) / 40.0 AS s, 1 + (i::bigint * 104729 % 900) / 100.0 AS d,
             timestamptz '2024-01-01 00:00+00' + (i % 90) * interval '1 day' + (i % 1440) * interval '1 min' AS lr
      FROM generate_series(1, $N) i) g;
CREATE TABLE cards (LIKE cards_src INCLUDING ALL);
INSERT INTO cards SELECT * FROM cards_src;
VACUUM ANALYZE cards_src;
VACUUM ANALYZE cards;
CREATE TABLE sample AS SELECT * FROM cards WHERE id <= 100000;
VACUUM ANALYZE sample;
SQL

# The same FSRS step in PL/pgSQL: a review card answered 1–4 with the default parameters
# (FSRS-6 weights, retention 0.9, relearning step 10 min, short-term on, no fuzz), rounding as ts-fsrs.
q <<'SQL'
CREATE FUNCTION round8(x float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT (CASE WHEN x * 1e8 - floor(x * 1e8) >= 0.5 THEN floor(x * 1e8) + 1 ELSE floor(x * 1e8) END) / 1e8 $$;
CREATE FUNCTION fsrs_review_plpgsql(c shinjp.card, rating int, now timestamptz) RETURNS shinjp.card
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
	w float8[] := '{0.212,1.2931,2.3065,8.2956,6.4133,0.8334,3.0194,0.001,1.8722,0.1666,0.796,1.4835,0.0614,0.2629,1.6483,0.6014,1.8729,0.5425,0.0912,0.0658,0.1542}';
	decay float8 := -w[21];
	factor float8 := round8(exp(power(decay, -1) * ln(0.9)) - 1);
	modifier float8 := round8((power(0.9, 1 / decay) - 1) / factor);
	s float8 := c.stability;
	d float8 := c.difficulty;
	t int := (now AT TIME ZONE 'UTC')::date - (c.last_review AT TIME ZONE 'UTC')::date;
	r float8;
	core float8;
	st float8[] := '{0,0,0,0}';
	ivl int[] := '{0,0,0,0}';
	nd float8;
	g int;
	res shinjp.card := c;
BEGIN
	IF c.state <> 'review' OR t < 0 THEN
		RAISE EXCEPTION 'baseline handles review cards only';
	END IF;
	r := round8(power(1 + (factor * t) / s, decay));
	IF rating = 1 THEN
		IF t = 0 THEN
			res.stability := round8(least(greatest(s * power(s, -w[20]) * exp(w[18] * (1 - 3 + w[19])), 0.001), 36500));
		ELSE
			res.stability := least(greatest(round8(s / exp(w[18] * w[19])), 0.001),
				round8(least(greatest(w[12] * power(d, -w[13]) * (power(s + 1, w[14]) - 1) * exp((1 - r) * w[15]), 0.001), 36500)));
		END IF;
		res.state := 'relearning';
		res.scheduled_days := 0;
		res.learning_steps := 0;
		res.due := now + interval '10 min';
		res.lapses := c.lapses + 1;
	ELSE
		core := exp(w[9]) * (11 - d) * power(s, -w[10]) * (exp((1 - r) * w[11]) - 1);
		FOR g IN 2..4 LOOP
			IF t = 0 THEN
				st[g] := round8(least(greatest(s * greatest(power(s, -w[20]) * exp(w[18] * (g - 3 + w[19])), 1), 0.001), 36500));
			ELSE
				st[g] := round8(least(greatest(s * (1 + core * CASE WHEN g = 2 THEN w[16] ELSE 1 END
				                                             * CASE WHEN g = 4 THEN w[17] ELSE 1 END), 0.001), 36500));
			END IF;
			ivl[g] := least(greatest(1, CASE WHEN st[g] * modifier - floor(st[g] * modifier) >= 0.5
			                                 THEN floor(st[g] * modifier) + 1 ELSE floor(st[g] * modifier) END), 36500);
		END LOOP;
		ivl[2] := least(ivl[2], ivl[3]);
		ivl[3] := greatest(ivl[3], ivl[2] + 1);
		ivl[4] := greatest(ivl[4], ivl[3] + 1);
		res.stability := st[rating];
		res.scheduled_days := ivl[rating];
		res.due := now + ivl[rating] * interval '1 day';
		res.state := 'review';
		res.learning_steps := 0;
	END IF;
	nd := d + round8((-w[7] * (rating - 3) * (10 - d)) / 9);
	res.difficulty := least(greatest(round8(w[8] * round8(w[5] - exp(3 * w[6]) + 1) + (1 - w[8]) * nd), 1), 10);
	res.elapsed_days := t;
	res.reps := c.reps + 1;
	res.last_review := now;
	RETURN res;
END $$;
SQL
same=$(q -c "SELECT count(*) FILTER (WHERE fsrs_review_plpgsql(card, rating, '2024-06-01') IS DISTINCT FROM
                                            shinjp.fsrs_review(card, rating, '2024-06-01', shinjp.fsrs_params()))
             FROM sample WHERE id <= 20000")
if [ "$same" != 0 ]; then
	echo "PL/pgSQL baseline disagrees with shinjp on $same of 20000 cards" >&2
	exit 1
fi
echo "   PL/pgSQL baseline gives the same cards as shinjp.fsrs_review (20000 checked)"

review="shinjp.fsrs_review(card, rating, '2024-06-01', shinjp.fsrs_params())"
const="ROW('2024-07-01', 30.5, 5.25, 31, 30, 0, 5, 1, 'review', '2024-06-01')::shinjp.card"
fresh="SET client_min_messages = warning; DROP TABLE IF EXISTS u; CREATE TABLE u (LIKE cards_src INCLUDING ALL); INSERT INTO u SELECT * FROM cards_src; VACUUM ANALYZE u; CHECKPOINT;"

echo "== measuring (backend CPU time: best of $REPS; row 2 median of $ROUNDS interleaved rounds)"
upd_const=$(cpu_sql "$fresh" "UPDATE u SET card = $const;")
upd_review=$(cpu_sql "$fresh" "UPDATE u SET card = $review;")
read -r scan sel diff < <(cpu_pair "SELECT sum((card).stability) FROM cards;" "SELECT sum(($review).stability) FROM cards;")
plpgsql=$(cpu_sql "" "SELECT sum((fsrs_review_plpgsql(card, rating, '2024-06-01')).stability) FROM sample;" 1)
sample_c=$(cpu_sql "" "SELECT sum(($review).stability) FROM sample;" 10)

# client round trips: per card, SELECT the card, compute the step in the client, UPDATE it (pgbench over TCP)
cat >"$dir/client.pgbench" <<'PGB'
\set id random(1, 10000)
SELECT (card).stability AS s, (card).difficulty AS d, (card).reps AS reps, (card).lapses AS lapses, ('2024-06-01'::date - ((card).last_review AT TIME ZONE 'UTC')::date) AS t FROM cards WHERE id = :id \gset
\set r pow(1.0 + 0.9 ^ (1.0 / -0.1542) * 0 + 0.2345 * :t / :s, -0.1542)
\set core exp(1.8722) * (11.0 - :d) * pow(:s, -0.1666) * (exp((1.0 - :r) * 0.796) - 1.0)
\set ns :s * (1.0 + :core)
\set ivl greatest(1, int(:ns + 0.5))
\set nd greatest(1.0, least(10.0, 0.001 * 1.0 + 0.999 * :d))
UPDATE cards SET card = ROW(timestamptz '2024-06-01' + :ivl * interval '1 day', :ns, :nd, :t, :ivl, 0, :reps + 1, :lapses, 'review', timestamptz '2024-06-01')::shinjp.card WHERE id = :id;
PGB
sed -i 's/0.9 ^ (1.0 \/ -0.1542) \* 0 + //' "$dir/client.pgbench"
client_tps=$("$bindir/pgbench" -n -h localhost -p "$port" -U postgres -t 10000 -c 1 -f "$dir/client.pgbench" postgres 2>/dev/null |
	sed -n 's/^tps = \([0-9.]*\).*/\1/p')
batch=$(wall_sql "BEGIN; UPDATE cards SET card = $review WHERE id <= 10000; ROLLBACK;")

mkdir -p "$root/build/bench"
REPS=$REPS ROUNDS=$ROUNDS awk -v n="$N" -v uc="$upd_const" -v ur="$upd_review" -v scan="$scan" -v sel="$sel" -v diff="$diff" -v pl="$plpgsql" -v sc="$sample_c" \
	-v tps="$client_tps" -v batch="$batch" -v ncards="$N" '
function row(what, base, mine, ratio, goal, ok) {
	printf "| %-48s | %-30s | %-30s | %-14s | %-11s | %-4s |\n", what, base, mine, ratio, goal, ok
	if (ok == "FAIL") failed = 1
}
BEGIN {
	printf "\nshinjp FSRS benchmark: %d review cards, PostgreSQL %s, one run; backend CPU time, best of %s (row 2: median of %s interleaved rounds)\n\n", ncards, ENVIRON["PGVERSION"], ENVIRON["REPS"], ENVIRON["ROUNDS"]
	printf "| %-48s | %-30s | %-30s | %-14s | %-11s | %-4s |\n", "measurement", "baseline", "shinjp", "ratio", "goal", ""
	printf "|%s|%s|%s|%s|%s|%s|\n", "--------------------------------------------------", "--------------------------------", "--------------------------------", "----------------", "-------------", "------"
	r1 = ur / uc
	row(sprintf("UPDATE %d cards SET card = fsrs_review(...)", n), sprintf("constant card: %.0f ms", uc), sprintf("fsrs_review: %.0f ms", ur),
	    sprintf("%.2fx", r1), "<= 1.20x", r1 <= 1.2 ? "ok" : "FAIL")
	ns = diff * 1e6 / n
	row(sprintf("next state of %d cards (sum of stability)", n), sprintf("bare scan: %.0f ms", scan), sprintf("with fsrs_review: %.0f ms", sel),
	    sprintf("+%.0f ns/card", ns), "<= 150 ns", ns <= 150 ? "ok" : "FAIL")
	r3 = pl / sc
	row("same FSRS step in PL/pgSQL (100000 cards)", sprintf("PL/pgSQL: %.0f ms", pl), sprintf("fsrs_review: %.0f ms", sc),
	    sprintf("%.0fx faster", r3), ">= 20x", r3 >= 20 ? "ok" : "FAIL")
	per = 1e6 / tps
	row("client round trips, 10000 cards", sprintf("%.0f us/card = %.2f s", per, per * 10000 / 1e6), sprintf("one UPDATE: %.0f ms", batch),
	    sprintf("%.0fx faster", per * 10000 / 1e3 / batch), "(reported)", "")
	printf "\nRow 4 is wall-clock time: per card, SELECT the card, compute the FSRS step in the client (pgbench),\nUPDATE it, over TCP to localhost; against one UPDATE statement of the same 10000 cards.\n"
	exit failed
}' | tee "$root/build/bench/srs.md"
exit "${PIPESTATUS[0]}"
