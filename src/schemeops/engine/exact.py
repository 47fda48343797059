"""Exact decimal arithmetic on Ibis values: products, quotients and rounding without floats.

Two traps this module exists for. Ibis types decimal × decimal with the wider operand's scale
(0.05 × 0.05 comes back as 0.00), so every product goes through `mul`, which casts to the
true scale. DuckDB divides decimals in DOUBLE, so quotients go through `div_half_up` /
`div_floor`: the double division proposes a candidate, exact multiplication confirms it or
moves it by one unit.
"""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir

MAX_SCALE = 12
#: Precision of every engine decimal. 28 digits leave Spark room to widen two decimals of
#: different scales without dropping the scale (at precision 38 it compares 499.80 ≥ 500 as
#: true, both rounded to whole numbers).
PRECISION = 28


def scale_of(value: ir.NumericValue) -> int:
    """The decimal scale of a numeric value (0 for integers)."""
    t = value.type()
    return t.scale if t.is_decimal() else 0


def as_dec(value: ir.NumericValue, scale: int | None = None) -> ir.DecimalValue:
    """`value` as decimal(PRECISION, scale) (its own scale by default).

    The CAST is always written, even where Ibis thinks the type already fits: Spark types
    decimal × decimal and SUM at precision 38, which it would then compare at scale 0."""
    s = scale_of(value) if scale is None else scale
    to = dt.Decimal(PRECISION, s)
    op = value.op()
    if isinstance(op, ops.Cast | ops.Literal) and op.dtype == to:
        return value  # already written as a CAST to `to` (a decimal literal is one too)
    return ops.Cast(value, to=to).to_expr()


def int64(value: int) -> ir.IntegerValue:
    """An int64 literal written as a CAST: Spark reads a bare literal as a 32-bit int, which
    a table it caches then carries, and a union with an int64 column fails."""
    return ops.Cast(ibis.literal(value), to=dt.int64).to_expr()


def dec(value: Decimal | int | str, scale: int | None = None) -> ir.DecimalValue:
    """An exact decimal literal (scale from the value unless given)."""
    d = Decimal(str(value))
    if scale is None:
        exp = d.as_tuple().exponent
        scale = -exp if isinstance(exp, int) and exp < 0 else 0
    return ibis.literal(d, type=f"decimal(28,{scale})")


def mul(*values: ir.NumericValue) -> ir.DecimalValue:
    """The exact product (scale = the sum of the scales, at most MAX_SCALE)."""
    out = as_dec(values[0])
    for v in values[1:]:
        s = min(scale_of(out) + scale_of(v), MAX_SCALE)
        out = as_dec(out * as_dec(v), s)
    return out


def _nonzero(d: ir.DecimalValue) -> ir.FloatingValue:
    """The divisor as a double, 1 where it is 0 (the caller returns NULL there)."""
    return ibis.ifelse(d == 0, 1.0, d.cast("float64"))


def _cmp(value: ir.NumericValue) -> ir.DecimalValue:
    return value.pipe(as_dec, MAX_SCALE)


def div_half_up(num: ir.NumericValue, den: ir.NumericValue, places: int) -> ir.DecimalValue:
    """num / den rounded half away from zero to `places`, exactly; NULL when den is 0.

    With den > 0 and num ≥ 0, c is the answer iff (c − h)·den ≤ num < (c + h)·den,
    h being half a unit in the last place; signs are handled by symmetry.
    """
    unit = Decimal(1).scaleb(-places)
    negative = (num < 0) != (den < 0)
    n, d = as_dec(num.abs()), as_dec(den.abs())
    guess = (n.cast("float64") / _nonzero(d)).round(places).pipe(as_dec, places)
    half = dec(unit / 2)
    c = guess + _nudge(_cmp(mul(guess - half, d)) > _cmp(n),
                       _cmp(mul(guess + half, d)) <= _cmp(n), places)
    result = mul(c, ibis.ifelse(negative, dec(-1), dec(1))).pipe(as_dec, places)
    return ibis.ifelse(d == 0, ibis.null(f"decimal(28,{places})"), result)


