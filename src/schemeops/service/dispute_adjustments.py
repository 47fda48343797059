"""A confirmed dispute adjustment is paid by the next calculation of its program: a payout
row of the run, for the disputed payout's participant and period, linked to it by
`corrects_id` (the same link a closed period's correction has), naming the dispute in its
reason and `dispute_id`. It is approved and exported with the run, like any payout; a run
whose payouts are rejected leaves it to the next one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.service.results import reference
from schemeops.store.audit import record
from schemeops.store.models import Dispute, Payout, Run


def pending(s: Session, program_ids: set[str]) -> list[Dispute]:
    """Confirmed adjustments of these programs that no run, approved or awaiting approval,
    carries yet; oldest first."""
    carried = (select(Payout.dispute_id).join(Run, Run.id == Payout.run_id)
               .where(Payout.dispute_id.is_not(None), Run.payout_status != "rejected"))
    return list(s.scalars(select(Dispute).where(
        Dispute.status == "resolved", Dispute.outcome == "adjust",
        Dispute.program_id.in_(sorted(program_ids)), Dispute.id.not_in(carried))
        .order_by(Dispute.id)))


def apply_adjustments(s: Session, run: Run, versions: dict[str, int]) -> list[Payout]:
    """Store a payout row in this calculation for each pending adjustment of its programs."""
    if run.kind != "calculation":
        return []
    rows = []
    for d in pending(s, set(versions)):
        p = d.payout
        ref = reference(run, d.program_id, p.participant_id, p.period_start)
        row = Payout(run_id=run.id, version_id=versions[d.program_id], program_id=d.program_id,
                     participant_id=p.participant_id, period_start=p.period_start,
                     period_end=p.period_end, amount=d.amount, corrects_id=p.id,
                     dispute_id=d.id, reason=f"dispute {d.id} ({d.reason_code}): adjustment",
                     reference=f"{ref}-D{d.id}")
        s.add(row)
        s.flush()
        record(s, actor="engine", action="dispute.applied", subject_type="dispute",
               subject_id=d.id, details={"run": run.id, "payout": row.reference,
                                         "amount": row.amount, "corrects": p.reference})
        rows.append(row)
    return rows
