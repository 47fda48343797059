"""Calc time with a participant list in the warehouse vs without, and with the largest
in-program `include:` (docs/benchmarks.md, "Participant lists").

    python -m benchmarks.participant_lists [--participants 500000] [--dir DIR] [--repeat 3]

Builds (once) the warehouse of `benchmarks.lists_network` in DIR, then runs `schemeops calc`
in a child process for each variant, in turns, `--repeat` times; prints each variant's best
and median wall time and the child's CPU time (user + system, all its threads), and the
sha256 of its four output files. Variants choosing the same participants write the same
bytes (one program id for all), which the run checks. Two sets of participants:
- everyone (N): by role (`roles: [distributor]`), and by the list `all` of N ids
  (`roles: [manager]`, of which there are none, and `include_lists: [all]`);
- the first 9,900: by `where` on participant_id, by the list `first10k`, and by an
  in-program `include:` of the 9,900 ids (the most a program's 10,000 values leave room for).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.lists_network import INCLUDE_IDS, build_network, participant_id

_PROGRAM = """\
id: lists_bench
name: Net value bonus
participants:
{rule}
period: {{start: 2026-10-01, end: 2026-10-31}}
kpis:
  - {{id: net_value, kind: volume, measure: net_amount, source: secondary}}
targets:
  net_value: {{fixed: 150}}
components:
  - id: bonus
    kpi: net_value
    slabs:
      - {{from: 0.9, rate: 0.005}}
      - {{from: 1.0, rate: 0.01}}
"""
_OUTPUTS = ("payouts.csv", "kpis.csv", "components.csv", "explanations.csv")


def variants() -> dict[str, tuple[str, str]]:
    """Variant name → (participants it chooses, the program's `participants` rule)."""
    ids = ", ".join(participant_id(i) for i in range(INCLUDE_IDS))
    return {
        "by role": ("everyone", "  roles: [distributor]"),
        "list `all`": ("everyone", "  roles: [manager]\n  include_lists: [all]"),
        "by where": (f"first {INCLUDE_IDS:,}", "  roles: [distributor]\n  where: "
                     f"\"participant_id < '{participant_id(INCLUDE_IDS)}'\""),
        "list `first10k`": (f"first {INCLUDE_IDS:,}",
                            "  roles: [manager]\n  include_lists: [first10k]"),
        f"include: {INCLUDE_IDS:,} ids": (f"first {INCLUDE_IDS:,}",
                                          f"  roles: [manager]\n  include: [{ids}]"),
    }


def _digest(out: Path) -> str:
    h = hashlib.sha256()
    for name in _OUTPUTS:
        h.update((out / name).read_bytes())
    return h.hexdigest()[:16]


def _calc(program: Path, warehouse: Path, out: Path) -> tuple[float, float]:
    """Run `schemeops calc` in a child process: its wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "schemeops", "calc", "-p", str(program), "-w",
                    str(warehouse), "-o", str(out)], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    """Build the network if needed, run every variant in turns, print the table."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--participants", type=int, default=500_000)
    args.add_argument("--dir", type=Path, default=Path("/tmp/schemeops-lists-bench"))
    args.add_argument("--repeat", type=int, default=3)
    a = args.parse_args()
    a.dir.mkdir(parents=True, exist_ok=True)
    warehouse = a.dir / f"network-{a.participants}.duckdb"
    if not warehouse.exists():
        start = time.perf_counter()
        build_network(warehouse, a.participants)
        print(f"built {warehouse} in {time.perf_counter() - start:.1f} s")
    programs = {}
    for i, (name, (_who, rule)) in enumerate(variants().items()):
        programs[name] = a.dir / f"variant{i}.yaml"
        programs[name].write_text(_PROGRAM.format(rule=rule), encoding="utf-8")
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in programs}
    digests: dict[str, str] = {}
    for _ in range(a.repeat):
        for name, program in programs.items():
            out = a.dir / f"out-{list(programs).index(name)}"
            runs[name].append(_calc(program, warehouse, out))
            digests[name] = _digest(out)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"{'participants':>14} {'chosen':22} {'wall best':>9} {'median':>7} "
          f"{'CPU best':>8} {'median':>7}  outputs")
    for name, (who, _rule) in variants().items():
        walls, cpus = zip(*runs[name], strict=True)
        print(f"{who:>14} {name:22} {min(walls):8.2f}s {statistics.median(walls):6.2f}s "
              f"{min(cpus):7.2f}s {statistics.median(cpus):6.2f}s  {digests[name]}")
    same = {who: {digests[n] for n, (w, _r) in variants().items() if w == who}
            for who, _r in variants().values()}
    agree = all(len(d) == 1 for d in same.values())
    print(f"same participants, same output bytes: {'yes' if agree else 'NO'}")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
