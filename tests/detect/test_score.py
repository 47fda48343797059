"""The scorer: matching by kind, participant and overlapping period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from schemeops.cells import safe_cell
from schemeops.detect.finding import Finding
from schemeops.detect.score import Label, negatives_hit, read_labels, score
from schemeops.detect.write import write_findings
from schemeops.errors import UsageError

D = dt.date


def _f(kind, pid, start, end):
    return Finding(f"{kind}:{pid}:{start}", kind, pid, start, end, 1.5, Decimal("0.00"), ())


def test_recall_and_precision_by_kind_participant_and_overlap():
    labels = [Label("sales_jump", "D1", D(2026, 6, 1), D(2026, 6, 30)),
              Label("sales_jump", "D2", D(2026, 7, 1), D(2026, 7, 31)),
              Label("month_end_stuffing", "D3", D(2026, 6, 29), D(2026, 7, 5))]
    findings = [_f("sales_jump", "D1", D(2026, 6, 1), D(2026, 6, 30)),   # true
                _f("sales_jump", "D2", D(2026, 6, 1), D(2026, 6, 30)),   # wrong month
                _f("sales_jump", "D3", D(2026, 6, 1), D(2026, 6, 30)),   # wrong kind for D3
                _f("month_end_stuffing", "D3", D(2026, 7, 1), D(2026, 7, 31))]  # overlaps
    jump, stuff = score(findings, labels, ["sales_jump", "month_end_stuffing"])
    # sales_jump: 1 of 2 labels found, 1 of 3 findings true.
    assert (jump.recall, jump.precision) == (0.5, pytest.approx(1 / 3))
    assert (stuff.recall, stuff.precision) == (1.0, 1.0)
    assert negatives_hit(findings, [Label("festival_month", "D2", D(2026, 6, 1),
                                          D(2026, 6, 30))]) == 1


def test_empty_kind_has_no_ratio():
    (s,) = score([], [], ["token_invoices"])
    assert s.recall is None and s.precision is None


def test_labels_in_the_shared_format_and_bad_dates(tmp_path):
    p = tmp_path / "labels.csv"
    p.write_text("label_id,kind,distributor_id,counterparty_id,period_start,period_end,"
                 "outlet_ids,invoice_ids,note\n"
                 "L1,sales_jump,D1,,2026-06-01,2026-06-30,,,x\n")
    assert read_labels(p) == [Label("sales_jump", "D1", D(2026, 6, 1), D(2026, 6, 30))]
    p.write_text("kind,distributor_id,period_start,period_end\nsales_jump,D1,June,2026-06-30\n")
    with pytest.raises(UsageError, match=r"labels.csv:2: period_start"):
        read_labels(p)
    p.write_text("kind,period_start\n")
    with pytest.raises(UsageError, match="missing column"):
        read_labels(p)


def test_cells_that_a_spreadsheet_would_run_are_escaped(tmp_path):
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("@SUM") == "'@SUM" and safe_cell("D1") == "D1"
    f = _f("sales_jump", "=cmd|x", D(2026, 6, 1), D(2026, 6, 30))
    assert write_findings([f], tmp_path) == (1, 0)
    assert "'=cmd|x" in (tmp_path / "findings.csv").read_text()
