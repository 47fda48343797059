"""YAML → Program: exact values, located validation errors (all at once), content versions."""

import datetime as dt
from decimal import Decimal

from schemeops.errors import Diagnostic, SourceSpan
from schemeops.program.parse import load_program, parse_program, program_version

from .support import GOOD, diagnose, only, scorecard


def good_program():
    program, found = parse_program(GOOD, "good.yaml")
    assert found == [] and program is not None
    return program


# ---------------------------------------------------------------- values read as meant

def test_numbers_are_exact_decimals_and_dates_are_dates():
    """`rate: 0.07` is Decimal('0.07') (never via float); dates are dates."""
    program, found = parse_program(GOOD.replace("rate: 0.01", "rate: 0.07"), "p.yaml")
    assert found == []
    slab = program.components[0].slabs[0]
    assert slab.rate == Decimal("0.07") and str(slab.rate) == "0.07"
    assert slab.from_ == Decimal("0.9")
    assert program.period.start == dt.date(2025, 4, 1)
    assert program.targets["sales"].fixed == Decimal("100000")


def test_on_and_yes_stay_text():
    """YAML 1.1 booleans `on`/`yes` are not booleans here: `on: actual` is the key `on`."""
    program, found = parse_program(GOOD.replace("    kpi: sales\n",
                                                "    kpi: sales\n    on: actual\n"), "p.yaml")
    assert found == []
    assert program.components[0].on == "actual"


def test_underscored_numbers_read_as_numbers():
    """`100_000` is a hundred thousand."""
    program, _ = parse_program(GOOD.replace("100000", "100_000"), "p.yaml")
    assert program.targets["sales"].fixed == Decimal("100000")


# ---------------------------------------------------------------- versions

def test_version_is_stable_under_formatting_comments_and_key_order():
    """Reformatting, comments and key order do not change the version."""
    reformatted = """\
# a comment
name: "Spring push"   # names may be quoted
id: spring_push
period: {end: 2025-04-30, start: 2025-04-01}
participants:
  where: "region = 'north'"
  roles:
    - distributor
components:
  - slabs:
      - rate: 0.01
        from: 0.9
      - {rate: 0.02, from: 1.0}
    kpi: sales
    id: volume_bonus
targets:
  sales:
    fixed: 100000
kpis:
  - {kind: volume, id: sales, products: "segment = 'premium'"}
"""
    program, found = parse_program(reformatted, "p.yaml")
    assert found == []
    assert program_version(program) == program_version(good_program())
    assert len(program_version(program)) == 16


def test_version_changes_with_one_rate():
    """Changing one rate changes the version."""
    changed, _ = parse_program(GOOD.replace("rate: 0.02", "rate: 0.03"), "p.yaml")
    assert program_version(changed) != program_version(good_program())


# ---------------------------------------------------------------- broken: model shape

def test_typo_key_is_extra_forbidden_with_allowed_keys():
    """`slabz` is refused at its key, suggesting `slabs` and listing the allowed keys."""
    d = only(GOOD.replace("    slabs:", "    slabz:"))
    assert (d.code, d.span.line, d.span.col) == ("extra_forbidden", 18, 5)
    assert "`slabz`" in d.message
    # `slabs` first: the closest key (a language with `label` may name it second)
    assert "did you mean `slabs`" in d.hint and "allowed keys:" in d.hint


def test_unknown_kpi_kind_suggests_the_closest():
    """`kind: volme` is located at its value, suggesting `volume`."""
    d = only(GOOD.replace("kind: volume", "kind: volme"))
    assert (d.code, d.span.line, d.span.col) == ("union_tag_invalid", 11, 11)
    assert "did you mean `volume`?" in d.hint


def test_kpi_without_kind_lists_the_kinds():
    """A KPI with no `kind` lists every kind in the hint."""
    d = only(GOOD.replace("    kind: volume\n", ""))
    assert (d.code, d.span.line) == ("union_tag_not_found", 10)
    assert "billed_outlets" in d.hint


def test_scorecard_weights_must_add_up_to_one():
    """Weights 0.5 + 0.4 (a typo for 0.5 + 0.5) are refused at the component, with the sum."""
    d = only(scorecard("0.5", "0.4"))
    assert "scorecard weights add up to 0.9, not 1" in d.message
    assert d.span.line == 19  # the component


def test_bad_date_is_located_at_the_date():
    """30 February is not a date."""
    d = only(GOOD.replace("end: 2025-04-30", "end: 2025-02-30"))
    assert d.code.startswith("date_") and (d.span.line, d.span.col) == (5, 8)
    assert "YYYY-MM-DD" in d.hint


