"""The double entry of a note: which ledgers it debits and credits. A credit note debits
the scheme expense (and the GST heads it reduces) and credits the recipient; a debit note
the other way round. The Tally vouchers and the flat journal both post these."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from schemeops.erp.ledgers import GlMapping, Ledger
from schemeops.erp.notes import ZERO, TaxNote

#: Characters XML 1.0 cannot carry at all (escaping does not help): dropped from text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Posting:
    """One ledger's side of a note: debit or credit (the other is zero)."""

    ledger: Ledger
    debit: Decimal = ZERO
    credit: Decimal = ZERO


def text(value: str, limit: int) -> str:
    """User text fit for a ledger or narration: no character XML cannot hold, at most
    `limit` characters (escaping `<`, `&` and quotes is the XML writer's job)."""
    return _NOT_XML.sub("", value)[:limit]


def voucher_type(note: TaxNote) -> str:
    """Tally's voucher type of the note."""
    return "Credit Note" if note.kind == "CRN" else "Debit Note"


def party_ledger(note: TaxNote, gl: GlMapping) -> Ledger:
    """The recipient's ledger: from the mapping, else its legal name, else its name."""
    r = note.note
    fallback = (note.recipient.legal_name if note.recipient and note.recipient.legal_name
                else r.participant_name or r.participant_id)
    ledger = gl.party_of(r.participant_id, fallback)
    return Ledger(name=text(ledger.name, 200), account=ledger.account)


def postings(note: TaxNote, gl: GlMapping) -> list[Posting]:
    """The note's postings; debits equal credits."""
    heads = [(gl.igst, note.tax("igst")), (gl.cgst, note.tax("cgst")),
             (gl.sgst, note.tax("sgst"))]
    costs = [(gl.expense_of(note.note.program_id), note.taxable),
             *[(ledger, v) for ledger, v in heads if v]]
    party = party_ledger(note, gl)
    if note.kind == "CRN":
        return [*(Posting(ledger, debit=v) for ledger, v in costs),
                Posting(party, credit=note.total)]
    return [Posting(party, debit=note.total),
            *(Posting(ledger, credit=v) for ledger, v in costs)]


def narration(note: TaxNote) -> str:
    """What the voucher is for, in words."""
    r = note.note
    return text(f"Scheme {r.program_id} {r.period_start} to {r.period_end}, ref {r.reference}"
                + (f": {r.reason}" if r.reason else ""), 500)
