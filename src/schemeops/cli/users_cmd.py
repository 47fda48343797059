"""`schemeops users …`: people who sign in."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from schemeops.cli.store_opts import DEFAULT, StoreOpt, WarehouseOpt, open_app
from schemeops.service.errors import Conflict
from schemeops.service.users import create_user, issue_token
from schemeops.store.models import ROLES

users_app = typer.Typer(help="People who sign in to the web app and the API.",
                        no_args_is_help=True)


@users_app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="The name they sign in with.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    region: Annotated[str | None, typer.Option(help="A regional head's region.")] = None,
    participant: Annotated[str | None, typer.Option(
        help="A distributor's or rep's participant id.")] = None,
    token: Annotated[bool, typer.Option(help="Also print an API token (shown once).")] = False,
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
) -> None:
    """Create a user with a generated password, printed once."""
    app = open_app(store, warehouse)
    password = secrets.token_urlsafe(12)
    try:
        with app.sessions.begin() as s:
            user = create_user(s, username=username, password=password, role=role,
                               region=region, participant_id=participant, by="cli")
            api_token = issue_token(s, user, "cli") if token else None
    except Conflict as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"user {username} ({role}) created; password (shown once): {password}")
    if api_token:
        typer.echo(f"API token (shown once): {api_token}")
