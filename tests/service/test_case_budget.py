"""The alert budget: per month at most floor(30 × participants / 1,000) cases (at least
one), the highest scores kept, every dropped finding still recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st
from service_support import live_version
from sqlalchemy import insert, select

from schemeops.detect.finding import Finding
from schemeops.service.case_open import open_cases
from schemeops.service.case_rules import CaseRules, budget, within_budget
from schemeops.store.models import AuditEntry, Case, Payout, Run

JUNE, JULY = dt.date(2026, 6, 1), dt.date(2026, 7, 1)


def _finding(n: int, score: float, month: dt.date = JUNE, risk: str = "10.00") -> Finding:
    end = dt.date(month.year, month.month, 30 if month.month == 6 else 31)
    return Finding(finding_id=f"sales_jump:P{n:05d}:{month:%Y-%m}", kind="sales_jump",
                   participant_id=f"P{n:05d}", period_start=month, period_end=end,
                   score=score, value_at_risk=D(risk), evidence=())


def test_budget_examples():
    """30 per 1,000: 2,000 → 60; 1,010 → 30 (floor of 30.3); 10 → 1 (never 0)."""
    assert [budget(n, 30) for n in (2000, 1010, 10, 0)] == [60, 30, 1, 1]
    assert budget(2000, 5) == 10


@settings(max_examples=200, deadline=None)
@given(scores=st.lists(st.tuples(st.integers(1, 400), st.booleans()), max_size=150),
       participants=st.integers(0, 5000), per_thousand=st.integers(1, 60))
def test_budget_keeps_the_highest_scores(scores, participants, per_thousand):
    """Whatever the findings: each month keeps at most its budget, every kept finding
    scores at least as high as every dropped one of its month, and none is lost."""
    findings = [_finding(n, 1 + s / 100, JULY if july else JUNE)
                for n, (s, july) in enumerate(scores)]
    kept, dropped = within_budget(findings, {JUNE: participants, JULY: participants},
                                  per_thousand)
    assert sorted(f.finding_id for f in kept + dropped) == sorted(f.finding_id
                                                                  for f in findings)
    limit = budget(participants, per_thousand)
    for m in (JUNE, JULY):
        k = [f.score for f in kept if f.period_start == m]
        d = [f.score for f in dropped if f.period_start == m]
        assert len(k) <= limit
        assert len(k) == min(limit, len(k) + len(d))
        assert not k or not d or min(k) >= max(d)


def test_two_thousand_paid_and_a_hundred_findings_open_sixty(app, team):
    """A run paying 2,000 participants in June; 100 findings scoring 1.00 … 1.99: the 60
    highest (1.40 … 1.99) open, the 40 lowest are recorded as dropped with the reason, and
    the audit entry lists them."""
    version = live_version(app, team, _PROGRAM)
    with app.sessions.begin() as s:
        run = Run(kind="calculation", status="succeeded", started_by=team.approver.user_id)
        s.add(run)
        s.flush()
        s.execute(insert(Payout), [{
            "run_id": run.id, "version_id": version, "program_id": "p",
            "participant_id": f"P{n:05d}", "period_start": JUNE,
            "period_end": dt.date(2026, 6, 30), "amount": D("100.00"),
            "reference": f"SO-{run.id}-p-P{n:05d}"} for n in range(2000)])
        findings = [_finding(n, 1 + n / 100) for n in range(100)]
        opened = open_cases(s, run, findings, CaseRules())
        assert (opened.opened, opened.dropped) == (60, 40)
        by = {st: sorted(sc for x, sc in s.execute(select(Case.status, Case.score)) if x == st)
              for st in ("open", "dropped")}
        assert (by["open"][0], by["open"][-1]) == (D("1.40"), D("1.99"))
        assert (by["dropped"][0], by["dropped"][-1]) == (D("1.00"), D("1.39"))
        note = s.scalars(select(Case.note).where(Case.status == "dropped")).first()
        assert note == "over the alert budget of 2026-06: 60 cases for 2000 participants paid"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "cases.opened")).one()
        assert entry.details.count("sales_jump:") == 100


_PROGRAM = """id: p
name: any live program (the payouts above are inserted directly)
period: {start: 2026-06-01, end: 2026-06-30}
kpis:
  - {id: sales, kind: volume}
components:
  - {id: bonus, kpi: sales, on: actual, slabs: [{from: 0, rate: 0.01}]}
"""
