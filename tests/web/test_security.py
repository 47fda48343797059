"""Sign-in, session cookie flags, CSRF on forms, bearer tokens on the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from webkit import Browser

from schemeops.service.context import App
from schemeops.web.app import create_app


def test_sign_in_works_and_lands_by_role(browser: Browser, as_user):
    """The right password starts a session; staff land on programs, distributors on the
    portal; the wrong one shows the form again with an error."""
    assert browser.client.get("/programs").headers["location"].startswith("/signin")
    r = browser.sign_in("designer")
    assert r.status_code == 303
    assert browser.client.get("/").headers["location"] == "/programs"
    assert browser.get("/programs").status_code == 200
    assert as_user("distributor").client.get("/").headers["location"] == "/portal"


def test_sign_in_fails_with_a_wrong_password(browser: Browser):
    """A wrong password or an unknown user gets 401 and no session."""
    for name, password in (("designer", "nope"), ("nobody", "x")):
        r = browser.sign_in(name, password)
        assert r.status_code == 401
        assert "Wrong user name or password" in r.text
        assert browser.client.get("/programs").status_code == 303


def test_sign_out_ends_the_session(as_user):
    """After signing out the pages send you to sign in again."""
    b = as_user("admin")
    assert b.post("/signout").status_code == 303
    assert b.client.get("/programs").status_code == 303


def test_form_posts_without_the_csrf_token_are_refused(as_user, browser: Browser):
    """Missing or wrong token → 403, on sign-in and on every other form."""
    browser.get("/signin")
    r = browser.post("/signin", {"username": "admin", "password": "admin-pw"}, csrf=False)
    assert r.status_code == 403
    b = as_user("designer")
    assert b.post("/programs/new", {"yaml": "id: x"}, csrf=False).status_code == 403
    r = b.client.post("/programs/new", data={"yaml": "id: x", "csrf_token": "forged"})
    assert r.status_code == 403
    assert b.post("/signout", csrf=False).status_code == 403


def test_a_token_from_another_session_is_refused(as_user):
    """One session's CSRF token does not work in another's."""
    a, b = as_user("designer"), as_user("admin")
    a.csrf = b.csrf
    assert a.post("/programs/new", {"yaml": "id: x"}).status_code == 403


def test_session_cookie_is_httponly_samesite_and_secure(app: App, tokens):
    """With secure cookies (the default) the session cookie says Secure, HttpOnly, Lax."""
    web = create_app(app, secret_key="k")
    r = TestClient(web, base_url="https://testserver").get("/signin")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_api_needs_a_bearer_token(web, api, tokens):
    """No token → 401; a wrong one → 401; a cookie session is not enough; tokens can be
    had for a password."""
    plain = TestClient(web)
    assert plain.get("/api/programs").status_code == 401
    bad = TestClient(web, headers={"Authorization": "Bearer so_wrong"})
    assert bad.get("/api/programs").status_code == 401
    b = Browser(web)
    b.sign_in("admin")
    assert b.client.get("/api/programs").status_code == 401
    assert api("admin").get("/api/programs").json() == []
    r = plain.post("/api/tokens", json={"username": "approver", "password": "approver-pw"})
    assert r.status_code == 201
    fresh = TestClient(web, headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert fresh.get("/api/runs").status_code == 200
    assert plain.post("/api/tokens", json={"username": "approver",
                                           "password": "x"}).status_code == 403


def test_openapi_and_docs_are_served(web):
    """The API documents itself; pages stay out of the schema."""
    c = TestClient(web)
    schema = c.get("/openapi.json").json()
    assert "/api/runs/{run_id}/payouts" in schema["paths"]
    assert not [p for p in schema["paths"] if not p.startswith("/api/")]
    assert c.get("/api/docs").status_code == 200
    js = c.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000


def test_the_drill_down_escapes_the_stored_text_it_tells(as_user, app: App, world):
    """Text stored with a run (a gate, a warning's invoice id) reaches the drill-down page
    escaped, never as markup; the stored warning is told under the payout."""
    import datetime as dt
    from decimal import Decimal

    from sqlalchemy import update

    from schemeops.store.models import ExplanationLine, RunWarning

    hostile = "<script>alert('x')</script>"
    with app.sessions.begin() as s:
        s.execute(update(ExplanationLine).where(
            ExplanationLine.run_id == world.run, ExplanationLine.participant_id == "D00001",
            ExplanationLine.row == "component").values(gate=hostile, gate_held=True))
        s.add(RunWarning(
            run_id=world.run, program_id=world.live_program, participant_id="D00001",
            period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), kpi="k",
            settlement="gross", distributor_id="D00001", invoice_id=hostile,
            invoice_date=dt.date(2026, 10, 1), total=Decimal("100.00"), paid=Decimal("98.00"),
            short=Decimal("2.00"), tier_days=10, tier_rate=Decimal("0.02"),
            discount=Decimal("2.00"), warn_on=dt.date(2026, 10, 11)))
    page = as_user("approver").get(f"/runs/{world.run}/participants/D00001").text
    assert hostile not in page
    assert "gate met: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "WARNING: invoice &lt;script&gt;" in page
