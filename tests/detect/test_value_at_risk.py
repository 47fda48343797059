"""Value at risk is a counterfactual calculation: the golden case is worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ibis
import pyarrow as pa

from schemeops.detect.value_at_risk import kind_risk, payouts
from schemeops.program.parse import parse_program

PROGRAM = """
id: june_value
name: June value
goal: Pay a share of June sell-out value, more past 10,000.
participants: {roles: [distributor]}
period: {start: 2026-06-01, end: 2026-06-30}
kpis:
  - {id: sales, kind: volume, measure: net_amount, source: secondary}
components:
  - id: bonus
    kpi: sales
    on: actual
    mode: step
    slabs:
      - {from: 0, rate: 0.01}
      - {from: 10000, rate: 0.02}
"""


def _program():
    p, diags = parse_program(PROGRAM, "june.yaml")
    assert p is not None, diags
    return p


def test_stuffed_invoice_removed_payout_falls_from_220_to_50(wh2):
    # D1 in June: INV1 (10 June) 5,000 + stuffed INV-S (29 June) 6,000 = 11,000 ≥ 10,000,
    # so the step slab pays 2% of 11,000 = 220.00. July 3 returns 4,800 of INV-S (outside
    # June: June still pays 220.00). Without INV-S and its return: 5,000 at 1% = 50.00, so
    # the value at risk is 220.00 − 50.00 = 170.00. D2 (5,000 → 50.00) has no finding and
    # its payout does not move: spill 0.
    wh2.sale("INV1", "2026-06-10", "D1", "O1", "A1", "500", "5000.00")
    wh2.sale("INV-S", "2026-06-29", "D1", "O2", "A1", "600", "6000.00")
    wh2.ret("RET1", "2026-07-03", "D1", "O2", "A1", "-480", "-4800.00", ref="INV-S")
    wh2.sale("INV2", "2026-06-12", "D2", "O5", "A1", "500", "5000.00")
    data = wh2.data()
    con = data.sales.get_backend()
    prog = [_program()]
    base = con.to_pyarrow(payouts(prog, data))
    assert {(r["participant_id"], r["payout"]) for r in base.to_pylist()} >= {
        ("D1", Decimal("220.00")), ("D2", Decimal("50.00"))}
    findings = ibis.memtable(pa.table({
        "finding_id": ["f1"], "participant_id": ["D1"],
        "period_start": pa.array([dt.date(2026, 6, 1)], pa.date32()),
        "period_end": pa.array([dt.date(2026, 6, 30)], pa.date32())}))
    lines = ibis.memtable(pa.table({"invoice_id": ["INV-S", "RET1"], "line_no": [1, 1]}))
    r = kind_risk(prog, data, ibis.memtable(base), findings, lines)
    got = con.to_pyarrow(r.per_finding).to_pylist()
    assert got == [{"finding_id": "f1", "value_at_risk": Decimal("170.00")}]
    assert con.to_pyarrow(r.spill).num_rows == 0
