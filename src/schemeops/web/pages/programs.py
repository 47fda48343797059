"""Program pages: list, readable view beside the YAML, editor with located errors, history,
and the lifecycle buttons (submit, approve/reject, go live, simulate)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response

from schemeops.engine.wording import describe_target
from schemeops.service import actions, approvals, guards, programs, runs
from schemeops.store.models import VERSION_STATES
from schemeops.web.actors import ProgramDecider, ProgramReader, ProgramWriter, Publisher, Simulator
from schemeops.web.outcomes import done
from schemeops.web.render import page
from schemeops.web.schemas import PathId, QueryId
from schemeops.web.security import AppDep, SessionDep

router = APIRouter()
Text = Annotated[str, Form(max_length=200_000)]
SKELETON = """id: my_program
name: My program
period: {start: 2026-10-01, end: 2026-10-31}
kpis:
  - {id: value, kind: volume}
targets:
  value: {fixed: 100000}
components:
  - id: bonus
    kpi: value
    slabs:
      - {from: 1.0, rate: 0.01}
"""


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/programs")
def program_list(request: Request, s: SessionDep, actor: ProgramReader, status: str = "",
                 q: str = "") -> Response:
    """Programs with their newest version, filtered by status and text."""
    rows = programs.list_programs(s, actor, status=status or None, text=q or None)
    return page(request, "programs.html", rows=rows, status=status, q=q, states=VERSION_STATES)


@router.get("/programs/new")
def new_form(request: Request, s: SessionDep, actor: ProgramWriter,
             start: QueryId = None) -> Response:
    """The editor, empty or starting from a version's text."""
    text = programs.read_version(s, actor, start).version.yaml if start else SKELETON
    return page(request, "program_form.html", text=text, action="/programs/new",
                title="New program or draft", diagnostics=[], bad=set())


@router.post("/programs/new")
def create(request: Request, s: SessionDep, actor: ProgramWriter, yaml: Text) -> Response:
    """Save a new draft; errors come back at their lines."""
    request.state.program_form = {"text": yaml, "action": "/programs/new",
                                  "title": "New program or draft"}
    return _to(done(f"/versions/{programs.create_draft(s, actor, yaml).id}", "drafted"))


@router.get("/programs/{program_id}/history")
def history(request: Request, s: SessionDep, actor: ProgramReader, program_id: str) -> Response:
    """Every version, newest first, with its diff and decisions."""
    return page(request, "history.html", program_id=program_id,
                entries=programs.history(s, actor, program_id))


@router.get("/versions/{version_id}")
def version(request: Request, s: SessionDep, app: AppDep, actor: ProgramReader,
            version_id: PathId) -> Response:
    """A version, readable, beside its YAML; submitted, with every guard's verdict."""
    view = programs.read_version(s, actor, version_id)
    held = approvals.held_approval(s, view.version)
    report = guards.judge(s, app, view.version) if view.version.status == "submitted" else None
    return page(request, "version.html", view=view, describe_target=describe_target,
                report=report, held=held,
                can_do=actions.version_actions(actor, view.version,
                                               held_by=held.user_id if held else None))


@router.get("/versions/{version_id}/stacking")
def stacking(request: Request, s: SessionDep, app: AppDep, actor: ProgramReader,
             version_id: PathId) -> Response:
    """The version stacked with the paying programs: stacking and margin by SKU and region."""
    view = programs.read_version(s, actor, version_id)
    return page(request, "stacking.html", v=view.version,
                report=guards.stacking(s, app, view.version))


@router.get("/versions/{version_id}/edit")
def edit_form(request: Request, s: SessionDep, actor: ProgramWriter,
              version_id: PathId) -> Response:
    """The editor on a draft."""
    v = programs.read_version(s, actor, version_id).version
    return page(request, "program_form.html", text=v.yaml, action=f"/versions/{v.id}/edit",
                title=f"Edit {v.program_id} version {v.number}", diagnostics=[], bad=set())


@router.post("/versions/{version_id}/edit")
def edit(request: Request, s: SessionDep, actor: ProgramWriter, version_id: PathId,
         yaml: Text) -> Response:
    """Save a draft's new text; errors come back at their lines."""
    request.state.program_form = {"text": yaml, "action": f"/versions/{version_id}/edit",
                                  "title": "Edit draft"}
    return _to(done(f"/versions/{programs.edit_draft(s, actor, version_id, yaml).id}",
                    "drafted"))


@router.post("/versions/{version_id}/submit")
def submit(s: SessionDep, actor: ProgramWriter, version_id: PathId) -> Response:
    """Freeze the draft and ask for approval."""
    return _to(done(f"/versions/{programs.submit(s, actor, version_id).id}", "submitted"))


@router.post("/versions/{version_id}/decide")
def decide(s: SessionDep, app: AppDep, actor: ProgramDecider, version_id: PathId,
           decision: Annotated[str, Form(pattern="^(approve|reject)$")],
           comment: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """Approve or reject a submitted version (never one's own); a blocking guard holds
    the approval."""
    v = approvals.decide_guarded(s, app, actor, version_id, approve=decision == "approve",
                                 comment=comment)
    return _to(done(f"/versions/{v.id}", "held" if v.status == "submitted" else v.status))


@router.post("/versions/{version_id}/override")
def override(s: SessionDep, app: AppDep, actor: ProgramDecider, version_id: PathId,
             comment: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """Approve a version its guards hold: a second approver, with a comment."""
    v = approvals.override(s, app, actor, version_id, comment=comment)
    return _to(done(f"/versions/{v.id}", "overridden"))


@router.post("/versions/{version_id}/live")
def go_live(s: SessionDep, actor: Publisher, version_id: PathId) -> Response:
    """Make an approved version live."""
    return _to(done(f"/versions/{programs.go_live(s, actor, version_id).id}", "live"))


@router.post("/versions/{version_id}/close")
def close(s: SessionDep, actor: Publisher, version_id: PathId) -> Response:
    """End a live version: it is no longer calculated."""
    return _to(done(f"/versions/{programs.close(s, actor, version_id).id}", "version_closed"))


@router.post("/versions/{version_id}/simulate")
def simulate(request: Request, s: SessionDep, actor: Simulator, version_id: PathId,
             background: BackgroundTasks,
             as_of: Annotated[dt.date | None, Form()] = None) -> Response:
    """Queue a simulation of the version and watch it."""
    run = runs.start(s, actor, [version_id], kind="simulation", as_of=as_of)
    background.add_task(request.app.state.worker.submit, run.id)
    return _to(f"/runs/{run.id}")
