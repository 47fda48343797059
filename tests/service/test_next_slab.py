"""What the next slab pays more, worked out by hand from the program and the stored row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from schemeops.engine.story import Row
from schemeops.program.model import Component
from schemeops.service.next_slab import next_slab_gain

DAY = dt.date(2026, 10, 1)


def _row(**kw: object) -> Row:
    return Row(program_id="p", participant_id="D1", period_start=DAY, period_end=DAY,
               period_no=1, **kw)


def _kpi(actual: str, target: str | None = None) -> Row:
    return _row(row="kpi", kpi="k", actual=D(actual), target=D(target) if target else None)


def _component(slabs: list[dict], **kw: object) -> Component:
    return Component.model_validate({"id": "c", "kpi": "k", "slabs": slabs, **kw})


def test_a_fixed_amount_slab_pays_the_difference():
    c = _component([{"from": 0.9, "amount": 2000}, {"from": 1.0, "amount": 5000}])
    r = _row(row="component", component="c", kpi="k", shape="step", slab=1, slabs=2,
             next_break=D("1.0"), amount=D("2000.00"))
    assert next_slab_gain(c, r, {"k": _kpi("19", "20")}) == D("3000.00")


def test_a_rate_slab_pays_on_the_base_at_the_break():
    """On attainment of sales 90,000 against 1,00,000: at 1.0 the base is at least 1,00,000,
    so 2% pays 2,000 where 1% on 90,000 pays 900 now: 1,100 more."""
    c = _component([{"from": 0.9, "rate": 0.01}, {"from": 1.0, "rate": 0.02}])
    r = _row(row="component", component="c", kpi="k", shape="step", slab=1, slabs=2,
             next_break=D("1.0"), amount=D("900.00"))
    assert next_slab_gain(c, r, {"k": _kpi("90000", "100000")}) == D("1100.00")


def test_on_actual_the_break_is_the_base():
    c = _component([{"from": 10, "per_unit": 100}, {"from": 20, "per_unit": 150}], on="actual")
    r = _row(row="component", component="c", kpi="k", shape="step", slab=1, slabs=2,
             next_break=D("20"), amount=D("1400.00"))
    assert next_slab_gain(c, r, {"k": _kpi("14")}) == D("1600.00")  # 20 × 150 − 1,400


def test_the_cap_and_the_multiplier_apply():
    c = _component([{"from": 0, "amount": 1000}, {"from": 1, "amount": 5000}])
    r = _row(row="component", component="c", kpi="k", shape="step", slab=1, slabs=2,
             next_break=D("1"), amount=D("1500.00"), multiplier=D("1.5"),
             cap_limit=D("6000.00"))
    assert next_slab_gain(c, r, {"k": _kpi("0.5", "1")}) == D("4500.00")  # min(7,500, 6,000)


def test_no_figure_where_one_would_mislead():
    k = {"k": _kpi("5", "10")}
    step = _row(row="component", component="c", kpi="k", shape="step", slab=1, slabs=2,
                next_break=D("1"), amount=D("10.00"))
    marginal = _component([{"from": 0, "rate": 0.01}, {"from": 1, "rate": 0.02}],
                          mode="marginal", on="actual")
    free = _component([{"from": 0, "amount": 10}, {"from": 1, "free_units": 2}],
                      free={"sku": "S1"})
    assert next_slab_gain(marginal, step, k) is None
    assert next_slab_gain(free, step, k) is None
    top = _row(row="component", component="c", kpi="k", shape="step", slab=2, slabs=2,
               amount=D("10.00"))
    assert next_slab_gain(_component([{"from": 0, "amount": 10}, {"from": 1, "amount": 20}]),
                          top, k) is None
    capped = _row(row="component", component="c", kpi="k", shape="step", slab=1, slabs=2,
                  next_break=D("1"), amount=D("10.00"), capped=True)
    assert next_slab_gain(_component([{"from": 0, "amount": 10}, {"from": 1, "amount": 20}]),
                          capped, k) is None
