"""Runs over the API: list, start, read, payouts (paginated), drill-down, approve, export."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import Response

from schemeops.service import exports, payout_list, reports, runs
from schemeops.service.payout_list import PayoutFilter, Sort
from schemeops.web.actors import Exporter, PayoutApprover, RunReader, RunStarter
from schemeops.web.schemas import (
    ComponentLineRead,
    DecisionCreate,
    ExplanationRead,
    KpiLineRead,
    PathId,
    PayoutPageRead,
    RunCreate,
    RunRead,
)
from schemeops.web.security import SessionDep

router = APIRouter(tags=["runs"])
Text = Annotated[str | None, Query(max_length=80)]


@router.get("/runs")
def list_runs(s: SessionDep, actor: RunReader, kind: str | None = None) -> list[RunRead]:
    """Runs, newest first."""
    return [RunRead.model_validate(r) for r in runs.list_runs(s, actor, kind=kind)]


@router.post("/runs", status_code=202)
def start(request: Request, s: SessionDep, actor: RunStarter, body: RunCreate,
          background: BackgroundTasks) -> RunRead:
    """Queue a calculation of live versions; poll the run for progress."""
    run = runs.start(s, actor, body.version_ids, as_of=body.as_of, reason=body.reason)
    background.add_task(request.app.state.worker.submit, run.id)
    return RunRead.model_validate(run)


@router.get("/runs/{run_id}")
def read(s: SessionDep, actor: RunReader, run_id: PathId) -> RunRead:
    """A run's state, progress and totals."""
    return RunRead.model_validate(reports.run_report(s, actor, run_id).run)


@router.get("/runs/{run_id}/payouts")
def payouts(s: SessionDep, actor: RunReader, run_id: PathId, program: Text = None,
            region: Text = None, q: Text = None, earning: bool = False,
            min_amount: Annotated[Decimal | None, Query(ge=-10**12, le=10**12,
                                                        decimal_places=2)] = None,
            max_amount: Annotated[Decimal | None, Query(ge=-10**12, le=10**12,
                                                        decimal_places=2)] = None,
            sort: Sort = "program", descending: bool = False,
            page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
            per_page: Annotated[int, Query(ge=1, le=1000)] = 100) -> PayoutPageRead:
    """A page of the run's payouts under filters (earning only: amount above 0; the amount
    range inclusive), sorted, with totals."""
    f = PayoutFilter(program, region, q, earning, min_amount, max_amount, sort, descending)
    return PayoutPageRead.model_validate(payout_list.payout_page(
        s, actor, run_id, f, page=page, per_page=per_page))


@router.get("/runs/{run_id}/participants/{participant_id}")
def explain(s: SessionDep, actor: RunReader, run_id: PathId, participant_id: str
            ) -> list[ExplanationRead]:
    """One participant's explanation in each program and period of the run, as the run
    stored it (the run's numbers, whatever the warehouse holds now)."""
    drill = reports.explain_participant(s, actor, run_id, participant_id)
    return [ExplanationRead(
        program_id=e.program_id, program_name=e.program_name,
        participant_id=e.participant_id, period_start=e.period_start,
        period_end=e.period_end, payout=e.payout,
        kpis=[KpiLineRead.model_validate(k) for k in e.kpis],
        components=[ComponentLineRead.model_validate(c) for c in e.components],
        limits=list(e.limits), warnings=list(e.warnings))
        for e in drill.stories]


@router.post("/runs/{run_id}/decision")
def decide(s: SessionDep, actor: PayoutApprover, run_id: PathId, body: DecisionCreate) -> RunRead:
    """Approve (within budget) or reject a calculation's payouts; never one's own run."""
    return RunRead.model_validate(
        runs.decide_payouts(s, actor, run_id, approve=body.approve, comment=body.comment))


@router.post("/runs/{run_id}/export", response_class=Response,
             responses={200: {"content": {"text/csv": {}}}})
def export(s: SessionDep, actor: Exporter, run_id: PathId) -> Response:
    """The approved payouts as credit-note CSV; exporting again never pays twice."""
    notes = exports.export(s, actor, run_id)
    return Response(notes.csv(), media_type="text/csv; charset=utf-8",
                    headers={"X-Export-Id": str(notes.export.id),
                             "X-New-Credit-Notes": str(notes.export.new_credit_notes)})
