"""Invariants of payouts under random inputs (hypothesis)."""

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payout_support import run

SETTINGS = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
amounts = st.integers(min_value=0, max_value=5_000_000).map(lambda p: D(p) / 100)


def _sales(wh, values):
    for i, (dist, outlet, value) in enumerate(zip(("D1", "D2", "D3"), ("O1", "O5", "O7"),
                                                  values, strict=False)):
        if value > 0:
            wh.sale(f"I{i}", "2026-10-05", dist, outlet, "A1", "1", f"{value:.2f}")


@SETTINGS
@given(breaks=st.lists(st.integers(0, 40_000), min_size=1, max_size=4, unique=True),
       rates=st.lists(st.integers(1, 200), min_size=4, max_size=4),
       low=amounts, extra=amounts)
def test_step_payouts_never_fall_as_actuals_rise(make_warehouse, breaks, rates, low, extra):
    """With slab rates that do not fall from one slab to the next, a higher actual never
    earns less (D2 sells `extra` more than D1)."""
    wh = make_warehouse()
    _sales(wh, [low, low + extra])
    slabs = ", ".join(f"{{from: {b}, rate: {r / 1000}}}" for b, r in
                      zip(sorted(breaks), sorted(rates), strict=False))
    out = run("id: t\nname: T\nperiod: {start: 2026-10-01, end: 2026-10-31}\n"
              "kpis: [{id: v, kind: volume}]\ncomponents:\n  - id: c\n    kpi: v\n"
              f"    on: actual\n    slabs: [{slabs}]", wh)
    assert out.payout("D1") <= out.payout("D2")


@SETTINGS
@given(values=st.lists(amounts, min_size=3, max_size=3),
       budget=st.integers(min_value=1, max_value=10_000_000).map(lambda p: D(p) / 100))
def test_total_payout_never_exceeds_the_budget(make_warehouse, values, budget):
    """10% of value with a budget: the total never exceeds it, equals it when the claims
    exceed it, and no payout is negative or above its claim."""
    wh = make_warehouse()
    _sales(wh, values)
    out = run("id: t\nname: T\nperiod: {start: 2026-10-01, end: 2026-10-31}\n"
              "kpis: [{id: v, kind: volume}]\ncomponents:\n  - id: c\n    kpi: v\n"
              f"    on: actual\n    slabs: [{{from: 0, rate: 0.1}}]\ncaps: {{budget: {budget}}}",
              wh)
    claims = {p: (v * D("0.1")).quantize(D("0.01"), ROUND_HALF_UP)
              for p, v in zip(("D1", "D2", "D3"), values, strict=True)}
    paid = {p: out.payout(p) for p in claims}
    assert sum(paid.values()) <= budget
    if sum(claims.values()) > budget:
        assert sum(paid.values()) == budget
    assert all(D(0) <= paid[p] <= claims[p] for p in claims)


@SETTINGS
@given(tiers=st.sets(st.sampled_from(["gold", "silver", "bronze"]), min_size=1),
       member=st.lists(st.sampled_from(["gold", "silver", "bronze"]), min_size=3, max_size=3),
       values=st.lists(amounts, min_size=3, max_size=3))
def test_a_participant_who_is_not_eligible_never_earns(make_warehouse, tiers, member, values):
    """Only participants whose tier is listed appear in the outputs (and so earn)."""
    wh = make_warehouse()
    for row in wh.rows["participants"]:
        if row["participant_id"] in ("D1", "D2", "D3"):
            row["tier"] = member[int(row["participant_id"][1]) - 1]
    _sales(wh, values)
    listed = ", ".join(f"'{t}'" for t in sorted(tiers))
    out = run("id: t\nname: T\nperiod: {start: 2026-10-01, end: 2026-10-31}\n"
              f"participants: {{where: \"tier in ({listed})\"}}\n"
              "kpis: [{id: v, kind: volume}]\ncomponents:\n  - id: c\n    kpi: v\n"
              "    on: actual\n    slabs: [{from: 0, rate: 0.1}]", wh)
    eligible = {p for p, t in zip(("D1", "D2", "D3"), member, strict=True) if t in tiers}
    assert out.participants == eligible
    assert {r["participant_id"] for r in out.components} <= eligible


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_outputs_identical_when_input_rows_are_shuffled(make_warehouse, seed):
    """A program using every kind of construct gives the same rows in the same order on
    shuffled input tables."""
    wh = make_warehouse()
    for i, (dist, outlet, sku, value) in enumerate([
            ("D1", "O1", "A1", "1200.00"), ("D1", "O2", "B1", "800.00"),
            ("D1", "O3", "A2", "50.00"), ("D2", "O5", "A1", "3000.00"),
            ("D2", "O6", "C1", "10.00"), ("D3", "O7", "B1", "999.99")]):
        wh.sale(f"I{i}", f"2026-10-{i + 3:02d}", dist, outlet, sku, "3", value)
    wh.sale("I9", "2026-09-20", "D1", "O1", "A1", "1", "1000.00")
    program = ("id: t\nname: T\nperiod: {start: 2026-10-01, end: 2026-10-31}\n"
               "kpis: [{id: v, kind: volume}, {id: m, kind: billed_outlets, min_value: 100}]\n"
               "targets: {v: {history: {basis: previous_period}, uplift: {default: 0.1}, "
               "floor: 500}}\ncomponents:\n  - id: c\n    kpi: v\n"
               "    slabs: [{from: 0.5, rate: 0.01}, {from: 1, rate: 0.02}]\n"
               "  - id: d\n    kpi: m\n    on: actual\n    slabs: [{from: 1, per_unit: 7}]\n"
               "caps: {budget: 60}")
    assert run(program, wh, shuffle=seed) == run(program, wh)
