"""Helpers of the web tests: the users, a browser-like client, a store filled with one of
everything, the example programs."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from schemeops.service.context import App

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"
USERS = {
    "admin": {"role": "admin"}, "designer": {"role": "designer"},
    "approver": {"role": "approver"}, "approver2": {"role": "approver"},
    "regional": {"role": "regional_head", "region": "North"},
    "distributor": {"role": "distributor", "participant_id": "D00001"},
    "rep": {"role": "rep", "participant_id": "R0001"},
}


class Browser:
    """A test client that keeps its cookie and sends the page's CSRF token with forms."""

    def __init__(self, web: FastAPI) -> None:
        self.client = TestClient(web, follow_redirects=False)
        self.csrf = ""

    def get(self, url: str, **kw: object):  # type: ignore[no-untyped-def]
        """GET, remembering the CSRF token the page carries."""
        r = self.client.get(url, **kw)
        if m := re.search(r'name="csrf-token" content="([^"]+)"', r.text):
            self.csrf = m.group(1)
        return r

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True):  # type: ignore[no-untyped-def]
        """POST a form, with the CSRF token unless told not to (signing in starts a new
        session with a new token: it is picked up from the next page)."""
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        r = self.client.post(url, data=form)
        if url == "/signin":
            self.get("/signin")
        return r

    def sign_in(self, username: str, password: str | None = None):  # type: ignore[no-untyped-def]
        """Sign in through the form."""
        self.get("/signin")
        return self.post("/signin", {"username": username,
                                     "password": password or f"{username}-pw"})


def example(name: str) -> str:
    """The text of an example program."""
    return (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


class World:
    """Real ids for every kind of path parameter: a live program calculated, its payouts
    approved, its period open; a second program's version submitted."""

    def __init__(self, app: App) -> None:
        from schemeops.service import periods, programs, runs
        from schemeops.service.context import Actor
        from schemeops.store.models import Participant, Payout, User

        with app.sessions.begin() as s:
            who = {u.username: Actor.of(u) for u in s.query(User)}
            live = programs.create_draft(s, who["designer"], example("volume_growth"))
            programs.submit(s, who["designer"], live.id)
            programs.decide(s, who["approver"], live.id, approve=True, comment="fine")
            programs.go_live(s, who["approver"], live.id)
            run = runs.start(s, who["approver"], [live.id], reason="October")
            self.live_version, self.live_program, self.run = live.id, live.program_id, run.id
        runs.execute(app, self.run)
        with app.sessions.begin() as s:
            runs.decide_payouts(s, who["approver2"], self.run, approve=True)
            other = programs.create_draft(s, who["designer"], example("billed_outlets"))
            programs.submit(s, who["designer"], other.id)
            self.version, self.program = other.id, other.program_id
            self.period = periods.list_periods(s, who["admin"])[0].id
            self.spare_user = who["approver2"].user_id
            self.north = s.query(Participant.participant_id).filter(
                Participant.region == "North").order_by(Participant.participant_id).first()[0]
            self.payouts = {pid: i for pid, i in s.query(Payout.participant_id, Payout.id)
                            .filter(Payout.run_id == self.run)}
            self.south = s.query(Participant.participant_id).filter(
                Participant.region != "North").order_by(Participant.participant_id).first()[0]
