"""Same inputs give byte-identical files; another seed gives other data; CSV = Parquet."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from schemeops.generate import generate
from schemeops.generate.pipeline import GENERATED_TABLES as TABLES


def _bytes(out: Path, fmt: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())
            if p.suffix in (f".{fmt}", ".csv")}


#: Files beside the contract tables: labels.csv, negatives.csv and claims.csv.
EXTRA_FILES = 3


@pytest.mark.parametrize(("fmt", "options"), [
    ("parquet", {}), ("csv", {}), ("parquet", {"subtle": True, "anomaly_rate": 2.5})])
def test_same_seed_gives_identical_files(tmp_path: Path, fmt: str, options: dict):
    """Two runs with the same (lines, months, seed, fmt, switches) write byte-identical
    files."""
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, lines=20_000, seed=11, fmt=fmt, **options)
    generate(b, lines=20_000, seed=11, fmt=fmt, **options)
    files = _bytes(a, fmt)
    assert len(files) == len(TABLES) + EXTRA_FILES
    assert files == _bytes(b, fmt)


def test_other_seed_gives_other_data(tmp_path: Path):
    """A different seed gives different sales and outlets (but the same line count)."""
    a, b = tmp_path / "a", tmp_path / "b"
    ra = generate(a, lines=20_000, seed=1)
    rb = generate(b, lines=20_000, seed=2)
    assert ra["sales"] == rb["sales"] == 20_000
    for name in ("sales.parquet", "outlets.parquet"):
        assert (a / name).read_bytes() != (b / name).read_bytes()


def test_csv_and_parquet_carry_the_same_data(tmp_path: Path):
    """Reading the CSV files with the contract's types gives exactly the Parquet rows."""
    generate(tmp_path / "p", lines=5_000, seed=5, fmt="parquet")
    generate(tmp_path / "c", lines=5_000, seed=5, fmt="csv")
    con = duckdb.connect()
    for t in TABLES:
        types = {c.name: c.dtype.sql for c in t.columns}
        pq_rel = f"read_parquet('{tmp_path / 'p' / t.name}.parquet')"
        csv_rel = f"read_csv('{tmp_path / 'c' / t.name}.csv', header=true, columns={types})"
        diff = con.sql(f"select count(*) from ((select * from {pq_rel} except all "
                       f"select * from {csv_rel}) union all (select * from {csv_rel} "
                       f"except all select * from {pq_rel}))").fetchone()[0]
        rows = con.sql(f"select count(*) from {csv_rel}").fetchone()[0]
        assert diff == 0 and rows > 0, t.name
