"""Claims: submitted lines validated one by one against the warehouse, decided by another
approver, never paying more than the invoices support; every decision audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from service_support import example, live_version
from sqlalchemy import update

from claims_support import Picks, pick
from schemeops.service import claims
from schemeops.service.claim_rules import ERROR_CLASSES, LineInput
from schemeops.service.claims_csv import read_claims
from schemeops.service.errors import Conflict, Forbidden, Invalid
from schemeops.store.audit import verify
from schemeops.store.models import AuditEntry, ClaimLine

PROGRAM = "volume_growth_oct"  # live in the tests, period 2026-10-01..2026-10-31


@pytest.fixture
def picks(app, team) -> Picks:
    """The program live, and real invoices to claim."""
    live_version(app, team, example("volume_growth"))
    return pick(app.warehouse)


def _submit(app, actor, lines, participant="D00001", program=PROGRAM, **kw):
    with app.sessions.begin() as s:
        c = claims.submit(s, app.warehouse, actor, participant_id=participant,
                          program_id=program, lines=lines, **kw)
        return c.id, {ln.line_no: (ln.status, ln.error, ln.reason) for ln in c.lines}


def _line(n, invoice, sku, qty, amount):
    return LineInput(n, invoice, sku, Decimal(qty), Decimal(amount))


def test_claim_approved_partly_by_another_approver(app, team, picks):
    """Two good lines: the invoice supports (q1, a1) and (q2, a2). Claim 1 unit for 10.00 and
    the second line's full amount; approve line 1 at 6.00 and line 2 as claimed:
    approved = 6.00 + a2, status partly_approved, claimed = 10.00 + a2."""
    (i1, s1, _q1, _a1), (i2, s2, q2, a2) = picks.october[0], picks.october[1]
    cid, verdicts = _submit(app, team.distributor,
                            [_line(1, i1, s1, "1", "10.00"), _line(2, i2, s2, q2, a2)])
    assert verdicts == {1: ("accepted", None, ""), 2: ("accepted", None, "")}
    with app.sessions.begin() as s, pytest.raises(Forbidden):
        claims.decide(s, app.warehouse, team.distributor, cid, approve=True)
    with app.sessions.begin() as s, pytest.raises(Conflict, match=r"between 0\.00 and 10\.00"):
        claims.decide(s, app.warehouse, team.approver, cid, approve=True,
                      amounts={1: Decimal("10.01")})
    with app.sessions.begin() as s:
        c = claims.decide(s, app.warehouse, team.approver, cid, approve=True,
                          amounts={1: Decimal("6.00")})
        assert (c.status, c.approved, c.claimed) == (
            "partly_approved", Decimal("6.00") + a2, Decimal("10.00") + a2)
        assert [ln.approved for ln in c.lines] == [Decimal("6.00"), a2]
    with app.sessions.begin() as s:
        assert not verify(s)
        mine = claims.list_claims(s, team.distributor)
        assert [c.id for c in mine] == [cid]
        assert claims.list_claims(s, team.approver)[0].id == cid


def test_maker_checker_reject_needs_reason_and_frees_lines(app, team, picks):
    """An admin submits for D00001 and cannot decide it; a rejection needs a comment; a
    rejected claim's lines may be claimed again; a second decision is refused."""
    i1, s1, _, _ = picks.october[0]
    cid, _ = _submit(app, team.admin, [_line(1, i1, s1, "1", "5.00")])
    with app.sessions.begin() as s, pytest.raises(Conflict, match="another approver"):
        claims.decide(s, app.warehouse, team.admin, cid, approve=True)
    with app.sessions.begin() as s, pytest.raises(Conflict, match="comment"):
        claims.decide(s, app.warehouse, team.approver, cid, approve=False)
    with app.sessions.begin() as s:
        claims.decide(s, app.warehouse, team.approver, cid, approve=False, comment="no proof")
    with app.sessions.begin() as s, pytest.raises(Conflict, match="rejected"):
        claims.decide(s, app.warehouse, team.approver2, cid, approve=True)
    _, again = _submit(app, team.distributor, [_line(1, i1, s1, "1", "5.00")])
    assert again[1][0] == "accepted"


