"""Runs: queue a calculation of live versions (or a simulation of any version), execute it in
the background with visible progress, store its results, approve its payouts."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from schemeops.engine.calc import ProgramErrors, run_calc
from schemeops.engine.settlement import participant_warning_records
from schemeops.engine.summary import summarize
from schemeops.service.actions import own_run
from schemeops.service.case_open import open_cases, run_findings
from schemeops.service.context import Actor, App
from schemeops.service.dispute_adjustments import apply_adjustments
from schemeops.service.errors import Conflict, NotFound
from schemeops.service.holds import held_participants
from schemeops.service.payout_conflicts import (
    PayoutConflict,
    PayoutConflictItem,
    over_budget,
    paid_elsewhere,
)
from schemeops.service.policy import require
from schemeops.service.programs import check, get_version
from schemeops.service.results import (
    store_explanations,
    store_lines,
    store_payouts,
    store_warnings,
)
from schemeops.store.audit import record
from schemeops.store.models import Decision, Participant, Payout, Run, RunVersion
from schemeops.store.outbox import emit
from schemeops.store.types import utcnow

# Share of the bar reached when the engine reports each step.
_STEPS = {"checking": 5, "connecting": 10, "calculating": 20, "fingerprinting": 70}


def get_run(s: Session, run_id: int) -> Run:
    """A run by id, or NotFound."""
    run = s.get(Run, run_id)
    if run is None:
        raise NotFound(f"no run {run_id}")
    return run


def list_runs(s: Session, actor: Actor, *, kind: str | None = None) -> list[Run]:
    """Runs, newest first."""
    require(actor, "runs.read")
    q = select(Run).order_by(Run.id.desc())
    if kind:
        q = q.where(Run.kind == kind)
    return list(s.scalars(q))


def start(s: Session, actor: Actor, version_ids: list[int], *, kind: str = "calculation",
          as_of: dt.date | None = None, reason: str = "",
          stale_since: int | None = None) -> Run:
    """Queue a run: a calculation takes live versions only, a simulation any version. With
    `stale_since` (a load id), a calculation computes only the participants whose results
    the rows loaded after it changed, and stores only corrections of closed periods."""
    require(actor, "runs.start" if kind == "calculation" else "runs.simulate")
    if not version_ids:
        raise Conflict("choose at least one program version")
    if stale_since is not None and kind != "calculation":
        raise Conflict("only a calculation recalculates stale results")
    versions = [get_version(s, i) for i in version_ids]
    if len({v.program_id for v in versions}) != len(versions):
        raise Conflict("one version per program")
    if kind == "calculation" and (bad := [v for v in versions if v.status != "live"]):
        raise Conflict(f"only live versions are calculated; {bad[0].program_id} version "
                       f"{bad[0].number} is {bad[0].status} (simulate it instead)")
    run = Run(kind=kind, as_of=as_of, reason=reason, started_by=actor.user_id,
              stale_since=stale_since)
    s.add(run)
    s.flush()
    s.execute(insert(RunVersion), [{"run_id": run.id, "version_id": v.id,
                                    "program_id": v.program_id} for v in versions])
    record(s, actor=actor.username, action="run.queued", subject_type="run", subject_id=run.id,
           details={"kind": kind, "as_of": as_of, "reason": reason, "stale_since": stale_since,
                    "versions": {v.program_id: v.content_hash for v in versions}})
    return run


def _progress(app: App, run_id: int, step: str) -> None:
    pct = next((p for word, p in _STEPS.items() if step.startswith(word)), None)
    with app.sessions.begin() as s:
        run = s.get(Run, run_id)
        run.step = step
        if pct is not None:
            run.progress = pct


def _write_programs(s: Session, run: Run, folder: Path) -> tuple[list[Path], dict[str, int]]:
    folder.mkdir(parents=True, exist_ok=True)
    paths, ids = [], {}
    for rv in run.programs:
        v = get_version(s, rv.version_id)
        path = folder / f"{v.program_id}.yaml"
        path.write_text(v.yaml, encoding="utf-8")
        paths.append(path)
        ids[v.program_id] = v.id
    return paths, ids


def sync_participants(s: Session, warehouse: Path) -> None:
    """Replace the store's copy of the participants with the warehouse's."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("SELECT participant_id, name, role, parent_id, region, tier "
                           "FROM participants").fetchall()
    finally:
        con.close()
    s.execute(delete(Participant))
    keys = ("participant_id", "name", "role", "parent_id", "region", "tier")
    s.execute(insert(Participant), [dict(zip(keys, r, strict=True)) for r in rows])


