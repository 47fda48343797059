"""Semantic checks: names resolve, targets exist, expressions read only what they may."""

from schemeops.program.check import CHECKS, load_and_check

from .support import GOOD, diagnose, only, scorecard

COMPONENT = "  - id: volume_bonus\n    kpi: sales\n"


def test_the_good_program_passes_every_check():
    """The reference program is clean."""
    assert diagnose(GOOD) == []
    assert len(CHECKS) >= 7


def test_component_naming_a_missing_kpi_suggests_the_closest():
    """`kpi: sale` names no KPI; did you mean `sales`?"""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sale\n"))
    assert (d.code, d.span.line, d.span.col) == ("unknown_kpi", 17, 10)
    assert "did you mean `sales`?" in d.hint


def test_duplicate_kpi_ids_are_reported_at_the_second():
    """Two KPIs called `sales`: the second is reported, naming the first's line."""
    text = GOOD.replace("targets:", "  - id: sales\n    kind: billed_outlets\ntargets:")
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("duplicate_kpi", 13, 9)
    assert "line 10" in d.hint


def test_duplicate_component_ids_are_reported_at_the_second():
    """Two components called `volume_bonus`."""
    text = GOOD + "  - id: volume_bonus\n    kpi: sales\n    fixed: 100\n"
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("duplicate_component", 21, 9)
    assert "line 16" in d.hint


def test_attainment_without_target_is_refused():
    """Paying on attainment (the default) needs a target for the KPI."""
    d = only(GOOD.replace("targets:\n  sales: {fixed: 100000}\n", ""))
    assert (d.code, d.span.line, d.span.col) == ("missing_target", 15, 10)
    assert "on: actual" in d.hint


def test_target_for_an_unknown_kpi_is_refused():
    """A `targets` key must name a KPI; the misspelt one is pointed at."""
    text = GOOD.replace("  sales: {fixed: 100000}\n",
                        "  sales: {fixed: 100000}\n  sale: {fixed: 5}\n")
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("unknown_target_kpi", 15, 3)
    assert "did you mean `sales`?" in d.hint


def test_scorecard_item_needs_a_target():
    """A scorecard weighs attainment, so each of its KPIs needs a target."""
    d = only(scorecard("0.5", "0.5"))
    assert (d.code, d.span.line, d.span.col) == ("missing_target", 22, 15)


def test_cap_of_naming_a_missing_kpi():
    """`cap.of` must name a KPI."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    cap: {rate: 0.03, of: sals}\n"))
    assert (d.code, d.span.line, d.span.col) == ("unknown_kpi", 18, 27)
    assert "did you mean `sales`?" in d.hint


def test_catch_up_without_recurrence_is_refused():
    """Catch-up releases a missed payout in a later recurrence: there must be recurrences."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    catch_up: {within: 2}\n"))
    assert (d.code, d.span.line, d.span.col) == ("catch_up_needs_recurrence", 18, 5)
    assert "recurrence" in d.hint


def test_catch_up_on_actual_needs_a_target():
    """Paying on actual with catch-up still needs a cumulative target."""
    text = (GOOD.replace("targets:\n  sales: {fixed: 100000}\n", "")
            .replace("  end: 2025-04-30\n", "  end: 2025-04-07\n  recurrence: "
                     "{every_days: 7, count: 4}\n")
            .replace("    kpi: sales\n", "    kpi: sales\n    on: actual\n    catch_up: "
                     "{within: 2}\n"))
    d = only(text)
    assert (d.code, d.span.line) == ("catch_up_needs_target", 18)


def test_unknown_column_in_products_filter_suggests_the_closest():
    """`segmnt` is not a products column; located inside the quoted scalar."""
    d = only(GOOD.replace("segment = 'premium'", "segmnt = 'premium'"))
    assert (d.code, d.span.line, d.span.col) == ("unknown_column", 12, 16)
    assert "did you mean `segment`?" in d.hint


