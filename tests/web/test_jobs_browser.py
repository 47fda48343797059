"""The jobs page in Chromium (Playwright, Debian's /usr/bin/chromium), on a server whose
scheduler is on: the job's due occurrence (1 January, yearly) ran at start-up and loaded the
folder's one participant; "Run now" adds a manual record that reads nothing new (the file is
loaded once); the history filters by job; a designer sees the page without the button; nothing
the CSP refuses, no console error."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jobs_support import jobs_config

from schemeops.jobs import Scheduler
from schemeops.service.context import App
from schemeops.web.app import create_app


@pytest.fixture
def jobs_server(app: App, tmp_path: Path, serve) -> Iterator[str]:  # type: ignore[no-untyped-def]
    own = dataclasses.replace(app, warehouse=tmp_path / "jobs-wh.duckdb")
    web = create_app(own, secret_key="k", secure_cookies=False,
                     scheduler=Scheduler(own, jobs_config(tmp_path)))
    with serve(web) as url:
        yield url


def _sign_in(page, server: str, who: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/signin")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", f"{who}-pw")
    page.click("button[type=submit]")


def test_jobs_page_scheduled_run_then_run_now(jobs_server: str, page, chromium,
                                              screenshot) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script("window.refused = []; document.addEventListener("
                         "'securitypolicyviolation', e => window.refused.push("
                         "e.violatedDirective + ' ' + e.blockedURI));")
    _sign_in(page, jobs_server, "admin")
    page.click("header nav >> text=Jobs")
    expect(page.locator("h1")).to_have_text("Jobs")
    expect(page.locator("main")).to_contain_text("The scheduler is on.")
    row = page.locator("tr[data-job=dms]")
    expect(row).to_contain_text("folder")
    expect(row).to_contain_text("0 0 1 1 *")
    history = page.locator("table.history tbody tr")
    # the start-up run of the due occurrence: poll until it is recorded
    for _ in range(60):
        if "succeeded" in history.first.inner_text():
            break
        time.sleep(0.5)
        page.reload()
    expect(history).to_have_count(1)
    # read 1, accepted 1, rejected 0, present 0, conflicts 0: the one participant
    expect(history.first.locator("td.num").nth(0)).to_have_text("1")
    expect(history.first.locator("td.num").nth(1)).to_have_text("1")
    expect(history.first).to_contain_text("schedule")
    expect(row.locator("td.num").first).to_have_text("1")

    row.locator("button", has_text="Run now").click()
    expect(page.locator("#outcome")).to_contain_text("Started")
    for _ in range(60):
        if history.count() == 2 and "succeeded" in history.first.inner_text():
            break
        time.sleep(0.5)
        page.reload()
    expect(history).to_have_count(2)
    newest = history.first
    expect(newest).to_contain_text("manual")
    expect(newest.locator("td.num").nth(0)).to_have_text("0")  # the file was loaded before
    expect(newest).to_contain_text("already loaded")
    page.click("table.jobs >> text=dms")
    expect(page.locator("h2")).to_contain_text("History of dms")
    screenshot(page, "jobs")
    assert page.evaluate("window.refused") == []
    assert problems == []

    designer = chromium.new_context().new_page()
    _sign_in(designer, jobs_server, "designer")
    designer.goto(jobs_server + "/jobs")
    expect(designer.locator("tr[data-job=dms]")).to_be_visible()
    expect(designer.locator("button", has_text="Run now")).to_have_count(0)
    designer.context.close()
