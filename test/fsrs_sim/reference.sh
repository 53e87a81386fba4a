#!/usr/bin/env bash
# Regenerate the committed reference results of the FSRS optimizer benchmark:
#   bash test/fsrs_sim/reference.sh
# 1. builds the simulator (test/fsrs_sim/simulate.cpp) and writes the benchmark's two logs
#    (one learner of 20,000 reviews, seed 42; 50 learners of 1,000–2,000 reviews, seed 7, ids 101–150);
# 2. installs @open-spaced-repetition/binding 0.5.0 (fsrs-rs 6.5.0) exactly as pinned in package.json;
# 3. fits every learner with the binding on its first 80% of reviews (reference.mjs) and stores the
#    weights and CPU times in test/fsrs_sim/reference/{one,fifty}.csv;
# 4. scores those weights (and the defaults) on the held-out 20% with shinjp's scorer (fit_tool, the
#    same code as shinjp.fsrs_evaluate) into test/fsrs_sim/reference/{one,fifty}_metrics.csv.
# test/bench/optimizer.sh reruns the binding live when node_modules is present and otherwise uses these files.
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
out=$here/../../build/fsrs_sim
mkdir -p "$out" reference
g++ -std=c++17 -O2 -I../../src -o "$out/simulate" simulate.cpp ../../src/srs/fsrs_train.cpp ../../src/core.cpp
g++ -std=c++17 -O2 -I../../src -o "$out/fit_tool" fit_tool.cpp ../../src/srs/fsrs_train.cpp ../../src/core.cpp
"$out/simulate" 1 20000 20000 42 1 >"$out/one.csv"
"$out/simulate" 50 1000 2000 7 101 >"$out/fifty.csv"
npm install --no-audit --no-fund --silent 2>/dev/null # exact version pinned in package.json
node reference.mjs "$out/one.csv" >reference/one.csv
node reference.mjs "$out/fifty.csv" >reference/fifty.csv
for log in one fifty; do
	"$out/fit_tool" "$out/$log.csv" 0.2 "reference/$log.csv" |
		awk -F, -v OFS=, '{print $1, $9, $10, $6, $7, $8}' |
		sed '1s/.*/user_id,binding_log_loss,binding_rmse_bins,default_log_loss,default_rmse_bins,held_out_items/' >"reference/${log}_metrics.csv"
done
sha256sum "$out/one.csv" "$out/fifty.csv" | sed "s|$out/||" >reference/logs.sha256
echo "wrote $here/reference/{one,fifty}.csv"
