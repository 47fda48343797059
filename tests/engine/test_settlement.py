"""Golden cases: early payment settled net of the discount (`settlement: net`), and the
warnings for invoices short-paid by about a discount, on DuckDB and on Spark.

Tiers throughout: 2 % within 10 days, 1 % within 20 days. Invoices dated 1 Oct 2024, so
"day N" is N days after it (day 8 = 9 Oct).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from decimal import Decimal as D

import ibis

from schemeops.engine.calc import run_calc
from schemeops.engine.explain import explain
from schemeops.engine.runner import ProgramResult, calculate_program
from schemeops.engine.settlement import settlement_warnings, warning_records
from schemeops.program.model import Program
from schemeops.program.parse import parse_program
from schemeops.schema import TABLES

OCT = ("2024-10-01", "2024-10-31")
TIERS = [{"days": 10, "rate": "0.02"}, {"days": 20, "rate": "0.01"}]


def day(text: str) -> dt.date:
    """An ISO date."""
    return dt.date.fromisoformat(text)


def _net(wh2, *, pro_rata: bool = False) -> dict:
    """D1's early-payment actual in October, settled net."""
    kpi = {"kind": "early_payment", "tiers": TIERS, "settlement": "net", "pro_rata": pro_rata}
    return wh2.kpi(kpi, OCT)


def test_net_paid_less_the_2_percent_on_day_8(wh2):
    """110,000.00 invoiced, 107,800.00 paid on day 8: the 2 % tier is in force, its discount
    110,000 × 0.02 = 2,200.00, and 110,000 − 107,800 = 2,200.00 owed ≤ 2,200.00 → complete,
    earns 2,200.00 (rolled up to R1 and M1)."""
    wh2.primary("P1", "2024-10-01", "D1", "110000.00")
    wh2.pay("Y1", "D1", "P1", "2024-10-09", "107800.00")
    assert _net(wh2) == {("D1", 1): D("2200.00"), ("R1", 1): D("2200.00"),
                         ("M1", 1): D("2200.00")}


def test_net_whole_invoice_tier_in_force_decides(wh2):
    """Each distributor has one invoice of 110,000.00 dated 1 Oct, settled net.
    D2: 108,900.00 on day 15 (16 Oct): the 1 % tier is in force, its discount 1,100.00, owed
        110,000 − 108,900 = 1,100.00 ≤ 1,100.00 → complete, earns 1,100.00.
    D3: 107,800.00 on day 15: owed 2,200.00 > 1,100.00 (the 2 % discount lapsed on day 10)
        → not complete, earns 0 (warned: see the warning tests).
    S1: 50,000.00 on day 3, 57,800.00 on day 9: after the second, 107,800.00 paid, owed
        2,200.00 ≤ the 2 % tier's 2,200.00 → complete on day 9, earns 2,200.00.
    R1 = D1 + D2 (S1 reports to D1, a seller) = 1,100.00; R2 = D3 = 0; M1 = 1,100.00."""
    for dist, inv in (("D2", "P2"), ("D3", "P3"), ("S1", "P4")):
        wh2.primary(inv, "2024-10-01", dist, "110000.00")
    wh2.pay("Y2", "D2", "P2", "2024-10-16", "108900.00")
    wh2.pay("Y3", "D3", "P3", "2024-10-16", "107800.00")
    wh2.pay("Y4", "S1", "P4", "2024-10-04", "50000.00")
    wh2.pay("Y5", "S1", "P4", "2024-10-10", "57800.00")
    assert wh2.nonzero(_net(wh2)) == {("D2", 1): D("1100.00"), ("S1", 1): D("2200.00"),
                                      ("R1", 1): D("1100.00"), ("M1", 1): D("1100.00")}


def test_net_pro_rata_credits_each_payment_grossed_up(wh2):
    """pro_rata, settled net: each payment is credited amount ÷ (1 − rate of the tier in
    force), half-up to 2 places (at face when no tier holds), capped at what earlier credits
    leave of the total, and earns that rate on its credit, half-up per payment.
    D1, 110,000.00: 49,000.00 on day 3 → 49,000 ÷ 0.98 = 50,000.00 → 1,000.00;
        29,700.00 on day 15 → ÷ 0.99 = 30,000.00 → 300.00; 40,000.00 on day 25 (no tier)
        → credited 40,000.00 at face, capped at the 30,000.00 left, earns 0. D1 = 1,300.00.
    D2, 1,000.00: 500.00 on day 1 → ÷ 0.98 = 510.2040… → 510.20 → × 0.02 = 10.204 → 10.20;
        490.00 on day 4 → ÷ 0.98 = 500.00, capped at 1,000 − 510.20 = 489.80 → × 0.02
        = 9.796 → 9.80. D2 = 20.00 (2 % of the whole 1,000.00).
    D3, 110,000.00: 50,000.00 on day 3 → 51,020.4081… → 51,020.41 → 1,020.4082 → 1,020.41;
        57,800.00 on day 9 → 58,979.5918… → 58,979.59 (exactly the 58,979.59 left) →
        1,179.5918 → 1,179.59. D3 = 2,200.00, as the whole invoice would earn.
    R1 = D1 + D2 = 1,320.00; R2 = 2,200.00; M1 = 3,520.00."""
    wh2.primary("P1", "2024-10-01", "D1", "110000.00")
    wh2.pay("Y1", "D1", "P1", "2024-10-04", "49000.00")
    wh2.pay("Y2", "D1", "P1", "2024-10-16", "29700.00")
    wh2.pay("Y3", "D1", "P1", "2024-10-26", "40000.00")
    wh2.primary("P2", "2024-10-01", "D2", "1000.00")
    wh2.pay("Y4", "D2", "P2", "2024-10-02", "500.00")
    wh2.pay("Y5", "D2", "P2", "2024-10-05", "490.00")
    wh2.primary("P3", "2024-10-01", "D3", "110000.00")
    wh2.pay("Y6", "D3", "P3", "2024-10-04", "50000.00")
    wh2.pay("Y7", "D3", "P3", "2024-10-10", "57800.00")
    assert _net(wh2, pro_rata=True) == {
        ("D1", 1): D("1300.00"), ("D2", 1): D("20.00"), ("D3", 1): D("2200.00"),
        ("R1", 1): D("1320.00"), ("R2", 1): D("2200.00"), ("M1", 1): D("3520.00")}


