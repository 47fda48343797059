"""Cases through the pages: the review queue, one case with its evidence (lines, outlet
map, sales per day), a hold and its release; and a real browser (Playwright, Chromium)
doing the same. The warehouse is cases_support's: D1 bills 10 × 10,000.00 to O1 on 1–10
June and four token bills of 250.00 to O2 on 15 June; the June program pays 2 %: D1
2,020.00, D2 2,000.00; without the token bills D1 earns 2,000.00, so the token_invoices
case's value at risk is 20.00 and it holds D1's payout of 2,020.00."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from cases_support import PROGRAM, write_warehouse
from schemeops.service import programs, runs
from schemeops.service.context import Actor, App
from schemeops.store.audit import verify
from schemeops.store.db import make_engine, sessions
from schemeops.store.models import AuditEntry, User


@pytest.fixture
def app(store_url: str, tmp_path: Path) -> App:
    """The test's store (users only) on the cases warehouse."""
    return App(sessions(make_engine(store_url)), write_warehouse(tmp_path / "wh.duckdb"),
               tmp_path / "runs")


@pytest.fixture
def run_id(app: App) -> int:
    """June calculated (started by `approver`), its payouts approved by `approver2`: the
    calculation opened one blocking case on D1."""
    with app.sessions.begin() as s:
        who = {u.username: Actor.of(u) for u in s.query(User)}
        v = programs.create_draft(s, who["designer"], PROGRAM)
        programs.submit(s, who["designer"], v.id)
        programs.decide(s, who["approver"], v.id, approve=True, comment="fine")
        programs.go_live(s, who["approver"], v.id)
        run = runs.start(s, who["approver"], [v.id], reason="June")
    runs.execute(app, run.id)
    with app.sessions.begin() as s:
        runs.decide_payouts(s, who["approver2"], run.id, approve=True)
    return run.id


def _exported(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Amount by participant in a CSV export of credit notes."""
    return {r["participant_id"]: r["amount"]
            for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}


def test_queue_case_page_hold_and_release(as_user, app: App, run_id: int):
    """approver2 sees the case first in the queue and its evidence: the four token lines,
    O2 flagged on the map, 1,000.00 of 101,000.00 flagged on 15 June; the export leaves D1
    out; the run's starter may read but not decide it; approver2 releases it with a reason,
    and D1 is exported once, at 2,020.00; the audit chain has the decision and verifies."""
    rev = as_user("approver2")
    queue = rev.get("/cases").text
    [case_id] = re.findall(r'href="/cases/(\d+)"', queue)
    assert "Token invoices" in queue and "20.00" in queue
    page = rev.get(f"/cases/{case_id}").text
    assert page.count("<td>T-") == 4
    assert "1,000.00 flagged of 101,000.00" in page
    assert page.count('class="pt flag"') == 1 and "<td>O2</td>" in page
    assert page.count('class="bar flag"') == 1
    assert "2,020.00" in page and "2,000.00" in page  # computed, and if adjusted
    assert f'href="/cases/{case_id}"' in rev.get(f"/runs/{run_id}").text

    assert _exported(rev.post(f"/runs/{run_id}/export.csv")) == {"D2": "2000.00"}
    starter = as_user("approver")
    assert 'id="decide-form"' in starter.get(f"/cases/{case_id}").text  # may read, ...
    r = starter.post(f"/cases/{case_id}/decide", {"decision": "release", "reason": "ok"})
    assert r.status_code == 409  # ... not decide: they started the run
    assert rev.post(f"/cases/{case_id}/decide", {"decision": "release", "reason": " "}
                    ).status_code == 409

    r = rev.post(f"/cases/{case_id}/decide",
                 {"decision": "release", "reason": "O2 is a <b>real</b> kiosk"})
    assert r.status_code == 303
    page = rev.get(f"/cases/{case_id}").text
    assert "O2 is a &lt;b&gt;real&lt;/b&gt; kiosk" in page and 'id="decide-form"' not in page
    assert _exported(rev.post(f"/runs/{run_id}/export.csv")) == {"D1": "2020.00",
                                                                 "D2": "2000.00"}
    with app.sessions.begin() as s:
        assert s.query(AuditEntry).filter(AuditEntry.action == "case.released").count() == 1
        assert verify(s) == []


def test_cases_are_for_reviewers_only(as_user, run_id: int):
    """The distributor and the designer are refused the queue and the case."""
    for user in ("distributor", "designer"):
        b = as_user(user)
        assert b.get("/cases").status_code == 403
        assert b.get("/cases/1").status_code == 403




def test_review_queue_hold_and_release_in_a_browser(run_id, server, chromium, screenshot):
    """In Chromium, approver2 opens the queue, the case (map and day chart drawn), exports
    the run without D1, releases the case with a reason, and exports again: D1 once."""
    from playwright.sync_api import expect

    p = chromium.new_context(accept_downloads=True).new_page()
    asked: list[str] = []  # the decision and the exports ask first
    p.on("dialog", lambda d: (asked.append(d.message), d.accept()))
    p.goto(server + "/signin")
    p.fill("input[name=username]", "approver2")
    p.fill("input[name=password]", "approver2-pw")
    p.click("button[type=submit]")
    p.click("nav >> text=Cases")
    expect(p.locator("table.queue tbody tr")).to_have_count(1)
    expect(p.locator("table.queue")).to_contain_text("20.00")
    p.locator("table.queue a").first.click()
    expect(p.locator("h1")).to_contain_text("Token invoices")
    expect(p.locator("svg.map circle.flag")).to_have_count(1)
    expect(p.locator("svg.days rect.flag")).to_have_count(1)
    expect(p.locator("table.lines tbody tr")).to_have_count(4)
    expect(p.locator("table.held")).to_contain_text("2,020.00")
    screenshot(p, "case")
    case_url = p.url

    def export(label: str = "Export credit notes (CSV)") -> dict[str, str]:
        p.goto(f"{server}/runs/{run_id}")
        expect(p.locator("#export-csv")).to_have_text(label)
        with p.expect_download() as dl:
            p.click("#export-csv")
        rows = Path(dl.value.path()).read_text(encoding="utf-8-sig")
        return {r["participant_id"]: r["amount"] for r in csv.DictReader(io.StringIO(rows))}

    assert export() == {"D2": "2000.00"}
    p.goto(case_url)
    p.fill("#decide-form textarea[name=reason]", "O2 is a real kiosk; bills checked")
    p.click("#decide-form button[value=release]")
    expect(p.locator("h1 .tag")).to_have_text("released")
    expect(p.locator("#outcome")).to_have_text(
        "Decision recorded: the held payouts pay what it allows.")
    case_id = case_url.rsplit("/", 1)[1]
    assert asked[-1] == (f"Release case {case_id}? D1's held payouts pay as computed; the "
                         "decision is final.")
    expect(p.locator(".decision")).to_contain_text("bills checked")
    screenshot(p, "released")
    assert export() == {"D1": "2020.00", "D2": "2000.00"}
    # known notes stay known, once: the third export is offered as a copy
    assert export("Download a copy (CSV)") == {"D1": "2020.00", "D2": "2000.00"}
