"""Run pages: list, start, watch progress, results with filters, a participant's drill-down,
payout approval, credit-note export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field

from schemeops.service import (
    actions,
    cases,
    exports,
    payout_list,
    payout_sheets,
    programs,
    reports,
    runs,
)
from schemeops.service.payout_list import PayoutFilter, Sort
from schemeops.service.policy import allowed
from schemeops.web import charts
from schemeops.web.actors import Exporter, PayoutApprover, RunReader, RunStarter
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import MAX_ID, PathId
from schemeops.web.security import SessionDep

router = APIRouter()


@router.get("/runs")
def run_list(request: Request, s: SessionDep, actor: RunReader, kind: str = "") -> Response:
    """Runs, newest first."""
    return page(request, "runs.html", runs=runs.list_runs(s, actor, kind=kind or None),
                kind=kind)


@router.get("/runs/new")
def new_form(request: Request, s: SessionDep, actor: RunStarter) -> Response:
    """Choose live versions, an as-of date and a reason."""
    return page(request, "run_new.html", versions=programs.live_versions(s))


@router.post("/runs/new")
def start(request: Request, s: SessionDep, actor: RunStarter, background: BackgroundTasks,
          version_ids: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None,
                                 Form()] = None,
          as_of: Annotated[dt.date | None, Form()] = None,
          reason: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """Queue a calculation and watch it."""
    run = runs.start(s, actor, version_ids or [], as_of=as_of, reason=reason)
    background.add_task(request.app.state.worker.submit, run.id)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.get("/runs/{run_id}")
def run_page(request: Request, s: SessionDep, actor: RunReader, run_id: PathId) -> Response:
    """A run: progress while it works, then its numbers, budget and decisions."""
    report = reports.run_report(s, actor, run_id)
    found = (cases.list_cases(s, actor, status=None, run_id=run_id)
             if allowed(actor, "cases.read") else [])
    run = report.run
    calculated = run.kind == "calculation" and run.status == "succeeded"
    deciding = calculated and run.payout_status == "pending" and allowed(actor, "runs.approve")
    exporting = (calculated and run.payout_status == "approved"
                 and allowed(actor, "exports.create"))
    can_do = actions.run_actions(
        actor, run, conflicts=runs.payout_conflicts(s, run) if deciding else [],
        exported=len(report.exports), new_notes=exports.new_notes(s, run) if exporting else 0)
    return page(request, "run.html", r=report, histogram=charts.histogram(report.amounts),
                can_do=can_do, cases=[c for c in found if c.status != "dropped"],
                dropped=sum(c.status == "dropped" for c in found))


@router.get("/runs/{run_id}/progress")
def progress(s: SessionDep, actor: RunReader, run_id: PathId) -> dict:
    """The run's state, for the page's polling."""
    run = runs.get_run(s, run_id)
    return {"status": run.status, "progress": run.progress, "step": run.step}


#: An amount as typed in a filter: up to 12 digits and 2 decimals, or empty for no bound.
Amount = Annotated[str, Query(max_length=16, pattern=r"^(-?\d{1,12}(\.\d{1,2})?)?$")]
Choice = Annotated[str, Query(max_length=80)]


def payout_filter(program: Choice = "", region: Choice = "", q: Choice = "",
                  earning: bool = False, min: Amount = "", max: Amount = "",
                  sort: Sort = "program", order: Literal["asc", "desc"] = "asc"
                  ) -> PayoutFilter:
    """The payout list's filters and order, from the query string."""
    return PayoutFilter(program or None, region or None, q or None, earning,
                        Decimal(min) if min else None, Decimal(max) if max else None,
                        sort, order == "desc")


Filtered = Annotated[PayoutFilter, Depends(payout_filter)]


@router.get("/runs/{run_id}/payouts")
def payouts(request: Request, s: SessionDep, actor: RunReader, run_id: PathId, f: Filtered,
            page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1) -> Response:
    """The run's payouts under filters, sorted, with totals, a page at a time."""
    result = payout_list.payout_page(s, actor, run_id, f, page=page_no)
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    return page(request, "payouts.html", run_id=run_id, p=result, f=f, query=query)


@router.get("/runs/{run_id}/payouts.{fmt}")
def payouts_file(s: SessionDep, actor: RunReader, run_id: PathId, f: Filtered,
                 fmt: Annotated[str, Path(pattern="^(csv|xlsx)$")]) -> Response:
    """The filtered payout list, whole, as CSV or Excel (what the page lists, every page)."""
    rows = payout_list.payout_rows(s, actor, run_id, f)
    name = f'attachment; filename="payouts-run-{run_id}.{fmt}"'
    if fmt == "xlsx":
        return Response(payout_sheets.payouts_xlsx(rows), headers={"Content-Disposition": name},
                        media_type="application/vnd.openxmlformats-officedocument."
                                   "spreadsheetml.sheet")
    return Response(payout_sheets.payouts_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": name})


@router.get("/runs/{run_id}/participants/{participant_id}")
def drill_down(request: Request, s: SessionDep, actor: RunReader, run_id: PathId,
               participant_id: str) -> Response:
    """One participant's explanation in the run, as the run stored it."""
    drill = reports.explain_participant(s, actor, run_id, participant_id)
    return page(request, "explain.html", run_id=run_id, participant_id=participant_id,
                stories=drill.stories, held_out=drill.held_out)


@router.post("/runs/{run_id}/decide")
def decide(s: SessionDep, actor: PayoutApprover, run_id: PathId,
           decision: Annotated[str, Form(pattern="^(approve|reject)$")],
           comment: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """Approve (within budget) or reject the run's payouts."""
    run = runs.decide_payouts(s, actor, run_id, approve=decision == "approve", comment=comment)
    return RedirectResponse(done(f"/runs/{run_id}", f"payouts_{run.payout_status}"),
                            status_code=303)


@router.post("/runs/{run_id}/export.{fmt}")
def export(s: SessionDep, actor: Exporter, run_id: PathId,
           fmt: Annotated[str, Path(pattern="^(csv|xlsx)$")]) -> Response:
    """Download the approved payouts as credit notes (CSV or Excel); known ones stay known."""
    notes = exports.export(s, actor, run_id)
    ex = notes.export
    name = f"credit-notes-run-{run_id}-export-{ex.id}"
    # what the page's script tells once the download starts (static/actions.js)
    told = {"X-Export-Id": str(ex.id), "X-Export-Lines": str(ex.rows),
            "X-New-Credit-Notes": str(ex.new_credit_notes)}
    if fmt == "xlsx":
        return Response(notes.xlsx(), headers={"Content-Disposition":
                                               f'attachment; filename="{name}.xlsx"', **told},
                        media_type="application/vnd.openxmlformats-officedocument."
                                   "spreadsheetml.sheet")
    return Response(notes.csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"',
                             **told})
