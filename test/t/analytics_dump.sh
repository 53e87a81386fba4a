#!/usr/bin/env bash
# Analytics (issue 6): stored review summaries survive pg_dump | psql (text form) and binary COPY
# (send/recv), and the restored values answer the same accessors.  Runs inside make test's cluster.
set -euo pipefail
bindir=/usr/lib/postgresql/${PGVERSION:-15}/bin
src=shinjp_analytics_dump_src_$$
dst=shinjp_analytics_dump_dst_$$
tmp=$(mktemp -d)
cleanup() {
	"$bindir/dropdb" --if-exists "$src" >/dev/null 2>&1 || true
	"$bindir/dropdb" --if-exists "$dst" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
q() { "$bindir/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

"$bindir/createdb" -T template0 -E UTF8 "$src"
"$bindir/createdb" -T template0 -E UTF8 "$dst"
q -d "$src" <<'SQL'
CREATE EXTENSION shinjp;
CREATE TABLE daily AS
SELECT i % 7 AS user_id, d,
       shinjp.review_summary_agg('2026-01-01 00:00:00+00'::timestamptz + (d * 86400 + i * 37) * interval '1 second',
                                 1 + i % 4, CASE WHEN i % 13 = 0 THEN NULL ELSE 200 + i * 91 % 40000 END, i % 50) AS s
FROM generate_series(1, 700) i, generate_series(0, 29) d GROUP BY 1, 2;
-- a summary with unknown first/last (after a subtraction) must round-trip too
INSERT INTO daily
SELECT 99, 0, shinjp.review_summary_subtract(shinjp.rollup(s), (SELECT s FROM daily WHERE user_id = 1 AND d = 0))
FROM daily WHERE user_id = 1;
SQL
before=$(q -d "$src" -c "SELECT md5(string_agg(user_id || ':' || d || ':' || s::text, '|' ORDER BY user_id, d)) FROM daily")
acc_before=$(q -d "$src" -c "SELECT sum(shinjp.review_count(s)), round(sum(shinjp.answer_percentile_ms(s, 0.9))::numeric, 6), count(shinjp.last_review(s)) FROM daily")

# 1. pg_dump (COPY in text form) restored into another database
"$bindir/pg_dump" -d "$src" >"$tmp/dump.sql"
q -d "$dst" -f "$tmp/dump.sql" >/dev/null
after=$(q -d "$dst" -c "SELECT md5(string_agg(user_id || ':' || d || ':' || s::text, '|' ORDER BY user_id, d)) FROM daily")
acc_after=$(q -d "$dst" -c "SELECT sum(shinjp.review_count(s)), round(sum(shinjp.answer_percentile_ms(s, 0.9))::numeric, 6), count(shinjp.last_review(s)) FROM daily")
[ "$before" = "$after" ] || { echo "pg_dump round trip changed the summaries"; exit 1; }
[ "$acc_before" = "$acc_after" ] || { echo "accessors differ after restore: $acc_before vs $acc_after"; exit 1; }

# 2. binary COPY (send/recv)
q -d "$src" -c "\\copy daily TO '$tmp/daily.bin' WITH (FORMAT binary)"
q -d "$dst" -c "CREATE TABLE daily_bin (LIKE daily)" -c "\\copy daily_bin FROM '$tmp/daily.bin' WITH (FORMAT binary)"
after_bin=$(q -d "$dst" -c "SELECT md5(string_agg(user_id || ':' || d || ':' || s::text, '|' ORDER BY user_id, d)) FROM daily_bin")
[ "$before" = "$after_bin" ] || { echo "binary COPY round trip changed the summaries"; exit 1; }

# 3. a corrupted binary file is refused with 22P03, not loaded
python3 - "$tmp/daily.bin" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
# flip a byte well inside the first row's summary (after the 19-byte header and the first fields)
b[19 + 2 + 4 + 4 + 4 + 4 + 4 + 10] ^= 0xff
open(p + '.bad', 'wb').write(bytes(b))
PY
if out=$(q -d "$dst" -c "CREATE TABLE daily_bad (LIKE daily)" -c "\\copy daily_bad FROM '$tmp/daily.bin.bad' WITH (FORMAT binary)" 2>&1); then
	echo "a corrupted binary COPY was accepted"; exit 1
fi
echo "$out" | grep -q "invalid review summary\|invalid\|out of range\|insufficient data\|incorrect binary data" || { echo "unexpected error: $out"; exit 1; }
echo "ok: $before; corrupted copy refused: $(echo "$out" | head -1)"
