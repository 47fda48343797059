"""The warehouse tables the engine reads, bound to one Ibis backend."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ibis
import ibis.expr.types as ir

from schemeops.schema import table as contract_table

TABLE_NAMES = ("participants", "outlets", "products", "sales", "primary_sales", "payments",
               "targets", "participant_lists")
#: The warehouse table where `load` records each contract table's digest.
DIGESTS_TABLE = "_digests"
#: The warehouse table where `load` records the invoices returns name (`Data.named`).
NAMED_TABLE = "_named_invoices"
#: The warehouse table where `load` records the sales' day totals (`Data.days`).
DAYS_TABLE = "_days"
#: The warehouse table where `load` records the returns per invoice named and day
#: (`Data.returns`).
RETURNS_TABLE = "_named_returns"
#: The columns that key the day totals.
DAY = ["distributor_id", "outlet_id", "invoice_date"]

#: The type `load` records sums of money in: 64-bit, as the lines' own. DuckDB reads a
#: 128-bit DECIMAL(38,2) column ten times slower than this (bit-packed 128-bit integers);
#: a day's or an invoice's total stays far below its 10^16.
RECORDED_MONEY = "decimal(18,2)"


@dataclass(frozen=True)
class Data:
    """The warehouse tables the engine reads, as Ibis tables (any Ibis backend)."""

    participants: ir.Table
    outlets: ir.Table
    products: ir.Table
    sales: ir.Table
    primary_sales: ir.Table
    payments: ir.Table
    targets: ir.Table
    #: list_id, participant_id: the lists programs name in `include_lists`/`exclude_lists`.
    participant_lists: ir.Table | None = None
    #: Net value per distributor × outlet × day of `sales` (derived from it when not given).
    daily: ir.Table | None = None
    #: The day totals with the day's returns (`kpis.history.day_totals`) as `load` recorded
    #: them for these sales; None: derived from the lines where needed. Dropped whenever
    #: `daily` is derived again (sales replaced), so it never outlives the sales it sums.
    days: ir.Table | None = None
    #: The run's per-outlet facts, one row per outlet and window (`kpis.facts.facts_rows`).
    facts: ir.Table | None = None
    #: False when no rep or manager takes part, so KPIs skip the roll-up to them.
    heads: bool = True
    #: The invoices of `sales` that returns name, as `load` recorded them with the sales
    #: (`kpis.history.named_invoices`); None: history finds them in the lines.
    named: ir.Table | None = None
    #: Their returns per invoice and day, as `load` recorded them (`kpis.history.
    #: returns_by_day`); None: history sums them from the lines. Replaced with `named`.
    returns: ir.Table | None = None
    #: participant_id: the only participants to compute (a recalculation of stale results,
    #: `engine.stale`); None: all.
    only: ir.Table | None = None

    def __post_init__(self) -> None:
        if self.participant_lists is None:  # tables built by hand before lists existed
            object.__setattr__(self, "participant_lists", empty_table("participant_lists"))
        for name in TABLE_NAMES:
            object.__setattr__(self, name, conform(getattr(self, name), name))
        if self.daily is None:
            object.__setattr__(self, "daily", daily_net(self.sales))
            object.__setattr__(self, "days", None)

    @classmethod
    def from_backend(cls, con: ibis.BaseBackend, database: str | tuple[str, str] | None = None
                     ) -> Data:
        """The contract tables of `con` (an absent optional table reads as empty)."""
        present = set(con.list_tables(database=database))
        tables = {}
        for name in TABLE_NAMES:
            if name not in present and contract_table(name).optional:
                tables[name] = empty_table(name)
            else:
                tables[name] = con.table(name, database=database)  # raises when absent
        if not _recorded_with_sales(con, database, present):
            return cls(**tables)
        recorded = {field: con.table(name, database=database) if name in present else None
                    for name, field in _RECORDED.items()}
        days = recorded["days"]
        # in their recorded 64-bit type: DuckDB sums a DECIMAL(18,2) a third faster than
        # the DECIMAL(38,2) a sum of the lines has, and to that same DECIMAL(38,2)
        daily = None if days is None else days.select(*DAY, "net_amount")
        return cls(**tables, **recorded, daily=daily)


#: What `load` records beside the sales: table → `Data` field.
_RECORDED = {NAMED_TABLE: "named", RETURNS_TABLE: "returns", DAYS_TABLE: "days"}


def _recorded_with_sales(con: ibis.BaseBackend, database: str | tuple[str, str] | None,
                         present: set[str]) -> bool:
    """Whether what `load` records beside the sales (named invoices, day totals) is for the
    sales as they are now: `load` writes it with the sales' digest, so the sales still hold
    the row count that digest recorded (the trust the data fingerprint gives it too)."""
    if not {DIGESTS_TABLE, "sales"} <= present or not set(_RECORDED) & present:
        return False
    digests = con.table(DIGESTS_TABLE, database=database)
    sales = con.table("sales", database=database)
    recorded = digests.filter(digests.table == "sales").aggregate(recorded=digests.n.max())
    both = recorded.cross_join(sales.aggregate(rows=sales.count()))
    # as Arrow batches: Ibis's `execute` and `to_pyarrow` import pandas, a second of a run
    row = con.to_pyarrow_batches(both).read_all().to_pylist()[0]
    return row["recorded"] is not None and row["recorded"] == row["rows"]


def daily_net(sales: ir.Table) -> ir.Table:
    """distributor_id, outlet_id, invoice_date, net_amount: Σ net_amount of `sales` per day."""
    return sales.group_by(DAY).agg(net_amount=sales.net_amount.sum())


def empty_table(name: str) -> ir.Table:
    """The contract table `name` with no rows (an optional table the warehouse lacks)."""
    return ibis.memtable(contract_schema(name).to_pyarrow().empty_table())


@cache
def contract_schema(name: str) -> ibis.Schema:
    """The Ibis schema of the contract table `name`."""
    return ibis.schema({c.name: c.dtype.ibis for c in contract_table(name).columns})


def conform(t: ir.Table, name: str) -> ir.Table:
    """`t` with every contract column it has cast to the contract type where it differs
    (tables built by hand may carry float money, string dates or all-null columns), and the
    optional columns it lacks added as empty (a table older than a new optional column)."""
    want, have = contract_schema(name), t.schema()
    casts = {c: t[c].cast(want[c]) for c, ty in have.items() if c in want and ty != want[c]}
    absent = {c.name: ibis.null(want[c.name]) for c in contract_table(name).columns
              if c.name not in have and not c.required}
    return t.mutate(**casts, **absent) if casts or absent else t