def test_a_distributor_claims_only_for_itself(app, team, picks):
    """D00001's user cannot claim for D00002, nor read claims other than its own."""
    i, sku = picks.foreign
    with pytest.raises(Forbidden):
        _submit(app, team.distributor, [_line(1, i, sku, "1", "1.00")], participant="D00002")
    cid, _ = _submit(app, team.admin, [_line(1, i, sku, "1", "1.00")], participant="D00002")
    with app.sessions.begin() as s:
        assert claims.list_claims(s, team.distributor) == []
        with pytest.raises(Exception, match="no claim"):
            claims.get_claim(s, team.distributor, cid)
        with pytest.raises(Forbidden):
            claims.list_claims(s, team.rep)


def test_twenty_broken_lines_each_refused_with_its_class(app, team, picks):
    """Every error class at least twice, each naming its line and a fix."""
    (i1, s1, q1, a1), (i2, s2, q2, a2), (i3, s3, _, _) = picks.october[:3]
    sep_i, sep_s = picks.september
    f_i, f_s = picks.foreign
    _submit(app, team.distributor, [_line(1, i3, s3, "1", "1.00")], reference="EARLIER")
    broken = [
        (LineInput(1, i1, s1, Decimal(1), None), "incomplete"),
        (LineInput(2, None, s1, Decimal(1), Decimal(1)), "incomplete"),
        (_line(3, i1, s1, "0", "1.00"), "malformed"),
        (LineInput(4, i1, s1, None, None, (("malformed", "line 4: quantity 'x' is not a number"),)),
         "malformed"),
        (_line(5, "NO-SUCH-1", s1, "1", "1.00"), "unknown_invoice"),
        (_line(6, "NO-SUCH-2", s1, "1", "1.00"), "unknown_invoice"),
        (_line(7, f_i, f_s, "1", "1.00"), "wrong_participant"),
        (_line(8, f_i, "ANY", "1", "1.00"), "wrong_participant"),
        (_line(9, i1, "NO-SKU", "1", "1.00"), "wrong_product"),
        (_line(10, i2, "NO-SKU-2", "1", "1.00"), "wrong_product"),
        (_line(11, sep_i, sep_s, "1", "1.00"), "outside_window"),
        (_line(12, sep_i, sep_s, "1", "0.50"), "outside_window"),
        (_line(13, i3, s3, "1", "1.00"), "duplicate"),
        (_line(14, i1, s1, q1 + 1, "1.00"), "above_invoice"),
        (_line(15, i2, s2, "1", a2 + Decimal("0.01")), "above_invoice"),
        (_line(16, i1, s1, "1", "1.00"), None),
        (_line(17, i1, s1, "1", "1.00"), "duplicate"),  # same invoice line twice in a claim
        (LineInput(18, i2, "", Decimal(1), Decimal(1)), "incomplete"),
        (_line(19, "", s1, "1", "1.00"), "incomplete"),
        (_line(20, i2, s2, q2 + Decimal("0.001"), "0.01"), "above_invoice"),
        (_line(21, "NO-SUCH-3", "NO-SKU", "1", "1.00"), "unknown_invoice"),
    ]
    _, verdicts = _submit(app, team.distributor, [b[0] for b in broken])
    for line, error in broken:
        status, got, reason = verdicts[line.line_no]
        assert got == error, (line, reason)
        if error:
            assert status == "refused" and str(line.line_no) in reason
    _, wrong = _submit(app, team.distributor, [_line(1, i1, s1, "1", "1.00"),
                                               _line(2, i2, s2, "1", "1.00")],
                       program="no_such_program")
    assert {v[1] for v in wrong.values()} == {"wrong_program"}
    classes = [e for _, e in broken if e] + ["wrong_program"] * 2
    assert len(classes) >= 20 and all(classes.count(c) >= 2 for c in ERROR_CLASSES)
    del a1, q2


