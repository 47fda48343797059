"""The refusal of a run's approval names every conflict, budget and double payment alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from schemeops.service.errors import Conflict
from schemeops.service.payout_conflicts import (
    OverBudget,
    PaidElsewhere,
    PayoutConflict,
    describe,
    over_budget,
)

OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_every_conflict_is_named_in_order_with_what_to_do():
    conflicts = [OverBudget("a", *OCT, Decimal("1200.5"), Decimal("1000")),
                 PaidElsewhere("b", *OCT, 4), PaidElsewhere("b", *NOV, 7)]
    refused = PayoutConflict(conflicts)
    assert isinstance(refused, Conflict) and refused.conflicts == conflicts
    assert str(refused) == (
        "a pays 1200.50 from 2026-10-01 to 2026-10-31, over its budget of 1000.00; "
        "b from 2026-10-01 to 2026-10-31 is already paid by approved run 4; "
        "b from 2026-11-01 to 2026-11-30 is already paid by approved run 7; "
        "close the periods already paid, then a new run pays only the difference")


def test_a_budget_alone_asks_for_no_period_to_be_closed():
    assert describe([OverBudget("a", *NOV, Decimal("5.00"), Decimal("4.99"))]) == (
        "a pays 5.00 from 2026-11-01 to 2026-11-30, over its budget of 4.99")


def test_only_rows_over_their_budget_conflict():
    rows = [{"program_id": "a", "period_start": OCT[0], "period_end": OCT[1],
             "payout": Decimal("10.00"), "budget": Decimal("10.00"), "within": True},
            {"program_id": "a", "period_start": NOV[0], "period_end": NOV[1],
             "payout": Decimal("10.01"), "budget": Decimal("10.00"), "within": False}]
    assert over_budget(rows) == [OverBudget("a", *NOV, Decimal("10.01"), Decimal("10.00"))]
