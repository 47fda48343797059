"""`schemeops users …`: people who sign in."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.cli.store_opts import DEFAULT, StoreOpt, WarehouseOpt, open_app
from schemeops.service.errors import Conflict, NotFound
from schemeops.service.signin import account_key, lift
from schemeops.service.users import create_user, issue_token, remove_user, set_password
from schemeops.store.models import ROLES, User

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


def _user(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username))
    if user is None:
        typer.echo(f"error: no user {username!r}", err=True)
        raise typer.Exit(2)
    return user


@users_app.command("passwd")
def passwd_command(
    username: Annotated[str, typer.Argument(help="Whose password to reset.")],
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
) -> None:
    """Give a user a new generated password (printed once); their web sessions end."""
    app = open_app(store, warehouse)
    password = secrets.token_urlsafe(12)
    with app.sessions.begin() as s:
        ended = set_password(s, _user(s, username), password, by="cli")
    typer.echo(f"new password for {username} (shown once): {password}; "
               f"{ended} session(s) ended")


@users_app.command("remove")
def remove_command(
    username: Annotated[str, typer.Argument(help="Who to remove.")],
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
) -> None:
    """Deactivate a user: their web sessions end and their API tokens are revoked."""
    app = open_app(store, warehouse)
    with app.sessions.begin() as s:
        remove_user(s, _user(s, username), by="cli")
    typer.echo(f"user {username} removed")


@users_app.command("unlock")
def unlock_command(
    name: Annotated[str, typer.Argument(help="A user name, or with --address an address.")],
    address: Annotated[bool, typer.Option(help="NAME is a client address.")] = False,
    store: StoreOpt = None,
    warehouse: WarehouseOpt = DEFAULT,
) -> None:
    """Lift a sign-in lockout of an account or a client address."""
    app = open_app(store, warehouse)
    scope, key = ("address", name) if address else ("account", account_key(name))
    try:
        with app.sessions.begin() as s:
            lift(s, "cli", scope, key)
    except NotFound as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{scope} {name} unlocked")
