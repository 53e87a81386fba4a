#!/usr/bin/env bash
# Benchmark of incremental views (issue 7): one command, one cluster, all configurations side by side.
#
#   bash test/bench/ivm.sh            # 2,000,000 reviews, 2,000 users (the issue's size)
#   SCALE=0.05 T=3 ROUNDS=1 bash test/bench/ivm.sh   # small development run
#
# Configurations, each in its own database cloned from one template (same data, same indexes):
#   none     no view (the baseline)
#   shinjp   shinjp.ivm_create views (per-user-per-day dashboard, cards->decks join view)
#   plrow    hand-written PL/pgSQL row-level trigger keeping the same per-user-per-day table
#   plstmt   hand-written PL/pgSQL statement-level triggers with transition tables
#   pg_ivm   pg_ivm's create_immv with the same query, if pg_ivm is installed (built by hand in
#            $PG_IVM_DIR, default /tmp/pg_ivm_src; this script only installs it), else "not installed"
# Workloads (pgbench custom scripts): single-row INSERT / UPDATE / DELETE on reviews at 1 and 8
# clients, with synchronous_commit on and off (each UPDATE / DELETE hits one existing row, the first
# at or after a random id: with plain random ids the configurations that delete faster, the
# baseline first, would turn more and more of their later statements into no-ops); 10,000-row
# batch INSERTs (BATCHES per round, each from a new session: into new groups, a year without
# reviews, and into existing groups, days of 2024); full refresh against REFRESH MATERIALIZED VIEW.  Each round runs every workload on every configuration in turn
# (interleaved), and the table reports medians over ROUNDS.  A second table gives the WAL each
# configuration writes per single-row transaction (records, full-page images, bytes): with
# synchronous_commit = on a transaction waits for its WAL to reach disk, so that is where a view's
# extra page writes show.  Output: both tables on stdout, also written to build/bench/ivm.md.
# Environment: SCALE (fraction of 2,000,000 rows), T (seconds per pgbench run, default 5), ROUNDS
# (default 3, so the median is a middle value), BATCHES (batches of each kind per round, default
# 3), SHINJP_BENCH_PORT (default 26900), PG_IVM_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
SCALE=${SCALE:-1}
T=${T:-5}
ROUNDS=${ROUNDS:-3}
BATCHES=${BATCHES:-3}
PGVERSION=${PGVERSION:-15}
export PG_CONFIG=/usr/lib/postgresql/$PGVERSION/bin/pg_config
rows=$(awk -v s="$SCALE" 'BEGIN { printf "%d", 2000000 * s }')
users=2000
dest=$root/build/bench_install
dir=$root/build/bench_cluster
out=$root/build/bench
mkdir -p "$out"

echo "== build and install shinjp" >&2
make -s -j2 PG_CONFIG="$PG_CONFIG" all >/dev/null
rm -rf "$dest"
make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >/dev/null
PG_IVM_DIR=${PG_IVM_DIR:-/tmp/pg_ivm_src}
have_pgivm=0
if [ -f "$PG_IVM_DIR/pg_ivm.so" ]; then
	make -s -C "$PG_IVM_DIR" PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >/dev/null 2>&1 && have_pgivm=1
fi
chmod -R a+rX "$root/build"

export SHINJP_DEMO_PORT=${SHINJP_BENCH_PORT:-26900}
[ $have_pgivm -eq 1 ] && export SHINJP_PRELOAD="$(find "$dest" -name pg_ivm.so | head -1)"
port=$(bash demo/cluster.sh start "$dir" "$dest")
trap '[ -n "${IVM_BENCH_KEEP:-}" ] || bash demo/cluster.sh stop "$dir"' EXIT
export PGHOST=$dir PGPORT=$port PGUSER=postgres
psql -X -q -d postgres -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET shared_buffers = '512MB'" \
	-c "ALTER SYSTEM SET max_wal_size = '4GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" >/dev/null
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg /usr/lib/postgresql/$PGVERSION/bin/pg_ctl -D "$dir/data" -l "$dir/server.log" -w restart >/dev/null

