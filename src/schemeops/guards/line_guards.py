"""The guards read off the subject's stacked lines in one query: stacking rules, the cap on
effective discount, the margin floor and the gross margin warning."""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.exact import as_dec, dec, div_half_up, mul
from schemeops.guards.limits import Limits
from schemeops.guards.verdict import Level, Verdict, pct

#: Places of the margin figures (pocket ÷ cost, gross margin).
PLACES = 4


def _count(cond: ir.BooleanValue) -> ir.IntegerValue:
    return cond.cast("int64").sum()


def line_figures(t: ir.Table, limits: Limits, by: tuple[str, ...] = ()) -> ir.Table:
    """Counts and extremes over the stacked lines `t`: one row, or one per value of `by`."""
    pocket = mul(t.net_amount, dec(1) - t.effective)  # the line's value after every discount
    cost = mul(t.unit_cost, t.quantity)
    costed = t.unit_cost.notnull() & (t.unit_cost > 0)
    floor = mul(cost, dec(limits.margin_floor))
    # gross margin (pocket − cost) ÷ pocket below m  ⇔  pocket × (1 − m) < cost
    thin = mul(pocket, dec(1) - dec(limits.gross_margin)) < cost
    ratio = ibis.ifelse(costed, div_half_up(pocket, cost, PLACES), ibis.null("decimal(28,4)"))
    margin = ibis.ifelse(costed & (pocket > 0),
                         dec(1) - div_half_up(cost, pocket, PLACES),
                         ibis.null("decimal(28,4)"))
    return t.aggregate(
        lines=t.count(), stacked=_count(t.n >= 2), most=t.n.max(),
        exclusive=_count(t.breaks_exclusive), over_max=_count(t.breaks_max),
        top_discount=t.effective.max(),
        cap_warn=_count(t.effective >= dec(limits.discount_warn)),
        cap_block=_count(t.effective >= dec(limits.discount_block)),
        costed=_count(costed), below_floor=_count(costed & (pocket < floor)),
        thin=_count(costed & thin), low_ratio=as_dec(ratio.min(), PLACES),
        low_margin=as_dec(margin.min(), PLACES), by=list(by))


def _dec(v: object) -> Decimal | None:
    return None if v is None else Decimal(v).normalize()  # type: ignore[arg-type]


def stacking_verdict(row: dict, max_stacking: int | None) -> Verdict:
    """Block when a line joins programs that exclude each other, or stacks more programs
    than one of them allows."""
    ev = {k: int(row[k] or 0) for k in ("lines", "stacked", "exclusive", "over_max")}
    bad = ev["exclusive"] + ev["over_max"]
    most = int(row["most"] or 0)
    return Verdict("stacking", Level.BLOCK if bad else Level.OK, Decimal(most),
                   None if max_stacking is None else Decimal(max_stacking), ev,
                   f"at most {most} program(s) on one line; {ev['stacked']:,} of "
                   f"{ev['lines']:,} lines stacked, {ev['exclusive']:,} joining exclusive "
                   f"programs, {ev['over_max']:,} over a max_stacking")


def discount_verdict(row: dict, limits: Limits) -> Verdict:
    """Warn, then block, when a line's compounded discount reaches the cap."""
    top = _dec(row["top_discount"])
    ev = {"lines": int(row["lines"] or 0), "at_warn": int(row["cap_warn"] or 0),
          "at_block": int(row["cap_block"] or 0)}
    level = Level.BLOCK if ev["at_block"] else Level.WARN if ev["at_warn"] else Level.OK
    threshold = limits.discount_block if level is Level.BLOCK else limits.discount_warn
    return Verdict("discount_cap", level, top, threshold, ev,
                   f"effective discount up to {pct(top)} (warn at {pct(limits.discount_warn)}, "
                   f"block at {pct(limits.discount_block)}); {ev['at_block']:,} lines at the "
                   f"block, {ev['at_warn']:,} at the warning")


def floor_verdict(row: dict, limits: Limits) -> Verdict:
    """Block when a line's pocket price falls below unit_cost × the floor."""
    ev = {"lines": int(row["lines"] or 0), "costed": int(row["costed"] or 0),
          "below_floor": int(row["below_floor"] or 0)}
    low = _dec(row["low_ratio"])
    return Verdict("margin_floor", Level.BLOCK if ev["below_floor"] else Level.OK, low,
                   limits.margin_floor, ev,
                   f"lowest pocket price {low if low is not None else '—'} × cost (floor "
                   f"{limits.margin_floor} × cost); {ev['below_floor']:,} of {ev['costed']:,} "
                   "lines with a cost below it")


def margin_verdict(row: dict, limits: Limits) -> Verdict:
    """Warn when a line's gross margin on its pocket price is below the limit."""
    ev = {"lines": int(row["lines"] or 0), "costed": int(row["costed"] or 0),
          "thin": int(row["thin"] or 0)}
    low = _dec(row["low_margin"])
    return Verdict("gross_margin", Level.WARN if ev["thin"] else Level.OK, low,
                   limits.gross_margin, ev,
                   f"lowest gross margin {pct(low)} (warn below {pct(limits.gross_margin)}); "
                   f"{ev['thin']:,} of {ev['costed']:,} lines with a cost below it")
