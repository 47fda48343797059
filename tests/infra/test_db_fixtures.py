"""Smoke tests of the database fixtures (tests/conftest.py): they work, and isolate tests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa


@pytest.mark.postgres
def test_pg_url_connects(pg_url: str) -> None:
    assert pg_url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert pg_url.endswith("/schemeops_test")
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("select 1")).scalar_one() == 1
            assert conn.execute(sa.text("show server_version")).scalar_one().startswith("15")
            assert conn.execute(sa.text("show listen_addresses")).scalar_one() == "127.0.0.1"
    finally:
        engine.dispose()


def test_db_url_is_fresh_and_writable(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
        with engine.begin() as conn:
            conn.execute(sa.text("create table t (x integer)"))
            conn.execute(sa.text("insert into t values (1)"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("select 1 from t")).scalar_one() == 1
    finally:
        engine.dispose()