echo "== data: $rows reviews, $users users" >&2
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE tmpl TEMPLATE template0 ENCODING 'UTF8'"
psql -X -q -v ON_ERROR_STOP=1 -d tmpl <<SQL
CREATE TABLE decks (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE cards (id int PRIMARY KEY, deck_id int NOT NULL REFERENCES decks, front text NOT NULL);
CREATE TABLE reviews (id bigserial PRIMARY KEY, user_id int NOT NULL, card_id int NOT NULL,
	reviewed_at timestamp NOT NULL, rating int NOT NULL, answer_ms int NOT NULL);
INSERT INTO decks SELECT g, 'deck ' || g FROM generate_series(1, 2000) g;
INSERT INTO cards SELECT g, 1 + g % 2000, 'card ' || g FROM generate_series(1, 200000) g;
INSERT INTO reviews (user_id, card_id, reviewed_at, rating, answer_ms)
SELECT g % $users, 1 + (g * 7) % 200000,
       timestamp '2024-01-01' + ((g::bigint * 7919) % (365 * 86400)) * interval '1 second',
       1 + (g * 13) % 4, 500 + (g * 31) % 20000
FROM generate_series(1, $rows) g;
CREATE INDEX ON reviews (user_id, reviewed_at);
CREATE INDEX ON cards (deck_id);
VACUUM ANALYZE;
SQL

daily_query="SELECT user_id, reviewed_at::date AS day, count(*) AS reviews,
  count(*) FILTER (WHERE rating = 1) AS again, count(*) FILTER (WHERE rating = 2) AS hard,
  count(*) FILTER (WHERE rating = 3) AS good, count(*) FILTER (WHERE rating = 4) AS easy,
  sum(answer_ms) AS total_ms, avg(rating) AS avg_rating, max(reviewed_at) AS last_review
  FROM public.reviews GROUP BY user_id, reviewed_at::date"
# pg_ivm has no FILTER: the same counts as sums of CASE.
daily_query_case=$(echo "$daily_query" | sed -E 's/count\(\*\) FILTER \(WHERE rating = ([0-9])\)/sum(CASE WHEN rating = \1 THEN 1 ELSE 0 END)/g')
deck_query="SELECT d.id AS deck_id, count(*) AS cards FROM public.cards c JOIN public.decks d ON d.id = c.deck_id GROUP BY d.id"

configs=(none shinjp plrow plstmt)
[ $have_pgivm -eq 1 ] && configs+=(pg_ivm)
setup_start=$(date +%s)
for c in "${configs[@]}"; do
	psql -X -q -d postgres -c "CREATE DATABASE $c TEMPLATE tmpl"
done
psql -X -q -v ON_ERROR_STOP=1 -d none -c "CREATE MATERIALIZED VIEW mv_daily AS $daily_query" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d shinjp -c "CREATE EXTENSION shinjp" \
	-c "SELECT shinjp.ivm_create('daily', \$q\$$daily_query\$q\$)" \
	-c "SELECT shinjp.ivm_create('deck_cards', \$q\$$deck_query\$q\$)" >/dev/null
if [ $have_pgivm -eq 1 ]; then
	psql -X -q -v ON_ERROR_STOP=1 -d pg_ivm -c "CREATE EXTENSION pg_ivm" \
		-c "SELECT pgivm.create_immv('daily', \$q\$$daily_query_case\$q\$)" \
		-c "SELECT pgivm.create_immv('deck_cards', \$q\$$deck_query\$q\$)" >/dev/null
fi
# Hand-written PL/pgSQL baselines keeping the same per-user-per-day table (avg kept as sum + count).
pl_table="CREATE TABLE pl_daily (user_id int, day date, reviews bigint, again bigint, hard bigint, good bigint,
	easy bigint, total_ms bigint, rating_sum bigint, last_review timestamp, PRIMARY KEY (user_id, day));
	INSERT INTO pl_daily SELECT user_id, reviewed_at::date, count(*), count(*) FILTER (WHERE rating = 1),
	count(*) FILTER (WHERE rating = 2), count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4),
	sum(answer_ms), sum(rating), max(reviewed_at) FROM reviews GROUP BY 1, 2;"
