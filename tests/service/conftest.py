"""Service bench: a small generated and loaded warehouse (shared), a fresh migrated store per
test on SQLite and on PostgreSQL, and one user per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from schemeops.service.context import Actor, App
from schemeops.service.users import create_user
from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade


@pytest.fixture
def app(tmp_path: Path, warehouse: Path, db_url: str) -> Iterator[App]:
    """A fresh store (SQLite, then PostgreSQL), migrated, on the shared warehouse."""
    upgrade(db_url)
    engine = make_engine(db_url)
    yield App(sessions(engine), warehouse, tmp_path / "runs")
    engine.dispose()


@dataclass(frozen=True)
class Team:
    """One actor per role (two approvers, so one can decide on the other's work)."""

    admin: Actor
    designer: Actor
    approver: Actor
    approver2: Actor
    regional: Actor
    distributor: Actor
    rep: Actor


@pytest.fixture
def team(app: App) -> Team:
    """Users for every role, created in the store."""
    specs = {
        "admin": {"role": "admin"}, "designer": {"role": "designer"},
        "approver": {"role": "approver"}, "approver2": {"role": "approver"},
        "regional": {"role": "regional_head", "region": "North"},
        "distributor": {"role": "distributor", "participant_id": "D00001"},
        "rep": {"role": "rep", "participant_id": "R0001"},
    }
    with app.sessions.begin() as s:
        actors = {name: Actor.of(create_user(s, username=name, password=f"{name}-pw", **spec))
                  for name, spec in specs.items()}
    return Team(**actors)

