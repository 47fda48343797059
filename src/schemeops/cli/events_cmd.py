"""`schemeops events …`: send the webhooks that are due, once, outside the server."""

from __future__ import annotations

import typer

from schemeops.cli.store_opts import DEFAULT, StoreOpt, WarehouseOpt, open_app
from schemeops.service.delivery import DeliveryPolicy, deliver_due, http_client

events_app = typer.Typer(help="Events out: webhook deliveries.", no_args_is_help=True)


@events_app.command("deliver")
def deliver_command(store: StoreOpt = None, warehouse: WarehouseOpt = DEFAULT) -> None:
    """One delivery pass: send every due webhook once (the server's loop does the same)."""
    app = open_app(store, warehouse)
    policy = DeliveryPolicy()
    with http_client(policy) as client:
        done = deliver_due(app, client=client, policy=policy)
    typer.echo(f"delivered {done.delivered}, to retry {done.retrying}, given up {done.failed}")
