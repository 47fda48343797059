"""Reading a run's results: its report (totals, budget, decisions, payout distribution) and
one participant's explanation (its payout list is in payout_list.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.engine.holdout import is_held_out
from schemeops.engine.settlement import warning_text
from schemeops.engine.story import Explanation, Row, stories
from schemeops.program.parse import parse_program
from schemeops.service.context import Actor
from schemeops.service.errors import Forbidden, NotFound
from schemeops.service.policy import region_scope, require, require_participant
from schemeops.service.runs import budget_use, get_run
from schemeops.store.models import (
    Decision,
    ExplanationLine,
    Export,
    Participant,
    Payout,
    ProgramVersion,
    Run,
    RunVersion,
    RunWarning,
)
from schemeops.store.models import Program as ProgramModel


@dataclass(frozen=True)
class RunReport:
    """A run as its page shows it; budget and exports are hidden from regional heads."""

    run: Run
    programs: list[RunVersion]
    region: str | None
    budget: list[dict]
    decisions: list[Decision]
    exports: list[Export]
    amounts: dict[str, list[Decimal]]


def _scoped(q, region: str | None):  # type: ignore[no-untyped-def]
    if region is None:
        return q
    return q.join(Participant, Participant.participant_id == Payout.participant_id).where(
        Participant.region == region)


def run_report(s: Session, actor: Actor, run_id: int) -> RunReport:
    """A run with its programs' numbers, budget use, decisions and payout distribution."""
    require(actor, "runs.read")
    run = get_run(s, run_id)
    region = region_scope(actor)
    amounts: dict[str, list[Decimal]] = {}
    q = _scoped(select(Payout.program_id, Payout.amount).where(Payout.run_id == run.id), region)
    for program_id, amount in s.execute(q.order_by(Payout.program_id, Payout.amount)):
        amounts.setdefault(program_id, []).append(amount)
    decisions = list(s.scalars(select(Decision).where(
        Decision.subject_type == "run", Decision.subject_id == run.id).order_by(Decision.id)))
    exports = list(s.scalars(select(Export).where(Export.run_id == run.id)
                             .order_by(Export.id))) if region is None else []
    budget = budget_use(s, run) if region is None and run.status == "succeeded" else []
    return RunReport(run, list(run.programs), region, budget, decisions, exports, amounts)


@dataclass(frozen=True)
class DrillDown:
    """One participant's explanations in a run, told from the rows the run stored (never
    recomputed: they are the run's numbers whatever the warehouse holds now)."""

    stories: list[Explanation]
    #: For each program of the run the participant has no story in whose holdout its id
    #: falls: why, in words (a control group member is not enrolled).
    held_out: list[str] = dataclasses.field(default_factory=list)


_ROW_FIELDS = [f.name for f in dataclasses.fields(Row)]


def stored_rows(s: Session, run_id: int, participant_id: str) -> list[Row]:
    """The participant's explanation rows of a run, in the order calc wrote them."""
    lines = s.scalars(select(ExplanationLine).where(
        ExplanationLine.run_id == run_id, ExplanationLine.participant_id == participant_id)
        .order_by(ExplanationLine.id))
    return [Row.of({f: getattr(x, f) for f in _ROW_FIELDS}) for x in lines]


def stored_warnings(s: Session, run_id: int, participant_id: str
                    ) -> dict[tuple[str, dt.date], tuple[str, ...]]:
    """The participant's early-payment warnings of a run in words, per program and period."""
    out: dict[tuple[str, dt.date], list[str]] = {}
    for w in s.scalars(select(RunWarning).where(
            RunWarning.run_id == run_id, RunWarning.participant_id == participant_id)
            .order_by(RunWarning.program_id, RunWarning.period_start, RunWarning.kpi,
                      RunWarning.invoice_id)):
        out.setdefault((w.program_id, w.period_start), []).append(warning_text(vars(w)))
    return {k: tuple(v) for k, v in out.items()}


def explain_participant(s: Session, actor: Actor, run_id: int,
                        participant_id: str) -> DrillDown:
    """One participant's explanation in each program and period of a run, as the run
    stored it."""
    require(actor, "runs.read")
    require_participant(actor, participant_id)
    run = get_run(s, run_id)
    p = s.get(Participant, participant_id)
    if p is None:
        raise NotFound(f"no participant {participant_id!r} in this store")
    if (region := region_scope(actor)) and p.region != region:
        raise Forbidden(f"{participant_id} is not in your region")
    names = dict(s.execute(select(ProgramModel.id, ProgramModel.name).where(
        ProgramModel.id.in_([rv.program_id for rv in run.programs]))).all())
    told = stories(stored_rows(s, run.id, participant_id), names=names,
                   warnings=stored_warnings(s, run.id, participant_id))
    return DrillDown(told, _held_out(s, run, participant_id, {e.program_id for e in told}))


def _held_out(s: Session, run: Run, participant_id: str, told: set[str]) -> list[str]:
    """Why the participant is absent from the run's programs whose holdout its id falls in
    (the programs it has a story in left out)."""
    out = []
    for rv in run.programs:  # one per program of the run
        if rv.program_id in told:
            continue
        version = s.get(ProgramVersion, rv.version_id)
        program, _ = parse_program(version.yaml, f"{rv.program_id}.yaml")
        h = program.holdout if program is not None else None
        if h is not None and is_held_out(participant_id, h):
            out.append(f"{participant_id} falls in the holdout (control group) of "
                       f"{rv.program_id} (share {h.share}, seed {h.seed}): held out there, "
                       "not enrolled, if the program's rule would take it.")
    return out
