"""Broken KPI windows and carried amounts are refused, located, with a hint."""

from .support import GOOD, diagnose, only

TO_DATE = GOOD.replace("    products: \"segment = 'premium'\"\n",
                       "    products: \"segment = 'premium'\"\n    window: {to_date: program}\n")
RECURRING = "  end: 2025-04-30\n  recurrence: {every_months: 1, count: 3}\n"
KPI_LINE = "    kpi: sales\n"


def test_a_good_to_date_true_up_passes():
    """A monthly program whose true-up is on a program-to-date KPI is sound."""
    text = (TO_DATE.replace("  end: 2025-04-30\n", RECURRING)
            .replace(KPI_LINE, KPI_LINE + "    true_up: true\n") + "allow_clawback: true\n")
    assert diagnose(text) == []


def test_true_up_without_recurrence_is_refused():
    """A true-up subtracts what earlier periods paid: without recurrences there are none."""
    d = only(TO_DATE.replace(KPI_LINE, KPI_LINE + "    true_up: true\n"))
    assert (d.code, d.span.line, d.span.col) == ("true_up_needs_recurrence", 19, 5)
    assert "recurrence" in d.hint


def test_true_up_on_a_kpi_not_measured_to_date_is_refused():
    """The rule pays on results to date, so the KPI must be measured to date."""
    d = only(GOOD.replace("  end: 2025-04-30\n", RECURRING)
             .replace(KPI_LINE, KPI_LINE + "    true_up: true\n"))
    assert (d.code, d.span.line, d.span.col) == ("true_up_needs_to_date", 19, 5)
    assert "window: {to_date: program}" in d.hint


def test_clawback_without_any_true_up_is_refused():
    """Only a true-up can go negative: `allow_clawback` alone would mean nothing."""
    d = only(GOOD + "allow_clawback: true\n")
    assert (d.code, d.span.line, d.span.col) == ("clawback_without_true_up", 21, 1)
    assert "true_up: true" in d.hint


def test_draw_amount_with_three_decimal_places_is_refused():
    """A draw is money: at most 2 decimal places."""
    d = only(GOOD.replace(KPI_LINE, KPI_LINE + "    draw: {amount: 5000.125}\n"))
    assert (d.code, d.span.line) == ("decimal_max_places", 18)


def test_recoverable_draw_without_recurrence_is_refused():
    """A recoverable draw comes back out of later periods' earnings: there must be some."""
    d = only(GOOD.replace(KPI_LINE, KPI_LINE + "    draw: {amount: 5000, recoverable: true}\n"))
    assert (d.code, d.span.line, d.span.col) == ("draw_needs_recurrence", 18, 26)
    assert "recurrence" in d.hint


def test_window_on_an_outstanding_level_is_refused():
    """The outstanding level is a balance on the last day: a window changes nothing."""
    d = only(GOOD.replace("targets:", "  - {id: owed, kind: outstanding, window: {to_date: "
                                      "year}}\ntargets:"))
    assert (d.code, d.span.line, d.span.col) == ("window_not_applicable", 13, 35)
    assert "mode: reduction" in d.hint


def test_window_on_a_formula_is_refused():
    """A formula reads other KPIs' actuals: the window belongs on them."""
    d = only(GOOD.replace("targets:", "  - {id: twice, kind: formula, expr: 'sales * 2', "
                                      "places: 2, window: {days: 30}}\ntargets:"))
    assert (d.code, d.span.line) == ("window_not_applicable", 13)
    assert "on the KPIs the formula reads" in d.hint


def test_window_with_both_to_date_and_days_is_refused():
    """A window is either to date or the last N days."""
    d = only(TO_DATE.replace("{to_date: program}", "{to_date: program, days: 30}"))
    assert (d.code, d.span.line) == ("value_error", 13)


def test_unknown_to_date_start_is_refused():
    """`to_date: month` is not a start the language knows."""
    d = only(TO_DATE.replace("{to_date: program}", "{to_date: month}"))
    assert (d.code, d.span.line) == ("literal_error", 13)
    assert "fiscal_year" in d.hint


def test_true_up_and_draw_together_are_refused():
    """Each carries amounts across periods its own way: one per component."""
    d = only(TO_DATE.replace("  end: 2025-04-30\n", RECURRING).replace(
        KPI_LINE, KPI_LINE + "    true_up: true\n    draw: {amount: 100}\n"))
    assert (d.code, d.span.line) == ("value_error", 18)
