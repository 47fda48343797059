"""Pre-launch forecasts of a program version: its program replayed on the warehouse's
history (`schemeops forecast`), beside the program's live version when it would replace it,
with the expected ROI from the lifts stored effect estimates measured on similar programs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.engine.backends import connect_warehouse
from schemeops.errors import UsageError
from schemeops.forecast.run import Forecast, forecast
from schemeops.forecast.similar import PastLift
from schemeops.program.model import Program as ProgramSpec
from schemeops.service.context import Actor, App
from schemeops.service.effects import ranking
from schemeops.service.errors import Conflict
from schemeops.service.policy import require
from schemeops.service.programs import check, get_version
from schemeops.store.models import ProgramVersion

#: Replays, draws and seed: the CLI's defaults, so a page and a command agree.
REPLAYS, RESAMPLES, SEED = 3, 200, 0


@dataclass(frozen=True)
class ForecastView:
    """A computed forecast of a version, and the live version it is compared with."""

    version: ProgramVersion
    live: ProgramVersion | None
    forecast: Forecast


def _spec(v: ProgramVersion) -> ProgramSpec:
    spec = check(v.yaml)[0]
    if spec is None:
        raise Conflict(f"{v.program_id} version {v.number} no longer checks: fix it first")
    return spec


def live_version(s: Session, v: ProgramVersion) -> ProgramVersion | None:
    """The program's live version when `v` is another version of it (it would replace it)."""
    if v.status == "live":
        return None
    return s.scalar(select(ProgramVersion).where(ProgramVersion.program_id == v.program_id,
                                                 ProgramVersion.status == "live"))


def past_lifts(s: Session, actor: Actor) -> list[tuple[ProgramSpec, PastLift]]:
    """Every program's newest stored effect estimate: its program and the lift of its
    latest period (those whose text no longer checks or that measured none left out)."""
    out = []
    for r in ranking(s, actor):  # one row per program with an estimate
        spec = check(r.estimate.version.yaml)[0]
        if spec is None or r.row.net_lift_pct is None:
            continue
        out.append((spec, PastLift(r.program_id, f"effect estimate #{r.estimate.id}",
                                   r.row.period_start.isoformat(), r.row.net_lift_pct,
                                   r.row.low, r.row.high)))
    return out


def forecast_version(s: Session, app: App, actor: Actor, version_id: int) -> ForecastView:
    """Forecast a version on the warehouse now (authorised like a simulation); not stored."""
    require(actor, "runs.simulate")
    v = get_version(s, version_id)
    live = live_version(s, v)
    con = connect_warehouse(app.warehouse, app.backend)
    try:
        fc = forecast(_spec(v), con, live=_spec(live) if live else None,
                      past=past_lifts(s, actor), count=REPLAYS, resamples=RESAMPLES,
                      seed=SEED)
    except UsageError as e:
        raise Conflict(str(e)) from None
    finally:
        con.disconnect()
    return ForecastView(v, live, fc)
