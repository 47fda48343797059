"""Numbers as a reader expects them: Indian and international grouping, half-up rounding,
short forms in lakh and crore, a KPI's value in its unit."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from schemeops.service.numbers import lakh, money, number, plain, quantity, short_money


@pytest.mark.parametrize(("value", "places", "locale", "text"), [
    (D("12345678.9"), 2, "en-IN", "1,23,45,678.90"),
    (D("12345678.9"), 2, "en", "12,345,678.90"),
    (D("999"), 0, "en-IN", "999"),
    (D("1000"), 0, "en-IN", "1,000"),
    (D("100000"), 0, "en-IN", "1,00,000"),
    (D("1000000"), 0, "en", "1,000,000"),
    (D("-1234567"), 0, "en-IN", "-12,34,567"),
    (D("0.005"), 2, "en-IN", "0.01"),    # half-up, not to even
    (D("2.345"), 2, "en-IN", "2.35"),
    (D("-0.005"), 2, "en-IN", "-0.01"),
])
def test_number_groups_and_rounds_half_up(value, places, locale, text):
    assert number(value, places, locale) == text


def test_money_carries_the_rupee_sign_before_the_digits():
    assert money(D("12345678.9")) == "₹1,23,45,678.90"
    assert money(D("-50")) == "-₹50.00"
    assert money(D("1234567.5"), "en") == "₹1,234,567.50"
    assert money(0) == "₹0.00"


@pytest.mark.parametrize(("value", "locale", "text"), [
    (D("99999"), "en-IN", "₹99,999"),
    (D("100000"), "en-IN", "₹1.0 L"),
    (D("1234567"), "en-IN", "₹12.3 L"),
    (D("45600000"), "en-IN", "₹4.56 cr"),
    (D("-1234567"), "en-IN", "-₹12.3 L"),
    (D("1234567"), "en", "₹1.23 M"),
    (D("999999"), "en", "₹999,999"),
])
def test_short_money_in_lakh_and_crore(value, locale, text):
    assert short_money(value, locale) == text


def test_a_kpi_value_reads_in_its_unit():
    assert quantity(D("1230000"), "L") == "12.3 L"
    assert quantity(D("250000"), "L") == "2.5 L"
    assert quantity(D("45600000"), "cr") == "4.56 cr"
    assert quantity(D("1234567.89"), "₹") == "₹12,34,568"
    assert quantity(D("0.125"), "%") == "12.5%"
    assert quantity(D("14"), "outlets") == "14 outlets"
    assert quantity(D("1234.5"), "") == "1,234.5"
    assert lakh(D("1230000")) == "12.3 L" and plain(D("100.00")) == "100"
