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


def test_a_sound_holdback_passes():
    assert diagnose(GOOD + "returns: {until_days: 30}\n"
                    "holdback: {rate: 0.1, release_after_days: 30}\n") == []


def test_holdback_without_a_returns_window_is_refused():
    """A holdback waits for the returns window: without one it waits for nothing."""
    d = only(GOOD + "holdback: {rate: 0.1, release_after_days: 30}\n")
    assert (d.code, d.span.line, d.span.col) == ("holdback_without_returns", 21, 1)
    assert "returns: {until_days: 30}" in d.hint


def test_holdback_released_before_the_window_ends_is_refused():
    d = only(GOOD + "returns: {until_days: 30}\nholdback: {rate: 0.1, release_after_days: 10}\n")
    assert (d.code, d.span.line) == ("holdback_before_window_ends", 22)
    assert "at least 30" in d.hint


@pytest.mark.parametrize(("form", "code"), [
    ("{rate: 1.5, release_after_days: 30}", "less_than_equal"),
    ("{rate: -0.1, release_after_days: 30}", "greater_than"),
    ("{rate: 0, release_after_days: 30}", "greater_than"),
    ("{rate: 0.1, release_after_days: -3}", "greater_than_equal"),
    ("{rate: 0.1}", "missing"),
])
def test_broken_holdback_forms_are_refused_on_their_line(form, code):
    """A rate outside (0, 1], negative days, a missing key: each located on line 22."""
    d = only(GOOD + f"returns: {{until_days: 30}}\nholdback: {form}\n")
    assert (d.code, d.span.line) == (code, 22), d.render()
