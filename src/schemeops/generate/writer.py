"""Streaming writers: one Parquet or CSV file per contract table, in contract column order."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from schemeops.schema import Table

FORMATS = ("parquet", "csv")
#: Columns whose values are (nearly) unique: dictionary encoding would only cost time.
_UNIQUE = {"invoice_id", "ref_invoice_id", "payment_id", "outlet_id", "phone", "tax_id",
           "latitude", "longitude", "name"}


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema of a contract table: its columns, in order, with their Arrow types."""
    return pa.schema([pa.field(c.name, c.dtype.arrow) for c in table.columns])


class TableSink:
    """Appends Arrow tables to `<out>/<table>.<fmt>`; counts the rows written."""

    def __init__(self, out: Path, table: Table, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
        self.schema = arrow_schema(table)
        self.path = out / f"{table.name}.{fmt}"
        self.rows = 0
        if fmt == "parquet":
            self._writer = pq.ParquetWriter(
                self.path, self.schema, compression="snappy",
                use_dictionary=[n for n in self.schema.names if n not in _UNIQUE])
        else:
            self._writer = pacsv.CSVWriter(self.path, self.schema)

    def write(self, data: pa.Table) -> None:
        """Append `data` (columns in any order, cast to the contract's types)."""
        data = data.select(self.schema.names).cast(self.schema)
        self._writer.write_table(data)
        self.rows += data.num_rows

    def close(self) -> None:
        """Finish the file."""
        self._writer.close()

    def __enter__(self) -> TableSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_labels(out: Path, labels: pa.Table, name: str = "labels.csv") -> int:
    """Write labels.csv or negatives.csv (always CSV); return its row count."""
    pacsv.write_csv(labels, out / name)
    return labels.num_rows


class ClaimSink:
    """Appends claim lines to claims.csv (always CSV: it is a distributor's upload)."""

    def __init__(self, path: Path) -> None:
        from schemeops.generate.claims import SCHEMA

        self.schema = SCHEMA
        self.rows = 0
        self._writer = pacsv.CSVWriter(path, SCHEMA)

    def write(self, data: pa.Table) -> None:
        """Append `data` (in claims.csv's schema)."""
        self._writer.write_table(data.cast(self.schema))
        self.rows += data.num_rows

    def close(self) -> None:
        """Finish the file."""
        self._writer.close()
