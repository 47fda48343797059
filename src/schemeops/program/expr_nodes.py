"""The located syntax tree of expressions, its error type, and queries over it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from schemeops.errors import SchemeopsError

FUNCTIONS = ("actual", "target", "attainment")


class ExprError(SchemeopsError):
    """Raised when an expression is not valid: syntax, unknown function, or a type mismatch."""

    def __init__(self, offset: int, code: str, message: str, hint: str = "") -> None:
        super().__init__(f"{code} at offset {offset}: {message}")
        self.offset = offset
        self.code = code
        self.message = message
        self.hint = hint


# ---------------------------------------------------------------- nodes

@dataclass(frozen=True)
class Literal:
    """A constant: int, Decimal, str, bool or None."""

    value: int | Decimal | str | bool | None
    offset: int


@dataclass(frozen=True)
class Name:
    """A column name."""

    name: str
    offset: int


@dataclass(frozen=True)
class Call:
    """A whitelisted function applied to one identifier, e.g. `attainment(volume)`."""

    func: str
    arg: str
    offset: int
    arg_offset: int


@dataclass(frozen=True)
class Unary:
    """`not x` or `-x`."""

    op: str
    operand: Expr
    offset: int


@dataclass(frozen=True)
class Binary:
    """An arithmetic, comparison or boolean operator; `op_offset` is where the operator is."""

    op: str
    left: Expr
    right: Expr
    offset: int
    op_offset: int


@dataclass(frozen=True)
class InList:
    """`x [not] in (a, b, …)`."""

    operand: Expr
    items: tuple[Expr, ...]
    negated: bool
    offset: int


@dataclass(frozen=True)
class Between:
    """`x [not] between low and high` (inclusive)."""

    operand: Expr
    low: Expr
    high: Expr
    negated: bool
    offset: int


@dataclass(frozen=True)
class IsNull:
    """`x is [not] null`."""

    operand: Expr
    negated: bool
    offset: int


Expr = Literal | Name | Call | Unary | Binary | InList | Between | IsNull


# ---------------------------------------------------------------- queries

def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of `expr`, depth first in source order."""
    yield expr
    match expr:
        case Unary(operand=o) | IsNull(operand=o):
            yield from walk(o)
        case Binary(left=left, right=right):
            yield from walk(left)
            yield from walk(right)
        case InList(operand=o, items=items):
            yield from walk(o)
            for item in items:
                yield from walk(item)
        case Between(operand=o, low=low, high=high):
            yield from walk(o)
            yield from walk(low)
            yield from walk(high)


def column_refs(expr: Expr) -> list[tuple[str, int]]:
    """Each column reference with its offset, in source order."""
    return [(n.name, n.offset) for n in walk(expr) if isinstance(n, Name)]


def columns_of(expr: Expr) -> set[str]:
    """The column names an expression reads."""
    return {name for name, _ in column_refs(expr)}


def functions_of(expr: Expr) -> list[tuple[str, str, int]]:
    """Each function call as (function, its identifier argument, offset), in source order."""
    return [(n.func, n.arg, n.offset) for n in walk(expr) if isinstance(n, Call)]