def _nudge(down: ir.BooleanValue, up: ir.BooleanValue, places: int) -> ir.DecimalValue:
    """−1 unit in the last place where `down`, else +1 where `up`, else 0: the correction of
    a guess, added to it so that the guess appears once in the SQL rather than thrice."""
    unit = Decimal(1).scaleb(-places)
    return ibis.cases((down, dec(-unit)), (up, dec(unit)), else_=dec(0, places))


def div_floor(num: ir.NumericValue, den: ir.NumericValue, places: int) -> ir.DecimalValue:
    """floor(num / den) to `places`, exactly, for num ≥ 0 and den > 0."""
    step = dec(Decimal(1).scaleb(-places))
    n, d = as_dec(num), as_dec(den)
    q = n.cast("float64") / _nonzero(d)
    guess = floor_to(q.pipe(as_dec, places + 2), places)
    c = (guess + _nudge(_cmp(mul(guess, d)) > _cmp(n), _cmp(mul(guess + step, d)) <= _cmp(n),
                        places)).pipe(as_dec, places)
    return ibis.ifelse(d == 0, ibis.null(f"decimal(28,{places})"), c)


def div_ceil(num: ir.NumericValue, den: ir.NumericValue, places: int) -> ir.DecimalValue:
    """ceil(num / den) to `places`, exactly, for num ≥ 0 and den > 0."""
    c = div_floor(num, den, places)
    short = _cmp(mul(c, as_dec(den))) < _cmp(as_dec(num))
    return (c + ibis.ifelse(short, dec(Decimal(1).scaleb(-places)), dec(0, places))
            ).pipe(as_dec, places)


def round_half_up(value: ir.NumericValue, places: int) -> ir.DecimalValue:
    """A decimal rounded half away from zero to `places` (DuckDB's ROUND on decimals)."""
    return as_dec(value).round(places).pipe(as_dec, places)


def floor_to(value: ir.NumericValue, places: int) -> ir.DecimalValue:
    """A decimal rounded down (towards −∞) to `places`."""
    scaled = mul(value, dec(10**places)).floor().pipe(as_dec, 0)
    return mul(scaled, dec(Decimal(1).scaleb(-places))).pipe(as_dec, places)


def ceil_to(value: ir.NumericValue, places: int) -> ir.DecimalValue:
    """A decimal rounded up (towards +∞) to `places`."""
    return (-floor_to(-as_dec(value), places)).pipe(as_dec, places)


def pick(*pairs: tuple[ir.BooleanValue, ir.NumericValue], else_: ir.NumericValue
         ) -> ir.DecimalValue:
    """CASE over decimal branches, all cast to the widest scale first (Ibis would otherwise
    give every branch the first branch's scale: 1.5 would come back as 2)."""
    values = [v for _c, v in pairs] + [else_]
    s = max(scale_of(v) for v in values)
    return ibis.cases(*[(c, as_dec(v, s)) for c, v in pairs], else_=as_dec(else_, s))


def either(cond: ir.BooleanValue, yes: ir.NumericValue, no: ir.NumericValue
           ) -> ir.DecimalValue:
    """IF over two decimals at the wider scale (see `pick`)."""
    return pick((cond, yes), else_=no)


def smallest(*values: ir.NumericValue) -> ir.DecimalValue:
    """LEAST at the widest scale (DuckDB would narrow it to the smallest scale)."""
    out = values[0]
    for v in values[1:]:
        out = either(out <= v, out, v)
    return out


def largest(*values: ir.NumericValue) -> ir.DecimalValue:
    """GREATEST at the widest scale (see `smallest`)."""
    out = values[0]
    for v in values[1:]:
        out = either(out >= v, out, v)
    return out
