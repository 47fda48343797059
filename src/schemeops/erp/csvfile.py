"""CSV as every ERP export writes it: UTF-8, a header row, money with 2 places, every text
cell safe from formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from schemeops.cells import safe_cell


def to_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> bytes:
    """The rows as CSV bytes in `columns` order."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n")
    w.writeheader()
    w.writerows({k: f"{v:.2f}" if isinstance(v, Decimal) else safe_cell(v)
                 for k, v in row.items()} for row in rows)
    return buf.getvalue().encode("utf-8")
