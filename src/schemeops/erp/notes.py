"""Notes with their tax: a recorded credit (or debit) note becomes a GST note, its value
split over the HSN codes of the recipient's purchases of the period and taxed at the dated
rate, IGST across states and CGST+SGST within one, or a financial note without GST."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from schemeops.erp.recipients import Recipient
from schemeops.erp.settings import TaxSettings
from schemeops.errors import Diagnostic, SourceSpan

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    """Half-up to 2 places."""
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Recorded:
    """A note as schemeops recorded it on export: `amount` is signed (negative: a debit
    note), `date` the day it was first exported."""

    reference: str
    payout_id: int
    participant_id: str
    participant_name: str
    program_id: str
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    date: dt.date
    reason: str = ""


@dataclass(frozen=True)
class Invoice:
    """A preceding invoice the note refers to."""

    number: str
    date: dt.date


@dataclass(frozen=True)
class TaxLine:
    """The note's value under one HSN code, and its tax."""

    hsn: str
    taxable: Decimal
    rate: Decimal
    igst: Decimal = ZERO
    cgst: Decimal = ZERO
    sgst: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """Taxable value plus every tax."""
        return self.taxable + self.igst + self.cgst + self.sgst


@dataclass(frozen=True)
class TaxNote:
    """A note ready for the ERP: numbered, typed, with tax lines when it carries GST."""

    number: str
    kind: Literal["CRN", "DBN"]
    note: Recorded
    gst: bool
    benefit: str
    recipient: Recipient | None
    lines: tuple[TaxLine, ...]
    invoices: tuple[Invoice, ...] = ()
    seller_state: str = ""

    @property
    def taxable(self) -> Decimal:
        """The note's value before tax (positive for a debit note too)."""
        return abs(self.note.amount)

    def tax(self, head: Literal["igst", "cgst", "sgst"]) -> Decimal:
        """One GST head summed over the lines."""
        return sum((getattr(x, head) for x in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        """What the note is worth to the recipient, tax included."""
        return self.taxable + self.tax("igst") + self.tax("cgst") + self.tax("sgst")

    @property
    def inter_state(self) -> bool:
        """Whether the place of supply is in another state than the seller's (IGST)."""
        return bool(self.recipient) and self.recipient.state_code != self.seller_state


def note_number(prefix: str, date: dt.date, payout_id: int) -> str:
    """`SCN/2627/42`: prefix, financial year of `date` and the payout's id."""
    start = date.year if date.month >= 4 else date.year - 1
    return f"{prefix}/{start % 100:02d}{(start + 1) % 100:02d}/{payout_id}"


def split(amount: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """`amount` over the keys in proportion to their weights, half-up to the paisa; what
    rounding leaves over goes to the heaviest key (the first by name among equals), so the
    parts add up to `amount` exactly."""
    total = sum(weights.values(), Decimal(0))
    parts = {k: money(amount * w / total) for k, w in sorted(weights.items())}
    heaviest = max(sorted(weights), key=lambda k: weights[k])
    parts[heaviest] += amount - sum(parts.values(), Decimal(0))
    return parts


def tax_line(hsn: str, taxable: Decimal, rate: Decimal, *, inter_state: bool) -> TaxLine:
    """The line's GST: IGST at the rate across states, else CGST and SGST at half each,
    each half-up to the paisa."""
    if inter_state:
        return TaxLine(hsn, taxable, rate, igst=money(taxable * rate / 100))
    half = money(taxable * rate / 200)
    return TaxLine(hsn, taxable, rate, cgst=half, sgst=half)


@dataclass(frozen=True)
class Facts:
    """What the warehouse says about one note's recipient and period: value bought per
    HSN code (the weights of the split) and the invoices."""

    by_hsn: Mapping[str, Decimal]
    invoices: tuple[Invoice, ...]


def build_notes(recorded: Sequence[Recorded], *, settings: TaxSettings,
                recipients: Mapping[str, Recipient], facts: Mapping[str, Facts],
                source: str = "recipients.csv") -> tuple[list[TaxNote], list[Diagnostic]]:
    """Each recorded note with its tax, and every problem that keeps one from its GST
    note (a note with a problem is left out; the caller refuses the export)."""
    notes, problems = [], []
    seller_gaps = settings.seller.missing()
    for r in recorded:
        choice = settings.program(r.program_id)
        number = note_number(settings.notes.prefix, r.date, r.payout_id)
        kind: Literal["CRN", "DBN"] = "DBN" if r.amount < 0 else "CRN"
        recipient = recipients.get(r.participant_id)
        if choice.credit_note == "financial":
            notes.append(plain_note(r, settings=settings, recipient=recipient))
            continue
        why = _gst_gaps(r, recipient, facts.get(r.reference), seller_gaps, source)
        if why:
            problems.append(why)
            continue
        assert recipient is not None
        inter = recipient.state_code != settings.seller.state_code
        lines = []
        for hsn, value in split(abs(r.amount), facts[r.reference].by_hsn).items():
            rate = settings.gst_rate(hsn, r.date)
            if rate is None:
                problems.append(Diagnostic(
                    SourceSpan("settings", 1, 1), "gst_rate_missing",
                    f"{r.reference}: no GST rate for HSN {hsn} on {r.date}",
                    f'add [[gst_rates]] hsn = "{hsn}", rate, from = a date on or before it'))
                break
            lines.append(tax_line(hsn, value, rate, inter_state=inter))
        else:
            notes.append(TaxNote(number, kind, r, True, choice.benefit, recipient,
                                 tuple(lines), facts[r.reference].invoices,
                                 settings.seller.state_code))
    return notes, list(dict.fromkeys(problems))  # a missing seller is said once, not per note


def plain_note(r: Recorded, *, settings: TaxSettings,
               recipient: Recipient | None) -> TaxNote:
    """The note without GST: a financial note, or any note as TDS sees it."""
    kind: Literal["CRN", "DBN"] = "DBN" if r.amount < 0 else "CRN"
    return TaxNote(note_number(settings.notes.prefix, r.date, r.payout_id), kind, r, False,
                   settings.program(r.program_id).benefit, recipient, ())


def _gst_gaps(r: Recorded, recipient: Recipient | None, fact: Facts | None,
              seller_gaps: list[str], source: str) -> Diagnostic | None:
    """Why the note cannot be a GST credit note, or None."""
    if seller_gaps:
        return Diagnostic(SourceSpan("settings", 1, 1), "seller_missing",
                          f"[seller] lacks {', '.join(seller_gaps)}",
                          "set them in the settings file: GST notes need the issuer")
    if recipient is None:
        return Diagnostic(SourceSpan(source, 1, 1), "recipient_missing",
                          f"{r.reference}: participant {r.participant_id!r} is not in the file",
                          "add its GSTIN, legal name, address, pincode and state code")
    if gaps := recipient.missing_for_gst():
        return Diagnostic(SourceSpan(source, recipient.row, 1), "recipient_incomplete",
                          f"{r.reference}: participant {r.participant_id!r} has no "
                          f"{', '.join(gaps)}", "fill them in, or make the program's "
                          'note `credit_note = "financial"`')
    if fact is None or not fact.invoices or sum(fact.by_hsn.values(), Decimal(0)) <= 0:
        return Diagnostic(SourceSpan("primary_sales", 1, 1), "no_preceding_invoice",
                          f"{r.reference}: {r.participant_id!r} bought nothing from "
                          f"{r.period_start} to {r.period_end}, so a GST credit note has no "
                          "invoice to reduce", 'make the program\'s note `credit_note = '
                          '"financial"`, or load its primary sales')
    return None
