"""The month-end accrual: what each program's latest calculation up to the month's end says
its participants have earned in periods begun by then and not yet paid, posted as scheme
expense against the accrual (provision) ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from schemeops.erp.ledgers import GlMapping
from schemeops.erp.notes import ZERO

COLUMNS = ("month_end", "program_id", "run_id", "as_of", "period_start", "period_end",
           "participants", "accrued", "debit_ledger", "debit_account", "credit_ledger",
           "credit_account")


@dataclass(frozen=True)
class Earned:
    """One payout of a program's latest run, and whether a credit note already pays it."""

    program_id: str
    run_id: int
    as_of: dt.date | None
    participant_id: str
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    paid: bool


def accrual_rows(earned: Iterable[Earned], *, month_end: dt.date,
                 gl: GlMapping) -> list[dict[str, object]]:
    """Per program and period begun by `month_end`: the unpaid earnings (a negative
    correction lowers them), with the ledgers they are posted to; periods with nothing
    unpaid are left out."""
    groups: dict[tuple[str, dt.date], list[Earned]] = {}
    for e in earned:
        if e.period_start <= month_end and not e.paid and e.amount:
            groups.setdefault((e.program_id, e.period_start), []).append(e)
    rows = []
    for (program, start), xs in sorted(groups.items()):
        total = sum((x.amount for x in xs), ZERO)
        if not total:
            continue
        expense = gl.expense_of(program)
        rows.append({"month_end": month_end.isoformat(), "program_id": program,
                     "run_id": xs[0].run_id,
                     "as_of": xs[0].as_of.isoformat() if xs[0].as_of else "",
                     "period_start": start.isoformat(), "period_end": xs[0].period_end
                     .isoformat(), "participants": len({x.participant_id for x in xs}),
                     "accrued": total, "debit_ledger": expense.name,
                     "debit_account": expense.account, "credit_ledger": gl.accrual.name,
                     "credit_account": gl.accrual.account})
    return rows
