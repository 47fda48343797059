"""What both baselines share: the example programs, their windows and the texts they print.

The baselines are hand-written for the ten programs of examples/programs/ (each program's
shape is coded by hand); the numbers in them (dates, thresholds, slabs, rates, uplifts, caps,
the budget) are read from the parsed programs, so editing a number in a YAML file moves the
baselines with the engine. Nothing here reads data.

Definitions the baselines share (the outputs must agree byte for byte, so they are written
down here; where the engine differed when the baselines were written, the report says so):
- a target "from history" reads the windows like the period just before it: whole calendar
  months for a period of whole months (`previous_period` of October is September, `average`
  of 3 is July, August and September), else windows of the same number of days;
- attainment is exact to 6 places (half-up) wherever a rule reads it (scorecards, gates,
  multipliers, notes); kpis.csv prints the exact ratio rounded half-up to 4 places (once);
- a slab or curve point is reached when actual >= from x target, exactly;
- money is rounded half-up to 2 places once per component, after multipliers;
- a component cap is a ceiling: `rate` x a negative KPI caps the amount at 0, never below;
- rows sort by program, participant, period start, then KPI or component order; a
  component's catch-up releases follow its own row, by the period they make up for.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from schemeops.bench.calc import BASELINE_PROGRAMS
from schemeops.engine.periods import Window, history_windows, program_windows
from schemeops.program.check import load_and_check
from schemeops.program.model import Component, History, Program, Slab

PROGRAMS = Path("examples/programs")

#: The programs the baselines implement, by id.
IDS = BASELINE_PROGRAMS

PAYOUT_COLUMNS = ["program_id", "participant_id", "period_start", "period_end", "payout"]
KPI_COLUMNS = ["program_id", "participant_id", "kpi", "actual", "target", "attainment",
               "period_start", "period_end"]
COMPONENT_COLUMNS = ["program_id", "participant_id", "component", "base", "rate", "amount",
                     "note", "period_start", "period_end"]

#: Roles whose KPIs roll up from the participants they manage.
MANAGER_ROLES = ("sales_rep", "manager")
#: The deepest management chain followed.
MAX_DEPTH = 10


def load_programs(folder: Path = PROGRAMS) -> dict[str, Program]:
    """The example programs the baselines implement, by id (the folder's other programs are
    the engine's alone); exit if one does not check or one of the ten is missing."""
    by_id = {i: p for i, p in checked(sorted(folder.glob("*.yaml"))).items() if i in IDS}
    if sorted(by_id) != sorted(IDS):
        missing = sorted(set(IDS) - set(by_id))
        raise SystemExit(f"the baselines implement {', '.join(IDS)}; "
                         f"{folder} lacks {', '.join(missing)}")
    return by_id


def checked(files: list[Path]) -> dict[str, Program]:
    """The programs of `files`, by id; exit if one does not check."""
    programs, diagnostics = load_and_check(files)
    if diagnostics:
        raise SystemExit("\n".join(str(d) for d in diagnostics))
    return {p.id: p for p in programs}


def periods(p: Program) -> list[Window]:
    """The program's periods: the first, then its recurrences (the calendar is shared with
    the engine; the baselines reimplement the calculation, not the calendar)."""
    return list(program_windows(p.period))


def only_period(p: Program) -> Window:
    """The single period of a program that does not recur."""
    (w,) = periods(p)
    return w


def history(w: Window, n: int) -> list[tuple[dt.date, dt.date]]:
    """The n windows like w just before it, nearest first: the same number of whole months
    when w is whole months (October's previous period is September), else the same number
    of days."""
    basis = History(basis="average", periods=n)
    return [(h.start, h.end) for _no, h in history_windows((w,), basis)]


def before(w: Window, days: int) -> tuple[dt.date, dt.date]:
    """The `days` days just before the window: start - days ... start - 1."""
    return w.start - dt.timedelta(days=days), w.start - dt.timedelta(days=1)


def history_periods(p: Program, kpi_id: str) -> int:
    """How many past windows the KPI's history target reads."""
    h = p.targets[kpi_id].history
    return h.periods if h.basis == "average" else 1


def scale(d: Decimal) -> int:
    """Decimal places of a literal."""
    exp = d.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def rate_text(s: Slab) -> str:
    """What the rate column says for a reached slab."""
    for v in (s.rate, s.per_unit, s.amount, s.free_units):
        if v is not None:
            return str(v)
    return ""


def slab_note(i: int, c: Component) -> str:
    """The note of slab i (1-based) reached."""
    return f"slab {i} of {len(c.slabs)} (from {c.slabs[i - 1].from_})"


def below_note(c: Component) -> str:
    """The note when no slab is reached."""
    return f"below the first slab (from {c.slabs[0].from_})"


def slab_factor(s: Slab) -> Decimal | None:
    """What a slab multiplies its base by (rate or per unit); None for a fixed amount."""
    return s.rate if s.rate is not None else s.per_unit


def component(p: Program, component_id: str) -> Component:
    """The program's component called `component_id`."""
    for c in p.components:
        if c.id == component_id:
            return c
    raise KeyError(component_id)
