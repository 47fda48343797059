"""The history state (`_history`) that each load keeps up to date from its own lines equals
the state built from every line at once, whatever the order and grouping of the loads:
late rows, returns loaded before or after their invoice, lines loaded twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import ibis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemeops.engine.kpis.history import history_bills
from schemeops.ingest.history import (
    HISTORY_TABLE,
    UNBILLED_TABLE,
    last_bill_before,
    month_rows,
    unbilled_rows,
)

from .conftest import SALES_HEADER, Bench
from .test_digests_added import fingerprints, recorded_and_built

PAIRS = [("D1", "O1"), ("D1", "O2"), ("D2", "O2")]
START = dt.date(2026, 1, 1)


def _rows(con, t) -> list[tuple]:
    return sorted(tuple(r.values()) for r in con.to_pyarrow(t).to_pylist())


def _state(warehouse) -> tuple[list[tuple], list[tuple]]:
    """The state (and its unbilled invoices) as the loads kept it, and as built from all
    the lines now."""
    con = ibis.duckdb.connect(warehouse, read_only=True)
    try:
        sales = con.table("sales")
        kept = [_rows(con, con.table(HISTORY_TABLE)), _rows(con, con.table(UNBILLED_TABLE))]
        built = [_rows(con, month_rows(sales)), _rows(con, unbilled_rows(sales))]
        assert built[0] == _rows(con, _every_invoice_summed(sales))
    finally:
        con.disconnect()
    return kept, built


def _every_invoice_summed(sales):
    """The state's rows as the meanings say them, summing every invoice: a month's net is
    its lines' sum; a bill is an invoice whose value net of every return naming it is above
    0; `returned` sums the returns naming the month's invoices."""
    key = ["distributor_id", "outlet_id", "month"]
    lines = sales.mutate(month=sales.invoice_date.truncate("M").cast("date"))
    net = lines.group_by(key).agg(net=lines.net_amount.sum())
    inv = lines.filter(lines.doc_type == "invoice")
    inv = inv.group_by([*key, "invoice_id", "invoice_date"]).agg(value=inv.net_amount.sum())
    rets = sales.filter((sales.doc_type == "return") & sales.ref_invoice_id.notnull())
    rets = rets.group_by(ref=rets.ref_invoice_id).agg(returned=rets.net_amount.sum())
    j = inv.left_join(rets, inv.invoice_id == rets.ref)
    j = j.mutate(returned=j.returned.fill_null(0))
    kept = j.value + j.returned > 0
    bills = j.group_by(key).agg(returned=j.returned.sum(), first_bill=j.invoice_date.min(
        where=kept), last_bill=j.invoice_date.max(where=kept))
    rows = net.left_join(bills, key)
    return rows.select(*key, net=rows.net.cast("decimal(38,2)"),
                       returned=rows.returned.fill_null(0).cast("decimal(38,2)"),
                       first_bill=rows.first_bill, last_bill=rows.last_bill)


def _lookbacks(warehouse) -> tuple[list[tuple], list[tuple]]:
    """Each state row's last bill before its month, from the state, and as the KPIs'
    history finds it in the lines (`history_bills`, the month's start as cut-off)."""
    con = ibis.duckdb.connect(warehouse, read_only=True)
    try:
        state = con.table(HISTORY_TABLE)
        mine = last_bill_before(state, con.table(UNBILLED_TABLE))
        months = state.select("month").distinct()
        periods = months.select(period_no=ibis.row_number(), start=months.month)
        bills = history_bills(con.table("sales"), periods)
        j = bills.join(periods, "period_no")
        j = j.filter(j.day < j.start)
        theirs = j.group_by(["distributor_id", "outlet_id", j.start.name("month")]).agg(
            last_before=j.day.max())
        theirs = state.select("distributor_id", "outlet_id", "month").left_join(
            theirs, ["distributor_id", "outlet_id", "month"])
        theirs = theirs.select("distributor_id", "outlet_id", "month", "last_before")
        return _rows(con, mine), _rows(con, theirs)
    finally:
        con.disconnect()


@st.composite
def history_lines(draw) -> list[tuple[int, str]]:
    """(batch, CSV line) pairs: invoices S0.. on random pairs and days of four months,
    returns naming some of them (any later day, any share), a few lines in two of the three
    batches."""
    out = []
    invoices = draw(st.lists(st.tuples(st.sampled_from(PAIRS), st.integers(0, 119),
                                       st.integers(0, 500)), min_size=1, max_size=6))
    for i, ((d, o), day, value) in enumerate(invoices):
        date = START + dt.timedelta(days=day)
        batch = draw(st.integers(0, 2))
        out.append((batch, f"S{i},1,{date},{d},{o},P1,1,{value}.00,invoice,"))
        if draw(st.booleans()):  # loaded twice: already present the second time
            out.append((draw(st.integers(0, 2)), out[-1][1]))
        for r in range(draw(st.integers(0, 2))):
            back = draw(st.integers(0, value))
            rdate = date + dt.timedelta(days=draw(st.integers(0, 60)))
            out.append((draw(st.integers(0, 2)),
                        f"R{i}x{r},1,{rdate},{d},{o},P1,-1,-{back}.00,return,S{i}"))
    return out


