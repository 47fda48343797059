"""Reading (issue 11): the payout list sorted, filtered and downloaded as shown; Excel amounts
as numbers; the audit trail in words; an error page for every 4xx a browser gets; static files
compressed and cached by content hash; the dashboards as filtered views."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from webkit import World

from schemeops.service.context import App
from schemeops.store.models import Participant, Payout
from schemeops.web.assets import CHART_LIBRARY, AssetMissing, load_assets

HOSTILE = "=HYPERLINK(\"http://x\",\"y\")"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _amounts(page: str) -> list[Decimal]:
    return [Decimal(a.replace(",", "")) for a in re.findall(r'<td class="num">([-\d,.]+)</td>',
                                                          page)]


def test_payouts_sort_by_amount_both_ways_and_filter(as_user, app: App, world: World):
    """Sorting by amount orders the rows; earning only drops the zeros; the amount range is
    inclusive; the totals follow the filters; the sort links keep the filters."""
    with app.sessions.begin() as s:
        s.execute(update(Payout).where(Payout.run_id == world.run,
                                       Payout.participant_id == "D00005").values(amount=0))
    b = as_user("approver")
    url = f"/runs/{world.run}/payouts"
    down = _amounts(b.get(url, params={"sort": "amount", "order": "desc"}).text)
    up = _amounts(b.get(url, params={"sort": "amount", "order": "asc"}).text)
    assert len(down) == 6 and down == sorted(down, reverse=True) and up == down[::-1]
    assert down != sorted(down)  # the unsorted order differs, so the sort did something
    earning = b.get(url, params={"earning": "true", "sort": "amount"}).text
    assert "<strong>5</strong> payouts" in earning and min(_amounts(earning)) > 0
    low, high = up[2], up[4]
    ranged = _amounts(b.get(url, params={"min": str(low), "max": str(high),
                                         "sort": "amount"}).text)
    assert ranged == up[2:5]
    east = b.get(url, params={"region": "East", "sort": "participant", "order": "desc"}).text
    assert "<strong>3</strong> payouts" in east and "<td>South</td>" not in east
    assert re.findall(r">(D0000\d)</a>", east) == ["D00003", "D00002", "D00001"]
    link = re.search(r'<a href="\?([^"]*sort=amount[^"]*)"', east).group(1)
    assert "region=East" in link and "order=asc" in link


@pytest.mark.parametrize("bad", [{"min": "1e9"}, {"max": "x" * 17}, {"sort": "hash"},
                                 {"order": "sideways"}, {"q": "q" * 81}])
def test_payout_filters_are_bounded(as_user, world: World, bad: dict):
    """What a filter does not allow is refused with a 422 page, never echoed."""
    r = as_user("approver").get(f"/runs/{world.run}/payouts", params=bad, headers=HTML)
    assert r.status_code == 422 and "Not valid" in r.text
    assert next(iter(bad.values())) not in r.text


def test_csv_and_excel_hold_the_filtered_view_guarded_and_numeric(as_user, app: App,
                                                                   world: World):
    """The downloads hold exactly the filtered, sorted rows of every page; a name typed as a
    formula stays text; Excel amounts are numbers with a 2-place format, dates are dates."""
    with app.sessions.begin() as s:
        s.execute(update(Participant).where(Participant.region == "East")
                  .values(name=HOSTILE))
    b = as_user("approver")
    query = {"region": "East", "earning": "true", "sort": "amount", "order": "desc"}
    page = b.get(f"/runs/{world.run}/payouts", params=query).text
    count = int(re.search(r"<strong>(\d+)</strong> payouts", page).group(1))
    total = Decimal(re.search(r"total <strong>([\d,.]+)</strong>", page).group(1)
                    .replace(",", ""))
    assert count > 0 and "Download this list" in page

    r = b.get(f"/runs/{world.run}/payouts.csv", params=query)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == count == 3 and {row["region"] for row in rows} == {"East"}
    amounts = [Decimal(row["amount"]) for row in rows]
    assert amounts == sorted(amounts, reverse=True) and sum(amounts) == total
    assert all(row["participant_name"] == "'" + HOSTILE for row in rows)

    x = b.get(f"/runs/{world.run}/payouts.xlsx", params=query)
    assert x.status_code == 200 and x.content[:2] == b"PK"
    ws = load_workbook(io.BytesIO(x.content)).active
    header = [c.value for c in ws[1]]
    amount, name, start = (header.index(k) for k in ("amount", "participant_name",
                                                       "period_start"))
    body = list(ws.iter_rows(min_row=2))
    assert len(body) == count
    for cells in body:
        assert cells[amount].data_type == "n" and cells[amount].number_format == "#,##0.00"
        assert cells[name].data_type == "s" and cells[name].value == "'" + HOSTILE
        assert cells[start].is_date
    assert sum(Decimal(str(c[amount].value)) for c in body) == total


def test_every_excel_export_holds_amounts_as_numbers(as_user, world: World):
    """The credit-note export too: its amounts are numeric cells, formatted with 2 places."""
    x = as_user("approver").post(f"/runs/{world.run}/export.xlsx")
    ws = load_workbook(io.BytesIO(x.content)).active
    col = [c.value for c in ws[1]].index("amount")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert cells and all(c.data_type == "n" and c.number_format == "#,##0.00" for c in cells)


def test_regional_head_downloads_only_their_region(as_user, app: App, world: World):
    """The region in the query cannot widen a regional head's download."""
    with app.sessions.begin() as s:
        s.execute(update(Participant).where(Participant.participant_id == "D00006")
                  .values(region="North"))
    r = as_user("regional").get(f"/runs/{world.run}/payouts.csv", params={"region": "East"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(row["participant_id"], row["region"]) for row in rows] == [("D00006", "North")]


def test_audit_page_tells_entries_in_words_with_links(as_user, world: World):
    """No JSON, subjects named (a user by name, a run and a version linked), never 'user 7'."""
    b = as_user("admin")
    b.get("/users")
    assert b.post(f"/users/{world.spare_user}/remove").status_code == 303
    page = b.get("/audit").text
    assert '{"' not in page and "&#34;" not in page
    assert f'<a href="/runs/{world.run}">run #{world.run}</a>' in page
    assert f'<a href="/versions/{world.version}">version 1 of {world.program}</a>' in page
    assert re.search(r"<strong>admin</strong> signed in\s*</td>", page)
    assert "<strong>admin</strong> removed approver2" in page
    assert not re.search(r"\buser \d+\b", page)
    assert "<dt>reason</dt><dd>October</dd>" in page
    users = b.get("/audit", params={"subject": "user"}).text
    assert "signed in" in users and "queued" not in users


@pytest.mark.parametrize(("method", "path", "status", "title"), [
    ("GET", "/no-such-page-<b>marker</b>", 404, "Page not found"),
    ("DELETE", "/runs", 405, "This page cannot be used that way"),
    ("GET", "/runs/not-a-number-marker", 422, "Not valid"),
])
def test_browser_errors_are_pages_in_words(as_user, method: str, path: str, status: int,
                                           title: str):
    """An HTML page with the app's header and a way home; nothing of the request echoed."""
    r = as_user("approver").client.request(method, path, headers=HTML)
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert f"<h1>{title}</h1>" in r.text and '<a href="/">Home</a>' in r.text
    assert "marker" not in r.text and "content-security-policy" in r.headers


def test_errors_stay_json_for_the_api_and_other_clients(web, tokens: dict[str, str]):
    """/api/ answers JSON whatever the client accepts; a client not asking for HTML too."""
    api = TestClient(web, headers={"Authorization": f"Bearer {tokens['admin']}"})
    r = api.get("/api/runs/999999999", headers=HTML)
    assert r.status_code == 404 and r.json()["detail"]
    r = api.get("/api/nothing-here", headers=HTML)
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
    r = TestClient(web).get("/no-such-page", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}


def test_csrf_and_too_large_bodies_get_pages(web, as_user):
    """A form without its token (403) and a body over the limit (413) as pages."""
    b = as_user("approver")
    r = b.client.post("/runs/new", data={"reason": "x"}, headers=HTML)
    assert r.status_code == 403 and "<h1>Not allowed</h1>" in r.text
    big = b.client.post("/runs/new", content=b"reason=" + b"x" * (3 * 1024 * 1024),
                        headers={**HTML, "Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413 and "<h1>Too large</h1>" in big.text
    assert "content-security-policy" in big.headers

    def chunks():  # no Content-Length: the limit is crossed while the form is read
        for _ in range(48):
            yield b"x" * 65536

    grown = b.client.post("/runs/new", content=chunks(), headers={
        **HTML, "Content-Type": "application/x-www-form-urlencoded"})
    assert grown.status_code == 413 and "<h1>Too large</h1>" in grown.text
    plain = TestClient(web).post("/api/programs", content=b"x" * (3 * 1024 * 1024))
    assert plain.status_code == 413 and "html" not in plain.headers["content-type"]


def test_static_files_are_gzipped_and_cached_by_content_hash(web, as_user, world: World):
    """Pages link static files with their hash; such a URL is cached a year, gzipped, with
    the security headers; without the current hash it must be revalidated; the ETag
    answers 304."""
    page = as_user("approver").get("/dashboards").text
    links = re.findall(r'(?:href|src)="(/(?:static|vendor)/[^"?]+)\?v=([0-9a-f]{16})"', page)
    assert {p for p, _ in links} >= {"/static/app.css", "/static/charts.css",
                                     "/static/charts.js", "/vendor/plotly.min.js"}
    c = TestClient(web)
    for path, digest in links:
        r = c.get(f"{path}?v={digest}", headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
        assert "immutable" in r.headers["cache-control"]
        assert "max-age=31536000" in r.headers["cache-control"]
        assert r.headers["vary"] == "Accept-Encoding"
        assert "content-security-policy" in r.headers
        assert int(r.headers["content-length"]) < len(r.content)
        stale = c.get(f"{path}?v=0123456789abcdef")
        assert stale.headers["cache-control"] == "no-cache"
        again = c.get(path, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304 and not again.content
    plotly = c.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plotly.headers
    assert plotly.headers["content-type"].startswith("text/javascript")
    assert c.get("/static/nothing.css").status_code == 404


def test_without_the_chart_library_the_app_says_how_to_get_it(tmp_path: Path):
    """Built before `make install`, the app refuses to start, naming the file and the fix."""
    with pytest.raises(AssetMissing, match=r"plotly-basic\.min\.js.*make install.*npm ci"):
        load_assets(node_modules=tmp_path)
    assert CHART_LIBRARY.name == "plotly-basic.min.js"


def _figures(page: str) -> list[dict]:
    import html

    return [json.loads(html.unescape(m)) for m in re.findall(r'data-figure="([^"]*)"', page)]


def test_dashboard_views_show_their_few_charts_titled_in_words(as_user, world: World):
    """Attainment: one chart per KPI of one program, titled in words, a legend only with two
    series; budget: its own; performers: tables only. Every filter narrows the numbers."""
    b = as_user("approver")
    page = b.get("/dashboards").text
    figures = _figures(page)
    assert len(figures) == 1
    title = figures[0]["layout"]["title"]["text"]
    assert title == "Value: actual against target by region"
    assert figures[0]["layout"]["showlegend"] is True
    assert [t["name"] for t in figures[0]["data"]] == ["target", "actual"]
    assert figures[0]["layout"]["xaxis"]["automargin"] is True
    regions = figures[0]["data"][1]["x"]
    east = _figures(b.get("/dashboards", params={"region": "East"}).text)[0]
    assert east["data"][1]["x"] == ["East"] and len(regions) > 1
    by_tier = _figures(b.get("/dashboards", params={"by": "tier"}).text)[0]
    assert by_tier["layout"]["title"]["text"].endswith("by tier")
    tier = by_tier["data"][1]["x"][0]
    one_tier = _figures(b.get("/dashboards", params={"by": "tier", "tier": tier}).text)[0]
    assert one_tier["data"][1]["x"] == [tier]
    assert sum(one_tier["data"][1]["y"]) < sum(by_tier["data"][1]["y"])
    empty = b.get("/dashboards", params={"period": "2001-01-01"}).text
    assert not _figures(empty) and "No KPI result matches" in empty
    performers = b.get("/dashboards", params={"view": "performers"}).text
    assert not _figures(performers) and "Best performers" in performers
    assert "chart_assets" not in performers and "plotly" not in performers


def test_the_histogram_keeps_its_tail_in_one_bar():
    """A few huge payouts go to one last bar instead of flattening the rest into the first."""
    from schemeops.web.charts import histogram

    amounts = [Decimal(i) for i in range(1, 101)] + [Decimal(1_000_000)] * 3
    fig = histogram({"p": amounts})
    bars = fig["data"][0]
    assert bars["type"] == "bar" and sum(bars["y"]) == 103
    assert bars["x"][-1].startswith("over ") and bars["y"][-1] >= 3
    assert max(bars["y"][:-1]) <= 10 and fig["layout"]["showlegend"] is False


def test_dashboards_in_a_browser_filter_by_region_program_period_and_tier(
        server: str, world: World, page, screenshot):
    """In Chromium: the attainment view draws its one chart, titled in words, with no error
    in the console and nothing the CSP refuses; choosing a region, then a tier, narrows the
    bars; the program and period choices stay; the performers view draws no chart."""
    from playwright.sync_api import expect

    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # what the Content-Security-Policy refuses (an inline style the chart library injects)
    page.add_init_script("window.refused = []; document.addEventListener("
                         "'securitypolicyviolation', e => window.refused.push("
                         "e.violatedDirective + ' ' + e.blockedURI));")
    page.goto(server + "/signin")
    page.fill("input[name=username]", "approver")
    page.fill("input[name=password]", "approver-pw")
    page.click("button[type=submit]")
    page.goto(server + "/dashboards")
    chart = page.locator(".chart .main-svg").first
    expect(chart).to_be_visible()
    expect(page.locator(".chart .gtitle")).to_have_text(
        ["Value: actual against target by region"])
    expect(page.locator(".chart .legendtext")).to_have_text(["target", "actual"])
    assert page.locator(".chart .xtick").count() == 4
    assert page.evaluate("window.refused") == []
    screenshot(page, "attainment")

    page.select_option("select[name=region]", "East")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".chart .xtick")).to_have_count(1)
    expect(page.locator(".chart .xtick")).to_have_text(["East"])
    page.select_option("select[name=by]", "tier")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".chart .gtitle")).to_have_text(
        ["Value: actual against target by tier"])
    tiers = page.locator(".chart .xtick").all_text_contents()
    page.select_option("select[name=tier]", tiers[0])
    page.select_option("select[name=period]", "2026-10-01")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".chart .xtick")).to_have_text([tiers[0]])
    for name, value in (("program", "volume_growth_oct"), ("period", "2026-10-01"),
                        ("region", "East"), ("tier", tiers[0])):
        expect(page.locator(f"select[name={name}]")).to_have_value(value)
    assert "region=East" in page.url and f"tier={tiers[0]}" in page.url
    screenshot(page, "filtered")

    page.click("nav.tabs >> text=Best and worst performers")
    expect(page.locator("main h2").first).to_have_text("Best performers")
    assert page.locator(".chart").count() == 0
    expect(page.locator("select[name=region]")).to_have_value("East")
    assert not problems, problems


