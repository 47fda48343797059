"""Column types of the data contract and their engine and file representations."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa


class Kind(StrEnum):
    """The closed set of column kinds the contract uses."""

    STRING = "string"
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DOUBLE = "double"


@dataclass(frozen=True)
class DType:
    """A column type: a kind, and for decimals a precision and scale."""

    kind: Kind
    precision: int = 0
    scale: int = 0

    @property
    def sql(self) -> str:
        """The DuckDB type name (e.g. for read_csv's `columns`)."""
        if self.kind is Kind.DECIMAL:
            return f"DECIMAL({self.precision},{self.scale})"
        return {Kind.STRING: "VARCHAR", Kind.DATE: "DATE", Kind.INTEGER: "BIGINT",
                Kind.DOUBLE: "DOUBLE"}[self.kind]

    @property
    def arrow(self) -> pa.DataType:
        """The Arrow type used in Parquet files."""
        if self.kind is Kind.DECIMAL:
            return pa.decimal128(self.precision, self.scale)
        return {
            Kind.STRING: pa.string(),
            Kind.DATE: pa.date32(),
            Kind.INTEGER: pa.int64(),
            Kind.DOUBLE: pa.float64(),
        }[self.kind]

    @property
    def ibis(self) -> str:
        """The Ibis type name."""
        return {
            Kind.STRING: "string",
            Kind.DATE: "date",
            Kind.INTEGER: "int64",
            Kind.DOUBLE: "float64",
            Kind.DECIMAL: f"decimal({self.precision},{self.scale})",
        }[self.kind]

    def __str__(self) -> str:
        if self.kind is Kind.DECIMAL:
            return f"decimal({self.precision},{self.scale})"
        return self.kind.value


STRING = DType(Kind.STRING)
DATE = DType(Kind.DATE)
INTEGER = DType(Kind.INTEGER)
DOUBLE = DType(Kind.DOUBLE)
MONEY = DType(Kind.DECIMAL, 18, 2)
QUANTITY = DType(Kind.DECIMAL, 18, 3)
