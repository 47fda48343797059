"""A textbook rule set for the generator's planted anomalies, and its scorer.

    python -m benchmarks.anomaly_rules DATASET

DATASET is a folder `schemeops generate` wrote (Parquet). One plain DuckDB query per kind
flags (kind, distributor_id, period_start, period_end) with the usual published thresholds;
the scorer matches a flag to a label of labels.csv by kind, distributor_id and overlapping
period, and prints recall and precision per kind. It is the yardstick the detectors must beat:
if these rules already score high on a dataset, its anomalies are too easy to prove anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

_MONTH = "date_trunc('month', {d})::date, (date_trunc('month', {d}) + interval 1 month " \
         "- interval 1 day)::date"

#: One query per kind: rows (distributor_id, period_start, period_end).
RULES = {
    # Modified z-score of the month's net sales against the distributor's own months > 3.5.
    "sales_jump": f"""
        with m as (select distributor_id d, date_trunc('month', invoice_date) m,
                          sum(net_amount) v from sales group by all),
        s as (select d, median(v) med from m group by d),
        a as (select d, median(abs(v - med)) mad from m join s using (d) group by d)
        select d, {_MONTH.format(d="m")} from m join s using (d) join a using (d)
        where mad > 0 and 0.6745 * (v - med) / mad > 3.5""",
    # Share of the month's invoiced value in its last 3 days > 0.35.
    "month_end_stuffing": f"""
        select distributor_id, {_MONTH.format(d="invoice_date")} from sales
        where doc_type = 'invoice' group by all
        having sum(net_amount) filter (where invoice_date > last_day(invoice_date) - 3)
               > 0.35 * sum(net_amount)""",
    # Outlets of one distributor created in the same month sharing a phone, a tax id or
    # exact coordinates.
    "dummy_outlets": f"""
        select distinct distributor_id, {_MONTH.format(d="created_on")} from outlets o
        where exists (select 1 from outlets p where p.outlet_id <> o.outlet_id
                      and p.distributor_id = o.distributor_id
                      and date_trunc('month', p.created_on) = date_trunc('month', o.created_on)
                      and (p.phone = o.phone or p.tax_id = o.tax_id
                           or (p.latitude = o.latitude and p.longitude = o.longitude)))""",
    # ≥ 5 same-day bills to one outlet, each < 10% of the outlet's median bill (the median
    # of its bills on ordinary days, those with fewer than 5 bills).
    "token_invoices": f"""
        with b0 as (select distributor_id, outlet_id, invoice_id, invoice_date,
                           sum(net_amount) v from sales where doc_type = 'invoice'
                    group by all),
        b as (select *, count(*) over (partition by outlet_id, invoice_date) n_day from b0),
        med as (select outlet_id, median(v) mv from b where n_day < 5 group by outlet_id)
        select distinct distributor_id, {_MONTH.format(d="invoice_date")}
        from b join med using (outlet_id) where v < 0.1 * mv
        group by distributor_id, outlet_id, invoice_date having count(*) >= 5""",
    # ≥ 3 invoices of the last 3 days of a month entered more than 3 days after their date.
    "backdated_entries": f"""
        select distributor_id, {_MONTH.format(d="invoice_date")} from (
          select distinct distributor_id, invoice_id, invoice_date from sales
          where doc_type = 'invoice' and invoice_date > last_day(invoice_date) - 3
            and entered_on - invoice_date > 3)
        group by all having count(*) >= 3""",
    # An outlet billed more than 50 km from the centroid of its distributor's outlets: the
    # first month it is billed in the window.
    "territory_violations": f"""
        with c as (select distributor_id, avg(latitude) la, avg(longitude) lo from outlets
                   group by all),
        far as (select o.outlet_id from outlets o join c using (distributor_id)
                where 111.2 * sqrt(power(o.latitude - la, 2)
                      + power((o.longitude - lo) * cos(radians(la)), 2)) > 50),
        first as (select distributor_id, outlet_id, min(invoice_date) d from sales
                  where outlet_id in (select outlet_id from far) group by all)
        select distinct distributor_id, {_MONTH.format(d="d")} from first""",
    # A bills an outlet that is distributor B (named after it) and B bills one that is A
    # within 30 days.
    "circular_flows": f"""
        with ident as (select o.outlet_id, o.distributor_id seller, p.participant_id buyer
                       from outlets o join participants p on o.name = p.name),
        f as (select distinct seller, buyer, invoice_date d from sales join ident
              using (outlet_id) where sales.distributor_id = ident.seller)
        select distinct x.seller, {_MONTH.format(d="x.d")} from f x join f y
          on x.seller = y.buyer and x.buyer = y.seller and y.d between x.d and x.d + 30""",
    # Net value within 3% above the volume target in ≥ 2 of the months (the window's first
    # four: the usual "2 of 4 periods near a threshold").
    "slab_bunching": """
        with m as (select distributor_id, date_trunc('month', invoice_date)::date m,
                          sum(net_amount) v from sales group by all),
        w as (select * from m where m < (select min(m) from m) + interval 4 month),
        near as (select distributor_id, m from w join targets t
                 on t.participant_id = w.distributor_id and t.program_id = 'volume_targets'
                 where v >= t.target and v <= 1.03 * t.target)
        select distributor_id, min(m), (max(m) + interval 1 month - interval 1 day)::date
        from near group by all having count(*) >= 2""",
    # The same (program, invoice, sku) claimed in two claims.
    "duplicate_claims": f"""
        select distinct c.participant_id, {_MONTH.format(d="s.invoice_date")}
        from claims c join sales s on s.invoice_id = c.invoice_id and s.line_no = 1
        group by c.participant_id, c.program_id, c.invoice_id, c.sku, s.invoice_date
        having count(distinct c.claim_id) > 1""",
}


def connect(dataset: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with views over a generated dataset's files."""
    con = duckdb.connect()
    for name in ("sales", "outlets", "participants", "targets"):
        con.execute(f"create view {name} as select * from read_parquet('{dataset / name}"
                    ".parquet')")
    for name in ("labels", "claims"):
        con.execute(f"create view {name} as select * from read_csv('{dataset / name}.csv', "
                    "header=true)")
    return con


