"""A filtered payout list as a file: CSV, or an Excel workbook whose amounts are numbers
(2 places) and dates are dates. Text that a spreadsheet would run as a formula is quoted."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from schemeops.cells import safe_cell
from schemeops.service.payout_list import PayoutRow

COLUMNS = ("participant_id", "participant_name", "region", "program_id", "period_start",
           "period_end", "amount", "reference", "corrects", "reason")
AMOUNT_FORMAT, DATE_FORMAT = "#,##0.00", "yyyy-mm-dd"


def _values(r: PayoutRow) -> list[object]:
    return [r.participant_id, r.name, r.region or "", r.program_id, r.period_start,
            r.period_end, r.amount, r.reference, r.corrects_id or "", r.reason or ""]


def payouts_csv(rows: list[PayoutRow]) -> bytes:
    """The rows as CSV (UTF-8): amounts with 2 places, dates ISO, text guarded."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([f"{v:.2f}" if k == "amount" else
                    v.isoformat() if k in ("period_start", "period_end") else safe_cell(v)
                    for k, v in zip(COLUMNS, _values(r), strict=True)])
    return buf.getvalue().encode("utf-8")


def payouts_xlsx(rows: list[PayoutRow]) -> bytes:
    """The rows as an Excel workbook: numeric amounts and real dates, each with its format."""
    wb = Workbook()
    ws = wb.active
    ws.title = "payouts"
    ws.append(list(COLUMNS))
    amount, dates = COLUMNS.index("amount") + 1, (COLUMNS.index("period_start") + 1,
                                                  COLUMNS.index("period_end") + 1)
    for r in rows:
        ws.append([safe_cell(v) if isinstance(v, str) else v for v in _values(r)])
        ws.cell(ws.max_row, amount).number_format = AMOUNT_FORMAT
        for col in dates:
            ws.cell(ws.max_row, col).number_format = DATE_FORMAT
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
