"""The subject program's lines with every program that feeds them: how many stack, their
compounded discount 1 − Π(1 − dᵢ), and which stacking rules they break."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from schemeops.engine.data import Data
from schemeops.engine.exact import MAX_SCALE, as_dec, dec, mul
from schemeops.engine.periods import program_windows
from schemeops.guards.feeds import KEY, feeds
from schemeops.program.model import Program

LINE_COLUMNS = ("invoice_id", "line_no", "invoice_date", "distributor_id", "outlet_id", "sku",
                "quantity", "net_amount")


@dataclass(frozen=True)
class Stack:
    """The subject's lines (`lines`: f0…fK fed, d0…dK discounts, n, effective, breaks_exclusive,
    breaks_max, unit_cost) and the programs behind each index (0 is the subject)."""

    lines: ir.Table
    programs: tuple[Program, ...]


def sale_lines(sales: ir.Table, *, shift_days: int = 0) -> ir.Table:
    """Invoice lines with a positive quantity (returns are no price), dates moved forward
    by `shift_days` when history is replayed onto a program's dates."""
    t = sales.filter((sales.doc_type == "invoice") & (sales.quantity > 0))
    if shift_days:
        t = t.mutate(invoice_date=t.invoice_date + ibis.interval(days=shift_days))
    return t.select(*LINE_COLUMNS)


def exclusive_pairs(programs: tuple[Program, ...]) -> list[tuple[int, int]]:
    """Index pairs (0, j): the subject and a program it excludes or that excludes it."""
    subject = programs[0]
    return [(0, j) for j, p in enumerate(programs[1:], 1)
            if p.id in (subject.exclusive_with or ()) or subject.id in (p.exclusive_with or ())]


def stack(subject: Program, others: list[Program], lines: ir.Table, data: Data, *,
          as_of: dt.date | None = None) -> Stack | None:
    """The stacked lines of `subject` (None when it pays on no sale line)."""
    programs = (subject, *others)
    fed = [feeds(p, program_windows(p.period, as_of), lines, data) for p in programs]
    if fed[0] is None:
        return None
    t = lines.semi_join(fed[0], [lines[k] == fed[0][k] for k in KEY])
    for i, f in enumerate(fed):  # one join per program given (a handful), not per row
        if f is None:
            t = t.mutate(**{f"f{i}": ibis.literal(False), f"d{i}": dec(0, MAX_SCALE)})
            continue
        f = f.rename(**{f"k{i}_{k}": k for k in KEY}, **{f"s{i}": "share"})
        t = t.left_join(f, [t[k] == f[f"k{i}_{k}"] for k in KEY])
        t = t.mutate(**{f"f{i}": t[f"k{i}_invoice_id"].notnull(),
                        f"d{i}": as_dec(t[f"s{i}"].fill_null(dec(0, MAX_SCALE)), MAX_SCALE)}
                     ).drop(f"k{i}_invoice_id", f"k{i}_line_no", f"s{i}")
    n = sum((t[f"f{i}"].cast("int64") for i in range(len(programs))), ibis.literal(0))
    keep = dec(1)
    for i in range(len(programs)):
        keep = as_dec(mul(keep, dec(1) - t[f"d{i}"]), MAX_SCALE)
    exclusive = ibis.literal(False)
    for i, j in exclusive_pairs(programs):
        exclusive |= t[f"f{i}"] & t[f"f{j}"]
    over = ibis.literal(False)
    for i, p in enumerate(programs):
        if p.max_stacking is not None:
            over |= t[f"f{i}"] & (n > p.max_stacking)
    t = t.mutate(n=n.cast("int64"), effective=as_dec(dec(1) - keep, MAX_SCALE),
                 breaks_exclusive=exclusive, breaks_max=over)
    costs = data.products.select(c_sku=data.products.sku, unit_cost=data.products.unit_cost)
    t = t.left_join(costs, t.sku == costs.c_sku).drop("c_sku")
    return Stack(t, programs)
