"""Helpers for the service tests: example texts, a program made live, a calculated run."""

from __future__ import annotations

from pathlib import Path

from schemeops.service import programs, runs
from schemeops.service.context import App

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"


def example(name: str) -> str:
    """The text of an example program."""
    return (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


def live_version(app: App, team, text: str) -> int:
    """Draft (designer), submit, approve (approver) and publish a program; its version id."""
    with app.sessions.begin() as s:
        v = programs.create_draft(s, team.designer, text)
        programs.submit(s, team.designer, v.id)
        programs.decide(s, team.approver, v.id, approve=True, comment="fine")
        programs.go_live(s, team.approver, v.id)
        return v.id


def calculated_run(app: App, team, version_id: int, **kw: object) -> int:
    """Queue a calculation (by approver) and execute it; its run id."""
    with app.sessions.begin() as s:
        run_id = runs.start(s, team.approver, [version_id], **kw).id
    runs.execute(app, run_id)
    return run_id
