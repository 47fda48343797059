"""What the warehouse holds: participants by role, outlets, and sales lines and value by month."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis


@dataclass(frozen=True)
class MonthRow:
    """Secondary sales of one month."""

    month: str
    lines: int
    invoices: int
    returns_value: Decimal
    net_value: Decimal


@dataclass(frozen=True)
class Holdings:
    """Counts and values in the warehouse."""

    roles: tuple[tuple[str, int], ...]
    outlets: int
    products: int
    primary_lines: int
    payments: int
    months: tuple[MonthRow, ...]

    @property
    def lines(self) -> int:
        """Secondary lines in all months."""
        return sum(m.lines for m in self.months)

    @property
    def net_value(self) -> Decimal:
        """Secondary net value in all months."""
        return sum((m.net_value for m in self.months), Decimal("0.00"))


def holdings(ib: ibis.BaseBackend) -> Holdings:
    """Summarise the warehouse behind `ib`."""
    p = ib.table("participants")
    roles = p.group_by("role").aggregate(n=p.count()).order_by("role").to_pyarrow().to_pylist()
    s = ib.table("sales")
    month = s.invoice_date.truncate("M").cast("string").substr(0, 7)
    by_month = (
        s.group_by(month=month)
        .aggregate(lines=s.count(), invoices=s.invoice_id.nunique(),
                   returns_value=s.net_amount.sum(where=s.doc_type == "return"),
                   net_value=s.net_amount.sum())
        .order_by("month").to_pyarrow().to_pylist()
    )
    return Holdings(
        roles=tuple((r["role"], r["n"]) for r in roles),
        outlets=int(ib.table("outlets").count().execute()),
        products=int(ib.table("products").count().execute()),
        primary_lines=int(ib.table("primary_sales").count().execute()),
        payments=int(ib.table("payments").count().execute()),
        months=tuple(
            MonthRow(r["month"], r["lines"], r["invoices"],
                     r["returns_value"] or Decimal("0.00"), r["net_value"] or Decimal("0.00"))
            for r in by_month),
    )
