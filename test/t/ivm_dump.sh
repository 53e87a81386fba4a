#!/usr/bin/env bash
# pg_dump and restore keep incremental views working: the catalog rows (an extension configuration
# table), the view tables and the triggers come back, and writes after the restore are maintained.
set -euo pipefail
src=ivm_dump_src
dst=ivm_dump_dst
dump=$(mktemp)
trap 'rm -f "$dump"' EXIT
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" \
	-c "CREATE DATABASE $src TEMPLATE template0 ENCODING 'UTF8'" -c "CREATE DATABASE $dst TEMPLATE template0 ENCODING 'UTF8'"
psql -X -q -v ON_ERROR_STOP=1 -d $src <<'SQL'
CREATE EXTENSION shinjp;
CREATE SCHEMA "App Data";
CREATE TABLE "App Data".decks (id int PRIMARY KEY, owner text);
CREATE TABLE "App Data".cards (id int PRIMARY KEY, deck_id int, due int);
INSERT INTO "App Data".decks SELECT g, 'o' || g % 3 FROM generate_series(1, 10) g;
INSERT INTO "App Data".cards SELECT g, 1 + g % 10, g % 5 FROM generate_series(1, 100) g;
SELECT shinjp.ivm_create('"App Data".per_owner', 'SELECT d.owner, count(*) AS n, max(c.due) AS mx FROM "App Data".cards c JOIN "App Data".decks d ON d.id = c.deck_id GROUP BY d.owner');
SELECT shinjp.ivm_create('"App Data".dues', 'SELECT due, count(*) AS n FROM "App Data".cards GROUP BY due');
SQL
pg_dump -d $src -f "$dump"
psql -X -q -v ON_ERROR_STOP=1 -d $dst -f "$dump" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d $dst <<'SQL'
\set ON_ERROR_STOP 1
SELECT count(*) AS views_after_restore FROM shinjp.ivm_list;
SELECT count(*) AS differences_after_restore FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view);
INSERT INTO "App Data".cards SELECT g, 1 + g % 12, g % 7 FROM generate_series(101, 150) g;
UPDATE "App Data".decks SET owner = 'z' WHERE id = 3;
DELETE FROM "App Data".cards WHERE due = 4;
SQL
n=$(psql -X -A -t -d $dst -c "SELECT count(*) FROM shinjp.ivm_list")
d=$(psql -X -A -t -d $dst -c "SELECT count(*) FROM shinjp.ivm_list l, shinjp.ivm_verify(l.view)")
c=$(psql -X -A -t -d $dst -c "SELECT sum(n) FROM \"App Data\".dues")
e=$(psql -X -A -t -d $dst -c "SELECT count(*) FROM \"App Data\".cards")
echo "restored views: $n, differences after writes: $d, cards counted by the view: $c of $e"
psql -X -q -d postgres -c "DROP DATABASE $src" -c "DROP DATABASE $dst"
[ "$n" = 2 ] && [ "$d" = 0 ] && [ "$c" = "$e" ]
