"""KPI conditions (component gates, multipliers, the program gate) with exact attainment.

The wide table's `att__k` is rounded to 6 places, so a condition reading it could pass or fail
wrongly: an attainment of 1.000000025 is 1.000000 once rounded, and `attainment(k) > 1` would
be false. A comparison (`= != < <= > >=`, `[not] between`) whose sides are each a number or an
`attainment(k)` is therefore compiled by cross-multiplication: `attainment(k) > 1.05` is
actual > 1.05 × target (target > 1.05 × actual when lower is better), and
`attainment(a) >= attainment(b)` is actual_a × target_b ≥ actual_b × target_a. Attainment
inside arithmetic (`attainment(a) + attainment(b) > 2`) keeps the 6-place value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.exact import dec, mul
from schemeops.program.expr import (
    COMPARE,
    Between,
    Binary,
    Call,
    Expr,
    Literal,
    Unary,
    compile_expr,
)
from schemeops.program.expr import parse_expr as parse
from schemeops.program.model import Program

_COMPARE = COMPARE


@dataclass(frozen=True)
class Ratio:
    """A side of a comparison as num ÷ den with den > 0; `known` is False where it is empty
    (an attainment without a target above 0), None for a number."""

    num: ir.NumericValue
    den: ir.NumericValue
    known: ir.BooleanValue | None = None


def _number(node: Expr) -> Decimal | None:
    """The value of a numeric literal (or its negation)."""
    match node:
        case Literal(value=bool()):
            return None
        case Literal(value=int() | Decimal() as v):
            return Decimal(v)
        case Unary(op="-", operand=inner):
            v = _number(inner)
            return None if v is None else -v
    return None


class ExactConditions:
    """Compiles a program's KPI conditions on its wide table `w`."""

    def __init__(self, program: Program, w: ir.Table) -> None:
        self.p, self.w = program, w

    def compile(self, text: str) -> ir.BooleanValue:
        """The condition `text` (NULL where a KPI function is empty)."""
        return compile_expr(parse(text), self.w.__getitem__, self._call,
                            override=self._override)

    def _call(self, name: str, kpi_id: str) -> ir.Value:
        prefix = {"actual": "a", "target": "t", "attainment": "att"}[name]
        return self.w[f"{prefix}__{kpi_id}"]

    def _ratio(self, node: Expr) -> Ratio | None:
        if isinstance(node, Call) and node.func == "attainment":
            a, t = self.w[f"a__{node.arg}"], self.w[f"t__{node.arg}"]
            rule = self.p.targets.get(node.arg)
            num, den = (t, a) if rule is not None and rule.lower_is_better else (a, t)
            flip = den < 0  # a negative actual under lower-is-better: keep den > 0
            return Ratio(ibis.ifelse(flip, -num, num), ibis.ifelse(flip, -den, den),
                         (t.notnull() & (t > 0) & (den != 0)).fill_null(False))
        v = _number(node)
        return None if v is None else Ratio(dec(v), dec(1))

    def _compare(self, op: str, left: Ratio, right: Ratio) -> ir.BooleanValue:
        cmp = _COMPARE[op](mul(left.num, right.den), mul(right.num, left.den))
        known = [r.known for r in (left, right) if r.known is not None]
        return ibis.ifelse(ibis.and_(*known), cmp, ibis.null("boolean"))

    def _override(self, node: Expr, _go: Callable[[Expr], ir.Value]) -> ir.Value | None:
        if isinstance(node, Binary) and node.op in _COMPARE:
            sides = self._ratio(node.left), self._ratio(node.right)
            if None not in sides and any(s.known is not None for s in sides):
                return self._compare(node.op, *sides)
        if isinstance(node, Between):
            x, lo, hi = (self._ratio(n) for n in (node.operand, node.low, node.high))
            if x is not None and lo is not None and hi is not None and any(
                    s.known is not None for s in (x, lo, hi)):
                inside = self._compare(">=", x, lo) & self._compare("<=", x, hi)
                return ~inside if node.negated else inside
        return None
