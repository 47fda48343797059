"""The effectiveness page and the ranking in Chromium (Playwright, Debian's /usr/bin/chromium):
estimate a live program, then the figures, both charts (titled in words, with their legends
and axes), how it was measured and the dependency table are shown, with nothing the CSP
refuses and no console error; the ranking lists it and downloads its CSV."""

from __future__ import annotations

from webkit import World


def test_estimate_then_figures_and_charts_then_ranking(server: str, world: World, page,
                                                        screenshot):
    from playwright.sync_api import expect

    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script("window.refused = []; document.addEventListener("
                         "'securitypolicyviolation', e => window.refused.push("
                         "e.violatedDirective + ' ' + e.blockedURI));")
    page.goto(server + "/signin")
    page.fill("input[name=username]", "designer")
    page.fill("input[name=password]", "designer-pw")
    page.click("button[type=submit]")
    page.goto(server + f"/versions/{world.live_version}")
    page.click("text=effectiveness")
    expect(page.locator("#no-estimate")).to_be_visible()
    page.click("#estimate")
    expect(page.locator("#outcome")).to_contain_text("Effect estimated", timeout=60_000)
    tiles = page.locator("#effect-tiles")
    expect(tiles).to_contain_text("Return on cost (ROI)")
    expect(tiles).to_contain_text("90% interval")
    expect(tiles).to_contain_text("Paying for baseline")
    expect(tiles).to_contain_text("Cost per incremental unit")
    expect(tiles.locator(".verdict")).to_have_count(1)
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    expect(page.locator(".chart .gtitle")).to_have_text([
        "Sales of the scheme's products: actual against the baseline",
        "What the scheme caused against what it paid on"])
    expect(page.locator(".chart .legendtext")).to_have_text([
        "baseline (without the scheme)", "actual", "incremental (caused by the scheme)",
        "subsidised (sales of those paid)"])
    expect(page.locator(".chart .xtitle")).to_have_text(["period", "period"])
    expect(page.locator(".chart .ytitle")).to_have_text(["value of sales", "value of sales"])
    assert page.locator(".chart .xtick").count() == 2  # one period, on each chart
    assert page.locator("#dependency tbody tr").count() >= 1
    expect(page.locator("#baseline-span")).to_contain_text("Baseline: each seller's clean days")
    expect(page.locator("#effect-method tbody tr")).to_have_count(1)  # one period
    expect(page.locator("#estimate-meta")).to_contain_text("data fingerprint")
    screenshot(page, "effectiveness")

    page.click("header nav >> text=Effect")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("October value growth")
    with page.expect_download() as download:
        page.click("text=Download CSV")
    assert download.value.suggested_filename == "effect-ranking.csv"
    screenshot(page, "effect-ranking")
    assert page.evaluate("window.refused") == []
    assert problems == []
