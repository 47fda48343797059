#!/bin/bash
# Accuracy of `schemeops detect` against the planted labels (docs/detection.md).
# Usage: benchmarks/detect_accuracy.sh [WORK_DIR]  (run from the source checkout)
set -u
W=${1:-/tmp/detect-accuracy}; mkdir -p "$W"
run() { # lines seed mode
  local d=$W/b$1_$2$3
  python -m schemeops generate --out $d --lines $1 --seed $2 $3 > /dev/null 2>&1
  python -m schemeops load $d --warehouse $d.duckdb > /dev/null 2>&1
  rm -rf $d/sales* $d/primary_sales* $d/payments*
  echo "== lines=$1 seed=$2 mode=${3:-default}"
  /usr/bin/time -f "wall %e s, peak %M KB" env python -m schemeops detect --warehouse $d.duckdb --out $d.out --labels $d/labels.csv --negatives $d/negatives.csv 2>&1 | grep -v "value at risk"
  rm -f $d.duckdb
}
for lines in 200000 2000000; do for seed in 1 2 3; do for mode in "" "--subtle"; do run $lines $seed "$mode"; done; done; done
run 200000 1 --negatives-only; run 2000000 1 --negatives-only
echo DONE
