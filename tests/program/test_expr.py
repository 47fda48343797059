"""The expression grammar: every construct compiled and run on DuckDB, precedence, errors."""

import contextlib
import datetime as dt
from decimal import Decimal

import ibis
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemeops.program.expr import (
    Binary,
    ExprError,
    Literal,
    columns_of,
    compile_expr,
    compile_filter,
    functions_of,
    parse_expr,
)

ROWS = pa.table({
    "id": ["r1", "r2", "r3", "r4"],
    "a": pa.array([1, 2, 3, None], pa.int64()),
    "s": ["x", "y", "it's", None],
    "d": pa.array([dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1), None]),
    "m": pa.array([Decimal("1.10"), Decimal("2.20"), Decimal("3.30"), None],
                  pa.decimal128(18, 2)),
    "p": [True, True, False, False],
    "q": [True, False, True, False],
    "r": [False, True, True, False],
})


@pytest.fixture(scope="module")
def con():
    return ibis.duckdb.connect()


@pytest.fixture(scope="module")
def t():
    return ibis.memtable(ROWS)


def matching(con, t, text: str) -> list[str]:
    return sorted(con.execute(t.filter(compile_filter(text, t)))["id"].tolist())


@pytest.mark.parametrize(("text", "expected"), [
    ("a = 1", ["r1"]),
    ("a == 2", ["r2"]),
    ("a != 1", ["r2", "r3"]),
    ("a <> 1", ["r2", "r3"]),
    ("a < 2", ["r1"]),
    ("a <= 2", ["r1", "r2"]),
    ("a > 2", ["r3"]),
    ("a >= 2", ["r2", "r3"]),
    ("a in (1, 3)", ["r1", "r3"]),
    ("a not in (1, 3)", ["r2"]),
    ("s in ('x', 'it''s')", ["r1", "r3"]),
    ("a between 2 and 3", ["r2", "r3"]),
    ("a not between 2 and 3", ["r1"]),
    ("s is null", ["r4"]),
    ("s is not null", ["r1", "r2", "r3"]),
    ("not p", ["r3", "r4"]),
    ("-a < -1", ["r2", "r3"]),
    ("a + 1 = 3", ["r2"]),
    ("a - 1 = 0", ["r1"]),
    ("a * 2 = 6", ["r3"]),
    ("a / 2 > 1", ["r3"]),
    ("(a + 1) * 2 = 6", ["r2"]),
    ("m * 0.5 > 1.5", ["r3"]),
    ("m + 1.05 = 2.15", ["r1"]),
    ("m between 1.1 and 2.2", ["r1", "r2"]),
    ("m in (1.10, 3.3)", ["r1", "r3"]),
    ("d >= '2025-02-01'", ["r2", "r3"]),
    ("p and q", ["r1"]),
    ("p or q", ["r1", "r2", "r3"]),
    ("p = true", ["r1", "r2"]),
    ("q = false", ["r2", "r4"]),
    ("p AND q OR NOT r", ["r1", "r4"]),
    ("s Is Not Null And a Between 1 AND 2", ["r1", "r2"]),
])
def test_each_construct_runs_on_duckdb(con, t, text, expected):
    """Each construct compiles to Ibis and selects the expected rows."""
    assert matching(con, t, text) == expected


def test_and_binds_tighter_than_or(con, t):
    """`p or q and r` is `p or (q and r)`, not `(p or q) and r`."""
    assert matching(con, t, "p or q and r") == matching(con, t, "p or (q and r)") \
        == ["r1", "r2", "r3"]
    assert matching(con, t, "(p or q) and r") == ["r2", "r3"]


def test_not_binds_looser_than_comparison_tighter_than_and(con, t):
    """`not a = 1 and p` is `(not (a = 1)) and p`."""
    assert matching(con, t, "not a = 1 and p") == ["r2"]


def test_multiplication_binds_tighter_than_addition():
    """`1 + 2 * 3` parses as `1 + (2 * 3)`."""
    node = parse_expr("1 + 2 * 3")
    assert isinstance(node, Binary) and node.op == "+"
    assert isinstance(node.right, Binary) and node.right.op == "*"


