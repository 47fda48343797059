"""Safe actions in a real browser (Playwright driving Debian's Chromium): refused actions are
disabled with their reason in view, every irreversible action asks first in words naming what
it does (dismissed, nothing happens), and every action's page tells its outcome."""

from __future__ import annotations

from actions_support import conflicted
from webkit import World, example

from schemeops.service import disputes, programs, runs
from schemeops.service.context import Actor, App
from schemeops.store.models import User


def _setup(app: App, world: World) -> dict[str, int]:
    """On top of the conflicted store: a pending run of mbo_targets alone (no conflict), a
    draft to submit, an approved-to-be version by admin, a dispute of D00001's payout."""
    c = conflicted(app, world)
    with app.sessions.begin() as s:
        who = {u.username: Actor.of(u) for u in s.query(User)}
        clean = runs.start(s, who["approver"], [world.version], reason="mbo alone").id
        draft = programs.create_draft(s, who["designer"], example("early_payment")).id
        own = programs.create_draft(s, who["admin"], example("billed_channels")).id
        programs.submit(s, who["admin"], own)
        dispute = disputes.open_dispute(s, who["distributor"], world.payouts["D00001"],
                                        reason_code="missing_sales", comment="S9 is missing").id
    runs.execute(app, clean)
    return {"pending": c.pending, "paid_ytd": c.paid_ytd, "unpaid": c.unpaid_period,
            "clean": clean, "draft": draft, "own": own, "dispute": dispute}


def test_refused_actions_are_disabled_with_their_reason(server: str, app: App, world: World,
                                                        chromium, screenshot):
    """The author of a version, the starter of a run, a period no approved run pays, and a
    run whose periods are paid elsewhere: each button disabled, each reason on the page, the
    conflict naming both programs and all four periods."""
    from playwright.sync_api import expect

    ids = _setup(app, world)
    admin = _sign_in(chromium, server, "admin")
    admin.goto(f"{server}/versions/{ids['own']}")
    expect(admin.locator("button[value=approve]")).to_be_disabled()
    expect(admin.locator("button[value=reject]")).to_be_disabled()
    expect(admin.locator("#approve-why")).to_have_text(
        "Approving or rejecting is not possible: you wrote this version; another approver "
        "must decide on it.")

    starter = _sign_in(chromium, server, "approver")
    starter.goto(f"{server}/runs/{ids['clean']}")
    expect(starter.locator("button[value=approve]")).to_be_disabled()
    expect(starter.locator("#approve-why")).to_contain_text("you started this run")
    starter.goto(f"{server}/periods")
    close = starter.locator(f"#close-{ids['unpaid']}")
    expect(close).to_be_disabled()
    expect(starter.locator(f"#close-{ids['unpaid']}-why")).to_contain_text(
        "no approved calculation pays this period yet")
    expect(starter.locator(f"#close-{world.period}")).to_be_enabled()

    checker = _sign_in(chromium, server, "approver2")
    checker.goto(f"{server}/runs/{ids['pending']}")
    expect(checker.locator("button[value=approve]")).to_be_disabled()
    expect(checker.locator("button[value=reject]")).to_be_enabled()
    why = checker.locator("#approve-why")
    expect(why).to_be_visible()
    expect(why).to_contain_text("volume_growth_oct from 2026-10-01 to 2026-10-31 is already "
                                f"paid by approved run {world.run}")
    for start, end in (("2026-08-01", "2026-08-31"), ("2026-09-01", "2026-09-30"),
                       ("2026-10-01", "2026-10-31")):
        expect(why).to_contain_text(f"ytd_gated_monthly from {start} to {end} is already paid "
                                    f"by approved run {ids['paid_ytd']}")
    screenshot(checker, "conflicts")


