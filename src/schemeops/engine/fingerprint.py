"""The data fingerprint a calculation records: a digest of the warehouse tables it read."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa

from schemeops.engine.data import TABLE_NAMES, Data
from schemeops.engine.exact import as_dec, dec

#: Runs a query: gives a function that returns its result (at once, or once it is done).
Fetch = Callable[[ir.Table], Callable[[], pa.Table]]


def fetch_now(con: ibis.BaseBackend) -> Fetch:
    """A `Fetch` that runs each query on `con` straight away."""
    def fetch(t: ir.Table) -> Callable[[], pa.Table]:
        table = con.to_pyarrow(t)
        return lambda: table
    return fetch


@ibis.udf.scalar.builtin(name="hash")
def _duckdb_hash(value) -> dt.uint64:
    """DuckDB's HASH, an unsigned 64-bit number."""


def _row_hash(row: ir.StructValue, t: ir.Table) -> ir.DecimalValue:
    """The backend's hash of a row as a signed 64-bit number (decimal(28,0)). Ibis reads
    DuckDB's unsigned HASH as signed through a BIT string, which costs more than the hash;
    on DuckDB the same number is computed arithmetically instead."""
    if t._find_backend().name != "duckdb":
        return row.hash().cast("decimal(28,0)")
    h = _duckdb_hash(row).cast("decimal(28,0)")
    return as_dec(ibis.ifelse(h >= dec(2**63), h - dec(2**64), h), 0)


def data_fingerprint(data: Data, fetch: Fetch) -> Callable[[], str]:
    """A digest of the warehouse content (every column of every contract table): per table its
    row count and an order-free sum of row hashes, so the same rows (in any order) give the
    same fingerprint. Hashes are the backend's own, so fingerprints compare within one
    backend. The sums are written with 2 places (as Ibis types them), so the fingerprint
    reads as it always has. The queries start now; the returned function waits for them."""
    pending = []
    for name in TABLE_NAMES:
        t = getattr(data, name)
        row = ibis.struct({c: t[c] for c in t.columns})
        h = ops.Cast(_row_hash(row, t).sum(), to=dt.Decimal(38, 2)).to_expr()
        pending.append((name, fetch(t.aggregate(n=t.count(), h=h))))

    def digest() -> str:
        parts = []
        for name, result in pending:
            n, h = result().to_pylist()[0].values()
            parts.append(f"{name}:{n}:{h}")
        return hashlib.sha256(";".join(parts).encode()).hexdigest()[:16]
    return digest
