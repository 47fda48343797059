"""`schemeops forecast` end to end on the golden network (tests/forecast_support.py), and
its located refusals."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import forecast_support as s
from schemeops.engine.calc import load_programs
from schemeops.program.parse import program_version

SRC = str(Path(__file__).resolve().parents[2] / "src")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "schemeops", "forecast", *args],
                          capture_output=True, text=True, check=False, env=env)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for name, text in (("draft", s.DRAFT), ("live", s.LIVE), ("past", s.PAST_SIMILAR)):
        files[name] = tmp_path / f"{name}.yaml"
        files[name].write_text(text)
    effect = tmp_path / "effect"
    effect.mkdir()
    # an effect.csv as `schemeops effect` writes it (the columns the forecast reads):
    # two periods of `winter`, the latest one's program row is the lift
    (effect / "effect.csv").write_text(
        "program_id,period_start,participant_id,net_lift_pct,low,high\n"
        "winter,2025-12-01,,30.00,20.00,40.00\n"
        "winter,2026-01-01,,10.00,4.00,16.00\n"
        "winter,2026-01-01,D1,12.00,1.00,20.00\n")
    files["effect"] = effect
    files["warehouse"] = s.write_network(tmp_path / "w.duckdb")
    return files


def test_forecast_writes_its_four_files_side_by_side(tmp_path):
    f = _files(tmp_path)
    out = tmp_path / "out"
    done = run("-p", str(f["draft"]), "-w", str(f["warehouse"]), "--out", str(out),
               "--replaces", str(f["live"]), "--past", f"{f['past']}={f['effect']}")
    assert done.returncode == 0, done.stderr
    figures = {r["figure"]: r for r in _csv(out / "forecast.csv")}
    assert (figures["cost"]["draft"], figures["cost"]["live"],
            figures["cost"]["difference"]) == ("208.25", "169.40", "38.85")
    assert figures["expected_roi"]["draft"] == "-0.5753"  # the golden case's, from 10%
    burn = _csv(out / "burn.csv")
    assert [r["draft_cumulative"] for r in burn] == ["73.50", "208.25"]
    assert list(burn[0]) == ["period_no", "week", "week_start", "week_end",
                             "draft_cumulative", "draft_budget", "draft_burn_pct",
                             "live_cumulative", "live_budget", "live_burn_pct", "difference"]
    earners = _csv(out / "earners.csv")
    assert {r["version"] for r in earners} == {"draft", "live"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["replays"] == [["2026-03-18", "2026-03-31"], ["2026-03-04", "2026-03-17"]]
    assert manifest["lifts"]["draft"][0]["period_start"] == "2026-01-01"
    # each version named by its own hash (the live one's, not the one moved to the draft's
    # periods)
    assert manifest["programs"]["live"] == {
        "spring": program_version(load_programs([f["live"]])[0])}
    assert manifest["programs"]["live"] != manifest["programs"]["draft"]


def test_without_past_lifts_the_forecast_says_there_is_no_roi(tmp_path):
    f = _files(tmp_path)
    out = tmp_path / "out"
    done = run("-p", str(f["draft"]), "-w", str(f["warehouse"]), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "no similar past program has a measured lift" in done.stdout
    assert list(_csv(out / "forecast.csv")[0]) == ["figure", "draft"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["lifts"]["draft"].startswith("no similar program")


def test_bad_past_folders_are_refused_with_the_file(tmp_path):
    f = _files(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    done = run("-p", str(f["draft"]), "-w", str(f["warehouse"]), "--out",
               str(tmp_path / "o"), "--past", f"{f['past']}={empty}")
    assert done.returncode != 0 and f"{empty / 'effect.csv'}: no such file" in done.stderr
    done = run("-p", str(f["draft"]), "-w", str(f["warehouse"]), "--out",
               str(tmp_path / "o"), "--past", str(f["past"]))
    assert done.returncode != 0 and "PAST.yaml=EFFECT_DIR" in done.stderr
    assert not (tmp_path / "o").exists()
