"""The data fingerprint a calculation records: a digest of the warehouse tables it read.

Per contract table, its row count and an order-free sum of its rows' hashes. `load` records
each table's pair when it writes the table (`ingest.warehouse.record_digests`), so a
calculation reads the pairs instead of hashing every row again; a table without a recorded
pair, or whose row count no longer matches it, is hashed by the calculation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa

from schemeops.engine.backends import adapter_of, fetch_now
from schemeops.engine.data import DIGESTS_TABLE, TABLE_NAMES, Data

#: Runs a query: gives a function that returns its result (at once, or once it is done).
Fetch = Callable[[ir.Table], Callable[[], pa.Table]]
#: A table's row count and the sum of its row hashes (None when it has no rows).
Digest = tuple[int, Decimal | None]
#: Tables the contract gained after fingerprints were first recorded: left out of the
#: fingerprint while empty, so a warehouse without them keeps the fingerprint it had.
_LATER_TABLES = ("participant_lists",)


def table_digest(t: ir.Table) -> ir.Table:
    """One row, (n, h): `t`'s row count and the sum of its rows' hashes over every column.
    The sum is written with 2 places (as Ibis types it), so fingerprints read as they did."""
    row = ibis.struct({c: t[c] for c in t.columns})
    row_hash = adapter_of(t.get_backend()).row_hash(row)
    h = ops.Cast(row_hash.sum(), to=dt.Decimal(38, 2)).to_expr()
    return t.aggregate(n=t.count(), h=h)


def recorded_digests(con: ibis.BaseBackend) -> dict[str, Digest]:
    """The digests `load` recorded in the warehouse `con`, by table (none when it has none,
    as on a backend that reads only the contract tables)."""
    rows = adapter_of(con).table_rows(con, DIGESTS_TABLE, columns=("table", "n", "h"))
    return {table: (n, h) for table, n, h in rows or ()}


def _read(result: Callable[[], pa.Table]) -> Digest:
    n, h = result().to_pylist()[0].values()
    return n, h


def data_fingerprint(data: Data, fetch: Fetch, recorded: Mapping[str, Digest] | None = None
                     ) -> Callable[[], str]:
    """A digest of the warehouse content (every column of every contract table), the same
    for the same rows in any order. Hashes are the backend's own, so fingerprints compare
    within one backend. A table's `recorded` digest stands for it while its row count
    matches; the others are hashed. The queries start now; the function returned waits for
    them and gives the fingerprint."""
    recorded = recorded or {}
    pending: dict[str, tuple[Callable[[], pa.Table], bool]] = {}
    for name in TABLE_NAMES:
        t = getattr(data, name)
        known = name in recorded
        pending[name] = (fetch(t.aggregate(n=t.count()) if known else table_digest(t)), known)

    def digest() -> str:
        parts = []
        for name, (result, known) in pending.items():
            if known and result().column(0)[0].as_py() == recorded[name][0]:
                n, h = recorded[name]
            elif known:  # the table changed since it was recorded
                n, h = _read(fetch(table_digest(getattr(data, name))))
            else:
                n, h = _read(result)
            if n == 0 and name in _LATER_TABLES:
                continue
            parts.append(f"{name}:{n}:{h}")
        return hashlib.sha256(";".join(parts).encode()).hexdigest()[:16]
    return digest


def warehouse_fingerprint(con: ibis.BaseBackend) -> str:
    """The fingerprint a calculation on `con` would record now."""
    return data_fingerprint(Data.from_backend(con), fetch_now(con), recorded_digests(con))()


def hashed_and_recorded(con: ibis.BaseBackend) -> tuple[str, str]:
    """The fingerprint of the warehouse `con` with every row hashed now, and as a
    calculation reads it (from the recorded digests where they still apply)."""
    return data_fingerprint(Data.from_backend(con), fetch_now(con))(), warehouse_fingerprint(con)
