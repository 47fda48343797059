"""The generated files follow the data contract: columns, types, keys, references, signs."""

from __future__ import annotations

import decimal
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from schemeops.generate import generate
from schemeops.generate.pipeline import GENERATED_TABLES as TABLES
from schemeops.generate.pipeline import build_world
from schemeops.generate.secondary import Chunk, make_sales
from schemeops.generate.writer import arrow_schema


def test_every_table_has_contract_columns_and_types(dataset):
    """Each table's Parquet file has exactly the contract's columns, in order, with its types."""
    out, counts = dataset
    for t in TABLES:
        schema = pq.read_schema(out / f"{t.name}.parquet")
        assert schema.remove_metadata() == arrow_schema(t), t.name
        assert counts[t.name] > 0, t.name


@pytest.mark.parametrize("lines", [2_000, 12_345, 1_000_001])
def test_sales_line_count_is_exact(tmp_path: Path, lines: int):
    """sales has exactly `lines` rows, whatever N (including one spanning two chunks)."""
    counts = generate(tmp_path, lines=lines, seed=3)
    assert counts["sales"] == lines
    assert pq.read_metadata(tmp_path / "sales.parquet").num_rows == lines


def test_keys_are_unique(q):
    """Every table's key is unique."""
    for t in TABLES:
        key = ", ".join(t.key)
        dup = q.one(f"select count(*) from (select {key} from {t.name} group by all "
                    "having count(*) > 1)")
        assert dup == 0, t.name


def test_references_resolve(q):
    """Every reference of the contract resolves to an existing row."""
    for t in TABLES:
        for c in t.columns:
            if c.references is None:
                continue
            ref = c.references
            missing = q.one(f"select count(*) from {t.name} where {c.name} is not null and "
                            f"{c.name} not in (select {ref.column} from {ref.table})")
            assert missing == 0, f"{t.name}.{c.name}"


def test_participants_hierarchy(q):
    """Managers top the tree; reps report to managers; distributors to reps; dealers and
    sub-distributors to distributors; outlets belong to selling participants."""
    expected = {"manager": None, "sales_rep": "manager", "distributor": "sales_rep",
                "dealer": "distributor", "sub_distributor": "distributor"}
    got = dict(q.all("select c.role, any_value(p.role) from participants c left join "
                     "participants p on c.parent_id = p.participant_id group by 1 "
                     "having count(distinct p.role) <= 1"))
    assert got == expected
    assert q.one("select count(*) from participants where role = 'manager'") == q.one(
        "select count(distinct region) from participants")
    assert q.one("select count(*) from outlets o join participants p on o.distributor_id = "
                 "p.participant_id where p.role not in ('distributor', 'dealer', "
                 "'sub_distributor')") == 0
    assert q.one("select count(*) from participants where left_on is not null") > 0


def test_sales_sign_rules(q):
    """Invoices: quantity > 0, net ≥ 0, no ref; returns: quantity < 0, net ≤ 0, a ref."""
    assert q.one("select count(*) from sales where doc_type = 'invoice' and (quantity <= 0 "
                 "or net_amount < 0 or ref_invoice_id is not null)") == 0
    assert q.one("select count(*) from sales where doc_type = 'return' and (quantity >= 0 "
                 "or net_amount > 0 or ref_invoice_id is null)") == 0
    assert q.one("select count(*) from sales where doc_type not in ('invoice', 'return')") == 0


def test_returns_reference_earlier_invoice_of_same_seller_and_outlet(q):
    """A return's ref is an invoice of the same distributor and outlet, 1–20 days earlier."""
    bad = q.one("""
        with inv as (select distinct invoice_id, distributor_id, outlet_id, invoice_date
                     from sales where doc_type = 'invoice')
        select count(*) from sales r left join inv i on r.ref_invoice_id = i.invoice_id
        where r.doc_type = 'return' and (i.invoice_id is null
          or i.distributor_id <> r.distributor_id or i.outlet_id <> r.outlet_id
          or r.invoice_date - i.invoice_date not between 1 and 20)""")
    assert bad == 0


