"""Golden cases for `per: invoice` (per-bill slabs), on DuckDB and Spark: expected numbers
worked out by hand in each docstring.

Default test network (see conftest): distributors D1, D2 under rep R1, D3 under rep R2, all
under manager M1; D1's outlets are O1..O4, D2's O5..O6, D3's O7.
"""

from decimal import Decimal as D

from payout_support import run

from schemeops.engine.explain import explain
from schemeops.engine.per_invoice import bill_story
from schemeops.program.parse import parse_program

HEAD = """\
id: t
name: T
period: {start: 2026-10-01, end: 2026-10-31}
kpis: [{id: value, kind: volume}]
"""
SLABS = """
    slabs:
      - {from: 0, rate: 0}
      - {from: 5000, rate: 0.01}
      - {from: 20000, rate: 0.02}
"""


def program(*, per: bool = True, mode: str = "step", more: str = "", head: str = HEAD) -> str:
    """One component on `value` with the 0 / 1% from 5,000 / 2% from 20,000 slabs."""
    return (head + "components:\n  - id: c\n    kpi: value\n    on: actual\n"
            f"    mode: {mode}\n" + ("    per: invoice\n" if per else "") + more + SLABS)


def ret(wh, inv: str, date: str, dist: str, outlet: str, amount: str, ref: str | None):
    """A return line of `amount` (negative) referencing invoice `ref`."""
    wh.ret(inv, date, dist, outlet, "A1", "-1", amount)
    wh.rows["sales"][-1]["ref_invoice_id"] = ref


def three_bills(wh) -> None:
    """D1's bills I1 4,000, I2 6,000 (two lines), I3 25,000 in October."""
    wh.sale("I1", "2026-10-03", "D1", "O1", "A1", "40", "4000.00")
    wh.sale("I2", "2026-10-09", "D1", "O2", "A1", "20", "2000.00")
    wh.sale("I2", "2026-10-09", "D1", "O2", "C1", "40", "4000.00")
    wh.sale("I3", "2026-10-20", "D1", "O3", "A1", "250", "25000.00")


def test_each_bill_is_tiered_from_zero_and_the_amounts_added(wh2):
    """Per bill: I1 4,000 → slab 1 (0%) = 0; I2 6,000 → 1% = 60.00; I3 25,000 → 2% = 500.00;
    total 560.00, 2 of 3 bills paid, base Σ bills = 35,000.00.
    The same slabs on the period's whole 35,000: 2% = 700.00."""
    three_bills(wh2)
    out = run(program(), wh2)
    row = out.component("D1", "c")
    assert (row["amount"], row["base"]) == ("560.00", "35000.00")
    assert row["note"] == "per invoice: 2 of 3 invoices paid"
    assert row["rate"] == "0 from 0, 0.01 from 5000, 0.02 from 20000"
    assert out.payout("D1") == D("560.00")
    assert out.payout("D2") == D("0.00")
    assert out.component("D2", "c")["note"] == "per invoice: 0 of 0 invoices paid"
    assert run(program(per=False), wh2).payout("D1") == D("700.00")


