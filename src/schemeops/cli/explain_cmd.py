"""`schemeops explain`: one participant's payout story, from a finished calc (--run) or
computed on the warehouse (--program)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.errors import UsageError


def explain_command(
    participant: Annotated[str, typer.Option(help="Participant id.")],
    run: Annotated[Path | None, typer.Option(
        help="Output folder of a finished calc: tell its stored explanations.csv.")] = None,
    program: Annotated[Path | None, typer.Option(
        "--program", "-p", help="Program file: compute the story on the warehouse.")] = None,
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    as_of: Annotated[str | None, typer.Option(help="As of this date, YYYY-MM-DD.")] = None,
) -> None:
    """Tell one participant's story: actuals, targets, slabs, gates, caps, the next slab."""
    if (run is None) == (program is None):
        raise UsageError("give either --run OUT_FOLDER (a finished calc) or --program FILE "
                         "(computed on the warehouse)")
    if run is not None:
        from schemeops.engine.explain_run import run_stories  # no Ibis needed to read a run

        for s in run_stories(run, participant):
            typer.echo(s.render())
        return
    _from_warehouse(program, participant, warehouse, as_of)


def _from_warehouse(program: Path, participant: str, warehouse: Path,
                    as_of: str | None) -> None:
    from schemeops.cli.calc_cmd import parse_day, print_diagnostics
    from schemeops.engine.backends import connect_warehouse, fetch_now
    from schemeops.engine.calc import ProgramErrors, check_lists, load_programs
    from schemeops.engine.data import Data
    from schemeops.engine.explain import explain, why_no_story

    try:
        (prog,) = load_programs([program])
        con = connect_warehouse(warehouse)
        data = Data.from_backend(con)
        check_lists([program], [prog], data, fetch_now(con))
    except ProgramErrors as e:
        print_diagnostics(Console(stderr=True), e)
        raise typer.Exit(2) from None
    stories = explain(prog, data, con, participant, as_of=parse_day(as_of))
    if not stories:
        typer.echo(f"error: {why_no_story(prog, data, con, participant)}", err=True)
        raise typer.Exit(1)
    for s in stories:
        typer.echo(s.render())
