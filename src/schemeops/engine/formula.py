"""Formula KPIs as Ibis expressions over the other KPIs' actuals, exact until one rounding.

A formula is evaluated as a fraction num ÷ den of exact decimals (den absent while nothing
divides), so `a / b + c / d` is (a·d + c·b) ÷ (b·d) and is rounded half-up to `places` once,
from the exact value. A divisor equal to 0 makes the fraction NULL: the actual is empty.

Bounds (decimal(28, s) throughout): a product may need at most MAX_SCALE (12) decimal places,
or the compilation fails naming the formula; numerator and denominator must stay below 10^15
in magnitude (after the denominator's decimals are cleared) for the final exact division.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.exact import MAX_SCALE, as_dec, dec, div_half_up, round_half_up, scale_of
from schemeops.engine.kpis import KpiError
from schemeops.program.expr import Binary, Expr, Literal, Name, Unary, parse_expr
from schemeops.program.formula import formulas_in_order
from schemeops.program.model import Component, Formula, Program

#: What a component's note says when a formula KPI it reads is empty.
NOTE_DIVIDED_BY_ZERO = "formula {kpi} divided by zero: pays 0"


@dataclass(frozen=True)
class _Fraction:
    """num ÷ den; den None means 1."""

    num: ir.DecimalValue
    den: ir.DecimalValue | None = None


class _Compiler:
    """Compiles one formula's expression to a fraction over the actuals."""

    def __init__(self, kpi: Formula, actuals: dict[str, ir.DecimalValue]) -> None:
        self.kpi, self.actuals = kpi, actuals

    def _mul(self, x: ir.DecimalValue, y: ir.DecimalValue | None) -> ir.DecimalValue:
        """The exact product (y None: x itself); refused past MAX_SCALE places."""
        if y is None:
            return x
        places = scale_of(x) + scale_of(y)
        if places > MAX_SCALE:
            raise KpiError(f"formula `{self.kpi.id}` needs {places} decimal places in a "
                           f"product (at most {MAX_SCALE}): split it into formulas with fewer "
                           "places")
        return as_dec(as_dec(x) * as_dec(y), places)

    def _dens(self, a: ir.DecimalValue | None, b: ir.DecimalValue | None
              ) -> ir.DecimalValue | None:
        return b if a is None else self._mul(a, b)

    def go(self, node: Expr) -> _Fraction:
        """The fraction of `node` (the checked grammar: numbers, ids, -, + - * /)."""
        match node:
            case Literal(value=v):
                return _Fraction(dec(Decimal(v)))
            case Name(name=name):
                return _Fraction(self.actuals[name])
            case Unary(operand=o):
                f = self.go(o)
                return _Fraction(as_dec(-f.num, scale_of(f.num)), f.den)
            case Binary(op=op, left=left, right=right):
                return self._binary(op, self.go(left), self.go(right))
        raise KpiError(f"formula `{self.kpi.id}`: {node!r} is not arithmetic over KPIs")

    def _binary(self, op: str, a: _Fraction, b: _Fraction) -> _Fraction:
        if op == "*":
            return _Fraction(self._mul(a.num, b.num), self._dens(a.den, b.den))
        if op == "/":  # a zero divisor becomes NULL, and NULL stays NULL to the end
            divisor = b.num
            divisor = ibis.ifelse(divisor == 0, ibis.null(divisor.type()), divisor)
            return _Fraction(self._mul(a.num, b.den), self._dens(a.den, divisor))
        x, y = self._mul(a.num, b.den), self._mul(b.num, a.den)
        s = max(scale_of(x), scale_of(y))
        total = as_dec(x, s) + as_dec(y, s) if op == "+" else as_dec(x, s) - as_dec(y, s)
        return _Fraction(as_dec(total, s), self._dens(a.den, b.den))

    def compile(self) -> ir.DecimalValue:
        """The formula's actual, rounded half-up to its places once; NULL on a zero divisor."""
        f = self.go(parse_expr(self.kpi.expr))
        places = self.kpi.places
        if f.den is None:
            return round_half_up(f.num, places)
        # num ÷ den = (num·10^s) ÷ (den·10^s): a whole denominator keeps the exact division
        # within MAX_SCALE places whatever the places of the inputs.
        s = scale_of(f.den)
        den = as_dec(self._mul(f.den, dec(10**s)), 0)
        num = as_dec(self._mul(f.num, dec(10**s)), max(scale_of(f.num) - s, 0))
        return div_half_up(num, den, places)


def formula_actuals(program: Program, actuals: dict[str, ir.DecimalValue]
                    ) -> dict[str, ir.DecimalValue]:
    """`actuals` with every formula KPI's actual added, each after the formulas it reads."""
    out = dict(actuals)
    for kpi in formulas_in_order(program):
        out[kpi.id] = as_dec(_Compiler(kpi, out).compile(), kpi.places)
    return out


def empty_formula(program: Program, c: Component, w: ir.Table
                  ) -> tuple[ir.BooleanValue, ir.StringValue] | None:
    """Whether a formula KPI the component reads (kpi, base, scorecard, cap) is empty, and
    the note naming it; None when the component reads no formula."""
    formulas = {k.id for k in program.kpis if isinstance(k, Formula)}
    read = [c.kpi, c.base, *(i.kpi for i in c.scorecard), c.cap.of if c.cap else None]
    ids = [k for k in dict.fromkeys(read) if k in formulas]
    if not ids:
        return None
    cases = [(w[f"a__{k}"].isnull(), ibis.literal(NOTE_DIVIDED_BY_ZERO.format(kpi=k)))
             for k in ids]
    return ibis.or_(*[cond for cond, _ in cases]), ibis.cases(*cases,
                                                               else_=ibis.null("string"))
