"""Invariants: findings do not depend on the currency unit; the scorer scores labels as
findings perfectly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_detectors import _run, _steady, _stuff
from test_detectors_more import _claims

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


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["CL1", "CL2", "CL3"]), st.sampled_from(["I1", "I2"]),
                          st.sampled_from(["A1", "A2"]), st.integers(1, 9)),
                max_size=8, unique_by=lambda r: r[:3]))
def test_duplicate_claims_risk_is_every_repeat_after_the_first_claim(rows):
    # Oracle: per (invoice, sku), the claims after the earliest one (CL1 < CL2 < CL3 in
    # submission) are claimed again; their amounts are the value at risk.
    wh = Warehouse()
    for inv in ("I1", "I2"):
        for sku in ("A1", "A2"):
            wh.sale(inv, "2026-06-10", "D1", "O1", sku, "1", "100.00")
    sub = {"CL1": "2026-07-05", "CL2": "2026-08-05", "CL3": "2026-09-05"}
    claims = [(c, i + 1, "D1", "P", inv, sku, f"{a}.00", sub[c])
              for i, (c, inv, sku, a) in enumerate(rows)]
    first = {}
    for c, _, _, _, inv, sku, _, _ in sorted(claims, key=lambda r: r[0]):
        first.setdefault((inv, sku), c)
    want = sum(Decimal(a) for c, _, _, _, inv, sku, a, _ in claims if first[(inv, sku)] != c)
    flagged, risk = _claims(wh, claims)
    june = ("D1", dt.date(2026, 6, 1))
    assert flagged == ({june} if want else set())
    assert risk.get(june, Decimal(0)) == want
