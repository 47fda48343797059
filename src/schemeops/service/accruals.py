"""The month-end accrual of scheme expense (docs/erp-exports.md, "Accrual"): per program,
its latest successful calculation up to the month's end, and which of its payouts a credit
note already pays."""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.erp.accrual import COLUMNS, Earned, accrual_rows
from schemeops.erp.csvfile import to_csv
from schemeops.erp.ledgers import GlMapping
from schemeops.service.context import Actor
from schemeops.service.erp_exports import INDIA
from schemeops.service.policy import require
from schemeops.store.models import CreditNote, Payout, Run, RunVersion


def month_end(month: str) -> dt.date:
    """The last day of `YYYY-MM`."""
    first = dt.date.fromisoformat(f"{month}-01")
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def accrual_csv(s: Session, actor: Actor, end: dt.date, gl: GlMapping) -> bytes:
    """The accrual at `end` as CSV: unpaid earnings of each program's latest calculation
    whose as-of date (else its day of creation, in India) is on or before `end`."""
    require(actor, "exports.create")
    runs = s.execute(select(RunVersion.program_id, Run.id, Run.as_of, Run.created_at)
                     .join(Run, Run.id == RunVersion.run_id)
                     .where(Run.kind == "calculation", Run.status == "succeeded")).all()
    latest: dict[str, tuple[int, dt.date | None]] = {}
    for program, run_id, as_of, created in runs:
        if (as_of or created.astimezone(INDIA).date()) <= end and \
                run_id > latest.get(program, (0, None))[0]:
            latest[program] = (run_id, as_of)
    noted = s.execute(select(Payout.id, Payout.program_id, Payout.participant_id,
                             Payout.period_start, Payout.corrects_id, Payout.dispute_id)
                      .join(CreditNote, CreditNote.payout_id == Payout.id)).all()
    paid_ids = {n[0] for n in noted}
    # a period paid by an earlier run is paid, whatever a later run says of it; a
    # correction or a dispute's adjustment is paid only by its own note
    paid_keys = {n[1:4] for n in noted if n[4] is None and n[5] is None}
    earned = []
    for program, (run_id, as_of) in latest.items():
        for p in s.scalars(select(Payout).where(Payout.run_id == run_id,
                                                Payout.program_id == program)):
            earned.append(Earned(program, run_id, as_of, p.participant_id, p.period_start,
                                 p.period_end, p.amount, p.id in paid_ids or (
                                     p.corrects_id is None and p.dispute_id is None and
                                     (program, p.participant_id, p.period_start) in paid_keys)))
    return to_csv(accrual_rows(earned, month_end=end, gl=gl), COLUMNS)
