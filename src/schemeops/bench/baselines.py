"""Floors to compare against: the same bytes written or read with no realism and no checks.

`python -m schemeops.bench.baselines write OUT N` writes N rows shaped like `sales` (random
values, the contract's Arrow types) to OUT/sales.parquet in chunks: the I/O floor of `generate`.
`python -m schemeops.bench.baselines copy DIR WAREHOUSE` copies every Parquet table of DIR
into a DuckDB file with no validation: the floor of `load`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from schemeops.schema import table

_CHUNK = 1 << 20


def _decimal(values: np.ndarray, dtype: pa.DataType) -> pa.Array:
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = values >> 63
    return pa.Array.from_buffers(dtype, len(values), [None, pa.py_buffer(words)])


def write_floor(out: Path, lines: int) -> None:
    """Write `lines` random rows with the sales table's columns and types."""
    t = table("sales")
    schema = pa.schema([(c.name, c.dtype.arrow) for c in t.columns])
    rng = np.random.default_rng(0)
    out.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(out / "sales.parquet", schema) as w:
        for start in range(0, lines, _CHUNK):
            n = min(_CHUNK, lines - start)
            ids = np.arange(start, start + n)
            ints = rng.integers(1, 100_000, n)
            strings = pa.array(np.char.add("X", (ints % 5000).astype(str)))
            w.write_table(pa.table({
                "invoice_id": pa.array(np.char.add("INV", (ids // 4).astype(str))),
                "line_no": pa.array(ids % 4 + 1),
                "invoice_date": pa.array(20_000 + ints % 200, pa.int32()).cast(pa.date32()),
                "distributor_id": strings, "outlet_id": strings, "sku": strings,
                "quantity": _decimal(ints % 50 * 1000, pa.decimal128(18, 3)),
                "net_amount": _decimal(ints * 7, pa.decimal128(18, 2)),
                "doc_type": pa.array(np.full(n, "invoice")),
                "ref_invoice_id": pa.nulls(n, pa.string()),
            }, schema=schema))


def copy_floor(folder: Path, warehouse: Path) -> None:
    """Copy every table's Parquet file into a DuckDB file, unchecked."""
    con = duckdb.connect(str(warehouse))
    for f in sorted(folder.glob("*.parquet")):
        con.execute(f"CREATE TABLE {f.stem} AS SELECT * FROM read_parquet(?)", [str(f)])
    con.close()


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "write":
        write_floor(Path(args[0]), int(args[1]))
    elif cmd == "copy":
        copy_floor(Path(args[0]), Path(args[1]))
    else:
        raise SystemExit(f"unknown baseline {cmd!r}")
