"""Invariants: findings do not depend on the currency unit; the scorer scores labels as
findings perfectly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_detectors import _run, _steady, _stuff

from engine.conftest import Warehouse
from schemeops.detect.finding import Finding
from schemeops.detect.month_end_stuffing import month_end_stuffing
from schemeops.detect.sales_jump import sales_jump
from schemeops.detect.score import Label, score


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(factor=st.sampled_from([Decimal("0.5"), Decimal("3"), Decimal("40")]),
       jump=st.integers(1, 6), stuffed=st.booleans())
def test_findings_do_not_change_with_the_money_unit(factor, jump, stuffed):
    # Scores use ratios, logs and shares only: every amount × factor flags the same months.
    def flagged(f):
        wh = Warehouse()
        _steady(wh, scale={("D2", "2026-05"): jump})
        if stuffed:
            _stuff(wh, 5000, 4000)
        for r in wh.rows["sales"]:
            r["net_amount"] = (r["net_amount"] * f).quantize(Decimal("0.01"))
        return (_run(wh, sales_jump)[0], _run(wh, month_end_stuffing)[0])

    assert flagged(factor) == flagged(Decimal(1))


KINDS = ["sales_jump", "month_end_stuffing", "dummy_outlets"]


@given(st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(["D1", "D2", "D3"]),
                          st.integers(1, 12)), min_size=1, max_size=12, unique=True))
def test_findings_equal_to_the_labels_score_one(items):
    labels = [Label(k, p, dt.date(2026, m, 1), dt.date(2026, m, 28)) for k, p, m in items]
    findings = [Finding(f"{x.kind}:{x.participant_id}:{x.period_start}", x.kind,
                        x.participant_id, x.period_start, x.period_end, 1.0,
                        Decimal("0.00"), ()) for x in labels]
    for s in score(findings, labels, KINDS):
        assert s.labels == s.findings
        if s.labels:
            assert s.recall == 1.0 and s.precision == 1.0
