"""Numbers and money as a reader expects them: Indian grouping (₹1,23,45,678.90; 12.3 L;
4.56 cr) or international grouping (₹12,345,678.90; 1.23 M), half-up. Pure text functions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: The locales a deployment may choose (`serve --locale`): Indian or international grouping.
LOCALES = ("en-IN", "en")
RUPEE = "₹"
LAKH, CRORE = Decimal(100_000), Decimal(10_000_000)
MILLION = Decimal(1_000_000)


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _group(digits: str, locale: str) -> str:
    """Whole digits with separators: the last three, then pairs (en-IN) or threes (en)."""
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    size = 2 if locale == "en-IN" else 3
    groups = []
    while head:
        groups.insert(0, head[-size:])
        head = head[:-size]
    return ",".join([*groups, tail])


def number(value: Decimal | int, places: int = 0, locale: str = "en-IN") -> str:
    """`value` rounded half-up to `places`, grouped for `locale` ('12,34,567.5' with 1 place)."""
    v = _round(Decimal(value), places)
    sign = "-" if v < 0 else ""
    whole, _, frac = f"{abs(v):f}".partition(".")
    return sign + _group(whole, locale) + (f".{frac}" if frac else "")


def plain(value: Decimal | int, locale: str = "en-IN") -> str:
    """`value` grouped for `locale`, with the places it needs (at most 4): '1,234', '12.5'."""
    v = Decimal(value)
    return number(v, min(4, max(0, -v.normalize().as_tuple().exponent)), locale)


def money(value: Decimal | int, locale: str = "en-IN") -> str:
    """An amount in rupees to the paisa: '₹1,23,45,678.90', '-₹50.00'."""
    text = number(value, 2, locale)
    return f"-{RUPEE}{text[1:]}" if text.startswith("-") else f"{RUPEE}{text}"


def short_money(value: Decimal | int, locale: str = "en-IN") -> str:
    """An amount in few characters: '₹12.3 L', '₹4.56 cr' (en-IN), '₹1.23 M' (en); below a
    lakh (a million), the amount in whole rupees."""
    v = Decimal(value)
    sign, a = ("-" if v < 0 else ""), abs(v)
    if locale == "en-IN" and a >= CRORE:
        text = f"{number(a / CRORE, 2, locale)} cr"
    elif locale == "en-IN" and a >= LAKH:
        text = f"{number(a / LAKH, 1, locale)} L"
    elif locale != "en-IN" and a >= MILLION:
        text = f"{number(a / MILLION, 2, locale)} M"
    else:
        text = number(a, 0, locale)
    return f"{sign}{RUPEE}{text}"


def lakh(value: Decimal | int, locale: str = "en-IN") -> str:
    """An amount in lakh of rupees to one place, without the sign: '12.3 L'."""
    return f"{number(Decimal(value) / LAKH, 1, locale)} L"


def quantity(value: Decimal | int, unit: str, locale: str = "en-IN") -> str:
    """A KPI's value in its unit (`program/display.py`): '₹12,34,567' (whole rupees),
    '12.3 L', '4.56 cr', '12.5%' (a share × 100), '14 outlets', or the bare number."""
    v = Decimal(value)
    if unit == "₹":
        text = number(abs(v), 0, locale)
        return f"-{RUPEE}{text}" if v < 0 else f"{RUPEE}{text}"
    if unit == "L":
        return lakh(v, locale)
    if unit == "cr":
        return f"{number(v / CRORE, 2, locale)} cr"
    if unit == "%":
        return f"{number(v * 100, 1, locale)}%"
    return f"{plain(v, locale)} {unit}" if unit else plain(v, locale)
