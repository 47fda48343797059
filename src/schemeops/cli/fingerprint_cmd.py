"""`schemeops fingerprint`: hash the warehouse and compare with what `load` recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemeops.cli import DEFAULT_WAREHOUSE
from schemeops.engine.backends import connect_warehouse, require_warehouse
from schemeops.engine.data import TABLE_NAMES
from schemeops.engine.fingerprint import hashed_and_recorded, warehouse_fingerprint
from schemeops.ingest.warehouse import connect, record_digests


def fingerprint_command(
    warehouse: Annotated[Path, typer.Option("--warehouse", "-w")] = DEFAULT_WAREHOUSE,
    record: Annotated[bool, typer.Option(
        help="Record the digests of the warehouse as it is now.")] = False,
) -> None:
    """Hash every row of the warehouse and check it against the digests `load` recorded,
    which `calc` puts in its manifest; exit 1 when they differ. With --record, hash once and
    record the digests instead."""
    require_warehouse(warehouse)  # `connect` would create an empty one
    if record:
        ib = connect(warehouse)
        try:
            record_digests(ib, list(TABLE_NAMES))
        finally:
            ib.disconnect()
        typer.echo(f"recorded:   {warehouse_fingerprint(connect_warehouse(warehouse))}")
        return
    hashed, recorded = hashed_and_recorded(connect_warehouse(warehouse))
    typer.echo(f"hashed now: {hashed}\nrecorded:   {recorded}")
    if hashed != recorded:
        typer.echo("the warehouse changed after its last load; `schemeops fingerprint --record`"
                   " records it as it is now", err=True)
        raise typer.Exit(1)
