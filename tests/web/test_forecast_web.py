"""The pre-launch forecast page (runs.simulate): a draft beside the live version it would
replace, with the figures the service computes; the expected ROI only once a similar
program's effect is estimated; and the dependency trends by distributor (effects.read)."""

from __future__ import annotations

import re

from webkit import World, example

from schemeops.service import forecasts, programs
from schemeops.service.context import Actor, App
from schemeops.store.models import User

#: The live example with richer slabs: a draft that would replace it.
RICHER = example("volume_growth").replace("rate: 0.005", "rate: 0.01").replace(
    "rate: 0.015", "rate: 0.02")


def _draft(app: App) -> int:
    with app.sessions.begin() as s:
        designer = Actor.of(s.query(User).filter_by(username="designer").one())
        return programs.create_draft(s, designer, RICHER).id


def _cells(page: str, label: str) -> list[str]:
    row = re.search(rf"<tr><td>{re.escape(label)}</td>(.*?)</tr>", page)
    assert row, label
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(1))


def test_a_draft_is_forecast_beside_the_live_version(as_user, app: App, world: World):
    draft = _draft(app)
    b = as_user("designer")
    before = b.get(f"/versions/{draft}/forecast").text
    assert 'id="forecast"' in before and "beside the live version 1" in before
    assert "forecast-figures" not in before
    assert f'href="/versions/{draft}/forecast"' in b.get(f"/versions/{draft}").text
    page = b.post(f"/versions/{draft}/forecast")
    assert page.status_code == 200
    text = page.text
    assert 'id="no-lift"' in text  # nothing estimated yet: no ROI invented
    with app.sessions.begin() as s:
        designer = Actor.of(s.query(User).filter_by(username="designer").one())
        fc = forecasts.forecast_version(s, app, designer, draft).forecast
    draft_cost, live_cost = fc.draft.cost, fc.live.cost
    assert draft_cost > live_cost > 0  # richer rates on the same replays pay more
    assert _cells(text, "Cost") == [f"{draft_cost:,.2f}", f"{live_cost:,.2f}",
                                    f"{draft_cost - live_cost:,.2f}"]
    assert _cells(text, "Expected ROI") == ["—", "—", "—"]
    assert _cells(text, "Cost at the expected lift") == ["—", "—", "—"]
    burn = text[text.index('id="forecast-burn"'):]
    assert f"{fc.draft.weeks[-1].cumulative:,.2f}" in burn
    assert len(re.findall(r"<tr><td>1</td><td>\d</td>", burn)) == len(fc.draft.weeks) == 5
    assert fc.data_fingerprint in text


def test_the_expected_roi_comes_from_a_similar_programs_estimate(as_user, app: App,
                                                                 world: World):
    draft = _draft(app)
    b = as_user("designer")
    b.get(f"/versions/{world.live_version}/effect")
    assert b.post(f"/versions/{world.live_version}/effect").status_code == 303
    text = b.post(f"/versions/{draft}/forecast").text
    assert 'id="no-lift"' not in text
    assert _cells(text, "Similar programs with a measured lift")[0] == "1"
    assert _cells(text, "Expected ROI")[0] not in ("—", "")
    assert _cells(text, "Cost at the expected lift")[0] not in ("—", "")


def test_only_simulators_forecast(as_user, app: App, world: World):
    draft = _draft(app)
    for user in ("approver", "regional", "distributor", "rep"):
        b = as_user(user)
        assert b.get(f"/versions/{draft}/forecast").status_code == 403, user
        assert b.post(f"/versions/{draft}/forecast").status_code == 403, user
    assert as_user("designer").post(f"/versions/{draft}/forecast",
                                    csrf=False).status_code == 403
    assert as_user("admin").get("/versions/999999/forecast").status_code == 404


def test_dependency_trends_by_distributor(as_user, world: World):
    b = as_user("approver")
    assert 'href="/effect/dependency"' in b.get("/effect").text
    listing = b.get("/effect/dependency").text
    assert f'<option value="{world.live_version}"' in listing
    assert 'id="dependency-trends"' not in listing
    text = b.get(f"/effect/dependency?version={world.live_version}").text
    table = text[text.index('id="dependency-trends"'):]
    windows = re.findall(r'<th class="num">(\d{4}-\d\d-\d\d) … (\d{4}-\d\d-\d\d)</th>', table)
    assert len(windows) >= 2 and windows == sorted(windows)
    rows = re.findall(r"<tr><td>(D\d{5})[^<]*</td>((?:<td class=\"num\">[^<]*</td>)+)"
                      r"<td>(rising|falling|steady)</td></tr>", table)
    assert rows
    latest = [float(re.findall(r">([^<]*)</td>", cells)[-1]) for _pid, cells, _t in rows]
    assert latest == sorted(latest, reverse=True)  # most dependent first
    assert b.get(f"/effect/dependency?version={world.version}").status_code == 409
    assert as_user("regional").get("/effect/dependency").status_code == 403
