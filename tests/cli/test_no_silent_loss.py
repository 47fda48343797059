"""Issue 15's silent losses and half-written folders, through the CLI as a user runs it: a
warehouse path that is not a DuckDB file, a refused first load, a calc killed while writing
over an earlier run, and a calc on a warehouse that was never loaded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from schemeops.outdir import MARK

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, check=False)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, Path]:
    """A small generated network (data folder) and its warehouse."""
    root = tmp_path_factory.mktemp("net")
    data, wh = root / "data", root / "wh.duckdb"
    assert run("generate", "--out", str(data), "--lines", "20000", "--seed", "5").returncode == 0
    r = run("load", str(data), "--warehouse", str(wh))
    assert r.returncode == 0, r.stdout + r.stderr
    return data, wh


def test_a_csv_as_warehouse_is_refused_and_left_alone(loaded, tmp_path):
    """Before: `load --warehouse sales.csv` printed "loaded", exit 0, and saved nothing."""
    data, _ = loaded
    target = tmp_path / "sales.csv"
    target.write_text("invoice_id,line_no\nS1,1\n")
    r = run("load", str(data), "--warehouse", str(target))
    assert r.returncode == 2
    assert "is not a DuckDB warehouse" in r.stderr and "Traceback" not in r.stderr
    assert "loaded" not in r.stdout
    assert target.read_text() == "invoice_id,line_no\nS1,1\n"


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_folder_or_fifo_as_warehouse_is_refused(loaded, tmp_path, kind):
    data, _ = loaded
    target = tmp_path / "wh.duckdb"
    if kind == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    r = run("load", str(data), "--warehouse", str(target))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert ("is a folder" if kind == "folder" else "not a regular file") in r.stderr


def test_a_load_reports_the_rows_read_back_after_commit(loaded, tmp_path):
    data, _ = loaded
    wh = tmp_path / "wh.duckdb"
    r = run("load", str(data), "--warehouse", str(wh))
    assert r.returncode == 0, r.stderr
    con = duckdb.connect(str(wh), read_only=True)
    total = sum(con.sql(f'select count(*) from "{t}"').fetchone()[0]
                for t in ("participants", "outlets", "products", "sales", "primary_sales",
                          "payments", "targets"))
    con.close()
    assert f"loaded {total:,} rows, read back from the warehouse" in r.stdout


def test_a_refused_first_load_leaves_no_warehouse(tmp_path):
    """Before: a refused first load left an empty warehouse that `calc` then ran on."""
    bad = tmp_path / "sales.csv"
    bad.write_text("invoice_id\nS1\n")  # most columns missing: refused whole
    wh = tmp_path / "wh.duckdb"
    r = run("load", str(bad), "--warehouse", str(wh))
    assert r.returncode != 0 or "nothing was loaded" in r.stdout
    assert not wh.exists()


def test_calc_on_a_warehouse_never_loaded_is_an_error(tmp_path):
    wh = tmp_path / "wh.duckdb"
    duckdb.connect(str(wh)).close()
    r = run("calc", "--program", str(EXAMPLES), "--warehouse", str(wh),
            "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "never loaded" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_a_warehouse_loaded_before_participant_lists_existed_still_calculates(loaded,
                                                                             tmp_path):
    # participant_lists is optional and newer than the warehouses users already have: its
    # absence reads as no lists, so the same run as with an empty table, and a program naming
    # a list is told there is none (not that the warehouse was never loaded).
    _, wh = loaded
    old = tmp_path / "old.duckdb"
    old.write_bytes(wh.read_bytes())
    with duckdb.connect(str(old)) as con:
        con.execute("DROP TABLE participant_lists")
    outs = {}
    for name, path in (("now", wh), ("old", old)):
        r = run("calc", "--program", str(EXAMPLES / "volume_growth.yaml"), "--warehouse",
                str(path), "--out", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
        outs[name] = (tmp_path / name / "payouts.csv").read_bytes()
    assert outs["old"] == outs["now"]
    listed = tmp_path / "listed.yaml"
    listed.write_text((EXAMPLES / "volume_growth.yaml").read_text().replace(
        "participants:\n", "participants:\n  include_lists: [north]\n", 1))
    r = run("calc", "--program", str(listed), "--warehouse", str(old),
            "--out", str(tmp_path / "listed"))
    assert r.returncode == 2 and "unknown_list" in r.stderr + r.stdout, r.stderr + r.stdout
    assert "never loaded" not in r.stderr and "Traceback" not in r.stderr


def test_calc_refuses_a_folder_that_is_not_a_run(loaded, tmp_path):
    _, wh = loaded
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    r = run("calc", "--program", str(EXAMPLES), "--warehouse", str(wh), "--out", str(out))
    assert r.returncode == 2 and "not a schemeops run" in r.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def _whole(out: Path) -> dict:
    """The manifest of the run in `out`, after checking every file it names is there with
    the rows it says."""
    manifest = json.loads((out / MARK).read_text())
    for name, rows in manifest["rows"].items():
        with (out / f"{name}.csv").open() as f:
            assert sum(1 for _ in f) - 1 == rows, name  # one header line
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MARK, *(f"{n}.csv" for n in manifest["rows"])])
    return manifest


def test_kill_during_calc_leaves_the_earlier_run_whole(loaded, tmp_path):
    """Before: kill -9 during `calc` over an earlier run left new payouts.csv beside the old
    kpis.csv, components.csv and manifest.json. Now the folder holds the old run or the new
    one, whole, wherever the kill lands; the next calc removes the killed one's work folder."""
    _, wh = loaded
    out = tmp_path / "out"
    one = EXAMPLES / "volume_growth.yaml"
    assert run("calc", "--program", str(one), "--warehouse", str(wh),
               "--out", str(out)).returncode == 0
    old = _whole(out)
    seen = set()
    for delay in (0.5, 1.5, 3.0, 5.0):
        p = subprocess.Popen([sys.executable, "-m", "schemeops", "calc", "--program",
                              str(EXAMPLES), "--warehouse", str(wh), "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        now = _whole(out)
        seen.add("old" if now["programs"] == old["programs"] else "new")
    assert "old" in seen  # at least one kill landed mid-run
    r = run("calc", "--program", str(one), "--warehouse", str(wh), "--out", str(out))
    assert r.returncode == 0
    assert _whole(out)["programs"] == old["programs"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
