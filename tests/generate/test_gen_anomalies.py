"""Planted anomalies are labelled, and each labelled entity really shows its pattern."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow.csv as pacsv

from schemeops.generate import generate

COLUMNS = ["label_id", "kind", "distributor_id", "counterparty_id", "period_start",
           "period_end", "outlet_ids", "invoice_ids", "note"]
PLANTED = {"dummy_outlets", "month_end_stuffing", "sales_jump", "token_invoices",
           "territory_violations", "backdated_entries", "duplicate_claims", "circular_flows",
           "slab_bunching"}


def _labels(q, kind: str) -> list[tuple]:
    return q.all("select distributor_id, outlet_ids, period_start::date, period_end::date "
                 "from labels where kind = ? order by all", kind)


def test_labels_columns_and_kinds(dataset):
    """labels.csv and negatives.csv have the shared columns; every planted kind is present."""
    out, counts = dataset
    t = pacsv.read_csv(out / "labels.csv")
    assert t.column_names == COLUMNS
    assert set(t.column("kind").to_pylist()) == PLANTED
    assert counts["labels"] == t.num_rows
    assert len(set(t.column("label_id").to_pylist())) == t.num_rows
    n = pacsv.read_csv(out / "negatives.csv")
    assert n.column_names == COLUMNS
    assert set(n.column("kind").to_pylist()) == {"festival_month", "new_town_outlets",
                                                 "new_distributor_ramp"}


def test_labels_point_at_real_rows(q):
    """Every labelled outlet id and invoice id exists, belongs to the labelled distributor (or
    its counterparty), and every labelled invoice is dated inside the label's period."""
    assert q.one("""
        select count(*) from (select label_id, distributor_id, counterparty_id,
        unnest(string_split(outlet_ids, ';')) o from labels where outlet_ids <> '') l
        left join outlets x on x.outlet_id = l.o
        where x.distributor_id is distinct from l.distributor_id
          and x.distributor_id is distinct from l.counterparty_id""") == 0
    assert q.one("""
        select count(*) from (select *, unnest(string_split(invoice_ids, ';')) i from labels
        where invoice_ids <> '') l
        where not exists (select 1 from sales s where s.invoice_id = l.i
          and s.distributor_id in (l.distributor_id, l.counterparty_id)
          and s.invoice_date between l.period_start::date - 3 and l.period_end::date)""") == 0


