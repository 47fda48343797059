"""The webhook endpoints and events pages in a real browser (Playwright driving Debian's
Chromium), on a server whose delivery loop runs: an admin adds an endpoint (its secret never
comes back); the receiver is down for the first attempt; an approver sees the delivery
pending with its 503, presses "Retry now", and sees it delivered, once."""

from __future__ import annotations

import time

from sqlalchemy import select

from schemeops.service.context import App
from schemeops.store.event_models import Delivery
from schemeops.store.outbox import emit
from webhook_receiver import Receiver

SECRET = "whsec_browser_0123456789"


def _sign_in(chromium, server: str, user: str):  # type: ignore[no-untyped-def]
    page = chromium.new_context().new_page()
    page.goto(server + "/signin")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", f"{user}-pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _attempted(app: App, attempts: int) -> Delivery:
    """The one delivery, once the loop has made `attempts` attempts (10 s at most)."""
    deadline = time.monotonic() + 10
    while True:
        with app.sessions.begin() as s:
            d = s.scalars(select(Delivery)).one()
            if (d.attempts >= attempts and d.status != "sending") \
                    or time.monotonic() > deadline:
                return d
        time.sleep(0.1)


def test_events_page_shows_a_failed_delivery_and_retries_it(delivering_server: str, app: App,
                                                            chromium, screenshot):
    from playwright.sync_api import expect

    receiver = Receiver(SECRET)
    try:
        admin = _sign_in(chromium, delivering_server, "admin")
        admin.goto(delivering_server + "/webhooks")
        admin.fill("input[name=url]", receiver.url)
        admin.fill("input[name=secret]", SECRET)
        admin.fill("input[name=description]", "<b>ERP</b> receiver")
        admin.click("text=Add endpoint")
        admin.wait_for_load_state()
        expect(admin.locator("#outcome")).to_contain_text("Endpoint added")
        expect(admin.locator("table")).to_contain_text(receiver.url)
        expect(admin.locator("table")).to_contain_text("<b>ERP</b> receiver")  # as text
        expect(admin.locator("input[name=secret]")).to_have_value("")
        assert SECRET not in admin.content()

        receiver.down(1)
        with app.sessions.begin() as s:
            key = emit(s, "payouts.approved", subject_type="run", subject_id=3,
                       data={"run": 3}).key
        assert _attempted(app, 1).last_status == 503

        approver = _sign_in(chromium, delivering_server, "approver")
        approver.goto(delivering_server + "/events")
        row = approver.locator(f"tr[data-event='{key}']")
        expect(row).to_contain_text("payouts.approved")
        expect(row.locator(".tag")).to_have_text("pending")
        expect(row).to_contain_text("HTTP 503")
        screenshot(approver, "pending")
        row.locator("text=Retry now").click()
        approver.wait_for_load_state()
        expect(approver.locator("#outcome")).to_contain_text("Due now")
        assert _attempted(app, 2).status == "delivered"
        approver.reload()
        row = approver.locator(f"tr[data-event='{key}']")
        expect(row.locator(".tag")).to_have_text("delivered")
        expect(row.locator("td.num")).to_have_text("2")
        expect(row.locator("text=Retry now")).to_have_count(0)
        screenshot(approver, "delivered")
        assert receiver.got.taken == {key: 1} and receiver.got.bad_signatures == 0
    finally:
        receiver.stop()