_PROGRAM = """\
        id: cash
        name: Cash discount
        participants: {{roles: [distributor, sub_distributor, sales_rep]}}
        period: {{start: 2024-10-01, end: 2024-10-31}}
        kpis:
          - id: disc
            kind: early_payment
            settlement: {settlement}
            tiers:
              - {{days: 10, rate: 0.02}}
              - {{days: 20, rate: 0.01}}
        components:
          - {{id: c, kpi: disc, on: actual, slabs: [{{from: 0, rate: 1}}]}}
        """


def _program(settlement: str) -> Program:
    """October, distributors, sub-distributors and reps; the discount paid as earned."""
    text = _PROGRAM.format(settlement=settlement)
    program, problems = parse_program(textwrap.dedent(text), "cash.yaml")
    assert not problems, problems
    return program


def _warnings(wh2, settlement: str) -> tuple[list[tuple], ProgramResult]:
    """(participant, invoice, tier days, paid, short, discount, warn_on) of each warning."""
    data = wh2.data()
    result = calculate_program(_program(settlement), data)
    rows = settlement_warnings(result, data).to_pyarrow().to_pylist()
    assert {r["period_no"] for r in rows} <= {1}
    return sorted((r["participant_id"], r["invoice_id"], r["tier_days"], r["paid"], r["short"],
                   r["discount"], r["warn_on"]) for r in rows), result


def _short_payers(wh):
    """Invoices of 110,000.00 dated 1 Oct (D3's P5 of 100.00 on 28 Oct), each paid once."""
    for dist, inv, paid_on, amount in (
            ("D1", "P1", "2024-10-09", "107800.00"),   # day 8, less 2 %
            ("D2", "P2", "2024-10-09", "107799.99"),   # day 8, less 2 % and a paisa
            ("D3", "P3", "2024-10-09", "107799.98"),   # day 8, less 2 % and 2 paise
            ("S1", "P4", "2024-10-16", "108900.00")):  # day 15, less 1 %
        wh.primary(inv, "2024-10-01", dist, "110000.00")
        wh.pay("Y" + inv, dist, inv, paid_on, amount)
    wh.primary("P5", "2024-10-28", "D3", "100.00")
    wh.pay("Y5", "D3", "P5", "2024-10-30", "98.00")       # day 2, less 2 %
    return wh


def test_gross_short_payments_are_warned_not_silently_zero(wh2):
    """Settled gross, none of these invoices is paid in full, so each earns 0. Warned when
    the amount paid within a tier's days is ≥ total − discount − 0.01 and < total (the best
    such tier; on the tier's last day):
    D1 P1: within 10 days 107,800.00 ≥ 110,000 − 2,200 − 0.01 = 107,799.99 → 2 % tier,
        short 2,200.00, on 11 Oct.  D2 P2: 107,799.99 ≥ 107,799.99 → warned, short 2,200.01.
    D3 P3: 107,799.98 < 107,799.99; within 20 days short 2,200.02 > 1,100.01 → not warned.
    S1 P4: nothing within 10 days; within 20 days 108,900.00 ≥ 108,899.99 → 1 % tier, short
        1,100.00, on 21 Oct.  D3 P5 (28 Oct, 98.00 of 100.00): its 2 % tier ends 7 Nov,
        after the period → not (yet) warned.
    D1's and D2's warnings also go to R1, who manages them (S1 reports to D1, a seller)."""
    rows, result = _warnings(_short_payers(wh2), "gross")
    p1 = ("P1", 10, D("107800.00"), D("2200.00"), D("2200.00"), day("2024-10-11"))
    p2 = ("P2", 10, D("107799.99"), D("2200.01"), D("2200.00"), day("2024-10-11"))
    p4 = ("P4", 20, D("108900.00"), D("1100.00"), D("1100.00"), day("2024-10-21"))
    assert rows == [("D1", *p1), ("D2", *p2), ("R1", *p1), ("R1", *p2), ("S1", *p4)]
    kpis = result.kpis.to_pyarrow().to_pylist()
    assert {r["actual"] for r in kpis} == {"0.00"}


