"""The detection pipeline: bind the warehouse → run each detector → execute findings and
evidence → value at risk by counterfactual → typed Findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.detect.backdated_entries import backdated_entries
from schemeops.detect.circular_flows import circular_flows
from schemeops.detect.dummy_outlets import dummy_outlets
from schemeops.detect.duplicate_claims import duplicate_claims
from schemeops.detect.finding import (
    EVIDENCE_COLUMNS,
    FINDING_KEYS,
    KINDS,
    Detection,
    EvidenceRow,
    Finding,
)
from schemeops.detect.month_end_stuffing import month_end_stuffing
from schemeops.detect.months import months_table
from schemeops.detect.sales_jump import sales_jump
from schemeops.detect.slab_bunching import slab_bunching
from schemeops.detect.territory_violations import territory_violations
from schemeops.detect.token_invoices import token_invoices
from schemeops.detect.value_at_risk import kind_risk, payouts
from schemeops.engine.data import Data
from schemeops.program.model import Program

Detector = Callable[[Data, ibis.Table], Detection]
#: The detectors that read only the warehouse, each `(data, months) -> Detection`.
DETECTORS: dict[str, Detector] = {
    "dummy_outlets": dummy_outlets,
    "month_end_stuffing": month_end_stuffing,
    "sales_jump": sales_jump,
    "token_invoices": token_invoices,
    "territory_violations": territory_violations,
    "circular_flows": circular_flows,
    "backdated_entries": backdated_entries,
}


def detectors(programs: Sequence[Program], claims: ibis.Table | None) -> dict[str, Detector]:
    """Every kind's detector, in KINDS order: slab bunching reads the programs' thresholds
    (none without programs), duplicate claims the claim lines (absent without them)."""
    every = {**DETECTORS, "slab_bunching": partial(slab_bunching, programs=programs)}
    if claims is not None:
        every["duplicate_claims"] = partial(duplicate_claims, claims=claims)
    return {k: every[k] for k in KINDS if k in every}


def _day(x: object) -> dt.date:
    """A scalar date as the backend returns it (date, datetime or pandas Timestamp)."""
    return x.date() if hasattr(x, "date") and type(x) is not dt.date else x  # type: ignore[return-value]


def _ids(kind: str, f: pa.Table) -> pa.Array:
    """Stable finding ids: kind:participant:YYYY-MM."""
    month = pc.strftime(f["period_start"], format="%Y-%m")
    return pc.binary_join_element_wise(kind, f["participant_id"], month, ":")


def detect(data: Data, con: ibis.BaseBackend, *, periods: Sequence[dt.date] = (),
           programs: Sequence[Program] = (), claims: ibis.Table | None = None,
           spill: bool = False) -> tuple[list[Finding], dict[str, int]]:
    """Every detector's findings (in `periods`' months when given), with their evidence and
    value at risk: the kind's own (duplicate claims: the amount claimed again) or the payout
    difference against `programs` (0 without programs); and, with `spill`, the spill per
    kind (every counterfactual then runs on the whole network; see `value_at_risk`)."""
    lo = _day(con.execute(data.sales.invoice_date.min()))
    hi = _day(con.execute(data.sales.invoice_date.max()))
    months = months_table(lo, hi)
    base = payouts(list(programs), data) if programs else None
    base = con.execute(base).pipe(ibis.memtable) if base is not None else None
    out: list[Finding] = []
    spilled: dict[str, int] = {}
    for kind, fn in detectors(programs, claims).items():  # one query per kind, not per row
        det = fn(data, months)
        ft, et = _executed(det, months, periods, con)
        ft = ft.append_column("finding_id", _ids(kind, ft))
        risk = {}
        if det.risk is not None and ft.num_rows:
            rt = con.to_pyarrow(det.risk)
            by = dict(zip(zip(rt["participant_id"].to_pylist(), rt["period_start"].to_pylist(),
                              strict=True), rt["value_at_risk"].to_pylist(), strict=True))
            risk = {r["finding_id"]: by.get((r["participant_id"], r["period_start"]), 0)
                    for r in ft.to_pylist()}
        elif base is not None and ft.num_rows:
            fm = ibis.memtable(ft.select(["finding_id", "participant_id", "period_start",
                                          "period_end"]))
            lines = ibis.memtable(et.filter(pc.equal(et["table"], "sales"))
                                  .select(["invoice_id", "line_no"]))
            r = kind_risk(list(programs), data, base, fm, lines, whole=spill)
            rt = con.to_pyarrow(r.per_finding)
            risk = dict(zip(rt["finding_id"].to_pylist(), rt["value_at_risk"].to_pylist(),
                            strict=True))
            if r.spill is not None:
                spilled[kind] = con.to_pyarrow(r.spill.participant_id.nunique().name("n")
                                               .as_table())["n"][0].as_py()
        out.extend(_findings(kind, ft, et, risk))
    return out, spilled


def _executed(det: Detection, months: ibis.Table, periods: Sequence[dt.date],
              con: ibis.BaseBackend) -> tuple[pa.Table, pa.Table]:
    """A detection's findings (participant_id, period_start, period_end, score; in
    `periods`' months when given) and their evidence rows, sorted, from one query: the
    evidence reads the findings, so two queries would run the detector twice."""
    f = det.findings.join(months, "period_start")
    if periods:
        f = f.filter(f.period_start.isin(list(periods)))
    ev = det.evidence.semi_join(f, list(FINDING_KEYS))
    found = ["period_end", "score"]
    both = ibis.union(
        f.select(*FINDING_KEYS, *found, _evidence=ibis.literal(False),
                 **{c: ibis.null(ev[c].type()) for c in EVIDENCE_COLUMNS}),
        ev.select(*FINDING_KEYS, **{c: ibis.null(f[c].type()) for c in found},
                  _evidence=ibis.literal(True), **{c: ev[c] for c in EVIDENCE_COLUMNS}),
        distinct=False)
    t = con.to_pyarrow(both.order_by(["_evidence", *FINDING_KEYS, *EVIDENCE_COLUMNS]))
    is_ev = t["_evidence"]
    return (t.filter(pc.invert(is_ev)).select([*FINDING_KEYS, *found]),
            t.filter(is_ev).select([*FINDING_KEYS, *EVIDENCE_COLUMNS]))


def _findings(kind: str, ft: pa.Table, et: pa.Table, risk: dict[str, Decimal]
              ) -> list[Finding]:
    """Typed findings from one kind's executed tables (bounded by the flagged seller-months,
    never by the rows of the warehouse)."""
    by_key: dict[tuple, list[EvidenceRow]] = {}
    for r in et.to_pylist():
        by_key.setdefault((r["participant_id"], r["period_start"]), []).append(EvidenceRow(
            r["table"], r["invoice_id"], r["line_no"], r["outlet_id"], r["claim_id"]))
    return [Finding(finding_id=r["finding_id"], kind=kind, participant_id=r["participant_id"],
                    period_start=r["period_start"], period_end=r["period_end"],
                    score=round(float(r["score"]), 4),
                    value_at_risk=Decimal(risk.get(r["finding_id"], 0)).quantize(Decimal("0.01")),
                    evidence=tuple(by_key.get((r["participant_id"], r["period_start"]), ())))
            for r in ft.to_pylist()]
