"""The detection pipeline: bind the warehouse → run each detector → execute findings and
evidence → value at risk by counterfactual → typed Findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.detect.dummy_outlets import dummy_outlets
from schemeops.detect.finding import Detection, EvidenceRow, Finding
from schemeops.detect.month_end_stuffing import month_end_stuffing
from schemeops.detect.months import months_table
from schemeops.detect.sales_jump import sales_jump
from schemeops.detect.territory_violations import territory_violations
from schemeops.detect.token_invoices import token_invoices
from schemeops.detect.value_at_risk import kind_risk, payouts
from schemeops.engine.data import Data
from schemeops.program.model import Program

#: One detector per kind, each `(data, months) -> Detection`.
DETECTORS: dict[str, Callable[[Data, ibis.Table], Detection]] = {
    "dummy_outlets": dummy_outlets,
    "month_end_stuffing": month_end_stuffing,
    "sales_jump": sales_jump,
    "token_invoices": token_invoices,
    "territory_violations": territory_violations,
}


def _day(x: object) -> dt.date:
    """A scalar date as the backend returns it (date, datetime or pandas Timestamp)."""
    return x.date() if hasattr(x, "date") and type(x) is not dt.date else x  # type: ignore[return-value]


def _ids(kind: str, f: pa.Table) -> pa.Array:
    """Stable finding ids: kind:participant:YYYY-MM."""
    month = pc.strftime(f["period_start"], format="%Y-%m")
    return pc.binary_join_element_wise(kind, f["participant_id"], month, ":")


def detect(data: Data, con: ibis.BaseBackend, *, periods: Sequence[dt.date] = (),
           programs: Sequence[Program] = ()) -> tuple[list[Finding], dict[str, int]]:
    """Every detector's findings (in `periods`' months when given), with their evidence and
    value at risk against `programs` (0 without programs); and the spill per kind (see
    `value_at_risk`)."""
    lo = _day(con.execute(data.sales.invoice_date.min()))
    hi = _day(con.execute(data.sales.invoice_date.max()))
    months = months_table(lo, hi)
    base = payouts(list(programs), data) if programs else None
    base = con.execute(base).pipe(ibis.memtable) if base is not None else None
    out: list[Finding] = []
    spill: dict[str, int] = {}
    for kind, fn in DETECTORS.items():  # one query per kind, not per row
        det = fn(data, months)
        f = det.findings.join(months, "period_start")
        if periods:
            f = f.filter(f.period_start.isin(list(periods)))
        ft = con.to_pyarrow(f.order_by(["participant_id", "period_start"]))
        ft = ft.append_column("finding_id", _ids(kind, ft))
        ev = det.evidence.semi_join(f, ["participant_id", "period_start"])
        et = con.to_pyarrow(ev.order_by(["participant_id", "period_start", "table",
                                         "invoice_id", "line_no", "outlet_id"]))
        risk = {}
        if base is not None and ft.num_rows:
            fm = ibis.memtable(ft.select(["finding_id", "participant_id", "period_start",
                                          "period_end"]))
            lines = ibis.memtable(et.filter(pc.equal(et["table"], "sales"))
                                  .select(["invoice_id", "line_no"]))
            r = kind_risk(list(programs), data, base, fm, lines)
            rt = con.to_pyarrow(r.per_finding)
            risk = dict(zip(rt["finding_id"].to_pylist(), rt["value_at_risk"].to_pylist(),
                            strict=True))
            spill[kind] = con.to_pyarrow(r.spill.participant_id.nunique().name("n")
                                         .as_table())["n"][0].as_py()
        out.extend(_findings(kind, ft, et, risk))
    return out, spill


def _findings(kind: str, ft: pa.Table, et: pa.Table, risk: dict[str, Decimal]
              ) -> list[Finding]:
    """Typed findings from one kind's executed tables (bounded by the flagged seller-months,
    never by the rows of the warehouse)."""
    by_key: dict[tuple, list[EvidenceRow]] = {}
    for r in et.to_pylist():
        by_key.setdefault((r["participant_id"], r["period_start"]), []).append(EvidenceRow(
            r["table"], r["invoice_id"], r["line_no"], r["outlet_id"]))
    return [Finding(finding_id=r["finding_id"], kind=kind, participant_id=r["participant_id"],
                    period_start=r["period_start"], period_end=r["period_end"],
                    score=round(float(r["score"]), 4),
                    value_at_risk=Decimal(risk.get(r["finding_id"], 0)).quantize(Decimal("0.01")),
                    evidence=tuple(by_key.get((r["participant_id"], r["period_start"]), ())))
            for r in ft.to_pylist()]
