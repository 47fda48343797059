"""Safe actions without a browser: what a page offers is what the use case allows (a refused
action is disabled with the refusal's own words), a run's approval names every conflicting
program and period, irreversible actions carry the sentence they confirm, every action leads
to a page telling its outcome, and an export already made is offered as a copy."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from actions_support import conflicted
from webkit import World, example

from schemeops.service import runs
from schemeops.service.context import Actor
from schemeops.service.holds import held_participants
from schemeops.service.payout_conflicts import PaidElsewhere, PayoutConflict
from schemeops.store.models import Payout, User

PERIODS_YTD = [("2026-08-01", "2026-08-31"), ("2026-09-01", "2026-09-30"),
               ("2026-10-01", "2026-10-31")]


class _Elements(HTMLParser):
    """Every element with an id: its tag's attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.attrs[found["id"]] = found
            self.text[found["id"]] = ""
            self._open.append(found["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("button", "p") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for key in self._open:
            self.text[key] += data


def _page(browser, url: str) -> _Elements:  # type: ignore[no-untyped-def]
    r = browser.get(url)
    assert r.status_code == 200, r.text
    parsed = _Elements()
    parsed.feed(r.text)
    return parsed


def _conflicts(ytd_run: int, world: World) -> list[str]:
    return ([f"volume_growth_oct from 2026-10-01 to 2026-10-31 is already paid by approved "
             f"run {world.run}"]
            + [f"ytd_gated_monthly from {a} to {b} is already paid by approved run {ytd_run}"
               for a, b in PERIODS_YTD])


def test_a_conflicting_run_is_refused_naming_every_program_and_period(app, world: World,
                                                                      as_user, api):
    """Four periods of two programs are paid elsewhere: the refusal (typed and in words), the
    API's 409 and the disabled button's reason all name the four; the starter is told
    instead that another approver must decide, and may not reject either."""
    c = conflicted(app, world)
    with app.sessions.begin() as s:
        checker = Actor.of(s.query(User).filter_by(username="approver2").one())
        with pytest.raises(PayoutConflict) as refused:
            runs.decide_payouts(s, checker, c.pending, approve=True)
    assert [(x.program_id, str(x.period_start), str(x.period_end), x.run_id)
            for x in refused.value.conflicts if isinstance(x, PaidElsewhere)] == [
        ("volume_growth_oct", "2026-10-01", "2026-10-31", world.run)] + [
        ("ytd_gated_monthly", a, b, c.paid_ytd) for a, b in PERIODS_YTD]
    words = _conflicts(c.paid_ytd, world)
    assert all(w in str(refused.value) for w in words)

    r = api("approver2").post(f"/api/runs/{c.pending}/decision", json={"approve": True})
    assert r.status_code == 409 and all(w in r.json()["detail"] for w in words)

    page = _page(as_user("approver2"), f"/runs/{c.pending}")
    assert "disabled" in page.attrs["approve"]
    assert page.attrs["approve"]["aria-describedby"] == "approve-why"
    assert all(w in page.text["approve-why"] for w in words), page.text["approve-why"]
    assert "disabled" not in page.attrs["reject"]  # rejecting a conflicting run is fine

    starter = _page(as_user("approver"), f"/runs/{c.pending}")
    assert "disabled" in starter.attrs["approve"] and "disabled" in starter.attrs["reject"]
    assert "you started this run" in starter.text["approve-why"]


def test_close_is_refused_on_an_unpaid_period_and_asks_first_on_a_paid_one(app, world: World,
                                                                           as_user):
    """mbo_targets' period is paid by no approved run: its Close is disabled with the
    use case's refusal, which a POST gets too; the World's period names what closing seals."""
    c = conflicted(app, world)
    b = as_user("approver")
    page = _page(b, "/periods")
    unpaid = f"close-{c.unpaid_period}"
    assert "disabled" in page.attrs[unpaid]
    reason = "no approved calculation pays this period yet; approve a run first"
    assert reason in page.text[f"{unpaid}-why"]
    refused = b.post(f"/periods/{c.unpaid_period}/close")
    assert refused.status_code == 409 and reason in html.unescape(refused.text)

    paid = page.attrs[f"close-{world.period}"]
    assert "disabled" not in paid
    assert paid["data-confirm"] == (f"Close volume_growth_oct from 2026-10-01 to 2026-10-31? "
                                    f"Run {world.run}'s payouts for it are sealed; later "
                                    "changes come as corrections.")
    r = b.post(f"/periods/{world.period}/close")
    assert r.status_code == 303 and r.headers["location"] == "/periods?done=period_closed"
    after = _page(b, r.headers["location"])
    assert after.text["outcome"] == "Period closed: its approved payouts are sealed."
    assert f"close-{world.period}" not in after.attrs


def test_an_author_is_not_offered_approval_of_their_own_version(world: World, as_user):
    """admin may approve, but not what admin wrote: both decisions are disabled with the
    reason the use case gives a POST; another approver gets them with confirmations."""
    admin = as_user("admin")
    admin.get("/programs/new")
    r = admin.post("/programs/new", {"yaml": example("billed_channels")})
    assert r.status_code == 303 and r.headers["location"].endswith("?done=drafted")
    vid = int(r.headers["location"].split("/")[2].split("?")[0])
    assert "Draft saved." in admin.get(r.headers["location"]).text
    r = admin.post(f"/versions/{vid}/submit")
    assert r.headers["location"] == f"/versions/{vid}?done=submitted"
    own = _page(admin, r.headers["location"])
    assert own.text["outcome"].startswith("Submitted for approval")
    assert "disabled" in own.attrs["approve"] and "disabled" in own.attrs["reject"]
    reason = "you wrote this version; another approver must decide on it"
    assert reason in own.text["approve-why"]
    refused = admin.post(f"/versions/{vid}/decide", {"decision": "approve"})
    assert refused.status_code == 409 and reason in html.unescape(refused.text)

    other = _page(as_user("approver"), f"/versions/{vid}")
    assert "disabled" not in other.attrs["approve"] and "approve-why" not in other.attrs
    assert other.attrs["approve"]["data-confirm"] == (
        "Approve version 1 of mbc_reps_oct? Once approved it can go live.")
    assert other.attrs["reject"]["data-confirm"].startswith("Reject version 1 of "
                                                            "mbc_reps_oct?")
    assert "submit" not in other.attrs  # nothing to submit on a submitted version


def test_each_lifecycle_step_asks_first_and_tells_its_outcome(world: World, as_user):
    """Approve, go live (naming the live version it replaces), close, approve payouts: each
    button carries its confirmation and each redirect the outcome shown on the next page."""
    b = as_user("approver")
    page = _page(b, f"/versions/{world.version}")
    assert "Approve version 1 of mbo_targets?" in page.attrs["approve"]["data-confirm"]
    r = b.post(f"/versions/{world.version}/decide", {"decision": "approve"})
    page = _page(b, r.headers["location"])
    assert page.text["outcome"] == "Approved: a publisher can make it live now."
    assert page.attrs["go-live"]["data-confirm"] == (
        "Make version 1 of mbo_targets live? The next calculations pay it.")
    r = b.post(f"/versions/{world.version}/live")
    page = _page(b, r.headers["location"])
    assert page.text["outcome"] == "Live: the next calculations pay it."
    assert page.attrs["close"]["data-confirm"].startswith("Close version 1 of mbo_targets? "
                                                          "It will no longer be calculated")
    r = b.post(f"/versions/{world.version}/close")
    assert _page(b, r.headers["location"]).text["outcome"] == (
        "Closed: it is no longer calculated.")

    # a second version of the live program: going live names the one it closes
    designer = as_user("designer")
    designer.get("/programs/new")
    text = example("volume_growth").replace("name: October value growth", "name: October v2")
    v2 = designer.post("/programs/new", {"yaml": text}).headers["location"].split("/")[2]
    v2 = int(v2.split("?")[0])
    designer.post(f"/versions/{v2}/submit")
    b.get(f"/versions/{v2}")
    b.post(f"/versions/{v2}/decide", {"decision": "approve"})
    assert _page(b, f"/versions/{v2}").attrs["go-live"]["data-confirm"] == (
        "Make version 2 of volume_growth_oct live? The next calculations pay it; version 1, "
        "live now, will be closed.")


def test_an_outcome_is_a_fixed_sentence_never_the_url_text(world: World, as_user):
    """An unknown `done` shows nothing, and nothing of it."""
    b = as_user("approver")
    page = b.get(f"/versions/{world.version}?done=%3Cb%3Epaid%3C/b%3E")
    assert "<b>paid" not in page.text and "&lt;b&gt;paid" not in page.text
    assert '<p id="outcome" class="outcome-flash" role="status" hidden></p>' in page.text


def test_a_second_export_is_offered_as_a_copy(app, world: World, as_user):
    """The approved run's first export is the primary button and asks first, naming the new
    credit notes (as many as the export then makes); once exported, the buttons are secondary,
    labelled a copy, and ask nothing."""
    b = as_user("approver")
    first = _page(b, f"/runs/{world.run}")
    button = first.attrs["export-csv"]
    assert first.text["export-csv"] == "Export credit notes (CSV)"
    assert "class" not in button
    with app.sessions.begin() as s:
        nonzero = s.query(Payout).filter(Payout.run_id == world.run, Payout.amount != 0).count()
        held = len(held_participants(s) & set(world.payouts))
    notes = nonzero - held  # a payout of 0 is no credit note; a held one waits for its case
    assert notes > 0
    assert button["data-confirm"] == (f"Export {notes} new credit notes of run {world.run}? "
                                      "Each is recorded as sent and never paid again.")
    r = b.post(f"/runs/{world.run}/export.csv")
    assert r.status_code == 200 and r.headers["x-export-id"] == "1"
    assert r.headers["x-new-credit-notes"] == r.headers["x-export-lines"] == str(notes)
    again = _page(b, f"/runs/{world.run}")
    for fmt, name in (("csv", "CSV"), ("xlsx", "Excel")):
        assert again.text[f"export-{fmt}"] == f"Download a copy ({name})"
        assert again.attrs[f"export-{fmt}"]["class"] == "secondary"
        assert "data-confirm" not in again.attrs[f"export-{fmt}"]
    r = b.post(f"/runs/{world.run}/export.csv")
    assert r.headers["x-new-credit-notes"] == "0"
