"""Abuse resistance (issue 11): an alias bomb and a 10 MB body refused fast and small on a
live server; sign-in lockouts per account and address, lifted by an admin, in the audit
chain; server-side sessions ended by sign-out, password change, removal and timeouts; security
headers on every page; no input echoed in errors; forwarded headers trusted only behind a
proxy."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from test_authorization import EXPECTED, _fill, _routes
from webkit import Browser, World

from schemeops.service.context import App
from schemeops.service.signin import SessionLimits, SignInLimits
from schemeops.store.audit import verify
from schemeops.store.models import AuditEntry, User, WebSession
from schemeops.web.app import create_app
from schemeops.web.settings import WebSettings
from schemeops.web.worker import Worker

# The billion-laughs pattern: 272 bytes that expand to 9**7 strings in a naive loader.
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n"
                  for p, n in zip("abcdef", "bcdefg", strict=True)))
TEN_MB = 10 * 1024 * 1024


def _web(app: App, **settings: object) -> FastAPI:
    return create_app(app, secret_key="test-secret", secure_cookies=False,
                      worker=Worker(app, inline=True), settings=WebSettings(**settings))


def _audit(app: App, action: str) -> list[AuditEntry]:
    with app.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.seq)))


# ------------------------------------------------------------- denial of service, live

def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def live(store_url: str, warehouse: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """`schemeops serve`'s app factory in its own process on a free port (its RSS is the
    server's alone)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SCHEMEOPS_STORE_URL": store_url, "SCHEMEOPS_WAREHOUSE":
           str(warehouse), "SCHEMEOPS_RUNS": str(tmp_path / "runs"),
           "SCHEMEOPS_SECRET_KEY": "k"}
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "schemeops.web.main:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        try:
            httpx.get(base + "/signin", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    try:
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def test_alias_bomb_and_a_10_mb_body_are_refused_fast_and_small(live, tokens):
    """The 272-byte alias bomb (form and API) and 10 MB bodies (JSON and form): each refused
    in < 1 s, none echoed back, and the server's RSS grows < 50 MB over all of them."""
    base, pid = live
    api = httpx.Client(base_url=base, timeout=30,
                       headers={"Authorization": f"Bearer {tokens['designer']}"})
    page = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    page.post("/signin", data={"username": "designer", "password": "designer-pw",
                               "csrf_token": _csrf(page.get("/signin").text)})
    csrf = _csrf(page.get("/programs/new").text)
    # warm up: the first refusal of each kind loads what it needs
    assert api.post("/api/programs", json={"yaml": "id: [1"}).status_code == 422
    assert page.post("/programs/new", data={"yaml": "id: [1", "csrf_token": csrf}
                     ).status_code == 422
    before = _rss_kb(pid)
    big = b"x" * TEN_MB
    cases = {
        "bomb via API": lambda: api.post("/api/programs", json={"yaml": BOMB}),
        "bomb via form": lambda: page.post("/programs/new",
                                           data={"yaml": BOMB, "csrf_token": csrf}),
        "10 MB JSON": lambda: api.post("/api/programs", content=b'{"yaml": "' + big + b'"}',
                                       headers={"Content-Type": "application/json"}),
        "10 MB form": lambda: page.post("/programs/new", content=b"yaml=" + big, headers={
            "Content-Type": "application/x-www-form-urlencoded"}),
        "10 MB claims CSV": lambda: api.post("/api/claims/upload", content=big, headers={
            "Content-Type": "text/csv"}),
    }
    figures = {}
    for name, call in cases.items():
        started = time.perf_counter()
        r = call()
        took = time.perf_counter() - started
        figures[name] = (r.status_code, round(took, 3))
        assert took < 1.0, f"{name}: {took:.2f} s"
        expected = 422 if name.startswith("bomb") else 413
        assert r.status_code == expected, f"{name}: {r.status_code} {r.text[:200]}"
        assert "lol" not in r.text or name == "bomb via form"  # the editor shows its text
        assert "xxxxxxxx" not in r.text
    growth_mb = (_rss_kb(pid) - before) / 1024
    print(f"\nabuse figures: {figures}; server RSS {before / 1024:.1f} MB, "
          f"growth {growth_mb:.1f} MB")
    assert growth_mb < 50
    bomb = api.post("/api/programs", json={"yaml": BOMB}).json()
    assert bomb["diagnostics"][0]["code"] == "yaml_anchor"
    assert (bomb["diagnostics"][0]["line"], bomb["diagnostics"][0]["col"]) == (1, 4)


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, html[:300]
    return m.group(1)


def test_deeply_nested_json_is_refused_without_a_server_error(web: FastAPI, api):
    """A JSON body nested 500,000 deep (1 MB) gets a 400, fast, not a 500."""
    started = time.perf_counter()
    r = api("designer").post("/api/programs", content=b"[" * 500_000,
                             headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422) and time.perf_counter() - started < 1.0


def test_validation_errors_do_not_echo_the_input(api, as_user):
    """422s say where and what, never the value sent (FastAPI's default echoes `input`)."""
    secret = "SECRET-" + "z" * 50
    r = api("designer").post("/api/programs", json={"yaml": [secret]})
    assert r.status_code == 422
    assert secret not in r.text and "input" not in r.json()["detail"][0]
    assert r.json()["detail"][0]["loc"] == ["body", "yaml"]
    r = api("designer").post("/api/programs", json={"yaml": "x" * 200_001})
    assert r.status_code == 422 and "xxxx" not in r.text
    b = as_user("approver")
    r = b.post("/versions/1/decide", {"decision": secret})
    assert r.status_code == 422 and secret not in r.text


# ------------------------------------------------------------------ sign-in lockouts

def test_20_wrong_passwords_lock_the_account_and_the_audit_chain_shows_them(app: App, tokens):
    """10 failures lock the account for the configured 7 minutes: attempts 10-20 are refused
    (429, Retry-After ≈ 420 s), the right password too; the chain holds every checked
    failure and the lockout and still verifies; an admin lifts it, then the right password
    works and is recorded."""
    web = _web(app, signin=SignInLimits(lockout=dt.timedelta(minutes=7)))
    b = Browser(web)
    codes = [b.sign_in("designer", "wrong").status_code for _ in range(20)]
    assert codes == [401] * 9 + [429] * 11
    r = b.sign_in("designer")
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text
    assert 400 <= int(r.headers["retry-after"]) <= 421
    api = TestClient(web)
    locked = api.post("/api/tokens", json={"username": "designer", "password": "designer-pw"})
    assert locked.status_code == 429
    failed = _audit(app, "user.sign_in_failed")
    assert len(failed) == 10 and all('"wrong password"' in e.details for e in failed)
    assert [e.subject_id for e in _audit(app, "account.locked")] == ["designer"]
    with app.sessions() as s:
        assert verify(s) == []
        designer = s.scalar(select(User.id).where(User.username == "designer"))
    admin = Browser(web)
    assert admin.sign_in("admin").status_code == 303
    listing = admin.get("/users").text
    assert "locked until" in listing and f"/users/{designer}/unlock" in listing
    assert admin.post(f"/users/{designer}/unlock").status_code == 303
    assert b.sign_in("designer").status_code == 303
    assert [e.actor for e in _audit(app, "account.unlocked")] == ["admin"]
    assert "designer" in [e.actor for e in _audit(app, "user.signed_in")]
    with app.sessions() as s:
        assert verify(s) == []


def test_a_lockout_ends_by_itself_after_the_configured_time(app: App):
    """With a 1-second lockout, the right password works again once it has passed."""
    web = _web(app, signin=SignInLimits(account_failures=3,
                                        lockout=dt.timedelta(seconds=1)))
    b = Browser(web)
    assert [b.sign_in("approver", "no").status_code for _ in range(3)] == [401, 401, 429]
    assert b.sign_in("approver").status_code == 429
    time.sleep(1.1)
    assert b.sign_in("approver").status_code == 303


def test_one_address_trying_many_accounts_is_locked_and_an_admin_lifts_it(app: App, tokens):
    """Failures count per address too (the API's token requests included): spraying one
    password over many names locks the address, the right password included; an admin lifts
    it on the users page; the API route lifts an account's lockout."""
    web = _web(app, signin=SignInLimits(address_failures=5))
    admin = Browser(web)
    assert admin.sign_in("admin").status_code == 303
    c = TestClient(web)
    names = ["admin", "designer", "approver", "regional", "nobody", "rep"]
    codes = [c.post("/api/tokens", json={"username": n, "password": "Spring2026!"}
                    ).status_code for n in names]
    assert codes == [403, 403, 403, 403, 429, 429]
    assert c.post("/api/tokens", json={"username": "rep", "password": "rep-pw"}
                  ).status_code == 429
    assert Browser(web).sign_in("rep").status_code == 429
    assert [e.subject_id for e in _audit(app, "address.locked")] == ["testclient"]
    assert "testclient" in admin.get("/users").text
    assert admin.post("/users/unlock-address", {"address": "testclient"}).status_code == 303
    assert c.post("/api/tokens", json={"username": "rep", "password": "rep-pw"}
                  ).status_code == 201
    unlock = TestClient(web, headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert unlock.post("/api/users/999999/unlock").status_code == 404
    designer = next(e.subject_id for e in _audit(app, "user.sign_in_failed")
                    if '"username":"designer"' in e.details)
    assert unlock.post(f"/api/users/{designer}/unlock").json()["username"] == "designer"
    assert TestClient(web, headers={"Authorization": f"Bearer {tokens['approver']}"}).post(
        f"/api/users/{designer}/unlock").status_code == 403


# ------------------------------------------------------------------ sessions

def test_a_captured_cookie_fails_after_sign_out(web: FastAPI, as_user):
    """The cookie names a server-side session: after sign-out, a copy of it is worthless."""
    b = as_user("admin")
    captured = dict(b.client.cookies)
    thief = TestClient(web, follow_redirects=False, cookies=captured)
    assert thief.get("/programs").status_code == 200
    assert b.post("/signout").status_code == 303
    r = thief.get("/programs")
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")


def test_password_change_and_removal_end_every_session(web: FastAPI, as_user, app: App):
    """Changing one's password ends one's other sessions (this browser keeps a fresh one);
    removing a user ends theirs and revokes their tokens."""
    one, two = as_user("designer"), as_user("designer")
    r = one.post("/account/password", {"current": "designer-pw", "new": "a new long secret"})
    assert r.status_code == 200 and "Password changed" in r.text
    assert two.client.get("/programs").status_code == 303
    assert one.get("/account/password").status_code == 200  # the new session's CSRF token
    assert one.post("/account/password", {"current": "wrong", "new": "another long one"}
                    ).status_code == 409
    victim, admin = as_user("approver"), as_user("admin")
    with app.sessions() as s:
        approver = s.scalar(select(User.id).where(User.username == "approver"))
    assert admin.post(f"/users/{approver}/remove").status_code == 303
    assert victim.client.get("/programs").status_code == 303
    assert [e.subject_id for e in _audit(app, "user.removed")] == [str(approver)]


def test_idle_and_absolute_timeouts_end_sessions(web: FastAPI, as_user, app: App):
    """30 minutes without a request, or 12 hours after sign-in, and the session is over."""
    idle, old, fresh = as_user("admin"), as_user("designer"), as_user("approver")
    limits = SessionLimits()
    now = dt.datetime.now(dt.UTC)
    with app.sessions.begin() as s:
        ids = dict(s.execute(select(User.username, User.id)).all())
        s.execute(update(WebSession).where(WebSession.user_id == ids["admin"])
                  .values(seen_at=now - limits.idle - dt.timedelta(seconds=5)))
        s.execute(update(WebSession).where(WebSession.user_id == ids["designer"])
                  .values(created_at=now - limits.absolute - dt.timedelta(seconds=5),
                          seen_at=now))
    assert idle.client.get("/programs").status_code == 303
    assert old.client.get("/programs").status_code == 303
    assert fresh.client.get("/programs").status_code == 200


# ------------------------------------------------------------------ headers

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=|javascript:", re.I)


def _check_headers(r: httpx.Response, where: str, https: bool = False) -> list[str]:
    h, bad = r.headers, []
    csp = h.get("content-security-policy", "")
    if "frame-ancestors 'none'" not in csp or "'unsafe-inline'" in csp:
        bad.append(f"{where}: CSP {csp!r}")
    if h.get("x-content-type-options") != "nosniff":
        bad.append(f"{where}: nosniff")
    if h.get("referrer-policy") != "same-origin":
        bad.append(f"{where}: referrer policy")
    if ("strict-transport-security" in h) != https:
        bad.append(f"{where}: HSTS {h.get('strict-transport-security')}")
    if "text/html" in h.get("content-type", "") and INLINE.search(r.text) \
            and "/api/docs" not in where:
        bad.append(f"{where}: inline script or style: {INLINE.search(r.text).group(0)}")
    return bad


def test_security_headers_on_every_page(web: FastAPI, world: World, tokens):
    """Every GET route, as each kind of user and signed out, plus a 404, a 413 and a 422:
    a strict CSP (no inline script or style; none in the HTML either), frame-ancestors
    'none', nosniff, a referrer policy; no HSTS over plain HTTP."""
    gets = [p for m, p in _routes(web) if m == "GET" and not p.startswith("/static")]
    assert set(gets) <= {p for _, p in EXPECTED}
    bad: list[str] = []
    for user in ("admin", "distributor", None):
        b = Browser(web)
        if user:
            b.sign_in(user)
        api = TestClient(web, headers={"Authorization": f"Bearer {tokens[user or 'admin']}"})
        for path in gets:
            url = _fill(path, world, world.north)
            r = (api if path.startswith("/api/") else b.client).get(url)
            bad += _check_headers(r, f"{user} GET {url} ({r.status_code})")
    c = TestClient(web)
    bad += _check_headers(c.get("/no/such/page"), "404")
    bad += _check_headers(c.post("/api/tokens", content=b"x" * (3 << 20)), "413")
    bad += _check_headers(c.post("/api/tokens", json={}), "422")
    bad += _check_headers(c.get("/static/app.css"), "static")
    assert not bad, "\n".join(bad)


def test_hsts_and_secure_cookies_only_over_https(app: App):
    """Over HTTPS: HSTS and a Secure cookie; over HTTP neither (unless forced)."""
    web = create_app(app, secret_key="k")
    plain = TestClient(web).get("/signin")
    assert "strict-transport-security" not in plain.headers
    assert "secure" not in plain.headers["set-cookie"].lower()
    tls = TestClient(web, base_url="https://testserver").get("/signin")
    assert tls.headers["strict-transport-security"].startswith("max-age=")
    assert "secure" in tls.headers["set-cookie"].lower()
    forced = TestClient(create_app(app, secret_key="k", secure_cookies=True)).get("/signin")
    assert "secure" in forced.headers["set-cookie"].lower()


def test_forwarded_headers_are_trusted_only_behind_a_proxy(app: App, monkeypatch):
    """`serve` turns uvicorn's proxy headers off unless `--behind-proxy`; behind one, the
    proxy's X-Forwarded-Proto: https makes the response HSTS and the cookie Secure."""
    import uvicorn
    from typer.testing import CliRunner
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    from schemeops.cli.main import app as cli

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    store = str(app.sessions.kw["bind"].url)
    for extra in ([], ["--behind-proxy", "--proxy-ips", "10.0.0.5"]):
        r = CliRunner().invoke(cli, ["serve", "--store", store, "--warehouse",
                                     str(app.warehouse), *extra])
        assert r.exit_code == 0, r.output
    assert calls[0]["proxy_headers"] is False and "forwarded_allow_ips" not in calls[0]
    assert calls[1]["proxy_headers"] is True and calls[1]["forwarded_allow_ips"] == "10.0.0.5"
    web = create_app(app, secret_key="k")
    proxied = TestClient(ProxyHeadersMiddleware(web, trusted_hosts="*"))
    r = proxied.get("/signin", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" in r.headers and "secure" in r.headers[
        "set-cookie"].lower()
    direct = TestClient(web).get("/signin", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in direct.headers


def test_pages_run_under_the_csp_in_a_browser(world: World, server: str, chromium):
    """Chromium reports no CSP violation on the pages with scripts, charts or drawings (the
    run with its histogram, dashboards, cases, the portal, the editor)."""
    violations: list[str] = []
    for user, paths in (("admin", ["/programs/new", f"/runs/{world.run}", "/dashboards",
                                   f"/versions/{world.version}", "/users", "/cases",
                                   "/cases/1"]),
                        ("distributor", ["/portal", "/portal/claims"])):
        context = chromium.new_context()
        page = context.new_page()
        page.on("console", lambda m: violations.append(f"{m.type}: {m.text}")
                if "Content Security Policy" in m.text else None)
        page.goto(server + "/signin")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", f"{user}-pw")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for path in paths:
            page.goto(server + path)
            page.wait_for_load_state("networkidle")
        context.close()
    assert not violations, "\n".join(violations)


def test_users_commands_unlock_reset_and_remove(web: FastAPI, as_user, app: App,
                                                store_url: str, tokens):
    """`users unlock` lifts a lockout; `users passwd` ends the user's sessions; `users
    remove` ends them and revokes the user's tokens; each is audited."""
    from typer.testing import CliRunner

    from schemeops.cli.main import app as cli

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["users", *args, "--store", store_url,
                                        "--warehouse", str(app.warehouse)])

    b = Browser(web)
    assert [b.sign_in("designer", "x").status_code for _ in range(10)][-1] == 429
    assert run("unlock", "designer").exit_code == 0
    assert run("unlock", "designer").exit_code == 2  # nothing left to lift
    assert b.sign_in("designer").status_code == 303
    r = run("passwd", "designer")
    assert r.exit_code == 0 and "1 session(s) ended" in r.output
    assert b.client.get("/programs").status_code == 303
    approver = as_user("approver")
    assert run("remove", "approver").exit_code == 0
    assert approver.client.get("/programs").status_code == 303
    gone = TestClient(web, headers={"Authorization": f"Bearer {tokens['approver']}"})
    assert gone.get("/api/runs").status_code == 401
    assert [e.actor for e in _audit(app, "account.unlocked")] == ["cli"]
    assert len(_audit(app, "user.password_changed")) == 1
    with app.sessions() as s:
        assert verify(s) == []
