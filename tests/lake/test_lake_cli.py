"""The lake from the command line: `load --lake`, `lake export`, `calc --lake`."""

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "programs"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, check=False)


def test_load_exports_the_lake_and_calc_reads_it(tmp_path):
    """A load with --lake writes a snapshot; exporting again writes nothing; calc --lake gives
    the payouts calc gives on the warehouse."""
    data, wh, lake = tmp_path / "data", tmp_path / "wh.duckdb", tmp_path / "lake"
    assert run("generate", "-o", str(data), "--lines", "2000", "--seed", "4").returncode == 0
    loaded = run("load", str(data), "-w", str(wh), "--lake", str(lake))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "lake: wrote" in loaded.stdout
    again = run("lake", "export", "-w", str(wh), str(lake))
    assert again.returncode == 0 and "lake: already current" in again.stdout, again.stderr
    on_wh = run("calc", "-p", str(EXAMPLES), "-w", str(wh), "-o", str(tmp_path / "a"))
    on_lake = run("calc", "-p", str(EXAMPLES), "--lake", str(lake), "-o", str(tmp_path / "b"))
    assert on_wh.returncode == 0 and on_lake.returncode == 0, on_lake.stderr
    payouts = (tmp_path / "a" / "payouts.csv").read_bytes()
    assert payouts.count(b"\n") > 5 and payouts == (tmp_path / "b" / "payouts.csv").read_bytes()


def test_calc_on_a_folder_that_is_no_lake_says_how_to_make_one(tmp_path):
    r = run("calc", "-p", str(EXAMPLES), "--lake", str(tmp_path), "-o", str(tmp_path / "o"))
    assert r.returncode == 2
    assert "not a lake; write one with schemeops lake export" in r.stderr
