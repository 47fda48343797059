"""Disputes through the pages and the API: a distributor disputes its own payout, the
reviewer answers and resolves, the thread shows both sides escaped; another participant
never sees the dispute."""

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
