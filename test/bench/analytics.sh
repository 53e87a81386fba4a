#!/usr/bin/env bash
# Analytics benchmark (issue 6): shinjp's aggregates against the idiomatic SQL that computes the same
# dashboard, measured side by side in one run (interleaved rounds, medians).
#
#   bash test/bench/analytics.sh            # 10,000,000 reviews over 10,000 users (a few minutes)
#   SCALE=0.1 bash test/bench/analytics.sh  # 1,000,000 reviews, same users and skew, for development
#
# Environment: SCALE (default 1), ROUNDS (default 3), SHINJP_BENCH_PORT (default 25100),
# KEEP=1 keeps the cluster running afterwards.
# Builds and installs shinjp into build/bench_install, creates its own cluster under $TMPDIR,
# prints the table and writes it to build/bench/analytics.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
SCALE=${SCALE:-1}
ROUNDS=${ROUNDS:-3}
export PGVERSION=${PGVERSION:-15}
export PG_CONFIG=/usr/lib/postgresql/$PGVERSION/bin/pg_config
dest=$root/build/bench_install
cdir=${TMPDIR:-/tmp}/shinjp-bench-analytics-$(id -u)  # outside build/: make test chmods build/

echo "== build and install (PostgreSQL $PGVERSION)" >&2
make -s -j2 PG_CONFIG="$PG_CONFIG" all >/dev/null
rm -rf "$dest"
make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >/dev/null
chmod -R a+rX "$root/build"

echo "== cluster" >&2
port=$(SHINJP_DEMO_PORT=${SHINJP_BENCH_PORT:-25100} bash demo/cluster.sh start "$cdir" "$dest")
cleanup() { [ -n "${KEEP:-}" ] || bash demo/cluster.sh stop "$cdir"; }
trap cleanup EXIT
export PGHOST=$cdir PGPORT=$port PGUSER=postgres PGDATABASE=bench
createdb -T template0 -E UTF8 bench
# The same settings on both sides of every ratio (stated in the table).
SETTINGS="SET jit = off; SET work_mem = '256MB'; SET max_parallel_workers_per_gather = 2;"
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

