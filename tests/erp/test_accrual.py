"""The month-end accrual, worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from schemeops.erp.accrual import Earned, accrual_rows
from schemeops.erp.ledgers import load_gl

J = dt.date


def test_unpaid_earnings_of_periods_begun_by_month_end():
    """October 2026, run 9 as of 31 Oct. PRG-A October: D1 1,200.00 and D2 300.50 unpaid,
    D3 999.00 already paid → 1,500.50 over 2 participants. PRG-A September: a correction
    of −100.00 unpaid → −100.00 (it lowers the accrual). PRG-A November has not begun: out.
    PRG-B October: D1 50.00 and −50.00 → nothing accrued, no row."""
    def e(prog, pid, start, end, amount, paid=False):
        return Earned(prog, 9, J(2026, 10, 31), pid, start, end, D(amount), paid)
    oct_, sep, nov = (J(2026, 10, 1), J(2026, 10, 31)), (J(2026, 9, 1), J(2026, 9, 30)), \
        (J(2026, 11, 1), J(2026, 11, 30))
    earned = [e("PRG-A", "D1", *oct_, "1200.00"), e("PRG-A", "D2", *oct_, "300.50"),
              e("PRG-A", "D3", *oct_, "999.00", paid=True), e("PRG-A", "D1", *sep, "-100.00"),
              e("PRG-A", "D1", *nov, "80.00"), e("PRG-B", "D1", *oct_, "50.00"),
              e("PRG-B", "D2", *oct_, "-50.00")]
    rows = accrual_rows(earned, month_end=J(2026, 10, 31), gl=load_gl())
    assert [(r["program_id"], r["period_start"], r["participants"], r["accrued"])
            for r in rows] == [("PRG-A", "2026-09-01", 1, D("-100.00")),
                               ("PRG-A", "2026-10-01", 2, D("1500.50"))]
    assert (rows[1]["debit_ledger"], rows[1]["credit_ledger"], rows[1]["credit_account"]) \
        == ("Trade Scheme Discount", "Scheme Accruals", "250100")
