"""`schemeops detect`: run the leakage and fraud detectors on the warehouse."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from schemeops.cli import DEFAULT_WAREHOUSE, program_files
from schemeops.cli.generate_cmd import parse_month


def detect_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for findings.csv etc.")],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    period: Annotated[list[str] | None, typer.Option(
        help="Only this month, YYYY-MM (repeatable).")] = None,
    programs: Annotated[list[Path] | None, typer.Option(
        "--programs", "-p", help="Program file or folder for value at risk (repeatable).")] = None,
    labels: Annotated[Path | None, typer.Option(
        help="labels.csv: also write score.csv and print recall/precision.")] = None,
    negatives: Annotated[Path | None, typer.Option(
        help="negatives.csv: count findings on planted hard negatives.")] = None,
    claims: Annotated[Path | None, typer.Option(
        help="claims.csv (claim lines) for duplicate claims.")] = None,
    backend: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    spill: Annotated[bool, typer.Option(
        "--spill", help="Also count, per kind, the participants without a finding whose "
        "payout the left-out rows move (every counterfactual on the whole network: "
        "slower).")] = False,
) -> None:
    """Detect anomalies: findings.csv and evidence.csv in --out, counts per kind."""
    from schemeops.cli.calc_cmd import print_diagnostics
    from schemeops.detect.claims import read_claims
    from schemeops.detect.finding import KINDS
    from schemeops.detect.run import detect
    from schemeops.detect.score import negatives_hit, read_labels, score
    from schemeops.detect.write import write_findings
    from schemeops.engine.backends import connect_warehouse, fetch_now
    from schemeops.engine.calc import ProgramErrors, check_lists, load_programs
    from schemeops.engine.data import Data

    months: list[dt.date] = [parse_month(p) for p in period or []]
    files = program_files(programs) if programs else []
    try:
        progs = load_programs(files) if files else []
        con = connect_warehouse(warehouse, backend)
        data = Data.from_backend(con)
        check_lists(files, progs, data, fetch_now(con))
    except ProgramErrors as e:
        print_diagnostics(Console(stderr=True), e)
        raise typer.Exit(2) from None
    findings, spilled = detect(data, con, periods=months, programs=progs,
                               claims=read_claims(claims) if claims is not None else None,
                               spill=spill)
    nf, ne = write_findings(findings, out)
    counts = Counter(f.kind for f in findings)
    for kind in KINDS:
        var = sum(f.value_at_risk for f in findings if f.kind == kind)
        typer.echo(f"{kind:>20}: {counts[kind]:>4} findings, value at risk {var:.2f}"
                   + (f", spill {spilled[kind]}" if kind in spilled else ""))
    if progs and not spill:
        typer.echo("spill not measured (--spill measures it)")
    typer.echo(f"wrote {nf} findings, {ne} evidence rows → {out}")
    sm = data.sales.select("distributor_id", m=data.sales.invoice_date.truncate("M").cast("date"))
    if months:
        sm = sm.filter(sm.m.isin(months))
    pp = con.execute(sm.distinct().count())
    typer.echo(f"findings per 1,000 participant-periods: {1000 * nf / max(pp, 1):.1f} "
               f"({nf} / {pp})")
    if labels is not None:
        scores = score(findings, read_labels(labels), list(KINDS))
        with (out / "score.csv").open("w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(("kind", "labels", "findings", "recall", "precision"))
            for s in scores:
                w.writerow((s.kind, s.labels, s.findings,
                            "" if s.recall is None else f"{s.recall:.3f}",
                            "" if s.precision is None else f"{s.precision:.3f}"))
                typer.echo(f"{s.kind:>20}: recall {_ratio(s.recall)} precision "
                           f"{_ratio(s.precision)} ({s.matched_labels}/{s.labels} labels, "
                           f"{s.true_findings}/{s.findings} findings)")
    if negatives is not None:
        hit = negatives_hit(findings, read_labels(negatives))
        typer.echo(f"findings on hard negatives: {hit}")


def _ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"
