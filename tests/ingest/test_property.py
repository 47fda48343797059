"""Property: for any small sales file mixing valid and invalid rows, --accept-valid loads exactly
the valid rows, every other row is accounted for, and every rejected row is quarantined."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SALES_HEADER, Bench, read_csv_rows

#: Row kinds, and which outcome each has when its key is unique in the file.
OUTCOME = {
    "valid": "accepted",
    "valid_return": "accepted",  # returns X0, an invoice loaded by an earlier load
    "bad_date": "rejected",
    "unknown_sku": "rejected",
    "wrong_sign": "rejected",
    "bad_number": "rejected",
    "missing_outlet": "rejected",
    "return_without_ref": "rejected",
    "duplicate_key": "rejected",  # takes the key of an earlier row; both are rejected
    "present": "already_present",  # X0/1 exactly as the warehouse holds it
    "conflict": "conflict",  # X0/2 with another amount than the warehouse holds
}


@pytest.fixture(scope="session")
def sales_warehouse(master_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The master warehouse plus invoice X0 (lines 1 and 2), loaded by an earlier load."""
    bench = Bench(tmp_path_factory.mktemp("sales_wh"), master_warehouse)
    out = bench.load(bench.csv("sales.csv", f"{SALES_HEADER}\n"
                               "X0,1,2026-01-01,D1,O1,P1,5,50.00,invoice,\n"
                               "X0,2,2026-01-01,D1,O1,P2,1,25.50,invoice,\n"))
    assert out.report.ok and out.report.loaded
    return bench.warehouse


def _line(kind: str, i: int, keys: list[tuple[str, int]], pick: int) -> tuple[str, tuple]:
    """The CSV line of row `i` of `kind`, and its key."""
    key = (f"S{i}", 1)
    date, outlet, sku, qty, amount, doc, ref = "2026-01-05", "O1", "P1", "2", f"{10 + i}.00", \
        "invoice", ""
    if kind == "valid_return":
        key, qty, amount, doc, ref = (f"C{i}", 1), "-1", f"-{1 + i}.00", "return", "X0"
    elif kind == "bad_date":
        date = "2026-02-30"
    elif kind == "unknown_sku":
        sku = "P9"
    elif kind == "wrong_sign":
        qty = "-2"
    elif kind == "bad_number":
        amount = f"{i}abc"
    elif kind == "missing_outlet":
        outlet = ""
    elif kind == "return_without_ref":
        qty, amount, doc = "-1", "-1.00", "return"
    elif kind == "duplicate_key" and i:
        key = keys[pick % i]
    elif kind == "present":
        key, date, qty, amount = ("X0", 1), "2026-01-01", "5", "50.00"
    elif kind == "conflict":
        key, date, sku, qty, amount = ("X0", 2), "2026-01-01", "P2", "1", "99.00"
    line = ",".join([key[0], str(key[1]), date, "D1", outlet, sku, qty, amount, doc, ref])
    return line, key


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(sorted(OUTCOME)), st.integers(0, 7)),
                     min_size=1, max_size=8))
def test_accept_valid_loads_exactly_the_valid_rows(sales_warehouse: Path, rows):
    """read == accepted + rejected + already_present + conflicts with the expected number of
    each; the warehouse gains exactly the valid rows; every row not loaded (rejected or in
    conflict) is in the quarantine file at its line."""
    lines, keys = [], []
    for i, (kind, pick) in enumerate(rows):
        line, key = _line(kind, i, keys, pick)
        lines.append(line)
        keys.append(key)
    outcome = [
        "rejected" if keys.count(k) > 1 else OUTCOME["valid" if kind == "duplicate_key" else kind]
        for (kind, _), k in zip(rows, keys, strict=True)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp), sales_warehouse)
        before = set(bench.rows("SELECT invoice_id, line_no, net_amount FROM sales"))
        out = bench.load(bench.csv("sales.csv", "\n".join([SALES_HEADER, *lines]) + "\n"),
                         accept_valid=True)
        c = out.counts("sales")
        assert (c.read, c.accepted, c.rejected, c.already_present, c.conflicts) == (
            len(rows), outcome.count("accepted"), outcome.count("rejected"),
            outcome.count("already_present"), outcome.count("conflict")), (lines, c)
        after = set(bench.rows("SELECT invoice_id, line_no, net_amount FROM sales"))
        want = {(k[0], k[1], Decimal(line.split(",")[7]))
                for k, line, o in zip(keys, lines, outcome, strict=True) if o == "accepted"}
        assert after - before == want and before <= after, lines
        not_loaded = {i + 2 for i, o in enumerate(outcome) if o in ("rejected", "conflict")}
        qfile = bench.quarantine / "sales.csv"
        quarantined = {int(r["_row"]) for r in read_csv_rows(qfile)} if qfile.exists() else set()
        assert quarantined == not_loaded, lines
        assert {int(p["row"]) for p in out.problems} == not_loaded
