"""The e-invoice credit notes, worked out by hand, validated against the shipped schema."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from erp_support import recorded
from hypothesis import given
from hypothesis import strategies as st

from schemeops.erp.einvoice import dumps, einvoice
from schemeops.erp.notes import Facts, Invoice, build_notes, split
from schemeops.erp.schema import problems, published

D = Decimal
JUNE = (Invoice("PI/2026/0611", dt.date(2026, 6, 11)),
        Invoice("PI/2026/0625", dt.date(2026, 6, 25)))


def _one(rec, settings, recipients, by_hsn):
    notes, errs = build_notes([rec], settings=settings, recipients=recipients,
                              facts={rec.reference: Facts(by_hsn, JUNE)})
    assert errs == []
    return notes[0]


def test_igst_credit_note_golden(settings, recipients):
    """Seller in 29, D001 in 27: inter-state, IGST. Payout 3,333.33 on 31 Jul 2026; in June
    D001 bought 20,000.00 of biscuits (1905) and 10,000.00 of snacks (2106), so 2/3 : 1/3:
      1905: 3,333.33 × 2/3 = 2,222.22 at 5% (rate from 22 Sep 2025) → IGST 111.111 → 111.11
      2106: 3,333.33 × 1/3 = 1,111.11 at 18%                        → IGST 199.9998 → 200.00
      AssVal 3,333.33, IgstVal 311.11, TotInvVal 3,644.44."""
    note = _one(recorded("3333.33"), settings, recipients,
                {"1905": D("20000.00"), "2106": D("10000.00")})
    doc = einvoice(note, settings.seller)
    assert problems(json.loads(dumps(doc))) == []
    assert doc["DocDtls"] == {"Typ": "CRN", "No": "SCN/2627/42", "Dt": "31/07/2026"}
    assert doc["BuyerDtls"]["Pos"] == "27" and doc["SellerDtls"]["Stcd"] == "29"
    items = doc["ItemList"]
    assert [(i["HsnCd"], i["AssAmt"], i["GstRt"], i["IgstAmt"], i["TotItemVal"]) for i in items] \
        == [("1905", D("2222.22"), D("5"), D("111.11"), D("2333.33")),
            ("2106", D("1111.11"), D("18"), D("200.00"), D("1311.11"))]
    assert all("CgstAmt" not in i and "SgstAmt" not in i for i in items)
    assert doc["ValDtls"] == {"AssVal": D("3333.33"), "IgstVal": D("311.11"),
                              "TotInvVal": D("3644.44")}
    assert doc["RefDtls"]["PrecDocDtls"] == [{"InvNo": "PI/2026/0611", "InvDt": "11/06/2026"},
                                             {"InvNo": "PI/2026/0625", "InvDt": "25/06/2026"}]
    assert doc["RefDtls"]["DocPerdDtls"] == {"InvStDt": "01/06/2026", "InvEndDt": "30/06/2026"}


def test_cgst_sgst_credit_note_golden(settings, recipients):
    """Seller and D002 both in 29: intra-state. Payout 1,000.05, all snacks (2106, 18%):
    CGST = SGST = 1,000.05 × 9% = 90.0045 → 90.00; TotInvVal 1,000.05 + 180.00 = 1,180.05."""
    note = _one(recorded("1000.05", participant="D002", payout_id=7), settings, recipients,
                {"2106": D("5400.00")})
    doc = einvoice(note, settings.seller)
    assert problems(json.loads(dumps(doc))) == []
    [item] = doc["ItemList"]
    assert (item["AssAmt"], item["CgstAmt"], item["SgstAmt"], item["TotItemVal"]) \
        == (D("1000.05"), D("90.00"), D("90.00"), D("1180.05"))
    assert "IgstAmt" not in item
    assert doc["ValDtls"] == {"AssVal": D("1000.05"), "CgstVal": D("90.00"),
                              "SgstVal": D("90.00"), "TotInvVal": D("1180.05")}
    assert doc["BuyerDtls"]["Pos"] == "29"


def test_a_negative_payout_is_a_debit_note(settings, recipients):
    """−500.00 of snacks to D002: a DBN of 500.00 (+45.00 CGST, +45.00 SGST), never a
    negative credit note."""
    note = _one(recorded("-500.00", participant="D002"), settings, recipients,
                {"2106": D("1.00")})
    doc = einvoice(note, settings.seller)
    assert problems(json.loads(dumps(doc))) == []
    assert doc["DocDtls"]["Typ"] == "DBN"
    assert doc["ValDtls"]["TotInvVal"] == D("590.00")


def test_dumps_writes_exact_decimals():
    assert dumps({"a": D("3644.44"), "b": [D("0.10"), 1, "x\"y"]}) == \
        '{"a":3644.44,"b":[0.10,1,"x\\"y"]}'


def test_split_gives_the_rounding_remainder_to_the_heaviest():
    """100.00 over three equal weights: 33.33 each, 0.01 left, to the first by name."""
    parts = split(D("100.00"), {"2106": D(1), "1905": D(1), "3004": D(1)})
    assert parts == {"1905": D("33.34"), "2106": D("33.33"), "3004": D("33.33")}
    assert sum(parts.values()) == D("100.00")


@pytest.mark.parametrize(("path", "value", "needle"), [
    (("ItemList", 0, "HsnCd"), None, '"HsnCd" is a required property'),
    (("ItemList", 0, "IgstAmt"), D("-1"), "less than the minimum"),
    (("DocDtls", "No"), "SCN/2627/12345678", "longer than 16"),
    (("BuyerDtls", "LglNm"), 'Mumbai "Traders"', "does not match"),
    (("RefDtls", "PrecDocDtls", 0, "InvDt"), None, '"InvDt" is a required property'),
])
def test_the_repaired_schema_refuses_what_the_document_forbids(settings, recipients, path,
                                                                 value, needle):
    """Each constraint the published document states is enforced once repaired (the
    published document as it is would accept every one of these)."""
    note = _one(recorded("3333.33"), settings, recipients, {"1905": D(2), "2106": D(1)})
    doc = json.loads(dumps(einvoice(note, settings.seller)))
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = float(value) if isinstance(value, Decimal) else value
    found = problems(doc)
    assert any(needle in p for p in found), found


def test_the_published_document_as_is_checks_almost_nothing():
    """Why we repair it: as published, a validator reads its members as unknown keywords
    and accepts a document whose every member is of the wrong type."""
    import jsonschema_rs
    wrong = dict.fromkeys(("Version", "TranDtls", "DocDtls", "SellerDtls", "BuyerDtls",
                           "ItemList", "ValDtls"), 0)
    assert jsonschema_rs.Draft7Validator(published()).is_valid(wrong)
    assert len(problems(wrong)) == 7


@given(st.decimals(min_value=D("0.01"), max_value=D("9999999.99"), places=2),
       st.dictionaries(st.sampled_from(["1905", "2106", "0902", "3401"]),
                       st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2),
                       min_size=1))
def test_split_parts_add_up_exactly(amount, weights):
    """Whatever the weights, the lines add up to the payout to the paisa, and each is within
    a paisa per line of its exact share."""
    parts = split(amount, weights)
    assert sum(parts.values()) == amount
    total = sum(weights.values())
    for k, v in parts.items():
        assert v == v.quantize(D("0.01"))
        assert abs(v - amount * weights[k] / total) <= D("0.01") * len(weights)


def test_a_missing_seller_is_said_once(settings, recipients):
    bare = settings.model_copy(update={"seller": settings.seller.model_copy(
        update={"gstin": ""})})
    recs = [recorded("10.00", payout_id=i) for i in (1, 2, 3)]
    _, errs = build_notes(recs, settings=bare, recipients=recipients, facts={})
    assert [e.code for e in errs] == ["seller_missing"]