def test_participant_filter_reads_participant_columns():
    """`regoin` in `participants.where` suggests `region`."""
    d = only(GOOD.replace("region = 'north'", "tier = 'gold' and regoin = 'north'"))
    assert (d.code, d.span.line, d.span.col) == ("unknown_column", 8, 29)
    assert "did you mean `region`?" in d.hint


def test_metric_filter_reads_its_table_columns():
    """A metric on `payments` cannot filter on `net_amount` (a sales column)."""
    text = GOOD.replace("targets:", "  - id: paid\n    kind: metric\n    table: payments\n"
                        "    agg: sum\n    expr: amount\n    where: net_amount > 0\ntargets:")
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("unknown_column", 18, 12)


def test_metric_aggregating_an_inexact_expression_is_refused_by_check():
    """sum, min, max and avg need an exact number: a quotient (a double) is refused at its
    `/`, a text column at the expression's start; count and count_distinct take either."""
    metric = ("  - id: price\n    kind: metric\n    table: sales\n    agg: {agg}\n"
              "    expr: {expr}\ntargets:")
    d = only(GOOD.replace("targets:", metric.format(agg="avg", expr="net_amount / quantity")))
    assert (d.code, d.span.line, d.span.col) == ("expr_type", 17, 22)
    assert "exact" in d.message and "/" in d.hint
    d = only(GOOD.replace("targets:", metric.format(agg="sum", expr="outlet_id")))
    assert (d.code, d.span.line, d.span.col) == ("expr_type", 17, 11)
    for agg in ("count", "count_distinct"):
        assert diagnose(GOOD.replace("targets:", metric.format(
            agg=agg, expr="net_amount / quantity"))) == []


def test_unbalanced_paren_is_located_inside_the_scalar():
    """An unclosed `(` is reported at its own column in the YAML line."""
    d = only(GOOD.replace("segment = 'premium'", "(segment = 'premium'"))
    assert (d.code, d.span.line, d.span.col) == ("unbalanced_paren", 12, 16)
    assert ")" in d.hint


def test_expression_error_in_block_scalar_is_located_on_its_line():
    """In a `|` block, the error's line and column are those of the offending character."""
    text = GOOD.replace("    products: \"segment = 'premium'\"\n",
                        "    products: |\n      segment = 'premium'\n      or brnd = 'x'\n")
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("unknown_column", 14, 10)


def test_unknown_function_in_gate_suggests_the_closest():
    """`attainmnt(sales)` is not a function; did you mean `attainment`?"""
    d = only(GOOD.replace("    kpi: sales\n",
                          "    kpi: sales\n    gate: attainmnt(sales) >= 0.8\n"))
    assert (d.code, d.span.line, d.span.col) == ("unknown_function", 18, 11)
    assert "did you mean `attainment`?" in d.hint


