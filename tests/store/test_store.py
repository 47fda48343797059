"""The store on SQLite and PostgreSQL: migrations build the models' schema from empty, money
round-trips exactly, timestamps come back in UTC."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import Base, User
from schemeops.store.types import Money


def test_migrations_upgrade_an_empty_database_to_the_models(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) == set(Base.metadata.tables) | {
            "alembic_version"}
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], "the models changed without a migration: alembic revision --autogenerate"


def test_upgrading_twice_changes_nothing(db_url):
    upgrade(db_url)
    upgrade(db_url)


@pytest.mark.parametrize("amount", ["0.00", "0.01", "-12.50", "12345678901234.99"])
def test_money_round_trips_exactly(amount):
    m = Money()
    assert m.process_result_value(m.process_bind_param(Decimal(amount), None), None) == Decimal(
        amount)


def test_money_with_more_than_two_places_is_refused():
    with pytest.raises(ValueError, match="at most 2 decimal places"):
        Money().process_bind_param(Decimal("1.005"), None)


def test_timestamps_come_back_in_utc(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    at = dt.datetime(2026, 11, 27, 9, 0, tzinfo=ist)
    with sessions(engine).begin() as s:
        s.add(User(username="u", display_name="u", role="admin", password_hash="x",
                   created_at=at))
    with sessions(engine)() as s:
        got = s.scalar(select(User.created_at))
    engine.dispose()
    assert got == at and got.tzinfo == dt.UTC
