"""Shared fixtures for the ingestion tests: a minimal valid master-data set (participants
M1/R1/D1/D2, outlets, products) loaded once into a template warehouse, and a `Bench` that
writes tiny input files, runs `load`, reads the rejects file and snapshots the warehouse."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from schemeops.ingest import LoadReport, load
from schemeops.schema import TABLES

PARTICIPANTS_CSV = """\
participant_id,name,role,parent_id,region,area,tier,channel,city,joined_on,left_on
M1,Manager One,manager,,North,N1,,,Delhi,2020-01-01,
R1,Rep One,sales_rep,M1,North,N1,,,Delhi,2021-01-01,
D1,Dist One,distributor,R1,North,N1,gold,general_trade,Delhi,2022-01-01,
D2,Dist Two,distributor,R1,North,N1,silver,rural,Agra,2022-06-01,
"""

OUTLETS_CSV = """\
outlet_id,name,distributor_id,outlet_type,city,postal_code,phone,tax_id,latitude,longitude,created_on
O1,Shop One,D1,grocery,Delhi,110001,,,28.61,77.21,2023-01-01
O2,Shop Two,D2,chemist,Agra,282001,,,27.18,78.01,2023-01-01
"""

PRODUCTS_CSV = """\
sku,name,brand,category,segment,unit_price,unit_cost,launched_on
P1,Soap,Clean,personal_care,core,10.00,6.00,2020-01-01
P2,Shampoo,Clean,personal_care,premium,25.50,12.25,2021-01-01
"""

#: Header of a sales CSV in contract order.
SALES_HEADER = ("invoice_id,line_no,invoice_date,distributor_id,outlet_id,sku,quantity,"
                "net_amount,doc_type,ref_invoice_id")
PRIMARY_HEADER = "invoice_id,line_no,invoice_date,due_date,distributor_id,sku,quantity,net_amount"
PAYMENTS_HEADER = "payment_id,distributor_id,invoice_id,paid_on,amount"

#: Every table a load can write, plus the load log.
WAREHOUSE_TABLES = (*(t.name for t in TABLES), "_loads")


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every warehouse table (sorted), to compare a warehouse before and after."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in WAREHOUSE_TABLES
        }
    finally:
        con.close()


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of one SQL query on the warehouse (read only)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """A CSV written by the loader (rejects or quarantine) as dicts."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def assert_reconciles(report: LoadReport) -> None:
    """read == accepted + rejected + already_present + conflicts, for every table."""
    for c in report.counts:
        assert c.read == c.accepted + c.rejected + c.already_present + c.conflicts, c


@dataclass
class Outcome:
    """A load's report, every problem from the rejects file, and the warehouse before/after."""

    report: LoadReport
    problems: list[dict[str, str]]
    before: dict[str, list[tuple]]
    after: dict[str, list[tuple]]

    def counts(self, table: str):
        """The TableCounts of `table`."""
        return next(c for c in self.report.counts if c.table == table)

    def problem(self, code: str, row: int | None, column: str | None = None) -> dict[str, str]:
        """The one problem with `code` at `row` (and `column`), with a reason and a fix."""
        want = "" if row is None else str(row)
        found = [p for p in self.problems if p["code"] == code and p["row"] == want
                 and (column is None or p["column"] == column)]
        assert len(found) == 1, (code, row, column, self.problems)
        p = found[0]
        assert p["reason"].strip() and p["fix"].strip(), p
        return p


class Bench:
    """Writes input files into a folder, loads them into a copy of the master warehouse."""

    def __init__(self, folder: Path, template: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.warehouse = folder / "wh.duckdb"
        shutil.copy(template, self.warehouse)
        self.rejects = folder / "rejects.csv"
        self.quarantine = folder / "quarantine"

    def path(self, name: str) -> Path:
        """A path inside the bench folder (sub-folders created)."""
        p = self.folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def csv(self, name: str, text: str) -> Path:
        """Write `text` (UTF-8) as a file called `name` and return its path."""
        p = self.path(name)
        p.write_bytes(text.encode("utf-8"))
        return p

    def bytes(self, name: str, data: bytes) -> Path:
        """Write raw bytes as a file called `name`."""
        p = self.path(name)
        p.write_bytes(data)
        return p

    def xlsx(self, name: str, rows: list[list[object]], sheet: str | None = None) -> Path:
        """An Excel workbook whose (first) sheet holds `rows`, as openpyxl writes them."""
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        if sheet:
            ws.title = sheet
        for r in rows:
            ws.append(r)
        p = self.path(name)
        wb.save(p)
        return p

    def parquet(self, name: str, columns: dict[str, object]) -> Path:
        """A Parquet file from a dict of pyarrow arrays (or lists)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        p = self.path(name)
        pq.write_table(pa.table(columns), p)
        return p

    def load(self, *paths: Path, accept_valid: bool = False) -> Outcome:
        """Run `load` on `paths`; the rejects file is read back whole (every problem)."""
        self.rejects.unlink(missing_ok=True)
        before = snapshot(self.warehouse)
        report = load(list(paths), warehouse=self.warehouse, accept_valid=accept_valid,
                      rejects=self.rejects, quarantine=self.quarantine)
        problems = read_csv_rows(self.rejects) if self.rejects.exists() else []
        assert len(problems) == report.problem_count
        assert_reconciles(report)
        return Outcome(report, problems, before, snapshot(self.warehouse))

    def rows(self, sql: str) -> list[tuple]:
        """Rows of a query on this bench's warehouse."""
        return query(self.warehouse, sql)


@pytest.fixture(scope="session")
def master_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding the master data (4 participants, 2 outlets, 2 products)."""
    folder = tmp_path_factory.mktemp("master")
    files = []
    for name, text in (("participants.csv", PARTICIPANTS_CSV), ("outlets.csv", OUTLETS_CSV),
                       ("products.csv", PRODUCTS_CSV)):
        p = folder / name
        p.write_text(text, encoding="utf-8")
        files.append(p)
    warehouse = folder / "master.duckdb"
    report = load(files, warehouse=warehouse)
    assert report.ok and report.loaded, report
    return warehouse


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with every table created and no rows."""
    from schemeops.ingest.warehouse import connect

    warehouse = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    connect(warehouse).disconnect()
    return warehouse


@pytest.fixture
def bench(tmp_path: Path, master_warehouse: Path) -> Bench:
    """A fresh folder with a copy of the master warehouse."""
    return Bench(tmp_path, master_warehouse)


@pytest.fixture
def empty_bench(tmp_path: Path, empty_warehouse: Path) -> Bench:
    """A fresh folder with an empty warehouse (for loading master data itself)."""
    return Bench(tmp_path, empty_warehouse)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the (slowest) property test first, so that xdist workers finish together."""
    items.sort(key=lambda item: "test_property.py" not in item.nodeid)
