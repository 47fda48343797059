"""Where a DuckDB calc spends its time: each statement's CPU, and its costliest operators.

    python -m benchmarks.calc_profile -p PROGRAM|FOLDER -w WAREHOUSE [--threads N] [--top 8]

Runs `schemeops calc` in this process with DuckDB's profiler on every statement the run's
worker lanes execute (a profiling aid: it wraps the DuckDB executor's lane, a private
class), then prints the process CPU time, the sum of the statements' CPU as DuckDB's
profiler counts it, and the `--top` statements with their three costliest operators.
`--threads 1` runs DuckDB on one thread, so CPU counts are free of parallel overhead and of
the machine's load. The output folder is a temporary one, removed at the end.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
from pathlib import Path

from schemeops.engine.backends import duckdb as duck
from schemeops.engine.calc import run_calc


def _operators(node: dict, out: list[tuple[float, str, object]]) -> None:
    out.append((node.get("operator_timing", 0.0), node.get("operator_name", "").strip(),
                node.get("operator_cardinality", "")))
    for child in node.get("children", []):
        _operators(child, out)


def main() -> None:
    """Profile one calc; print the costliest statements."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("-p", "--program", type=Path, required=True)
    args.add_argument("-w", "--warehouse", type=Path, required=True)
    args.add_argument("--threads", type=int)
    args.add_argument("--top", type=int, default=8)
    a = args.parse_args()
    work = Path(tempfile.mkdtemp(prefix="schemeops-profile-"))
    profiles: list[tuple[Path, str]] = []
    run = duck._Lane._run

    def profiled(lane, memtables, statements, fetch):
        for sql in statements:
            path = work / f"{len(profiles):03d}.json"
            profiles.append((path, sql))
            if a.threads:
                lane._cur.execute(f"SET threads = {int(a.threads)}")
            lane._cur.execute("PRAGMA enable_profiling = 'json'")
            lane._cur.execute(f"SET profiling_output = '{path}'")
            run(lane, memtables if sql is statements[0] else {}, [sql], fetch=False)
        return lane._cur.fetch_arrow_table() if fetch else None

    duck._Lane._run = profiled
    try:
        programs = sorted(a.program.glob("*.yaml")) if a.program.is_dir() else [a.program]
        run_calc(programs, warehouse=a.warehouse, out=work / "out")
    finally:
        duck._Lane._run = run
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rows = []
    for path, sql in profiles:
        if not path.exists():  # DuckDB profiles no CREATE TABLE
            continue
        tree = json.loads(path.read_text())
        ops: list[tuple[float, str, object]] = []
        _operators(tree, ops)
        rows.append((tree.get("cpu_time", 0.0), " ".join(sql.split())[:90], ops))
    shutil.rmtree(work)
    print(f"process CPU {usage.ru_utime + usage.ru_stime:.2f} s (user {usage.ru_utime:.2f}); "
          f"{len(rows)} statements, DuckDB CPU {sum(r[0] for r in rows):.2f} s")
    for cpu, sql, ops in sorted(rows, key=lambda r: -r[0])[:a.top]:
        print(f"{cpu:6.2f} s  {sql}")
        for t, name, n in sorted(ops, key=lambda o: -o[0])[:3]:
            print(f"          {t:5.2f} s {name} ({n} rows)")


if __name__ == "__main__":
    main()
