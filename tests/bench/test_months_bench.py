"""`schemeops bench months`: a dataset split by month keeps every row, and loaded a month at
a time it calculates what the same dataset loaded at once calculates, byte for byte."""

import subprocess
import sys
from pathlib import Path

import duckdb

from schemeops.bench.calc import OUTPUT_FILES, ROOT
from schemeops.bench.months import MASTER, MONTHLY, split_by_month


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          cwd=ROOT, check=False)


def _rows(path: Path, where: str = "true") -> int:
    return duckdb.sql(f"SELECT count(*) FROM '{path}' WHERE {where}").fetchone()[0]


def test_the_split_keeps_every_row_in_its_month(warehouse: Path, tmp_path: Path):
    data = warehouse.parent / "data"
    folders = split_by_month(data, tmp_path)
    months = [m for m, _f in folders]
    assert len(months) == 7 and months == sorted(months)
    for name, column in MONTHLY.items():
        total = _rows(data / f"{name}.parquet")
        counts = []
        for i, (month, folder) in enumerate(folders):
            path = folder / f"{name}.parquet"
            counts.append(_rows(path))
            # the first month also holds what is dated before it, the last what is after
            op = "<=" if i == 0 else ">=" if i == len(folders) - 1 else "="
            assert _rows(path, f"NOT (strftime({column}, '%Y-%m') {op} '{month}')") == 0
        assert sum(counts) == total > 0, name
        assert all(counts), name  # every month has rows of each monthly table
    for name in MASTER:
        assert (folders[0][1] / f"{name}.parquet").exists()
        assert not any((f / f"{name}.parquet").exists() for _m, f in folders[1:])


def test_loaded_month_by_month_it_calculates_what_one_load_does(warehouse: Path,
                                                                tmp_path: Path):
    """The bench loads seven months one after the other (the history state kept by each
    load); the engine's files then equal, byte for byte, the engine's on the warehouse that
    loaded every month at once, and the SQL baseline's."""
    work, monthly = tmp_path / "work", tmp_path / "monthly.duckdb"
    r = run("schemeops", "bench", "months", "--lines", "30000",
            "--data", str(warehouse.parent / "data"), "--warehouse", str(monthly),
            "--work", str(work))
    assert r.returncode == 0, r.stdout + r.stderr
    rows = [line for line in r.stdout.splitlines() if line.startswith("| ")
            and line.split("|")[1].strip().isdigit()]
    assert len(rows) == 7 and rows[-1].startswith("| 7 | 2026-10 |")
    assert "| engine | 30,000 |" in r.stdout and "| SQL baseline | 30,000 |" in r.stdout
    assert "outputs agree: yes" in r.stdout
    assert not list(work.iterdir())  # the scratch folder is removed
    outs = {}
    for label, wh in (("monthly", monthly), ("at_once", warehouse)):
        outs[label] = tmp_path / label
        c = run("schemeops", "calc", "-p", "examples/programs", "-w", str(wh),
                "-o", str(outs[label]))
        assert c.returncode == 0, c.stdout + c.stderr
    for name in OUTPUT_FILES:
        at_once = (outs["at_once"] / name).read_bytes()
        assert at_once.count(b"\n") > 10
        assert (outs["monthly"] / name).read_bytes() == at_once, name

