"""Budget burn as of a date: what the program has paid in the period running on that date
against its budget (`caps.budget` is per period), and against the share of the period gone
by."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from schemeops.engine.data import Data
from schemeops.engine.periods import Window, program_windows
from schemeops.engine.runner import calculate_program
from schemeops.errors import UsageError
from schemeops.guards.limits import Limits
from schemeops.guards.verdict import Level, Verdict, pct
from schemeops.program.model import Program

PLACES = Decimal("0.0001")


def running_period(program: Program, as_of: dt.date) -> tuple[Window, Window]:
    """The period running on `as_of` (the last one started), clipped to it and whole."""
    clipped = program_windows(program.period, as_of)
    if not clipped:
        raise UsageError(f"--as-of {as_of} is before the first period of {program.id}, "
                         f"which starts {program.period.start}")
    return clipped[-1], program_windows(program.period)[len(clipped) - 1]


def paid_so_far(program: Program, data: Data, as_of: dt.date) -> Decimal:
    """The program's payouts in the period running on `as_of`, computed up to that day."""
    result = calculate_program(program, data, as_of=as_of, keep=lambda t: t)
    p = result.payouts
    now = p.filter(p.period_no == len(result.windows))
    value = now.aggregate(paid=now.payout.sum()).to_pyarrow().to_pylist()[0]["paid"]
    return Decimal(0) if value is None else Decimal(value)


def burn_verdict(program: Program, paid: Decimal, as_of: dt.date, limits: Limits) -> Verdict:
    """Warn at each mark of the period's budget reached and when burning faster than the
    period passes (burn ÷ elapsed share above the pace); block once the budget is spent."""
    budget = program.caps.budget
    clipped, whole = running_period(program, as_of)
    gone, days = clipped.days, whole.days
    ev = {"period_no": whole.no, "paid_paise": int(paid * 100), "elapsed_days": gone,
          "days": days}
    if budget is None or budget == 0:
        return Verdict("budget_burn", Level.OK, None, None, ev,
                       "no budget in caps.budget: nothing to burn against")
    ev["budget_paise"] = int(budget * 100)
    burn = (paid / budget).quantize(PLACES)
    reached = [m for m in limits.burn_marks if burn >= m]
    pace = (burn * days / gone).quantize(PLACES)
    fast = pace > limits.burn_pace
    level = (Level.BLOCK if reached and reached[-1] == limits.burn_marks[-1]
             else Level.WARN if reached or fast else Level.OK)
    threshold = reached[-1] if reached else limits.burn_marks[0]
    return Verdict("budget_burn", level, burn, threshold, ev,
                   f"{pct(burn)} of period {whole.no}'s budget paid with {gone} of {days} "
                   f"days gone (pace {pace}, warn above {limits.burn_pace}; alerts at "
                   f"{', '.join(pct(m) for m in limits.burn_marks)})")
