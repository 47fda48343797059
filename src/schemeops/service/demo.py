"""The demo's control plane: one user per role with a fresh password, every given program
made live by a designer and an approver, and one calculation of them all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from schemeops.service import programs, runs
from schemeops.service.context import Actor, App
from schemeops.service.users import create_user
from schemeops.store.models import Participant, User


@dataclass(frozen=True)
class DemoUser:
    """A demo user and the password shown once."""

    username: str
    role: str
    scope: str
    password: str


def _first(app: App, role: str) -> Participant:
    with app.sessions.begin() as s:
        runs.sync_participants(s, app.warehouse)
        return s.scalars(select(Participant).where(Participant.role == role)
                         .order_by(Participant.participant_id).limit(1)).one()


def create_demo_users(app: App) -> list[DemoUser]:
    """admin, designer, approver, checker (a second approver), regional head of the first
    distributor's region, that distributor, and the first sales rep."""
    dist, rep = _first(app, "distributor"), _first(app, "sales_rep")
    specs = [("admin", "admin", {}), ("designer", "designer", {}),
             ("approver", "approver", {}), ("checker", "approver", {}),
             ("regional", "regional_head", {"region": dist.region}),
             ("distributor", "distributor", {"participant_id": dist.participant_id}),
             ("rep", "rep", {"participant_id": rep.participant_id})]
    out = []
    with app.sessions.begin() as s:
        for name, role, scope in specs:
            password = secrets.token_urlsafe(9)
            create_user(s, username=name, password=password, role=role, by="demo", **scope)
            out.append(DemoUser(name, role, ", ".join(f"{k} {v}" for k, v in scope.items()),
                                password))
    return out


def publish_and_calculate(app: App, files: list[Path], progress=lambda _s: None) -> int:
    """Draft (designer), approve (approver) and publish every program, then calculate them
    all in one run (started by the approver, so the checker can approve its payouts)."""
    with app.sessions.begin() as s:
        by = {u.username: Actor.of(u) for u in s.scalars(
            select(User).where(User.username.in_(("designer", "approver"))))}
        ids = []
        for f in files:
            v = programs.create_draft(s, by["designer"], f.read_text(encoding="utf-8"))
            programs.submit(s, by["designer"], v.id)
            programs.decide(s, by["approver"], v.id, approve=True, comment="demo")
            programs.go_live(s, by["approver"], v.id)
            ids.append(v.id)
        run_id = runs.start(s, by["approver"], ids, reason="demo").id
    progress(f"run {run_id}")
    runs.execute(app, run_id)
    return run_id
