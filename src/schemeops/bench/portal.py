"""The portal load benchmark: a store holding a calculated, approved run of every example
program on a large network, one portal user per participant, a live server, and wrk asking
for a different participant's portal page on every request; a static file, served by the
same server under the same load, is the baseline."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import TimestampSigner
from sqlalchemy import insert, select

from schemeops.service import programs, runs
from schemeops.service.context import Actor, App
from schemeops.service.users import create_user
from schemeops.store.db import make_engine, sessions, sqlite_url
from schemeops.store.migrate import upgrade
from schemeops.store.models import Participant, User, WebSession
from schemeops.store.types import utcnow

EXAMPLES = Path(__file__).parents[3] / "examples" / "programs"
LUA = Path(__file__).parent / "lua" / "portal.lua"
_PORTAL_ROLE = {"sales_rep": "rep", "manager": None}


@dataclass(frozen=True)
class WrkResult:
    """What wrk measured for one path."""

    path: str
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    seconds: float
    non2xx: int
    socket_errors: int

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds


def prepare_store(warehouse: Path, work: Path, *, progress=print) -> tuple[str, int]:
    """A store with every example program live, calculated and approved, and a portal user
    for every distributor, dealer, sub-distributor and rep; its URL and the portal users."""
    url = sqlite_url(work / "store.db")
    upgrade(url)
    app = App(sessions(make_engine(url)), warehouse, work / "runs")
    with app.sessions.begin() as s:
        team = {name: Actor.of(create_user(s, username=name, password=secretless(), role=role))
                for name, role in (("designer", "designer"), ("approver", "approver"),
                                   ("checker", "approver"))}
        ids = []
        for path in sorted(EXAMPLES.glob("*.yaml")):
            v = programs.create_draft(s, team["designer"], path.read_text(encoding="utf-8"))
            programs.submit(s, team["designer"], v.id)
            programs.decide(s, team["approver"], v.id, approve=True)
            programs.go_live(s, team["approver"], v.id)
            ids.append(v.id)
        run_id = runs.start(s, team["approver"], ids).id
    progress(f"calculating {len(ids)} programs on {warehouse} …")
    started = time.perf_counter()
    runs.execute(app, run_id)
    with app.sessions.begin() as s:
        run = runs.get_run(s, run_id)
        if run.status != "succeeded":
            raise RuntimeError(f"the run failed: {run.error}")
        runs.decide_payouts(s, team["checker"], run_id, approve=True)
        progress(f"run {run_id}: {run.participants:,} eligible, paid {run.total_payout:,} "
                 f"({time.perf_counter() - started:.0f} s with storing)")
        people = s.execute(select(Participant.participant_id, Participant.role)).all()
        users = [{"username": f"u-{pid}", "display_name": pid,
                  "role": _PORTAL_ROLE.get(role, "distributor"), "participant_id": pid,
                  "password_hash": "!", "active": True}
                 for pid, role in people if _PORTAL_ROLE.get(role, "distributor")]
        s.execute(insert(User), users)
    return url, len(users)


def secretless() -> str:
    """A throwaway password (the benchmark never signs in by password)."""
    return base64.urlsafe_b64encode(os.urandom(18)).decode()


def session_cookies(url: str, secret: str) -> list[str]:
    """A server-side session per portal user (as signing in makes one), and its signed
    session cookie, as Starlette's session middleware makes."""
    engine = make_engine(url)
    now = utcnow()
    with sessions(engine).begin() as s:
        ids = s.scalars(select(User.id).where(User.role.in_(("distributor", "rep")))
                        .order_by(User.id)).all()
        sids = [secrets.token_urlsafe(32) for _ in ids]
        s.execute(insert(WebSession), [
            {"token_hash": hashlib.sha256(sid.encode()).hexdigest(), "user_id": i,
             "address": "bench", "created_at": now, "seen_at": now}
            for i, sid in zip(ids, sids, strict=True)])
    engine.dispose()
    signer = TimestampSigner(secret)
    return [signer.sign(base64.b64encode(json.dumps({"sid": sid, "csrf_token": "x"})
                                         .encode())).decode() for sid in sids]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited; see its log")
        try:
            urllib.request.urlopen(base + "/signin", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _check_portal(base: str, cookies: list[str], samples: int = 20) -> None:
    """A few cookies must each get their own portal (200, their participant id on it)."""
    step = max(1, len(cookies) // samples)
    for c in cookies[::step][:samples]:
        req = urllib.request.Request(base + "/portal", headers={"Cookie": f"schemeops={c}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read().decode()
            if r.status != 200 or r.url.rstrip("/") != base + "/portal" or "<h1" not in body:
                raise RuntimeError(f"the portal did not answer as expected ({r.status} {r.url})")


@dataclass(frozen=True)
class PageWeight:
    """What a phone fetches for one portal page: each resource's bytes on the wire (body as
    sent, compressed if the server compresses it, plus response headers)."""

    resources: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        """All the page's bytes."""
        return sum(n for _, n in self.resources)


_ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/[^"]+)"')


def _fetch(url: str, cookie: str) -> tuple[bytes, int]:
    """The body as sent and the bytes of the response on the wire (headers included)."""
    req = urllib.request.Request(url, headers={
        "Cookie": f"schemeops={cookie}", "Accept-Encoding": "gzip, br",
        "User-Agent": "Mozilla/5.0 (Linux; Android 10; K) Mobile"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
        head = sum(len(k) + len(v) + 4 for k, v in r.getheaders()) + 17
        return body, len(body) + head


def page_weight(base: str, cookie: str, path: str = "/portal") -> PageWeight:
    """Fetch a page and every stylesheet, script and image it names, as a phone would."""
    body, n = _fetch(base + path, cookie)
    html = (gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body).decode()
    out = [(path, n)]
    for asset in dict.fromkeys(_ASSET.findall(html)):
        out.append((asset, _fetch(base + asset, cookie)[1]))
    return PageWeight(tuple(out))


def run_wrk(base: str, path: str, cookies: Path, *, clients: int, seconds: int) -> WrkResult:
    """wrk on one path with the cookie script; its figures."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
         base + path], env={**os.environ, "SCHEMEOPS_COOKIES": str(cookies)},
        capture_output=True, text=True, check=True).stdout
    m = re.search(r"^RESULT (.*)$", out, re.M)
    if m is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    f = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    return WrkResult(path, f["p50_us"] / 1000, f["p95_us"] / 1000, f["p99_us"] / 1000,
                     f["requests"], f["duration_us"] / 1e6, f["non2xx"], f["socket_errors"])


@dataclass(frozen=True)
class PortalBench:
    """The portal users, each round's figures for the portal and for the static file (the
    rounds alternate: portal, static, portal, …), and the page's weight."""

    users: int
    portal: tuple[WrkResult, ...]
    static: tuple[WrkResult, ...]
    weight: PageWeight


def bench_portal(warehouse: Path, work: Path, *, clients: int = 50, seconds: int = 60,
                 workers: int = 2, rounds: int = 1, page_cache: bool = True,
                 progress=print) -> PortalBench:
    """Prepare (or reuse) the store in `work`, serve it (with or without the portal page
    cache), weigh the heaviest of 20 portal pages, then load the portal and a static file in
    turn, `rounds` times each, so that both see the same machine."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian package wrk: `make system-deps`)")
    work.mkdir(parents=True, exist_ok=True)
    if (work / "store.db").exists():
        url = sqlite_url(work / "store.db")
        upgrade(url)  # a store prepared by an older version
    else:
        url, _ = prepare_store(warehouse, work, progress=progress)
    secret = secretless()
    cookies = session_cookies(url, secret)
    cookie_file = work / "cookies.txt"
    cookie_file.write_text("\n".join(cookies) + "\n")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "schemeops", "serve", "--store", url, "--warehouse",
         str(warehouse), "--runs", str(work / "runs"), "--port", str(port),
         "--no-access-log", "--workers", str(workers),
         "--page-cache" if page_cache else "--no-page-cache"],
        env={**os.environ, "SCHEMEOPS_SECRET_KEY": secret},
        stdout=log, stderr=subprocess.STDOUT)
    portal: list[WrkResult] = []
    static: list[WrkResult] = []
    try:
        _wait(base, server)
        _check_portal(base, cookies)
        step = max(1, len(cookies) // 20)
        weight = max((page_weight(base, c) for c in cookies[::step][:20]),
                     key=lambda w: w.total)  # the heaviest of 20 participants' pages
        progress(f"{len(cookies):,} portal users; {workers} server processes; page cache "
                 f"{'on' if page_cache else 'off'}; {clients} clients, {rounds} round(s) of "
                 f"{seconds} s per path")
        for _ in range(rounds):
            portal.append(run_wrk(base, "/portal", cookie_file, clients=clients,
                                  seconds=seconds))
            static.append(run_wrk(base, "/static/app.css", cookie_file, clients=clients,
                                  seconds=seconds))
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    return PortalBench(len(cookies), tuple(portal), tuple(static), weight)