def test_decimal_literals_are_exact_decimals_not_floats(con, t):
    """`0.07` is Decimal('0.07'), compiled as a decimal; products stay exact."""
    node = parse_expr("0.07")
    assert node == Literal(Decimal("0.07"), 0)
    value = compile_expr(node, t.__getitem__)
    assert value.type().is_decimal() and value.type().scale == 2
    product = compile_expr(parse_expr("m * 0.07"), t.__getitem__)
    assert product.type().is_decimal()
    got = con.execute(t.select(x=product))["x"].tolist()
    assert got[:3] == [Decimal("0.0770"), Decimal("0.1540"), Decimal("0.2310")]


def test_negative_literal_is_folded():
    """`-0.5` is one literal, not a negation of one."""
    assert parse_expr("-0.5") == Literal(Decimal("-0.5"), 0)


def test_functions_compile_through_call(con, t):
    """`f(x)` compiles through `call(f, x)`; identifiers through `resolve`."""
    seen = []

    def call(func, arg):
        seen.append((func, arg))
        return ibis.literal(Decimal("1.20"), type="decimal(18,2)")

    expr = parse_expr("attainment(sales) >= 1.1 and actual(qty) > 0")
    value = compile_expr(expr, t.__getitem__, call)
    assert seen == [("attainment", "sales"), ("actual", "qty")]
    assert con.execute(value) is True


def test_columns_and_functions_are_listed_with_offsets():
    """columns_of names each column; functions_of gives (function, argument, offset)."""
    expr = parse_expr("region = 'north' and tier in ('gold', x) or attainment(sales) > 1")
    assert columns_of(expr) == {"region", "tier", "x"}
    assert functions_of(expr) == [("attainment", "sales", 44)]


def test_a_function_without_call_is_refused():
    """Without a `call`, a function call cannot compile."""
    with pytest.raises(ExprError) as e:
        compile_expr(parse_expr("a = 1 or actual(k) > 0"), lambda n: ibis.literal(1))
    assert e.value.code == "function_not_allowed" and e.value.offset == 9


def test_type_mismatch_is_an_expr_error_at_the_operator(t):
    """Comparing text with a number fails loudly, located at the operator."""
    with pytest.raises(ExprError) as e:
        compile_filter("s > 5", t)
    assert e.value.code == "expr_type" and e.value.offset == 2


@pytest.mark.parametrize(("text", "offset", "code"), [
    ("(a = 1", 0, "unbalanced_paren"),
    ("a in (1, 2", 5, "unbalanced_paren"),
    ("a = 1)", 5, "expr_syntax"),
    ("a = ", 4, "expr_syntax"),
    ("", 0, "expr_syntax"),
    ("a = 'open", 4, "expr_syntax"),
    ('s = "x"', 4, "expr_syntax"),
    ("a ; b", 2, "expr_syntax"),
    ("a < b < c", 6, "expr_syntax"),
    ("a between 1", 11, "expr_syntax"),
    ("a is 1", 5, "expr_syntax"),
    ("a in 1", 5, "expr_syntax"),
    ("a b", 2, "expr_syntax"),
    ("attainmnt(sales) > 1", 0, "unknown_function"),
    ("actual(1) > 0", 7, "expr_syntax"),
])
def test_syntax_errors_carry_offset_code_and_hint(text, offset, code):
    """Each syntax error says where (character offset), what, and how to fix it."""
    with pytest.raises(ExprError) as e:
        parse_expr(text)
    assert (e.value.offset, e.value.code) == (offset, code)
    assert e.value.hint


def test_unknown_function_suggests_the_closest():
    """A misspelt function gets a did-you-mean hint."""
    with pytest.raises(ExprError) as e:
        parse_expr("attainmnt(sales) > 1")
    assert "attainment" in e.value.hint


@given(st.text(alphabet="ab01.'()=<>!-+*/ ,andortnulisbewx", max_size=30))
def test_parser_never_fails_any_other_way(text):
    """Any text parses or raises ExprError; nothing else escapes."""
    with contextlib.suppress(ExprError):
        parse_expr(text)