def test_a_return_nets_its_own_bill_of_the_same_period_only(wh2):
    """October and November. Returns dated in October:
    R1 −6,000 of I3 (25,000 → 19,000: below the 20,000 break, 1% = 190.00);
    R2 −1,000 of I1 (4,000 → 3,000: still 0); R3 −2,000 of I0, a September bill, and R4 −500
    with no reference: they belong to no October bill.
    I4 1,000 returned in full (R5 −1,000): value 0, pays 0 but is one of the bills.
    October: 0 + 60 + 190 + 0 = 250.00, 2 of 4 paid; base 3,000 + 6,000 + 19,000 = 28,000.00
    (I4's 0 adds nothing). The KPI nets every return: 36,000 − 9,500 − 1,000 (I0's 1,000 is
    September's) = 25,500.00.
    November: R6 −10,000 of I2 (an October bill) changes neither October nor any November bill;
    I5 20,000 on 2 November pays 2% = 400.00, 1 of 1."""
    three_bills(wh2)
    wh2.sale("I0", "2026-09-20", "D1", "O1", "A1", "10", "1000.00")
    wh2.sale("I4", "2026-10-25", "D1", "O4", "A1", "10", "1000.00")
    wh2.sale("I5", "2026-11-02", "D1", "O4", "A1", "200", "20000.00")
    ret(wh2, "R1", "2026-10-28", "D1", "O3", "-6000.00", "I3")
    ret(wh2, "R2", "2026-10-28", "D1", "O1", "-1000.00", "I1")
    ret(wh2, "R3", "2026-10-05", "D1", "O1", "-2000.00", "I0")
    ret(wh2, "R4", "2026-10-06", "D1", "O1", "-500.00", None)
    ret(wh2, "R5", "2026-10-26", "D1", "O4", "-1000.00", "I4")
    ret(wh2, "R6", "2026-11-03", "D1", "O2", "-10000.00", "I2")
    head = HEAD.replace("2026-10-31}", "2026-10-31, recurrence: {every_months: 1, count: 2}}")
    out = run(program(head=head), wh2)
    oct_, nov = out.component("D1", "c", "2026-10-01"), out.component("D1", "c", "2026-11-01")
    assert (oct_["amount"], oct_["base"], oct_["note"]) == (
        "250.00", "28000.00", "per invoice: 2 of 4 invoices paid")
    assert (nov["amount"], nov["note"]) == ("400.00", "per invoice: 1 of 1 invoices paid")
    kpis = {(r["period_start"].isoformat(), r["kpi"]): r["actual"] for r in out.kpis
            if r["participant_id"] == "D1"}
    assert kpis[("2026-10-01", "value")] == "25500.00"


def test_marginal_per_bill_rounds_each_bill(wh2):
    """Marginal per bill, 0 to 5,000 / 1% to 20,000 / 2% above:
    I1 6,000 → 1,000 × 1% = 10.00; I2 25,000 → 15,000 × 1% + 5,000 × 2% = 250.00;
    I3 and I4 5,000.50 each → 0.50 × 1% = 0.005 → 0.01 each (half-up per bill).
    Total 10 + 250 + 0.01 + 0.01 = 260.02. The period's whole 41,001.00 marginal:
    15,000 × 1% + 21,001 × 2% = 150 + 420.02 = 570.02."""
    wh2.sale("I1", "2026-10-03", "D1", "O1", "A1", "1", "6000.00")
    wh2.sale("I2", "2026-10-04", "D1", "O1", "A1", "1", "25000.00")
    wh2.sale("I3", "2026-10-05", "D1", "O2", "A1", "1", "5000.50")
    wh2.sale("I4", "2026-10-06", "D1", "O2", "A1", "1", "5000.50")
    out = run(program(mode="marginal"), wh2)
    assert out.component("D1", "c")["amount"] == "260.02"
    assert out.component("D1", "c")["note"] == "per invoice: 4 of 4 invoices paid"
    assert run(program(mode="marginal", per=False), wh2).payout("D1") == D("570.02")


def test_multiplier_and_cap_apply_to_the_sum(wh2):
    """Three bills of 25,000: 3 × 2% × 25,000 = 1,500.00; the multiplier (actual ≥ 50,000)
    makes it 2,250.00; the cap of 2,000 bites → 2,000.00."""
    for i, outlet in enumerate(("O1", "O2", "O3"), 1):
        wh2.sale(f"I{i}", "2026-10-05", "D1", outlet, "A1", "1", "25000.00")
    more = ("    multipliers: [{when: actual(value) >= 50000, factor: 1.5}]\n"
            "    cap: {amount: 2000}\n")
    row = run(program(more=more), wh2).component("D1", "c")
    assert row["amount"] == "2000.00"
    assert row["note"] == ("per invoice: 3 of 3 invoices paid; ×1.5 (actual(value) >= 50000)"
                           "; capped at 2000.00")


