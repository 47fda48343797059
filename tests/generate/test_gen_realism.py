"""The generated network looks like a real one: skew, catalogue, churn, rhythm, seasons, money."""

from __future__ import annotations

WINDOW = "date '2026-04-01'"


def test_participant_attributes(q):
    """Sellers have region, area, tier (platinum/gold/silver/bronze), channel, city, joined_on."""
    assert q.one("select count(*) from participants where role in ('distributor', 'dealer', "
                 "'sub_distributor') and (region is null or area is null or tier is null or "
                 "channel is null or city is null or joined_on is null)") == 0
    tiers = {r[0] for r in q.all("select distinct tier from participants where tier is not null")}
    assert tiers == {"platinum", "gold", "silver", "bronze"}


def test_top_tenth_of_sellers_carry_forty_percent(q):
    """The top 10% of selling participants by secondary value carry ≥ 40% of the value."""
    share = q.one("""
        with v as (select distributor_id, sum(net_amount) v from sales group by 1),
             r as (select v, row_number() over (order by v desc) rk, count(*) over () n from v)
        select sum(v) filter (where rk <= ceil(n / 10.0)) / sum(v) from r""")
    assert share >= 0.4


def test_catalogue(q):
    """150–300 SKUs in three segments, cost below price, 2–5 launches in the current month
    that sell in it."""
    n, segs, bad = q.one("select [count(*), count(distinct segment), "
                         "count(*) filter (where unit_cost >= unit_price)] from products")
    assert 150 <= n <= 300 and segs == 3 and bad == 0
    launches = [r[0] for r in q.all("select sku from products where launched_on >= "
                                    "date '2026-10-01'")]
    assert 2 <= len(launches) <= 5
    sold = q.one("select count(distinct sku) from sales where doc_type = 'invoice' and "
                 "sku in (select sku from products where launched_on >= date '2026-10-01')")
    assert sold == len(launches)


def test_outlets_created_every_month(q):
    """Outlets are created before and inside every month of the window."""
    months = q.one(f"select count(distinct date_trunc('month', created_on)) from outlets "
                   f"where created_on >= {WINDOW}")
    assert months == 7
    assert q.one(f"select count(*) from outlets where created_on < {WINDOW}") > 0


def test_weekly_visit_rhythm(q):
    """Most of an outlet's invoices fall on its usual weekday (≥ 60% overall)."""
    share = q.one("""
        with d as (select distinct outlet_id, invoice_id, dayofweek(invoice_date) wd
                   from sales where doc_type = 'invoice'),
             c as (select outlet_id, wd, count(*) n from d group by all),
             m as (select outlet_id, max(n) top, sum(n) total from c group by 1
                   having sum(n) >= 4)
        select sum(top) / sum(total) from m""")
    assert share >= 0.6


def test_every_month_has_new_and_lost_outlets(q):
    """Every month after the first has new outlets (first bill in the month) and lost outlets
    (billed the month before, never again)."""
    got = q.all("""
        with b as (select distinct outlet_id, date_trunc('month', invoice_date) m from sales
                   where doc_type = 'invoice'),
             f as (select outlet_id, min(m) first_m, max(m) last_m from b group by 1),
             months as (select distinct m from b)
        select months.m,
               (select count(*) from f where first_m = months.m) new_outlets,
               (select count(*) from f where last_m = months.m - interval 1 month) lost
        from months order by 1""")
    assert len(got) == 7
    for m, new, lost in got[1:]:
        assert new > 0 and lost > 0, m


def test_reactivated_outlets_every_observable_month(q):
    """Each month from the fifth on (when a 90-day gap after a bill is observable) has
    reactivated outlets: billed in the month, not in the 90 days before it, but before that."""
    got = q.all(f"""
        with b as (select distinct outlet_id, invoice_date d from sales
                   where doc_type = 'invoice'),
             months as (select distinct date_trunc('month', d)::date ms from b)
        select ms, (select count(distinct outlet_id) from b
                    where date_trunc('month', d) = ms
                      and not exists (select 1 from b b2 where b2.outlet_id = b.outlet_id
                                      and b2.d between ms - 90 and ms - 1)
                      and exists (select 1 from b b3 where b3.outlet_id = b.outlet_id
                                  and b3.d < ms - 90)) n
        from months where ms - 120 >= {WINDOW} order by 1""")
    assert len(got) == 3
    assert all(n > 0 for _, n in got), got


