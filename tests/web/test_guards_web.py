"""Guards on the pages, without a browser: an as-of run's page tells each budget's burn;
the API holds a blocked approval and takes a second approver's override."""

from __future__ import annotations

import datetime as dt
import re

from webkit import example

from schemeops.service import programs, runs
from schemeops.service.context import Actor, App
from schemeops.store.models import User


def _actors(app: App) -> dict[str, Actor]:
    with app.sessions.begin() as s:
        return {u.username: Actor.of(u) for u in s.query(User)}


def test_an_as_of_run_page_tells_the_budget_burn(app: App, as_user):
    # flash_week pays per unit of premium tea from 24 to 30 October on a budget of 2,000
    who = _actors(app)
    with app.sessions.begin() as s:
        v = programs.create_draft(s, who["designer"], example("flash_week"))
        programs.submit(s, who["designer"], v.id)
        programs.decide(s, who["approver"], v.id, approve=True)
        programs.go_live(s, who["approver"], v.id)
        run_id = runs.start(s, who["approver"], [v.id], as_of=dt.date(2026, 10, 27)).id
    runs.execute(app, run_id)
    page = as_user("approver2").get(f"/runs/{run_id}").text
    assert "Budget burn as of 2026-10-27" in page
    row = re.search(r'<tr id="burn-flash_tea_week">(.*?)</tr>', page, re.S)
    assert row is not None
    assert "of period 1&#39;s budget paid with 4 of 7 days gone" in row.group(1)
    assert as_user("regional").get(f"/runs/{run_id}").text.count("Budget burn") == 0


DEEP_CUT = """\
id: deep_cut
name: Deep cut
period: {start: 2026-10-01, end: 2026-10-31}
kpis:
  - {id: sales, kind: volume}
components:
  - id: discount
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.30}
"""


def test_the_api_holds_a_blocked_approval_until_overridden(app: App, api):
    who = _actors(app)
    with app.sessions.begin() as s:
        v = programs.create_draft(s, who["designer"], DEEP_CUT)
        programs.submit(s, who["designer"], v.id)
    first = api("approver").post(f"/api/versions/{v.id}/decision",
                                 json={"approve": True, "comment": "looks fine"})
    assert first.status_code == 200 and first.json()["status"] == "submitted"
    again = api("approver").post(f"/api/versions/{v.id}/override", json={"comment": "mine"})
    assert again.status_code == 409
    assert "second approver" in again.json()["detail"]
    second = api("approver2").post(f"/api/versions/{v.id}/override",
                                   json={"comment": "festival month"})
    assert second.status_code == 200 and second.json()["status"] == "approved"
