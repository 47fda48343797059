"""Claims through the API and the pages: who may claim and see what, uploads located by row
and column, text escaped; and a real browser: a distributor claims from the portal, an
approver approves part of it, the distributor sees the result."""

from __future__ import annotations

from decimal import Decimal

import pytest
from webkit import World

from claims_support import pick
from schemeops.service.context import App

PROGRAM = "volume_growth_oct"  # live in the World, October 2026
HEAD = ("claim_id,line_no,participant_id,program_id,invoice_id,sku,quantity,amount,"
        "submitted_on\n")


@pytest.fixture
def picks(app: App, world: World):  # type: ignore[no-untyped-def]
    """Real invoices of the warehouse."""
    return pick(app.warehouse)


def test_a_distributor_claims_and_sees_only_its_own(api, picks, world):
    """D00001 may claim for itself only, sees only its claims, and cannot read the queue."""
    i, sku, _, a = picks.october[0]
    d = api("distributor")
    line = {"invoice_id": i, "sku": sku, "quantity": "1", "amount": "1.00"}
    r = d.post("/api/claims", json={"participant_id": "D00002", "program_id": PROGRAM,
                                    "lines": [line]})
    assert r.status_code == 403
    r = d.post("/api/claims", json={"program_id": PROGRAM, "lines": [
        line, {**line, "invoice_id": "NOPE", "amount": "x"}]})
    assert r.status_code == 201, r.text
    body = r.json()
    assert [ln["error"] for ln in body["lines"]] == [None, "malformed"]
    assert "line 2, amount" in body["lines"][1]["reason"]
    admin = api("admin")
    other = admin.post("/api/claims", json={"participant_id": "D00002", "program_id": PROGRAM,
                                            "lines": [line]}).json()
    assert other["lines"][0]["error"] == "wrong_participant"
    assert [c["id"] for c in d.get("/api/portal/claims").json()] == [body["id"]]
    assert d.get("/api/claims").status_code == 403
    assert d.get(f"/api/claims/{other['id']}").status_code == 403
    assert api("rep").post("/api/claims", json={"program_id": PROGRAM, "lines": [line]}
                           ).status_code == 403
    r = api("approver").post(f"/api/claims/{body['id']}/decision",
                             json={"approve": True, "amounts": {"1": "0.40"}})
    assert r.json()["status"] == "partly_approved" and r.json()["approved"] == "0.40"
    del a


def test_upload_names_rows_and_columns(api, picks):
    """A malformed file is refused with each problem located; a distributor's upload for
    another participant is refused whole; a good file's bad values refuse their lines."""
    i, sku, _, _ = picks.october[0]
    d = api("distributor")
    r = d.post("/api/claims/upload", content=HEAD + "K,x,D00001,p,i,s,1,1,2026-11-01\n")
    assert r.status_code == 422
    assert {(x["line"], x["col"]) for x in r.json()["diagnostics"]} == {(2, 2)}
    r = d.post("/api/claims/upload", content=HEAD + f"K,1,D00002,{PROGRAM},{i},{sku},1,1,"
               "2026-11-01\n")
    assert r.status_code == 403
    r = d.post("/api/claims/upload", content=HEAD + (
        f"K,1,D00001,{PROGRAM},{i},{sku},1,1.00,2026-11-01\n"
        f"K,2,D00001,{PROGRAM},{i},{sku},-,1.00,2026-11-01\n"))
    assert r.status_code == 201, r.text
    lines = r.json()[0]["lines"]
    assert lines[0]["status"] == "accepted"
    assert lines[1]["error"] == "malformed" and "row 3, column quantity" in lines[1]["reason"]


def test_typed_text_is_escaped_on_the_pages(as_user, world):
    """An invoice number typed as markup comes back as text on the portal and the queue."""
    b = as_user("distributor")
    b.get("/portal/claims")
    r = b.post("/portal/claims", {"program_id": PROGRAM, "invoice_id": "<b>x</b>",
                                  "sku": "s", "quantity": "1", "amount": "1"})
    assert r.status_code == 303
    page = b.get("/portal/claims").text
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert "unknown invoice" in page
    assert "&lt;b&gt;x" in as_user("approver").get("/claims/1").text




def test_claim_from_the_portal_approved_in_part(world, server, chromium, picks, screenshot):
    """On a phone, a distributor adds a second line and submits two lines (1.00 and 2.00);
    an approver approves line 1 at 0.50 and line 2 as claimed: 2.50 of 3.00; the
    distributor sees "partly approved" and 2.50."""
    from playwright.sync_api import expect

    (i1, s1, _, _), (i2, s2, _, _) = picks.october[:2]

    def sign_in(user: str, **ctx: object):  # type: ignore[no-untyped-def]
        p = chromium.new_context(**ctx).new_page()
        p.goto(server + "/signin")
        p.fill("input[name=username]", user)
        p.fill("input[name=password]", f"{user}-pw")
        p.click("button[type=submit]")
        return p

    phone = sign_in("distributor", viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(server + "/portal/claims")
    phone.select_option("select[name=program_id]", PROGRAM)
    lines = phone.locator(".claim-line")
    phone.click("#add-line")
    expect(lines).to_have_count(4)
    for n, (inv, sku, amount) in enumerate([(i1, s1, "1.00"), (i2, s2, "2.00")]):
        row = lines.nth(n * 3)  # the first line, and the one just added
        row.locator("input[name=invoice_id]").fill(inv)
        row.locator("input[name=sku]").fill(sku)
        row.locator("input[name=quantity]").fill("1")
        row.locator("input[name=amount]").fill(amount)
    phone.click("text=Submit claim")
    claim = phone.locator(".claim").first
    expect(claim).to_contain_text("submitted")
    expect(claim.locator("li.accepted")).to_have_count(2)
    screenshot(phone, "claim-submitted")

    desk = sign_in("approver")
    asked: list[str] = []  # the decision is final: it asks first, naming the claim
    desk.on("dialog", lambda d: (asked.append(d.message), d.accept()))
    desk.goto(server + "/claims?status=submitted")
    desk.locator("table a").first.click()
    desk.fill("input[name=amount_1]", "0.50")
    desk.fill("textarea[name=comment]", "display photo missing for line 1")
    desk.click("button[value=approve]")
    expect(desk.locator("h1")).to_contain_text("partly approved")
    expect(desk.locator("#outcome")).to_have_text("Decision recorded on the claim.")
    reference = desk.locator("h1").inner_text().split()[1]
    assert asked == [f"Approve claim {reference} of D00001, at the amounts entered (blank "
                     "lines as claimed)? The decision is final."]

    phone.goto(server + "/portal/claims")
    claim = phone.locator(".claim").first
    expect(claim).to_contain_text("partly approved")
    expect(claim.locator(".approved")).to_have_text("2.50")
    expect(claim).to_contain_text("display photo missing")
    screenshot(phone, "claim-decided")
    assert Decimal("2.50") == Decimal(claim.locator(".approved").inner_text())
