"""Broken formula KPIs: each is refused at its place, with a stable code and a hint."""

from .support import diagnose, only

FORMULA = """\
id: mix
name: Mix
period:
  start: 2025-04-01
  end: 2025-04-30
kpis:
  - id: sales
    kind: volume
  - id: premium
    kind: volume
    products: "segment = 'premium'"
  - id: share
    kind: formula
    expr: "premium / sales"
    places: 4
targets:
  share: {fixed: 0.25}
components:
  - id: mix_bonus
    kpi: share
    base: sales
    slabs:
      - {from: 1.0, rate: 0.01}
"""


def _expr(text: str) -> str:
    return FORMULA.replace('"premium / sales"', f'"{text}"')


def test_the_formula_program_is_clean():
    """A ratio of two volumes with a fixed target and slabs on it passes every check."""
    assert diagnose(FORMULA) == []


def test_unknown_kpi_in_a_formula_suggests_the_closest():
    """`sale` (offset 10 in the string, which opens at column 11) names no KPI."""
    d = only(_expr("premium / sale"))
    assert (d.code, d.span.line, d.span.col) == ("unknown_kpi", 14, 22)
    assert "did you mean `sales`" in d.hint


def test_a_formula_using_itself_is_refused():
    """`share * 2` inside `share`: pointed at the name."""
    d = only(_expr("share * 2"))
    assert (d.code, d.span.line, d.span.col) == ("formula_uses_itself", 14, 12)
    assert "another KPI" in d.hint


def test_a_cycle_of_formulas_is_reported_once_at_its_first_formula():
    """share reads back_share, which reads share: one error, at `back_share` in share."""
    text = _expr("premium / back_share").replace(
        "targets:", "  - {id: back_share, kind: formula, expr: \"share + 1\", places: 2}\n"
        "targets:")
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("formula_cycle", 14, 22)
    assert "`share` → `back_share` → `share`" in d.message
    assert "not formulas" in d.hint


def test_a_comparison_or_kpi_function_is_not_arithmetic():
    """`actual(…)` and `>` are refused where they are; the division around them is fine."""
    found = diagnose(_expr("actual(premium) / (sales > 1)"))
    assert [(d.code, d.span.line, d.span.col) for d in found] == [
        ("not_in_formula", 14, 12), ("not_in_formula", 14, 37)]
    assert all("+ - * /" in d.hint for d in found)


def test_a_syntax_error_in_a_formula_is_located():
    """An unclosed parenthesis is reported as for any expression."""
    d = only(_expr("premium / (sales"))
    assert (d.code, d.span.line) == ("unbalanced_paren", 14)


def test_filters_on_a_formula_are_refused():
    """A formula has no lines to filter: `products` is pointed at, the hint moves it."""
    d = only(FORMULA.replace("    places: 4\n",
                             "    places: 4\n    products: \"segment = 'premium'\"\n"))
    assert (d.code, d.span.line, d.span.col) == ("filter_not_applicable", 16, 5)
    assert "KPIs the formula uses" in d.hint


def test_rollup_on_a_formula_is_refused():
    """Roll-up belongs to the KPIs the formula reads."""
    d = only(FORMULA.replace("    places: 4\n", "    places: 4\n    rollup: subtree\n"))
    assert (d.code, d.span.line, d.span.col) == ("rollup_not_applicable", 16, 5)


def test_a_history_target_on_a_formula_is_refused():
    """A formula's own history is not computed: fixed or from_table only."""
    d = only(FORMULA.replace("  share: {fixed: 0.25}\n",
                             "  share: {history: {basis: previous_period}}\n"))
    assert (d.code, d.span.line, d.span.col) == ("formula_history_target", 17, 11)
    assert "fixed" in d.hint


def test_catch_up_on_a_formula_is_refused():
    """Summing a ratio over periods is not the ratio over them."""
    text = (FORMULA.replace("  end: 2025-04-30\n", "  end: 2025-04-07\n  recurrence: "
                            "{every_days: 7, count: 4}\n")
            .replace("    base: sales\n", "    base: sales\n    catch_up: {within: 2}\n"))
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("formula_catch_up", 23, 5)
    assert "drop `catch_up`" in d.hint


def test_places_are_required_and_at_most_6():
    """The shape check: `places` missing, then 7."""
    d = only(FORMULA.replace("    places: 4\n", ""))
    assert (d.code, d.span.line) == ("missing", 12)
    d = only(FORMULA.replace("    places: 4\n", "    places: 7\n"))
    assert (d.code, d.span.line, d.span.col) == ("less_than_equal", 15, 13)
