"""Disputes through the pages and the API: a distributor disputes its own payout, the
reviewer answers and resolves, the thread shows both sides escaped; another participant
never sees the dispute; and a real browser (Playwright, Chromium) doing the same."""

from __future__ import annotations

from webkit import World


def test_a_dispute_from_the_portal_answered_and_resolved(as_user, api, world: World):
    """D00001 disputes its payout with markup in the comment; the approver answers on the
    thread page; D00001 sees the answer (escaped text); the approver resolves it with no
    change; the rep (another participant) is told the dispute does not exist."""
    payout = world.payouts["D00001"]
    d = as_user("distributor")
    assert 'value="missing_sales"' in d.get(f"/portal/payouts/{payout}").text
    r = d.post(f"/portal/payouts/{payout}/dispute",
               {"reason_code": "missing_sales", "comment": "<b>S9</b> is missing"})
    assert r.status_code == 303
    url = r.headers["location"]
    dispute_id = int(url.rsplit("/", 1)[1])
    mine = d.get(url).text
    assert "&lt;b&gt;S9&lt;/b&gt; is missing" in mine and "<b>S9</b>" not in mine

    rev = as_user("approver")
    assert f'href="/disputes/{dispute_id}"' in rev.get("/disputes").text
    rev.get(f"/disputes/{dispute_id}")
    assert rev.post(f"/disputes/{dispute_id}/messages",
                    {"body": "We are checking S9"}).status_code == 303
    assert "We are checking S9" in d.get(url).text
    assert rev.post(f"/disputes/{dispute_id}/resolve",
                    {"decision": "no_change", "reason": "S9 is dated November"}
                    ).status_code == 303
    assert "Resolved: no change" in d.get(url).text

    assert as_user("rep").get(url).status_code == 404
    assert api("rep").get(f"/api/portal/disputes/{dispute_id}").status_code == 404
    assert api("distributor").get(f"/api/portal/disputes/{dispute_id}").json()[
        "outcome"] == "no_change"
    r = api("distributor").post("/api/disputes", json={
        "payout_id": world.payouts["D00002"], "reason_code": "other", "comment": "not mine"})
    assert r.status_code == 404




def test_dispute_in_a_browser(world, server, chromium, screenshot):
    """On a phone, the distributor disputes a payout from its portal; the approver answers
    in the thread; the distributor sees the answer and the due date; the approver resolves
    with no change, which the distributor then sees."""
    from playwright.sync_api import expect

    def sign_in(user: str, **ctx: object):  # type: ignore[no-untyped-def]
        p = chromium.new_context(**ctx).new_page()
        p.goto(server + "/signin")
        p.fill("input[name=username]", user)
        p.fill("input[name=password]", f"{user}-pw")
        p.click("button[type=submit]")
        return p

    phone = sign_in("distributor", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(server + "/portal/disputes")
    phone.locator("text=Dispute this payout").first.click()
    phone.select_option("select[name=reason_code]", "missing_sales")
    phone.fill("textarea[name=comment]", "Invoice S9 of 29 October is missing")
    phone.click("text=Open dispute")
    expect(phone.locator("h1")).to_contain_text("open")
    expect(phone.locator(".due")).to_have_count(1)
    thread_url = phone.url

    desk = sign_in("approver")
    asked: list[str] = []  # resolving is final: it asks first
    desk.on("dialog", lambda d: (asked.append(d.message), d.accept()))
    desk.goto(server + "/disputes")
    desk.locator("table a").first.click()
    expect(desk.locator(".thread")).to_contain_text("Invoice S9 of 29 October is missing")
    desk.fill("#message-form textarea[name=body]", "We found S9; checking its date")
    desk.click("#message-form button[type=submit]")
    expect(desk.locator(".message.reviewer")).to_contain_text("checking its date")

    phone.goto(thread_url)
    expect(phone.locator(".message.reviewer")).to_contain_text("We found S9")
    screenshot(phone, "dispute-answered")

    desk.fill("#resolve-form textarea[name=reason]", "S9 is dated 1 November")
    desk.click("button[value=no_change]")
    expect(desk.locator("h1")).to_contain_text("resolved")
    expect(desk.locator("#outcome")).to_have_text("Resolution recorded.")
    dispute_id = thread_url.rsplit("/", 1)[1]
    assert len(asked) == 1, asked
    assert asked[0].startswith(f"Resolve dispute {dispute_id} with no change? Payout ")
    assert asked[0].endswith(" stays as it is, and the dispute is closed.")

    phone.goto(thread_url)
    expect(phone.locator(".outcome")).to_contain_text("no change")
    expect(phone.locator(".outcome")).to_contain_text("S9 is dated 1 November")
    screenshot(phone, "dispute-resolved")
