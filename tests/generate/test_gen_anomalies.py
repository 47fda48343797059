"""Planted anomalies are labelled, and each labelled entity really shows its pattern."""

from __future__ import annotations

from pathlib import Path

import pyarrow.csv as pacsv

from schemeops.generate import generate


def _labels(q, kind: str) -> list[tuple]:
    return q.all("select distributor_id, entity_ids, period_start::date, period_end::date "
                 "from labels where kind = ? order by all", kind)


def test_labels_columns_and_kinds(dataset):
    """labels.csv has its six columns and rows of all three kinds."""
    out, counts = dataset
    t = pacsv.read_csv(out / "labels.csv")
    assert t.column_names == ["kind", "distributor_id", "entity_ids", "period_start",
                              "period_end", "note"]
    assert set(t.column("kind").to_pylist()) == {"dummy_outlets", "month_end_stuffing",
                                                 "sales_jump"}
    assert counts["labels"] == t.num_rows


def test_at_least_one_of_each_kind_at_50k(tmp_path: Path):
    """Even at 50,000 lines every anomaly kind is planted at least once."""
    generate(tmp_path, lines=50_000, seed=4)
    kinds = pacsv.read_csv(tmp_path / "labels.csv").column("kind").to_pylist()
    assert {k: kinds.count(k) >= 1 for k in set(kinds)} == {
        "dummy_outlets": True, "month_end_stuffing": True, "sales_jump": True}


def test_dummy_outlets(q):
    """Each dummy group: 3–8 new outlets of the labelled distributor sharing a phone, tax_id
    or coordinates, created in the last 3 days of a month, billed exactly once."""
    groups = _labels(q, "dummy_outlets")
    assert groups
    for dist, ents, start, end in groups:
        ids = ents.split(";")
        assert 3 <= len(ids) <= 8
        phones, taxes, coords, dists, lo, hi = q.one(
            "select [count(distinct phone), count(distinct tax_id), "
            "count(distinct (latitude, longitude)), count(distinct distributor_id), "
            "min(created_on) - ?::date, max(created_on) - ?::date] from outlets "
            "where outlet_id in (select unnest(?::varchar[]))", start, end, ids)
        assert min(phones, coords) == 1 or (taxes == 1 and q.one(
            "select count(tax_id) from outlets where outlet_id in "
            "(select unnest(?::varchar[]))", ids) == len(ids))
        assert dists == 1 and lo >= 0 and hi <= 0 and (end - start).days == 2
        assert q.one("select any_value(distributor_id) from outlets where outlet_id = ?",
                     ids[0]) == dist
        docs = q.all("select outlet_id, count(distinct invoice_id), min(doc_type) from sales "
                     "where outlet_id in (select unnest(?::varchar[])) group by 1", ids)
        assert len(docs) == len(ids) and all(n == 1 and d == "invoice" for _, n, d in docs)


def test_month_end_stuffing(q):
    """A stuffing distributor's last-2-day invoices are ≥ 3× its usual 2-day value that month,
    and most of the excess (≥ 50%) comes back as returns in the first 5 days of the next."""
    cases = _labels(q, "month_end_stuffing")
    assert cases
    for dist, _, start, end in cases:
        month_start = start.replace(day=1)
        end2, usual = q.one("""
            select [sum(net_amount) filter (where invoice_date >= ?::date),
                    sum(net_amount) filter (where invoice_date < ?::date)
                      / (?::date - ?::date) * 2]
            from sales where distributor_id = ? and doc_type = 'invoice'
              and invoice_date between ?::date and ?::date - 1 + interval 2 day""",
            start, start, start, month_start, dist, month_start, start)
        assert end2 >= 3 * usual, dist
        returned = q.one("""
            select -sum(r.net_amount) from sales r
            join (select distinct invoice_id from sales where distributor_id = ?
                  and doc_type = 'invoice' and invoice_date >= ?::date
                  and invoice_date < ?::date + 2) i on r.ref_invoice_id = i.invoice_id
            where r.doc_type = 'return' and r.invoice_date <= ?::date""", dist, start, start, end)
        assert returned >= 0.5 * (end2 - usual), dist


def test_sales_jump(q):
    """A jump distributor's secondary value in the labelled month is ≥ 4× the median of its
    other months."""
    cases = _labels(q, "sales_jump")
    assert cases
    for dist, _, start, _end in cases:
        jump, usual = q.one("""
            with m as (select date_trunc('month', invoice_date) m, sum(net_amount) v
                       from sales where distributor_id = ? group by 1)
            select [max(v) filter (where m = ?::date),
                    median(v) filter (where m <> ?::date)] from m""", dist, start, start)
        assert jump >= 4 * usual, dist
