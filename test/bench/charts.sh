#!/usr/bin/env bash
# Charts for the benchmark report, drawn with gnuplot from the tables the benchmarks wrote in
# build/bench/*.md (so a chart always shows the numbers of the table beside it):
#   build/bench/ivm_tps.png               view-maintenance throughput relative to no view, by clients
#   build/bench/jatext_search_latency.png substring-search latency of shinjp and each peer
# Missing tables or gnuplot: no chart, no error.
set -uo pipefail
cd "$(dirname "$0")/../.."
command -v gnuplot >/dev/null || exit 0
out=build/bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -s $out/ivm.md ]; then
	# rows: | insert TPS, 1 client(s), synchronous_commit=on | base | shinjp | 0.72× | ...
	awk -F'|' '/TPS, [0-9]+ client/ {
		m = $2; gsub(/^ +| +$/, "", m)
		split(m, a, /, /); op = a[1]; sub(/ TPS/, "", op); cl = a[2]; sub(/ client.*/, "", cl); sc = a[3]; sub(/.*=/, "", sc)
		r = $5; gsub(/[^0-9.]/, "", r)
		printf "\"%s, %s cl., sync %s\" %s %s\n", op, cl, sc, r, (sc == "on" ? (op == "insert" && cl == 1 ? 0.8 : 0.7) : 0.5)
	}' $out/ivm.md >"$tmp/ivm.dat"
	if [ -s "$tmp/ivm.dat" ]; then
		gnuplot <<GP
set terminal pngcairo size 1100,520 font "sans,10" noenhanced
set xtics rotate by -30
set output "$out/ivm_tps.png"
set title "Incremental views: single-row write throughput with the view, relative to no view"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.7
set yrange [0:1.1]
set ylabel "TPS with view / TPS without"
set grid ytics
set key top right
plot "$tmp/ivm.dat" using 2:xtic(1) title "shinjp" lc rgb "#3b7dd8", \
     "" using 0:3 with points pt 7 ps 1.2 lc rgb "#d83b3b" title "goal"
GP
	fi
fi

if [ -s $out/jatext_search.md ]; then
	# rows: | latency p50 ms, real queries (&@) [vs pg_bigm] | base | shinjp | ...
	awk -F'|' '/latency p(50|95) ms, real queries \(&@\) \[vs / {
		m = $2; q = (m ~ /p50/) ? "p50" : "p95"; peer = m; sub(/.*\[vs /, "", peer); sub(/\].*/, "", peer)
		b = $3; s = $4; gsub(/ /, "", b); gsub(/ /, "", s)
		base[q, peer] = b; mine[q] = s; peers[peer] = 1
	} END {
		printf "system p50 p95\n"
		printf "shinjp %s %s\n", mine["p50"], mine["p95"]
		for (p in peers) printf "%s %s %s\n", p, base["p50", p], base["p95", p]
	}' $out/jatext_search.md >"$tmp/search.dat"
	if [ "$(wc -l <"$tmp/search.dat")" -gt 2 ]; then
		gnuplot <<GP
set terminal pngcairo size 900,420 font "sans,10" noenhanced
set output "$out/jatext_search_latency.png"
set title "Japanese substring search: latency on real queries of 1-6 characters (log scale)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel "ms per query"
set grid ytics
set key top left autotitle columnhead
plot "$tmp/search.dat" using 2:xtic(1) lc rgb "#3b7dd8", "" using 3 lc rgb "#f0a030"
GP
	fi
fi
exit 0
