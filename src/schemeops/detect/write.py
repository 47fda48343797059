"""findings.csv and evidence.csv, cells escaped against spreadsheet formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from schemeops.cells import safe_cell
from schemeops.detect.finding import Finding

FINDINGS_COLUMNS = ("finding_id", "kind", "participant_id", "period_start", "period_end",
                    "score", "value_at_risk", "evidence_rows")
EVIDENCE_FILE_COLUMNS = ("finding_id", "table", "invoice_id", "line_no", "outlet_id",
                         "claim_id")
def write_findings(findings: Iterable[Finding], out: Path) -> tuple[int, int]:
    """Write out/findings.csv and out/evidence.csv; return their row counts."""
    out.mkdir(parents=True, exist_ok=True)
    nf = ne = 0
    with (out / "findings.csv").open("w", newline="", encoding="utf-8") as ff, \
            (out / "evidence.csv").open("w", newline="", encoding="utf-8") as fe:
        wf, we = csv.writer(ff, lineterminator="\n"), csv.writer(fe, lineterminator="\n")
        wf.writerow(FINDINGS_COLUMNS)
        we.writerow(EVIDENCE_FILE_COLUMNS)
        for f in findings:
            # score and value_at_risk are numbers we format; ids are user data, escaped
            wf.writerow([safe_cell(f.finding_id), f.kind, safe_cell(f.participant_id),
                         f.period_start, f.period_end, f"{f.score:.4f}",
                         f"{f.value_at_risk:.2f}", len(f.evidence)])
            nf += 1
            for e in f.evidence:
                we.writerow([safe_cell(f.finding_id), e.table, safe_cell(e.invoice_id),
                             "" if e.line_no is None else e.line_no, safe_cell(e.outlet_id),
                             safe_cell(e.claim_id)])
                ne += 1
    return nf, ne
