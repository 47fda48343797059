"""Write a measurement: effect.csv, dependency.csv and manifest.json (written last)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from schemeops import __version__
from schemeops.effect.facts import HALO_DAYS
from schemeops.effect.run import Effect, PeriodResult
from schemeops.outdir import MARK, fresh_folder
from schemeops.program.parse import program_version

EFFECT_COLUMNS = (
    "program_id", "period_start", "participant_id", "net_lift_pct", "low", "high",
    "incremental_value", "cost", "roi", "paying_for_baseline_share", "verdict", "roi_low",
    "roi_high", "method", "baseline_value", "actual_value", "subsidised_value",
    "in_scheme_value", "halo_value",
    "dip_value", "cannibalised_value", "incremental_units", "cost_per_incremental_unit",
    "cost_pct_of_sales", "earner_rate", "margin", "payout", "participants", "controls")
DEPENDENCY_COLUMNS = ("program_id", "participant_id", "scheme_share_13w", "post_drop_13w",
                      "dependency_index", "previous_index", "index_change", "trend")


@dataclass(frozen=True)
class PeriodMethod:
    """How a period was measured: the side parts that stood out and were counted, and the
    sellers left out because their sales jumped (docs/effectiveness.md)."""

    period_start: dt.date
    parts_counted: tuple[str, ...]
    jumped_participants: tuple[str, ...]
    jumped_controls: tuple[str, ...]


def baseline_span(e: Effect) -> str:
    """The baseline's months on each side of a period, as the manifest says it ("all": every
    month)."""
    return "all" if e.span is None else str(e.span)


def period_methods(e: Effect) -> list[PeriodMethod]:
    """Each period's method, in the periods' order."""
    return [PeriodMethod(r.window.start, tuple(sorted(r.measured.parts_counted)),
                         tuple(sorted(str(p) for p in r.ids[~r.measured.in_program])),
                         tuple(sorted(r.jumped_controls))) for r in e.periods]


def _fixed(x: float | Decimal | None, places: int) -> str:
    """`x` half-up to `places` ('' for unknown)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    d = x if isinstance(x, Decimal) else Decimal(repr(round(float(x), 9)))
    q = d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return str(q.copy_abs() if q == 0 else q)  # never "-0.00"


def _money(c: int) -> str:
    return str((Decimal(int(c)) / 100).quantize(Decimal("0.01")))


def verdict(low: float, high: float) -> str:
    """worth_it when the ROI interval is above 0, not_worth_it below, else inconclusive."""
    if math.isnan(low) or math.isnan(high):
        return ""
    return "worth_it" if low > 0 else "not_worth_it" if high < 0 else "inconclusive"


def _program_row(e: Effect, r: PeriodResult) -> dict[str, str]:
    """The program's row: every participant's sums, but the incremental value and its parts,
    which are those of the participants whose sales did not jump (`in_program`) scaled to
    the whole program (`program_share`)."""
    m = r.measured
    k, share = m.in_program, m.program_share
    net = m.program_net_cents
    cost, payout = int(r.cost_cents.sum()), int(r.payout_cents.sum())
    units = share * float(m.net_units[k].sum())
    actual = float(m.actual.sum())
    subsidised = float(m.actual[r.payout_cents > 0].sum())
    return {
        "participant_id": "", "net_lift_pct": _fixed(m.program_lift, 2),
        "low": _fixed(m.program_lift_interval[0], 2),
        "high": _fixed(m.program_lift_interval[1], 2), "incremental_value": _money(net),
        "cost": _money(cost), "roi": _fixed(m.program_roi, 4),
        "paying_for_baseline_share": _fixed(m.paying_for_baseline_share, 4),
        "verdict": verdict(*m.program_roi_interval) if cost > 0 else "",
        "roi_low": _fixed(m.program_roi_interval[0], 4),
        "roi_high": _fixed(m.program_roi_interval[1], 4),
        "baseline_value": _fixed(float(m.counterfactual.sum()), 2),
        "actual_value": _fixed(actual, 2), "subsidised_value": _fixed(subsidised, 2),
        "in_scheme_value": _fixed(share * m.in_scheme[k].sum(), 2),
        "halo_value": _fixed(share * m.halo[k].sum(), 2),
        "dip_value": _fixed(share * m.dip[k].sum(), 2),
        "cannibalised_value": _fixed(share * m.cannibalised[k].sum(), 2),
        "incremental_units": _fixed(units, 3),
        "cost_per_incremental_unit": _fixed(cost / 100 / units, 2) if units > 0 else "",
        "cost_pct_of_sales": _fixed(100 * cost / 100 / actual, 2) if actual > 0 else "",
        "earner_rate": _fixed(float((r.payout_cents > 0).mean()), 4)
        if r.ids.size else "",
        "margin": _fixed(r.margin, 4), "payout": _money(payout),
        "participants": str(r.ids.size), "controls": str(r.controls)}