def test_reps_and_managers_get_the_bills_of_who_they_manage(wh2):
    """D1 I1 6,000 → 60.00; D2 I2 25,000 → 500.00; D3 I3 4,000 → 0.
    R1 (D1, D2): 560.00, 2 of 2; R2 (D3): 0, 0 of 1; M1 (through its reps, D1..D3): 560.00,
    2 of 3."""
    wh2.sale("I1", "2026-10-03", "D1", "O1", "A1", "1", "6000.00")
    wh2.sale("I2", "2026-10-03", "D2", "O5", "A1", "1", "25000.00")
    wh2.sale("I3", "2026-10-03", "D3", "O7", "A1", "1", "4000.00")
    head = HEAD + "participants: {roles: [distributor, sales_rep, manager]}\n"
    out = run(program(head=head), wh2)
    got = {p: (out.component(p, "c")["amount"], out.component(p, "c")["note"][13:])
           for p in ("D1", "D2", "D3", "R1", "R2", "M1")}
    assert got == {"D1": ("60.00", "1 of 1 invoices paid"),
                   "D2": ("500.00", "1 of 1 invoices paid"),
                   "D3": ("0.00", "0 of 1 invoices paid"),
                   "R1": ("560.00", "2 of 2 invoices paid"),
                   "R2": ("0.00", "0 of 1 invoices paid"),
                   "M1": ("560.00", "2 of 3 invoices paid")}


def test_units_per_bill_free_goods_and_a_segment(wh2):
    """Quantity: bills of 15 and 27 premium units (and 30 economy units on the first bill,
    which the segment leaves out). One free A1 (unit_price 10.00) per 10 units of a bill from
    10: 15 → 1.5 → 1 unit; 27 → 2.7 → 2 units; 3 × 10.00 = 30.00 (the period's 42 units
    would give 4 units = 40.00). Primary bills P1 12 units, P2 30 units at 2 per unit from
    10 and 3 from 25: 24 + 90 = 114.00."""
    wh2.sale("I1", "2026-10-03", "D1", "O1", "A1", "15", "150.00")
    wh2.sale("I1", "2026-10-03", "D1", "O1", "C1", "30", "300.00")
    wh2.sale("I2", "2026-10-04", "D1", "O1", "B1", "27", "270.00")
    wh2.primary("P1", "2026-10-03", "D2", "120.00", qty="12")
    wh2.primary("P2", "2026-10-04", "D2", "300.00", qty="30")
    body = """\
kpis:
  - {id: premium, kind: upsell, mode: segment_volume, segment: premium, measure: quantity}
  - {id: bought, kind: volume, source: primary, measure: quantity}
components:
  - id: free
    kpi: premium
    on: actual
    per: invoice
    slabs: [{from: 10, free_units: 0.1}]
    free: {sku: A1}
  - id: per_unit
    kpi: bought
    on: actual
    per: invoice
    slabs: [{from: 10, per_unit: 2}, {from: 25, per_unit: 3}]
"""
    out = run(HEAD.replace("kpis: [{id: value, kind: volume}]\n", "") + body, wh2)
    assert out.component("D1", "free")["amount"] == "30.00"
    assert out.component("D1", "free")["base"] == "42.000"
    assert out.component("D2", "per_unit")["amount"] == "114.00"


def test_explain_lists_the_bills_that_paid(wh):
    """Explain shows each paying bill (largest first), not the one below 5,000."""
    three_bills(wh)
    text = program()
    p, problems = parse_program(text, "t.yaml")
    assert not problems
    data = wh.data()
    story = explain(p, data, data.sales.get_backend(), "D1")[0]
    line = story.components[0]
    assert line.conditions == ("bill I3 of 2026-10-20: value 25,000.00 → slab 3 of 3 "
                               "(from 20000): 500.00",
                               "bill I2 of 2026-10-09: value 6,000.00 → slab 2 of 3 "
                               "(from 5000): 60.00")
    assert line.next_step is None
    assert "bill I3" in story.render()


def test_bill_story_counts_the_rest():
    """Past the top N, the rest are counted and summed."""
    rows = [{"invoice_id": f"I{i}", "invoice_date": "2026-10-01", "value": D("100.00"),
             "slab": "slab 1 of 1 (from 0)", "amount": D("1.00")} for i in range(13)]
    story = bill_story(rows, top=10)
    assert len(story) == 11 and story[-1] == "and 3 more bills paying 3.00"
