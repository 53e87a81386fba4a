#!/usr/bin/env bash
# Randomized exactness test of incremental views: several concurrent clients run mixed transactions
# (inserts, updates moving rows between groups, deletes, NULLs, ROLLBACK, savepoints, TRUNCATE, COPY,
# INSERT ... ON CONFLICT, data-modifying CTEs touching two base tables) and, after every COMMIT,
# check that every view equals its query (shinjp.ivm_verify: EXCEPT ALL in both directions).
#
# Default: 4 clients x 150 transactions.  SHINJP_LONG=1: 8 clients x 1500.  IVM_SEED picks the run.
# Runs inside `make test`'s cluster (PGHOST/PGPORT/PGUSER set) or any cluster with shinjp installed.
set -euo pipefail
clients=${IVM_CLIENTS:-4}
xacts=${IVM_XACTS:-150}
if [ -n "${SHINJP_LONG:-}" ]; then clients=${IVM_CLIENTS:-8}; xacts=${IVM_XACTS:-1500}; fi
seed=${IVM_SEED:-$RANDOM}
db=ivm_random
work=$(mktemp -d)
trap '[ -n "${IVM_KEEP:-}" ] || rm -rf "$work"' EXIT
echo "ivm_random: $clients clients x $xacts transactions, seed $seed"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8'"
psql -X -q -v ON_ERROR_STOP=1 -d $db <<'SQL'
CREATE EXTENSION shinjp;
CREATE TABLE decks (id int PRIMARY KEY, owner int);
CREATE TABLE cards (id int PRIMARY KEY, deck_id int, due int);
CREATE TABLE reviews (id serial PRIMARY KEY, user_id int, day int NOT NULL, rating int, ms int);
INSERT INTO decks SELECT g, g % 4 FROM generate_series(1, 20) g;
INSERT INTO cards SELECT g, 1 + g % 25, g % 9 FROM generate_series(1, 100) g;
INSERT INTO reviews (user_id, day, rating, ms) SELECT g % 10, g % 5, 1 + g % 4, g FROM generate_series(1, 500) g;
-- v_daily's min(ms) and max(rating) are recomputed by index scans (extreme.hpp), the others by SQL
CREATE INDEX ON reviews (user_id, day, ms);
CREATE INDEX ON reviews (user_id, day, rating);
SELECT shinjp.ivm_create('v_daily', 'SELECT user_id, day, count(*) AS n, count(rating) AS nr, sum(ms) AS s, avg(rating) AS a, min(ms) AS mn, max(rating) AS mx FROM reviews GROUP BY user_id, day');
SELECT shinjp.ivm_create('v_deck', 'SELECT d.owner, count(*) AS n, sum(c.due) AS s, max(c.due) AS mx FROM cards c JOIN decks d ON d.id = c.deck_id GROUP BY d.owner');
SELECT shinjp.ivm_create('v_dist', 'SELECT DISTINCT user_id, rating FROM reviews');
SELECT shinjp.ivm_create('v_glob', 'SELECT count(*) AS n, sum(ms) AS s, max(ms) AS mx, min(rating) AS mn FROM reviews');
SELECT shinjp.ivm_create('v_join3', 'SELECT d.owner, r.rating, count(*) AS n, min(r.ms) AS mn FROM reviews r JOIN cards c ON c.id = r.user_id * 10 + r.day JOIN decks d ON d.id = c.deck_id GROUP BY d.owner, r.rating');
SELECT shinjp.ivm_create('v_day', 'SELECT day, rating IS NULL AS unrated, count(*) AS n, sum(ms) AS s, max(ms) AS mx, min(user_id) AS mn, avg(ms) AS a FROM reviews GROUP BY day, rating IS NULL');
SELECT shinjp.ivm_create('v_plain', 'SELECT c.id AS card, d.owner FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.due < 3');
SELECT shinjp.ivm_create('v_byday', 'SELECT day, count(*) AS n, sum(ms) AS s, max(ms) AS mx, avg(rating) AS a FROM reviews GROUP BY day');
SELECT shinjp.ivm_create('v_self', 'SELECT c1.deck_id, count(*) AS n, max(c2.due) AS mx FROM cards c1 JOIN cards c2 ON c1.deck_id = c2.deck_id AND c1.due < c2.due GROUP BY c1.deck_id');
SELECT shinjp.ivm_create('v_cte', 'WITH good AS (SELECT user_id, ms FROM reviews WHERE rating >= 3) SELECT d.owner, count(*) AS n, sum(g.ms) AS s FROM good g JOIN decks d ON d.id = g.user_id + 1 GROUP BY d.owner');
SELECT shinjp.ivm_create('v_exists', 'SELECT d.owner, count(*) AS n, max(d.id) AS mx FROM decks d WHERE EXISTS (SELECT 1 FROM cards c WHERE c.deck_id = d.id AND c.due > 4) AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.user_id = d.id AND r.rating = 4) GROUP BY d.owner');
SQL

