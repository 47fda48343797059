"""The data contract: tables, columns, types, keys and references."""

from schemeops.schema.contract import (
    CONTRACT_VERSION,
    DOC_TYPES,
    ROLES,
    SELLING_ROLES,
    TABLES,
    Column,
    Reference,
    Table,
    table,
)
from schemeops.schema.types import DType, Kind

__all__ = [
    "CONTRACT_VERSION", "DOC_TYPES", "ROLES", "SELLING_ROLES", "TABLES",
    "Column", "DType", "Kind", "Reference", "Table", "table",
]
