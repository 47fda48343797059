"""The whole life of a program through the HTTP layer: a draft with an error, fixed,
submitted, refused to its author, approved by another, live, simulated, calculated, payouts
approved, exported twice without paying twice, its period closed; and the pages that show it."""

from __future__ import annotations

import csv
import io
import re

from webkit import Browser, World, example

BROKEN_LINE = "  - {id: value, kind: volume, measure: net_amount, source: secondary}"


def _broken() -> tuple[str, int]:
    text = example("volume_growth")
    line = text.splitlines().index(BROKEN_LINE) + 1
    return text.replace(BROKEN_LINE, BROKEN_LINE.replace("kind: volume", "kind: volum")), line


def test_program_to_credit_notes_through_the_api(api):
    """Every step of the lifecycle, with the refusals a controller expects."""
    admin, approver, designer = api("admin"), api("approver"), api("designer")
    broken, line = _broken()
    r = admin.post("/api/programs", json={"yaml": broken})
    assert r.status_code == 422
    assert line in [d["line"] for d in r.json()["diagnostics"]]
    assert all({"line", "col", "code", "message", "hint"} <= set(d)
               for d in r.json()["diagnostics"])
    r = admin.post("/api/programs", json={"yaml": example("volume_growth")})
    assert r.status_code == 201, r.text
    vid = r.json()["id"]
    edited = example("volume_growth").replace("name: October value growth",
                                              "name: October growth")
    assert admin.put(f"/api/versions/{vid}", json={"yaml": edited}).status_code == 200
    assert admin.post(f"/api/versions/{vid}/submit").json()["status"] == "submitted"
    assert admin.put(f"/api/versions/{vid}", json={"yaml": edited}).status_code == 409
    own = admin.post(f"/api/versions/{vid}/decision", json={"approve": True})
    assert own.status_code == 409 and "another approver" in own.json()["detail"]
    r = approver.post(f"/api/versions/{vid}/decision", json={"approve": True, "comment": "ok"})
    assert r.json()["status"] == "approved"
    assert designer.post(f"/api/versions/{vid}/live").json()["status"] == "live"
    history = designer.get("/api/programs/volume_growth_oct/history").json()
    assert "+name: October growth" in history[0]["diff"]

    sim = designer.post(f"/api/versions/{vid}/simulate", json={})
    assert sim.status_code == 202
    sim = designer.get(f"/api/runs/{sim.json()['id']}").json()
    assert (sim["kind"], sim["status"]) == ("simulation", "succeeded")

    r = admin.post("/api/runs", json={"version_ids": [vid], "reason": "October"})
    assert r.status_code == 202
    run_id = r.json()["id"]
    run = admin.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "succeeded" and run["progress"] == 100, run["error"]
    assert admin.post(f"/api/runs/{run_id}/decision", json={"approve": True}).status_code == 409
    assert approver.post(f"/api/runs/{run_id}/export").status_code == 409
    r = approver.post(f"/api/runs/{run_id}/decision", json={"approve": True})
    assert r.json()["payout_status"] == "approved"

    page = approver.get(f"/api/runs/{run_id}/payouts", params={"per_page": 2}).json()
    assert page["total"] == run["total_payout"] and page["pages"] == -(-page["count"] // 2)
    story = approver.get(f"/api/runs/{run_id}/participants/D00001").json()
    assert {e["program_name"] for e in story} == {"October growth"}
    caps = [k for e in story for c in e["components"] for k in c["conditions"]]
    assert caps and all(k.startswith(("cap ", "capped at ")) for k in caps)  # 3% of value
    assert all(isinstance(e["limits"], list) for e in story)
    assert all(e["warnings"] == [] for e in story)  # no short-paid invoice of D00001 here
    paid = approver.get(f"/api/runs/{run_id}/payouts", params={"q": "D00001"}).json()
    assert [s["payout"] for s in story] == [row["amount"] for row in paid["rows"]]

    first = approver.post(f"/api/runs/{run_id}/export")
    second = approver.post(f"/api/runs/{run_id}/export")
    assert first.status_code == second.status_code == 200
    assert int(first.headers["x-new-credit-notes"]) > 0
    assert second.headers["x-new-credit-notes"] == "0"
    refs = [[r["reference"] for r in csv.DictReader(io.StringIO(x.text))]
            for x in (first, second)]
    assert refs[0] == refs[1] and len(set(refs[0])) == len(refs[0]) > 0
    assert first.text == second.text

    (period,) = approver.get("/api/periods").json()
    assert approver.post(f"/api/periods/{period['id']}/close").json()["status"] == "closed"
    assert approver.get("/api/audit/verify").json() == []
    actions = [e["action"] for e in approver.get("/api/audit").json()]
    assert {"version.approved", "payouts.approved", "payouts.exported",
            "period.closed"} <= set(actions)


def test_the_portal_shows_only_my_data(api, world: World):
    """A distributor sees their own programs, progress and statement, and nobody else's."""
    me = api("distributor")
    portal = me.get("/api/portal").json()
    assert portal["participant_id"] == "D00001"
    assert [p["program_id"] for p in portal["programs"]] == [world.live_program]
    assert portal["programs"][0]["kpis"][0]["share"] is not None
    lines = list(csv.DictReader(io.StringIO(me.get("/api/portal/statement").text)))
    assert lines and {line["reference"].split("-")[3] for line in lines} == {"D00001"}


def test_pages_draft_with_error_marked_at_its_line(as_user):
    """The editor lists `line:col code message` and marks the line; fixing it saves."""
    b = as_user("designer")
    broken, line = _broken()
    r = b.post("/programs/new", {"yaml": broken})
    assert r.status_code == 422
    assert f'id="L{line}" class="line bad"' in r.text
    assert re.search(rf"<code>{line}:\d+</code>", r.text)
    assert "kind: volum" in r.text
    r = b.post("/programs/new", {"yaml": example("volume_growth")})
    assert r.status_code == 303
    view = b.get(r.headers["location"])
    assert view.status_code == 200
    assert "growth_bonus" in view.text and "<td>1.1</td>" in view.text
    assert "Submit for approval" in view.text


def test_pages_of_a_calculated_run(as_user, world: World):
    """Run, payouts, drill-down, dashboards, periods, audit and portal pages show the run."""
    b = as_user("approver")
    run = b.get(f"/runs/{world.run}")
    assert run.status_code == 200 and "Cost % of sales" in run.text
    assert 'class="chart"' in run.text and "/vendor/plotly.min.js" in run.text
    assert "Export credit notes" in run.text
    pay = b.get(f"/runs/{world.run}/payouts", params={"q": "D00001"})
    assert "SO-" in pay.text and "1</strong> payouts" in pay.text
    assert "Next slab" in b.get(f"/runs/{world.run}/participants/D00001").text
    assert "Target and actual" in b.get("/dashboards").text
    assert "Close" in b.get("/periods").text
    assert "The audit chain and every closed period" in b.get("/audit/verify").text
    csv_file = b.post(f"/runs/{world.run}/export.csv")
    assert csv_file.headers["content-disposition"].startswith("attachment")
    xlsx = b.post(f"/runs/{world.run}/export.xlsx")
    assert xlsx.content[:2] == b"PK"
    portal = as_user("distributor").get("/portal")
    assert portal.status_code == 200 and '<progress class="meter' in portal.text
    assert "D00002" not in portal.text


def test_run_page_polls_while_queued(as_user, app, world: World, web):
    """A queued run shows a progress bar that its script polls."""
    from schemeops.service import runs
    from schemeops.service.context import Actor
    from schemeops.store.models import User

    with app.sessions.begin() as s:
        run = runs.start(s, Actor.of(s.query(User).filter_by(username="admin").one()),
                         [world.live_version])
        run_id = run.id
    b: Browser = as_user("admin")
    assert 'id="progress"' in b.get(f"/runs/{run_id}").text
    assert b.get(f"/runs/{run_id}/progress").json() == {"status": "queued", "progress": 0,
                                                         "step": ""}
