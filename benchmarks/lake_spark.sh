#!/usr/bin/env bash
# Spark on the lake against DuckDB (docs/benchmarks.md, "Spark on the lake"): every example
# program calculated by `schemeops calc`, each run in its own process and in turn: DuckDB on
# the warehouse, DuckDB on the lake, Spark local[2] on the lake; wall time and peak memory,
# the load average before and after each, and whether the output files are byte-identical.
# Usage, from the source checkout: benchmarks/lake_spark.sh WORK [LINES]  (default 10000000);
# WORK gets the generated data, the warehouse and the lake when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:?usage: benchmarks/lake_spark.sh WORK [LINES]}
LINES=${2:-10000000}
export PYTHONPATH=src
P=${PYTHON:-python}
mkdir -p "$WORK"
if [ ! -f "$WORK/wh.duckdb" ]; then
  $P -m schemeops generate -o "$WORK/data" --lines "$LINES" --seed 0 --format parquet
  $P -m schemeops load "$WORK/data" -w "$WORK/wh.duckdb" --lake "$WORK/lake"
fi
for run in duckdb-warehouse duckdb-lake spark-lake; do
  case $run in
    duckdb-warehouse) args=(-w "$WORK/wh.duckdb");;
    duckdb-lake) args=(--lake "$WORK/lake");;
    spark-lake) args=(--lake "$WORK/lake" --backend spark);;
  esac
  echo "== $run $(date +%T) load: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "wall %e s, peak %M KiB" $P -m schemeops calc -p examples/programs \
    -o "$WORK/out-$run" "${args[@]}" 2>&1 | grep -E "wall|data:|payouts"
  echo "   after: load $(cut -d' ' -f1-3 /proc/loadavg)"
done
for f in payouts kpis components explanations; do
  for run in duckdb-lake spark-lake; do
    cmp "$WORK/out-duckdb-warehouse/$f.csv" "$WORK/out-$run/$f.csv" && echo "$run $f: same bytes"
  done
done
