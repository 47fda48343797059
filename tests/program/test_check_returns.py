"""Broken `returns:` forms are refused, located, with a hint; sound ones pass."""

import pytest

from .support import GOOD, diagnose, only


def test_a_sound_returns_window_passes_and_allows_clawback_without_true_up():
    """Late returns can take back a closed period's payout: clawback has a meaning."""
    assert diagnose(GOOD + "returns: {until_days: 30}\nallow_clawback: true\n") == []


@pytest.mark.parametrize(("form", "code"), [
    ("{until_days: -5}", "greater_than_equal"),
    ("{until_days: 0}", "greater_than_equal"),
    ("{until_days: 400}", "less_than_equal"),
    ("{until_days: 1.5}", "int_from_float"),
    ("{until_days: 30, holdback: 0.1}", "extra_forbidden"),
    ("{}", "missing"),
    ("30", "model_type"),
    ("{until_days: thirty}", "int_parsing"),
])
def test_broken_returns_forms_are_refused_on_their_line(form, code):
    """Negative, zero or over a year of days, a fraction, a misspelt or missing key, a bare
    number: each is one located error on line 21, where `returns` is."""
    d = only(GOOD + f"returns: {form}\n")
    assert (d.code, d.span.line) == (code, 21), d.render()
    assert d.hint or d.message


def test_clawback_alone_still_needs_a_true_up_or_returns():
    d = only(GOOD + "allow_clawback: true\n")
    assert d.code == "clawback_without_true_up"
    assert "returns: {until_days: 30}" in d.hint
