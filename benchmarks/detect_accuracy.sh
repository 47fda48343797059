#!/bin/bash
# Accuracy of `schemeops detect` against the planted labels, and of the textbook rules
# (benchmarks/anomaly_rules.py) on the same networks (docs/detection.md).
# Usage: benchmarks/detect_accuracy.sh [WORK_DIR] [SIZES] [SEEDS]  (from the source checkout)
# Networks are generated and loaded once into WORK_DIR and kept (delete WORK_DIR after).
set -u
W=${1:-/tmp/detect-accuracy}; SIZES=${2:-"200000 2000000"}; SEEDS=${3:-"1 2 3"}
mkdir -p "$W"
PROGRAMS=benchmarks/programs/volume_targets.yaml  # slab thresholds for slab_bunching
prep() { # lines seed mode
  local d=$W/b$1_$2$3
  [ -f $d.duckdb ] && return
  python -m schemeops generate --out $d --lines $1 --seed $2 $3 > /dev/null 2>&1
  python -m schemeops load $d --warehouse $d.duckdb > /dev/null 2>&1
  rm -rf $d/primary_sales* $d/payments*  # the rules read sales, outlets, participants, targets
}
run() { # lines seed mode
  local d=$W/b$1_$2$3
  prep "$@"
  echo "== lines=$1 seed=$2 mode=${3:-default}"
  /usr/bin/time -f "wall %e s, peak %M KB" python -m schemeops detect --warehouse $d.duckdb \
    --out $d.out --labels $d/labels.csv --negatives $d/negatives.csv --claims $d/claims.csv \
    --programs $PROGRAMS 2>&1 | grep -v "value at risk"
  echo "-- textbook rules"
  python -m benchmarks.anomaly_rules $d | tail -n +4
}
for lines in $SIZES; do for seed in $SEEDS; do for mode in "" "--subtle"; do
  run $lines $seed "$mode"; done; done; done
for lines in $SIZES; do run $lines 1 --negatives-only; done
echo DONE
