"""`schemeops calc`: run programs on the warehouse and write the output files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from schemeops.cli import DEFAULT_WAREHOUSE, program_files
from schemeops.engine.backends.spark import spark_settings
from schemeops.engine.calc import ProgramErrors, run_calc


def parse_day(text: str | None) -> dt.date | None:
    """'2026-10-15' as a date (None stays None)."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; write YYYY-MM-DD") from None


def print_diagnostics(console: Console, errors: ProgramErrors) -> None:
    """Every program error, located, with its hint."""
    for d in errors.diagnostics:
        console.print(d.render(), markup=False, highlight=False, soft_wrap=True)
    console.print(f"{len(errors.diagnostics)} error(s)", style="bold red")


def calc_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the output files.")],
    program: Annotated[list[Path] | None, typer.Option(
        "--program", "-p", help="Program file or folder (repeatable).")] = None,
    more: Annotated[list[Path] | None, typer.Argument(
        help="More program files (so that `--program a.yaml b.yaml` works).")] = None,
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    as_of: Annotated[str | None, typer.Option(
        help="Compute as of this date (attainment so far), YYYY-MM-DD.")] = None,
    backend: Annotated[str, typer.Option(help="duckdb or spark.")] = "duckdb",
    stale_since: Annotated[int | None, typer.Option(
        help="Compute only the participants whose results rows loaded after this load id "
             "changed (late rows of past months).")] = None,
    lake: Annotated[Path | None, typer.Option(
        help="Read the tables from this lake folder (schemeops lake export) instead of the "
             "warehouse.")] = None,
    source: Annotated[str | None, typer.Option(
        help="Read and compute in this PostgreSQL database (postgresql://USER@HOST:PORT/DB) "
             "holding the contract tables (schemeops lake copy-to).")] = None,
    spark_master: Annotated[str | None, typer.Option(
        help="Spark's master: local[N] (default local[2]), spark://HOST:PORT, yarn, "
             "k8s://…")] = None,
    spark_conf: Annotated[list[str] | None, typer.Option(
        help="A Spark setting KEY=VALUE (repeatable), over --spark-config's.")] = None,
    spark_config: Annotated[Path | None, typer.Option(
        help="TOML file: `master` and a `conf` table of settings under `spark` "
             "(docs/lake.md).")] = None,
    memory_limit: Annotated[str | None, typer.Option(
        help="Cap DuckDB's memory for the run, e.g. 6GB (it spills beyond it; default: "
             "DuckDB's 80% of the machine's).")] = None,
) -> None:
    """Calculate programs: payouts.csv, kpis.csv, components.csv and manifest.json in --out."""
    err = Console(stderr=True)
    spark = spark_settings(config=spark_config, master=spark_master, conf=spark_conf)
    with err.status("calculating") as status:
        try:
            files = program_files([*(program or []), *(more or [])])
            if not files:
                raise typer.BadParameter("give at least one program", param_hint="--program")
            manifest = run_calc(files, warehouse=warehouse, out=out, as_of=parse_day(as_of),
                                backend=backend, lake=lake, source=source, spark=spark,
                                progress=lambda s: status.update(s),
                                stale_since=stale_since, memory_limit=memory_limit).manifest
        except ProgramErrors as e:
            print_diagnostics(err, e)
            raise typer.Exit(2) from None
    for name, n in manifest.rows.items():
        typer.echo(f"{name:>10}: {n:,} rows → {out / (name + '.csv')}")
    typer.echo(f"programs: {', '.join(f'{k}@{v}' for k, v in manifest.programs.items())}")
    for program_id, n in manifest.recalculated.items():
        typer.echo(f"recalculated: {n:,} participants of {program_id} (stale since load "
                   f"{stale_since})")
    typer.echo(f"data: {manifest.data_fingerprint} · backend: {manifest.backend} · "
               f"{sum(manifest.timings.values()):.1f} s")
