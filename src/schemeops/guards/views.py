"""Stacking and margin by SKU and by region: the guards' line figures (line_figures, over
the same stacked lines) grouped by the line's SKU and by its seller's region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.guards.limits import limits_for
from schemeops.guards.line_guards import line_figures
from schemeops.guards.run import stacked_lines
from schemeops.program.model import Program


@dataclass(frozen=True)
class GroupRow:
    """The stacked lines of one SKU or region (`key`; None for a seller with no region)."""

    key: str | None
    lines: int
    #: Lines fed by two programs or more.
    stacked: int
    #: The highest compounded discount on one line, 1 − Π(1 − dᵢ).
    top_discount: Decimal | None
    at_warn: int
    at_block: int
    #: The lowest pocket price ÷ (unit cost × quantity) of a costed line, 4 places.
    low_ratio: Decimal | None
    below_floor: int


@dataclass(frozen=True)
class Views:
    """The two tables, each sorted by highest discount first, and the replay shift."""

    by_sku: list[GroupRow]
    by_region: list[GroupRow]
    shift: int


def _dec(v: object) -> Decimal | None:
    return None if v is None else Decimal(v).normalize()  # type: ignore[arg-type]


def _rows(t: ir.Table, key: str) -> list[GroupRow]:
    # highest discount first; the key breaks ties so the order is stable
    t = t.order_by([t.top_discount.desc(nulls_first=False), t[key].asc(nulls_first=False)])
    return [GroupRow(r[key], int(r["lines"]), int(r["stacked"]), _dec(r["top_discount"]),
                     int(r["cap_warn"]), int(r["cap_block"]), _dec(r["low_ratio"]),
                     int(r["below_floor"]))
            for r in t.to_pyarrow().to_pylist()]


def views(subject: Program, others: list[Program], data: Data, *,
          as_of: dt.date | None = None) -> Views:
    """`subject` stacked with `others`, by SKU and by region (empty when it pays on no
    sale line)."""
    stacked, shift = stacked_lines(subject, others, data, as_of=as_of)
    if stacked is None:
        return Views([], [], shift)
    limits = limits_for(subject)
    t = stacked.lines
    p = data.participants.select(r_id=data.participants.participant_id,
                                 region=data.participants.region)
    t = t.left_join(p, t.distributor_id == p.r_id).drop("r_id")
    return Views(_rows(line_figures(t, limits, ("sku",)), "sku"),
                 _rows(line_figures(t, limits, ("region",)), "region"), shift)