echo "== data: $SCALE x 10,000,000 reviews over 10,000 users" >&2
q <<SQL
CREATE EXTENSION shinjp;
SET TimeZone = 'UTC';
-- Reviews per user: 200000 / (1 + (u - 1) / 8)^1.029, so the heaviest user has 200,000 and the
-- median user about 265 (times SCALE).  Answer times are log-normal; 10% of reviews are of new cards.
CREATE UNLOGGED TABLE reviews (user_id int, reviewed_at timestamptz, rating int, answer_ms int, elapsed_days int);
INSERT INTO reviews
SELECT u,
       '2026-06-30 15:00:00+00'::timestamptz
         - (floor(365 * random() ^ (1 + (u % 3))) * 86400 + floor(random() * 86400)) * interval '1 second',
       CASE WHEN r < 0.12 THEN 1 WHEN r < 0.25 THEN 2 WHEN r < 0.9 THEN 3 ELSE 4 END,
       least(600000, round(exp(8.3 + 0.7 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::int,
       CASE WHEN random() < 0.1 THEN NULL ELSE floor(random() ^ 2 * 120)::int END
FROM generate_series(1, 10000) AS u,
     generate_series(1, greatest(1, round($SCALE * 200000 / (1 + (u - 1) / 8.0) ^ 1.029))::int) AS k,
     LATERAL (SELECT random() + 0 * k AS r) AS rr;
CREATE INDEX ON reviews (user_id);
-- Cards with their due times, one per 8 reviews, for the workload forecast.
CREATE UNLOGGED TABLE cards (user_id int, due timestamptz);
INSERT INTO cards
SELECT user_id, '2026-06-30 15:00:00+00'::timestamptz + (floor(random() * 40) - 5) * interval '1 day'
                + floor(random() * 86400) * interval '1 second'
FROM reviews TABLESAMPLE BERNOULLI (12.5) REPEATABLE (1);
CREATE INDEX ON cards (user_id);
VACUUM ANALYZE reviews;
VACUUM ANALYZE cards;
SQL
nrev=$(q -c "SELECT count(*) FROM reviews")
heavy=$(q -c "SELECT count(*) FROM reviews WHERE user_id = 1")
median=$(q -c "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM (SELECT count(*) n FROM reviews GROUP BY user_id) x")
echo "   $nrev reviews; heaviest user $heavy, median user $median" >&2

# The dashboard: as-of 2026-06-30 in Asia/Tokyo; heatmap of the last 28 days; forecast of 14 days.
idiom_dashboard() { # $1: filter on user_id ("" for everyone)
	cat <<SQL
WITH base AS (
  SELECT user_id, count(*) AS reviews,
         count(*) FILTER (WHERE rating = 1) AS again, count(*) FILTER (WHERE rating = 2) AS hard,
         count(*) FILTER (WHERE rating = 3) AS good, count(*) FILTER (WHERE rating = 4) AS easy,
         count(*) FILTER (WHERE elapsed_days >= 1 AND rating >= 2)::float8
           / nullif(count(*) FILTER (WHERE elapsed_days >= 1), 0) AS true_retention,
         avg(answer_ms)::float8 AS answer_mean_ms,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_ms) AS answer_p50_ms,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY answer_ms) AS answer_p90_ms,
         min(reviewed_at) AS first_review, max(reviewed_at) AS last_review
  FROM reviews WHERE true $1 GROUP BY user_id),
days AS (SELECT DISTINCT user_id, (reviewed_at AT TIME ZONE 'Asia/Tokyo')::date AS d FROM reviews WHERE true $1),
islands AS (SELECT user_id, d, d - (row_number() OVER (PARTITION BY user_id ORDER BY d))::int AS grp FROM days),
runs AS (SELECT user_id, min(d) AS s, max(d) AS e, count(*)::int AS len FROM islands GROUP BY user_id, grp),
streak AS (
  SELECT user_id, coalesce(max(CASE WHEN date '2026-06-30' BETWEEN s AND e THEN date '2026-06-30' - s + 1
                                    WHEN date '2026-06-29' BETWEEN s AND e THEN date '2026-06-29' - s + 1 END), 0) AS current_streak,
         max(len) AS longest_streak, sum(len)::int AS active_days
  FROM runs GROUP BY user_id),
heat AS (
  SELECT b.user_id, array_agg(coalesce(c.n, 0)::int ORDER BY g.d) AS heatmap
  FROM base b CROSS JOIN generate_series(date '2026-06-03', date '2026-06-30', interval '1 day') AS g(d)
  LEFT JOIN (SELECT user_id, (reviewed_at AT TIME ZONE 'Asia/Tokyo')::date AS d, count(*) AS n FROM reviews
             WHERE reviewed_at >= '2026-06-02' $1 GROUP BY 1, 2) c ON c.user_id = b.user_id AND c.d = g.d::date
  GROUP BY b.user_id),
fc AS (
  SELECT b.user_id, array_agg(coalesce(c.n, 0)::int ORDER BY g.k) AS forecast
  FROM base b CROSS JOIN generate_series(0, 13) AS g(k)
  LEFT JOIN (SELECT user_id, greatest(0, (due AT TIME ZONE 'Asia/Tokyo')::date - date '2026-07-01') AS k, count(*) AS n
             FROM cards WHERE true $1 GROUP BY 1, 2) c ON c.user_id = b.user_id AND c.k = g.k
  GROUP BY b.user_id)
SELECT * FROM base JOIN streak USING (user_id) JOIN heat USING (user_id) JOIN fc USING (user_id)
SQL
}

shinjp_dashboard() {
	cat <<SQL
WITH r AS (
  SELECT user_id, shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s,
         shinjp.streak_agg(reviewed_at, date '2026-06-30', 'Asia/Tokyo') AS st,
         shinjp.heatmap_agg(reviewed_at, date '2026-06-03', date '2026-06-30', 'Asia/Tokyo') AS heatmap
  FROM reviews WHERE true $1 GROUP BY user_id),
fc AS (
  SELECT user_id, shinjp.forecast_agg(due, '2026-06-30 15:00:00+00', 14, 'Asia/Tokyo') AS forecast
  FROM cards WHERE true $1 GROUP BY user_id)
SELECT r.user_id, x.reviews, x.again, x.hard, x.good, x.easy, x.true_retention, x.answer_mean_ms,
       x.answer_p50_ms, x.answer_p90_ms, x.first_review, x.last_review,
       (r.st).current_streak, (r.st).longest_streak, (r.st).active_days,
       coalesce(r.heatmap, array_fill(0, ARRAY[28])) AS heatmap, coalesce(fc.forecast, array_fill(0, ARRAY[14])) AS forecast
FROM r CROSS JOIN LATERAL shinjp.review_stats(r.s) AS x LEFT JOIN fc USING (user_id)
SQL
}

# Results must agree: counts, retention, streaks, heatmaps and forecasts exactly; mean within 1e-9
# relative; percentiles within 1%.
check_agree() { # $1: filter
	q <<SQL
$SETTINGS
CREATE TEMP TABLE i AS $(idiom_dashboard "$1");
CREATE TEMP TABLE o AS $(shinjp_dashboard "$1");
SELECT count(*) || ' ' ||
       count(*) FILTER (WHERE i.reviews = o.reviews AND i.again = o.again AND i.hard = o.hard AND i.good = o.good
                          AND i.easy = o.easy AND i.true_retention IS NOT DISTINCT FROM o.true_retention
                          AND abs(i.answer_mean_ms - o.answer_mean_ms) <= 1e-9 * i.answer_mean_ms
                          AND abs(i.answer_p50_ms - o.answer_p50_ms) <= 0.01 * i.answer_p50_ms
                          AND abs(i.answer_p90_ms - o.answer_p90_ms) <= 0.01 * i.answer_p90_ms
                          AND i.first_review = o.first_review AND i.last_review = o.last_review
                          AND i.current_streak = o.current_streak AND i.longest_streak = o.longest_streak
                          AND i.active_days = o.active_days AND i.heatmap = o.heatmap AND i.forecast = o.forecast) || ' ' ||
       round(max(greatest(abs(o.answer_p50_ms / i.answer_p50_ms - 1), abs(o.answer_p90_ms / i.answer_p90_ms - 1)))::numeric * 100, 3)
FROM i JOIN o USING (user_id);
SQL
}

# Time of one query in ms as psql's \timing sees it (no connection start-up; rows discarded).
time_ms() { # $1: SQL
	psql -X -q -v ON_ERROR_STOP=1 -At -c "$SETTINGS" -c '\timing on' -c "$1" |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1 | awk '{ printf "%d\n", $1 + 0.5 }'
}
median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== checking that both dashboards agree" >&2
read -r n_all ok_all err_all < <(check_agree "")
read -r n_one ok_one err_one < <(check_agree "AND user_id = 1")
echo "   all users: $ok_all of $n_all agree (worst percentile error $err_all%); heavy user: $ok_one of $n_one" >&2

# Interleaved rounds: one warm-up of each, then ROUNDS rounds alternating the sides.
measure() { # $1 name, $2 baseline SQL, $3 shinjp SQL  -> "baseline_ms shinjp_ms"
	local b=() s=() r
	time_ms "$2" >/dev/null
	time_ms "$3" >/dev/null
	for ((r = 0; r < ROUNDS; r++)); do
		b+=("$(time_ms "$2")")
		s+=("$(time_ms "$3")")
	done
	echo "$(echo "${b[*]}" | median) $(echo "${s[*]}" | median)"
}

echo "== full dashboard, every user" >&2
read -r dash_b dash_s < <(measure dash "$(idiom_dashboard "")" "$(shinjp_dashboard "")")
echo "== full dashboard, heaviest user (index)" >&2
read -r one_b one_s < <(measure one "$(idiom_dashboard "AND user_id = 1")" "$(shinjp_dashboard "AND user_id = 1")")
echo "== whole-table summary, 0 vs 2 parallel workers" >&2
WHOLE="SELECT shinjp.review_count(s), shinjp.answer_percentile_ms(s, 0.5) FROM (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s FROM reviews) x"
read -r par0 par2 < <(measure par "SET max_parallel_workers_per_gather = 0; $WHOLE" "$WHOLE")
plan=$(psql -X -At -c "$SETTINGS" -c "EXPLAIN (COSTS OFF) $WHOLE" | grep -c "Partial Aggregate" || true)
echo "== whole-table percentile_cont vs summary (both with 2 workers allowed)" >&2
PCONT="SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_ms) FROM reviews"
read -r pc_b pc_s < <(measure pcont "$PCONT" "$WHOLE")
bytes=$(q -c "$SETTINGS SELECT round(avg(pg_column_size(s)))::int || ' ' || max(pg_column_size(s)) FROM (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s FROM reviews GROUP BY user_id) x")
read -r bytes_avg bytes_max <<<"$bytes"
daybytes=$(q -c "$SETTINGS SELECT round(avg(pg_column_size(s)))::int FROM (SELECT shinjp.review_summary_agg(reviewed_at, rating, answer_ms, elapsed_days) AS s FROM reviews WHERE user_id <= 100 GROUP BY user_id, reviewed_at::date) x")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
met() { awk -v r="$1" -v g="$2" 'BEGIN { print (r + 0 >= g + 0) ? "yes" : "NO" }'; }
agree_all=$([ "$ok_all" = "$n_all" ] && echo "all $n_all users agree" || echo "ONLY $ok_all of $n_all agree")
agree_one=$([ "$ok_one" = "$n_one" ] && echo "agrees" || echo "DISAGREES")
r1=$(ratio "$dash_b" "$dash_s"); r2=$(ratio "$one_b" "$one_s"); r3=$(ratio "$par0" "$par2"); r4=$(ratio "$pc_b" "$pc_s")
mkdir -p build/bench
{
	echo "### analytics (issue 6): $nrev reviews, 10,000 users (heaviest $heavy, median $median), PostgreSQL $PGVERSION"
	echo
	echo "Settings on both sides: jit = off, work_mem = 256MB, max_parallel_workers_per_gather = 2 (unless stated), table clustered by user_id; median of $ROUNDS interleaved rounds after a warm-up."
	echo
	echo "| metric | baseline | shinjp | ratio | goal | met? |"
	echo "| --- | --- | --- | --- | --- | --- |"
	echo "| full dashboard, every user (GROUP BY user_id; $agree_all, worst percentile error $err_all%) | idiomatic SQL $dash_b ms | $dash_s ms | ${r1}x | >= 8x | $(met "$r1" 8) |"
	echo "| full dashboard, heaviest user via index ($agree_one) | idiomatic SQL $one_b ms | $one_s ms | ${r2}x | >= 3x | $(met "$r2" 3) |"
	echo "| whole-table review_summary_agg (plan has Partial Aggregate: $([ "$plan" -gt 0 ] && echo yes || echo no)) | 0 workers $par0 ms | 2 workers $par2 ms | ${r3}x | >= 1.6x | $(met "$r3" 1.6) |"
	echo "| whole-table median answer time | percentile_cont $pc_b ms | review_summary_agg $pc_s ms | ${r4}x | (info) | - |"
	echo "| bytes per summary (packed) | - | per user avg $bytes_avg, max $bytes_max; per user-day avg $daybytes | - | reported | yes |"
} | tee build/bench/analytics.md
