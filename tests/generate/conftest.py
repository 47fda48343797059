"""One modest generated dataset shared by the generator's tests."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from schemeops.generate import generate
from schemeops.generate.pipeline import GENERATED_TABLES as TABLES

#: Size and seed of the shared dataset; SCHEMEOPS_GEN_LINES / SCHEMEOPS_GEN_SEED check the
#: same properties on another one.
LINES = int(os.environ.get("SCHEMEOPS_GEN_LINES", "300000"))
SEED = int(os.environ.get("SCHEMEOPS_GEN_SEED", "7"))


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A Parquet dataset (300k lines by default) and the row counts generate() returned."""
    out = tmp_path_factory.mktemp("network")
    return out, generate(out, lines=LINES, seed=SEED)


@pytest.fixture(scope="session")
def db(dataset: tuple[Path, dict[str, int]]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per generated table, and `labels`."""
    out, _ = dataset
    con = duckdb.connect()
    for t in TABLES:
        con.execute(f"create view {t.name} as select * from read_parquet('{out / t.name}.parquet')")
    for name in ("labels", "negatives"):
        con.execute(f"create view {name} as select * from read_csv('{out / name}.csv', "
                    "header=true, all_varchar=true)")
    return con


class Query:
    """Runs SQL on the dataset's views: `.one()` for a single value, `.all()` for rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def one(self, sql: str, *params: object) -> object:
        """The single value of a query."""
        return self.con.execute(sql, list(params)).fetchone()[0]

    def all(self, sql: str, *params: object) -> list[tuple]:
        """All rows of a query."""
        return self.con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="session")
def q(db: duckdb.DuckDBPyConnection) -> Query:
    """Query helper over the shared dataset."""
    return Query(db)
