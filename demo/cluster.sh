#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the demo (and benchmarks) in a private directory, with its own
# port, that keeps running after the script ends so you can connect to it.
#   demo/cluster.sh start DIR [INSTALL_DESTDIR]   (re)create and start; prints the port
#   demo/cluster.sh stop DIR
# PostgreSQL refuses to run as root: as root the cluster runs as the "postgres" user.
set -euo pipefail
cmd=$1
dir=$(realpath -m "$2")
dest=${3:-}
PGVERSION=${PGVERSION:-15}
bindir=/usr/lib/postgresql/$PGVERSION/bin

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case $cmd in
stop) stop ;;
start)
	stop
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
	port=${SHINJP_DEMO_PORT:-}
	if [ -z "$port" ]; then
		port=$((40000 + RANDOM % 20000))
		while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
	fi
	as_pg "$bindir/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 --auth=trust -U postgres >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	{
		echo "port = $port"
		echo "listen_addresses = 'localhost'"
		echo "unix_socket_directories = '$dir'"
		echo "fsync = off"
		echo "max_prepared_transactions = 10"
		[ -n "$dest" ] && echo "extension_destdir = '$dest'"
		echo "shared_preload_libraries = '${SHINJP_PRELOAD:-}'"
	} | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
	as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
	echo "$port" >"$dir/port"
	echo "$port"
	;;
*) echo "usage: $0 start|stop DIR [DESTDIR]" >&2; exit 2 ;;
esac
