"""The outlet-heavy benchmark: the engine beside hand-written SQL on outlet-heavy programs.

The programs of `OUTLET_PROGRAMS` (issue 13, item 5: most KPIs count outlets from months
of history) are calculated by the engine (`schemeops calc`) and by the hand-written DuckDB
SQL of `benchmarks/outlet_sql.py`, each in its own child process, in turns; the three
output files must be byte-identical (`calc.compare_outputs`).
"""

from __future__ import annotations

from pathlib import Path

from schemeops.bench.calc import (
    ENGINE,
    HAND_SQL,
    ROOT,
    in_turns,
    output_folder,
    prepare_warehouse,
    warm_cache,
)
from schemeops.bench.measure import Measurement, python_argv, schemeops_argv
from schemeops.errors import UsageError

#: The outlet-heavy programs, relative to the source checkout.
OUTLET_PROGRAMS = ("benchmarks/programs/outlet_heavy_monthly.yaml",
                   "benchmarks/programs/outlet_heavy_weekly.yaml")
#: The hand-written SQL's module.
SQL_MODULE = "benchmarks.outlet_sql"


def bench_outlets(lines: int, *, data: Path, work: Path, repeat: int = 1
                  ) -> list[Measurement]:
    """Calculate the outlet-heavy programs with the engine (into WORK/engine) and the hand
    SQL (into WORK/hand_sql) on the N-line warehouse DATA/schemeops.duckdb (made if missing),
    read once first; with repeat > 1 in turns, best of each (`calc.in_turns`). The
    engine's measurement first."""
    if not all((ROOT / f).exists() for f in (*OUTLET_PROGRAMS, "benchmarks/outlet_sql.py")):
        raise UsageError(f"the outlet benchmark runs from a source checkout; {ROOT} lacks "
                         "benchmarks/outlet_sql.py or benchmarks/programs/outlet_heavy_*.yaml")
    warehouse = prepare_warehouse(lines, data).resolve()
    warm_cache(warehouse)
    work = work.resolve()
    programs = [arg for f in OUTLET_PROGRAMS for arg in ("-p", f)]
    runs = [(ENGINE, schemeops_argv("calc", *programs, "-w", str(warehouse),
                                    "-o", str(output_folder(work, ENGINE))), ROOT, None),
            (HAND_SQL, python_argv(SQL_MODULE, str(warehouse),
                                   str(output_folder(work, HAND_SQL))), ROOT, None)]
    return in_turns(runs, repeat)
