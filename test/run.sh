#!/usr/bin/env bash
# `make test`: build (warnings are errors), unit tests, install into a private directory, then
# pg_regress, isolation specs and the scripted suites (test/t/*.sh) in a throwaway cluster.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#
# Environment: PGVERSION (default 15), SHINJP_PGPORT (cluster port; default: a free one),
# SHINJP_LONG=1 (long variants of randomized suites), SHINJP_SKIP_UNIT=1.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash test/deps.sh || { echo "test/deps.sh failed"; echo "0 passed, 1 failed"; exit 1; }

export PGVERSION=${PGVERSION:-15}
export PG_CONFIG=/usr/lib/postgresql/$PGVERSION/bin/pg_config
logs=$root/build/logs
rm -rf "$logs" "$root/build/tmp_install" "$root/build/isolation" results regression.diffs regression.out
mkdir -p "$logs"
passed=0
failed=0
failures=()

note_fail() { failed=$((failed + 1)); failures+=("$1"); }

finish() {
	if [ ${#failures[@]} -gt 0 ]; then
		echo
		echo "failed: ${failures[*]}"
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# 1. Build the extension with -Werror.
echo "== build (PostgreSQL $PGVERSION, -Werror)"
if make -s -j2 WERROR=1 PG_CONFIG="$PG_CONFIG" all >"$logs/build.log" 2>&1; then
	passed=$((passed + 1))
else
	cat "$logs/build.log" | tail -60
	note_fail build
	finish
fi

# 2. Unit tests of the PG-free cores (ASan + UBSan).
if [ -z "${SHINJP_SKIP_UNIT:-}" ]; then
	echo "== unit tests"
	if make -s -j2 WERROR=1 PG_CONFIG="$PG_CONFIG" build/unit/shinjp_unit >"$logs/unit-build.log" 2>&1; then
		build/unit/shinjp_unit --gtest_brief=1 >"$logs/unit.log" 2>&1
		rc=$?
		grep -E '^\[  FAILED  \] [A-Za-z]' "$logs/unit.log" | sort -u
		np=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$logs/unit.log" | tail -1)
		nf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$logs/unit.log" | tail -1)
		passed=$((passed + ${np:-0}))
		failed=$((failed + ${nf:-0}))
		[ -n "$nf" ] && failures+=("unit")
		if [ $rc -ne 0 ] && [ -z "$nf" ]; then tail -40 "$logs/unit.log"; note_fail "unit (crashed)"; fi
		echo "   ${np:-0} passed, ${nf:-0} failed"
	else
		tail -60 "$logs/unit-build.log"
		note_fail unit-build
	fi
fi

# 3. Install into a private directory; the cluster finds it through Debian's extension_destdir.
dest=$root/build/tmp_install
if ! make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$dest" >"$logs/install.log" 2>&1; then
	tail -30 "$logs/install.log"
	note_fail install
	finish
fi
chmod a+rx "$root/build" && chmod -R a+rX "$dest"  # readable by the postgres user; leave other clusters under build/ alone

# 4. A throwaway cluster on a free port (pg_virtualenv -t: private directory even as root).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || [ -e "/var/run/postgresql/.s.PGSQL.$1" ]; }
port=${SHINJP_PGPORT:-}
if [ -z "$port" ]; then
	port=$((20000 + RANDOM % 20000))
	while port_in_use "$port"; do port=$((port + 1)); done
fi
echo "== cluster suites (port $port)"
PGPORT=$port pg_virtualenv -t -v "$PGVERSION" -o "extension_destdir=$dest" -o "max_prepared_transactions=10" \
	bash test/in_cluster.sh "$logs" >"$logs/cluster.log" 2>&1
rc=$?
cat "$logs/summary" 2>/dev/null
if [ -f "$logs/counts" ]; then
	read -r cp cf cnames <"$logs/counts"
	passed=$((passed + cp))
	failed=$((failed + cf))
	[ "$cf" -gt 0 ] && failures+=($cnames)
elif [ $rc -ne 0 ]; then
	tail -40 "$logs/cluster.log"
	note_fail cluster
fi
for d in regression.diffs build/isolation/regression.diffs; do
	if [ -s "$d" ]; then
		echo "---- $d"
		head -c 20000 "$d"
	fi
done
finish