def _participant_rows(r: PeriodResult) -> list[dict[str, str]]:
    m = r.measured
    rows = []
    for j, pid in enumerate(r.ids):  # formatting output rows (the estimates are arrays)
        cost, units, actual = int(r.cost_cents[j]), float(m.net_units[j]), float(m.actual[j])
        paid = int(r.payout_cents[j])
        rows.append({
            "participant_id": str(pid), "net_lift_pct": _fixed(m.lift[j], 2),
            "low": _fixed(m.lift_low[j], 2), "high": _fixed(m.lift_high[j], 2),
            "incremental_value": _money(m.net_cents[j]), "cost": _money(cost),
            "roi": _fixed(m.roi[j], 4),
            "paying_for_baseline_share": ("1.0000" if m.paid_for_baseline[j] else "0.0000")
            if paid > 0 else "",
            "verdict": verdict(m.roi_low[j], m.roi_high[j]) if cost > 0 else "",
            "roi_low": _fixed(m.roi_low[j], 4), "roi_high": _fixed(m.roi_high[j], 4),
            "baseline_value": _fixed(m.counterfactual[j], 2), "actual_value": _fixed(actual, 2),
            "subsidised_value": _fixed(actual if paid > 0 else 0.0, 2),
            "in_scheme_value": _fixed(m.in_scheme[j], 2), "halo_value": _fixed(m.halo[j], 2),
            "dip_value": _fixed(m.dip[j], 2),
            "cannibalised_value": _fixed(m.cannibalised[j], 2),
            "incremental_units": _fixed(units, 3),
            "cost_per_incremental_unit": _fixed(cost / 100 / units, 2)
            if units > 0 and cost > 0 else "",
            "cost_pct_of_sales": _fixed(cost / actual, 2) if actual > 0 else "",
            "earner_rate": "", "margin": _fixed(r.margin, 4), "payout": _money(paid),
            "participants": "1", "controls": str(r.controls)})
    return rows


def effect_rows(e: Effect) -> list[dict[str, str]]:
    """effect.csv's rows: per period, the program's row, then its participants by id."""
    out = []
    for r in e.periods:
        head = {"program_id": e.program.id, "period_start": r.window.start.isoformat(),
                "method": r.method}
        for row in [_program_row(e, r), *_participant_rows(r)]:
            out.append({**head, **row})
    return out


def dependency_rows(e: Effect) -> list[dict[str, str]]:
    """dependency.csv's rows: the treated participants by id."""
    d = e.dependency
    return [{"program_id": e.program.id, "participant_id": str(e.cube.ids[j]),
             "scheme_share_13w": _fixed(d.share[j], 4), "post_drop_13w": _fixed(d.drop[j], 4),
             "dependency_index": _fixed(d.index[j], 1),
             "previous_index": _fixed(d.previous[j], 1),
             "index_change": _fixed(d.index[j] - d.previous[j], 1), "trend": str(d.trend[j])}
            for j in e.treated]


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def write_effect(e: Effect, out: Path, *, warehouse: Path, backend: str, resamples: int,
                 seed: int) -> dict[str, int]:
    """Write the three files into `out` (whole or not at all); the rows of each CSV."""
    effect, dep, methods = effect_rows(e), dependency_rows(e), period_methods(e)
    with fresh_folder(out) as work:
        _write(work / "effect.csv", EFFECT_COLUMNS, effect)
        _write(work / "dependency.csv", DEPENDENCY_COLUMNS, dep)
        manifest = {
            "program": {e.program.id: program_version(e.program)}, "warehouse": str(warehouse),
            "data_fingerprint": e.data_fingerprint,
            "backend": backend, "periods": [r.window.start.isoformat() for r in e.periods],
            "methods": sorted({r.method for r in e.periods}), "halo_days": HALO_DAYS,
            "baseline_span_months": "all" if e.span is None else e.span,
            "parts_counted": {m.period_start.isoformat(): list(m.parts_counted)
                              for m in methods},
            "sales_jumps": {m.period_start.isoformat(): {
                "participants": list(m.jumped_participants),
                "controls": list(m.jumped_controls)} for m in methods},
            "resamples": resamples, "seed": seed, "interval": "90% bootstrap percentile",
            "rows": {"effect": len(effect), "dependency": len(dep)},
            "timings": e.timings, "schemeops_version": __version__}
        (work / MARK).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return {"effect": len(effect), "dependency": len(dep)}
