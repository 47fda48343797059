"""The approval page in a real browser (Playwright driving Debian's Chromium): every guard's
verdict is shown; a blocking one holds the first approval; a second approver overrides with
a comment."""

from __future__ import annotations

from schemeops.service import programs
from schemeops.service.context import Actor, App
from schemeops.store.models import User

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


def _submitted(app: App) -> int:
    """deep_cut, drafted and submitted by the designer: 30% off every distributor's lines,
    past the 25% block of the discount cap."""
    with app.sessions.begin() as s:
        designer = Actor.of(s.query(User).filter_by(username="designer").one())
        v = programs.create_draft(s, designer, DEEP_CUT)
        programs.submit(s, designer, v.id)
        return v.id


def _sign_in(chromium, server: str, user: str):  # type: ignore[no-untyped-def]
    page = chromium.new_context().new_page()
    page.goto(server + "/signin")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", f"{user}-pw")
    page.click("button[type=submit]")
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_approval_page_shows_verdicts_and_holds_until_overridden(server: str, app: App,
                                                                  chromium, screenshot):
    from playwright.sync_api import expect

    vid = _submitted(app)
    first = _sign_in(chromium, server, "approver")
    first.goto(f"{server}/versions/{vid}")
    for guard in ("stacking", "discount_cap", "margin_floor", "gross_margin"):
        expect(first.locator(f"#guard-{guard}")).to_be_visible()
    cap = first.locator("#guard-discount_cap")
    expect(cap.locator(".tag")).to_have_text("block")
    expect(cap).to_contain_text("0.3")  # 30% off each line: the figure
    expect(cap).to_contain_text("0.25")  # the block threshold
    expect(first.locator("#guard-stacking .tag")).to_have_text("ok")
    screenshot(first, "verdicts")

    first.click("#approve")
    first.wait_for_load_state()
    expect(first.locator("#outcome")).to_contain_text("Held: a guard blocks it.")
    expect(first.locator("#held")).to_contain_text("Held: approver approved it")
    expect(first.locator("#approve")).to_have_count(0)
    expect(first.locator("#override")).to_be_disabled()
    expect(first.locator("#override-why")).to_contain_text(
        "you gave the approval its guards hold; a second approver must override")
    expect(first.locator(".bar .tag")).to_have_text("submitted")

    second = _sign_in(chromium, server, "approver2")
    second.goto(f"{server}/versions/{vid}")
    expect(second.locator("#override")).to_be_enabled()
    second.fill("input[name=comment][required]", "festival launch, one month only")
    second.click("#override")
    second.wait_for_load_state()
    expect(second.locator("#outcome")).to_contain_text("Approved over its guards")
    expect(second.locator(".bar .tag")).to_have_text("approved")
    expect(second.locator(".decision").last).to_contain_text(
        "approved by approver2")
    expect(second.locator(".decision").last).to_contain_text("festival launch, one month only")
    screenshot(second, "overridden")
