"""Roll-up over the management tree, and reading the warehouse into `Data`."""

from __future__ import annotations

from decimal import Decimal as D

import duckdb
import ibis

from schemeops.engine.data import Data
from schemeops.ingest.warehouse import table_schema
from schemeops.schema import TABLES, table

OCT = ("2024-10-01", "2024-10-31")
# A deep tree: T (manager) ─ A (manager) ─ B (manager) ─ C (sales_rep) ─ X (distributor)
#              ─ Y (dealer) ─ Z (sub_distributor); and T ─ W (distributor) directly.
DEEP = [("T", "manager", None), ("A", "manager", "T"), ("B", "manager", "A"),
        ("C", "sales_rep", "B"), ("X", "distributor", "C"), ("Y", "dealer", "X"),
        ("Z", "sub_distributor", "Y"), ("W", "distributor", "T")]


def _deep(make_warehouse):
    wh = make_warehouse(participants=DEEP, outlets=[("O1", "X", "grocery")])
    wh.sale("I1", "2024-10-02", "X", "O1", "A1", "1", "1.00")
    wh.sale("I2", "2024-10-02", "Y", "O1", "A1", "1", "20.00")
    wh.sale("I3", "2024-10-02", "Z", "O1", "A1", "1", "300.00")
    wh.sale("I4", "2024-10-02", "W", "O1", "A1", "1", "4000.00")
    return wh


def test_direct_rollup_looks_through_managers_only(make_warehouse):
    # direct: C's direct report X → 1.00; B, A look through managers/reps down to X → 1.00;
    # T: W (its own direct report) 4000.00 + X via A → 4001.00. Y and Z are X's, not C's.
    r = _deep(make_warehouse).kpi({"kind": "volume"}, OCT)
    assert {p: r[(p, 1)] for p in "TABCXYZW"} == {
        "T": D("4001.00"), "A": D("1.00"), "B": D("1.00"), "C": D("1.00"), "X": D("1.00"),
        "Y": D("20.00"), "Z": D("300.00"), "W": D("4000.00")}


def test_subtree_rollup_reaches_the_bottom(make_warehouse):
    # subtree: C = X + Y + Z = 321.00 (three levels below C); T = 321.00 + 4000.00 = 4321.00
    # (six levels deep to Z). Sellers keep their own: X 1.00.
    r = _deep(make_warehouse).kpi({"kind": "volume", "rollup": "subtree"}, OCT)
    assert (r[("C", 1)], r[("A", 1)], r[("T", 1)], r[("X", 1)]) == (
        D("321.00"), D("321.00"), D("4321.00"), D("1.00"))


def test_billed_channels_in_a_deep_tree(make_warehouse):
    # Primary billing in October: X and Z. direct: C → {X} = 1; X → {Y} = 0; Y → {Z} = 1;
    # T → {A, W} looking through A, B, C to X → {X, W}: X billed → 1.
    # subtree: T → all 7 below: X, Z → 2; X → {Y, Z} → 1.
    wh = _deep(make_warehouse)
    wh.primary("P1", "2024-10-03", "X", "10.00")
    wh.primary("P2", "2024-10-03", "Z", "10.00")
    direct = wh.nonzero(wh.kpi({"kind": "billed_channels"}, OCT))
    assert direct == {("C", 1): D("1"), ("B", 1): D("1"), ("A", 1): D("1"), ("T", 1): D("1"),
                      ("Y", 1): D("1")}
    sub = wh.nonzero(wh.kpi({"kind": "billed_channels", "rollup": "subtree"}, OCT))
    assert (sub[("T", 1)], sub[("X", 1)], sub[("C", 1)]) == (D("2"), D("1"), D("2"))


def test_data_from_backend_without_targets(tmp_path):
    # A warehouse without the optional targets table reads it as empty.
    path = tmp_path / "wh.duckdb"
    con = ibis.duckdb.from_connection(duckdb.connect(str(path)))
    for t in TABLES:
        if t.name != "targets":
            con.create_table(t.name, schema=table_schema(t))
    data = Data.from_backend(con)
    assert data.targets.count().execute() == 0
    assert data.targets.schema() == table_schema(table("targets"))
    assert data.sales.schema() == table_schema(table("sales"))


def test_hand_built_memtables_are_cast_to_the_contract(make_warehouse):
    # Tables built by hand with float money, string dates and an all-null parent_id column
    # are cast to the contract types: D1 sells 10.25 + 0.10 = 10.35 in October.
    import pandas as pd

    from schemeops.engine.kpis import compute_kpi
    from schemeops.program.model import Volume

    wh = make_warehouse()
    base = wh.data()
    sales = ibis.memtable(pd.DataFrame({
        "invoice_id": ["I1", "I2"], "line_no": [1, 1], "invoice_date": ["2024-10-01", "2024-10-31"],
        "distributor_id": ["D1", "D1"], "outlet_id": ["O1", "O1"], "sku": ["A1", "A1"],
        "quantity": [1.0, 1.0], "net_amount": [10.25, 0.10], "doc_type": ["invoice", "invoice"],
        "ref_invoice_id": [None, None]}))
    people = ibis.memtable(pd.DataFrame({"participant_id": ["D1"], "role": ["distributor"],
                                         "parent_id": [None]}))
    data = Data(participants=people, outlets=base.outlets, products=base.products, sales=sales,
                primary_sales=base.primary_sales, payments=base.payments, targets=base.targets)
    assert data.sales.schema() == table_schema(table("sales"))
    out = compute_kpi(Volume(id="v", kind="volume"), data, wh.periods(OCT)).to_pyarrow()
    assert out.to_pylist() == [{"participant_id": "D1", "period_no": 1, "actual": D("10.35")}]
