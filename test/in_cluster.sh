#!/usr/bin/env bash
# Runs inside pg_virtualenv (PGHOST/PGPORT/PGUSER/PGPASSWORD set): pg_regress, isolation specs and
# every test/t/*.sh suite.  Writes "passed failed names..." to $1/counts and a summary to $1/summary.
set -uo pipefail
logs=$1
passed=0
failed=0
names=()
: >"$logs/summary"

# pg_regress prints "All N tests passed." or "M of N tests failed." (15) — with "# " before it on 16+.
count_pg_regress() {
	local log=$1 label=$2 all m n
	all=$(sed -n 's/.*All \([0-9]*\) tests passed.*/\1/p' "$log" | tail -1)
	if [ -n "$all" ]; then
		passed=$((passed + all))
		echo "   $label: $all passed, 0 failed" >>"$logs/summary"
		return
	fi
	read -r m n < <(sed -n 's/.* \([0-9]*\) of \([0-9]*\) tests failed.*/\1 \2/p' "$log" | tail -1)
	if [ -n "${n:-}" ]; then
		passed=$((passed + n - m))
		failed=$((failed + m))
		names+=("$label")
		grep -E 'FAILED|failed \(ignored\)|^not ok' "$log" | sed 's/^/     /' >>"$logs/summary"
		echo "   $label: $((n - m)) passed, $m failed" >>"$logs/summary"
	else
		failed=$((failed + 1))
		names+=("$label")
		tail -20 "$log" >>"$logs/summary"
		echo "   $label: did not run" >>"$logs/summary"
	fi
}

make -s PG_CONFIG="$PG_CONFIG" installcheck-regress >"$logs/regress.log" 2>&1
count_pg_regress "$logs/regress.log" pg_regress

if ls test/specs/*.spec >/dev/null 2>&1; then
	make -s PG_CONFIG="$PG_CONFIG" installcheck-isolation >"$logs/isolation.log" 2>&1
	count_pg_regress "$logs/isolation.log" isolation
fi

for t in test/t/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if bash "$t" >"$logs/t-$name.log" 2>&1; then
		passed=$((passed + 1))
		echo "   suite $name: ok" >>"$logs/summary"
	else
		failed=$((failed + 1))
		names+=("$name")
		echo "   suite $name: FAILED (log: build/logs/t-$name.log)" >>"$logs/summary"
		tail -15 "$logs/t-$name.log" | sed 's/^/     /' >>"$logs/summary"
	fi
done

echo "$passed $failed ${names[*]}" >"$logs/counts"
