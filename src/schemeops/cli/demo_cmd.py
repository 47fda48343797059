"""`schemeops demo`: generate a small network, load it, publish and calculate the example
programs through the store (one user per role), summarise, then serve the web app."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from schemeops.cli import program_files
from schemeops.cli.generate_cmd import run_generate
from schemeops.cli.load_cmd import RichLoadProgress, print_report
from schemeops.cli.serve_cmd import serve_command
from schemeops.cli.store_opts import open_app
from schemeops.engine.summary import ProgramSummary
from schemeops.ingest import load
from schemeops.ingest.summary import Holdings, holdings
from schemeops.ingest.warehouse import connect
from schemeops.service.context import App
from schemeops.service.demo import DemoUser, create_demo_users, publish_and_calculate
from schemeops.service.runs import get_run
from schemeops.store.db import sqlite_url

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


def run_summaries(app: App, run_id: int) -> list[ProgramSummary]:
    """Each program's headline numbers as the run stored them."""
    with app.sessions.begin() as s:
        run = get_run(s, run_id)
        if run.status != "succeeded":
            typer.echo(f"error: the calculation failed: {run.error}", err=True)
            raise typer.Exit(1)
        return [ProgramSummary(p.program_id, p.participants, p.eligible, p.earning, p.payout,
                               p.sales) for p in run.programs]


def print_users(console: Console, users: list[DemoUser]) -> None:
    """The demo users and their passwords (shown this once)."""
    rt = RichTable(title="demo users (passwords shown once)", title_justify="left")
    for head in ("user", "role", "scope", "password"):
        rt.add_column(head, no_wrap=True)
    for u in users:
        rt.add_row(u.username, u.role, u.scope, u.password)
    console.print(rt)


def fresh_store(folder: Path, warehouse: Path) -> App:
    """A new store and runs folder in the demo folder (the demo's data is new each time)."""
    for name in ("schemeops.db", "schemeops.db-wal", "schemeops.db-shm"):
        (folder / name).unlink(missing_ok=True)
    shutil.rmtree(folder / "runs", ignore_errors=True)
    return open_app(sqlite_url(folder / "schemeops.db"), warehouse, folder / "runs")


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
    serve: Annotated[bool, typer.Option(help="End by serving the web app.")] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
) -> None:
    """Generate and load a network, calculate the examples through the store, then serve.

    Generates ≈1M lines, loads them, creates a user per role (passwords shown once), drafts,
    approves and publishes every example program, calculates them in one run, prints a
    summary per program, and serves the web app on the results."""
    console, err = Console(), Console(stderr=True)
    if not console.is_terminal:  # a pipe or a log: whole program ids and paths, not folded
        console = Console(width=200)
    if not programs.is_dir():
        err.print(f"error: no folder {programs}; run the demo from the source checkout or "
                  "pass --programs DIR")
        raise typer.Exit(2)
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
    app = fresh_store(folder, warehouse)
    users = create_demo_users(app)
    console.print(f"publishing and calculating the programs in {programs}")
    with err.status("calculating"):
        run_id = publish_and_calculate(app, program_files([programs]))
    print_summaries(console, run_summaries(app, run_id))
    out = app.runs_dir / f"run-{run_id}" / "out"
    console.print(f"output files: {out}/payouts.csv, kpis.csv, components.csv, manifest.json")
    print_users(console, users)
    console.print(f"run {run_id} waits for its payouts to be approved: sign in as `checker`.")
    if serve:
        serve_command(host=host, port=port, store=sqlite_url(folder / "schemeops.db"),
                      warehouse=warehouse, runs=folder / "runs")
