"""The participant's statement: its approved payouts with their references, as CSV, Excel
(amounts as numbers) or PDF; text a spreadsheet would run as a formula is quoted."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.cells import safe_cell
from schemeops.service.context import Actor
from schemeops.service.numbers import number
from schemeops.service.portal import participant_of
from schemeops.store.models import CreditNote, Participant, Payout, Run
from schemeops.store.models import Program as ProgramModel

COLUMNS = ("reference", "program_id", "program", "period_start", "period_end", "amount",
           "paid", "reason")


@dataclass(frozen=True)
class Line:
    """One approved payout on the statement; `paid`: a credit note for it was exported."""

    reference: str
    program_id: str
    program: str
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    paid: bool
    reason: str


@dataclass(frozen=True)
class Statement:
    """A participant's approved payouts, oldest period first."""

    participant_id: str
    name: str
    lines: list[Line]

    @property
    def total(self) -> Decimal:
        """The sum of the lines."""
        return sum((x.amount for x in self.lines), Decimal("0.00"))

    def csv(self) -> bytes:
        """The lines as CSV (UTF-8), amounts with 2 places."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        for x in self.lines:
            w.writerow([safe_cell(x.reference), x.program_id, safe_cell(x.program),
                        x.period_start, x.period_end, f"{x.amount:.2f}",
                        "yes" if x.paid else "no", safe_cell(x.reason)])
        return buf.getvalue().encode("utf-8")

    def xlsx(self) -> bytes:
        """The lines as an Excel workbook: dates as dates, amounts as numbers with 2 places."""
        from openpyxl import Workbook  # slow to import; only statements need it

        wb = Workbook()
        ws = wb.active
        ws.title = "statement"
        ws.append(list(COLUMNS))
        for x in self.lines:
            ws.append([safe_cell(x.reference), x.program_id, safe_cell(x.program),
                       x.period_start, x.period_end, x.amount, "yes" if x.paid else "no",
                       safe_cell(x.reason)])
            ws.cell(ws.max_row, COLUMNS.index("amount") + 1).number_format = "#,##0.00"
            for col in ("period_start", "period_end"):
                ws.cell(ws.max_row, COLUMNS.index(col) + 1).number_format = "yyyy-mm-dd"
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def pdf(self, locale: str = "en-IN") -> bytes:
        """The statement as a one-table PDF (amounts in rupees, 'Rs': the PDF's built-in
        fonts have no rupee sign)."""
        from fpdf import FPDF  # only statements need it

        doc = FPDF(orientation="portrait", format="A4")
        doc.set_title(f"Statement of {self.participant_id}")
        doc.add_page()
        doc.set_font("Helvetica", "B", 14)
        doc.cell(0, 10, _latin(f"Statement: {self.name} ({self.participant_id})"),
                 new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", size=9)
        doc.cell(0, 6, "Approved payouts; paid = a credit note was issued.",
                 new_x="LMARGIN", new_y="NEXT")
        with doc.table(col_widths=(52, 52, 34, 32, 14), text_align=(
                "LEFT", "LEFT", "LEFT", "RIGHT", "CENTER")) as table:
            table.row(["Reference", "Program", "Period", "Amount (Rs)", "Paid"])
            for x in self.lines:
                table.row([_latin(x.reference), _latin(x.program),
                           f"{x.period_start} to {x.period_end}",
                           number(x.amount, 2, locale), "yes" if x.paid else "no"])
            table.row(["Total", "", "", number(self.total, 2, locale), ""])
        return bytes(doc.output())


def _latin(text: str) -> str:
    """Text the PDF's built-in fonts can draw (others become '?')."""
    return text.encode("latin-1", "replace").decode("latin-1")


def statement(s: Session, actor: Actor, participant_id: str | None = None) -> Statement:
    """The participant's approved payouts (only its own, ever)."""
    pid = participant_of(actor, participant_id)
    rows = s.execute(
        select(Payout, ProgramModel.name, CreditNote.reference)
        .join(Run, Run.id == Payout.run_id)
        .join(ProgramModel, ProgramModel.id == Payout.program_id)
        .outerjoin(CreditNote, CreditNote.payout_id == Payout.id)
        .where(Payout.participant_id == pid, Run.payout_status == "approved")
        .order_by(Payout.period_start, Payout.program_id, Payout.id)).all()
    name = s.scalar(select(Participant.name).where(Participant.participant_id == pid))
    return Statement(pid, name or pid, [
        Line(p.reference, p.program_id, program, p.period_start, p.period_end, p.amount,
             note is not None, p.reason) for p, program, note in rows])