psql -X -q -v ON_ERROR_STOP=1 -d plrow <<SQL
$pl_table
CREATE FUNCTION pl_row() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		UPDATE pl_daily p SET reviews = reviews - 1, again = again - (OLD.rating = 1)::int,
			hard = hard - (OLD.rating = 2)::int, good = good - (OLD.rating = 3)::int, easy = easy - (OLD.rating = 4)::int,
			total_ms = total_ms - OLD.answer_ms, rating_sum = rating_sum - OLD.rating,
			last_review = CASE WHEN OLD.reviewed_at >= p.last_review THEN
				(SELECT max(r.reviewed_at) FROM reviews r WHERE r.user_id = OLD.user_id
				 AND r.reviewed_at >= OLD.reviewed_at::date AND r.reviewed_at < OLD.reviewed_at::date + 1)
				ELSE p.last_review END
		WHERE p.user_id = OLD.user_id AND p.day = OLD.reviewed_at::date;
		DELETE FROM pl_daily WHERE user_id = OLD.user_id AND day = OLD.reviewed_at::date AND reviews = 0;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO pl_daily VALUES (NEW.user_id, NEW.reviewed_at::date, 1, (NEW.rating = 1)::int, (NEW.rating = 2)::int,
			(NEW.rating = 3)::int, (NEW.rating = 4)::int, NEW.answer_ms, NEW.rating, NEW.reviewed_at)
		ON CONFLICT (user_id, day) DO UPDATE SET reviews = pl_daily.reviews + 1, again = pl_daily.again + excluded.again,
			hard = pl_daily.hard + excluded.hard, good = pl_daily.good + excluded.good, easy = pl_daily.easy + excluded.easy,
			total_ms = pl_daily.total_ms + excluded.total_ms, rating_sum = pl_daily.rating_sum + excluded.rating_sum,
			last_review = greatest(pl_daily.last_review, excluded.last_review);
	END IF;
	RETURN NULL;
END \$\$;
CREATE TRIGGER pl_row AFTER INSERT OR UPDATE OR DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION pl_row();
SQL
psql -X -q -v ON_ERROR_STOP=1 -d plstmt <<SQL
$pl_table
CREATE FUNCTION pl_stmt() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		WITH d AS (SELECT user_id, reviewed_at::date AS day, count(*) AS n, count(*) FILTER (WHERE rating = 1) AS a1,
				count(*) FILTER (WHERE rating = 2) AS a2, count(*) FILTER (WHERE rating = 3) AS a3,
				count(*) FILTER (WHERE rating = 4) AS a4, sum(answer_ms) AS ms, sum(rating) AS rs, max(reviewed_at) AS mx
			FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2)
		UPDATE pl_daily p SET reviews = p.reviews - d.n, again = p.again - d.a1, hard = p.hard - d.a2, good = p.good - d.a3,
			easy = p.easy - d.a4, total_ms = p.total_ms - d.ms, rating_sum = p.rating_sum - d.rs,
			last_review = CASE WHEN d.mx >= p.last_review THEN (SELECT max(r.reviewed_at) FROM reviews r
				WHERE r.user_id = p.user_id AND r.reviewed_at >= p.day AND r.reviewed_at < p.day + 1) ELSE p.last_review END
		FROM d WHERE p.user_id = d.user_id AND p.day = d.day;
		DELETE FROM pl_daily p USING old_rows o WHERE p.user_id = o.user_id AND p.day = o.reviewed_at::date AND p.reviews = 0;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO pl_daily SELECT user_id, reviewed_at::date, count(*), count(*) FILTER (WHERE rating = 1),
			count(*) FILTER (WHERE rating = 2), count(*) FILTER (WHERE rating = 3), count(*) FILTER (WHERE rating = 4),
			sum(answer_ms), sum(rating), max(reviewed_at) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
		ON CONFLICT (user_id, day) DO UPDATE SET reviews = pl_daily.reviews + excluded.reviews, again = pl_daily.again + excluded.again,
			hard = pl_daily.hard + excluded.hard, good = pl_daily.good + excluded.good, easy = pl_daily.easy + excluded.easy,
			total_ms = pl_daily.total_ms + excluded.total_ms, rating_sum = pl_daily.rating_sum + excluded.rating_sum,
			last_review = greatest(pl_daily.last_review, excluded.last_review);
	END IF;
	RETURN NULL;
END \$\$;
CREATE TRIGGER pl_ins AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pl_stmt();
CREATE TRIGGER pl_upd AFTER UPDATE ON reviews REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION pl_stmt();
CREATE TRIGGER pl_del AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION pl_stmt();
SQL
for c in "${configs[@]}"; do psql -X -q -d "$c" -c "VACUUM ANALYZE" ; done
psql -X -q -d postgres -c "CHECKPOINT"
echo "== setup took $(( $(date +%s) - setup_start )) s; measuring ($ROUNDS rounds x ${T}s per run)" >&2

