"""`schemeops demo`: generate a small network, load it, and show what the warehouse holds."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from schemeops.cli.calc_cmd import program_files
from schemeops.cli.generate_cmd import run_generate
from schemeops.cli.load_cmd import RichLoadProgress, print_report
from schemeops.engine.calc import run_calc
from schemeops.engine.summary import ProgramSummary, summarize
from schemeops.ingest import load
from schemeops.ingest.summary import Holdings, holdings
from schemeops.ingest.warehouse import connect

CURRENT_MONTH = dt.date(2026, 10, 1)
MONTHS = 7


def print_holdings(console: Console, h: Holdings) -> None:
    """Participants by role, outlets, and secondary lines and value by month."""
    roles = ", ".join(f"{n:,} {role}" for role, n in h.roles)
    console.print(f"participants: {roles}")
    console.print(f"outlets: {h.outlets:,} · products: {h.products:,} · primary lines: "
                  f"{h.primary_lines:,} · payments: {h.payments:,}")
    rt = RichTable(title="secondary sales by month", title_justify="left")
    for head in ("month", "lines", "invoices", "returns", "net value"):
        rt.add_column(head, justify="left" if head == "month" else "right")
    for m in h.months:
        rt.add_row(m.month, f"{m.lines:,}", f"{m.invoices:,}", f"{m.returns_value:,.2f}",
                   f"{m.net_value:,.2f}")
    rt.add_row("total", f"{h.lines:,}", "", "", f"{h.net_value:,.2f}", style="bold")
    console.print(rt)


def calc_and_summarize(files: list[Path], warehouse: Path, out: Path) -> list[ProgramSummary]:
    """Calculate the programs, write their output files, and summarise each."""
    run = run_calc(files, warehouse=warehouse, out=out)
    return [summarize(r, run.data, run.con) for r in run.results]


def print_summaries(console: Console, summaries: list[ProgramSummary]) -> None:
    """One row per program: participants, eligible, earning, payout, payout as % of sales."""
    rt = RichTable(title="programs", title_justify="left")
    for head in ("program", "participants", "eligible", "earning", "total payout",
                 "% of sales"):
        rt.add_column(head, justify="left" if head == "program" else "right",
                      no_wrap=head != "program", overflow="fold")
    for s in summaries:
        pct = s.payout_pct_of_sales
        rt.add_row(s.program_id, f"{s.participants:,}", f"{s.eligible:,}", f"{s.earning:,}",
                   f"{s.payout:,.2f}", "—" if pct is None else f"{pct}%")
    console.print(rt)


def demo_command(
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo keeps its files.")]
    = Path("demo"),
    lines: Annotated[int, typer.Option(min=1000, help="Secondary lines to generate.")]
    = 1_000_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    programs: Annotated[Path, typer.Option(help="Folder of programs to calculate.")]
    = Path("examples/programs"),
) -> None:
    """Generate a network (≈1M lines), load it, calculate the example programs, summarise."""
    console, err = Console(), Console(stderr=True)
    data, warehouse = folder / "data", folder / "schemeops.duckdb"
    marker = data / ".generated"
    wanted = f"lines={lines} seed={seed} months={MONTHS} current={CURRENT_MONTH:%Y-%m}\n"
    if not marker.exists() or marker.read_text() != wanted:
        shutil.rmtree(data, ignore_errors=True)
        warehouse.unlink(missing_ok=True)
        console.print(f"generating {lines:,} lines into {data}")
        run_generate(data, lines=lines, months=MONTHS, seed=seed, fmt="parquet",
                     current_month=CURRENT_MONTH, console=err)
        marker.write_text(wanted)
    console.print(f"loading {data} into {warehouse}")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as p:
        report = load([data], warehouse=warehouse, progress=RichLoadProgress(p))
    print_report(console, report)
    if not report.ok:
        raise typer.Exit(1)
    print_holdings(console, holdings(connect(warehouse, read_only=True)))
    out = folder / "out"
    console.print(f"calculating the programs in {programs}")
    with err.status("calculating"):
        summaries = calc_and_summarize(program_files([programs]), warehouse, out)
    print_summaries(console, summaries)
    console.print(f"output files: {out}/payouts.csv, kpis.csv, components.csv, manifest.json")
