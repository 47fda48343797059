"""`schemeops lake …`: the warehouse's tables as Parquet files a cluster reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.engine.backends import require_warehouse

lake_app = typer.Typer(help="A lake: the warehouse's tables as Parquet, for Spark clusters.",
                       no_args_is_help=True)


def export_and_report(warehouse: Path, lake: Path) -> None:
    """Export the warehouse to the lake and say which snapshot is current."""
    from schemeops.lake.write import export_lake

    require_warehouse(warehouse)
    done = export_lake(warehouse, lake)
    verb = "wrote" if done.written else "already current:"
    typer.echo(f"lake: {verb} {done.snapshot} ({len(done.tables)} tables)")


@lake_app.command("export")
def export_command(
    lake: Annotated[Path, typer.Argument(help="The lake folder (made if absent).")],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w",
                                            help="DuckDB warehouse file.")] = DEFAULT_WAREHOUSE,
) -> None:
    """Write the warehouse's tables to LAKE as Parquet, sales by month (docs/lake.md)."""
    export_and_report(warehouse, lake)


@lake_app.command("copy-to")
def copy_command(
    url: Annotated[str, typer.Argument(help="postgresql://USER@HOST:PORT/DB")],
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w",
                                            help="DuckDB warehouse file.")] = DEFAULT_WAREHOUSE,
) -> None:
    """Replace the PostgreSQL database's contract tables with the warehouse's (for calc
    --source URL)."""
    from schemeops.lake.database import copy_to_database

    require_warehouse(warehouse)
    for name, n in copy_to_database(warehouse, url).items():
        typer.echo(f"{name:>17}: {n:,} rows")
