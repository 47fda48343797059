"""The safe expression grammar of programs: tokenize, parse to located nodes, compile to Ibis.

Never `eval`. Grammar, lowest precedence first:
    or · and · not · comparison (= == != <> < <= > >=, [not] in (…), [not] between … and …,
    is [not] null) · + - · * / · unary - · literal, column, f(column), ( … )
Keywords are case-insensitive; every node carries its character offset in the source text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import ibis
import ibis.common.exceptions as ibis_exc
import ibis.expr.datatypes as dt

from schemeops.program.expr_nodes import (
    FUNCTIONS,
    Between,
    Binary,
    Call,
    Expr,
    ExprError,
    InList,
    IsNull,
    Literal,
    Name,
    Unary,
    column_refs,
    columns_of,
    functions_of,
    walk,
)
from schemeops.program.expr_parser import parse_expr

__all__ = [
    "FUNCTIONS", "Between", "Binary", "Call", "Expr", "ExprError", "InList", "IsNull",
    "Literal", "Name", "Unary", "column_refs", "columns_of", "compile_expr", "compile_filter",
    "functions_of", "literal_value", "parse_expr", "walk",
]

# ---------------------------------------------------------------- compile to Ibis

Resolve = Callable[[str], ibis.Value]
CallFn = Callable[[str, str], ibis.Value]

#: The comparison operators of the grammar, compiled.
COMPARE: dict[str, Callable[[ibis.Value, ibis.Value], ibis.Value]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}

_BINARY: dict[str, Callable[[ibis.Value, ibis.Value], ibis.Value]] = {
    "or": lambda a, b: a | b,
    "and": lambda a, b: a & b,
    **COMPARE,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    # a zero divisor gives NULL (unknown), never ±infinity: a rule cannot pass on x / 0
    "/": lambda a, b: a / ibis.ifelse(b == 0, ibis.null(b.type()), b),
}


def literal_value(value: int | Decimal | str | bool | None) -> ibis.Value:
    """An exact Ibis literal: int64, decimal(digits, scale) (never float), string, bool, null."""
    if value is None:
        return ibis.null()
    if isinstance(value, bool):
        return ibis.literal(value, type="boolean")
    if isinstance(value, int):
        return ibis.literal(value, type="int64")
    if isinstance(value, Decimal):
        _sign, digits, exponent = value.as_tuple()
        scale = max(0, -exponent) if isinstance(exponent, int) else 0
        precision = min(38, max(len(digits), scale, 1))
        return ibis.literal(value, type=dt.Decimal(precision, scale))
    return ibis.literal(value, type="string")


def _unify(*values: ibis.Value) -> list[ibis.Value]:
    """Cast numeric operands to one exact decimal type when any is a decimal (ints included)."""
    types = [v.type() for v in values]
    if not any(t.is_decimal() for t in types) or not all(
            t.is_decimal() or t.is_integer() or t.is_null() for t in types):
        return list(values)
    shapes = [(t.precision or 38, t.scale or 0) if t.is_decimal() else (19, 0)
              for t in types if not t.is_null()]
    scale = max(s for _, s in shapes)
    whole = max(p - s for p, s in shapes)
    target = dt.Decimal(min(38, whole + scale), scale)
    return [v if t == target or t.is_null() else v.cast(target)
            for v, t in zip(values, types, strict=True)]


def _exact(op: str, a: ibis.Value, b: ibis.Value, result: ibis.Value) -> ibis.Value:
    """Give decimal `+ - *` the type the backend computes (Ibis would narrow it on output)."""
    ta, tb = a.type(), b.type()
    if op not in ("+", "-", "*") or not (ta.is_decimal() and tb.is_decimal()):
        return result
    (pa, sa), (pb, sb) = (ta.precision or 38, ta.scale or 0), (tb.precision or 38, tb.scale or 0)
    if op == "*":
        return result.cast(dt.Decimal(min(38, pa + pb), sa + sb))
    return result.cast(dt.Decimal(min(38, max(pa - sa, pb - sb) + 1 + max(sa, sb)), max(sa, sb)))


def _product_places(op: str, raw: tuple[ibis.Value, ibis.Value], product: ibis.Value
                    ) -> ibis.Value:
    """A decimal product has its factors' own places added (quantity × 2 has 3, net_amount ×
    quantity 5), not those of the unified operands (6); the places dropped are zeros."""
    types = [v.type() for v in raw]
    if op != "*" or not product.type().is_decimal():
        return product
    places = sum(t.scale or 0 for t in types if t.is_decimal())
    return product.cast(dt.Decimal(product.type().precision, places))


#: A compiler's own rendering of some nodes (None: compile the node as usual).
Override = Callable[[Expr, Callable[[Expr], ibis.Value]], ibis.Value | None]


def compile_expr(expr: Expr, resolve: Resolve, call: CallFn | None = None, *,
                 override: Override | None = None) -> ibis.Value:
    """Build the Ibis expression: columns through `resolve`, `f(x)` through `call(f, x)`;
    `override` may compile a node its own way first."""

    def go(node: Expr) -> ibis.Value:
        try:
            if override is not None and (done := override(node, go)) is not None:
                return done
            return _compile_node(node, go, resolve, call)
        except ExprError:
            raise
        except (ibis_exc.IbisError, TypeError, ValueError, AttributeError, KeyError) as e:
            at = node.op_offset if isinstance(node, Binary) else node.offset
            raise ExprError(at, "expr_type", f"cannot compile: {e}",
                            "check the column types on both sides of the operator") from e

    return go(expr)


def _compile_node(node: Expr, go: Callable[[Expr], ibis.Value], resolve: Resolve,
                  call: CallFn | None) -> ibis.Value:
    match node:
        case Literal(value=v):
            return literal_value(v)
        case Name(name=name):
            return resolve(name)
        case Call(func=func, arg=arg):
            if call is None:
                raise ExprError(node.offset, "function_not_allowed",
                                f"`{func}(…)` is not allowed here", "use column names only")
            return call(func, arg)
        case Unary(op="not", operand=o):
            return ~go(o)
        case Unary(operand=o):
            return -go(o)
        case Binary(op=op, left=left, right=right):
            if op in ("and", "or"):
                return _BINARY[op](go(left), go(right))
            raw = go(left), go(right)
            a, b = _unify(*raw)
            return _product_places(op, raw, _exact(op, a, b, _BINARY[op](a, b)))
        case InList(operand=o, items=items, negated=neg):
            value, *values = _unify(go(o), *(go(i) for i in items))
            return value.notin(values) if neg else value.isin(values)
        case Between(operand=o, low=low, high=high, negated=neg):
            value, lo, hi = _unify(go(o), go(low), go(high))
            inside = value.between(lo, hi)
            return ~inside if neg else inside
        case IsNull(operand=o, negated=neg):
            value = go(o)
            return value.notnull() if neg else value.isnull()
    raise ExprError(node.offset, "expr_syntax", f"unknown node {node!r}")


def compile_filter(text: str, table: ibis.Table) -> ibis.BooleanValue:
    """Parse `text` and compile it as a boolean filter on `table`'s columns."""
    return compile_expr(parse_expr(text), table.__getitem__)
