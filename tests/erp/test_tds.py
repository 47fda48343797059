"""TDS under s.194R across two quarters of 2026-27, worked out by hand."""

from __future__ import annotations

import datetime as dt

from erp_support import recorded

from schemeops.erp.notes import build_notes
from schemeops.erp.tds import quarterly, tds_lines

D = dt.date


def _notes(settings, recipients):
    """D001 (PRG-CASH, an incentive: counts):
         31 May 12,000.00  Q1  sum 12,000.00                      TDS 0
         30 Jun  5,000.00  Q1  sum 17,000.00                      TDS 0
         31 Jul  4,000.00  Q2  sum 21,000.00 > 20,000: due 2,100.00 on the whole sum → 2,100.00
         31 Aug  1,500.00  Q2  sum 22,500.00: due 2,250.00, 2,100.00 already → 150.00
         30 Sep −2,500.00  Q2  sum 20,000.00 (not above): due 0, nothing given back → 0
       D001 PRG-GIFT 30,000.00 (free goods) and PRG-GST 50,000.00 (price discount): excluded.
       D002 (PRG-CASH): 31 Mar 2026 15,000.00 is the year 2025-26; in 2026-27, 30 Jun
         10,000.00 and 31 Jul 10,000.00 make 20,000.00, exactly the threshold: no TDS.
       Q1 D001: benefits 17,000.00, TDS 0.00, not over; Q2 D001: 3,000.00, TDS 2,250.00,
       over; Q2 D002: 10,000.00, sum 20,000.00, not over."""
    spec = [("12000.00", "D001", "PRG-CASH", D(2026, 5, 31)),
            ("5000.00", "D001", "PRG-CASH", D(2026, 6, 30)),
            ("4000.00", "D001", "PRG-CASH", D(2026, 7, 31)),
            ("30000.00", "D001", "PRG-GIFT", D(2026, 7, 15)),
            ("50000.00", "D001", "PRG-GST-FIN", D(2026, 8, 1)),
            ("1500.00", "D001", "PRG-CASH", D(2026, 8, 31)),
            ("-2500.00", "D001", "PRG-CASH", D(2026, 9, 30)),
            ("15000.00", "D002", "PRG-CASH", D(2026, 3, 31)),
            ("10000.00", "D002", "PRG-CASH", D(2026, 6, 30)),
            ("10000.00", "D002", "PRG-CASH", D(2026, 7, 31))]
    recs = [recorded(a, participant=p, program=prog, date=d, payout_id=i)
            for i, (a, p, prog, d) in enumerate(spec, 1)]
    notes, errs = build_notes(recs, settings=settings.model_copy(update={"programs": {
        **settings.programs, "PRG-GST-FIN": settings.programs["PRG-GST"].model_copy(
            update={"credit_note": "financial"})}}), recipients=recipients, facts={})
    assert errs == []
    return notes


def test_tds_per_note(settings, recipients):
    lines = tds_lines(_notes(settings, recipients), settings)
    d001 = [(x.note.note.date, str(x.counted), str(x.cumulative), str(x.tds), x.over)
            for x in lines if x.note.note.participant_id == "D001"]
    assert d001 == [
        (D(2026, 5, 31), "12000.00", "12000.00", "0.00", False),
        (D(2026, 6, 30), "5000.00", "17000.00", "0.00", False),
        (D(2026, 7, 15), "0.00", "17000.00", "0.00", False),
        (D(2026, 7, 31), "4000.00", "21000.00", "2100.00", True),
        (D(2026, 8, 1), "0.00", "21000.00", "0.00", True),
        (D(2026, 8, 31), "1500.00", "22500.00", "150.00", True),
        (D(2026, 9, 30), "-2500.00", "20000.00", "0.00", True)]
    assert all(x.tds == 0 for x in lines if x.note.note.participant_id == "D002")


def test_quarterly_summary(settings, recipients):
    rows = quarterly(tds_lines(_notes(settings, recipients), settings))
    got = [(r["financial_year"], r["quarter"], r["participant_id"], r["benefits"],
            r["year_to_date"], r["over_threshold"], r["tds"], r["pan"]) for r in rows]
    assert got == [
        ("2025-26", "Q4", "D002", "15000.00", "15000.00", "no", "0.00", "AAACB4321L"),
        ("2026-27", "Q1", "D001", "17000.00", "17000.00", "no", "0.00", "AAACM5678K"),
        ("2026-27", "Q1", "D002", "10000.00", "10000.00", "no", "0.00", "AAACB4321L"),
        ("2026-27", "Q2", "D001", "3000.00", "20000.00", "yes", "2250.00", "AAACM5678K"),
        ("2026-27", "Q2", "D002", "10000.00", "20000.00", "no", "0.00", "AAACB4321L")]


def test_before_the_section_was_in_force_nothing_counts(settings, recipients):
    [note], _ = build_notes([recorded("90000.00", program="PRG-CASH", date=D(2022, 6, 30))],
                            settings=settings, recipients=recipients, facts={})
    [line] = tds_lines([note], settings)
    assert (line.counted, line.tds) == (0, 0)
