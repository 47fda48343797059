"""The backend adapters: found by name or by connection, and the DuckDB adapter's compiler
writing exactly Ibis's SQL."""

from pathlib import Path

import ibis
import pytest

from schemeops.engine.backends import BACKENDS, adapter, adapter_of, connect_warehouse
from schemeops.engine.backends.duckdb import Compiler
from schemeops.engine.calc import calculate, load_programs
from schemeops.engine.output import result_tables
from schemeops.errors import UsageError

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "programs").glob("*.yaml"))


def test_adapters_by_name_and_by_connection():
    assert BACKENDS == ("duckdb", "spark", "postgres")
    assert adapter_of(ibis.duckdb.connect()) is adapter("duckdb")
    with pytest.raises(UsageError, match="unknown backend 'oracle'; choose one of duckdb, "
                                         "spark, postgres"):
        adapter("oracle")
    with pytest.raises(UsageError, match="Ibis's 'sqlite'"):
        adapter_of(ibis.sqlite.connect())


def test_an_unknown_backend_is_refused_after_a_missing_warehouse(tmp_path):
    with pytest.raises(UsageError, match="no warehouse at"):
        connect_warehouse(tmp_path / "none.duckdb", "oracle")


def test_the_duckdb_compiler_writes_ibis_sql_for_every_example_program(wh):
    """Every query a run of the examples compiles, the same text from both compilers."""
    data = wh.data()
    theirs, ours, compiled = data.sales.get_backend().compiler, Compiler(), []

    def keep(t: ibis.Table) -> ibis.Table:
        compiled.append(t)
        return t.cache()

    results, _ = calculate(load_programs(EXAMPLES), data, as_of=None, keep=keep)
    compiled += result_tables(results, keep).values()
    assert len(compiled) > len(EXAMPLES)
    for t in compiled:
        assert ours.to_sqlglot(t).sql("duckdb") == theirs.to_sqlglot(t).sql("duckdb")
