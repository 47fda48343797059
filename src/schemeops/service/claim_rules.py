"""Claim lines checked one by one, purely: against the invoices the warehouse holds (net of
their returns), the program version's periods and what is already claimed. No I/O here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

#: Every error class a refused line carries, in the order the checks run.
ERROR_CLASSES = ("malformed", "incomplete", "wrong_program", "unknown_invoice",
                 "wrong_participant", "wrong_product", "outside_window", "duplicate",
                 "above_invoice")
MAX_ID = 80


@dataclass(frozen=True)
class LineInput:
    """One claim line as typed or uploaded; `problems` are what the reader already refused
    (a value that is not a number, a date or too long), as (error class, reason)."""

    line_no: int
    invoice_id: str | None
    sku: str | None
    quantity: Decimal | None
    amount: Decimal | None
    problems: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Invoice:
    """A sales invoice as claims see it: seller, date, and per sku the quantity and amount
    left after the returns that reference it."""

    invoice_id: str
    distributor_id: str
    invoice_date: dt.date
    lines: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """A line's verdict: refused with an error class and a reason naming the line and a fix,
    or accepted (error None) with what its invoice supports."""

    line_no: int
    error: str | None
    reason: str
    supported_quantity: Decimal | None = None
    supported_amount: Decimal | None = None


def plain(text: str) -> bool:
    """Whether an id is plain text: no control characters (a NUL ends strings in the
    warehouse's SQL and is refused by PostgreSQL)."""
    return text.isprintable()


def _show(text: str) -> str:
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def _check(line: LineInput, *, participant_id: str,
           windows: Sequence[tuple[dt.date, dt.date]] | None, invoices: dict[str, Invoice],
           claimed: set[tuple[str, str]]) -> Verdict:
    n = line.line_no
    if line.problems:
        error, reason = line.problems[0]
        return Verdict(n, error, reason)
    missing = [name for name in ("invoice_id", "sku", "quantity", "amount")
               if getattr(line, name) in (None, "")]
    if missing:
        return Verdict(n, "incomplete", f"line {n}: {', '.join(missing)} missing; fill in "
                       "every column of the line")
    if not (plain(line.invoice_id) and plain(line.sku)):
        return Verdict(n, "malformed", f"line {n}: the invoice or sku holds control "
                       "characters; type them as printed on the invoice")
    if line.quantity <= 0 or line.amount <= 0:
        return Verdict(n, "malformed", f"line {n}: quantity and amount must be above zero; "
                       "claim what you passed on, as a positive number")
    if windows is None:
        return Verdict(n, "wrong_program", f"line {n}: the program has no live version to "
                       "claim against; check the program id")
    inv = invoices.get(line.invoice_id)
    if inv is None:
        return Verdict(n, "unknown_invoice", f"line {n}: invoice {_show(line.invoice_id)} is "
                       "not in the warehouse; check the invoice number")
    if inv.distributor_id != participant_id:
        return Verdict(n, "wrong_participant", f"line {n}: invoice {_show(line.invoice_id)} "
                       f"was billed by another participant, not {participant_id}; claim "
                       "only your own invoices")
    if line.sku not in inv.lines:
        return Verdict(n, "wrong_product", f"line {n}: invoice {_show(line.invoice_id)} has "
                       f"no line for sku {_show(line.sku)}; it has "
                       f"{', '.join(sorted(inv.lines)[:10])}")
    if not any(a <= inv.invoice_date <= b for a, b in windows):
        return Verdict(n, "outside_window", f"line {n}: invoice {_show(line.invoice_id)} is "
                       f"dated {inv.invoice_date}, outside the program's periods "
                       f"({', '.join(f'{a}..{b}' for a, b in windows)}); claim it under the "
                       "program that covered that date")
    if (line.invoice_id, line.sku) in claimed:
        return Verdict(n, "duplicate", f"line {n}: invoice {_show(line.invoice_id)} sku "
                       f"{_show(line.sku)} is already claimed for this program; remove the "
                       "line")
    qty, amount = inv.lines[line.sku]
    if line.quantity > qty or line.amount > amount:
        return Verdict(n, "above_invoice", f"line {n}: claims {line.quantity} units for "
                       f"{line.amount:.2f} but the invoice, net of its returns, supports "
                       f"{qty} units for {amount:.2f}; claim at most that", qty, amount)
    return Verdict(n, None, "", qty, amount)


def validate(lines: Iterable[LineInput], *, participant_id: str,
             windows: Sequence[tuple[dt.date, dt.date]] | None, invoices: dict[str, Invoice],
             claimed: set[tuple[str, str]]) -> list[Verdict]:
    """Every line's verdict; a (invoice, sku) accepted earlier in the same claim counts as
    claimed for the lines after it. `windows` is None when the program has no version in
    force; `claimed` holds the (invoice, sku) pairs earlier claims already hold."""
    seen, out = set(claimed), []
    for line in lines:
        v = _check(line, participant_id=participant_id, windows=windows, invoices=invoices,
                   claimed=seen)
        if v.error is None:
            seen.add((line.invoice_id, line.sku))
        out.append(v)
    return out


def approvable(claimed: Decimal, supported: Decimal) -> Decimal:
    """The most a line may be approved at: its claim, never more than its invoice supports."""
    return max(Decimal("0.00"), min(claimed, supported))
