"""`schemeops explain`: one participant's payout story."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.cli.calc_cmd import parse_day, print_diagnostics
from schemeops.engine.backends import connect_warehouse
from schemeops.engine.calc import ProgramErrors, load_programs
from schemeops.engine.data import Data
from schemeops.engine.explain import explain, why_no_story


def explain_command(
    program: Annotated[Path, typer.Option("--program", "-p", help="Program file.")],
    participant: Annotated[str, typer.Option(help="Participant id.")],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    as_of: Annotated[str | None, typer.Option(help="As of this date, YYYY-MM-DD.")] = None,
) -> None:
    """Tell one participant's story: actuals, targets, slabs, gates, caps, the next slab."""
    try:
        (prog,) = load_programs([program])
    except ProgramErrors as e:
        print_diagnostics(Console(stderr=True), e)
        raise typer.Exit(2) from None
    con = connect_warehouse(warehouse)
    data = Data.from_backend(con)
    stories = explain(prog, data, con, participant, as_of=parse_day(as_of))
    if not stories:
        typer.echo(f"error: {why_no_story(prog, data, con, participant)}", err=True)
        raise typer.Exit(1)
    for s in stories:
        typer.echo(s.render())
