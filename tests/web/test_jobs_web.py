"""The jobs page through the test client: the list with the next due time, run now (admin
only), the record in the history with its counts, and the page without a jobs file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fastapi import FastAPI
from jobs_support import jobs_config
from webkit import Browser

from schemeops.jobs import Scheduler
from schemeops.service.context import App
from schemeops.web.app import create_app
from schemeops.web.settings import WebSettings
from schemeops.web.worker import Worker


def _web(app: App, tmp_path: Path) -> tuple[FastAPI, Scheduler]:
    own = dataclasses.replace(app, warehouse=tmp_path / "jobs-wh.duckdb")
    scheduler = Scheduler(own, jobs_config(tmp_path))
    web = create_app(own, secret_key="k", secure_cookies=False, worker=Worker(own, inline=True),
                     settings=WebSettings(scheduler=False), scheduler=scheduler)
    return web, scheduler


def test_run_now_records_the_pull_and_the_page_shows_it(app: App, tmp_path: Path) -> None:
    web, scheduler = _web(app, tmp_path)
    admin = Browser(web)
    assert admin.sign_in("admin").status_code == 303
    r = admin.get("/jobs")
    assert r.status_code == 200
    assert "never run" in r.text and "<code>0 0 1 1 *</code>" in r.text
    assert "The scheduler is off" in r.text
    assert "Run now" in r.text
    r = admin.post("/jobs/dms/run")
    assert (r.status_code, r.headers["location"]) == (303, "/jobs?done=job_started")
    scheduler.stop()  # waits for the job
    page = admin.get("/jobs?job=dms").text
    assert '<span class="tag succeeded">succeeded</span>' in page
    # read 1, accepted 1, rejected 0, present 0, conflicts 0 (one participant, new)
    assert ('<td class="num">1</td><td class="num">1</td><td class="num">0</td>'
            '<td class="num">0</td><td class="num">0</td>') in page
    assert "manual" in page and "participants.csv" in page


def test_designer_reads_but_may_not_run(app: App, tmp_path: Path) -> None:
    web, scheduler = _web(app, tmp_path)
    designer = Browser(web)
    designer.sign_in("designer")
    r = designer.get("/jobs")
    assert r.status_code == 200 and "dms" in r.text and "Run now" not in r.text
    assert designer.post("/jobs/dms/run").status_code == 403
    scheduler.stop()


def test_unknown_job_and_no_jobs_file(app: App, tmp_path: Path, as_user) -> None:  # type: ignore[no-untyped-def]
    web, scheduler = _web(app, tmp_path)
    admin = Browser(web)
    admin.sign_in("admin")
    admin.get("/jobs")
    assert admin.post("/jobs/nope/run").status_code == 404
    assert admin.post("/jobs/bad%20name/run").status_code == 422
    scheduler.stop()
    plain = as_user("admin")  # the app of the other tests: no jobs file
    r = plain.get("/jobs")
    assert r.status_code == 200 and "No jobs file" in r.text
