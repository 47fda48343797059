"""Property: the effective discount of a line is exactly 1 − Π(1 − dᵢ) of the programs
feeding it, whatever their order; it is at least the largest dᵢ and at most their sum."""

from __future__ import annotations

from decimal import Decimal as D

from guard_bench import costed, program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemeops.guards import evaluate

RATES = st.lists(st.decimals(min_value=0, max_value=D("0.5"), places=3), min_size=1,
                 max_size=4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rates=RATES)
def test_effective_discount_compounds_exactly(rates):
    data = costed("duckdb", "1.00").sale("I1", "2026-10-05", "D1", "O1", "A1", "1",
                                         "1000.00").data()
    programs = [program(f"p{i}", str(r)) for i, r in enumerate(rates)]
    keep = D(1)
    for r in rates:
        keep *= 1 - r
    expected = 1 - keep
    for order in (programs, programs[::-1]):
        verdicts, _ = evaluate(order[0], order[1:], data)
        cap = next(v for v in verdicts if v.guard == "discount_cap")
        assert cap.figure == expected
        assert max(rates) <= cap.figure <= sum(rates)
        stacking = next(v for v in verdicts if v.guard == "stacking")
        assert stacking.figure == len(rates)