work=$(mktemp -d)
cat >"$work/insert.sql" <<'SQL'
\set u random(0, 1999)
\set s random(0, 31535999)
\set r random(1, 4)
\set ms random(500, 20000)
\set c random(1, 200000)
INSERT INTO reviews (user_id, card_id, reviewed_at, rating, answer_ms) VALUES (:u, :c, timestamp '2024-01-01' + :s * interval '1 second', :r, :ms);
SQL
cat >"$work/update.sql" <<SQL
\set id random(1, $rows)
\set r random(1, 4)
\set ms random(500, 20000)
UPDATE reviews SET rating = :r, answer_ms = :ms WHERE id = (SELECT id FROM reviews WHERE id >= :id ORDER BY id LIMIT 1);
SQL
cat >"$work/delete.sql" <<SQL
\set id random(1, $rows)
DELETE FROM reviews WHERE id = (SELECT id FROM reviews WHERE id >= :id ORDER BY id LIMIT 1);
SQL

declare -A res wal
wal_now() { psql -X -A -t -F ' ' -d postgres -c "SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal"; }
checkpoints_now() {
	psql -X -A -t -d postgres -c "SELECT num_timed + num_requested FROM pg_stat_checkpointer" 2>/dev/null ||
		psql -X -A -t -d postgres -c "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
}
# Prints "TPS records/tx full-page-images/tx bytes/tx": WAL from pg_stat_wal around the run (the
# runs are sequential, so the cluster-wide counters are this run's, give or take autovacuum).
tps() { # config script clients sync
	local w0 w1 out
	w0=$(wal_now)
	out=$(PGOPTIONS="-c synchronous_commit=$4" pgbench -n -M prepared -c "$3" -j "$3" -T "$T" -f "$work/$2.sql" "$1" 2>/dev/null || true)
	w1=$(wal_now)
	echo "$out" | awk -v w0="$w0" -v w1="$w1" '
		/^number of transactions actually processed:/ { n = $6 }
		/^tps = / { t = $3 }
		END { if (t == "" || n <= 0) exit; split(w0, a, " "); split(w1, b, " ")
		      printf "%s %.2f %.3f %.0f\n", t, (b[1] - a[1]) / n, (b[2] - a[2]) / n, (b[3] - a[3]) / n }'
}
batch_ms() { # config first-timestamp (10,000 rows over 2,000 users and 4.3 days from there)
	psql -X -q -d "$1" -c "\\timing on" -c "INSERT INTO reviews (user_id, card_id, reviewed_at, rating, answer_ms)
		SELECT g % $users, 1 + g % 200000, timestamp '$2' + g * interval '37 seconds', 1 + g % 4, 500 + g % 9000
		FROM generate_series(1, 10000) g" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}
workloads=(insert update delete)
checkpoints0=$(checkpoints_now)
for round in $(seq 1 "$ROUNDS"); do
	for sync in on off; do
		for w in "${workloads[@]}"; do
			for cl in 1 8; do
				for c in "${configs[@]}"; do
					v=$(tps "$c" "$w" "$cl" "$sync" || true)
					[ -n "$v" ] || echo "   pgbench failed: $c $w $cl clients sync=$sync" >&2
					read -r tp rec fpi byt <<<"${v:-0 0 0 0}"
					res["$w.$cl.$sync.$c"]+="$tp "
					wal["$w.$cl.$sync.$c.rec"]+="$rec "; wal["$w.$cl.$sync.$c.fpi"]+="$fpi "; wal["$w.$cl.$sync.$c.bytes"]+="$byt "
				done
			done
		done
	done
	for k in $(seq 1 "$BATCHES"); do
		n=$(( (round - 1) * BATCHES + k ))
		for c in "${configs[@]}"; do
			res["batch.new.$c"]+="$(batch_ms "$c" "$(( 2024 + n ))-01-01") "
			res["batch.old.$c"]+="$(batch_ms "$c" "2024-$(printf %02d $(( 1 + n % 12 )))-03") "
		done
	done
	res["refresh.mv"]+="$(psql -X -q -d none -c '\timing on' -c 'REFRESH MATERIALIZED VIEW mv_daily' | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p') "
	res["refresh.shinjp"]+="$(psql -X -q -d shinjp -c '\timing on' -c "SELECT shinjp.ivm_refresh('daily')" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p') "
	echo "   round $round done" >&2
done

checkpoints=$(( $(checkpoints_now) - checkpoints0 ))
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "0"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
exact=$(psql -X -A -t -d shinjp -c "SELECT count(*) FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view)")

{
echo "Incremental views: $rows reviews, $users users; medians of $ROUNDS interleaved rounds, ${T}s pgbench runs, $(( ROUNDS * BATCHES )) batches of each kind; views exact after the run: $([ "$exact" = 0 ] && echo yes || echo "NO ($exact differences)")"
echo
echo "| metric | baseline | shinjp | ratio | goal | met? | PL/pgSQL row | PL/pgSQL stmt | pg_ivm |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for sync in on off; do
	for w in "${workloads[@]}"; do
		for cl in 1 8; do
			base=$(echo "${res[$w.$cl.$sync.none]}" | median)
			s=$(echo "${res[$w.$cl.$sync.shinjp]}" | median)
			pr=$(echo "${res[$w.$cl.$sync.plrow]}" | median)
			ps=$(echo "${res[$w.$cl.$sync.plstmt]}" | median)
			if [ "$sync" = on ]; then
				goal=0.7; [ "$w" = insert ] && [ "$cl" = 1 ] && goal=0.8
			else goal=0.5; fi
			if [ $have_pgivm -eq 1 ]; then pi=$(echo "${res[$w.$cl.$sync.pg_ivm]}" | median); else pi="not installed"; fi
			awk -v m="$w TPS, $cl client(s), synchronous_commit=$sync" -v b="$base" -v s="$s" -v g="$goal" -v pr="$pr" -v ps="$ps" -v pi="$pi" 'BEGIN {
				r = b > 0 ? s / b : 0
				ok = (r >= g && s > pr && s > ps)
				piv = pi
				if (pi != "not installed") { ok = ok && (pi == 0 || s >= 10 * pi); piv = sprintf("%.0f (%.1f× slower)", pi, pi > 0 ? s / pi : 0) }
				printf "| %s | %.0f | %.0f | %.2f× | ≥%.1f×, > PL/pgSQL%s | %s | %.0f | %.0f | %s |\n", m, b, s, r, g, (pi != "not installed" ? ", ≥10× pg_ivm" : ""), ok ? "yes" : "no", pr, ps, piv }'
		done
	done
done
for kind in new old; do
	base=$(echo "${res[batch.$kind.none]}" | median); s=$(echo "${res[batch.$kind.shinjp]}" | median)
	pr=$(echo "${res[batch.$kind.plrow]}" | median); ps=$(echo "${res[batch.$kind.plstmt]}" | median)
	if [ $have_pgivm -eq 1 ]; then pi=$(echo "${res[batch.$kind.pg_ivm]}" | median); else pi="not installed"; fi
	awk -v m="10,000-row batch INSERT into $([ $kind = new ] && echo new || echo existing) groups, ms" -v b="$base" -v s="$s" -v pr="$pr" -v ps="$ps" -v pi="$pi" 'BEGIN {
		r = b > 0 ? s / b : 0; ok = (r <= 2.5 && s < pr && s < ps)
		printf "| %s | %.1f | %.1f | %.2f× | ≤2.5×, < PL/pgSQL | %s | %.1f | %.1f | %s |\n", m, b, s, r, ok ? "yes" : "no", pr, ps, (pi == "not installed" ? pi : sprintf("%.1f", pi)) }'