def test_sizing_lines_per_outlet_and_invoice(q):
    """About 12 lines per active outlet per month (8–16) and 3–4 lines per invoice (2.5–4.5)."""
    per_outlet, per_invoice = q.one("""
        select [count(*) / count(distinct (outlet_id, date_trunc('month', invoice_date))),
                count(*) / count(distinct invoice_id)]
        from sales where doc_type = 'invoice'""")
    assert 8 <= per_outlet <= 16
    assert 2.5 <= per_invoice <= 4.5


def test_festive_season_and_month_end_push(q):
    """October sells more per day than April–September; in every month the last 3 days
    carry ≥ 1.3× the month's average value per day."""
    per_month = q.all("""
        select date_trunc('month', invoice_date) m, sum(net_amount) /
               (last_day(min(invoice_date)) - m + 1) per_day,
               sum(net_amount) filter (where last_day(invoice_date) - invoice_date < 3) / 3
                 / (sum(net_amount) / (last_day(min(invoice_date)) - m + 1)) end_ratio
        from sales where doc_type = 'invoice' group by 1 order by 1""")
    october = float(per_month[-1][1])
    earlier = [float(r[1]) for r in per_month[:-1]]
    assert october > 1.1 * sum(earlier) / len(earlier)
    assert all(r[2] >= 1.3 for r in per_month)


def test_returns_share_of_value(q):
    """Returns are 1–4% of invoiced value in every month after the first (≤ 4% in the first,
    which has no earlier invoices to return)."""
    shares = [float(r[0]) for r in q.all("""
        select -sum(net_amount) filter (where doc_type = 'return')
               / sum(net_amount) filter (where doc_type = 'invoice')
        from sales group by date_trunc('month', invoice_date) order by any_value(invoice_date)""")]
    assert shares[0] <= 0.04
    assert all(0.01 <= s <= 0.04 for s in shares[1:]), shares


def test_primary_follows_secondary(q):
    """Each buying distributor's primary value is in line with its secondary value (0.5–1.3×),
    with credit terms of 15, 30 and 45 days."""
    ratios = [float(r[0]) for r in q.all("""
        with s as (select distributor_id, sum(net_amount) v from sales group by 1),
             p as (select distributor_id, sum(net_amount) v from primary_sales group by 1)
        select p.v / s.v from p join s using (distributor_id)""")]
    assert len(ratios) >= 10
    assert all(0.5 <= r <= 1.3 for r in ratios), ratios
    terms = {r[0] for r in q.all("select distinct due_date - invoice_date from primary_sales")}
    assert terms == {15, 30, 45}


def test_payment_behaviours_all_occur(q):
    """Early (full ≤ 10 days), on-time, late (after due), partial and on-account payments all
    occur, so outstanding balances and early-payment discounts are non-trivial."""
    kinds = q.one("""
        with t as (select invoice_id, sum(net_amount) total, min(invoice_date) d,
                   min(due_date) due from primary_sales group by 1),
             p as (select invoice_id, sum(amount) paid, max(paid_on) last_paid from payments
                   where invoice_id is not null group by 1)
        select [count(*) filter (where paid = total and last_paid - d <= 10),
                count(*) filter (where paid = total and last_paid - d > 10
                                 and last_paid <= due),
                count(*) filter (where last_paid > due),
                count(*) filter (where paid < total),
                count(*) filter (where paid is null)]
        from t left join p using (invoice_id)""")
    assert all(k > 0 for k in kinds), kinds
    assert q.one("select count(*) from payments where invoice_id is null") > 0


def test_targets(q):
    """mbo_targets/billed_outlets: one target per seller, 60% of its outlets (rounded up)."""
    bad = q.one("""
        with o as (select distributor_id participant_id, count(*) n from outlets group by 1)
        select count(*) from targets t join o using (participant_id)
        where program_id = 'mbo_targets' and kpi = 'billed_outlets'
          and t.target < 1""")
    assert bad == 0
    sellers = q.one("select count(*) from participants where role in ('distributor', "
                    "'dealer', 'sub_distributor')")
    assert q.one("select count(*) from targets where kpi = 'billed_outlets'") == sellers
