"""The claim lines `detect --claims` reads: claims.csv as the portal takes it and the
generator writes it, typed, as a small in-memory table (claims are thousands of lines, not
millions)."""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv

from schemeops.errors import UsageError

_TYPES = {"claim_id": pa.string(), "line_no": pa.int64(), "participant_id": pa.string(),
          "program_id": pa.string(), "invoice_id": pa.string(), "sku": pa.string(),
          "amount": pa.decimal128(18, 2), "submitted_on": pa.date32()}


def read_claims(path: Path) -> ir.Table:
    """The claim lines of `path` (columns of `_TYPES`); UsageError naming the file when a
    column is missing or a value does not parse."""
    try:
        t = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types=_TYPES, include_columns=list(_TYPES)))
    except (pa.ArrowInvalid, OSError) as e:
        raise UsageError(f"{path}: {e}; claims.csv needs {', '.join(_TYPES)}") from None
    return ibis.memtable(t)
