"""Property: the order of the input rows never changes any KPI's result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ibis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from schemeops.engine.kpis import compute_kpi
from schemeops.program.model import Kpi

TIERS = [{"days": 10, "rate": "0.02"}, {"days": 20, "rate": "0.015"}]
KPIS = [
    {"kind": "volume", "rollup": "subtree"},
    {"kind": "billed_channels", "rollup": "subtree"},
    {"kind": "outstanding", "mode": "reduction", "overdue_only": True},
    {"kind": "net_channel_addition", "lookback_days": 30},
    {"kind": "reactivated_outlets", "inactive_min_days": 20, "inactive_max_days": 60},
    {"kind": "early_payment", "tiers": TIERS},
    {"kind": "early_payment", "tiers": TIERS, "pro_rata": True},
    {"kind": "upsell", "mode": "mix_share", "segment": "premium"},
    {"kind": "upsell", "mode": "bundle", "bundle": ["A1", "B1"]},
    {"kind": "metric", "table": "sales", "agg": "avg", "expr": "net_amount"},
]
WINDOWS = [("2024-09-01", "2024-09-30"), ("2024-10-01", "2024-10-31"),
           ("2024-11-01", "2024-11-30")]
BASE = dt.date(2024, 8, 1)

days = st.integers(0, 120).map(lambda n: (BASE + dt.timedelta(days=n)).isoformat())
cents = st.integers(-500, 3000).filter(bool).map(lambda c: Decimal(c).scaleb(-2))
sellers = st.sampled_from(["D1", "D2", "D3", "S1"])
sales = st.lists(st.tuples(st.integers(1, 6), days, sellers, st.sampled_from(
    [f"O{i}" for i in range(1, 9)]), st.sampled_from(["A1", "A2", "B1", "C1"]), cents),
    max_size=30)
primary = st.lists(st.tuples(st.integers(1, 4), days, sellers,
                             st.integers(1, 50000).map(lambda c: Decimal(c).scaleb(-2))),
                   max_size=10)
payments = st.lists(st.tuples(st.integers(0, 5), days,
                              st.integers(1, 30000).map(lambda c: Decimal(c).scaleb(-2))),
                    max_size=12)


def _results(wh, shuffle):
    data = wh.data(shuffle)
    periods = wh.periods(*WINDOWS)
    parts = []
    for i, k in enumerate(KPIS):  # one expression per KPI of the list, executed together
        t = compute_kpi(TypeAdapter(Kpi).validate_python({"id": "k", **k}), data, periods)
        parts.append(t.mutate(kpi=ibis.literal(i), actual=t.actual.cast("string")))
    rows = ibis.union(*parts).to_pyarrow().to_pylist()
    return sorted((r["kpi"], r["participant_id"], r["period_no"], r["actual"]) for r in rows)


# No shrinking: each example runs every KPI twice, so shrinking a failure takes minutes.
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sales=sales, primary=primary, payments=payments, seed=st.integers(0, 2**32))
def test_shuffling_rows_changes_no_kpi(make_warehouse, sales, primary, payments, seed):
    wh = make_warehouse()
    for n, (inv, date, dist, outlet, sku, amount) in enumerate(sales):
        kind = "return" if amount < 0 else "invoice"
        wh.sale(f"{kind[0]}{dist}{inv}-{n % 2}", date, dist, outlet, sku,
                str(amount / 10), str(amount), doc_type=kind)
    invoices = []
    for inv, date, dist, amount in primary:
        wh.primary(f"P{dist}{inv}", date, dist, str(amount))
        invoices.append((f"P{dist}{inv}", dist))
    for n, (which, date, amount) in enumerate(payments):
        inv, dist = invoices[which % len(invoices)] if invoices and which else (None, "D1")
        wh.pay(f"Y{n:03d}", dist, inv, date, str(amount))
    assert _results(wh, None) == _results(wh, seed)
