"""The outlet-heavy benchmark: the engine beside hand-written SQL on outlet-heavy programs.

The programs of `OUTLET_PROGRAMS` (issue 13, item 5: most KPIs count outlets from months
of history) are calculated by the engine (`schemeops calc`) and by the hand-written DuckDB
SQL of `benchmarks/outlet_sql.py`, each in its own child process, in turns; the three
output files must be byte-identical.
"""

from __future__ import annotations

#: The outlet-heavy programs, relative to the source checkout.
OUTLET_PROGRAMS = ("benchmarks/programs/outlet_heavy_monthly.yaml",
                   "benchmarks/programs/outlet_heavy_weekly.yaml")
