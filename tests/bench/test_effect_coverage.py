"""`python -m benchmarks.effect_coverage`: the coverage table on a tiny pair of networks."""

import csv
import subprocess
import sys

from schemeops.bench.calc import ROOT


def test_coverage_table_per_program_and_seed(tmp_path):
    """One row per planted program, the truth from effects.csv, the five acceptance lines;
    a second run reuses the generated networks."""
    argv = [sys.executable, "-m", "benchmarks.effect_coverage", "--seeds", "1", "--lines",
            "50000", "--programs", "2", "--resamples", "50", "--work", str(tmp_path)]
    r = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "50,000 lines, seeds 1–1, noise normal, anomaly rate 1, 50 resamples"
    assert out[2].startswith("| seed | program | true lift | estimate | 90% interval |")
    rows = [line for line in out if line.startswith("| 1 | planted_")]
    assert len(rows) == 2
    planted = tmp_path / "50000-s1-normal-a1-k2" / "planted"
    with (planted / "effects.csv").open() as f:
        truth = {r["program_id"]: float(r["true_net_lift_pct"]) for r in csv.DictReader(f)
                 if not r["participant_id"]}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert float(cells[2]) == round(truth[cells[1]], 2)
    assert out[-6].startswith("- 2 cases; true net lifts ")
    assert [line.split(":")[0] for line in out[-5:]] == [
        "- coverage of the truth", "- placebo covers 0",
        "- widths", "- ROI sign where |true ROI| > 0.5", "- point estimate within ±15% or ±1 point"]
    assert (tmp_path / "coverage-normal-a1.md").read_text().splitlines() == out
    stamp = (planted / "sales.parquet").stat().st_mtime_ns
    again = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
    assert again.returncode == 0 and again.stdout == r.stdout
    assert (planted / "sales.parquet").stat().st_mtime_ns == stamp
