"""Fuzzing `load` with CSV bytes (issue 15): whatever the bytes, a located problem or rows
loaded, never an exception, and the counts reconcile."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .conftest import Bench, assert_reconciles
from .test_broken_inputs import sales

GOOD = sales("S2,1,2026-01-05,D1,O1,P1,2,20.00,invoice,").encode()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(cut=0, junk=b"\xc2", tail=False)  # found by CI: a character cut off at the end
@example(cut=len(GOOD), junk=b"a\xc2", tail=False)
@given(cut=st.integers(0, len(GOOD)), junk=st.binary(max_size=40), tail=st.booleans())
def test_any_bytes_load_or_are_refused_with_counts_that_reconcile(bench: Bench, cut: int,
                                                                  junk: bytes, tail: bool):
    data = GOOD[:cut] + junk + (GOOD[cut:] if tail else b"")
    out = bench.load(bench.bytes("sales.csv", data), accept_valid=True)
    assert_reconciles(out.report)
    for p in out.problems:
        assert p["code"] and p["reason"] and p["fix"], p
