"""`schemeops forecast`: a draft replayed on history — cost, earners, burn, expected ROI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.cli.calc_cmd import print_diagnostics
from schemeops.engine.calc import ProgramErrors


def _past(text: str) -> tuple[Path, Path]:
    program, sep, folder = text.partition("=")
    if not sep or not program or not folder:
        raise typer.BadParameter(f"{text!r}: write PAST.yaml=EFFECT_DIR")
    return Path(program), Path(folder)


def forecast_command(
    program: Annotated[Path, typer.Option("--program", "-p", help="The draft's file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the output files.")],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    replaces: Annotated[Path | None, typer.Option(
        help="The live version it replaces: its figures side by side.")] = None,
    past: Annotated[list[str] | None, typer.Option(
        help="PAST.yaml=EFFECT_DIR: a past program and its `effect --out` folder; "
             "repeatable. Similar ones give the expected lift.")] = None,
    replays: Annotated[int, typer.Option(min=1, max=24,
                                         help="Comparable history periods.")] = 3,
    backend: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    resamples: Annotated[int, typer.Option(min=20, max=5000,
                                           help="Bootstrap draws.")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap draws.")] = 0,
) -> None:
    """Forecast a program: forecast.csv, burn.csv, earners.csv and manifest.json in --out."""
    from schemeops.engine.backends import connect_warehouse
    from schemeops.engine.calc import load_programs
    from schemeops.forecast.past import lift_from_effect
    from schemeops.forecast.report import write_forecast
    from schemeops.forecast.run import forecast

    pasts = [_past(t) for t in past or ()]
    err = Console(stderr=True)
    with err.status("forecasting") as status:
        try:
            draft = load_programs([program])[0]
            live = load_programs([replaces])[0] if replaces else None
            lifts = [lift_from_effect(p, d) for p, d in pasts]
            fc = forecast(draft, connect_warehouse(warehouse, backend), live=live,
                          past=lifts, count=replays, resamples=resamples, seed=seed,
                          progress=lambda s: status.update(s))
        except ProgramErrors as e:
            print_diagnostics(err, e)
            raise typer.Exit(2) from None
        rows = write_forecast(fc, out, warehouse=str(warehouse), backend=backend)
    for name, n in rows.items():
        typer.echo(f"{name:>10}: {n:,} rows → {out / (name + '.csv')}")
    if fc.draft.lift is None:
        typer.echo("no similar past program has a measured lift: no expected ROI")
    typer.echo(f"{sum(fc.timings.values()):.1f} s")
