"""KPI test bench: a tiny in-memory DuckDB warehouse built from inline rows (contract column
types), and `Warehouse.kpi` that runs `compute_kpi` and returns {(participant, period): actual}.

Default master data (used unless a test passes its own):
    M1 manager ─ R1 sales_rep ─ D1 distributor ─ S1 sub_distributor
                              └ D2 distributor
              └ R2 sales_rep ─ D3 distributor
    outlets O1..O4 of D1 (O4 is a chemist, the rest grocery), O5..O6 of D2, O7 of D3, O8 of S1
    products A1 (cat a, premium), A2 (cat a, core), B1 (cat b, premium), C1 (cat c, economy)
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pydantic import TypeAdapter

from schemeops.engine.data import Data
from schemeops.engine.kpis import compute_kpi, kpi_scale, kpi_spans
from schemeops.engine.kpis.facts import facts_days, facts_rows, outlet_facts
from schemeops.engine.kpis.history import day_totals, named_invoices, returns_by_day
from schemeops.engine.periods import Window
from schemeops.program.model import Kpi
from schemeops.schema import TABLES

PARTICIPANTS = [  # participant_id, role, parent_id
    ("M1", "manager", None), ("R1", "sales_rep", "M1"), ("R2", "sales_rep", "M1"),
    ("D1", "distributor", "R1"), ("D2", "distributor", "R1"), ("D3", "distributor", "R2"),
    ("S1", "sub_distributor", "D1"),
]
OUTLETS = [  # outlet_id, distributor_id, outlet_type
    ("O1", "D1", "grocery"), ("O2", "D1", "grocery"), ("O3", "D1", "grocery"),
    ("O4", "D1", "chemist"), ("O5", "D2", "grocery"), ("O6", "D2", "grocery"),
    ("O7", "D3", "grocery"), ("O8", "S1", "grocery"),
]
PRODUCTS = [  # sku, category, segment, brand
    ("A1", "a", "premium", "X"), ("A2", "a", "core", "X"), ("B1", "b", "premium", "Y"),
    ("C1", "c", "economy", "Y"),
]

_KPI = TypeAdapter(Kpi)


def day(text: str) -> dt.date:
    """An ISO date."""
    return dt.date.fromisoformat(text)


def kpi(**fields: Any) -> Kpi:
    """A validated KPI model (id defaults to `k`)."""
    return _KPI.validate_python({"id": "k", **fields})


class Warehouse:
    """Rows added by the test; `data()` writes them to a fresh in-memory DuckDB."""

    def __init__(self, *, participants=PARTICIPANTS, outlets=OUTLETS, products=PRODUCTS,
                 backend: str = "duckdb"):
        self.backend = backend
        self.rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
        for pid, role, parent in participants:
            self.rows["participants"].append(
                {"participant_id": pid, "name": pid, "role": role, "parent_id": parent,
                 "tier": "gold"})
        for oid, dist, kind in outlets:
            self.rows["outlets"].append({"outlet_id": oid, "name": oid, "distributor_id": dist,
                                         "outlet_type": kind, "created_on": day("2020-01-01")})
        for sku, cat, seg, brand in products:
            self.rows["products"].append({"sku": sku, "name": sku, "category": cat,
                                          "segment": seg, "brand": brand,
                                          "unit_price": Decimal("10.00")})

    def sale(self, inv: str, date: str, dist: str, outlet: str, sku: str, qty: str,
             amount: str, *, doc_type: str = "invoice", ref: str | None = None) -> Warehouse:
        """A secondary line (line_no = next in its document; `ref`: the invoice returned)."""
        no = sum(r["invoice_id"] == inv for r in self.rows["sales"]) + 1
        self.rows["sales"].append({
            "invoice_id": inv, "line_no": no, "invoice_date": day(date), "distributor_id": dist,
            "outlet_id": outlet, "sku": sku, "quantity": Decimal(qty),
            "net_amount": Decimal(amount), "doc_type": doc_type, "ref_invoice_id": ref})
        return self

    def ret(self, inv: str, date: str, dist: str, outlet: str, sku: str, qty: str,
            amount: str, *, ref: str | None = None) -> Warehouse:
        """A return line (give negative qty and amount) of the invoice `ref` (None: none)."""
        return self.sale(inv, date, dist, outlet, sku, qty, amount, doc_type="return", ref=ref)

    def primary(self, inv: str, date: str, dist: str, amount: str, *, sku: str = "A1",
                qty: str = "1", due: str | None = None) -> Warehouse:
        """A primary line (due 30 days after the invoice unless given)."""
        no = sum(r["invoice_id"] == inv for r in self.rows["primary_sales"]) + 1
        d = day(date)
        self.rows["primary_sales"].append({
            "invoice_id": inv, "line_no": no, "invoice_date": d,
            "due_date": day(due) if due else d + dt.timedelta(days=30), "distributor_id": dist,
            "sku": sku, "quantity": Decimal(qty), "net_amount": Decimal(amount)})
        return self

    def pay(self, pid: str, dist: str, inv: str | None, date: str, amount: str) -> Warehouse:
        """A payment against `inv` (None = on account)."""
        self.rows["payments"].append({"payment_id": pid, "distributor_id": dist,
                                      "invoice_id": inv, "paid_on": day(date),
                                      "amount": Decimal(amount)})
        return self

    def data(self, shuffle: int | None = None) -> Data:
        """The rows as warehouse tables in a new DuckDB, or as Spark views (`backend`), each
        table's rows shuffled with random seed `shuffle` when given."""
        tables = {}
        for t in TABLES:
            rows = list(self.rows[t.name])
            if shuffle is not None:
                random.Random(f"{shuffle}:{t.name}").shuffle(rows)
            schema = pa.schema([(c.name, c.dtype.arrow) for c in t.columns])
            cols = {c.name: [r.get(c.name) for r in rows] for c in t.columns}
            tables[t.name] = pa.table(cols, schema=schema)
        if self.backend == "spark":
            return _spark_data(tables)
        con = ibis.duckdb.connect()
        for name, table in tables.items():
            con.create_table(name, table)
        return Data.from_backend(con)

    @staticmethod
    def periods(*windows: tuple[str, str]) -> ibis.Table:
        """The periods table: period_no 1, 2, … with the given (start, end) ISO dates."""
        return ibis.memtable(pa.table({
            "period_no": pa.array(range(1, len(windows) + 1), pa.int64()),
            "start": pa.array([day(a) for a, _ in windows], pa.date32()),
            "end": pa.array([day(b) for _, b in windows], pa.date32())}))

    @staticmethod
    def nonzero(result: dict) -> dict:
        """The result without zero actuals (the caller fills 0 anyway)."""
        return {k: v for k, v in result.items() if v != 0}

    def kpi(self, k: Kpi | dict, *windows: tuple[str, str],
            shuffle: int | None = None) -> dict[tuple[str, int], Decimal]:
        """Run compute_kpi over `windows` (period 1, 2, …); check the result contract, and
        that an outlet KPI gives the same from the run's per-outlet facts."""
        k = kpi(**k) if isinstance(k, dict) else k
        periods = self.periods(*windows)
        data = self.data(shuffle)
        out = self._kpi(k, data, periods)
        spans = kpi_spans(k, [Window(no, day(a), day(b)) for no, (a, b) in
                              enumerate(windows, 1)])
        named, returns = named_invoices(data.sales), returns_by_day(data.sales)
        recorded = ((None, None, None), (named, None, None),
                    (named, returns, day_totals(data.sales)))
        for named, returns, totals in recorded if spans else ():
            # from the lines, and from what `load` records: named invoices, their returns
            # per day, the day totals
            days = facts_days(data.daily, spans, sales=data.sales, named=named,
                              returns=returns, days=totals)
            facts = facts_rows(outlet_facts(days, spans), spans)
            assert self._kpi(k, replace(data, facts=facts), periods) == out
        return out

    @staticmethod
    def _kpi(k: Kpi, data: Data, periods: ibis.Table) -> dict[tuple[str, int], Decimal]:
        expr = compute_kpi(k, data, periods)
        scale = kpi_scale(k)
        assert dict(expr.schema().items()) == {
            "participant_id": ibis.dtype("string"), "period_no": ibis.dtype("int64"),
            "actual": ibis.dtype(f"decimal(28,{scale})")}
        rows = expr.to_pyarrow().to_pylist()
        out = {(r["participant_id"], r["period_no"]): r["actual"] for r in rows}
        assert len(out) == len(rows), "more than one row per participant and period"
        for v in out.values():
            assert isinstance(v, Decimal) and v.as_tuple().exponent == -scale
        return out


def _spark_data(tables: dict[str, pa.Table]) -> Data:
    """`tables` as Spark views (written to Parquet first, so decimals and dates keep their
    contract types) in the process's local session."""
    from schemeops.engine.backends.spark import spark_session

    session = spark_session()
    folder = Path(tempfile.mkdtemp(prefix="schemeops-golden-"))
    for name, table in tables.items():
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        session.read.parquet(str(path)).createOrReplaceTempView(name)
    return Data.from_backend(ibis.pyspark.connect(session))


@pytest.fixture
def wh() -> Warehouse:
    """A fresh warehouse with the default master data."""
    return Warehouse()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def wh2(request) -> Warehouse:
    """A fresh warehouse with the default master data, once on DuckDB and once on Spark:
    for golden cases that must hold on both backends."""
    return Warehouse(backend=request.param)


@pytest.fixture(scope="session")
def make_warehouse() -> type[Warehouse]:
    """The Warehouse class, for tests that build several (e.g. under hypothesis)."""
    return Warehouse
