"""Dependency trends by distributor: for a live or closed program version, each enrolled
seller's dependency index (effect/dependency.py) over successive 13-week windows of the
warehouse's history, computed on request."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.effect.dependency import TREND_POINTS, index_series
from schemeops.effect.facts import BLOCK_DAYS
from schemeops.effect.run import run_effect
from schemeops.errors import UsageError
from schemeops.service.context import Actor, App
from schemeops.service.effects import MEASURED_STATES
from schemeops.service.errors import Conflict
from schemeops.service.policy import require
from schemeops.service.programs import get_version
from schemeops.store.models import Participant, ProgramVersion

#: Bootstrap draws of the measurement underneath (the trends read none of them).
RESAMPLES = 100


@dataclass(frozen=True)
class TrendRow:
    """A seller's index per window (oldest first; None: no sales in it) and its trend over
    the last two windows (`rising`, `falling`, `steady`, or empty with one window)."""

    participant_id: str
    name: str
    indices: tuple[Decimal | None, ...]
    trend: str


@dataclass(frozen=True)
class TrendsView:
    """The version, its windows (oldest first) and its sellers, most dependent first."""

    version: ProgramVersion
    windows: tuple[tuple[dt.date, dt.date], ...]
    rows: tuple[TrendRow, ...]


def measured_versions(s: Session, actor: Actor) -> list[ProgramVersion]:
    """The versions whose trends can be shown: live and closed, by program."""
    require(actor, "effects.read")
    return list(s.scalars(select(ProgramVersion).where(
        ProgramVersion.status.in_(MEASURED_STATES)).order_by(ProgramVersion.program_id,
                                                             ProgramVersion.number)))


def _trend(latest: float, previous: float) -> str:
    delta = latest - previous
    if np.isnan(delta):
        return ""
    return "rising" if delta > TREND_POINTS else "falling" if delta < -TREND_POINTS \
        else "steady"


def _index(x: float) -> Decimal | None:
    return None if np.isnan(x) else Decimal(repr(float(x))).quantize(Decimal("0.1"),
                                                                     ROUND_HALF_UP)


def dependency_trends(s: Session, app: App, actor: Actor, version_id: int) -> TrendsView:
    """Measure the version on the warehouse now and give its sellers' index per window."""
    require(actor, "effects.read")
    v = get_version(s, version_id)
    if v.status not in MEASURED_STATES:
        raise Conflict(f"{v.program_id} version {v.number} is {v.status}: dependency on a "
                       "program is measured for a live or closed version")
    with tempfile.TemporaryDirectory(prefix="schemeops-trends-") as folder:
        path = Path(folder) / f"{v.program_id}.yaml"
        path.write_text(v.yaml, encoding="utf-8")
        try:
            e = run_effect(path, warehouse=app.warehouse, backend=app.backend,
                           resamples=RESAMPLES)
        except UsageError as err:
            raise Conflict(str(err)) from None
    series = index_series(e.cube, e.calendar, e.season)[e.treated]  # latest first
    last = max(e.calendar.table["day"].to_pylist())
    windows = tuple((last - dt.timedelta(days=BLOCK_DAYS * (b + 1) - 1),
                     last - dt.timedelta(days=BLOCK_DAYS * b))
                    for b in range(series.shape[1]))[::-1]
    ids = [str(x) for x in e.cube.ids[e.treated]]
    names = dict(s.execute(select(Participant.participant_id, Participant.name).where(
        Participant.participant_id.in_(ids))).all())
    rows = [TrendRow(pid, names.get(pid, ""), tuple(_index(x) for x in series[j][::-1]),
                     _trend(series[j][0], series[j][1]) if series.shape[1] > 1 else "")
            for j, pid in enumerate(ids)]  # formatting the page's rows
    rows.sort(key=lambda r: (r.indices[-1] is None, -(r.indices[-1] or 0), r.participant_id))
    return TrendsView(v, windows, tuple(rows))