done
mv=$(echo "${res[refresh.mv]}" | median); s=$(echo "${res[refresh.shinjp]}" | median)
awk -v b="$mv" -v s="$s" 'BEGIN { printf "| full refresh of the daily view, ms (baseline: REFRESH MATERIALIZED VIEW) | %.0f | %.0f | %.2f× | reported | - | - | - | - |\n", b, s, (b > 0 ? s / b : 0) }'
echo
echo "WAL per single-row transaction, synchronous_commit=on (medians; records / full-page images / bytes, from pg_stat_wal; $checkpoints checkpoint(s) during the measurements):"
echo
echo "| workload | baseline | shinjp | PL/pgSQL row | PL/pgSQL stmt | pg_ivm |"
echo "| --- | --- | --- | --- | --- | --- |"
for w in "${workloads[@]}"; do
	for cl in 1 8; do
		row="| $w, $cl client(s) |"
		for c in none shinjp plrow plstmt pg_ivm; do
			if [ -z "${wal[$w.$cl.on.$c.rec]:-}" ]; then row+=" not installed |"; continue; fi
			row+=" $(echo "${wal[$w.$cl.on.$c.rec]}" | median) / $(echo "${wal[$w.$cl.on.$c.fpi]}" | median) / $(echo "${wal[$w.$cl.on.$c.bytes]}" | median) B |"
		done
		echo "$row"
	done
done
} | tee "$out/ivm.md"
rm -rf "$work"
