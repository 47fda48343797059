"""`schemeops guards`: judge a program against the guards, beside the programs it may
stack with; exit 1 when any guard blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.cli.calc_cmd import parse_day, print_diagnostics
from schemeops.engine.backends import connect_warehouse
from schemeops.engine.calc import ProgramErrors
from schemeops.engine.data import Data
from schemeops.guards import Level, blocking, evaluate, limits_for
from schemeops.guards.known import unknown_exclusive
from schemeops.guards.verdict import Verdict
from schemeops.program.check import check_program
from schemeops.program.model import Program
from schemeops.program.parse import load_located_program
from schemeops.program.source import Spans


def _load(path: Path) -> tuple[Program, Spans]:
    program, spans, found = load_located_program(path)
    if program is not None:
        found = found + check_program(program, spans)
    errors = [d for d in found if d.is_error]
    if errors or program is None:
        raise ProgramErrors(errors)
    return program, spans


def _figure(v: Verdict) -> str:
    return "—" if v.figure is None else f"{v.figure:f}"


def _table(verdicts: list[Verdict]) -> Table:
    t = Table("guard", "level", "figure", "threshold", "evidence", "what was found")
    style = {Level.OK: "green", Level.WARN: "yellow", Level.BLOCK: "bold red"}
    for v in verdicts:
        t.add_row(v.guard, f"[{style[v.level]}]{v.level.value}[/]", _figure(v),
                  "—" if v.threshold is None else f"{v.threshold:f}",
                  ", ".join(f"{k} {n:,}" for k, n in v.evidence.items()), v.summary)
    return t


def guards_command(
    program: Annotated[Path, typer.Argument(help="The program file to judge.")],
    others: Annotated[list[Path] | None, typer.Option(
        "--with", help="A program it may stack with (repeatable): the live and approved "
        "ones.")] = None,
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    as_of: Annotated[str | None, typer.Option(
        help="Judge budget burn as of this date, YYYY-MM-DD.")] = None,
    backend: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
) -> None:
    """Print every guard's verdict on PROGRAM (stacking, discount cap, margin floor, gross
    margin; budget burn with --as-of); exit 1 when any blocks, 2 on a program error."""
    err = Console(stderr=True)
    try:
        subject, spans = _load(program)
        rest = [_load(p)[0] for p in others or []]
        known = {p.id for p in rest}
        if unknown := unknown_exclusive(subject, spans, known, where="given with --with"):
            raise ProgramErrors(unknown)
    except ProgramErrors as e:
        print_diagnostics(err, e)
        raise typer.Exit(2) from None
    day = parse_day(as_of)
    with err.status("judging"):
        data = Data.from_backend(connect_warehouse(warehouse, backend))
        verdicts, shift = evaluate(subject, rest, data, as_of=day)
    out = Console(soft_wrap=True)
    out.print(f"{subject.id}" + (f" with {', '.join(p.id for p in rest)}" if rest else ""),
              highlight=False)
    if shift:
        out.print(f"its periods hold no sales yet: history replayed {shift} days later",
                  highlight=False)
    if reason := limits_for(subject).reason:
        out.print(f"own limits (guards:): {reason}", markup=False, highlight=False)
    out.print(_table(verdicts))
    if blocked := blocking(verdicts):
        out.print(f"blocked by {', '.join(v.guard for v in blocked)}", style="bold red")
        raise typer.Exit(1)
