"""Export a run's approved payouts as credit notes (CSV and Excel); each payout's reference
becomes one credit note, once, however often the run is exported. A negative payout (a
true-up taken back under `allow_clawback`, or a correction downwards) is a debit note."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.cells import safe_cell
from schemeops.service.context import Actor
from schemeops.service.errors import Conflict
from schemeops.service.holds import Settled, decided_pays, held_participants
from schemeops.service.policy import require
from schemeops.service.runs import get_run
from schemeops.store.audit import record
from schemeops.store.models import CreditNote, Export, Participant, Payout, Run
from schemeops.store.outbox import emit

COLUMNS = ("reference", "participant_id", "participant_name", "program_id", "period_start",
           "period_end", "amount", "corrects", "reason", "first_exported_in", "document")
#: What a line is: the participant is credited, or debited (the amount is then what it owes).
CREDIT_NOTE, DEBIT_NOTE = "credit note", "debit note"


@dataclass(frozen=True)
class CreditNotes:
    """One export: its record and its lines."""

    export: Export
    lines: list[dict]

    def csv(self) -> bytes:
        """The lines as CSV (UTF-8)."""
        buf = io.StringIO()
        w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows({k: safe_cell(v) for k, v in line.items()} for line in self.lines)
        return buf.getvalue().encode("utf-8")

    def xlsx(self) -> bytes:
        """The lines as an Excel workbook, amounts as numbers with 2 places."""
        wb = Workbook()
        ws = wb.active
        ws.title = "credit notes"
        ws.append(list(COLUMNS))
        for line in self.lines:
            # text a spreadsheet would run as a formula (a reason typed as "=cmd…") is quoted;
            # the amount is a number, not the CSV's text, so the sheet can add it up
            ws.append([Decimal(line[c]) if c == "amount" else
                       safe_cell(line[c]) if isinstance(line[c], str) else line[c]
                       for c in COLUMNS])
            ws.cell(ws.max_row, COLUMNS.index("amount") + 1).number_format = "#,##0.00"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


def export(s: Session, actor: Actor, run_id: int) -> CreditNotes:
    """Credit notes for every non-zero payout of an approved run; new references are
    recorded, known ones come back unchanged and are never paid again. A payout of a
    participant with an open blocking case is held (left out until the case is decided);
    a decided case's payout pays what the decision allows (docs/cases.md)."""
    require(actor, "exports.create")
    run = get_run(s, run_id)
    if run.kind != "calculation" or run.payout_status != "approved":
        raise Conflict("only an approved calculation's payouts can be exported")
    due, skipped = _due(s, run)
    ex = Export(run_id=run.id, created_by=actor.user_id, rows=len(due), new_credit_notes=0,
                total=sum((d[3] for d in due), Decimal("0.00")))
    s.add(ex)
    s.flush()
    lines, new = [], []
    for p, name, first, amount, reason in due:
        if first is None:
            new.append({"reference": p.reference, "payout_id": p.id,
                        "participant_id": p.participant_id, "amount": amount,
                        "first_export_id": ex.id})
        lines.append({"reference": p.reference, "participant_id": p.participant_id,
                      "participant_name": name or "", "program_id": p.program_id,
                      "period_start": p.period_start.isoformat(),
                      "period_end": p.period_end.isoformat(), "amount": f"{abs(amount):.2f}",
                      "document": DEBIT_NOTE if amount < 0 else CREDIT_NOTE,
                      "corrects": p.corrects_id or "",
                      "reason": reason,
                      "first_exported_in": first or ex.id})
    for n in new:
        s.add(CreditNote(**n))
    ex.new_credit_notes = len(new)
    record(s, actor=actor.username, action="payouts.exported", subject_type="run",
           subject_id=run.id, details={"export": ex.id, "rows": len(due), "new": len(new),
                                       "total": ex.total, "held": skipped})
    emit(s, "export.made", subject_type="export", subject_id=ex.id,
         data={"export": ex.id, "run": run.id, "rows": len(due), "new_credit_notes": len(new),
               "total": ex.total, "held": skipped, "exported_by": actor.username})
    return CreditNotes(ex, lines)


_Due = tuple[Payout, str | None, int | None, Decimal, str]


def _due(s: Session, run: Run) -> tuple[list[_Due], int]:
    """The lines an export of the run carries now (payout, participant name, the export that
    first carried it or None, amount, reason), and how many held payouts it leaves out."""
    rows = s.execute(
        select(Payout, Participant.name, CreditNote.first_export_id, CreditNote.amount)
        .outerjoin(Participant, Participant.participant_id == Payout.participant_id)
        .outerjoin(CreditNote, CreditNote.payout_id == Payout.id)
        .where(Payout.run_id == run.id, Payout.amount != 0)
        .order_by(Payout.program_id, Payout.participant_id, Payout.period_start)).all()
    held, decided = held_participants(s), decided_pays(s, run.id)
    due, skipped = [], 0
    for p, name, first, noted in rows:
        if first is not None:  # exported before: the same line, at what it paid
            due.append((p, name, first, noted, _reason(p, decided.get(p.id))))
        elif p.participant_id in held:
            skipped += 1
        elif p.id not in decided:
            due.append((p, name, None, p.amount, _reason(p, None)))
        elif (settled := decided[p.id]).amount != 0:
            due.append((p, name, None, settled.amount, _reason(p, settled)))
    return due, skipped


def new_notes(s: Session, run: Run) -> int:
    """How many credit notes an export of the approved run would add now (0: a copy)."""
    return sum(d[2] is None for d in _due(s, run)[0])


def _reason(p: Payout, settled: Settled | None) -> str:
    """The payout's reason, and the decision of the case that held it."""
    return "; ".join(filter(None, [p.reason, settled and settled.note]))
