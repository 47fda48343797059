"""`schemeops audit …`: prove the trail and the closed periods are untouched."""

from __future__ import annotations

import typer
from sqlalchemy import func, select

from schemeops.cli.store_opts import DEFAULT, StoreOpt, WarehouseOpt, open_app
from schemeops.service.audit import verify
from schemeops.store.audit import count
from schemeops.store.models import Period

audit_app = typer.Typer(help="The audit chain.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(store: StoreOpt = None, warehouse: WarehouseOpt = DEFAULT) -> None:
    """Recompute the hash chain and every closed period's seal; exit 1 naming what broke."""
    app = open_app(store, warehouse, migrate=False)
    with app.sessions() as s:
        findings = verify(s)
        entries = count(s)
        closed = s.scalar(select(func.count()).select_from(Period)
                          .where(Period.status == "closed"))
    for f in findings:
        typer.echo(f"TAMPERED {f}")
    if findings:
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {entries} entries, {closed} closed periods")
