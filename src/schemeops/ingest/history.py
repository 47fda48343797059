"""The history state: per seller, outlet and month, what the lookback KPIs read of the past,
kept up to date by each load from the lines it brings (docs/ingest.md, "History state").

One row per (distributor_id, outlet_id, month) that has a line dated in the month:
`net` (Σ net_amount of the month's lines, on their own date, as a period's billing reads
them), `returned` (Σ net_amount of the returns naming the month's invoices, wherever they
are dated: what history and a returns window attribute to the month) and
`first_bill`/`last_bill` (the first and last day in the month of an invoice that
history counts as a bill: its value, net of every return naming it (`ref_invoice_id`),
wherever that return is dated, is above 0; returns are attributed to their invoice).
Beside it, `_unbilled` holds the few invoices their returns took to 0 with the day they
did, so the last bill before a month's start is exactly what the KPIs' lookbacks find
(they count a return only from its own date on): `last_bill_before`.
A load recomputes only the keys its lines touch (their own keys, and the keys of the
invoices its returns name), with set operations, and records the keys of past months whose
row changed in `_stale_keys`, so a recalculation knows whose results they change.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from schemeops.ingest.named import update_named
from schemeops.ingest.target import table_sql

#: The warehouse table holding the state.
HISTORY_TABLE = "_history"
#: The warehouse table of the invoices their returns took to 0 (`unbilled_rows`).
UNBILLED_TABLE = "_unbilled"
#: The warehouse table of the keys of past months that a load changed.
STALE_TABLE = "_stale_keys"
KEY = ["distributor_id", "outlet_id", "month"]
HISTORY_SCHEMA = {"distributor_id": "string", "outlet_id": "string", "month": "date",
                  "net": "decimal(38,2)", "returned": "decimal(38,2)", "first_bill": "date",
                  "last_bill": "date"}
UNBILLED_SCHEMA = {"distributor_id": "string", "outlet_id": "string", "month": "date",
                   "invoice_id": "string", "invoice_date": "date", "unbilled_on": "date"}
STALE_SCHEMA = {"load_id": "int64", "distributor_id": "string", "outlet_id": "string",
                "month": "date"}


def _with_month(sales: ir.Table) -> ir.Table:
    return sales.mutate(month=sales.invoice_date.truncate("M").cast("date"))


def _named_return(sales: ir.Table) -> ir.BooleanValue:
    ref = sales.ref_invoice_id
    return (sales.doc_type == "return") & ref.notnull() & (ref != "")


def _lines(sales: ir.Table, keys: ir.Table | None) -> ir.Table:
    """The lines of `sales` in the `keys` (all when None), with their month."""
    lines = _with_month(sales)
    if keys is None:
        return lines
    # the keys' earliest month first, on the date itself (a month is a month's first day):
    # DuckDB skips the row groups of earlier loads by their date ranges, which it cannot do
    # through the month computed from the date
    lines = lines.filter(lines.invoice_date >= keys.month.min().as_scalar())
    return lines.semi_join(keys, KEY)


def valued_invoices(sales: ir.Table, keys: ir.Table | None = None) -> ir.Table:
    """The invoices of `sales` in the `keys` (all when None) whose being a bill needs their
    whole value: those a return names (anywhere in `sales`), and any with a line below 0.
    `KEY`, invoice_id, invoice_date, value. Every other invoice's lines are all 0 or more
    and no return takes from it, so it is a bill exactly when one of its lines is above 0,
    which its lines tell without summing them per invoice (at 100M lines, 33M invoices)."""
    lines = sales if keys is None else _lines(sales, keys)  # the month added after
    lines = lines.filter(lines.doc_type == "invoice")
    # one pass for both kinds (any superset of them would do: a valued invoice's value is
    # exact whatever it is)
    odd = (sales.doc_type == "invoice") & (sales.net_amount < 0)
    ids = sales.filter(_named_return(sales) | odd)
    ids = ids.select(_id=ibis.ifelse(ids.doc_type == "return", ids.ref_invoice_id,
                                     ids.invoice_id))
    inv = lines.semi_join(ids, lines.invoice_id == ids._id)
    # grouped without the month (the date gives it): a smaller key per invoice to hold
    inv = inv.group_by(["distributor_id", "outlet_id", "invoice_id", "invoice_date"]).agg(
        value=inv.net_amount.sum())
    return _with_month(inv).select(*KEY, "invoice_id", "invoice_date", "value")


def _returns_of(sales: ir.Table, inv: ir.Table) -> ir.Table:
    """The returns of `sales` naming an invoice of `inv`."""
    rets = sales.filter(_named_return(sales))
    return rets.semi_join(inv, rets.ref_invoice_id == inv.invoice_id)


def month_rows(sales: ir.Table, keys: ir.Table | None = None,
               inv: ir.Table | None = None) -> ir.Table:
    """The state's rows of `sales` (every line the warehouse holds), for the `keys`
    (distributor_id, outlet_id, month) only when given; `inv`: their `valued_invoices`,
    when already computed."""
    lines = _lines(sales, keys)
    inv = valued_invoices(sales, keys) if inv is None else inv
    # one pass over the lines: the month's net, and the other invoices' bills, each on
    # the day of a line above 0
    ids = inv.select(_valued=inv.invoice_id).distinct()
    marked = lines.left_join(ids, lines.invoice_id == ids._valued)
    plain = (marked.doc_type == "invoice") & (marked.net_amount > 0) & marked._valued.isnull()
    net = marked.group_by(KEY).agg(net=marked.net_amount.sum().cast("decimal(38,2)"),
                                   first_bill=marked.invoice_date.min(where=plain),
                                   last_bill=marked.invoice_date.max(where=plain))
    rets = _returns_of(sales, inv)
    rets = rets.group_by(ref=rets.ref_invoice_id).agg(returned=rets.net_amount.sum())
    j = inv.left_join(rets, inv.invoice_id == rets.ref)
    kept = (j.value + j.returned.fill_null(0)) > 0
    valued = j.group_by(KEY).agg(
        returned=j.returned.sum().fill_null(0).cast("decimal(38,2)"),
        v_first=j.invoice_date.min(where=kept), v_last=j.invoice_date.max(where=kept))
    rows = net.left_join(valued, KEY)
    return rows.select(*KEY, "net", returned=rows.returned.fill_null(0).cast("decimal(38,2)"),
                       first_bill=_either(rows.first_bill, rows.v_first, ibis.least),
                       last_bill=_either(rows.last_bill, rows.v_last, ibis.greatest))


def _either(a: ir.Value, b: ir.Value, pick) -> ir.Value:
    """`pick` of `a` and `b`, or the one that is not null."""
    return ibis.cases((b.isnull(), a), (a.isnull(), b), else_=pick(a, b))


def unbilled_rows(sales: ir.Table, keys: ir.Table | None = None,
                  inv: ir.Table | None = None) -> ir.Table:
    """`KEY`, invoice_id, invoice_date, unbilled_on: each invoice of `sales` (in the `keys`
    when given; `inv`: their `valued_invoices`, when already computed) worth more than 0 that its
    returns take to 0 or below, and the first day they do. A lookback from a cut-off after
    that day no longer counts it as a bill; one from a cut-off up to that day still does
    (it counts returns dated before the cut-off). Few rows: the state's `last_bill` leaves
    these invoices out."""
    inv = valued_invoices(sales, keys) if inv is None else inv
    rets = _returns_of(sales, inv)
    day = rets.group_by(ref=rets.ref_invoice_id, day=rets.invoice_date).agg(
        returned=rets.net_amount.sum())
    w = ibis.window(group_by="ref", order_by="day", preceding=None, following=0)
    day = day.mutate(so_far=day.returned.sum().over(w))
    j = inv.filter(inv.value > 0).join(day, inv.invoice_id == day.ref)
    j = j.filter(j.value + j.so_far <= 0)
    return j.group_by([*KEY, "invoice_id", "invoice_date"]).agg(unbilled_on=j.day.min())


def touched_keys(batch: ir.Table, sales: ir.Table) -> ir.Table:
    """The keys whose rows the lines `batch` change, given the warehouse's `sales` (which
    hold them): the batch lines' own keys and those of the invoices its returns name."""
    own = _with_month(batch).select(*KEY)
    rets = batch.filter(_named_return(batch))
    inv = _with_month(sales.filter(sales.doc_type == "invoice"))
    named = inv.semi_join(rets, inv.invoice_id == rets.ref_invoice_id).select(*KEY)
    return ibis.union(own, named, distinct=True)


