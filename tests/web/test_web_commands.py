"""`schemeops audit verify` and `schemeops users add` against a store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from typer.testing import CliRunner
from webkit import World

from schemeops.cli.main import app as cli
from schemeops.cli.store_opts import secret_key, store_url
from schemeops.service import periods
from schemeops.service.context import Actor, App
from schemeops.store.models import User


def _closed(app: App, world: World) -> None:
    with app.sessions.begin() as s:
        admin = Actor.of(s.query(User).filter_by(username="admin").one())
        periods.close(s, admin, world.period)


def _verify(store_url: str, warehouse: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["audit", "verify", "--store", store_url,
                                    "--warehouse", str(warehouse)])


def test_intact_chain_exits_0(app: App, world: World, store_url: str, warehouse: Path):
    """Nothing touched: exit 0 and the counts."""
    _closed(app, world)
    r = _verify(store_url, warehouse)
    assert r.exit_code == 0, r.output
    assert "audit chain intact:" in r.output and "1 closed periods" in r.output


def test_an_edited_audit_row_is_named(app: App, world: World, store_url: str,
                                      warehouse: Path):
    """Changing one entry's details breaks the chain at that entry."""
    with create_engine(store_url).begin() as con:
        con.execute(text("UPDATE audit_log SET details = '{\"total\": \"1.00\"}' "
                         "WHERE seq = 5"))
    r = _verify(store_url, warehouse)
    assert r.exit_code == 1
    assert "audit entry 5 " in r.output and "no longer matches" in r.output


def test_an_edited_closed_payout_is_named(app: App, world: World, store_url: str,
                                          warehouse: Path):
    """Changing a payout of a closed period breaks that period's seal."""
    _closed(app, world)
    with create_engine(store_url).begin() as con:
        con.execute(text("UPDATE payouts SET amount = amount + 1 WHERE id = "
                         "(SELECT MIN(id) FROM payouts WHERE run_id = :r)"), {"r": world.run})
    r = _verify(store_url, warehouse)
    assert r.exit_code == 1
    assert f"period {world.period} (" in r.output and "changed after it was closed" in r.output


def test_users_add_prints_the_password_once(tmp_path: Path, warehouse: Path):
    """The new user can sign in with the printed password; a duplicate is refused."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["users", "add", "ravi", "--role", "regional_head", "--region", "North",
            "--store", url, "--warehouse", str(warehouse), "--token"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "password (shown once):" in r.output and "API token (shown once): so_" in r.output
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 2 and "exists" in again.output


def test_store_and_secret_live_beside_the_warehouse(tmp_path: Path, monkeypatch):
    """Without --store the store is schemeops.db beside the warehouse; the secret key is made
    once beside the store, unless the environment gives one."""
    wh = tmp_path / "wh.duckdb"
    assert store_url(None, wh) == f"sqlite:///{tmp_path / 'schemeops.db'}"
    monkeypatch.delenv("SCHEMEOPS_SECRET_KEY", raising=False)
    key = secret_key(None, wh)
    assert key == secret_key(None, wh) and len(key) > 40
    assert (tmp_path / "schemeops.secret").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SCHEMEOPS_SECRET_KEY", "from-env")
    assert secret_key(None, wh) == "from-env"