def test_gate_function_must_name_a_kpi():
    """`actual(sale)` names no KPI; the argument is pointed at."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    gate: actual(sale) > 0\n"))
    assert (d.code, d.span.line, d.span.col) == ("unknown_kpi", 18, 18)
    assert "did you mean `sales`?" in d.hint


def test_gate_cannot_read_a_bare_column():
    """Gates test KPIs, not columns."""
    d = only(GOOD + "gate: region = 'north'\n")
    assert (d.code, d.span.line, d.span.col) == ("column_not_allowed", 21, 7)
    assert "attainment(" in d.hint


def test_multiplier_attainment_needs_a_target():
    """`attainment(k)` in a multiplier needs k to have a target."""
    text = GOOD.replace("  - id: sales\n",
                        "  - id: qty\n    kind: volume\n  - id: sales\n").replace(
        "    kpi: sales\n", "    kpi: sales\n    multipliers:\n"
        "      - {when: attainment(qty) > 1, factor: 1.1}\n")
    d = only(text)
    assert (d.code, d.span.line) == ("missing_target", 21)


def test_function_in_a_filter_is_refused():
    """Product filters test product columns; KPI functions are for gates."""
    d = only(GOOD.replace("segment = 'premium'", "actual(sales) > 0"))
    assert (d.code, d.span.line, d.span.col) == ("function_not_allowed", 12, 16)


def test_filter_type_mismatch_is_refused():
    """Comparing a text column with a number is a type error at the operator."""
    d = only(GOOD.replace("segment = 'premium'", "segment > 5"))
    assert (d.code, d.span.line, d.span.col) == ("expr_type", 12, 24)


def test_filter_must_be_a_condition():
    """A filter must be true/false, not a value."""
    d = only(GOOD.replace("segment = 'premium'", "unit_price * 2"))
    assert (d.code, d.span.line) == ("not_a_condition", 12)


def test_include_and_exclude_overlap():
    """A participant cannot be both included and excluded."""
    d = only(GOOD.replace("  roles: [distributor]\n", "  roles: [distributor]\n"
                          "  include: [D1, D2]\n  exclude: [D3, D2]\n"))
    assert (d.code, d.span.line, d.span.col) == ("include_exclude_overlap", 9, 17)


def test_uplift_values_need_by():
    """Uplift values per attribute value need `by`."""
    d = only(GOOD.replace("  sales: {fixed: 100000}\n", "  sales:\n    fixed: 100000\n"
                          "    uplift: {values: {gold: 0.1}}\n"))
    assert (d.code, d.span.line, d.span.col) == ("uplift_values_without_by", 16, 14)


def test_two_semantic_errors_in_one_file_are_both_reported():
    """An unknown column and an unknown KPI: both reported, in line order."""
    found = diagnose(GOOD.replace("segment =", "segmnt =").replace("    kpi: sales\n",
                                                                    "    kpi: sale\n"))
    assert [(d.code, d.span.line) for d in found] == [("unknown_column", 12),
                                                       ("unknown_kpi", 17)]


def test_load_and_check_reports_every_file_and_duplicate_program_ids(tmp_path):
    """Errors of every file come back together; a program id used twice is an error."""
    a, b, c = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    a.write_text(GOOD)
    b.write_text(GOOD.replace("kpi: sales", "kpi: sale").replace("id: spring_push",
                                                                 "id: spring_other"))
    c.write_text(GOOD.replace("name: Spring push", "name: Spring push again"))
    programs, found = load_and_check([a, b, c])
    assert [p.id for p in programs] == ["spring_push"]
    assert [(d.span.file, d.code) for d in found] == [(str(b), "unknown_kpi"),
                                                      (str(c), "duplicate_program")]
    assert str(a) in found[1].hint


def test_a_filter_that_cannot_apply_is_refused():
    """Outstanding is per primary invoice (no sku, no outlet): a products filter on it is
    refused at the filter's key, with a hint."""
    text = GOOD.replace("  - id: sales\n", "  - id: rod\n    kind: outstanding\n"
                        "    products: \"segment = 'premium'\"\n  - id: sales\n")
    d = only(text)
    assert d.code == "filter_not_applicable"
    assert "`products` cannot filter it" in d.message and d.hint


def test_unsafe_input_is_refused_where_it_goes_wrong():
    """Python that `eval` would run is not in the grammar: each is refused at the character
    where it leaves the grammar (line 12, the products filter, whose text starts at col 16),
    with a hint; a column of another table is an unknown column."""
    cases = {
        "__import__('os').system('x')": ("expr_syntax", 16 + 16),  # the `.`
        "category.upper() = 'A'": ("expr_syntax", 16 + 8),
        "lambda x: x": ("expr_syntax", 16 + 8),  # the `:`
        "[c for c in category]": ("expr_syntax", 16),
        "lower(category) = 'a'": ("unknown_function", 16),
        "outlet_type = 'grocery'": ("unknown_column", 16),
    }
    for text, (code, col) in cases.items():
        d = only(GOOD.replace("segment = 'premium'", text.replace('"', '\\"')))
        assert (d.code, d.span.line, d.span.col) == (code, 12, col), text