def update_history(ib: ibis.BaseBackend, batch: ir.Table, *, load_id: int,
                   database: tuple[str, str] | None = None) -> int:
    """Bring the state up to date with `batch` (lines just inserted into the warehouse's
    sales, within the caller's transaction) and record the changed keys of past months as
    stale for `load_id`: those of a month before the warehouse's newest month before the
    load, or before the newest month of the batch, once the warehouse held sales (a first
    load's months are not late). Returns the number of stale keys."""
    state = ib.table(HISTORY_TABLE, database=database)
    sales = ib.table("sales", database=database)
    first = int(ib.to_pyarrow(state.count()).as_py()) == 0 and int(
        ib.to_pyarrow(sales.count()).as_py()) == int(ib.to_pyarrow(batch.count()).as_py())
    if first:
        # the warehouse held no sales (the batch is every line): the
        # state of every line at once, without finding the keys they touch first (at 100M
        # lines that search was most of the state's time); nothing was calculated on it,
        # so nothing is stale. Read from the batch, which is every line: DuckDB scans the
        # rows the transaction just wrote to the warehouse on one thread.
        _replace_rows(ib, batch, None, batch, database)
        ib.drop_table(_NEW, force=True)
        return 0
    newest = state.month.max().as_scalar()
    batch_newest = _with_month(batch).month.max().as_scalar()
    keys = ib.create_table(_TOUCHED, touched_keys(batch, sales), temp=True, overwrite=True)
    old = ib.create_table("_old_rows", state.semi_join(keys, KEY), temp=True, overwrite=True)
    new = _replace_rows(ib, sales, keys, batch, database)
    changed = new.difference(old).select(*KEY)
    stale = changed.filter((changed.month < newest) | (changed.month < batch_newest))
    stale = stale.mutate(load_id=ibis.literal(load_id, type="int64")).select("load_id", *KEY)
    count = int(ib.to_pyarrow(stale.count()).as_py())
    if count:
        ib.insert(STALE_TABLE, stale, database=database)
    for name in (_TOUCHED, "_old_rows", _NEW):
        ib.drop_table(name, force=True)
    return count


