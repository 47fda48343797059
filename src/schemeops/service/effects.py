"""Effect estimates: run `schemeops effect` on a program version against the warehouse as it
is, store its rows exactly with who, when and the data fingerprint, read them back for the
effectiveness page and rank programs by their latest estimate."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from schemeops.cells import safe_cell
from schemeops.effect.report import baseline_span, dependency_rows, effect_rows, period_methods
from schemeops.effect.run import run_effect
from schemeops.engine.backends import connect_warehouse
from schemeops.engine.fingerprint import warehouse_fingerprint
from schemeops.service.context import Actor, App
from schemeops.service.errors import Conflict
from schemeops.service.policy import require
from schemeops.service.programs import get_version
from schemeops.store.audit import record
from schemeops.store.effect_models import (
    DEPENDENCY_EXACT,
    EFFECT_EXACT,
    EFFECT_MONEY,
    EffectDependency,
    EffectEstimate,
    EffectExclusion,
    EffectLine,
    EffectPart,
)
from schemeops.store.models import Participant, Program

#: Versions whose effect is measured: those that are or were calculated and paid.
MEASURED_STATES = ("live", "closed")
#: Draws of the bootstrap and their seed: the CLI's defaults, so a page and a command agree.
RESAMPLES, SEED = 1000, 0


@dataclass(frozen=True)
class PeriodNotes:
    """How a period was measured: the side parts counted, and the participants and controls
    left out because their sales jumped (sorted)."""

    parts: list[str]
    participants: list[str]
    controls: list[str]


@dataclass(frozen=True)
class EffectView:
    """A version's newest estimate: the program's row per period (oldest first), the
    participants' rows, the dependency rows (most dependent first), the participants'
    names, and how each period was measured (none on estimates stored before it was
    kept)."""

    estimate: EffectEstimate
    program_rows: list[EffectLine]
    participant_rows: list[EffectLine]
    dependency: list[EffectDependency]
    names: dict[str, str]
    notes: dict[dt.date, PeriodNotes]


@dataclass(frozen=True)
class Ranked:
    """A program in the ranking: its latest estimate's latest period."""

    program_id: str
    name: str
    estimate: EffectEstimate
    row: EffectLine


