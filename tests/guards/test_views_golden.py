"""Stacking and margin by SKU and region, worked by hand, on DuckDB and Spark."""

from __future__ import annotations

from decimal import Decimal as D

from guard_bench import costed, program

from schemeops.guards.views import GroupRow, views


def test_two_stacked_programs_on_one_sku_one_region(backend):
    # D2 (South) sells B1: 1 unit at 1,000; a (10% of all) and b (15% of B1) both feed it:
    # 1 − 0.9 × 0.85 = 0.235, at the 20% warning, under the 25% block; pocket 765 against
    # cost 500: 765 ÷ 500 = 1.53, above the 1.05 floor.
    # D1 (North) sells A1: 2 units at 400; only a feeds it: 10%, pocket 360 against cost
    # 2 × 200 = 400: 360 ÷ 400 = 0.9, below the floor.
    # Highest discount first puts B1 before A1 and South before North (not their names' order).
    wh = costed(backend, "500.00")
    for row in wh.rows["products"]:
        if row["sku"] == "A1":
            row["unit_cost"] = D("200.00")
    for row in wh.rows["participants"]:
        row["region"] = {"D1": "North", "D2": "South"}.get(row["participant_id"])
    data = wh.sale("I1", "2026-10-05", "D2", "O5", "B1", "1", "1000.00") \
        .sale("I2", "2026-10-06", "D1", "O1", "A1", "2", "400.00").data()
    v = views(program("a", "0.10"), [program("b", "0.15", products="sku = 'B1'")], data)
    stacked = (1, 1, D("0.235"), 1, 0, D("1.53"), 0)
    single = (1, 0, D("0.1"), 0, 0, D("0.9"), 1)
    assert v.shift == 0
    assert v.by_sku == [GroupRow("B1", *stacked), GroupRow("A1", *single)]
    assert v.by_region == [GroupRow("South", *stacked), GroupRow("North", *single)]


def test_a_program_paying_on_no_line_has_empty_views(backend):
    # a fixed amount pays on no sale line: nothing to group
    data = costed(backend).sale("I1", "2026-10-05", "D1", "O1", "A1", "1", "1000.00").data()
    fixed = program("a", "0.10").model_copy(update={"components": ()})
    v = views(fixed, [], data)
    assert (v.by_sku, v.by_region) == ([], [])