def load_batches(bench: Bench, lines: list[tuple[int, str]]) -> Iterator[int]:
    """Load the `lines` (`history_lines`) batch by batch with --accept-valid, yielding each
    batch's number after its load."""
    for b in range(3):
        mine = sorted({text for batch, text in lines if batch == b})
        if mine:
            path = bench.csv(f"b{b}/sales.csv", "\n".join([SALES_HEADER, *mine]) + "\n")
            bench.load(path, accept_valid=True)
            yield b


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=history_lines())
def test_loads_one_by_one_keep_the_state_built_from_all_lines(tmp_path_factory,
                                                              master_warehouse, lines):
    """Three loads (a line in two of them is already present the second time; a return
    loaded before its invoice is rejected as an unknown reference, quarantined): after
    each, the kept state, named invoices and digests equal those of all lines loaded so
    far; at the end, each row's last bill before its month is the one the KPIs' history
    finds in the lines."""
    bench = Bench(tmp_path_factory.mktemp("history"), master_warehouse)
    for _ in load_batches(bench, lines):
        kept, built = _state(bench.warehouse)
        assert kept == built
        # what the loads record beside it: the named invoices and the digests
        kept, built = recorded_and_built(bench.warehouse)
        assert kept == built
        hashed, recorded = fingerprints(bench.warehouse)
        assert recorded == hashed
    mine, theirs = _lookbacks(bench.warehouse)
    assert mine == theirs


def test_a_return_counts_against_its_invoice_month(bench: Bench):
    """S1 (5 Jan, 45.50) and S2 (6 Jan, 50.00) at D1/O1; R1 (−45.50 on 3 Feb) returns S1 in
    full: January's net stays 95.50 (the return is dated in February, net −45.50 there),
    but January has −45.50 returned, and its first bill is S2's 6 Jan, not S1's 5 Jan."""
    bench.load(bench.csv("sales.csv", "\n".join([
        SALES_HEADER, "S1,1,2026-01-05,D1,O1,P1,2,45.50,invoice,",
        "S2,1,2026-01-06,D1,O1,P1,5,50.00,invoice,"]) + "\n"))
    cols = "month, net, returned, first_bill, last_bill"
    assert bench.rows(f"SELECT {cols} FROM {HISTORY_TABLE}") == [
        (dt.date(2026, 1, 1), Decimal("95.50"), Decimal("0.00"), dt.date(2026, 1, 5),
         dt.date(2026, 1, 6))]
    out = bench.load(bench.csv("more/sales.csv", SALES_HEADER
                               + "\nR1,1,2026-02-03,D1,O1,P1,-2,-45.50,return,S1\n"))
    assert out.report.stale == 1  # January's row changed, and January is past
    assert bench.rows(f"SELECT {cols} FROM {HISTORY_TABLE} ORDER BY month") == [
        (dt.date(2026, 1, 1), Decimal("95.50"), Decimal("-45.50"), dt.date(2026, 1, 6),
         dt.date(2026, 1, 6)),
        (dt.date(2026, 2, 1), Decimal("-45.50"), Decimal("0.00"), None, None)]
    assert bench.rows("SELECT load_id, distributor_id, outlet_id, month FROM _stale_keys") \
        == [(3, "D1", "O1", dt.date(2026, 1, 1))]  # load 1 was the master data


def test_an_invoice_whose_lines_sum_below_zero_is_no_bill():
    """A load refuses an invoice line below 0, but the state does not rely on it: S1 at
    D1/O1 has lines of 10.00 and −15.00 on 5 Jan (worth −5.00: no bill), S2 one line of
    0.00 on 6 Jan (no bill), S3 one of 7.00 on 9 Jan (the month's only bill). January's
    net: 10 − 15 + 0 + 7 = 2.00."""
    rows = [("S1", 1, "10.00"), ("S1", 2, "-15.00"), ("S2", 1, "0.00"), ("S3", 1, "7.00")]
    days = {"S1": 5, "S2": 6, "S3": 9}
    sales = ibis.memtable({
        "invoice_id": [r[0] for r in rows], "line_no": [r[1] for r in rows],
        "invoice_date": [dt.date(2026, 1, days[r[0]]) for r in rows],
        "distributor_id": ["D1"] * 4, "outlet_id": ["O1"] * 4,
        "net_amount": [Decimal(r[2]) for r in rows], "doc_type": ["invoice"] * 4,
        "ref_invoice_id": [None] * 4,
    }, schema={"invoice_id": "string", "line_no": "int64", "invoice_date": "date",
               "distributor_id": "string", "outlet_id": "string",
               "net_amount": "decimal(18,2)", "doc_type": "string", "ref_invoice_id": "string"})
    con = ibis.duckdb.connect()
    expected = [("D1", "O1", dt.date(2026, 1, 1), Decimal("2.00"), Decimal("0.00"),
                 dt.date(2026, 1, 9), dt.date(2026, 1, 9))]
    assert _rows(con, month_rows(sales)) == expected
    assert _rows(con, _every_invoice_summed(sales)) == expected
