"""`schemeops effect` end to end on the golden network, and its located refusals."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from effect_support import PROGRAM, write_network


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", "effect", *args],
                          capture_output=True, text=True, check=False)


def test_effect_writes_its_three_files(tmp_path):
    """One period chosen: its program row and its two participants; dependency per
    participant; the manifest names the period and the method's parameters."""
    (tmp_path / "p.yaml").write_text(PROGRAM)
    w = write_network(tmp_path / "w.duckdb")
    out = tmp_path / "out"
    done = run("-p", str(tmp_path / "p.yaml"), "-w", str(w), "--period", "2026-03-21",
               "--out", str(out), "--resamples", "200")
    assert done.returncode == 0, done.stderr
    with (out / "effect.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["period_start"], r["participant_id"]) for r in rows] == [
        ("2026-03-21", ""), ("2026-03-21", "T1"), ("2026-03-21", "T2")]
    assert rows[0]["roi"] == "0.2121" and rows[0]["verdict"] in (
        "worth_it", "not_worth_it", "inconclusive")
    with (out / "dependency.csv").open() as f:
        assert [r["participant_id"] for r in csv.DictReader(f)] == ["T1", "T2"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["periods"] == ["2026-03-21"] and manifest["resamples"] == 200


def test_an_unknown_period_is_refused_with_the_file_and_the_periods(tmp_path):
    (tmp_path / "p.yaml").write_text(PROGRAM)
    w = write_network(tmp_path / "w.duckdb")
    done = run("-p", str(tmp_path / "p.yaml"), "-w", str(w), "--period", "2026-03-01",
               "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert f"{tmp_path / 'p.yaml'}: --period 2026-03-01 is not the start of a period" \
        in done.stderr
    assert "2026-02-01, 2026-03-21" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_program_is_refused_with_its_path(tmp_path):
    w = write_network(tmp_path / "w.duckdb")
    done = run("-p", str(tmp_path / "nope.yaml"), "-w", str(w), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert f"{tmp_path / 'nope.yaml'}: no such program file" in done.stderr


def test_a_program_that_does_not_check_is_refused_with_its_line(tmp_path):
    (tmp_path / "p.yaml").write_text(PROGRAM.replace("on: actual\n    slabs", "on: actul\n"
                                                     "    slabs", 1))
    w = write_network(tmp_path / "w.duckdb")
    done = run("-p", str(tmp_path / "p.yaml"), "-w", str(w), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert f"{tmp_path / 'p.yaml'}:" in done.stderr