def test_the_served_bundle_still_names_the_stylesheet_it_would_inject(as_user, world: World):
    """The chart library injects its map stylesheet inline unless an element with its id
    exists; the id is found in the bundle npm installed, and chart pages carry that element
    (the Chromium test above sees no CSP refusal in the console)."""
    from schemeops.web.assets import CHART_URL
    from schemeops.web.charts import inline_style_ids

    ids = inline_style_ids(load_assets().files[CHART_URL].body)
    assert len(ids) == 1 and re.fullmatch(r"[0-9a-f]{64}", ids[0])
    page = as_user("approver").get("/dashboards").text
    assert f'<span hidden id="{ids[0]}"></span>' in page
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in page


def test_the_api_payout_list_takes_the_same_filters(api, app: App, world: World):
    """earning, min_amount/max_amount, sort and descending on /api/runs/{id}/payouts."""
    with app.sessions.begin() as s:
        s.execute(update(Payout).where(Payout.run_id == world.run,
                                       Payout.participant_id == "D00005").values(amount=0))
    c = api("approver")
    url = f"/api/runs/{world.run}/payouts"
    rows = c.get(url, params={"sort": "amount", "descending": "true"}).json()["rows"]
    amounts = [Decimal(r["amount"]) for r in rows]
    assert len(amounts) == 6 and amounts == sorted(amounts, reverse=True)
    earning = c.get(url, params={"earning": "true"}).json()
    assert earning["count"] == 5 and all(Decimal(r["amount"]) > 0 for r in earning["rows"])
    ranged = c.get(url, params={"min_amount": str(amounts[4]), "max_amount": str(amounts[1]),
                                "sort": "amount"}).json()["rows"]
    assert [Decimal(r["amount"]) for r in ranged] == amounts[1:5][::-1]
    assert c.get(url, params={"sort": "secret"}).status_code == 422
    assert c.get(url, params={"min_amount": "0.001"}).status_code == 422


def test_a_regional_head_dashboard_stays_in_their_region(as_user, app: App, world: World):
    """Asking for another region shows theirs; the budget view is not theirs to read."""
    with app.sessions.begin() as s:
        s.execute(update(Participant).where(Participant.participant_id == "D00006")
                  .values(region="North"))
    b = as_user("regional")
    figure = _figures(b.get("/dashboards", params={"region": "East"}).text)[0]
    assert figure["data"][-1]["x"] == ["North"]
    page = b.get("/dashboards", params={"view": "budget"}).text
    assert not _figures(page) and "shown to those who see every region" in page
    best = b.get("/dashboards", params={"view": "performers", "region": "East"}).text
    assert "D00006" in best and "D00001" not in best