def score(dataset: Path) -> dict[str, tuple[int, int, float, float]]:
    """Per kind planted in labels.csv: (labels, flags, recall, precision) of its rule."""
    con = connect(dataset)
    out: dict[str, tuple[int, int, float, float]] = {}
    for kind, sql in RULES.items():
        labels = con.execute("select count(*) from labels where kind = ?", [kind]).fetchone()[0]
        if not labels:
            continue
        con.execute(f"create or replace temp table flags as select * from ({sql}) "
                    "f(distributor_id, period_start, period_end)")
        match = """l.distributor_id = f.distributor_id and l.period_start <= f.period_end
                   and f.period_start <= l.period_end"""
        found = con.execute(f"select count(*) from labels l where kind = ? and exists "
                            f"(select 1 from flags f where {match})", [kind]).fetchone()[0]
        n_flags, right = con.execute(
            f"select count(*), count(*) filter (where exists (select 1 from labels l "
            f"where l.kind = ? and {match})) from flags f", [kind]).fetchone()
        out[kind] = (labels, n_flags, found / labels, right / n_flags if n_flags else 0.0)
    return out


def main(argv: list[str]) -> None:
    """Print the rule set's recall and precision per kind on each dataset given."""
    for arg in argv:
        print(f"## {arg}")
        print("| kind | labels | flags | recall | precision |")
        print("|---|---:|---:|---:|---:|")
        for kind, (n, f, r, p) in score(Path(arg)).items():
            print(f"| {kind} | {n} | {f} | {r:.2f} | {p:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
