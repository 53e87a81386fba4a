#!/usr/bin/env bash
# The optimizer reproduces fsrs-rs: on the benchmark's 50 simulated learners (regenerated with the
# committed simulator), every fitted weight matches the weights the npm binding (fsrs-rs 6.5.0)
# computed on the same logs (test/fsrs_sim/reference/fifty.csv) within 2e-4, and the held-out log
# loss within 1e-4.  The optimizer core is built as the extension builds it; no server needed.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags="-std=c++17 -O2 -fno-strict-aliasing -fwrapv -Isrc"
g++ $flags -o "$tmp/simulate" test/fsrs_sim/simulate.cpp src/srs/fsrs_train.cpp src/core.cpp
g++ $flags -o "$tmp/fit_tool" test/fsrs_sim/fit_tool.cpp src/srs/fsrs_train.cpp src/core.cpp
"$tmp/simulate" 50 1000 2000 7 101 >"$tmp/fifty.csv"
(cd "$tmp" && sha256sum fifty.csv) | diff - <(grep ' fifty.csv' test/fsrs_sim/reference/logs.sha256)
"$tmp/fit_tool" "$tmp/fifty.csv" 0.2 test/fsrs_sim/reference/fifty.csv >"$tmp/ours.csv"
paste -d, <(tail -n +2 "$tmp/ours.csv") <(tail -n +2 test/fsrs_sim/reference/fifty.csv) | awk -F, '
	{
		# ours: user,cpu,kind,ll,rmse,dll,drmse,items,refll,refrmse,w0..w20 (cols 11-31); reference: user,cut,items,cpu,wall,w0..w20 (cols 37-57)
		if ($1 != $32) { print "learner mismatch", $1, $32; bad = 1 }
		for (i = 0; i < 21; i++) { d = $(11 + i) - $(37 + i); if (d < 0) d = -d; if (d > wmax) wmax = d }
		d = $4 - $9; if (d < 0) d = -d; if (d > lmax) lmax = d
		n++
	}
	END {
		printf "%d learners: max |weight - binding weight| = %g, max |log loss - binding log loss| = %g\n", n, wmax, lmax
		exit (bad || n != 50 || wmax > 2e-4 || lmax > 1e-4)
	}'
