"""After a calculation: run the detectors on its warehouse and months, and record every
finding as a case of the run: opened within the alert budget (a blocking one holds the
participant's payouts of that month), dropped otherwise. A finding an earlier run already
opened is not opened twice: the new run's payouts join that case's holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemeops.detect.finding import Finding
from schemeops.detect.months import month_end, month_starts
from schemeops.detect.run import detect
from schemeops.engine.calc import CalcRun
from schemeops.engine.data import Data
from schemeops.service.case_pay import pays
from schemeops.service.case_rules import CaseRules, budget, within_budget
from schemeops.store.audit import record
from schemeops.store.models import Case, CaseEvidence, CaseHold, Payout, Run


@dataclass(frozen=True)
class Opened:
    """What a run's findings became: cases opened, dropped, and earlier cases carried."""

    opened: int
    dropped: int
    carried: int


def run_findings(calc: CalcRun) -> list[Finding]:
    """Every detector's findings in the months of the run's periods, with value at risk
    against the run's programs (recalculated without each kind's evidence lines)."""
    months = sorted({m for r in calc.results for w in r.windows
                     for m in month_starts(w.start, w.end)})
    if not months:
        return []
    findings, _ = detect(Data.from_backend(calc.con), calc.con, periods=months,
                         programs=[r.program for r in calc.results])
    return findings


def _paid_in(s: Session, run_id: int, month: dt.date) -> int:
    """Participants the run pays (any amount) in periods overlapping the month."""
    return s.scalar(select(func.count(func.distinct(Payout.participant_id))).where(
        Payout.run_id == run_id, Payout.period_start <= month_end(month),
        Payout.period_end >= month)) or 0


def _payouts_of(s: Session, run_id: int, f: Finding | Case) -> list[Payout]:
    """The run's payouts to the participant in periods overlapping the finding's month."""
    return list(s.scalars(select(Payout).where(
        Payout.run_id == run_id, Payout.participant_id == f.participant_id,
        Payout.period_start <= f.period_end, Payout.period_end >= f.period_start)
        .order_by(Payout.program_id, Payout.id)))


def _earlier(s: Session, finding_id: str) -> Case | None:
    """The newest case an earlier run opened for this finding (dropped ones do not count)."""
    return s.scalars(select(Case).where(Case.finding_id == finding_id, Case.status != "dropped")
                     .order_by(Case.id.desc()).limit(1)).first()


def _score(f: Finding) -> Decimal:
    """The finding's score as the exact decimal the detectors round it to (4 places)."""
    return Decimal(repr(f.score)).quantize(Decimal("0.0001"))


def _case(run: Run, f: Finding, *, status: str, blocking: bool, note: str = "") -> Case:
    return Case(run_id=run.id, finding_id=f.finding_id, kind=f.kind,
                participant_id=f.participant_id, period_start=f.period_start,
                period_end=f.period_end, score=_score(f),
                value_at_risk=f.value_at_risk, status=status, blocking=blocking, note=note,
                evidence=[CaseEvidence(table=e.table, invoice_id=e.invoice_id,
                                       line_no=e.line_no, outlet_id=e.outlet_id,
                                       claim_id=e.claim_id)
                          for e in f.evidence])


def open_cases(s: Session, run: Run, findings: Sequence[Finding], rules: CaseRules
               ) -> Opened:
    """Record the run's findings (its payouts already stored) and audit what became of
    them; blocking cases hold the payouts of their participant and month."""
    fresh, carried = [], {}
    for f in findings:
        old = _earlier(s, f.finding_id)
        if old is None:
            fresh.append(f)
            continue
        # the same finding again (a recalculation): its case holds the new payouts too, and
        # a decision already taken applies to them as it did to the first ones
        held = pays(old.status, old.value_at_risk, _payouts_of(s, run.id, old)) \
            if old.blocking else {}
        for payout, amount in held.items():
            s.add(CaseHold(case_id=old.id, payout_id=payout.id,
                           pays=None if old.status == "open" else amount))
        carried[str(old.id)] = {str(p.id): None if old.status == "open" else str(a)
                                for p, a in held.items()}
    severe = [f for f in fresh if _score(f) >= rules.min_score]
    months = {f.period_start for f in severe}
    paid = {m: _paid_in(s, run.id, m) for m in months}
    kept, over = within_budget(severe, paid, rules.per_thousand)
    opened = []
    for f in kept:
        blocking = f.value_at_risk >= rules.hold_from
        case = _case(run, f, status="open", blocking=blocking)
        if blocking:
            case.holds = [CaseHold(payout_id=p.id) for p in _payouts_of(s, run.id, f)]
        opened.append(case)
    dropped = [_case(run, f, status="dropped", blocking=False,
                     note=f"over the alert budget of {f.period_start:%Y-%m}: "
                          f"{budget(paid[f.period_start], rules.per_thousand)} cases for "
                          f"{paid[f.period_start]} participants paid") for f in over]
    dropped += [_case(run, f, status="dropped", blocking=False,
                      note=f"score {f.score} below the severity {rules.min_score}")
                for f in fresh if _score(f) < rules.min_score]
    s.add_all(opened + dropped)
    s.flush()
    record(s, actor="engine", action="cases.opened", subject_type="run", subject_id=run.id,
           details={"opened": {str(c.id): {"finding": c.finding_id,
                                           "value_at_risk": c.value_at_risk,
                                           "blocking": c.blocking,
                                           "holds": [h.payout_id for h in c.holds]}
                               for c in opened},
                    "dropped": sorted(c.finding_id for c in dropped),
                    "carried": carried, "per_thousand": rules.per_thousand})
    return Opened(len(opened), len(dropped), len(carried))