def test_at_least_one_of_each_kind_at_50k(tmp_path: Path):
    """Even at 50,000 lines every anomaly kind is planted at least once."""
    generate(tmp_path, lines=50_000, seed=4)
    kinds = pacsv.read_csv(tmp_path / "labels.csv").column("kind").to_pylist()
    assert {k: kinds.count(k) >= 1 for k in set(kinds)} == dict.fromkeys(PLANTED, True)


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
    and most of the excess (≥ 50%) comes back as returns in the first 5 days of the next.
    (The label's period starts on the first stuffed day and ends on the last return day.)"""
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


def test_token_invoices(q):
    """Each token case: ≥ 12 one-line, one-unit bills to one outlet of the labelled
    distributor on one day, each below 10% of that outlet's median bill."""
    rows = q.all("select distributor_id, outlet_ids, invoice_ids from labels "
                 "where kind = 'token_invoices'")
    assert rows
    for dist, outlet, invoices in rows:
        ids = invoices.split(";")
        assert len(ids) >= 12 and ";" not in outlet
        n, days, lines, units, dists, top = q.one("""
            select [count(distinct invoice_id), count(distinct invoice_date), count(*),
                    max(quantity), count(distinct distributor_id), max(net_amount)]
            from sales where invoice_id in (select unnest(?::varchar[]))
              and outlet_id = ?""", ids, outlet)
        assert (n, days, lines, units, dists) == (len(ids), 1, len(ids), 1, 1)
        median = q.one("""select median(v) from (select sum(net_amount) v from sales
                          where outlet_id = ? and doc_type = 'invoice'
                          and invoice_id not in (select unnest(?::varchar[]))
                          group by invoice_id)""", outlet, ids)
        assert top < 0.1 * float(median), (dist, outlet)


def test_territory_violations(q):
    """Each labelled outlet lies > 200 km from the centroid of its distributor's other outlets
    and is billed in the labelled month."""
    rows = q.all("select distributor_id, outlet_ids, period_start::date, period_end::date "
                 "from labels where kind = 'territory_violations'")
    assert rows
    for dist, outlets, start, end in rows:
        ids = outlets.split(";")
        far = q.all("""
            with c as (select avg(latitude) la, avg(longitude) lo from outlets
                       where distributor_id = ? and outlet_id not in
                       (select unnest(?::varchar[])))
            select o.outlet_id, 111 * sqrt(power(o.latitude - la, 2)
                   + power((o.longitude - lo) * cos(radians(la)), 2))
            from outlets o, c where o.outlet_id in (select unnest(?::varchar[]))""",
                    dist, ids, ids)
        assert len(far) == len(ids) and all(km > 200 for _, km in far), far
        billed = q.one("""select count(distinct outlet_id) from sales where outlet_id in
                          (select unnest(?::varchar[])) and invoice_date between ? and ?""",
                       ids, start, end)
        assert billed == len(ids)


def test_negatives(q):
    """The festival month is network-wide ≥ 15% above the median month; each new town is a
    cluster (within 2 km) of distinct phones and tax ids, created at month end and billed
    again in a later month."""
    start, end = q.one("select [period_start::date, period_end::date] from negatives "
                       "where kind = 'festival_month'")
    fest, usual = q.one("""
        with m as (select date_trunc('month', invoice_date) m, sum(net_amount) v from sales
                   group by 1)
        select [max(v) filter (where m = ?::date), median(v) filter (where m <> ?::date)]
        from m""", start, start)
    assert fest >= Decimal("1.15") * usual
    towns = q.all("select outlet_ids, period_end::date from negatives "
                  "where kind = 'new_town_outlets'")
    assert towns
    for outlets, end in towns:
        ids = outlets.split(";")
        phones, taxes, spread, late = q.one("""
            select [count(distinct phone), count(distinct tax_id) + count(*) - count(tax_id),
                    111 * greatest(max(latitude) - min(latitude),
                                   max(longitude) - min(longitude)),
                    max(?::date - created_on)]
            from outlets where outlet_id in (select unnest(?::varchar[]))""", end, ids)
        assert phones == len(ids) and taxes == len(ids) and spread < 4 and late <= 2
        later = q.one("""select count(distinct outlet_id) from sales where outlet_id in
                         (select unnest(?::varchar[])) and invoice_date > ?::date + 1""",
                      ids, end)
        assert later >= len(ids) // 2


def test_backdated_entries(q):
    """Each labelled invoice is dated in the label's last 3 days and entered ≥ 6 days later, in
    the next month; across the network, fewer than 1% of invoices are entered > 3 days late."""
    rows = q.all("select distributor_id, invoice_ids, period_start::date, period_end::date "
                 "from labels where kind = 'backdated_entries'")
    assert rows
    for dist, invoices, start, end in rows:
        ids = invoices.split(";")
        n, lo, hi, lag, dists = q.one("""
            select [count(distinct invoice_id), min(invoice_date) - ?::date,
                    max(invoice_date) - ?::date, min(entered_on - invoice_date),
                    count(distinct distributor_id) filter (where distributor_id = ?)]
            from sales where invoice_id in (select unnest(?::varchar[]))""",
            start, end, dist, ids)
        assert (n, dists) == (len(ids), 1) and lo >= 0 and hi <= 0 and lag >= 6
        assert q.one("select count(*) from sales where invoice_id in "
                     "(select unnest(?::varchar[])) and entered_on <= ?", ids, end) == 0
    late = q.one("select avg((entered_on - invoice_date > 3)::int) from sales "
                 "where doc_type = 'invoice'")
    assert late < 0.01


def test_claims_and_duplicate_claims(dataset, q):
    """claims.csv has the shared columns; every claim line names a real invoice line of its
    participant and claims no more than it (amount ≤ line value, same quantity); the only
    (program, invoice, sku) claimed in two claims are the labelled duplicates, each claimed
    again in a later claim."""
    out, counts = dataset
    q.con.execute(f"create or replace view claims as select * from read_csv("
                  f"'{out / 'claims.csv'}', header=true)")
    assert pacsv.read_csv(out / "claims.csv").column_names == [
        "claim_id", "line_no", "participant_id", "program_id", "invoice_id", "sku", "quantity",
        "amount", "submitted_on"]
    assert counts["claims"] == q.one("select count(*) from claims") > 100
    assert q.one("""
        select count(*) from claims c where not exists (
          select 1 from sales s where s.invoice_id = c.invoice_id and s.sku = c.sku
            and s.distributor_id = c.participant_id and s.doc_type = 'invoice'
            and s.quantity = c.quantity and s.net_amount >= c.amount
            and s.invoice_date < c.submitted_on)""") == 0
    twice = q.all("""
        select participant_id, invoice_id from claims group by all
        having count(distinct claim_id) > 1 and min(claim_id) < max(claim_id)""")
    labelled = q.all("""
        select distinct distributor_id, unnest(string_split(invoice_ids, ';')) from labels
        where kind = 'duplicate_claims'""")
    assert twice and sorted(twice) == sorted(labelled)


def test_circular_flows(q):
    """Each case: the distributor bills an outlet named after the counterparty, and within 30
    days the counterparty bills an outlet named after the distributor sharing that phone."""
    rows = q.all("select distributor_id, counterparty_id, outlet_ids from labels "
                 "where kind = 'circular_flows'")
    assert rows
    for a, b, outlets in rows:
        # outlet_ids are sorted: A's outlet (the one A bills) is either of the two
        out_a, out_b = outlets.split(";")
        if q.one("select distributor_id from outlets where outlet_id = ?", out_a) != a:
            out_a, out_b = out_b, out_a
        there, back = q.one("""
            select [min(invoice_date) filter (where outlet_id = ? and distributor_id = ?),
                    min(invoice_date) filter (where outlet_id = ? and distributor_id = ?)]
            from sales""", out_a, a, out_b, b)
        assert there < back and (back - there).days <= 30
        names = q.all("""select o.outlet_id, o.name like p.name || '%', o.phone from outlets o
                         join participants p on p.participant_id = ?
                           and o.outlet_id = ? or p.participant_id = ? and o.outlet_id = ?
                         order by 1""", b, out_a, a, out_b)
        assert [n for _, n, _ in names] == [True, True] and names[0][2] == names[1][2]


def test_slab_bunching(q):
    """Each case: in ≥ 3 months the distributor's net value (invoices less returns, by date)
    is 100–103% of its volume target although, without the lifted bills, it sits below it."""
    rows = q.all("select distributor_id, invoice_ids from labels where kind = 'slab_bunching'")
    assert rows
    for dist, invoices in rows:
        ids = invoices.split(";")
        target = q.one("select target from targets where program_id = 'volume_targets' "
                       "and participant_id = ?", dist)
        months = q.all("""
            select date_trunc('month', invoice_date) m, sum(net_amount) / ? r,
                   sum(net_amount) filter (where invoice_id not in
                       (select unnest(?::varchar[]))) / ? nat
            from sales where distributor_id = ? group by 1 order by 1""",
                       target, ids, target, dist)
        lifted = [(r, n) for _, r, n in months if 1 <= r <= Decimal("1.03") and n < 1]
        assert len(lifted) >= 3, months


def test_new_distributor_ramp(q):
    """The ramping distributor joins on (about) its label's start, sells nothing before it,
    and its monthly secondary value grows: the last month is ≥ 2× its first."""
    rows = q.all("select distributor_id, period_start::date from negatives "
                 "where kind = 'new_distributor_ramp'")
    assert rows
    for dist, start in rows:
        joined = q.one("select joined_on from participants where participant_id = ?", dist)
        assert 0 < (start - joined).days <= 10
        assert q.one("select count(*) from sales where distributor_id = ? "
                     "and invoice_date < ?", dist, start) == 0
        months = [v for _, v in q.all("""select date_trunc('month', invoice_date) m,
                                                sum(net_amount) from sales
                                         where distributor_id = ? group by 1 order by 1""",
                                      dist)]
        assert len(months) >= 2 and months[-1] >= 2 * months[0]


def test_no_case_falls_before_the_ramping_seller_joins(tmp_path: Path):
    """100k lines, seed 7 once planted a backdating case on the ramping new distributor in a
    month before it joined: a label with no invoice. Every backdating label has ≥ 3 invoices,
    and the ramping seller carries no backdating, claim or circular-flow case."""
    generate(tmp_path, lines=100_000, seed=7)
    labels = pacsv.read_csv(tmp_path / "labels.csv").to_pylist()
    ramp = {r["distributor_id"] for r in pacsv.read_csv(tmp_path / "negatives.csv").to_pylist()
            if r["kind"] == "new_distributor_ramp"}
    back = [r for r in labels if r["kind"] == "backdated_entries"]
    assert back and all(len((r["invoice_ids"] or "").split(";")) >= 3 for r in back)
    assert ramp and not any(r["distributor_id"] in ramp or r["counterparty_id"] in ramp
                            for r in labels if r["kind"] in (
                                "backdated_entries", "duplicate_claims", "circular_flows"))
