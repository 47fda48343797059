"""Budget burn as of a date: what the program has paid so far against its budget, and
against the share of its time gone by."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from schemeops.engine.data import Data
from schemeops.engine.periods import program_windows
from schemeops.engine.runner import calculate_program
from schemeops.guards.limits import Limits
from schemeops.guards.verdict import Level, Verdict, pct
from schemeops.program.model import Program

PLACES = Decimal("0.0001")


def paid_so_far(program: Program, data: Data, as_of: dt.date) -> Decimal:
    """The program's payouts in its periods up to `as_of` (the last one clipped)."""
    result = calculate_program(program, data, as_of=as_of, keep=lambda t: t)
    total = result.payouts.aggregate(paid=result.payouts.payout.sum())
    value = total.to_pyarrow().to_pylist()[0]["paid"]
    return Decimal(0) if value is None else Decimal(value)


def elapsed_share(program: Program, as_of: dt.date) -> tuple[int, int]:
    """Days of the program's span gone by on `as_of` (inclusive), and its days in all."""
    windows = program_windows(program.period)
    start, end = windows[0].start, windows[-1].end
    days = (end - start).days + 1
    return max(0, min(days, (as_of - start).days + 1)), days


def burn_verdict(program: Program, paid: Decimal, as_of: dt.date, limits: Limits) -> Verdict:
    """Warn at each mark of the budget reached and when burning faster than time passes
    (burn ÷ elapsed share above the pace); block once the budget is spent."""
    budget = program.caps.budget
    gone, days = elapsed_share(program, as_of)
    ev = {"paid_paise": int(paid * 100), "elapsed_days": gone, "days": days}
    if budget is None or budget == 0:
        return Verdict("budget_burn", Level.OK, None, None, ev,
                       "no budget in caps.budget: nothing to burn against")
    ev["budget_paise"] = int(budget * 100)
    burn = (paid / budget).quantize(PLACES)
    reached = [m for m in limits.burn_marks if burn >= m]
    pace = (burn * days / gone).quantize(PLACES) if gone else None
    fast = pace is not None and pace > limits.burn_pace
    level = (Level.BLOCK if reached and reached[-1] == limits.burn_marks[-1]
             else Level.WARN if reached or fast else Level.OK)
    threshold = reached[-1] if reached else limits.burn_marks[0]
    return Verdict("budget_burn", level, burn, threshold, ev,
                   f"{pct(burn)} of the budget paid with {gone} of {days} days gone "
                   f"(pace {pace if pace is not None else '—'}, warn above "
                   f"{limits.burn_pace}; alerts at "
                   f"{', '.join(pct(m) for m in limits.burn_marks)})")
