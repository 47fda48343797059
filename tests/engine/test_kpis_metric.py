"""Golden tests: the generic metric, every aggregate, its filter, and the payments table."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from pydantic import TypeAdapter

from schemeops.engine.kpis import KpiError, kpi_scale
from schemeops.engine.kpis.metric import metric_scale
from schemeops.program.model import Kpi

OCT = ("2024-10-01", "2024-10-31")


@pytest.fixture
def lines(wh):
    """D1: 100.00 (O1), 50.00 (O1), −20.00 return (O2); D2: 30.00 (O5); S1: 9.99 (O8)."""
    wh.sale("I1", "2024-10-02", "D1", "O1", "A1", "2", "100.00")
    wh.sale("I2", "2024-10-03", "D1", "O1", "B1", "1", "50.00")
    wh.ret("R1", "2024-10-04", "D1", "O2", "A1", "-1", "-20.00")
    wh.sale("I3", "2024-10-05", "D2", "O5", "A2", "3", "30.00")
    wh.sale("I4", "2024-10-06", "S1", "O8", "A1", "1", "9.99")
    wh.sale("I5", "2024-11-01", "D1", "O1", "A1", "1", "1000.00")   # outside
    return wh


def _metric(**kw):
    return TypeAdapter(Kpi).validate_python({"id": "k", "kind": "metric", "table": "sales",
                                              **kw})


def _m(wh, agg, expr="1", **kw):
    return wh.kpi({"kind": "metric", "table": "sales", "agg": agg, "expr": expr, **kw}, OCT)


def test_metric_sum(lines):
    # D1 100 + 50 − 20 = 130.00; D2 30.00; R1 (direct: D1, D2) 160.00; M1 160.00.
    r = _m(lines, "sum", "net_amount")
    assert r == {("D1", 1): D("130.00"), ("D2", 1): D("30.00"), ("S1", 1): D("9.99"),
                 ("R1", 1): D("160.00"), ("M1", 1): D("160.00")}


def test_metric_sum_with_where_and_subtree(lines):
    # invoices only: D1 150.00; subtree R1 = 150 + 30 + 9.99 = 189.99.
    r = _m(lines, "sum", "net_amount", where="doc_type = 'invoice'", rollup="subtree")
    assert r[("D1", 1)] == D("150.00")
    assert r[("R1", 1)] == D("189.99")


def test_metric_sum_of_expression(lines):
    # quantity × 2: D1 (2 + 1 − 1) × 2 = 4.000, with quantity's 3 places (was 4.000000: the
    # integer 2 was widened to 3 places before multiplying).
    r = _m(lines, "sum", "quantity * 2")
    assert str(r[("D1", 1)]) == "4.000"
    # net_amount × quantity keeps 2 + 3 places: D1 100×2 + 50×1 + (−20)×(−1) = 270.00000.
    assert str(_m(lines, "sum", "net_amount * quantity")[("D1", 1)]) == "270.00000"


def test_metric_count(lines):
    # rows: D1 3, D2 1; R1 4.
    r = _m(lines, "count")
    assert (r[("D1", 1)], r[("D2", 1)], r[("R1", 1)]) == (D("3"), D("1"), D("4"))


def test_metric_count_distinct(lines):
    # distinct outlets: D1 {O1, O2} 2; R1 over the rows of D1 and D2 {O1, O2, O5} 3.
    r = _m(lines, "count_distinct", "outlet_id")
    assert (r[("D1", 1)], r[("R1", 1)]) == (D("2"), D("3"))


def test_metric_min_max(lines):
    # D1 min −20.00, max 100.00; R1 over D1 and D2 rows: min −20.00, max 100.00; D2 30.00.
    lo, hi = _m(lines, "min", "net_amount"), _m(lines, "max", "net_amount")
    assert (lo[("D1", 1)], hi[("D1", 1)]) == (D("-20.00"), D("100.00"))
    assert (lo[("R1", 1)], hi[("R1", 1)]) == (D("-20.00"), D("100.00"))
    assert lo[("D2", 1)] == hi[("D2", 1)] == D("30.00")


def test_metric_avg(lines):
    # D1 130.00 / 3 = 43.33333… → 43.3333; R1 160.00 / 4 = 40.0000 (the rows' average,
    # not the average of the averages).
    r = _m(lines, "avg", "net_amount")
    assert (r[("D1", 1)], r[("R1", 1)]) == (D("43.3333"), D("40.0000"))


def test_metric_avg_rounds_half_up(wh):
    # D3: 8 payments summing 0.09 → 0.01125 → 0.0113 (half-up; half-even would give 0.0112).
    wh.pay("Y0", "D3", None, "2024-10-01", "0.02")
    for i in range(1, 8):
        wh.pay(f"Y{i}", "D3", None, "2024-10-02", "0.01")
    r = wh.kpi({"kind": "metric", "table": "payments", "agg": "avg", "expr": "amount"}, OCT)
    assert r[("D3", 1)] == D("0.0113")


def test_metric_on_payments_by_paid_on(wh):
    # payments dated in October: D1 40.00 + 60.00 = 100.00 (the 30 Sep one is outside).
    wh.pay("Y1", "D1", None, "2024-10-01", "40.00")
    wh.pay("Y2", "D1", None, "2024-10-31", "60.00")
    wh.pay("Y3", "D1", None, "2024-09-30", "70.00")
    r = wh.kpi({"kind": "metric", "table": "payments", "agg": "sum", "expr": "amount"}, OCT)
    assert r[("D1", 1)] == D("100.00")


def test_metric_scales():
    def scale(**kw):
        return kpi_scale(_metric(**kw))

    assert scale(agg="count") == 0
    assert scale(agg="sum", expr="quantity") == 3
    assert scale(agg="max", expr="net_amount") == 2
    assert scale(agg="avg", expr="net_amount") == 4
    assert scale(agg="sum") == 0
    assert scale(agg="sum", expr="quantity * 2") == 3
    assert scale(agg="min", expr="2 * net_amount - 1") == 2
    assert scale(agg="max", expr="net_amount * quantity") == 5


def test_metric_refuses_inexact_expression():
    with pytest.raises(KpiError, match="exact"):
        metric_scale(_metric(agg="sum", expr="net_amount / quantity"))


def test_metric_avg_of_a_quotient_is_refused_not_truncated(lines):
    """avg of `net_amount / quantity` (D1: 50, 50, 20 → 40.0000) came out as a double whose
    sum was cut to a whole number; like sum, min and max, avg needs an exact expression."""
    with pytest.raises(KpiError, match="exact"):
        _m(lines, "avg", "net_amount / quantity")
    with pytest.raises(KpiError, match="exact"):
        _m(lines, "avg", "outlet_id")
