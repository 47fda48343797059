"""The main journeys in a real browser (Playwright driving Debian's Chromium, headless) against
a live server; screenshots of the main pages go to test-artifacts/screenshots/."""

from __future__ import annotations

from webkit import World, example


def test_journeys(server: str, world: World, chromium, screenshot):
    """Draft with an error, fix, simulate, submit, fail to approve one's own, approve as
    another, go live, run, drill down, approve, export; a distributor sees only their portal."""
    from playwright.sync_api import expect

    browser = chromium

    def sign_in(user: str, **ctx: object):  # type: ignore[no-untyped-def]
        page = browser.new_context(**ctx).new_page()
        page.on("dialog", lambda d: d.accept())  # irreversible actions ask first
        page.goto(server + "/signin")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", f"{user}-pw")
        page.click("button[type=submit]")
        return page

    admin = sign_in("admin")
    admin.goto(server + "/programs/new")
    text = example("billed_channels")
    admin.fill("textarea", text.replace("kind: billed_channels", "kind: billed_chanels"))
    admin.click("text=Save draft")
    expect(admin.locator(".line.bad")).to_have_count(1)
    screenshot(admin, "editor-errors")
    admin.fill("textarea", text)
    admin.click("text=Save draft")
    draft_url = admin.url
    admin.click("text=Simulate")  # a draft can be simulated before anyone approves it
    expect(admin.locator(".tiles")).to_contain_text("Cost % of sales", timeout=60_000)
    screenshot(admin, "simulation")
    admin.goto(draft_url)
    admin.click("text=Submit for approval")
    version_url = admin.url
    expect(admin.locator("button[value=approve]")).to_be_disabled()
    expect(admin.locator("#approve-why")).to_contain_text("another approver")
    approver = sign_in("approver")
    approver.goto(version_url)
    approver.click("button[value=approve]")
    approver.click("text=Go live")
    expect(approver.locator(".bar .tag")).to_have_text("live")
    screenshot(approver, "version")

    approver.goto(server + "/periods")
    approver.click("main button:has-text('Close')")
    expect(approver.locator("main .tag").first).to_have_text("closed")
    approver.goto(server + "/runs/new")
    approver.click("main button:has-text(\"Start\")")
    expect(approver.locator(".tiles")).to_contain_text("Earning", timeout=60_000)
    screenshot(approver, "run")
    run_url = approver.url
    approver.goto(run_url + "/payouts")
    approver.locator("a[href*='/participants/']").first.click()
    expect(approver.locator("main")).to_contain_text("Next slab")
    screenshot(approver, "drill-down")

    checker = sign_in("approver2")
    checker.goto(run_url)
    checker.click("button[value=approve]")
    with checker.expect_download() as download:
        checker.click("text=Export credit notes (CSV)")
    assert download.value.suggested_filename.endswith(".csv")
    checker.goto(server + "/dashboards")
    screenshot(checker, "dashboards")

    phone = sign_in("distributor", viewport={"width": 390, "height": 844}, is_mobile=True)
    expect(phone.locator("h1")).to_contain_text("D00001")
    expect(phone.locator(".program").first).to_contain_text("October value growth")
    assert "D00002" not in phone.content()
    screenshot(phone, "portal")
    assert phone.goto(server + "/programs").status == 403