def _exact(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _line(estimate_id: int, row: dict[str, str]) -> dict:
    return {"estimate_id": estimate_id, "participant_id": row["participant_id"],
            "period_start": dt.date.fromisoformat(row["period_start"]),
            "method": row["method"], "verdict": row["verdict"],
            "participants": int(row["participants"]), "controls": int(row["controls"]),
            **{c: _exact(row[c]) for c in EFFECT_EXACT},
            **{c: Decimal(row[c]) for c in EFFECT_MONEY}}


def _dependency(estimate_id: int, row: dict[str, str]) -> dict:
    return {"estimate_id": estimate_id, "participant_id": row["participant_id"],
            "trend": row["trend"], **{c: _exact(row[c]) for c in DEPENDENCY_EXACT}}


def estimate(s: Session, app: App, actor: Actor, version_id: int) -> EffectEstimate:
    """Measure a live or closed version's program on the warehouse now and store the result
    (authorised like a calculation); audited as `effect.estimated`."""
    require(actor, "runs.start")
    v = get_version(s, version_id)
    if v.status not in MEASURED_STATES:
        raise Conflict(f"{v.program_id} version {v.number} is {v.status}: only a live or "
                       "closed version's effect is measured (simulate a draft instead)")
    con = connect_warehouse(app.warehouse, app.backend)
    try:
        fingerprint = warehouse_fingerprint(con)
    finally:
        con.disconnect()
    with tempfile.TemporaryDirectory(prefix="schemeops-effect-") as folder:
        path = Path(folder) / f"{v.program_id}.yaml"
        path.write_text(v.yaml, encoding="utf-8")
        effect = run_effect(path, warehouse=app.warehouse, backend=app.backend,
                            resamples=RESAMPLES, seed=SEED)
    est = EffectEstimate(program_id=v.program_id, version_id=v.id, created_by=actor.user_id,
                         data_fingerprint=fingerprint, backend=app.backend,
                         resamples=RESAMPLES, seed=SEED, baseline_span=baseline_span(effect))
    s.add(est)
    s.flush()
    lines = effect_rows(effect)
    deps = dependency_rows(effect)
    methods = period_methods(effect)
    parts = [{"estimate_id": est.id, "period_start": m.period_start, "part": part}
             for m in methods for part in m.parts_counted]
    left_out = [{"estimate_id": est.id, "period_start": m.period_start, "seller_id": seller,
                 "side": side} for m in methods
                for side, sellers in (("participant", m.jumped_participants),
                                      ("control", m.jumped_controls)) for seller in sellers]
    for model, rows in ((EffectLine, [_line(est.id, r) for r in lines]),
                        (EffectDependency, [_dependency(est.id, r) for r in deps]),
                        (EffectPart, parts), (EffectExclusion, left_out)):
        if rows:
            s.execute(insert(model), rows)
    whole = [r for r in lines if not r["participant_id"]]
    record(s, actor=actor.username, action="effect.estimated", subject_type="program_version",
           subject_id=v.id, details={"estimate": est.id, "fingerprint": fingerprint,
                                     "periods": [r["period_start"] for r in whole],
                                     "roi": [r["roi"] for r in whole],
                                     "verdict": [r["verdict"] for r in whole]})
    return est


def version_effect(s: Session, actor: Actor, version_id: int) -> EffectView | None:
    """The version's newest stored estimate (None before the first)."""
    require(actor, "effects.read")
    get_version(s, version_id)
    est = s.scalar(select(EffectEstimate).where(EffectEstimate.version_id == version_id)
                   .order_by(EffectEstimate.id.desc()).limit(1))
    if est is None:
        return None
    lines = list(s.scalars(select(EffectLine).where(EffectLine.estimate_id == est.id)
                           .order_by(EffectLine.period_start, EffectLine.participant_id)))
    deps = list(s.scalars(select(EffectDependency).where(
        EffectDependency.estimate_id == est.id).order_by(EffectDependency.participant_id)))
    deps.sort(key=lambda d: -(d.dependency_index or Decimal(0)))  # stable: ids within ties
    names = dict(s.execute(select(Participant.participant_id, Participant.name).where(
        Participant.participant_id.in_([d.participant_id for d in deps]))).all())
    program_rows = [r for r in lines if not r.participant_id]
    return EffectView(est, program_rows, [r for r in lines if r.participant_id], deps, names,
                      _notes(s, est, [r.period_start for r in program_rows]))


def _notes(s: Session, est: EffectEstimate, periods: list[dt.date]) -> dict[dt.date, PeriodNotes]:
    """Each period's notes; none when the estimate predates them (no baseline span)."""
    if est.baseline_span is None:
        return {}
    notes = {p: PeriodNotes([], [], []) for p in periods}
    for period, part in s.execute(select(EffectPart.period_start, EffectPart.part).where(
            EffectPart.estimate_id == est.id).order_by(EffectPart.part)):
        notes.setdefault(period, PeriodNotes([], [], [])).parts.append(part)
    for period, seller, side in s.execute(
            select(EffectExclusion.period_start, EffectExclusion.seller_id,
                   EffectExclusion.side).where(EffectExclusion.estimate_id == est.id)
            .order_by(EffectExclusion.seller_id)):
        note = notes.setdefault(period, PeriodNotes([], [], []))
        (note.participants if side == "participant" else note.controls).append(seller)
    return notes


def _rank_key(r: Ranked) -> tuple:
    """ROI high to low, then cost per incremental unit low to high; unknowns last."""
    roi, cpu = r.row.roi, r.row.cost_per_incremental_unit
    return (roi is None, -(roi or 0), cpu is None, cpu or 0, r.program_id)


def ranking(s: Session, actor: Actor) -> list[Ranked]:
    """Every program with an estimate, by its latest estimate's latest period: ROI, then
    cost per incremental unit."""
    require(actor, "effects.read")
    newest = (select(func.max(EffectEstimate.id)).group_by(EffectEstimate.program_id)
              .scalar_subquery())
    estimates = {e.id: e for e in s.scalars(select(EffectEstimate)
                                            .where(EffectEstimate.id.in_(newest)))}
    last = (select(EffectLine.estimate_id, func.max(EffectLine.period_start).label("p"))
            .where(EffectLine.estimate_id.in_(estimates), EffectLine.participant_id == "")
            .group_by(EffectLine.estimate_id).subquery())
    rows = s.scalars(select(EffectLine).join(
        last, (EffectLine.estimate_id == last.c.estimate_id)
        & (EffectLine.period_start == last.c.p)).where(EffectLine.participant_id == ""))
    names = dict(s.execute(select(Program.id, Program.name)).all())
    ranked = [Ranked(estimates[r.estimate_id].program_id,
                     names.get(estimates[r.estimate_id].program_id, ""),
                     estimates[r.estimate_id], r) for r in rows]
    return sorted(ranked, key=_rank_key)


RANKING_COLUMNS = ("rank", "program_id", "name", "version", "period_start", "roi", "roi_low",
                   "roi_high", "verdict", "cost_per_incremental_unit", "incremental_value",
                   "subsidised_value", "cost", "net_lift_pct", "paying_for_baseline_share",
                   "method", "estimate", "estimated_at", "estimated_by", "data_fingerprint")


def _text(x: object) -> str:
    return "" if x is None else str(x)


def ranking_csv(ranked: list[Ranked]) -> str:
    """The ranking as CSV; every cell through `safe_cell` (names are typed by people)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(RANKING_COLUMNS)
    for n, r in enumerate(ranked, 1):
        e, row = r.estimate, r.row
        w.writerow([safe_cell(x) for x in (
            n, r.program_id, r.name, e.version.number, row.period_start.isoformat(),
            _text(row.roi), _text(row.roi_low), _text(row.roi_high), row.verdict,
            _text(row.cost_per_incremental_unit), row.incremental_value,
            _text(row.subsidised_value), row.cost, _text(row.net_lift_pct),
            _text(row.paying_for_baseline_share), row.method, e.id,
            e.created_at.isoformat(timespec="seconds"), e.author.username,
            e.data_fingerprint)])
    return out.getvalue()