def test_returns_never_exceed_their_invoice_lines(q):
    """Returned quantity and value per (invoice, sku) never exceed what was invoiced."""
    assert q.one("""
        with r as (select ref_invoice_id id, sku, -sum(quantity) qty, -sum(net_amount) v
                   from sales where doc_type = 'return' group by all),
             i as (select invoice_id id, sku, sum(quantity) qty, sum(net_amount) v
                   from sales where doc_type = 'invoice' group by all)
        select count(*) from r join i using (id, sku) where r.qty > i.qty or r.v > i.v""") == 0


def test_sales_respect_outlet_ownership_creation_and_launch(q):
    """A sale's outlet belongs to its distributor, exists already, and its sku is launched."""
    assert q.one("select count(*) from sales s join outlets o using (outlet_id) "
                 "where o.distributor_id <> s.distributor_id or s.invoice_date < o.created_on"
                 ) == 0
    assert q.one("select count(*) from sales s join products p using (sku) "
                 "where s.invoice_date < p.launched_on") == 0
    assert q.one("select count(*) from primary_sales s join products p using (sku) "
                 "where s.invoice_date < p.launched_on") == 0


def test_sales_within_window(q):
    """All documents are dated inside the seven months ending 31 October 2026."""
    lo, hi = q.one("select [min(invoice_date), max(invoice_date)]::varchar[] from sales")
    assert (lo, hi) == ("2026-04-01", "2026-10-31")
    assert q.one("select max(paid_on) <= date '2026-10-31' from payments")


def test_primary_sales_and_payments_rules(q):
    """Primary: quantity > 0, net ≥ 0, due ≥ invoice date; payments: amount > 0, never more
    than the invoice total, dated on/after the invoice."""
    assert q.one("select count(*) from primary_sales where quantity <= 0 or net_amount < 0 "
                 "or due_date < invoice_date") == 0
    assert q.one("select count(*) from payments where amount <= 0") == 0
    assert q.one("""
        with t as (select invoice_id, sum(net_amount) total, min(invoice_date) d,
                   any_value(distributor_id) dist from primary_sales group by 1)
        select count(*) from (select invoice_id, sum(amount) paid, min(paid_on) first_paid,
                              any_value(distributor_id) dist from payments
                              where invoice_id is not null group by 1) p
        join t using (invoice_id) where paid > total or first_paid < d or p.dist <> t.dist""") == 0


def test_money_has_two_decimals_in_csv(tmp_path: Path):
    """CSV: header, ISO dates, money with exactly two decimals, quantities with three,
    empty fields for nulls."""
    generate(tmp_path, lines=3_000, seed=1, fmt="csv")
    text = (tmp_path / "sales.csv").read_text().splitlines()
    assert text[0] == ('"invoice_id","line_no","invoice_date","distributor_id","outlet_id",'
                       '"sku","quantity","net_amount","doc_type","ref_invoice_id",'
                       '"entered_on"')
    fields = text[1].split(",")
    assert fields[2].count("-") == 2 and len(fields[2]) == 10
    assert decimal.Decimal(fields[7]).as_tuple().exponent == -2
    assert decimal.Decimal(fields[6]).as_tuple().exponent == -3
    assert fields[9] == ""
    t = pacsv.read_csv(tmp_path / "sales.csv")
    assert t.num_rows == 3_000


@pytest.mark.parametrize("budget", [0, 1, 7, 40])
def test_chunk_hits_a_tiny_budget_exactly(budget: int):
    """A chunk with fewer lines than planned invoices still writes exactly its budget
    (plus its fixed invoices), with every return referencing one of its invoices."""
    world, _, fixed = build_world(lines=20_000, months=7, seed=2,
                                  current_month=date(2026, 10, 1))
    o = world.outlets
    chunk = Chunk(number=0, seller_lo=0, seller_hi=1, outlet_lo=0, outlet_hi=int(o.first[1]),
                  budget=budget, fixed=fixed.select(0, int(o.first[1])))
    sales = make_sales(np.random.default_rng(0), world, chunk, 0, 0)
    assert sales.table.num_rows == budget + chunk.fixed.total_lines
    t = sales.table.to_pydict()
    invoices = {i for i, d in zip(t["invoice_id"], t["doc_type"], strict=True) if d == "invoice"}
    assert {r for r in t["ref_invoice_id"] if r is not None} <= invoices
