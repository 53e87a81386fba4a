#!/usr/bin/env bash
# `make bench`: run every pillar's benchmark (test/bench/<pillar>.sh) one after another and collect
# their tables into one report, test/bench/REPORT.md, with the machine facts.  Each benchmark
# prints its own table (baseline | shinjp | ratio | goal) and writes it to build/bench/<pillar>.md;
# charts a benchmark leaves as build/bench/*.png are copied beside the report.
#   make bench                      # everything at the sizes the issues ask for
#   BENCH="srs analytics" make bench  # a subset; tables of other benchmarks from earlier runs in
#                                     # build/bench are kept in the report, each with its run time
#   BENCH=report make bench           # only reassemble the report and charts
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bash test/deps.sh
export SHINJP_EXTRA_PACKAGES="gnuplot-nox"
bash test/deps.sh >/dev/null 2>&1 || true
mkdir -p build/bench
report=test/bench/REPORT.md
names=${BENCH:-$(for f in test/bench/*.sh; do b=$(basename "$f" .sh); case $b in run | charts) ;; *) echo "$b" ;; esac; done)}
[ "$names" = report ] && names=""   # BENCH=report: only reassemble the report from build/bench

status=()
for name in $names; do
	echo "== benchmark: $name"
	rm -f "build/bench/$name.md"
	start=$(date +%s)
	if bash "test/bench/$name.sh"; then s=ok; else s="FAILED (exit $?)"; fi
	status+=("| $name | $s | $(( $(date +%s) - start )) s |")
done

bash test/bench/charts.sh

pgv=$(/usr/lib/postgresql/${PGVERSION:-15}/bin/postgres --version)
icu=$(pkg-config --modversion icu-uc 2>/dev/null)
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
{
	echo "# shinjp benchmark report"
	echo
	echo "Assembled by \`make bench\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Each table is exactly what one run of its"
	echo "benchmark printed, stamped with that run's time; each measures the baseline and shinjp side by side"
	echo "in that run, in interleaved rounds (medians)."
	echo
	echo "| machine | |"
	echo "| --- | --- |"
	echo "| CPU | $cpu, $(nproc) cores |"
	echo "| memory | $(free -g | awk '/^Mem:/ {print $2}') GiB |"
	echo "| PostgreSQL | $pgv |"
	echo "| ICU | $icu |"
	echo "| compiler | $(g++ --version | head -1) |"
	echo "| shinjp | $(sed -n "s/^default_version = '\(.*\)'/\1/p" shinjp.control) ($(git rev-parse --short HEAD 2>/dev/null)) |"
	echo
	echo "Benchmarks run by this invocation:"
	echo
	echo "| benchmark | status | wall time |"
	echo "| --- | --- | --- |"
	printf '%s\n' "${status[@]}"
	all=$( (for n in $names; do echo "$n"; done; for f in build/bench/*.md; do [ -e "$f" ] && basename "$f" .md; done) | sort -u)
	for name in $all; do
		echo
		if [ -s "build/bench/$name.md" ]; then
			echo "<!-- $name: measured $(date -u -r "build/bench/$name.md" '+%Y-%m-%d %H:%M UTC') -->"
			cat "build/bench/$name.md"
			echo
			echo "_Measured $(date -u -r "build/bench/$name.md" '+%Y-%m-%d %H:%M UTC') by \`bash test/bench/$name.sh\`._"
		else
			echo "## $name"
			echo
			echo "(no table: the benchmark did not finish)"
		fi
		for png in build/bench/"$name"*.png; do
			[ -e "$png" ] || continue
			cp "$png" test/bench/
			echo
			echo "![$(basename "$png" .png)]($(basename "$png"))"
		done
	done
} >"$report"
echo "report: $report"
