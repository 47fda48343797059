"""The distributor portal on a phone (Playwright driving Debian's Chromium at 390×844): money
split into approved, pending and projected, programs in their display names and units, the
explanation of its own payout (another's: 403), the statement in three formats, and the
page's weight as the phone fetched it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from webkit import Browser, World, example

from portal_support import REACH
from schemeops.service import programs, runs
from schemeops.service.context import Actor, App
from schemeops.store.models import Payout, User
from schemeops.web.app import create_app
from schemeops.web.settings import WebSettings

#: The budget of the portal page and everything it loads, compressed as sent (bytes).
PAGE_BUDGET = 300 * 1024


def _calculate(app: App, text: str, **kw: object) -> int:
    """Make `text` live and calculate it (not approved); the run id."""
    with app.sessions.begin() as s:
        who = {u.username: Actor.of(u) for u in s.query(User)}
        v = programs.create_draft(s, who["designer"], text)
        programs.submit(s, who["designer"], v.id)
        programs.decide(s, who["approver"], v.id, approve=True, comment="fine")
        programs.go_live(s, who["approver"], v.id)
        run_id = runs.start(s, who["approver"], [v.id], **kw).id
    runs.execute(app, run_id)
    return run_id


def test_the_portal_on_a_phone(world: World, app: App, server: str, chromium, screenshot):
    """Approved (value growth, approved in the world), pending (overdue outstanding) and
    projected (outlet reach, as of 15 October) apart; names and units; why a payout is what
    it is; another's payout refused; the page light and without the chart library."""
    from playwright.sync_api import expect

    reach = _calculate(app, REACH, as_of=dt.date(2026, 10, 15))
    _calculate(app, example("outstanding"))
    with app.sessions.begin() as s:
        other = s.scalar(select(Payout.id).where(Payout.run_id == reach,
                                                 Payout.participant_id != "D00001"))
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                   has_touch=True)
    phone = context.new_page()
    phone.goto(server + "/signin")
    phone.fill("input[name=username]", "distributor")
    phone.fill("input[name=password]", "distributor-pw")
    phone.click("button[type=submit]")
    expect(phone.locator("h1")).to_contain_text("D00001")

    fetched: list = []
    phone.on("requestfinished", lambda request: fetched.append(request))
    phone.reload(wait_until="load")
    tiles = phone.locator(".money")
    expect(tiles.locator(".approved")).to_contain_text("₹11,471.69")
    expect(tiles.locator(".pending")).to_contain_text("₹9,000.00")
    expect(tiles.locator(".projected")).to_contain_text("₹8,000.00")
    card = phone.locator(".program[data-standing=projected]")
    expect(card.locator("h2")).to_have_text("Outlet reach")
    expect(card).to_contain_text("Shops billed")
    expect(card).to_contain_text("26 shops of 21 shops target")
    expect(card).to_contain_text("Reach bonus: ₹8,000.00")
    expect(card).to_contain_text("Bill 6 more outlets by 31 Oct to earn ₹4,000.00 more")
    expect(card).to_contain_text("as of 15 Oct")
    overdue = phone.locator(".program[data-standing=pending]")
    expect(overdue).to_contain_text("0.0 L overdue, target ≤ 2.5 L")
    expect(overdue.locator("progress")).to_have_count(0)  # lower is better: no progress bar
    approved = phone.locator(".program[data-standing=approved]")
    expect(approved).to_contain_text("October value growth")
    expect(approved).to_contain_text("Sales")
    text = phone.locator("main").inner_text()
    for code in ("mbo_bonus", "billed_outlets", "slab 1 of", "Earned (approved)"):
        assert code not in text
    # fits the phone's width: nothing scrolls sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    weight = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                 for r in fetched)
    assert fetched and weight <= PAGE_BUDGET, weight
    assert not [r.url for r in fetched if "plotly" in r.url or r.url.endswith(".js")]
    screenshot(phone, "portal")

    with phone.expect_navigation():
        card.locator("text=Why this amount").click()
    assert re.search(r"/portal/payouts/\d+/explain$", phone.url)
    expect(phone.locator("h1")).to_contain_text("Outlet reach")
    expect(phone.locator("main")).to_contain_text("Shops billed: 26 shops, target 21 shops")
    expect(phone.locator("main")).to_contain_text("Reach bonus: ₹8,000.00")
    expect(phone.locator("main .next")).to_have_text(
        "Bill 6 more outlets by 31 Oct to earn ₹4,000.00 more")
    expect(phone.locator(".standing")).to_have_text("Projected")
    screenshot(phone, "explanation")
    assert phone.goto(f"{server}/portal/payouts/{other}/explain").status == 403

    for fmt, head in (("pdf", b"%PDF-"), ("xlsx", b"PK"), ("csv", b"reference,")):
        got = phone.request.get(f"{server}/portal/statement.{fmt}")
        assert got.status == 200 and got.body().startswith(head), fmt
    context.close()


@pytest.mark.parametrize(("locale", "sales"), [("en-IN", "₹7,64,779 of ₹1,42,000 target"),
                                                ("en", "₹764,779 of ₹142,000 target")])
def test_the_deployments_locale_writes_the_numbers(app: App, world: World, locale: str,
                                                   sales: str):
    """October value growth's sales in lakh grouping, or in thousands (`serve --locale`)."""
    web = create_app(app, secret_key="k", secure_cookies=False,
                     settings=WebSettings(locale=locale))
    b = Browser(web)
    assert b.sign_in("distributor").status_code == 303
    assert sales in b.get("/portal").text


def test_the_locale_setting_reaches_every_server_process():
    assert WebSettings.from_json(WebSettings(locale="en").to_json()).locale == "en"


def test_names_from_the_program_are_escaped_and_the_api_keeps_money_apart(
        app: App, world: World, as_user, api):
    """A label typed as markup comes back as text; `/api/portal` gives the same three
    amounts as typed numbers."""
    _calculate(app, REACH.replace("label: Outlet reach", "label: <b>Reach</b>"),
               as_of=dt.date(2026, 10, 15))
    page = as_user("distributor").get("/portal").text
    assert "&lt;b&gt;Reach&lt;/b&gt;" in page and "<b>Reach</b>" not in page
    body = api("distributor").get("/api/portal").json()
    assert body["amounts"] == {"approved": "11471.69", "paid": "0.00", "pending": "0.00",
                               "projected": "8000.00"}
    [reach] = [p for p in body["programs"] if p["program_id"] == "mbo_targets"]
    assert (reach["label"], reach["standing"], reach["kpis"][0]["unit"]) == (
        "<b>Reach</b>", "projected", "shops")


def test_serve_takes_a_known_locale_only(app: App, monkeypatch):
    """`serve --locale en` reaches the app's settings; `--locale fr` is refused, nothing
    served."""
    import uvicorn
    from typer.testing import CliRunner

    from schemeops.cli.main import app as cli

    served: list = []
    monkeypatch.setattr(uvicorn, "run", lambda web, **kw: served.append(web))
    store = str(app.sessions.kw["bind"].url)
    base = ["serve", "--store", store, "--warehouse", str(app.warehouse)]
    assert CliRunner().invoke(cli, [*base, "--locale", "en"]).exit_code == 0
    assert served[0].state.web_settings.locale == "en"
    r = CliRunner().invoke(cli, [*base, "--locale", "fr"])
    assert r.exit_code == 2 and "en-IN" in r.output and len(served) == 1
