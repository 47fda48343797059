"""Row-level rules as Ibis expressions: parse each text column to its contract type, and the
checks that reject a row (missing, malformed, too many decimals, not allowed, wrong sign…)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from schemeops.schema import Column, Kind, Table

# A number, optionally with thousands separators (1,234,567.50 or Indian 12,34,567.50).
_NUMBER = r"^[+-]?(\d+|\d{1,3}(,\d{3})+|\d{1,2}(,\d{2})*,\d{3})(\.\d+)?$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_INTEGER = r"^[+-]?\d{1,18}$"


@dataclass(frozen=True)
class Check:
    """A reason to reject a row: the column it is about, a code, when it fails, reason and fix."""

    column: str
    code: str
    failed: ir.BooleanValue
    reason: str
    fix: str


def clean(raw: ir.StringValue) -> ir.StringValue:
    """Trimmed text, NULL when empty."""
    # Most values start and end with a character above the space (code points, not
    # graphemes: a grapheme may end with a space): they are what trimming would give, and
    # the trim itself costs about twice the test.
    plain = (raw.ascii_str() > 32) & (raw.right(1).ascii_str() > 32)
    return ibis.cases((plain, raw), else_=raw.strip().nullif(""))


def _scale_pattern(scale: int) -> str:
    return rf"^[+-]?\d+(\.\d{{0,{scale}}}0*)?$" if scale else r"^[+-]?\d+(\.0*)?$"


def _missing(col: Column, value: ir.Value) -> list[Check]:
    if not col.required:
        return []
    return [Check(col.name, "missing", value.isnull(), f"`{col.name}` is required",
                  f"fill in `{col.name}`")]


def _bad_date(col: Column, failed: ir.BooleanValue) -> Check:
    return Check(col.name, "bad_date", failed, f"`{col.name}` is not a valid date",
                 "write dates as YYYY-MM-DD, e.g. 2026-10-31")


#: The dates whose YYYY-MM-DD text is ten characters: what a text file can carry.
_FIRST_DAY, _LAST_DAY = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def parse_column(raw: ir.Value, col: Column) -> tuple[ir.Value, list[Check]]:
    """The typed value of a column, and the checks that reject a bad value: parsed from text,
    or taken as it is when it already has the contract's type (a typed Parquet column)."""
    if not raw.type().is_string():
        return _typed_column(raw, col)
    text = clean(raw)
    present = text.notnull()
    checks = _missing(col, text)
    kind = col.dtype.kind
    if kind is Kind.STRING:
        if col.choices:
            value = text.lower()
            allowed = ", ".join(col.choices)
            checks.append(Check(col.name, "not_allowed", present & ~value.isin(col.choices),
                                f"`{col.name}` must be one of {allowed}",
                                f"use one of: {allowed}"))
            return value, checks
        return text, checks
    if kind is Kind.DATE:
        value = text.try_cast("date")
        # YYYY-MM-DD is 10 characters: a 5-digit year (20261-01-05) prints as it reads too.
        ok = (text.length() == 10) & _unless_canonical(
            value, text, text.re_search(_ISO_DATE) & value.notnull())
        checks.append(_bad_date(col, present & ~ok.fill_null(False)))
        return value, checks
    if kind is Kind.INTEGER:
        digits = text.replace(",", "")
        value = digits.try_cast("int64")
        ok = _unless_canonical(value, text, text.re_search(_NUMBER)
                               & digits.re_search(_INTEGER) & value.notnull())
        checks.append(Check(col.name, "bad_integer", present & ~ok.fill_null(False),
                            f"`{col.name}` is not a whole number", "write a whole number, e.g. 3"))
        return value, checks
    if kind is Kind.DOUBLE:
        value = text.try_cast("float64")
        checks.append(Check(col.name, "bad_number", present & value.isnull(),
                            f"`{col.name}` is not a number", "write a number, e.g. 12.9716"))
        return value, checks
    # Kind.DECIMAL
    digits = text.replace(",", "")
    value = digits.try_cast(f"decimal({col.dtype.precision},{col.dtype.scale})")
    shape = _unless_canonical(value, text, text.re_search(_NUMBER)).fill_null(False)
    scale_ok = _unless_canonical(
        value, text, digits.re_search(_scale_pattern(col.dtype.scale))).fill_null(False)
    checks += [
        Check(col.name, "bad_number", present & ~shape, f"`{col.name}` is not a number",
              "write a plain number with . for decimals, e.g. 1234.50 (no currency sign)"),
        Check(col.name, "too_many_decimals", present & shape & ~scale_ok,
              f"`{col.name}` has more than {col.dtype.scale} decimal places",
              f"round to {col.dtype.scale} decimal places at the source"),
        Check(col.name, "out_of_range", present & shape & scale_ok & value.isnull(),
              f"`{col.name}` is too large", "check the value; it exceeds 16 digits"),
    ]
    return value, checks


