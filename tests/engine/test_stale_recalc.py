"""A calculation of stale results only (`calc --stale-since LOAD`) computes the participants
the late rows touch, and their payouts are exactly those of a whole calculation, on DuckDB
and on Spark (the golden case's data, tests/late_rows_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from late_rows_support import JULY, JUNE, MASTER, PROGRAM, SALES, load_files
from schemeops.cli.main import app


@pytest.fixture
def late(tmp_path: Path) -> tuple[Path, Path]:
    """The warehouse after June's load (2) and July's (3, the late return), and the
    program file."""
    wh = tmp_path / "wh.duckdb"
    load_files(wh, tmp_path / "master", MASTER)
    load_files(wh, tmp_path / "june", {"sales.csv": SALES + JUNE})
    assert load_files(wh, tmp_path / "july", {"sales.csv": SALES + JULY}) == 1
    program = tmp_path / "june_july.yaml"
    program.write_text(PROGRAM, encoding="utf-8")
    return wh, program


def _calc(wh: Path, program: Path, out: Path, *more: str) -> str:
    result = CliRunner().invoke(app, ["calc", "-w", str(wh), "-p", str(program),
                                      "-o", str(out), *more])
    assert result.exit_code == 0, result.output
    return result.output


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_stale_payouts_are_the_whole_calculations_for_those_participants(late, tmp_path,
                                                                         backend):
    """The return of S1 (D1, June) makes D1 and its rep R1 stale: 2 of the 5 participants
    are computed, shown on the command's output; each of their rows in payouts.csv and
    kpis.csv is byte for byte the whole calculation's (DuckDB's)."""
    wh, program = late
    whole = tmp_path / "whole"
    _calc(wh, program, whole)
    out = _calc(wh, program, tmp_path / "stale", "--stale-since", "2", "--backend", backend)
    assert "recalculated: 2 participants of june_july (stale since load 2)" in out
    for name in ("payouts.csv", "kpis.csv"):
        everyone = _lines(whole / name)
        mine = _lines(tmp_path / "stale" / name)
        assert mine[0] == everyone[0]  # the header
        assert {line.split(",")[1] for line in mine[1:]} == {"D1", "R1"}
        assert mine[1:] == [line for line in everyone[1:] if line.split(",")[1] in
                            ("D1", "R1")]


def test_no_later_load_no_participant(late, tmp_path):
    """Since load 3 (the newest) no rows came late: nothing is computed."""
    wh, program = late
    out = _calc(wh, program, tmp_path / "none", "--stale-since", "3")
    assert "recalculated: 0 participants of june_july" in out
    assert len(_lines(tmp_path / "none" / "payouts.csv")) == 1


def test_a_shared_budget_is_computed_whole(late, tmp_path):
    """With `caps.budget` a late return changes every participant's share of the budget:
    the program is computed for all 5, stale rows or not."""
    wh, _ = late
    budget = tmp_path / "budget.yaml"
    budget.write_text(PROGRAM + "caps: {budget: 5000}\n", encoding="utf-8")
    out = _calc(wh, budget, tmp_path / "budget", "--stale-since", "2")
    assert "recalculated: 5 participants of june_july" in out


def test_the_load_names_the_late_rows_and_the_recalculation(tmp_path):
    """`load` of July after June says how many past keys changed (1: D1, O1, June) and
    which `calc --stale-since` recalculates them (since load 2, June's)."""
    wh = tmp_path / "wh.duckdb"
    load_files(wh, tmp_path / "master", MASTER)
    load_files(wh, tmp_path / "june", {"sales.csv": SALES + JUNE})
    july = tmp_path / "july" / "sales.csv"
    july.parent.mkdir()
    july.write_text(SALES + JULY, encoding="utf-8")
    result = CliRunner().invoke(app, ["load", "-w", str(wh), str(july)])
    assert result.exit_code == 0, result.output
    assert ("late rows: 1 (seller, outlet, month) keys of past months changed; recalculate "
            "them with calc --stale-since 2") in " ".join(result.output.split())


def test_stale_since_needs_the_warehouse(late, tmp_path):
    """The stale keys live in the warehouse file: with --lake the command refuses, naming
    the option to use, and writes no output folder."""
    wh, program = late
    result = CliRunner().invoke(app, ["calc", "-w", str(wh), "-p", str(program), "-o",
                                      str(tmp_path / "out"), "--stale-since", "2",
                                      "--lake", str(tmp_path / "lake")])
    assert result.exit_code != 0
    assert "--stale-since reads the warehouse's load log" in result.output
    assert not (tmp_path / "out").exists()
