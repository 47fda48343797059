"""`schemeops load`: validate files against the contract and load them into the warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.ingest import LoadProgress, LoadReport, load
from schemeops.ingest.sources import Source


class RichLoadProgress(LoadProgress):
    """Shows a bar per file (rows read) and the current step."""

    def __init__(self, progress: Progress) -> None:
        self.p = progress
        self.task = None

    def start_file(self, source: Source, size: int) -> None:
        self.task = self.p.add_task(f"reading {source.path.name}", total=None)

    def advance(self, rows: int) -> None:
        if self.task is not None:
            self.p.advance(self.task, rows)

    def stage(self, text: str) -> None:
        self.task = None
        self.p.add_task(text, total=None)


def print_report(console: Console, report: LoadReport) -> None:
    """The per-table summary, the first problems, and where the rest are."""
    rt = RichTable(title="load summary", title_justify="left")
    for head in ("table", "read", "accepted", "rejected", "already present", "conflicts",
                 "saved"):
        rt.add_column(head, justify="left" if head == "table" else "right")
    for c in report.counts:
        rt.add_row(c.table, f"{c.read:,}", f"{c.accepted:,}", f"{c.rejected:,}",
                   f"{c.already_present:,}", f"{c.conflicts:,}",
                   f"{report.saved.get(c.table, 0):,}")
    console.print(rt)
    if report.problem_count:
        shown = len(report.first_problems)
        console.print(f"[bold red]{report.problem_count:,} problem(s)[/]"
                      + (f", the first {shown}:" if shown < report.problem_count else ":"))
        for p in report.first_problems:
            console.print("  " + p.render(), markup=False, highlight=False, soft_wrap=True)
        console.print(f"all problems: {report.rejects_path}")
    for skipped in report.not_read:
        console.print(f"not read: {skipped.path} ({skipped.reason})", markup=False,
                      highlight=False, soft_wrap=True)
    for q in report.quarantine_paths:
        console.print(f"quarantined rows: {q}")
    if report.loaded:
        console.print(f"[green]loaded[/] {sum(report.saved.values()):,} rows"
                      + (" (the valid ones)" if report.problem_count else "")
                      + ", read back from the warehouse")
        if report.stale:
            console.print(f"late rows: {report.stale:,} (seller, outlet, month) keys of past "
                          "months changed; recalculate them with calc --stale-since "
                          f"{report.load_id - 1}")
    else:
        console.print("[bold red]nothing was loaded[/]: fix the problems and load again, or "
                      "pass --accept-valid to load the valid rows and quarantine the rest")


def load_command(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders (files named after tables).")],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w",
                                            help="DuckDB warehouse file.")] = DEFAULT_WAREHOUSE,
    accept_valid: Annotated[bool, typer.Option(
        "--accept-valid", help="Load the valid rows; quarantine the rest.")] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="Where to write every problem (CSV); default beside the warehouse.")] = None,
    quarantine: Annotated[Path | None, typer.Option(
        help="Folder for rejected rows with --accept-valid.")] = None,
    lake: Annotated[Path | None, typer.Option(
        help="After loading, write the warehouse's tables to this lake folder as Parquet "
             "(schemeops lake export).")] = None,
) -> None:
    """Validate input files against the data contract and load them; atomic by default."""
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as p:
        report = load(paths, warehouse=warehouse, accept_valid=accept_valid, rejects=rejects,
                      quarantine=quarantine, progress=RichLoadProgress(p))
    print_report(Console(), report)
    if not report.ok:
        raise typer.Exit(1)
    if lake is not None and report.loaded:
        from schemeops.cli.lake_cmd import export_and_report

        export_and_report(warehouse, lake)
