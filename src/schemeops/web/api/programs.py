"""Programs and versions over the API: list, read, create, edit, submit, decide, go live,
history, simulate."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request

from schemeops.service import approvals, programs, runs
from schemeops.web.actors import ProgramDecider, ProgramReader, ProgramWriter, Publisher, Simulator
from schemeops.web.schemas import (
    DecisionCreate,
    DecisionRead,
    ErrorRead,
    HistoryRead,
    OverrideCreate,
    PathId,
    ProgramRead,
    RunRead,
    SimulationCreate,
    VersionCreate,
    VersionRead,
)
from schemeops.web.security import AppDep, SessionDep

router = APIRouter(tags=["programs"])
_INVALID = {422: {"model": ErrorRead, "description": "the text does not check"}}


@router.get("/programs")
def list_programs(s: SessionDep, actor: ProgramReader, status: str | None = None,
                  q: str | None = None) -> list[ProgramRead]:
    """Programs with their newest version's state."""
    return [ProgramRead(id=p.id, name=p.name, latest_version_id=v.id, latest_number=v.number,
                        status=v.status)
            for p, v in programs.list_programs(s, actor, status=status, text=q)]


@router.post("/programs", status_code=201, responses=_INVALID)
def create(s: SessionDep, actor: ProgramWriter, body: VersionCreate) -> VersionRead:
    """A new program, or the next draft of an existing one, from a sound text."""
    return VersionRead.model_validate(programs.create_draft(s, actor, body.yaml))


@router.get("/programs/{program_id}/history")
def history(s: SessionDep, actor: ProgramReader, program_id: str) -> list[HistoryRead]:
    """Every version, newest first, with diffs and decisions."""
    return [HistoryRead(version=VersionRead.model_validate(h.version), diff=h.diff,
                        decisions=[DecisionRead.model_validate(d) for d in h.decisions])
            for h in programs.history(s, actor, program_id)]


@router.get("/versions/{version_id}")
def read(s: SessionDep, actor: ProgramReader, version_id: PathId) -> VersionRead:
    """One version with its text."""
    return VersionRead.model_validate(programs.read_version(s, actor, version_id).version)


@router.put("/versions/{version_id}", responses=_INVALID)
def edit(s: SessionDep, actor: ProgramWriter, version_id: PathId,
         body: VersionCreate) -> VersionRead:
    """Replace a draft's text."""
    return VersionRead.model_validate(programs.edit_draft(s, actor, version_id, body.yaml))


@router.post("/versions/{version_id}/submit")
def submit(s: SessionDep, actor: ProgramWriter, version_id: PathId) -> VersionRead:
    """Freeze a draft and ask for approval."""
    return VersionRead.model_validate(programs.submit(s, actor, version_id))


@router.post("/versions/{version_id}/decision")
def decide(s: SessionDep, app: AppDep, actor: ProgramDecider, version_id: PathId,
           body: DecisionCreate) -> VersionRead:
    """Approve or reject a submitted version (never one's own); when a guard blocks, the
    approval is held and the version stays submitted (docs/guards.md)."""
    return VersionRead.model_validate(approvals.decide_guarded(
        s, app, actor, version_id, approve=body.approve, comment=body.comment))


@router.post("/versions/{version_id}/override")
def override(s: SessionDep, app: AppDep, actor: ProgramDecider, version_id: PathId,
             body: OverrideCreate) -> VersionRead:
    """Approve a version its guards hold: a second approver, with a comment."""
    return VersionRead.model_validate(
        approvals.override(s, app, actor, version_id, comment=body.comment))


@router.post("/versions/{version_id}/live")
def go_live(s: SessionDep, actor: Publisher, version_id: PathId) -> VersionRead:
    """Make an approved version live (the one it replaces is closed)."""
    return VersionRead.model_validate(programs.go_live(s, actor, version_id))


@router.post("/versions/{version_id}/close")
def close(s: SessionDep, actor: Publisher, version_id: PathId) -> VersionRead:
    """End a live version: it is no longer calculated."""
    return VersionRead.model_validate(programs.close(s, actor, version_id))


@router.post("/versions/{version_id}/simulate", status_code=202)
def simulate(request: Request, s: SessionDep, actor: Simulator, version_id: PathId,
             body: SimulationCreate, background: BackgroundTasks) -> RunRead:
    """Queue a simulation of any version; poll the run for its numbers."""
    run = runs.start(s, actor, [version_id], kind="simulation", as_of=body.as_of)
    background.add_task(request.app.state.worker.submit, run.id)
    return RunRead.model_validate(run)
