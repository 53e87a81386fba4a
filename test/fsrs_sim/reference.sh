#!/usr/bin/env bash
# Regenerate the committed reference results of the FSRS optimizer benchmark:
#   bash test/fsrs_sim/reference.sh
# 1. builds the simulator (test/fsrs_sim/simulate.cpp) and writes the benchmark's two logs
#    (one learner of 20,000 reviews, seed 42; 50 learners of 1,000–2,000 reviews, seed 7, ids 101–150);
# 2. installs @open-spaced-repetition/binding 0.5.0 (fsrs-rs 6.5.0) exactly as pinned in package.json;
# 3. fits every learner with the binding on its first 80% of reviews (reference.mjs) and stores the
#    weights and CPU times in test/fsrs_sim/reference/{one,fifty}.csv.
# test/bench/optimizer.sh reruns the binding live when node_modules is present and otherwise uses these files.
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
out=$here/../../build/fsrs_sim
mkdir -p "$out" reference
g++ -std=c++17 -O2 -I../../src -o "$out/simulate" simulate.cpp ../../src/srs/fsrs_train.cpp ../../src/core.cpp
"$out/simulate" 1 20000 20000 42 1 >"$out/one.csv"
"$out/simulate" 50 1000 2000 7 101 >"$out/fifty.csv"
npm install --no-audit --no-fund --silent 2>/dev/null # exact version pinned in package.json
node reference.mjs "$out/one.csv" >reference/one.csv
node reference.mjs "$out/fifty.csv" >reference/fifty.csv
sha256sum "$out/one.csv" "$out/fifty.csv" | sed "s|$out/||" >reference/logs.sha256
echo "wrote $here/reference/{one,fifty}.csv"