def test_irreversible_actions_ask_first_and_every_action_tells_its_outcome(
        server: str, app: App, world: World, chromium, screenshot):
    """Submit; approve, go live, close a version; reject a version; reject and approve
    payouts; export; close a period; resolve a dispute. Each irreversible one is dismissed
    once (nothing changes), then accepted; each ends on a page telling what happened."""
    from playwright.sync_api import expect

    ids = _setup(app, world)
    designer = _sign_in(chromium, server, "designer")
    designer.goto(f"{server}/versions/{ids['draft']}")
    designer.click("text=Submit for approval")  # nothing irreversible: no question
    _told(designer, "Submitted for approval: another approver decides on it next.")
    expect(designer.locator(".bar .tag")).to_have_text("submitted")

    b = _sign_in(chromium, server, "approver")
    v = "version 1 of early_pay_oct"
    b.goto(f"{server}/versions/{ids['draft']}")
    _asks(b, "button[value=approve]", f"Approve {v}? Once approved it can go live.",
          unchanged=(".bar .tag", "submitted"))
    _told(b, "Approved: a publisher can make it live now.")
    _asks(b, "#go-live", f"Make {v} live? The next calculations pay it.",
          unchanged=(".bar .tag", "approved"))
    _told(b, "Live: the next calculations pay it.")
    _asks(b, "#close", f"Close {v}? It will no longer be calculated, and a closed version "
          "cannot go live again.", unchanged=(".bar .tag", "live"))
    _told(b, "Closed: it is no longer calculated.")
    expect(b.locator(".bar .tag")).to_have_text("closed")

    b.goto(f"{server}/versions/{ids['own']}")
    b.fill("input[name=comment]", "targets missing for reps")
    _asks(b, "button[value=reject]", "Reject version 1 of mbc_reps_oct? It cannot be "
          "submitted again; a new draft starts from it.", unchanged=(".bar .tag", "submitted"))
    _told(b, "Rejected, with your comment.")

    b.goto(f"{server}/periods")
    _asks(b, f"#close-{world.period}", f"Close volume_growth_oct from 2026-10-01 to 2026-10-31? "
          f"Run {world.run}'s payouts for it are sealed; later changes come as corrections.",
          unchanged=(f"#close-{world.period}", "Close"))
    _told(b, "Period closed: its approved payouts are sealed.")
    expect(b.locator(f"#close-{world.period}")).to_have_count(0)

    checker = _sign_in(chromium, server, "approver2")
    checker.goto(f"{server}/runs/{ids['pending']}")
    checker.fill("input[name=comment]", "periods already paid")
    _asks(checker, "button[value=reject]", f"Reject the payouts of run {ids['pending']}? "
          "Nothing of it will be paid; a new run is needed.",
          unchanged=("h2 .tag", "pending"))
    _told(checker, "Payouts rejected, with your comment: nothing of this run is paid.")

    checker.goto(f"{server}/runs/{ids['clean']}")
    total = checker.locator(".tile strong").first.inner_text()
    _asks(checker, "button[value=approve]", f"Approve the payouts of run {ids['clean']}, "
          f"{total} in all? Approved payouts are exported as credit notes.",
          unchanged=("h2 .tag", "pending"))
    _told(checker, "Payouts approved: they can be exported as credit notes now.")

    question = checker.locator("#export-csv").get_attribute("data-confirm") or ""
    assert question.startswith("Export ") and f"new credit notes of run {ids['clean']}?" \
        in question, question
    new = question.split()[1]
    _asks(checker, "#export-csv", question, unchanged=("#export-csv",
                                                     "Export credit notes (CSV)"))
    with checker.expect_download() as dl:
        checker.once("dialog", lambda d: d.accept())
        checker.click("#export-csv")
    assert dl.value.suggested_filename == f"credit-notes-run-{ids['clean']}-export-1.csv"
    _told(checker, f"Export 1: {new} lines, {new} new credit notes. The file is downloading.")
    checker.reload()
    expect(checker.locator("#outcome")).to_be_hidden()  # told once, not again on reload
    expect(checker.locator("#export-csv")).to_have_text("Download a copy (CSV)")
    expect(checker.locator("#export-csv")).to_have_class("secondary")
    screenshot(checker, "exported")

    checker.goto(f"{server}/disputes/{ids['dispute']}")
    checker.fill("#resolve-form textarea[name=reason]", "S9 was billed after the period")
    _asks(checker, "button[value=no_change]", f"Resolve dispute {ids['dispute']} with no "
          "change? ", unchanged=("h1 .tag", "open"), exact=False)
    _told(checker, "Resolution recorded.")
    expect(checker.locator("h1 .tag").first).to_have_text("resolved")


def _sign_in(chromium, server: str, user: str):  # type: ignore[no-untyped-def]
    page = chromium.new_context(accept_downloads=True).new_page()
    page.goto(server + "/signin")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", f"{user}-pw")
    page.click("button[type=submit]")
    return page


def _asks(page, selector: str, question: str, *, unchanged: tuple[str, str],  # type: ignore[no-untyped-def]
          exact: bool = True) -> None:
    """Click, dismiss the question (the page stays as it was), click again and accept; the
    question is checked both times. A download form is only dismissed here."""
    from playwright.sync_api import expect

    seen: list[str] = []

    def answer(accept: bool):  # type: ignore[no-untyped-def]
        def on(dialog) -> None:  # type: ignore[no-untyped-def]
            seen.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return on

    where, before = unchanged
    told = page.locator("#outcome").text_content()
    page.once("dialog", answer(False))
    page.click(selector)
    page.wait_for_timeout(300)
    expect(page.locator(where).first).to_have_text(before)
    expect(page.locator("#outcome")).to_have_text(told or "")  # no new outcome
    if not selector.startswith("#export"):
        page.once("dialog", answer(True))
        page.click(selector)
        page.wait_for_load_state()
    page.wait_for_timeout(100)
    assert seen, "no question was asked"
    for message in seen:
        assert (message == question) if exact else message.startswith(question), message


def _told(page, outcome: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    expect(page.locator("#outcome")).to_have_text(outcome)
    expect(page.locator("#outcome")).to_be_visible()