def test_net_settlement_warns_an_invoice_left_unsettled(wh2):
    """Settled net: D1 P1 (107,800.00 on day 8) completes (owed 2,200.00 ≤ 2,200.00) and
    S1 P4 (108,900.00 on day 15, owed 1,100.00 ≤ the 1 % tier's 1,100.00) too: not warned.
    D2 P2: owed 2,200.01 > 2,200.00 → not settled; 2,200.01 ≤ the 2 % discount + 0.01 →
        warned, on the later of its last payment (9 Oct) and the tier's end (11 Oct).
    D3 P3: owed 2,200.02 → not settled, and more than any discount + 0.01 → not warned.
    D3 P5 pays 98.00 of 100.00 on day 2: owed 2.00 ≤ 2.00 → settled.
    A second D3 invoice P6 of 110,000.00 paid 107,800.00 on day 15: owed 2,200.00 > the
        1 % tier's 1,100.00 → not settled, earns 0; ≤ the 2 % discount + 0.01 → warned with
        the 2 % tier, on the payment's day (16 Oct, after the tier's end). R2 manages D3."""
    _short_payers(wh2).primary("P6", "2024-10-01", "D3", "110000.00")
    wh2.pay("Y6", "D3", "P6", "2024-10-16", "107800.00")
    rows, result = _warnings(wh2, "net")
    p2 = ("P2", 10, D("107799.99"), D("2200.01"), D("2200.00"), day("2024-10-11"))
    p6 = ("P6", 10, D("107800.00"), D("2200.00"), D("2200.00"), day("2024-10-16"))
    assert rows == [("D2", *p2), ("D3", *p6), ("R1", *p2), ("R2", *p6)]
    actual = {(r["participant_id"], r["kpi"]): r["actual"]
              for r in result.kpis.to_pyarrow().to_pylist()}
    assert actual[("D1", "disc")] == "2200.00"
    assert actual[("S1", "disc")] == "1100.00"
    assert actual[("D3", "disc")] == "2.00"


def test_warnings_reach_the_manifest_records_and_explain(wh2):
    """The manifest lists each warned invoice once (not once per participant), sorted, as
    text; `explain` tells the participant in words under its payout."""
    data = _short_payers(wh2).data()
    program = _program("gross")
    result = calculate_program(program, data)
    con = data.payments.get_backend()
    records = warning_records([result], data, con)
    assert [r["invoice_id"] for r in records] == ["P1", "P2", "P4"]
    assert records[0] == {
        "program_id": "cash", "kpi": "disc", "settlement": "gross", "distributor_id": "D1",
        "invoice_id": "P1", "invoice_date": "2024-10-01", "total": "110000.00",
        "paid": "107800.00", "short": "2200.00", "tier_days": 10, "tier_rate": "0.02",
        "discount": "2200.00", "warn_on": "2024-10-11"}
    story = explain(program, data, con, "D1")[0].render()
    assert story.endswith(
        "payout: 0.00\n  WARNING: invoice P1 of D1 (110,000.00, 01 Oct 2024) earns no disc "
        "discount: paid 107,800.00 within 10 days, short 2,200.00, about the 2,200.00 "
        "discount of the 0.02 within 10 days tier, but settlement is gross (paid in full)")
    assert "WARNING" not in explain(program, data, con, "D3")[0].render()
    assert warning_records([calculate_program(_program("net"), data)], data, con)[0][
        "invoice_id"] == "P2"


def test_calc_writes_the_warnings_into_the_manifest(wh, tmp_path):
    """`run_calc` end to end (DuckDB, queries on worker threads): the gross program's
    manifest lists P1, P2 and P4 (see the gross warning test); a program with no warned
    KPI writes `warnings: []`."""
    data = _short_payers(wh).data()
    file = ibis.duckdb.connect(str(tmp_path / "wh.duckdb"))
    for t in TABLES:
        file.create_table(t.name, getattr(data, t.name).to_pyarrow())
    file.disconnect()
    (tmp_path / "cash.yaml").write_text(textwrap.dedent(_PROGRAM.format(settlement="gross")))
    run_calc([tmp_path / "cash.yaml"], warehouse=tmp_path / "wh.duckdb", out=tmp_path / "a")
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert [(w["distributor_id"], w["invoice_id"], w["short"]) for w in manifest["warnings"]] \
        == [("D1", "P1", "2200.00"), ("D2", "P2", "2200.01"), ("S1", "P4", "1100.00")]
    (tmp_path / "vol.yaml").write_text(
        "id: vol\nname: V\nperiod: {start: 2024-10-01, end: 2024-10-31}\n"
        "kpis: [{id: v, kind: volume}]\n"
        "components: [{id: c, kpi: v, on: actual, slabs: [{from: 0, rate: 0.1}]}]\n")
    run_calc([tmp_path / "vol.yaml"], warehouse=tmp_path / "wh.duckdb", out=tmp_path / "b")
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["warnings"] == []