CSV_HEAD = ("claim_id,line_no,participant_id,program_id,invoice_id,sku,quantity,amount,"
            "submitted_on\n")


def test_malformed_csv_rows_named_by_row_and_column(app, team, picks):
    """Bad values refuse their line naming row and column; whole-file problems refuse the
    upload with located diagnostics."""
    i1, s1, _, _ = picks.october[0]
    text = CSV_HEAD + (
        f"K1,1,D00001,{PROGRAM},{i1},{s1},abc,1.00,2026-11-05\n"
        f"K1,2,D00001,{PROGRAM},{i1},{s1},1,1.005,2026-11-05\n"
        f"K1,3,D00002,{PROGRAM},{i1},{s1},1,1.00,2026-11-05\n"
        f"K1,4,D00001,other,{i1},{s1},1,1.00,2026-11-05\n"
        f"K1,5,D00001,{PROGRAM},{'X' * 81},{s1},1,1.00,2026-11-05\n")
    (up,) = read_claims(text.encode())
    with app.sessions.begin() as s:
        c = claims.submit(s, app.warehouse, team.distributor, participant_id=up.participant_id,
                          program_id=up.program_id, lines=up.lines, reference=up.reference,
                          submitted_on=up.submitted_on)
        got = [(ln.error, ln.reason) for ln in c.lines]
    assert [e for e, _ in got] == ["malformed", "malformed", "wrong_participant",
                                   "wrong_program", "malformed"]
    assert "row 2, column quantity" in got[0][1] and "row 3, column amount" in got[1][1]
    assert "row 4, column participant_id" in got[2][1]
    with pytest.raises(Invalid) as e:
        read_claims((CSV_HEAD + "K2,x,D00001,p,i,s,1,1,2026-13-01\n,1,D,p,i,s,1,1,2026-11-01\n"
                     ).encode())
    where = {(d.span.line, d.span.col) for d in e.value.diagnostics}
    assert where == {(2, 2), (2, 9), (3, 1)}
    with pytest.raises(Invalid, match="error"):
        read_claims(b"claim_id,line_no\nK,1\n")
    with pytest.raises(Invalid):
        read_claims(b"\xff\xfe")


def test_tampering_with_a_claim_decision_is_caught(app, team, picks):
    """Changing an approved amount in the audit entry breaks the chain."""
    i1, s1, _, _ = picks.october[0]
    cid, _ = _submit(app, team.distributor, [_line(1, i1, s1, "1", "2.00")])
    with app.sessions.begin() as s:
        claims.decide(s, app.warehouse, team.approver, cid, approve=True)
    with app.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.action == "claim.approved")
                  .values(details='{"approved":"2000.00"}'))
    with app.sessions.begin() as s:
        assert "claim.approved" in str(verify(s)[0])


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_approved_claim_pays_more_than_its_invoices(app, team, picks, data):
    """Whatever is claimed and however it is approved, each line's approval stays within its
    claim and its invoice's support, and all approvals of one invoice line within its
    support: duplicates cannot stack."""
    # the whole October pool (≈100 invoice lines): approved lines hold theirs for good, so a
    # small pool would leave later examples nothing but duplicates
    pool = picks.october + ([picks.returned] if picks.returned else [])
    chosen = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6))
    lines = [_line(n, i, sku, data.draw(st.decimals(Decimal("0.001"), q * 2, places=3)),
                   data.draw(st.decimals(Decimal("0.01"), a * 2, places=2)))
             for n, (i, sku, q, a) in enumerate(chosen, start=1)]
    reject = data.draw(st.booleans())
    asks = [data.draw(st.none() | st.decimals(Decimal(0), Decimal(5000), places=2))
            for _ in lines]  # drawn up front: which lines stand depends on earlier examples
    cid, verdicts = _submit(app, team.distributor, lines)
    want = {n: a for n, a in zip(verdicts, asks, strict=True)
            if a is not None and verdicts[n][0] == "accepted"}
    with app.sessions.begin() as s:
        if reject and any(v[0] == "accepted" for v in verdicts.values()):
            claims.decide(s, app.warehouse, team.approver, cid, approve=False, comment="no")
        elif any(v[0] == "accepted" for v in verdicts.values()):
            try:
                claims.decide(s, app.warehouse, team.approver, cid, approve=True, amounts=want)
            except Conflict:  # an amount above what the line supports: approve as claimed
                claims.decide(s, app.warehouse, team.approver, cid, approve=True)
    support = {(i, sku): a for i, sku, _, a in pool}
    with app.sessions.begin() as s:
        rows = s.query(ClaimLine).filter(ClaimLine.approved.is_not(None)).all()
        paid: dict[tuple[str, str], Decimal] = {}
        for ln in rows:
            assert ln.approved <= ln.amount and ln.approved <= support[(ln.invoice_id, ln.sku)]
            key = (ln.invoice_id, ln.sku)
            paid[key] = paid.get(key, Decimal(0)) + ln.approved
        assert all(v <= support[k] for k, v in paid.items())
        assert not verify(s)


