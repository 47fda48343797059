"""Every route × every role, against an explicit table of who may call it; and a distributor
or rep asking for anyone's data by id is refused everywhere."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from webkit import USERS, Browser, World, example

from schemeops.service.context import App
from schemeops.service.policy import PERMISSIONS
from schemeops.web.app import create_app
from schemeops.web.worker import Worker

PUBLIC, SIGNED_IN = "public", "signed-in"
# (method, path) → the permission it needs (roles from PERMISSIONS), or PUBLIC / SIGNED_IN.
EXPECTED = {
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/vendor/plotly.min.js"): PUBLIC,
    ("GET", "/static/{name}"): PUBLIC,
    ("POST", "/api/tokens"): PUBLIC,
    ("GET", "/api/periods"): "runs.read",
    ("POST", "/api/periods/{period_id}/close"): "periods.close",
    ("GET", "/api/portal"): "portal.read",
    ("GET", "/api/portal/statement"): "portal.read",
    ("GET", "/api/dashboards"): "dashboards.read",
    ("GET", "/api/audit"): "audit.read",
    ("GET", "/api/audit/verify"): "audit.read",
    ("GET", "/api/programs"): "programs.read",
    ("POST", "/api/programs"): "programs.write",
    ("GET", "/api/programs/{program_id}/history"): "programs.read",
    ("GET", "/api/versions/{version_id}"): "programs.read",
    ("PUT", "/api/versions/{version_id}"): "programs.write",
    ("POST", "/api/versions/{version_id}/submit"): "programs.write",
    ("POST", "/api/versions/{version_id}/decision"): "programs.decide",
    ("POST", "/api/versions/{version_id}/override"): "programs.decide",
    ("POST", "/api/versions/{version_id}/live"): "programs.publish",
    ("POST", "/api/versions/{version_id}/close"): "programs.publish",
    ("POST", "/api/versions/{version_id}/simulate"): "runs.simulate",
    ("GET", "/api/runs"): "runs.read",
    ("POST", "/api/runs"): "runs.start",
    ("GET", "/api/runs/{run_id}"): "runs.read",
    ("GET", "/api/runs/{run_id}/payouts"): "runs.read",
    ("GET", "/api/runs/{run_id}/participants/{participant_id}"): "runs.read",
    ("POST", "/api/runs/{run_id}/decision"): "runs.approve",
    ("POST", "/api/runs/{run_id}/export"): "exports.create",
    ("GET", "/cases"): "cases.read",
    ("GET", "/cases/{case_id}"): "cases.read",
    ("POST", "/cases/{case_id}/decide"): "cases.decide",
    ("GET", "/api/cases"): "cases.read",
    ("GET", "/api/cases/{case_id}"): "cases.read",
    ("POST", "/api/cases/{case_id}/decision"): "cases.decide",
    ("GET", "/"): SIGNED_IN,
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): PUBLIC,
    ("POST", "/signout"): PUBLIC,
    ("GET", "/programs"): "programs.read",
    ("GET", "/programs/new"): "programs.write",
    ("POST", "/programs/new"): "programs.write",
    ("GET", "/programs/{program_id}/history"): "programs.read",
    ("GET", "/versions/{version_id}"): "programs.read",
    ("GET", "/versions/{version_id}/stacking"): "programs.read",
    ("GET", "/versions/{version_id}/edit"): "programs.write",
    ("POST", "/versions/{version_id}/edit"): "programs.write",
    ("POST", "/versions/{version_id}/submit"): "programs.write",
    ("POST", "/versions/{version_id}/decide"): "programs.decide",
    ("POST", "/versions/{version_id}/override"): "programs.decide",
    ("POST", "/versions/{version_id}/live"): "programs.publish",
    ("POST", "/versions/{version_id}/close"): "programs.publish",
    ("POST", "/versions/{version_id}/simulate"): "runs.simulate",
    ("GET", "/runs"): "runs.read",
    ("GET", "/runs/new"): "runs.start",
    ("POST", "/runs/new"): "runs.start",
    ("GET", "/runs/{run_id}"): "runs.read",
    ("GET", "/runs/{run_id}/progress"): "runs.read",
    ("GET", "/runs/{run_id}/payouts"): "runs.read",
    ("GET", "/runs/{run_id}/payouts.{fmt}"): "runs.read",
    ("GET", "/runs/{run_id}/participants/{participant_id}"): "runs.read",
    ("POST", "/runs/{run_id}/decide"): "runs.approve",
    ("POST", "/runs/{run_id}/export.{fmt}"): "exports.create",
    ("GET", "/periods"): "runs.read",
    ("POST", "/periods/{period_id}/close"): "periods.close",
    ("GET", "/portal"): "portal.read",
    ("GET", "/portal/statement.{fmt}"): "portal.read",
    ("GET", "/portal/payouts/{payout_id}/explain"): "portal.read",
    ("GET", "/dashboards"): "dashboards.read",
    ("GET", "/versions/{version_id}/effect"): "effects.read",
    ("POST", "/versions/{version_id}/effect"): "runs.start",
    ("GET", "/effect"): "effects.read",
    ("GET", "/effect.csv"): "effects.read",
    ("GET", "/effect/dependency"): "effects.read",
    ("GET", "/versions/{version_id}/forecast"): "runs.simulate",
    ("POST", "/versions/{version_id}/forecast"): "runs.simulate",
    ("GET", "/audit"): "audit.read",
    ("GET", "/audit/verify"): "audit.read",
    ("GET", "/jobs"): "jobs.read",
    ("POST", "/jobs/{name}/run"): "jobs.run",
    ("POST", "/api/claims"): "claims.submit",
    ("POST", "/api/claims/upload"): "claims.submit",
    ("GET", "/api/claims"): "claims.read",
    ("GET", "/api/portal/claims"): "claims.submit",
    ("GET", "/api/claims/{claim_id}"): "claims.read",
    ("POST", "/api/claims/{claim_id}/decision"): "claims.decide",
    ("GET", "/portal/claims"): "claims.submit",
    ("POST", "/portal/claims"): "claims.submit",
    ("GET", "/claims"): "claims.read",
    ("GET", "/claims/{claim_id}"): "claims.read",
    ("POST", "/claims/{claim_id}/decide"): "claims.decide",
    ("GET", "/portal/disputes"): "disputes.open",
    ("GET", "/portal/payouts/{payout_id}"): "disputes.open",
    ("POST", "/portal/payouts/{payout_id}/dispute"): "disputes.open",
    ("GET", "/portal/disputes/{dispute_id}"): "disputes.open",
    ("POST", "/portal/disputes/{dispute_id}/messages"): "disputes.open",
    ("GET", "/disputes"): "disputes.read",
    ("GET", "/disputes/{dispute_id}"): "disputes.read",
    ("POST", "/disputes/{dispute_id}/assign"): "disputes.answer",
    ("POST", "/disputes/{dispute_id}/messages"): "disputes.answer",
    ("POST", "/disputes/{dispute_id}/resolve"): "disputes.resolve",
    ("POST", "/api/disputes"): "disputes.open",
    ("GET", "/api/portal/disputes"): "disputes.open",
    ("GET", "/api/portal/disputes/{dispute_id}"): "disputes.open",
    ("POST", "/api/portal/disputes/{dispute_id}/messages"): "disputes.open",
    ("GET", "/api/disputes"): "disputes.read",
    ("GET", "/api/disputes/{dispute_id}"): "disputes.read",
    ("POST", "/api/disputes/{dispute_id}/assign"): "disputes.answer",
    ("POST", "/api/disputes/{dispute_id}/messages"): "disputes.answer",
    ("POST", "/api/disputes/{dispute_id}/resolution"): "disputes.resolve",
    ("POST", "/api/users/{user_id}/unlock"): "users.manage",
    ("GET", "/account/password"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("GET", "/users"): "users.manage",
    ("POST", "/users/{user_id}/unlock"): "users.manage",
    ("POST", "/users/unlock-address"): "users.manage",
    ("POST", "/users/{user_id}/remove"): "users.manage",
    ("GET", "/events"): "events.read",
    ("POST", "/events/deliveries/{delivery_id}/retry"): "events.retry",
    ("GET", "/webhooks"): "webhooks.manage",
    ("POST", "/webhooks"): "webhooks.manage",
    ("POST", "/webhooks/{endpoint_id}/disable"): "webhooks.manage",
}
#: Routes about one participant's own thing: an allowed role asking about another
#: participant's is refused (403), not let through.
OWN_ONLY = {("GET", "/portal/payouts/{payout_id}/explain")}
ROLE_OF = {"admin": "admin", "designer": "designer", "approver": "approver",
           "regional": "regional_head", "distributor": "distributor", "rep": "rep"}


class Idle(Worker):
    """Queues runs and never executes them: this test is about who may, not what happens."""

    def submit(self, run_id: int) -> None:
        """Do nothing."""


def _routes(web: FastAPI) -> list[tuple[str, str]]:
    out = []
    for ctx in iter_route_contexts(web.routes):
        for method in sorted(getattr(ctx, "methods", None) or ()):
            if method != "HEAD":
                out.append((method, ctx.path))
    return out


def _payout_owner(w: World, participant: str) -> str:
    """Whose payout stands for `participant`'s: its own, else the first of a participant no
    test user is."""
    users = {u.get("participant_id") for u in USERS.values()}
    return participant if participant in w.payouts else min(set(w.payouts) - users)


def _fill(path: str, w: World, participant: str) -> str:
    ids = {"version_id": w.version, "program_id": w.program, "run_id": w.run,
           "period_id": w.period, "participant_id": participant, "fmt": "csv",
           "claim_id": 1, "case_id": 1, "dispute_id": 1, "name": "app.css",
           "delivery_id": 1, "endpoint_id": 1,
           # a user outside ROLE_OF: unlocking or removing them leaves the callers be
           "user_id": w.spare_user,
           # the participant's own payout in the run (another's in the by-id test)
           "payout_id": w.payouts.get(_payout_owner(w, participant), 999_999)}
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def _body(path: str, w: World, user: str) -> dict:
    """A plausible body for each write, so an allowed call reaches its use case."""
    forms = {"/signin": {"username": user, "password": f"{user}-pw"},
             "/programs/new": {"yaml": example("billed_channels")},
             "/versions/{version_id}/edit": {"yaml": example("billed_outlets")},
             "/versions/{version_id}/decide": {"decision": "approve"},
             "/versions/{version_id}/override": {"comment": "launch needs it"},
             "/runs/new": {"version_ids": str(w.live_version)},
             "/runs/{run_id}/decide": {"decision": "approve"},
             "/cases/{case_id}/decide": {"decision": "release", "reason": "checked"},
             "/account/password": {"current": f"{user}-pw", "new": "too short"},
             "/users/unlock-address": {"address": "192.0.2.1"},
             "/webhooks": {"url": "https://erp.example/in", "secret": "s" * 20,
                           "event_types": "run.finished"}}
    api = {"/api/tokens": {"username": user, "password": f"{user}-pw"},
           "/api/programs": {"yaml": example("billed_channels")},
           "/api/versions/{version_id}": {"yaml": example("billed_outlets")},
           "/api/versions/{version_id}/decision": {"approve": True, "comment": "ok"},
           "/api/versions/{version_id}/override": {"comment": "launch needs it"},
           "/api/versions/{version_id}/simulate": {},
           "/api/runs": {"version_ids": [w.live_version]},
           "/api/runs/{run_id}/decision": {"approve": True},
           "/api/cases/{case_id}/decision": {"decision": "release", "reason": "checked"},
           "/api/portal/disputes/{dispute_id}/messages": {"body": "hello"},
           "/api/disputes/{dispute_id}/messages": {"body": "hello"},
           "/api/disputes/{dispute_id}/resolution": {"decision": "no_change", "reason": "ok"}}
    return (api if path.startswith("/api") else forms).get(path, {})


def _call(client: Browser | TestClient, method: str, path: str, w: World,  # type: ignore[no-untyped-def]
          participant: str, user: str = "admin"):
    url = _fill(path, w, participant)
    body = _body(path, w, user)
    if isinstance(client, Browser):
        if method == "GET":
            return client.client.get(url)
        return client.post(url, body)
    return client.request(method, url, json=body if method in ("POST", "PUT") else None)


@pytest.fixture
def idle_web(app: App, tokens: dict[str, str]) -> FastAPI:
    """The application with a worker that never runs anything."""
    return create_app(app, secret_key="test-secret", secure_cookies=False, worker=Idle(app))


def test_every_route_is_in_the_table(idle_web: FastAPI):
    """A new route must say who may call it here before this suite passes."""
    routes = set(_routes(idle_web))
    assert routes == set(EXPECTED)


def test_every_route_by_every_role(idle_web: FastAPI, world: World, tokens: dict[str, str]):
    """Allowed roles get past the door (never 401/403, never 5xx); the others get 403;
    nobody signed in gets 401 from the API and the sign-in page from the pages."""
    routes = [r for r in _routes(idle_web) if r[1] != "/signout"]
    clients: dict[str, tuple[Browser, TestClient]] = {}
    for user in ROLE_OF:
        b = Browser(idle_web)
        assert b.sign_in(user).status_code == 303
        clients[user] = (b, TestClient(idle_web, headers={
            "Authorization": f"Bearer {tokens[user]}"}))
    failures = []
    for method, path in routes:
        need = EXPECTED[(method, path)]
        for user, role in ROLE_OF.items():
            page, api = clients[user]
            r = _call(api if path.startswith("/api") else page, method, path, world,
                      world.north, user)
            ok = need in (PUBLIC, SIGNED_IN) or role in PERMISSIONS[need]
            if (method, path) in OWN_ONLY and USERS[user].get("participant_id") != \
                    _payout_owner(world, world.north):
                ok = False  # another participant's: must be refused
            if ok and (r.status_code in (401, 403) or r.status_code >= 500):
                failures.append(f"{user} {method} {path}: {r.status_code} but allowed")
            if not ok and r.status_code != 403:
                failures.append(f"{user} {method} {path}: {r.status_code} but denied")
        anon = Browser(idle_web)
        anon.get("/signin")
        r = _call(TestClient(idle_web) if path.startswith("/api") else anon, method, path,
                  world, world.north)
        if need not in (PUBLIC,):
            expected = 401 if path.startswith("/api") else 303
            if r.status_code != expected:
                failures.append(f"anonymous {method} {path}: {r.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("user", ["distributor", "rep"])
def test_participants_never_reach_data_by_id(idle_web: FastAPI, world: World,
                                             tokens: dict[str, str], user: str):
    """On every route taking an id, a distributor or rep asking about another participant
    (or anything else by id) is refused."""
    page = Browser(idle_web)
    page.sign_in(user)
    api = TestClient(idle_web, headers={"Authorization": f"Bearer {tokens[user]}"})
    other = "D00002" if USERS[user]["participant_id"] != "D00002" else "D00003"
    # the static files are public: their one parameter is a file name, not anyone's data
    id_routes = [r for r in _routes(idle_web)
                 if re.search(r"\{(?!fmt\})", r[1]) and r[1] != "/static/{name}"]
    assert len(id_routes) >= 20
    for method, path in id_routes:
        r = _call(api if path.startswith("/api") else page, method, path, world, other, user)
        assert r.status_code in (403, 404), f"{user} {method} {path}: {r.status_code}"
        assert other not in r.text or "not" in r.text


def test_regional_head_sees_only_their_region(idle_web: FastAPI, world: World,
                                              tokens: dict[str, str]):
    """A regional head's payout list and drill-down stay in their region."""
    api = TestClient(idle_web, headers={"Authorization": f"Bearer {tokens['regional']}"})
    page = api.get(f"/api/runs/{world.run}/payouts", params={"region": "East"}).json()
    assert all(row["region"] == "North" for row in page["rows"])
    r = api.get(f"/api/runs/{world.run}/participants/{world.south}")
    assert r.status_code == 403
    dash = api.get("/api/dashboards").json()
    assert {a["group"] for a in dash["attainment"] if a["by"] == "region"} <= {"North"}
    assert dash["budget"] == [] and dash["cost"] == []
