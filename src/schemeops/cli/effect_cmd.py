"""`schemeops effect`: is a program worth it — lift, ROI and dependency per participant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.cli.calc_cmd import parse_day, print_diagnostics
from schemeops.engine.calc import ProgramErrors


def effect_command(
    program: Annotated[Path, typer.Option("--program", "-p", help="The program file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the output files.")],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    period: Annotated[str | None, typer.Option(
        help="Only the period starting on this day, YYYY-MM-DD.")] = None,
    backend: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    resamples: Annotated[int, typer.Option(min=100, max=20000,
                                           help="Bootstrap draws.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap draws.")] = 0,
) -> None:
    """Measure a program: effect.csv, dependency.csv and manifest.json in --out."""
    from schemeops.effect.report import write_effect  # the estimator's imports, only here
    from schemeops.effect.run import run_effect

    err = Console(stderr=True)
    with err.status("measuring") as status:
        try:
            effect = run_effect(program, warehouse=warehouse, period=parse_day(period),
                                backend=backend, resamples=resamples, seed=seed,
                                progress=lambda s: status.update(s))
        except ProgramErrors as e:
            print_diagnostics(err, e)
            raise typer.Exit(2) from None
        rows = write_effect(effect, out, warehouse=warehouse, backend=backend,
                            resamples=resamples, seed=seed)
    for name, n in rows.items():
        typer.echo(f"{name:>10}: {n:,} rows → {out / (name + '.csv')}")
    typer.echo(f"{sum(effect.timings.values()):.1f} s")
