"""The flat journal: every note's postings as rows with their GL accounts (CSV or Excel),
for an ERP that imports journals rather than Tally vouchers."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook

from schemeops.cells import safe_cell
from schemeops.erp.csvfile import to_csv
from schemeops.erp.ledgers import GlMapping
from schemeops.erp.notes import TaxNote
from schemeops.erp.postings import narration, postings, voucher_type

COLUMNS = ("voucher_number", "date", "voucher_type", "reference", "participant_id",
           "program_id", "ledger", "account", "debit", "credit", "narration")
_MONEY = ("debit", "credit")


def journal_rows(notes: Iterable[TaxNote], gl: GlMapping) -> list[dict[str, object]]:
    """One row per posting, debits and credits as Decimal."""
    return [{"voucher_number": n.number, "date": n.note.date.isoformat(),
             "voucher_type": voucher_type(n), "reference": n.note.reference,
             "participant_id": n.note.participant_id, "program_id": n.note.program_id,
             "ledger": p.ledger.name, "account": p.ledger.account, "debit": p.debit,
             "credit": p.credit, "narration": narration(n)}
            for n in notes for p in postings(n, gl)]


def journal_csv(rows: list[dict[str, object]]) -> bytes:
    """The rows as CSV (UTF-8), text safe from formula injection, money with 2 places."""
    return to_csv(rows, COLUMNS)


def journal_xlsx(rows: list[dict[str, object]]) -> bytes:
    """The rows as an Excel workbook, debits and credits as numbers with 2 places."""
    wb = Workbook()
    ws = wb.active
    ws.title = "journal"
    ws.append(list(COLUMNS))
    for r in rows:
        ws.append([r[c] if c in _MONEY else safe_cell(r[c]) for c in COLUMNS])
        for c in _MONEY:
            ws.cell(ws.max_row, COLUMNS.index(c) + 1).number_format = "#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