def test_control_characters_are_refused_not_sent_to_sql(app, team, picks):
    """A NUL in an invoice id (found by the API fuzzer) refuses its line; it never reaches
    the warehouse's SQL or the store."""
    i1, s1, _, _ = picks.october[0]
    _, verdicts = _submit(app, team.distributor, [_line(1, "A\x00'", s1, "1", "1.00"),
                                                  _line(2, i1, "s\x07", "1", "1.00")])
    assert [v[1] for v in verdicts.values()] == ["malformed", "malformed"]
    with pytest.raises(Conflict, match="printable"):
        _submit(app, team.distributor, [_line(1, i1, s1, "1", "1.00")], program="p\x00")


def test_support_is_the_invoice_net_of_its_returns(tmp_path):
    """By hand: INV1 sells 10 units of A for 1,000.00 (two lines: 6 for 600.00, 4 for
    400.00) and 1 unit of B for 50.00; RET1 returns 3 units of A (-300.00) referencing INV1;
    RET2 returns 1 unit of A of another invoice. A supports 10 - 3 = 7 units for
    1,000.00 - 300.00 = 700.00; B supports 1 unit for 50.00."""
    import datetime as dt

    import ibis
    import pyarrow as pa

    from schemeops.service.claims import invoices_of

    d, q, m = dt.date(2026, 10, 5), pa.decimal128(18, 3), pa.decimal128(18, 2)
    rows = pa.table({
        "invoice_id": ["INV1", "INV1", "INV1", "RET1", "RET2"],
        "line_no": [1, 2, 3, 1, 1],
        "invoice_date": [d] * 5,
        "distributor_id": ["D1"] * 5,
        "sku": ["A", "A", "B", "A", "A"],
        "quantity": pa.array([Decimal(6), Decimal(4), Decimal(1), Decimal(-3), Decimal(-1)], q),
        "net_amount": pa.array([Decimal("600.00"), Decimal("400.00"), Decimal("50.00"),
                                Decimal("-300.00"), Decimal("-100.00")], m),
        "doc_type": ["invoice", "invoice", "invoice", "return", "return"],
        "ref_invoice_id": [None, None, None, "INV1", "INV9"],
    })
    con = ibis.duckdb.connect(str(tmp_path / "wh.duckdb"))
    con.create_table("sales", rows)
    con.disconnect()
    inv = invoices_of(tmp_path / "wh.duckdb", ["INV1", "NOPE"])
    assert set(inv) == {"INV1"}
    assert inv["INV1"].lines == {"A": (Decimal("7.000"), Decimal("700.00")),
                                 "B": (Decimal("1.000"), Decimal("50.00"))}
    assert (inv["INV1"].distributor_id, inv["INV1"].invoice_date) == ("D1", d)
