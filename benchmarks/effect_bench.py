"""`python -m benchmarks.effect_bench WAREHOUSE PROGRAM [WORK]`: time `schemeops effect`
beside `schemeops calc` of the same program on the same warehouse, each in a child process
(wall time from the parent, peak RSS from wait4), calc first, in the same run; prints a
Markdown row for docs/benchmarks.md and the phases `effect` timed itself."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import duckdb

from schemeops.bench.measure import measure, schemeops_argv

#: The bound issue 12 sets for `effect` at 10M lines.
LIMIT_SECONDS, LIMIT_GIB = 60, 4


def main(argv: list[str]) -> int:
    """Run both and print the row."""
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    warehouse, program = Path(argv[0]), Path(argv[1])
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        lines = con.execute("SELECT count(*) FROM sales").fetchone()[0]
    finally:
        con.close()
    work = Path(argv[2]) if len(argv) == 3 else None
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".bench-effect-", dir=work) as tmp:
        calc = measure("calc", schemeops_argv("calc", "-p", str(program), "-w", str(warehouse),
                                              "-o", f"{tmp}/calc"))
        effect = measure("effect", schemeops_argv("effect", "-p", str(program), "-w",
                                                  str(warehouse), "-o", f"{tmp}/effect"))
        laps = json.loads(Path(f"{tmp}/effect/manifest.json").read_text())["timings"]
    print("| program | lines | effect | calc (same run) | effect ÷ calc |")
    print("|---|---|---|---|---|")
    print(f"| {program.stem} | {lines:,} | {effect.seconds:.1f} s, {effect.peak_gib:.2f} GiB "
          f"| {calc.seconds:.1f} s, {calc.peak_gib:.2f} GiB "
          f"| {effect.seconds / calc.seconds:.2f}× |")
    within = effect.seconds <= LIMIT_SECONDS and effect.peak_gib <= LIMIT_GIB
    print(f"within {LIMIT_SECONDS} s and {LIMIT_GIB} GiB: {'yes' if within else 'no'}")
    print("effect's phases (its manifest): " + ", ".join(
        f"{k} {laps[k]:.1f} s" for k in ("calculate", "aggregate", "estimate")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
