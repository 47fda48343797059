"""The data fingerprint: a digest of the warehouse content that `load` records per table and
`calc` reads, hashing a table itself only when its recorded row count no longer matches."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from schemeops.cli.main import app
from schemeops.engine.backends import connect_warehouse, fetch_now
from schemeops.engine.calc import run_calc
from schemeops.engine.data import Data
from schemeops.engine.fingerprint import data_fingerprint, hashed_and_recorded
from schemeops.generate import generate
from schemeops.ingest import load

PROGRAM = Path(__file__).parents[2] / "examples" / "programs" / "volume_growth.yaml"


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    """A small generated network, loaded (so its digests are recorded)."""
    generate(tmp_path / "data", lines=2_000, seed=11)
    wh = tmp_path / "wh.duckdb"
    load([tmp_path / "data"], warehouse=wh)
    return wh


def _sql(wh: Path, statement: str) -> None:
    con = duckdb.connect(str(wh))
    try:
        con.execute(statement)
    finally:
        con.close()


def _hashed(wh: Path) -> str:
    con = connect_warehouse(wh)
    return data_fingerprint(Data.from_backend(con), fetch_now(con))()


def _calc_fingerprint(wh: Path, out: Path) -> str:
    run_calc([PROGRAM], warehouse=wh, out=out)
    return json.loads((out / "manifest.json").read_text())["data_fingerprint"]


def test_load_records_digests_that_give_the_hashed_fingerprint(loaded: Path, tmp_path: Path):
    con = duckdb.connect(str(loaded), read_only=True)
    tables = {r[0]: r[1] for r in con.execute('SELECT "table", n FROM _digests').fetchall()}
    sales = con.execute("SELECT count(*) FROM sales").fetchone()[0]
    con.close()
    assert tables["sales"] == sales > 0
    hashed, recorded = hashed_and_recorded(connect_warehouse(loaded))
    assert hashed == recorded
    assert _calc_fingerprint(loaded, tmp_path / "out") == hashed


def test_same_rows_in_another_order_give_the_same_fingerprint(loaded: Path, tmp_path: Path):
    before = _hashed(loaded)
    _sql(loaded, "CREATE TABLE s AS SELECT * FROM sales ORDER BY random();"
                 "DELETE FROM sales; INSERT INTO sales SELECT * FROM s; DROP TABLE s")
    assert _hashed(loaded) == before


def test_one_changed_value_changes_the_fingerprint(loaded: Path):
    before = _hashed(loaded)
    _sql(loaded, "UPDATE sales SET quantity = quantity + 1 WHERE rowid = 3")
    assert _hashed(loaded) != before


def test_calc_hashes_a_table_whose_row_count_changed_outside_load(loaded: Path,
                                                                  tmp_path: Path):
    before = _calc_fingerprint(loaded, tmp_path / "before")
    _sql(loaded, "DELETE FROM sales WHERE rowid = 3")
    after = _calc_fingerprint(loaded, tmp_path / "after")
    assert after != before
    assert after == _hashed(loaded)


def test_fingerprint_command_finds_an_edit_outside_load_and_records_it(loaded: Path):
    runner = CliRunner()
    ok = runner.invoke(app, ["fingerprint", "-w", str(loaded)])
    assert ok.exit_code == 0, ok.output
    _sql(loaded, "UPDATE sales SET quantity = quantity + 1 WHERE rowid = 3")
    changed = runner.invoke(app, ["fingerprint", "-w", str(loaded)])
    assert changed.exit_code == 1
    assert "changed after its last load" in changed.output
    recorded = runner.invoke(app, ["fingerprint", "-w", str(loaded), "--record"])
    assert recorded.exit_code == 0, recorded.output
    hashed, now = hashed_and_recorded(connect_warehouse(loaded))
    assert hashed == now != ok.output.split()[2]


def test_fingerprint_record_refuses_a_missing_warehouse_instead_of_creating_one(tmp_path: Path):
    missing = tmp_path / "nope.duckdb"
    result = CliRunner().invoke(app, ["fingerprint", "-w", str(missing), "--record"])
    assert result.exit_code == 2
    assert "no warehouse at" in result.output
    assert not missing.exists()
