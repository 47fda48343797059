"""Issue 15's program limits: expressions (length, operators, brackets), numbers, dates,
day and month counts, and the number of KPIs and components are refused with a located
diagnostic in well under a second; `not not x` and `- -x` fold away."""

import time

import pytest

from schemeops.program.check import check_program
from schemeops.program.expr_nodes import Name, Unary
from schemeops.program.expr_parser import MAX_CHARS, MAX_OPERATORS, MAX_PARENS, parse_expr
from schemeops.program.parse import parse_located

BASE = """id: t
name: T
period: {start: 2026-10-01, end: 2026-10-31}
kpis:
  - {id: sales, kind: volume, products: "PRODUCTS"}
components:
  - id: c
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: RATE}
"""
#: The column of an expression's first character on BASE's line 5.
AT = BASE.splitlines()[4].index('"') + 2


# CPU time, not wall time: the bound is on the reader's work, and the suite runs beside
# other jobs on a shared machine.
def diagnostics(text: str) -> tuple[list, float]:
    start = time.process_time()
    program, spans, found = parse_located(text, "p.yaml")
    if program is not None and not found:
        found = check_program(program, spans)
    return found, time.process_time() - start


def codes(products: str = "sku = 'A1'", rate: str = "0.01") -> list[tuple[int, int, str]]:
    found, took = diagnostics(BASE.replace("PRODUCTS", products).replace("RATE", rate))
    assert took < 1.0
    return [(d.span.line, d.span.col, d.code) for d in found if d.is_error]


def test_five_hundred_ors_are_refused_at_the_operator_past_the_limit():
    """Before: 500 `or` terms ended `check` in a RecursionError traceback."""
    text = " or ".join(f"sku = 'S{i}'" for i in range(500))
    crossing = sum(len(f"sku = 'S{i}' or ") for i in range(MAX_OPERATORS // 2)) + 4
    assert codes(text) == [(5, AT + crossing, "expr_too_complex")]


def test_five_thousand_nots_are_refused():
    """Before: 5,000 nested `not` ended `check` in a RecursionError traceback."""
    assert [c for *_, c in codes("not " * 5000 + "sku = 'A1'")] == ["expr_too_long"]
    assert [c for *_, c in codes("not " * 300 + "sku = 'A1'")] == ["expr_too_complex"]


def test_brackets_nested_too_deep_are_refused():
    deep = "(" * (MAX_PARENS + 1) + "sku = 'A1'" + ")" * (MAX_PARENS + 1)
    assert codes(deep) == [(5, AT + MAX_PARENS, "expr_too_deep")]
    ok = "(" * MAX_PARENS + "sku = 'A1'" + ")" * MAX_PARENS
    assert codes(ok) == []


def test_an_expression_too_long_is_refused():
    long = "sku in (" + ", ".join(f"'S{i:05d}'" for i in range(3000)) + ")"
    assert len(long) > MAX_CHARS
    assert [c for *_, c in codes(long)] == ["expr_too_long"]


def test_double_negations_fold():
    node = parse_expr("not not not segment = 'x'")
    assert isinstance(node, Unary) and node.op == "not" and not isinstance(node.operand, Unary)
    node = parse_expr("- - - price")
    assert isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Name)


@pytest.mark.parametrize(("rate", "code"), [
    ("1e-30", "number_out_of_range"),                 # calc crashed: scale 30 > precision 28
    ("99999999999999999999", "number_out_of_range"),  # calc crashed: DECIMAL(28, 0) overflow
    ("0.00000000001", "number_out_of_range"),
    ("1000000000000000", "number_out_of_range"),
])
def test_numbers_out_of_range_are_refused_where_written(rate, code):
    # a rate also has its own bound (≤ 100), reported at the same place
    assert (11, 25, code) in codes(rate=rate)


@pytest.mark.parametrize("rate", ["0.0000000001", "100"])
def test_numbers_at_the_limits_are_accepted(rate):
    assert codes(rate=rate) == []


def test_a_rate_over_100_is_refused():
    """A rate of 101 (10,100 %) is a typo, and its products would leave the exact range."""
    assert codes(rate="101") == [(11, 25, "less_than_equal")]


def test_a_number_out_of_range_in_an_expression_is_refused():
    at = AT + len("unit_price > ")
    assert codes("unit_price > 99999999999999999999") == [(5, at, "number_out_of_range")]


@pytest.mark.parametrize(("period", "where"), [
    ("{start: 9999-10-01, end: 9999-10-31}", (3, 17, "date_out_of_range")),
    ("{start: 2026-10-01, end: 2026-10-31, recurrence: {every_months: 99999, count: 5}}",
     (3, 73, "less_than_equal")),
])
def test_periods_reaching_past_the_calendar_are_refused(period, where):
    """Before: a period reaching year 10000 passed `check` and crashed `calc`."""
    text = BASE.replace("PRODUCTS", "sku = 'A1'").replace("RATE", "0.01").replace(
        "{start: 2026-10-01, end: 2026-10-31}", period)
    found, took = diagnostics(text)
    assert took < 1.0
    assert where[2] in {d.code for d in found}, [d.render() for d in found]


def test_more_than_fifty_components_are_refused():
    comps = "".join(f"  - id: c{i}\n    kpi: sales\n    on: actual\n    slabs:\n"
                    "      - {from: 0, rate: 0.01}\n" for i in range(51))
    text = BASE.split("components:")[0].replace("PRODUCTS", "sku = 'A1'") + \
        "components:\n" + comps
    found, _ = diagnostics(text)
    assert [(d.span.line, d.code) for d in found] == [(7, "too_long")]
