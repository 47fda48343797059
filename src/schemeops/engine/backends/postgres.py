"""PostgreSQL, for customers whose sales already live there: the contract tables of a
database named by its URL, computed in the database."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.postgres import PostgresCompiler
from sqlglot.transforms import eliminate_semi_and_anti_joins

from schemeops.engine.backends.base import Adapter
from schemeops.errors import UsageError

if TYPE_CHECKING:
    from schemeops.engine.backends.spark import SparkSettings
    from schemeops.lake import LakeTable


class Compiler(PostgresCompiler):
    """Ibis's PostgreSQL compiler, with semi and anti joins written as EXISTS (PostgreSQL
    has no SEMI/ANTI JOIN syntax, which Ibis writes for it)."""

    def to_sqlglot(self, expr, **kwargs) -> sge.Expression:
        """The query, its semi and anti joins rewritten."""
        return super().to_sqlglot(expr, **kwargs).transform(eliminate_semi_and_anti_joins,
                                                            copy=False)


class PostgresAdapter(Adapter):
    """PostgreSQL through Ibis's postgres backend (psycopg 3)."""

    name = "postgres"
    ibis_name = "postgres"

    def connect(self, warehouse: Path, *, spark: SparkSettings | None = None
                ) -> ibis.BaseBackend:
        """Refused: PostgreSQL reads its own database (`--source URL`)."""
        raise UsageError("the postgres backend reads a database: give --source "
                         "postgresql://USER@HOST:PORT/DB")

    def connect_lake(self, tables: Mapping[str, LakeTable], *,
                     spark: SparkSettings | None = None) -> ibis.BaseBackend:
        """Refused: PostgreSQL reads its own database (`--source URL`)."""
        return self.connect(Path())

    def connect_url(self, url: str) -> ibis.BaseBackend:
        """The database at `url` (postgresql://…; a SQLAlchemy driver suffix is dropped)."""
        scheme, sep, rest = url.partition("://")
        if not sep or scheme.split("+")[0] not in ("postgresql", "postgres"):
            raise UsageError(f"--source {url!r}: give postgresql://USER@HOST:PORT/DB")
        try:
            con = ibis.connect(f"postgres://{rest}")
        except Exception as e:  # psycopg's errors carry the server's reason
            raise UsageError(f"cannot connect to {scheme}://…{rest.partition('@')[2]}: "
                             f"{str(e).splitlines()[0]}") from None
        con.compiler = Compiler()
        return con

    def materialize(self, t: ir.Table) -> ir.Table:
        """`t` as a temporary table."""
        return t.cache()

    def row_hash(self, row: ir.StructValue) -> ir.DecimalValue:
        """PostgreSQL's 64-bit hash of the row's text."""
        return row.cast("string").hash().cast("decimal(28,0)")