# One psql script per client, generated from the seed.
for c in $(seq 1 "$clients"); do
	awk -v seed=$((seed * 100 + c)) -v n="$xacts" '
	function r(k) { return int(rand() * k) }
	function nv(k) { return rand() < 0.1 ? "NULL" : r(k) }
	function op() {
		k = r(14)
		if (k <= 2) { printf "INSERT INTO reviews (user_id, day, rating, ms) VALUES (%s, %d, %s, %s)", nv(10), r(5), (rand() < 0.1 ? "NULL" : 1 + r(4)), nv(1000); if (rand() < 0.5) printf ", (%s, %d, %d, %s)", nv(10), r(5), 1 + r(4), nv(1000); print ";" }
		else if (k == 3) print "UPDATE reviews SET user_id = " nv(10) ", ms = " nv(1000) " WHERE id % 97 = " r(97) ";"
		else if (k == 4) print "UPDATE reviews SET rating = " (rand() < 0.2 ? "NULL" : 1 + r(4)) ", day = " r(5) " WHERE id % 61 = " r(61) ";"
		else if (k == 5) print "DELETE FROM reviews WHERE id % 83 = " r(83) ";"
		else if (k == 6) print "INSERT INTO cards VALUES (" 1 + r(150) ", " 1 + r(30) ", " r(9) ") ON CONFLICT (id) DO UPDATE SET deck_id = excluded.deck_id, due = excluded.due;"
		else if (k == 7) print "UPDATE decks SET owner = " nv(5) " WHERE id = " 1 + r(30) ";"
		else if (k == 8) print "INSERT INTO decks VALUES (" 1 + r(30) ", " r(5) ") ON CONFLICT (id) DO NOTHING;"
		else if (k == 9) print "DELETE FROM cards WHERE id % 37 = " r(37) ";"
		else if (k == 10) print "WITH x AS (INSERT INTO decks VALUES (" 31 + r(10) ", " r(5) ") ON CONFLICT (id) DO UPDATE SET owner = excluded.owner RETURNING id) UPDATE cards SET deck_id = x.id FROM x WHERE cards.id % 29 = " r(29) ";"
		else if (k == 11) print "WITH x AS (DELETE FROM decks WHERE id = " 1 + r(40) " RETURNING id) INSERT INTO cards SELECT 200 + " r(50) ", " 1 + r(30) ", 1 FROM x ON CONFLICT DO NOTHING;"
		else if (k == 12) { print "COPY reviews (user_id, day, rating, ms) FROM STDIN;"; for (i = 0; i < 3; i++) printf "%s\t%d\t%d\t%s\n", (rand() < 0.1 ? "\\N" : r(10)), r(5), 1 + r(4), r(1000); print "\\." }
		else if (rand() < 0.05) print "TRUNCATE " (rand() < 0.5 ? "cards" : "reviews") ";"
		else if (rand() < 0.5) print "UPDATE reviews SET ms = ms + 1 WHERE id % 13 = " r(13) ";"
		else print "UPDATE reviews SET day = " r(5) ", ms = " nv(1000) ", user_id = " nv(10) " WHERE id = " 1 + r(700) ";"
	}
	BEGIN {
		srand(seed)
		for (t = 0; t < n; t++) {
			print "BEGIN;"
			m = 1 + r(4)
			for (j = 0; j < m; j++) {
				if (rand() < 0.1) { print "SAVEPOINT s;"; op(); print (rand() < 0.5 ? "ROLLBACK TO s;" : "RELEASE s;") }
				else op()
			}
			print (rand() < 0.85 ? "COMMIT;" : "ROLLBACK;")
			# TRUNCATE is not MVCC-safe: a snapshot taken just before a concurrent TRUNCATE commits can see
			# the truncated tables empty but the one-row global view recomputed; check again then.
			print "SELECT count(*) > 0 AS differs FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view) d \\gset"
			print "\\if :differs"
			print "SELECT '\''MISMATCH'\'' AS tag, l.view, d.* FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view) d;"
			print "\\endif"
		}
	}' >"$work/client$c.sql"
done

pids=()
for c in $(seq 1 "$clients"); do
	psql -X -q -d $db -f "$work/client$c.sql" >"$work/out$c.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done

fail=0
for c in $(seq 1 "$clients"); do
	if grep -q MISMATCH "$work/out$c.log"; then
		echo "client $c saw a view differ from its query (seed $seed):"
		grep -B2 -A6 MISMATCH "$work/out$c.log" | head -40
		fail=1
	fi
	# Deadlocks between multi-statement transactions and serialization waits are expected; any other
	# error is a bug.
	if grep ERROR "$work/out$c.log" | grep -v -e 'deadlock detected' -e 'current transaction is aborted' -e 'could not serialize' -e 'savepoint "s" does not exist' >/dev/null; then
		echo "client $c hit an unexpected error (seed $seed):"
		grep ERROR "$work/out$c.log" | grep -v -e 'deadlock detected' -e 'current transaction is aborted' | sort | uniq -c | head
		fail=1
	fi
done
commits=$(cat "$work"/out*.log | grep -c '^COMMIT' || true)
final=$(psql -X -A -t -d $db -c "SELECT count(*) FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view)")
echo "final differences: $final; deadlocks: $(cat "$work"/out*.log | grep -c 'deadlock detected' || true)"
[ "$final" = "0" ] || fail=1
psql -X -q -d postgres -c "DROP DATABASE $db"
exit $fail
