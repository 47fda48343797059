"""Strict thresholds, money curves, target incentives and lots: broken programs are refused
where they go wrong, with a hint; thresholds finer than their value are warned about."""

import subprocess
import sys
import textwrap

from schemeops.engine.calc import load_programs

from .support import GOOD, diagnose, only

SLABS = "    slabs:\n      - {from: 0.9, rate: 0.01}\n      - {from: 1.0, rate: 0.02}\n"


def test_from_and_above_together_are_refused_at_above():
    """A slab says `from` (≥) or `above` (>), not both."""
    d = only(GOOD.replace("{from: 0.9, rate: 0.01}", "{from: 0.9, above: 0.9, rate: 0.01}"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 19, 21)
    assert "exactly one of from or above" in d.message and "`above: x`" in d.hint


def test_curve_point_with_x_and_above_is_refused():
    """A curve point says `x` or `above`, not both."""
    d = only(GOOD.replace(SLABS, "    curve:\n      - {x: 0.9, above: 0.9, rate: 0.01}\n"
                                 "      - {x: 1.0, rate: 0.02}\n"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 19, 18)
    assert "exactly one of x or above" in d.message


def test_curve_mixing_rate_and_amount_points_is_refused_at_the_odd_point():
    """All points of a curve pay a rate, or all an amount: the first odd one is pointed at."""
    d = only(GOOD.replace(SLABS, "    curve:\n      - {x: 0.9, rate: 0.01}\n"
                                 "      - {x: 1.0, amount: 500}\n"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 20, 9)
    assert "all pay a rate or all an amount" in d.message and "`amount:`" in d.hint


def test_pct_of_incentive_without_target_incentive_is_refused():
    """A share of the target incentive needs the target incentive."""
    d = only(GOOD.replace("{from: 1.0, rate: 0.02}", "{from: 1.0, pct_of_incentive: 1}"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 19, 7)
    assert "need `target_incentive`" in d.message and "from_table: true" in d.hint


def test_target_incentive_without_pct_of_incentive_is_refused():
    """A target incentive no slab pays a share of is a mistake."""
    d = only(GOOD.replace("    kpi: sales\n",
                          "    kpi: sales\n    target_incentive: {fixed: 5000}\n"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 18, 5)
    assert "only used by pct_of_incentive" in d.message


def test_lot_without_free_and_free_without_lot_are_refused():
    """`lot` and `free` go together, pointed at whichever is written."""
    for pay in ("lot: 12", "free: 2"):
        d = only(GOOD.replace("{from: 1.0, rate: 0.02}", "{from: 1.0, " + pay + "}"))
        assert (d.code, d.span.line, d.span.col) == ("value_error", 20, 21)
        assert "lot and free go together" in d.message and "lot: 12, free: 2" in d.hint


def test_lot_needs_the_free_sku():
    """Free units per lot are of the component's `free: {sku}`."""
    d = only(GOOD.replace("{from: 1.0, rate: 0.02}", "{from: 1.0, lot: 12, free: 2}"))
    assert (d.code, d.span.line) == ("value_error", 19)
    assert "lot slabs need `free" in d.message and "sku" in d.hint


def test_marginal_on_attainment_without_pct_of_incentive_says_what_would_do():
    """Marginal on attainment is allowed only for shares of a target incentive."""
    d = only(GOOD.replace("    kpi: sales\n", "    kpi: sales\n    mode: marginal\n"))
    assert (d.code, d.span.line, d.span.col) == ("value_error", 18, 5)
    assert "on: actual" in d.hint and "pct_of_incentive" in d.hint


def test_marginal_pct_of_incentive_on_actual_is_refused():
    """Bands of an actual (say 10,000 units) paying a share of an incentive make no sense."""
    text = GOOD.replace("    kpi: sales\n", "    kpi: sales\n    on: actual\n    mode: marginal\n"
                        "    target_incentive: {fixed: 5000}\n").replace(
        "rate: 0.0", "pct_of_incentive: 0.0")
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("value_error", 19, 5)
    assert "bands of attainment" in d.message and "on: attainment" in d.hint


def test_target_incentive_from_table_named_like_a_kpi_is_refused():
    """Its rows in the targets table have `kpi` = the component id: a KPI's id would clash."""
    text = (GOOD.replace("  - id: volume_bonus\n", "  - id: sales\n")
            .replace("    kpi: sales\n",
                     "    kpi: sales\n    target_incentive: {from_table: true}\n")
            .replace("rate: 0.0", "pct_of_incentive: 0.0"))
    d = only(text)
    assert (d.code, d.span.line, d.span.col) == ("target_incentive_clash", 16, 9)
    assert "rename the component" in d.hint


def _on_actual(kind_line: str, first: str, second: str) -> str:
    return (GOOD.replace("    kind: volume\n", kind_line)
            .replace("    kpi: sales\n", "    kpi: sales\n    on: actual\n")
            .replace("{from: 0.9,", first).replace("{from: 1.0,", second))


def test_threshold_finer_than_a_count_is_a_located_warning():
    """On a count, `from: 10.5` acts as `from: 11` and `above: 20.5` as `above: 20`."""
    found = diagnose(_on_actual("    kind: billed_outlets\n", "{from: 10.5,", "{above: 20.5,"))
    assert [(d.code, d.severity, d.span.line, d.span.col) for d in found] == [
        ("threshold_places", "warning", 20, 16), ("threshold_places", "warning", 21, 17)]
    assert "acts as `from: 11`" in found[0].message and found[0].hint == (
        "write `from: 11` to say what is paid")
    assert "acts as `above: 20`" in found[1].message


def test_threshold_finer_than_money_is_a_warning_and_zeros_are_not():
    """Money has 2 places: `from: 100.005` acts as 100.01; `from: 200.10` is fine."""
    found = diagnose(_on_actual("    kind: volume\n", "{from: 100.005,", "{from: 200.10,"))
    assert [(d.code, d.span.line) for d in found] == [("threshold_places", 20)]
    assert "at most 2 decimal places" in found[0].message


def test_warnings_print_but_neither_fail_check_nor_stop_calc(tmp_path):
    """`check` prints the warning and exits 0; calc's loading keeps the program."""
    path = tmp_path / "warn.yaml"
    path.write_text(textwrap.dedent(_on_actual("    kind: billed_outlets\n", "{from: 10.5,",
                                               "{from: 20,")))
    result = subprocess.run([sys.executable, "-m", "schemeops", "check", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:20:16: warning: threshold_places `from: 10.5`")
    assert lines[1] == "    hint: write `from: 11` to say what is paid"
    assert lines[2].startswith("ok: spring_push version ")
    assert lines[3] == "1 warning(s)"
    assert [p.id for p in load_programs([path])] == ["spring_push"]
