"""Fixtures shared by the whole suite: databases for the store (SQLite and PostgreSQL).

- `pg_url` (session): a temporary PostgreSQL 15 cluster (see pgcluster.py) with an empty
  database `schemeops_test`; yields its SQLAlchemy URL. Under pytest-xdist each worker starts
  its own cluster, lazily, the first time one of its tests asks for it.
- `db_url` (per test, parametrized sqlite / postgresql): the URL of a fresh, empty database;
  the postgresql case creates `t_<uuid>` in the session cluster and drops it afterwards.
- `warehouse` (session): a generated 30k-line network (seed 5), loaded: D00001…D00006,
  R0001…R0005 in regions North, South, East, West, Central. The service and web tests use it.
- `spark_cluster` (session): a Spark standalone cluster on 127.0.0.1, a master and two
  workers in their own JVMs (see sparkcluster.py), torn down at the end of the session.

Where PostgreSQL cannot run, these tests are skipped with the reason, except when the
environment says CI=true: then they fail, so CI never passes by skipping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import sparkcluster
from pgcluster import PgCluster, PgUnavailable, check_available
from schemeops.generate import generate
from schemeops.ingest import load
from unavailable import unavailable


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tests that use a cluster are `postgres` tests even if they forget the marker.
    for item in items:
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    try:
        check_available()
    except PgUnavailable as e:
        unavailable(f"no temporary PostgreSQL: {e}")
    cluster = PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def spark_cluster() -> Iterator[sparkcluster.SparkCluster]:
    try:
        sparkcluster.check_available()
        cluster = sparkcluster.SparkCluster(workers=2, cores=1, memory="1g").start()
    except sparkcluster.SparkUnavailable as e:
        unavailable(f"no Spark standalone cluster: {e}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_url(pg_cluster: PgCluster) -> str:
    """SQLAlchemy URL of the empty database `schemeops_test` in the session's cluster."""
    return pg_cluster.url(pg_cluster.create_database("schemeops_test"))


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """URL of a fresh, empty database for this test: SQLite file or PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'schemeops.db'}"
        return
    # Asked for here, not in the signature: the cluster starts only when a test needs it.
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = cluster.create_database()
    try:
        yield cluster.url(name)
    finally:
        cluster.drop_database(name)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated 30k-line network, loaded."""
    root = tmp_path_factory.mktemp("wh")
    generate(root / "data", lines=30_000, seed=5)
    wh = root / "wh.duckdb"
    load([root / "data"], warehouse=wh)
    return wh
