"""Slab bunching, circular flows, backdated entries, duplicate claims on hand-made
warehouses: a case each must flag and a near miss."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import ibis
import pyarrow as pa
from test_detectors import _run

from schemeops.detect.backdated_entries import backdated_entries
from schemeops.detect.circular_flows import circular_flows
from schemeops.detect.duplicate_claims import duplicate_claims
from schemeops.detect.months import months_table
from schemeops.detect.slab_bunching import slab_bunching
from schemeops.program.parse import parse_program

MONTHS = ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]

PROGRAM = """
id: monthly_value
name: Monthly value
participants: {roles: [distributor]}
period:
  start: 2026-02-01
  end: 2026-02-28
  recurrence: {every_months: 1, count: 6}
kpis:
  - {id: sales, kind: volume, measure: net_amount, source: secondary}
components:
  - id: bonus
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.01}
      - {from: 10000, rate: 0.02}
"""


def _program():
    p, diags = parse_program(PROGRAM, "monthly.yaml")
    assert p is not None, diags
    return p


def _monthly(wh, seller, outlet, totals, topped=False):
    """One invoice on the 10th of each month and one of 100 on the 27th making `total`;
    `topped`: a month at or above 10,000 gets there by its 27th bill (the 10th's is 9,400, the
    27th's the rest: 6–8× the usual 100)."""
    for m, total in zip(MONTHS, totals, strict=True):
        late = total - 9400 if topped and total >= 10000 else 100
        wh.sale(f"{seller}-{m}", f"{m}-10", seller, outlet, "A1", "10", f"{total - late}.00")
        wh.sale(f"{seller}-{m}-L", f"{m}-27", seller, outlet, "A1", "1", f"{late}.00")
    return wh


def _bunching(wh, programs):
    data = wh.data()
    con = data.sales.get_backend()
    months = months_table(dt.date(2026, 2, 1), dt.date(2026, 7, 31))
    det = slab_bunching(data, months, programs)
    t = con.to_pyarrow(det.findings).to_pylist()
    return {(r["participant_id"], r["period_start"]) for r in t}, con.to_pyarrow(det.evidence)


def test_slab_bunching_flags_months_landing_just_above_a_threshold(wh):
    # D1 lands 0.5–2% above the 10,000 slab in March–June (4 above, 0 just below: excess 4
    # ≥ 3), each time by a topped-up month-end bill; D2 straddles it (3 just above, 3 just
    # below: a natural spread, excess 0); D3 lands above like D1 but with its ordinary month
    # ends (its largest last-days bill is its usual 100: no top-up, no bunching).
    _monthly(wh, "D1", "O1", [9000, 10100, 10050, 10200, 10150, 9000], topped=True)
    _monthly(wh, "D2", "O5", [9800, 10100, 9900, 10200, 9850, 10100], topped=True)
    _monthly(wh, "D3", "O7", [9000, 10100, 10050, 10200, 10150, 9000])
    flagged, ev = _bunching(wh, [_program()])
    assert flagged == {("D1", dt.date(2026, m, 1)) for m in (3, 4, 5, 6)}
    # The evidence is the largest invoice of each month's last 5 days.
    assert set(ev["invoice_id"].to_pylist()) == {f"D1-2026-0{m}-L" for m in (3, 4, 5, 6)}


def test_slab_bunching_needs_three_months_and_the_programs(wh):
    # Two months just above is chance; without programs there is no threshold at all.
    _monthly(wh, "D1", "O1", [9000, 10100, 10050, 9000, 9000, 9000], topped=True)
    _monthly(wh, "D2", "O5", [9000, 10100, 10050, 10200, 10150, 9000], topped=True)
    assert _bunching(wh, [_program()])[0] == {(("D2", dt.date(2026, m, 1)))
                                                for m in (3, 4, 5, 6)}
    assert _bunching(wh, [])[0] == set()


def _pair(wh, *, phones, back_day):
    """O9 of D1 is D2 (named 'D2 Retail'), O10 of D2 is D1; D1 bills O9 on 5 June, D2
    bills O10 on `back_day`."""
    for oid, seller, name, phone in (("O9", "D1", "D2 Retail", phones[0]),
                                     ("O10", "D2", "D1 Retail", phones[1])):
        wh.rows["outlets"].append({"outlet_id": oid, "name": name, "distributor_id": seller,
                                   "outlet_type": "grocery", "phone": phone,
                                   "created_on": dt.date(2026, 6, 1)})
    wh.sale("C1", "2026-06-05", "D1", "O9", "A1", "100", "9000.00")
    wh.sale("C2", back_day, "D2", "O10", "A1", "100", "9100.00")
    return wh


def test_circular_flows_flags_a_round_trip_between_two_distributors(wh):
    # One phone (1) + both outlets named after the other side (0.5 + 0.5) = 2 ≥ 1.5, and
    # D2 bills back 10 days later: D1's June is flagged, with both bills and both outlets.
    flagged, con, det = _run(_pair(wh, phones=["98", "98"], back_day="2026-06-15"),
                             circular_flows)
    assert flagged == {("D1", dt.date(2026, 6, 1))}
    ev = con.to_pyarrow(det.evidence).to_pylist()
    assert {r["invoice_id"] for r in ev if r["table"] == "sales"} == {"C1", "C2"}
    assert {r["outlet_id"] for r in ev if r["table"] == "outlets"} == {"O9", "O10"}


def test_circular_flows_needs_a_contact_link(wh2):
    # Names alone (distinct phones) link nothing (DuckDB and Spark).
    assert _run(_pair(wh2, phones=["98", "99"], back_day="2026-06-15"),
                circular_flows)[0] == set()


def test_circular_flows_ignores_a_late_bill_back(wh):
    # D2 bills back 40 days on: no round trip.
    assert _run(_pair(wh, phones=["98", "98"], back_day="2026-07-15"),
                circular_flows)[0] == set()


def _late(wh, seller, outlet, entered):
    """Invoices on 28, 29, 30 June and 10 June of `seller`; the last days' entered on
    `entered`."""
    wh.sale(f"{seller}-10", "2026-06-10", seller, outlet, "A1", "5", "500.00")
    for d in (28, 29, 30):
        wh.sale(f"{seller}-{d}", f"2026-06-{d}", seller, outlet, "A1", "5", "500.00")
        wh.rows["sales"][-1]["entered_on"] = dt.date.fromisoformat(entered)
    return wh


def test_backdated_entries_flags_month_end_invoices_entered_next_month(wh):
    # D1's three last-days invoices entered 8 July, 8–10 days late: 3 of 3 (≥ 3, share 1).
    # D2's entered 2 July, in the next month but 2–4 days late: only one is > 3 days.
    _late(wh, "D1", "O1", "2026-07-08")
    _late(wh, "D2", "O5", "2026-07-02")
    flagged, con, det = _run(wh, backdated_entries)
    assert flagged == {("D1", dt.date(2026, 6, 1))}
    ev = con.to_pyarrow(det.evidence).to_pylist()
    assert {r["invoice_id"] for r in ev} == {"D1-28", "D1-29", "D1-30"}


def test_backdated_entries_without_entered_on_finds_nothing(wh):
    _late(wh, "D1", "O1", "2026-07-08")
    data = wh.data()
    data = replace(data, sales=data.sales.drop("entered_on"))
    months = months_table(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    det = backdated_entries(data, months)
    assert data.sales.get_backend().to_pyarrow(det.findings).num_rows == 0


def claims_table(rows):
    """claim_id, line_no, participant_id, program_id, invoice_id, sku, amount, submitted_on."""
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 8
    return ibis.memtable(pa.table({
        "claim_id": pa.array(cols[0], pa.string()), "line_no": pa.array(cols[1], pa.int64()),
        "participant_id": pa.array(cols[2], pa.string()),
        "program_id": pa.array(cols[3], pa.string()),
        "invoice_id": pa.array(cols[4], pa.string()), "sku": pa.array(cols[5], pa.string()),
        "amount": pa.array([Decimal(a) for a in cols[6]], pa.decimal128(18, 2)),
        "submitted_on": pa.array([dt.date.fromisoformat(d) for d in cols[7]], pa.date32())}))


def _claims(wh, rows):
    data = wh.data()
    con = data.sales.get_backend()
    months = months_table(dt.date(2026, 6, 1), dt.date(2026, 7, 31))
    det = duplicate_claims(data, months, claims_table(rows))
    f = {(r["participant_id"], r["period_start"]) for r in con.to_pyarrow(det.findings)
         .to_pylist()}
    return f, {(r["participant_id"], r["period_start"]): r["value_at_risk"]
               for r in con.to_pyarrow(det.risk).to_pylist()}


def test_duplicate_claims_flags_an_invoice_line_claimed_twice(wh):
    # I1 (June) line A1 claimed in July's claim CL1 and again in August's CL2: June of D1 is
    # flagged, 45.00 at risk (the second claim's amount).
    wh.sale("I1", "2026-06-10", "D1", "O1", "A1", "5", "500.00")
    wh.sale("I1", "2026-06-10", "D1", "O1", "A2", "5", "500.00")
    flagged, risk = _claims(wh, [
        ("CL1", 1, "D1", "free_goods", "I1", "A1", "50.00", "2026-07-05"),
        ("CL2", 1, "D1", "free_goods", "I1", "A1", "45.00", "2026-08-05"),
        ("CL2", 2, "D1", "free_goods", "I1", "A2", "50.00", "2026-08-05")])
    assert flagged == {("D1", dt.date(2026, 6, 1))}
    assert risk == {("D1", dt.date(2026, 6, 1)): Decimal("45.00")}


def test_duplicate_claims_ignores_other_skus_and_programs(wh):
    # The same invoice, another sku; the same line under another program: no duplicate.
    wh.sale("I1", "2026-06-10", "D1", "O1", "A1", "5", "500.00")
    wh.sale("I1", "2026-06-10", "D1", "O1", "A2", "5", "500.00")
    flagged, _ = _claims(wh, [
        ("CL1", 1, "D1", "free_goods", "I1", "A1", "50.00", "2026-07-05"),
        ("CL2", 1, "D1", "free_goods", "I1", "A2", "50.00", "2026-08-05"),
        ("CL3", 1, "D1", "display", "I1", "A1", "50.00", "2026-08-05")])
    assert flagged == set()
