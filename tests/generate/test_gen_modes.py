"""The switches: --anomaly-rate scales the planted counts, --negatives-only plants none but
the hard negatives, --subtle makes each kind smaller and closer to normal behaviour."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pytest

from schemeops.generate import generate

LINES, SEED = 200_000, 5


def _kinds(out: Path, name: str = "labels.csv") -> Counter:
    return Counter(pacsv.read_csv(out / name).column("kind").to_pylist())


@pytest.fixture(scope="module")
def normal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("normal")
    generate(out, lines=LINES, seed=SEED)
    return out


@pytest.fixture(scope="module")
def subtle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("subtle")
    generate(out, lines=LINES, seed=SEED, subtle=True)
    return out


def test_rate_zero_and_negatives_only_plant_no_anomaly(tmp_path: Path):
    """Rate 0: no labels; negatives-only: no labels but the hard negatives; same line count."""
    zero = generate(tmp_path / "z", lines=50_000, seed=2, anomaly_rate=0)
    neg = generate(tmp_path / "n", lines=50_000, seed=2, negatives_only=True)
    assert zero["labels"] == neg["labels"] == 0
    assert zero["sales"] == neg["sales"] == 50_000
    assert _kinds(tmp_path / "n", "negatives.csv")["new_town_outlets"] >= 1


def test_rate_scales_counts(tmp_path: Path, normal: Path):
    """Rate 3 plants about three times as many cases of each kind as rate 1, while sellers
    last: at 200k lines k = round(2·√2·rate) = round(2.83) = 3 at rate 1 and round(8.49) = 8
    at rate 3, dummy groups being 2k (6 and 16)."""
    generate(tmp_path, lines=LINES, seed=SEED, anomaly_rate=3)
    one, three = _kinds(normal), _kinds(tmp_path)
    assert one["sales_jump"] == 3 and one["dummy_outlets"] == 6
    assert three["dummy_outlets"] == 16
    assert all(three[k] > one[k] for k in one)


def test_subtle_is_closer_to_normal(normal: Path, subtle: Path):
    """Subtle mode: jumps about 2× instead of 6×, dummy groups share no phone or tax id but sit
    within 30 m under one name, token cases have fewer bills, stuffing returns less."""
    con = duckdb.connect()

    def one(out: Path, sql: str):
        for t in ("sales", "outlets"):
            con.execute(f"create or replace view {t} as select * from "
                        f"read_parquet('{out / t}.parquet')")
        con.execute(f"create or replace view labels as select * from "
                    f"read_csv('{out / 'labels.csv'}', all_varchar=true)")
        return con.execute(sql).fetchone()[0]

    jump = """with l as (select distributor_id d, period_start::date s from labels
                         where kind = 'sales_jump'),
               m as (select distributor_id d, date_trunc('month', invoice_date) m,
                            sum(net_amount) v from sales group by all)
              select max(r) from (select max(v) filter (where m = s) /
                                         median(v) filter (where m <> s) r
                                  from m join l using (d) group by d)"""
    # (2× units; a festival month or an ordinary swing may add to it)
    assert one(normal, jump) > 4.5 > 3.5 > one(subtle, jump)
    shared = """select [count(*), count(*) filter (where phones = 1 or taxes = 1),
                        count(*) filter (where n_names = 1 and metres <= 45)] from (
                  select label_id, count(distinct phone) phones,
                         count(distinct coalesce(tax_id, outlet_id)) taxes,
                         count(distinct name) n_names,
                         111000 * greatest(max(latitude) - min(latitude),
                                           max(longitude) - min(longitude)) metres
                  from (select label_id, unnest(string_split(outlet_ids, ';')) o from labels
                        where kind = 'dummy_outlets') join outlets on outlet_id = o
                  group by label_id)"""
    groups, ident, close = one(subtle, shared)
    assert groups >= 1 and ident == 0 and close == groups
    bills = "select max(len(string_split(invoice_ids, ';'))) from labels " \
            "where kind = 'token_invoices'"
    assert one(subtle, bills) < 8 <= 12 <= one(normal, bills) - 0
    returned = """select -sum(r.net_amount) / sum(i.net_amount) from sales i
                  join sales r on r.ref_invoice_id = i.invoice_id
                  where i.invoice_id in (select unnest(string_split(invoice_ids, ';'))
                                         from labels where kind = 'month_end_stuffing')"""
    assert one(subtle, returned) < 0.6 < 0.7 < one(normal, returned)


def test_subtle_territory_and_bunching(subtle: Path):
    """Subtle territory violations sit in a city of another region (one of the two nearest the
    seller's city), not in its own region; subtle bunching spreads its four months over the
    window (not always the first four); backdating cases enter ≥ 3 invoices late."""
    from schemeops.generate.network import CITIES
    from schemeops.generate.outlets import NEAREST_ACROSS

    con = duckdb.connect()
    for t in ("outlets", "participants"):
        con.execute(f"create view {t} as select * from read_parquet('{subtle / t}.parquet')")
    con.execute(f"create view labels as select * from read_csv('{subtle / 'labels.csv'}', "
                "all_varchar=true)")
    rows = con.execute("""
        select p.city, o.city from (select distributor_id, unnest(string_split(outlet_ids, ';'))
                                    o from labels where kind = 'territory_violations') l
        join outlets o on o.outlet_id = l.o
        join participants p on p.participant_id = l.distributor_id""").fetchall()
    assert rows
    for home, there in rows:
        h, t = CITIES.index(home), CITIES.index(there)
        assert t // 4 != h // 4 and t in NEAREST_ACROSS[h].tolist()
    spans = con.execute("""select date_diff('month', period_start::date, period_end::date)
                           from labels where kind = 'slab_bunching'""").fetchall()
    assert spans and all(s >= 3 for s, in spans)
    # a backdating case enters 40% of its last-days invoices late, and at least 3
    late = con.execute("""select min(len(string_split(invoice_ids, ';'))) from labels
                          where kind = 'backdated_entries'""").fetchone()[0]
    assert late >= 3