def newest_load(warehouse: Path) -> int | None:
    """The warehouse's newest load id (None before any load, or in a warehouse written by
    other means, with no load log; or no warehouse at all, which the calculation reports)."""
    if not warehouse.is_file():
        return None
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT max(load_id) FROM _loads").fetchone()[0]
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def execute(app: App, run_id: int) -> None:
    """Calculate a queued run and store its results; a failure is recorded, not raised.
    The run is claimed first, so several server processes never calculate it twice."""
    with app.sessions.begin() as s:
        claimed = s.execute(update(Run).where(Run.id == run_id, Run.status == "queued")
                            .values(status="running", started_at=utcnow(), step="starting"))
        if claimed.rowcount != 1:
            return  # another worker process has it, or it is not queued any more
        run = get_run(s, run_id)
        folder = app.runs_dir / f"run-{run_id}"
        shutil.rmtree(folder, ignore_errors=True)
        paths, versions = _write_programs(s, run, folder / "programs")
        stale_since = run.stale_since
    try:
        last_load = newest_load(app.warehouse)  # before the calculation reads the warehouse
        calc = run_calc(paths, warehouse=app.warehouse, out=folder / "out", as_of=run.as_of,
                        backend=app.backend, progress=lambda step: _progress(app, run_id, step),
                        stale_since=stale_since)
        _progress(app, run_id, "summarising")
        summaries = {r.program.id: summarize(r, calc.data, calc.con) for r in calc.results}
        # on the run's data, while it is at hand: the drill-down never reads the warehouse
        warned = participant_warning_records(calc.results, calc.data, calc.con)
        # a calculation's payouts are paid, so its findings open cases that hold them;
        # found before the transaction below, so its payouts and their holds appear at once
        findings = run_findings(calc) if run.kind == "calculation" else []
        _progress(app, run_id, "storing the results")
        with app.sessions.begin() as s:
            run = get_run(s, run_id)
            sync_participants(s, app.warehouse)
            # a returns window without clawback withholds a closed period's fall instead
            withhold = frozenset(r.program.id for r in calc.results
                                 if r.program.returns is not None
                                 and not r.program.allow_clawback)
            store_payouts(s, run, folder / "out", versions, withhold,
                          corrections_only=stale_since is not None)
            apply_adjustments(s, run, versions)  # confirmed dispute adjustments
            store_lines(s, run, folder / "out")
            store_explanations(s, run, folder / "out")
            store_warnings(s, run, warned)
            if run.kind == "calculation":
                open_cases(s, run, findings, app.cases)
            for rv in run.programs:
                sm = summaries[rv.program_id]
                rv.participants, rv.eligible, rv.earning = sm.participants, sm.eligible, sm.earning
                rv.payout, rv.sales = sm.payout, sm.sales
            run.participants = sum(x.eligible for x in summaries.values())
            run.earning = sum(x.earning for x in summaries.values())
            run.total_payout = sum((x.payout for x in summaries.values()), Decimal("0.00"))
            run.sales = sum((x.sales for x in summaries.values()), Decimal("0.00"))
            run.data_fingerprint = calc.manifest.data_fingerprint
            run.last_load = last_load
            run.timings = calc.manifest.timings
            run.status, run.progress, run.step = "succeeded", 100, "done"
            run.finished_at = utcnow()
            record(s, actor="engine", action="run.succeeded", subject_type="run",
                   subject_id=run_id, details={"fingerprint": run.data_fingerprint,
                                               "programs": calc.manifest.programs,
                                               "total_payout": run.total_payout,
                                               "recalculated": calc.manifest.recalculated})
            _finished(s, run)
    except Exception as e:  # any failure of a run is shown on the run, not raised
        with app.sessions.begin() as s:
            run = get_run(s, run_id)
            run.status, run.step, run.finished_at = "failed", "failed", utcnow()
            run.error = failure_text(e)
            record(s, actor="engine", action="run.failed", subject_type="run",
                   subject_id=run_id, details={"error": run.error})
            _finished(s, run)


