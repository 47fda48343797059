"""TDS on business benefits (s.194R): per recipient and financial year, the benefits that
count (incentives, at their value before GST; free goods and price discounts do not) are
added up; once the year's sum exceeds the threshold, TDS is due on the whole sum at the
rate in force, and each note carries what became due with it. A debit note lowers the sum;
TDS already due is never given back by a later note (the recipient claims it)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from schemeops.erp.notes import ZERO, TaxNote, money
from schemeops.erp.settings import TaxSettings


def financial_year(d) -> str:
    """`2026-27` for any day from 1 April 2026 to 31 March 2027."""
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def quarter(d) -> str:
    """The financial year's quarter: Q1 April–June … Q4 January–March."""
    return f"Q{(d.month - 4) % 12 // 3 + 1}"


@dataclass(frozen=True)
class TdsLine:
    """One note's part in its recipient's year."""

    note: TaxNote
    counted: Decimal
    cumulative: Decimal
    over: bool
    tds: Decimal
    section: str
    rate: Decimal

    @property
    def year(self) -> str:
        """The note's financial year."""
        return financial_year(self.note.note.date)

    @property
    def quarter(self) -> str:
        """The note's quarter of its financial year."""
        return quarter(self.note.note.date)


def tds_lines(notes: Sequence[TaxNote], settings: TaxSettings) -> list[TdsLine]:
    """Every note with what it counts for and the TDS it makes due, by recipient, year and
    date; the notes must be all of each recipient's notes of the years concerned."""
    ordered = sorted(notes, key=lambda n: (n.note.participant_id, n.note.date, n.number))
    out: list[TdsLine] = []
    sums: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for n in ordered:
        key = (n.note.participant_id, financial_year(n.note.date))
        total, deducted = sums.get(key, (ZERO, ZERO))
        rule = settings.tds_rule(n.note.date)
        if rule is None or n.benefit != "incentive":  # free goods, price discounts
            out.append(TdsLine(n, ZERO, total, deducted > 0, ZERO, rule.section if rule
                               else "", rule.rate if rule else ZERO))
            continue
        total += n.note.amount
        due = money(total * rule.rate / 100) if total > rule.threshold else ZERO
        tds = max(ZERO, due - deducted)
        deducted += tds
        sums[key] = (total, deducted)
        out.append(TdsLine(n, n.note.amount, total, deducted > 0, tds, rule.section,
                           rule.rate))
    return out


LINE_COLUMNS = ("financial_year", "quarter", "note_date", "note_number", "reference",
                "participant_id", "participant_name", "pan", "program_id", "benefit",
                "counted", "year_to_date", "over_threshold", "tds", "section", "rate")
SUMMARY_COLUMNS = ("financial_year", "quarter", "participant_id", "participant_name", "pan",
                   "benefits", "year_to_date", "over_threshold", "tds", "section")


def line_rows(lines: Iterable[TdsLine]) -> list[dict[str, str]]:
    """The lines as text rows, one per note."""
    return [{"financial_year": x.year, "quarter": x.quarter,
             "note_date": x.note.note.date.isoformat(), "note_number": x.note.number,
             "reference": x.note.note.reference, "participant_id": x.note.note.participant_id,
             "participant_name": x.note.note.participant_name,
             "pan": x.note.recipient.pan if x.note.recipient else "",
             "program_id": x.note.note.program_id, "benefit": x.note.benefit,
             "counted": f"{x.counted:.2f}", "year_to_date": f"{x.cumulative:.2f}",
             "over_threshold": "yes" if x.over else "no", "tds": f"{x.tds:.2f}",
             "section": x.section, "rate": f"{x.rate.normalize():f}"} for x in lines]


def quarterly(lines: Iterable[TdsLine]) -> list[dict[str, str]]:
    """Per year, quarter and recipient: benefits counted, the year's sum at the quarter's
    last note, whether it has exceeded the threshold, and the TDS due in the quarter."""
    groups: dict[tuple[str, str, str], list[TdsLine]] = {}
    for x in lines:
        groups.setdefault((x.year, x.quarter, x.note.note.participant_id), []).append(x)
    rows = []
    for (year, q, pid), xs in sorted(groups.items()):
        last = xs[-1]
        rows.append({"financial_year": year, "quarter": q, "participant_id": pid,
                     "participant_name": last.note.note.participant_name,
                     "pan": last.note.recipient.pan if last.note.recipient else "",
                     "benefits": f"{sum((x.counted for x in xs), ZERO):.2f}",
                     "year_to_date": f"{last.cumulative:.2f}",
                     "over_threshold": "yes" if any(x.over for x in xs) else "no",
                     "tds": f"{sum((x.tds for x in xs), ZERO):.2f}",
                     "section": next((x.section for x in xs if x.section), "")})
    return rows
