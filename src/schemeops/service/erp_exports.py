"""ERP exports of an export's credit notes: GST e-invoices, GSTR-1 CDNR rows, Tally
vouchers, the flat journal and TDS under s.194R (docs/erp-exports.md). The notes are those
an export first carried, so each note (and its voucher) belongs to one export: exporting a
run again makes no new note and no new voucher."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import ibis
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from schemeops.erp.csvfile import to_csv
from schemeops.erp.einvoice import dumps, einvoice
from schemeops.erp.facts import purchases
from schemeops.erp.gstr1 import cdnr_csv
from schemeops.erp.journal import journal_csv, journal_rows, journal_xlsx
from schemeops.erp.ledgers import GlMapping
from schemeops.erp.notes import Recorded, build_notes, plain_note
from schemeops.erp.recipients import Recipient
from schemeops.erp.schema import problems as schema_problems
from schemeops.erp.settings import SettingsError, TaxSettings
from schemeops.erp.tally import vouchers_xml
from schemeops.erp.tds import LINE_COLUMNS, SUMMARY_COLUMNS, line_rows, quarterly, tds_lines
from schemeops.errors import Diagnostic, SourceSpan
from schemeops.service.context import Actor
from schemeops.service.errors import NotFound
from schemeops.service.policy import require
from schemeops.store.audit import record
from schemeops.store.models import CreditNote, Export, Participant, Payout

#: Notes are dated in India, whatever the server's zone.
INDIA = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True)
class ErpInputs:
    """What the data does not say: tax settings, GL mapping and the recipients' master."""

    settings: TaxSettings
    gl: GlMapping
    recipients: Mapping[str, Recipient]
    recipients_file: str = "recipients.csv"


@dataclass(frozen=True)
class ErpFiles:
    """The files of one export's notes, by name."""

    export_id: int
    files: dict[str, bytes]
    notes: int
    vouchers: list[str]


def erp_export(s: Session, actor: Actor, export_id: int, *, warehouse: Path,
               inputs: ErpInputs) -> ErpFiles:
    """The ERP files of the notes export `export_id` first carried; refused with every
    located problem when one note cannot be made (nothing is half-written)."""
    require(actor, "exports.create")
    if s.get(Export, export_id) is None:
        raise NotFound(f"export {export_id} does not exist")
    recorded = _recorded(s, CreditNote.first_export_id == export_id)
    gst = [r for r in recorded if inputs.settings.program(r.program_id).credit_note == "gst"]
    con = ibis.duckdb.connect(str(warehouse), read_only=True)
    try:
        facts, problems = purchases(con, gst, inputs.settings)
    finally:
        con.disconnect()
    notes, more = build_notes(recorded, settings=inputs.settings, recipients=inputs.recipients,
                              facts=facts, source=inputs.recipients_file)
    problems += more
    docs = [einvoice(n, inputs.settings.seller) for n in notes if n.gst]
    for n, doc in zip([n for n in notes if n.gst], docs, strict=True):
        problems += [Diagnostic(SourceSpan("einvoice", 1, 1), "einvoice_schema",
                                f"{n.number}: {p}", "fix the data or settings it came from")
                     for p in schema_problems(json.loads(dumps(doc)))]
    if problems:
        raise SettingsError(problems)
    xml, vouchers = vouchers_xml(notes, inputs.gl)
    journal = journal_rows(notes, inputs.gl)
    tds = tds_lines(_year_notes(s, recorded, inputs), inputs.settings)
    files = {"einvoice.json": ("[" + ",".join(dumps(d) for d in docs) + "]").encode("utf-8"),
             "gstr1-cdnr.csv": cdnr_csv(notes), "tally-vouchers.xml": xml,
             "journal.csv": journal_csv(journal), "journal.xlsx": journal_xlsx(journal),
             "tds-notes.csv": to_csv(line_rows(tds), LINE_COLUMNS),
             "tds-quarterly.csv": to_csv(quarterly(tds), SUMMARY_COLUMNS)}
    record(s, actor=actor.username, action="erp.exported", subject_type="export",
           subject_id=export_id, details={"notes": len(notes), "einvoices": len(docs),
                                          "vouchers": len(vouchers)})
    return ErpFiles(export_id, files, len(notes), vouchers)


def _year_notes(s: Session, recorded: list[Recorded], inputs: ErpInputs) -> list:
    """Every note from the start of the financial year of `recorded`'s earliest note on,
    from every export (a year's TDS counts them all), as TDS sees them."""
    if not recorded:
        return []
    first = min(r.date for r in recorded)
    start = dt.date(first.year if first.month >= 4 else first.year - 1, 4, 1)
    since = dt.datetime.combine(start, dt.time(), INDIA)
    return [plain_note(r, settings=inputs.settings, recipient=inputs.recipients.get(
        r.participant_id)) for r in _recorded(s, Export.created_at >= since)]


def _recorded(s: Session, where: ColumnElement[bool]) -> list[Recorded]:
    rows = s.execute(
        select(CreditNote.reference, CreditNote.payout_id, CreditNote.participant_id,
               Participant.name, Payout.program_id, Payout.period_start, Payout.period_end,
               CreditNote.amount, Export.created_at, Payout.reason)
        .join(Payout, Payout.id == CreditNote.payout_id)
        .join(Export, Export.id == CreditNote.first_export_id)
        .outerjoin(Participant, Participant.participant_id == CreditNote.participant_id)
        .where(where).order_by(CreditNote.payout_id)).all()
    return [Recorded(ref, pid, part, name or "", prog, start, end, amount,
                     at.astimezone(INDIA).date(), reason or "")
            for ref, pid, part, name, prog, start, end, amount, at, reason in rows]