def _typed_column(raw: ir.Value, col: Column) -> tuple[ir.Value, list[Check]]:
    """A value whose type holds only values of the contract's type (a Parquet column read as
    it is), cast to it exactly; the checks its text form would fail (an empty required value;
    a date the text YYYY-MM-DD cannot write)."""
    value = raw.cast(col.dtype.ibis)
    checks = _missing(col, value)
    if col.dtype.kind is Kind.DATE:
        outside = (value < ibis.literal(_FIRST_DAY)) | (value > ibis.literal(_LAST_DAY))
        checks.append(_bad_date(col, value.notnull() & outside))
    return value, checks


def _unless_canonical(value: ir.Value, text: ir.StringValue,
                      slow: ir.BooleanValue) -> ir.BooleanValue:
    """True where `text` is exactly how the parsed value prints (the common case, no regex);
    elsewhere the `slow` pattern check decides."""
    return ibis.cases((value.cast("string") == text, True), else_=slow)


# Rules across columns of one row, on typed values: (table, column, code, failed, reason, fix).
_Typed = Callable[[str], ir.Value]


def _sales_rules(v: _Typed) -> list[Check]:
    inv, ret = v("doc_type") == "invoice", v("doc_type") == "return"
    return [
        Check("quantity", "sign", inv & (v("quantity") <= 0),
              "an invoice line needs a positive quantity",
              "use doc_type=return for returned goods, or fix the sign"),
        Check("net_amount", "sign", inv & (v("net_amount") < 0),
              "an invoice line cannot have a negative net_amount",
              "use doc_type=return for returned goods, or fix the sign"),
        Check("quantity", "sign", ret & (v("quantity") >= 0),
              "a return line needs a negative quantity", "write returned units as negative"),
        Check("net_amount", "sign", ret & (v("net_amount") > 0),
              "a return line cannot have a positive net_amount",
              "write returned value as negative"),
        Check("ref_invoice_id", "missing", ret & v("ref_invoice_id").isnull(),
              "a return must name the invoice it returns in `ref_invoice_id`",
              "fill in the original invoice_id"),
    ]


def _primary_rules(v: _Typed) -> list[Check]:
    return [
        Check("quantity", "sign", v("quantity") <= 0, "a primary invoice line needs a "
              "positive quantity", "fix the sign; primary returns are not part of contract v1"),
        Check("net_amount", "sign", v("net_amount") < 0, "net_amount cannot be negative",
              "fix the sign"),
        Check("due_date", "before_invoice", v("due_date") < v("invoice_date"),
              "due_date is before invoice_date", "check the dates"),
    ]


def _payment_rules(v: _Typed) -> list[Check]:
    return [Check("amount", "sign", v("amount") <= 0, "a payment amount must be positive",
                  "record refunds outside payments")]


def _outlet_rules(v: _Typed) -> list[Check]:
    return [
        Check("latitude", "out_of_range", v("latitude").abs() > 90,
              "latitude must be between -90 and 90", "check the coordinates"),
        Check("longitude", "out_of_range", v("longitude").abs() > 180,
              "longitude must be between -180 and 180", "check the coordinates"),
    ]


def _participant_rules(v: _Typed) -> list[Check]:
    return [
        Check("parent_id", "self_parent", v("parent_id") == v("participant_id"),
              "a participant cannot be its own parent", "leave parent_id empty at the top"),
        Check("left_on", "before_joined", v("left_on") < v("joined_on"),
              "left_on is before joined_on", "check the dates"),
    ]


def _product_rules(v: _Typed) -> list[Check]:
    return [
        Check("unit_price", "sign", v("unit_price") < 0, "unit_price cannot be negative",
              "fix the sign"),
        Check("unit_cost", "sign", v("unit_cost") < 0, "unit_cost cannot be negative",
              "fix the sign"),
    ]


_ROW_RULES: dict[str, Callable[[_Typed], list[Check]]] = {
    "sales": _sales_rules,
    "primary_sales": _primary_rules,
    "payments": _payment_rules,
    "outlets": _outlet_rules,
    "participants": _participant_rules,
    "products": _product_rules,
}


def row_rules(table: Table, typed: Callable[[str], ir.Value]) -> list[Check]:
    """Cross-column rules of `table`, written on its typed values (NULL-safe: NULL never fails)."""
    rules = _ROW_RULES.get(table.name)
    if rules is None:
        return []
    return [
        Check(c.column, c.code, c.failed.fill_null(False), c.reason, c.fix)
        for c in rules(typed)
    ]


def literal(text: str) -> ir.StringValue:
    """A string literal expression."""
    return ibis.literal(text, type="string")
