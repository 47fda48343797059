"""`schemeops detect` end to end on a small generated network (default mode)."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from schemeops.cli.main import app
from schemeops.generate import generate
from schemeops.ingest import load


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    root = tmp_path_factory.mktemp("net")
    generate(root / "data", lines=100_000, seed=7)
    load([root / "data"], warehouse=root / "wh.duckdb")
    return root


def test_detect_writes_findings_and_scores_the_planted_labels(network, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["detect", "--warehouse", str(network / "wh.duckdb"),
                                 "--out", str(out), "--labels",
                                 str(network / "data" / "labels.csv"),
                                 "--claims", str(network / "data" / "claims.csv"),
                                 "--programs", "examples/programs/volume_growth.yaml",
                                 "--programs", "benchmarks/programs/volume_targets.yaml"])
    assert r.exit_code == 0, r.output
    with (out / "score.csv").open() as fh:
        scores = list(csv.DictReader(fh))
    assert scores
    # The generator can label a case it had no rows for ("0 invoices of the last 3 days…",
    # a seller without month-end bills that month): nothing to find, so no recall bar.
    with (network / "data" / "labels.csv").open() as fh:
        empty = {r["kind"] for r in csv.DictReader(fh) if r["note"].startswith("0 ")}
    for s in scores:
        if int(s["labels"]) and s["kind"] not in empty:
            assert float(s["recall"]) >= 0.9, s
        if int(s["findings"]):
            assert float(s["precision"]) >= 0.8, s
    with (out / "findings.csv").open() as fh:
        findings = list(csv.DictReader(fh))
    with (out / "evidence.csv").open() as fh:
        evidence = list(csv.DictReader(fh))
    assert {f["finding_id"] for f in findings} == {e["finding_id"] for e in evidence}
    assert all(len(f["value_at_risk"].split(".")[1]) == 2 for f in findings)
    assert "findings per 1,000 participant-periods" in r.output
    # the counterfactuals ran on the flagged subtrees: spill is measured only with --spill
    assert "spill not measured (--spill measures it)" in r.output
    assert ", spill " not in r.output


def test_period_keeps_only_that_months_findings(network, tmp_path):
    r = CliRunner().invoke(app, ["detect", "--warehouse", str(network / "wh.duckdb"),
                                 "--out", str(tmp_path), "--period", "2026-06"])
    assert r.exit_code == 0, r.output
    with (tmp_path / "findings.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert all(f["period_start"] == "2026-06-01" and f["period_end"] == "2026-06-30"
               for f in rows)
    bad = CliRunner().invoke(app, ["detect", "--out", str(tmp_path), "--period", "June"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