def _finished(s: Session, run: Run) -> None:
    """Tell the webhooks the run finished, succeeded or failed (docs/webhooks.md)."""
    emit(s, "run.finished", subject_type="run", subject_id=run.id,
         data={"run": run.id, "kind": run.kind, "status": run.status,
               "as_of": run.as_of, "total_payout": run.total_payout,
               "data_fingerprint": run.data_fingerprint, "error": run.error,
               "programs": sorted(rv.program_id for rv in run.programs)})


#: The most diagnostics a failed run's error names; the rest are counted.
_DIAGNOSTICS_SHOWN = 10


def failure_text(e: Exception) -> str:
    """What a failed run shows: the error, and each located diagnostic of a program that the
    warehouse refused (an unknown participant list, say), so the run page says what to fix."""
    text = f"{type(e).__name__}: {e}"
    if isinstance(e, ProgramErrors):
        shown = [d.render() for d in e.diagnostics[:_DIAGNOSTICS_SHOWN]]
        rest = len(e.diagnostics) - len(shown)
        text = "\n".join([text, *shown] + ([f"and {rest} more"] if rest > 0 else []))
    return text


def budget_use(s: Session, run: Run) -> list[dict]:
    """Per program and period of a run: the payout against the program's budget, if any."""
    out = []
    for rv in run.programs:
        spec, _ = check(get_version(s, rv.version_id).yaml)
        budget = spec.caps.budget if spec is not None and spec.caps else None
        q = (select(Payout.period_start, Payout.period_end, func.sum(Payout.amount))
             .where(Payout.run_id == run.id, Payout.program_id == rv.program_id)
             .group_by(Payout.period_start, Payout.period_end).order_by(Payout.period_start))
        for start_, end, total in s.execute(q):
            out.append({"program_id": rv.program_id, "period_start": start_,
                        "period_end": end, "payout": total, "budget": budget,
                        "within": budget is None or total <= budget})
    return out


def payout_conflicts(s: Session, run: Run) -> list[PayoutConflictItem]:
    """Every period of the run over its budget or already paid by another approved run."""
    return over_budget(budget_use(s, run)) + paid_elsewhere(s, run)


def decide_payouts(s: Session, actor: Actor, run_id: int, *, approve: bool,
                   comment: str = "") -> Run:
    """Approve (within budget) or reject a calculation's payouts; never one's own run."""
    require(actor, "runs.approve")
    run = get_run(s, run_id)
    if run.kind != "calculation" or run.status != "succeeded":
        raise Conflict("only a finished calculation's payouts can be approved")
    if run.payout_status != "pending":
        raise Conflict(f"this run's payouts are already {run.payout_status}")
    if refusal := own_run(actor, run):
        raise Conflict(refusal)
    if not approve and not comment.strip():
        raise Conflict("say why you reject it: a comment is required")
    if approve and (conflicts := payout_conflicts(s, run)):
        raise PayoutConflict(conflicts)
    run.payout_status = "approved" if approve else "rejected"
    s.add(Decision(subject_type="run", subject_id=run.id, decision=run.payout_status,
                   user_id=actor.user_id, comment=comment))
    # the payouts of participants with an open blocking case stay held: approving the run
    # does not pay them; the case's decision does (docs/cases.md)
    held = held_participants(s)
    on_hold = sorted(s.scalars(select(Payout.reference).where(
        Payout.run_id == run.id, Payout.participant_id.in_(held)))) if held else []
    record(s, actor=actor.username, action=f"payouts.{run.payout_status}", subject_type="run",
           subject_id=run.id, details={"total": run.total_payout, "comment": comment,
                                       "held": on_hold})
    if approve:
        emit(s, "payouts.approved", subject_type="run", subject_id=run.id,
             data={"run": run.id, "total": run.total_payout, "approved_by": actor.username,
                   "held": on_hold})
    return run