#: The temporary tables of the keys a load touches and of the state's new rows for them.
_TOUCHED, _NEW = "_touched", "_new_rows"


def _replace_rows(ib: ibis.BaseBackend, sales: ir.Table, keys: ir.Table | None,
                  batch: ir.Table, database: tuple[str, str] | None) -> ir.Table:
    """Replace the state's and the unbilled invoices' rows of the `keys` (the temporary
    table `_TOUCHED`; None: every key, the tables being empty) with those of `sales`, and
    bring the named invoices up to date with `batch`; return the state's new rows (a
    temporary table). The invoices are summed once for all three."""
    inv = ib.create_table("_invoices", valued_invoices(sales, keys), temp=True, overwrite=True)
    new = ib.create_table(_NEW, month_rows(sales, keys, inv), temp=True, overwrite=True)
    on = " AND ".join(f'h."{k}" = k."{k}"' for k in KEY)
    for name, rows in ((HISTORY_TABLE, new), (UNBILLED_TABLE, unbilled_rows(sales, keys, inv))):
        if keys is not None:
            ib.con.execute(f'DELETE FROM {table_sql(name, database)} AS h USING "{_TOUCHED}" '
                           f"AS k WHERE {on}")
        ib.insert(name, rows, database=database)
    update_named(ib, inv, batch, touched=None if keys is None else _TOUCHED,
                 database=database)
    ib.drop_table("_invoices", force=True)
    return new


def ensure_history(ib: ibis.BaseBackend, existing: set[str],
                   database: tuple[str, str] | None = None) -> None:
    """Create the state and stale-key tables when the warehouse lacks them; a warehouse
    loaded before the state existed gets it built from all its lines at once."""
    if STALE_TABLE not in existing:
        ib.create_table(STALE_TABLE, schema=ibis.schema(STALE_SCHEMA), database=database)
    if HISTORY_TABLE not in existing or UNBILLED_TABLE not in existing:
        sales = ib.table("sales", database=database)
        for name, schema, rows in ((HISTORY_TABLE, HISTORY_SCHEMA, month_rows(sales)),
                                   (UNBILLED_TABLE, UNBILLED_SCHEMA, unbilled_rows(sales))):
            ib.create_table(name, schema=ibis.schema(schema), database=database,
                            overwrite=True)
            ib.insert(name, rows, database=database)


def last_bill_before(state: ir.Table, unbilled: ir.Table) -> ir.Table:
    """`KEY`, last_before: for each row of `state`, the pair's last bill before the month
    starts, as a lookback from that day finds it (returns dated before it count): the
    greatest `last_bill` of the pair's earlier months, or an invoice of `unbilled` dated
    before the month that its returns took to 0 only from the month's first day on."""
    pair = ["distributor_id", "outlet_id"]
    upto = ibis.window(group_by=pair, order_by="month", preceding=None, following=0)
    cum = state.select(*KEY, cum=state.last_bill.max().over(upto))
    # the months before: the running greatest up to the month before (no frame ends at -1)
    kept = cum.select(*KEY, kept=cum.cum.lag().over(group_by=pair, order_by="month"))
    j = state.select(*KEY).join(
        unbilled, [state.distributor_id == unbilled.distributor_id,
                   state.outlet_id == unbilled.outlet_id,
                   unbilled.invoice_date < state.month, unbilled.unbilled_on >= state.month])
    extra = j.group_by(KEY).agg(extra=j.invoice_date.max())
    both = kept.left_join(extra, KEY)
    last = ibis.cases((both.extra.isnull(), both.kept), (both.kept.isnull(), both.extra),
                      else_=ibis.greatest(both.kept, both.extra))
    return both.select(*KEY, last_before=last)


def pair_bills(state: ir.Table) -> ir.Table:
    """distributor_id, outlet_id, first_bill, last_bill: each pair's first and last bill."""
    return state.group_by(["distributor_id", "outlet_id"]).agg(
        first_bill=state.first_bill.min(), last_bill=state.last_bill.max())
