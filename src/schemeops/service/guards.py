"""A version's guard verdicts as an approver sees them: the version beside the live or
approved version of every other program, judged on the app's warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemeops.engine.backends import connect_warehouse
from schemeops.engine.data import Data
from schemeops.errors import SchemeopsError
from schemeops.guards import Verdict, blocking, evaluate, limits_for
from schemeops.guards.burn import burn_verdict, running_period
from schemeops.guards.views import Views, views
from schemeops.program.check import check_text
from schemeops.program.model import Program as ProgramSpec
from schemeops.service.context import App
from schemeops.service.programs import get_version
from schemeops.store.models import Payout, Program, ProgramVersion, Run

#: The versions a new one may stack with: what pays now or may go live.
STACKING_STATES = ("live", "approved")


@dataclass(frozen=True)
class GuardReport:
    """Every guard's verdict on a version, what it was judged beside, and why it could not
    be judged (`problem`, then no verdicts)."""

    verdicts: list[Verdict] = field(default_factory=list)
    #: The other versions it was stacked with, as "program vN".
    beside: list[str] = field(default_factory=list)
    #: Days history was moved forward to stand in for the version's periods (0: none).
    shift: int = 0
    #: The program's reason for its own limits ('' for the defaults).
    reason: str = ""
    #: Ids in its `exclusive_with` that name no program in the store.
    unknown: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def blocked(self) -> list[Verdict]:
        """The verdicts that hold its approval."""
        return blocking(self.verdicts)

    def audit(self) -> dict[str, object]:
        """The report as audit details: each verdict, the limits' reason, what it stood beside."""
        return {"guards": [v.as_dict() for v in self.verdicts], "guards_reason": self.reason,
                "guards_beside": self.beside, "guards_problem": self.problem}


def _spec(v: ProgramVersion) -> ProgramSpec | None:
    return check_text(v.yaml, f"{v.program_id}-v{v.number}.yaml")[0]


def stacking_versions(s: Session, v: ProgramVersion) -> list[ProgramVersion]:
    """The newest live or approved version of every other program."""
    out = []
    for p in s.scalars(select(Program).where(Program.id != v.program_id).order_by(Program.id)):
        paying = [o for o in p.versions if o.status in STACKING_STATES]
        if paying:
            out.append(max(paying, key=lambda o: o.number))
    return out


def _beside(s: Session, v: ProgramVersion) -> list[tuple[ProgramVersion, ProgramSpec]]:
    return [(o, o_spec) for o in stacking_versions(s, v) if (o_spec := _spec(o)) is not None]


def judge(s: Session, app: App, v: ProgramVersion) -> GuardReport:
    """Every guard's verdict on the version, stacked with the other programs' paying
    versions, on the app's warehouse file (read by DuckDB whatever the runs' backend: a
    page view does not start Spark)."""
    spec = _spec(v)
    if spec is None:
        return GuardReport(problem="its text no longer checks")
    others = _beside(s, v)
    known = set(s.scalars(select(Program.id)))
    unknown = [i for i in spec.exclusive_with or () if i not in known]
    beside = [f"{o.program_id} v{o.number}" for o, _ in others]
    try:
        con = connect_warehouse(app.warehouse, "duckdb")
    except SchemeopsError as e:
        return GuardReport(beside=beside, unknown=unknown, problem=str(e))
    try:
        verdicts, shift = evaluate(spec, [o for _, o in others], Data.from_backend(con))
    finally:
        con.disconnect()
    return GuardReport(verdicts, beside, shift, limits_for(spec).reason, unknown)


@dataclass(frozen=True)
class StackingReport:
    """The version's stacking and margin by SKU and region, what it was stacked with, and
    why it could not be read (`problem`, then no views)."""

    views: Views | None
    beside: list[str]
    problem: str = ""


def stacking(s: Session, app: App, v: ProgramVersion) -> StackingReport:
    """The version stacked with the other programs' paying versions, as `judge` stacks it,
    grouped by SKU and by region."""
    spec = _spec(v)
    if spec is None:
        return StackingReport(None, [], "its text no longer checks")
    others = _beside(s, v)
    beside = [f"{o.program_id} v{o.number}" for o, _ in others]
    try:
        con = connect_warehouse(app.warehouse, "duckdb")
    except SchemeopsError as e:
        return StackingReport(None, beside, str(e))
    try:
        return StackingReport(views(spec, [o for _, o in others],
                                    Data.from_backend(con)), beside)
    finally:
        con.disconnect()


def burn_alerts(s: Session, run: Run) -> list[tuple[str, Verdict]]:
    """Budget burn of each program with a budget in a succeeded as-of run, from the
    payouts the run stored for the period running on its as-of date (dispute adjustments
    left out)."""
    if run.as_of is None or run.status != "succeeded":
        return []
    out = []
    for rv in run.programs:
        spec = _spec(get_version(s, rv.version_id))
        if spec is None or spec.caps.budget is None or run.as_of < spec.period.start:
            continue
        clipped, _whole = running_period(spec, run.as_of)
        paid = s.scalar(select(func.sum(Payout.amount)).where(
            Payout.run_id == run.id, Payout.program_id == rv.program_id,
            Payout.period_start == clipped.start, Payout.dispute_id.is_(None)))
        out.append((rv.program_id, burn_verdict(spec, paid or Decimal(0), run.as_of,
                                                limits_for(spec))))
    return out
