#!/usr/bin/env bash
# `make demo`: build, install into a private directory, start a throwaway cluster, create the
# extension and run every demo step (demo/NN_*.sql with psql, demo/NN_*.sh with bash), timing each.  The cluster keeps running afterwards
# (its connection string is printed last); the next run replaces it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash test/deps.sh
export PGVERSION=${PGVERSION:-15}
export PG_CONFIG=/usr/lib/postgresql/$PGVERSION/bin/pg_config
dest=$root/build/demo_install

echo "== build and install (PostgreSQL $PGVERSION)"
make -s -j2 PG_CONFIG="$PG_CONFIG" all >/dev/null
rm -rf "$dest"
make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >/dev/null
chmod a+rx "$root/build" && chmod -R a+rX "$dest"  # readable by the postgres user; leave other clusters under build/ alone

echo "== throwaway cluster"
port=$(bash demo/cluster.sh start "$root/build/demo" "$dest")
export PGHOST=$root/build/demo PGPORT=$port PGUSER=postgres PGDATABASE=shinjp_demo
createdb -T template0 -E UTF8 shinjp_demo
psql -X -q -c "CREATE EXTENSION shinjp"

export DEMO_DATA="$root/../shared/data/ja"
for step in demo/[0-9][0-9]_*; do
	case $step in
	*.sql) title=$(sed -n '1s/^-- *//p' "$step") ;;
	*.sh) title=$(sed -n '2s/^# *//p' "$step") ;;
	*) continue ;;
	esac
	echo
	echo "== $title"
	start=$(date +%s%N)
	case $step in
	*.sql) psql -X -q -v ON_ERROR_STOP=1 -P pager=off -v demo_data="$DEMO_DATA" -f "$step" ;;
	*.sh) bash "$step" ;;
	esac
	end=$(date +%s%N)
	printf -- '-- step took %d ms\n' $(((end - start) / 1000000))
done

echo
echo "The demo cluster is still running. Connect with:"
echo "  psql \"postgresql://postgres@localhost:$port/shinjp_demo\""
echo "Stop it with: bash demo/cluster.sh stop build/demo   (the next 'make demo' replaces it)"