def test_end_before_start_points_at_end():
    """A period ending before it starts is refused at `end`."""
    d = only(GOOD.replace("end: 2025-04-30", "end: 2025-03-31"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 5, 3)
    assert "end is before start" in d.message


def test_slab_from_not_increasing_points_at_the_slab():
    """The slab whose `from` does not increase is the one reported."""
    d = only(GOOD.replace("{from: 1.0, rate: 0.02}", "{from: 0.9, rate: 0.02}"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 20, 16)
    assert "must increase" in d.message and d.hint


def test_marginal_on_attainment_is_refused():
    """Marginal slabs pay bands of the actual: `on: attainment` with them is refused."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    mode: marginal\n"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 18, 5)
    assert "marginal" in d.message and "on: actual" in d.hint


def test_cap_rate_without_of_is_refused():
    """`cap: {rate: …}` needs `of`."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    cap: {rate: 0.03}\n"))
    assert (d.code, d.span.line) == ("value_error", 18)
    assert "rate and of go together" in d.message and "`of`" in d.hint


def test_literal_typo_suggests_the_closest():
    """`on: attainmnt` suggests `attainment`."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    on: attainmnt\n"))
    assert (d.code, d.span.line, d.span.col) == ("literal_error", 18, 9)
    assert "did you mean `attainment`?" in d.hint


def test_number_where_text_is_expected_says_quote_it():
    """An unquoted numeric id in `include` is a number; the hint says to quote it."""
    d = only(GOOD.replace("  roles: [distributor]\n",
                          "  roles: [distributor]\n  include: [D001, 1002]\n"))
    assert (d.code, d.span.line, d.span.col) == ("string_type", 8, 19)
    assert "quote" in d.hint


def test_missing_required_key_is_reported_at_its_mapping():
    """A program without `period` says so."""
    text = GOOD.replace("period:\n  start: 2025-04-01\n  end: 2025-04-30\n", "")
    d = only(text)
    assert (d.code, d.span.line) == ("missing", 1)
    assert "`period`" in d.message and "period:" in d.hint


def test_all_model_errors_are_reported_at_once():
    """Three unrelated mistakes give three diagnostics, in file order."""
    text = (GOOD.replace("kind: volume", "kind: volme").replace("end: 2025-04-30", "end: x")
            .replace("    slabs:", "    slabz:"))
    found = diagnose(text)
    assert [(d.code, d.span.line) for d in found] == [
        ("date_from_datetime_parsing", 5), ("union_tag_invalid", 11), ("extra_forbidden", 18)]
    assert all(d.hint for d in found)


# ---------------------------------------------------------------- broken: YAML itself

def test_tab_indentation_is_a_yaml_error_at_its_mark():
    """A tab where YAML expects spaces is reported where the parser met it."""
    d = only(GOOD.replace("  start: 2025-04-01", "\tstart: 2025-04-01"))
    assert (d.code, d.span.line, d.span.col) == ("yaml_syntax", 4, 1)
    assert "tabs" in d.hint


def test_unclosed_flow_mapping_is_a_yaml_error():
    """An unclosed `{` is a YAML error with a location."""
    d = only(GOOD.replace("sales: {fixed: 100000}", "sales: {fixed: 100000"))
    assert d.code == "yaml_syntax" and d.span.line == 15


def test_empty_file_is_an_error():
    """An empty (or comment-only) file holds no program."""
    for text in ("", "# nothing yet\n"):
        d = only(text)
        assert (d.code, d.span.line, d.span.col) == ("empty_program", 1, 1)


def test_a_list_is_not_a_program():
    """The top level must be a mapping."""
    d = only("- id: x\n")
    assert (d.code, d.span.line) == ("not_a_mapping", 1)


def test_duplicate_yaml_key_is_an_error():
    """A key given twice in one mapping is refused at the second, naming the first."""
    d = only(GOOD.replace("name: Spring push\n", "name: Spring push\nname: Autumn push\n"))
    assert (d.code, d.span.line, d.span.col) == ("duplicate_key", 3, 1)
    assert "line 2" in d.hint


def test_files_are_read_and_unreadable_ones_reported(tmp_path):
    """load_program reads UTF-8 files; a missing or non-UTF-8 file is a diagnostic."""
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    program, found = load_program(good)
    assert found == [] and program.id == "spring_push"
    _, missing = load_program(tmp_path / "nope.yaml")
    assert [d.code for d in missing] == ["unreadable"]
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(GOOD.replace("Spring", "Printemps é").encode("latin-1"))
    _, bad = load_program(latin)
    assert [d.code for d in bad] == ["not_utf8"]


def test_diagnostic_renders_file_line_col_code_and_hint():
    """The rendering an editor can jump to."""
    d = Diagnostic(SourceSpan("a.yaml", 3, 7), "unknown_kpi", "`sale` names no KPI",
                   "did you mean `sales`?")
    assert d.render() == "a.yaml:3:7: unknown_kpi `sale` names no KPI\n" \
                         "    hint: did you mean `sales`?"
