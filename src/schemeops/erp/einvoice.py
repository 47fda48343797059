"""A GST note as the e-invoice JSON of the published schema (INV-01 v1.1): a CRN (or DBN)
with its preceding invoices, HSN lines, taxable values and the IGST or CGST+SGST split."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from schemeops.erp.notes import TaxNote
from schemeops.erp.settings import Seller

VERSION = "1.1"
#: Longest preceding-invoice list a note carries (the rest of the period's invoices are
#: named by the period, DocPerdDtls).
MAX_INVOICES = 100
_QUOTES = re.compile(r'["\x00-\x1f]')


def einvoice(note: TaxNote, seller: Seller) -> dict:
    """The e-invoice document of a GST note."""
    r, buyer = note.note, note.recipient
    assert note.gst and buyer is not None, "only a GST note has an e-invoice"
    items = []
    for n, line in enumerate(note.lines, 1):
        heads = ({"IgstAmt": line.igst} if note.inter_state
                 else {"CgstAmt": line.cgst, "SgstAmt": line.sgst})
        items.append({"SlNo": str(n), "PrdDesc": _text(f"Scheme {r.program_id} HSN {line.hsn}",
                                                       300),
                      "IsServc": "N", "HsnCd": line.hsn, "Qty": 1, "Unit": "OTH",
                      "UnitPrice": line.taxable, "TotAmt": line.taxable,
                      "AssAmt": line.taxable, "GstRt": line.rate, **heads,
                      "TotItemVal": line.total})
    totals = ({"IgstVal": note.tax("igst")} if note.inter_state
              else {"CgstVal": note.tax("cgst"), "SgstVal": note.tax("sgst")})
    return {
        "Version": VERSION,
        "TranDtls": {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N", "IgstOnIntra": "N"},
        "DocDtls": {"Typ": note.kind, "No": note.number, "Dt": _date(r.date)},
        "SellerDtls": {"Gstin": seller.gstin, "LglNm": seller.legal_name,
                       "Addr1": seller.address1, "Loc": seller.location, "Pin": seller.pincode,
                       "Stcd": seller.state_code},
        "BuyerDtls": {"Gstin": buyer.gstin, "LglNm": buyer.legal_name,
                      "Pos": buyer.state_code, "Addr1": buyer.address1, "Loc": buyer.location,
                      "Pin": int(buyer.pincode), "Stcd": buyer.state_code},
        "ItemList": items,
        "ValDtls": {"AssVal": note.taxable, **totals, "TotInvVal": note.total},
        "RefDtls": {
            "InvRm": _text(f"Scheme {r.program_id} {r.period_start} to {r.period_end} "
                           f"ref {r.reference}", 100),
            "DocPerdDtls": {"InvStDt": _date(r.period_start), "InvEndDt": _date(r.period_end)},
            "PrecDocDtls": [{"InvNo": i.number, "InvDt": _date(i.date)}
                            for i in note.invoices[:MAX_INVOICES]],
        },
    }


def dumps(document: object) -> str:
    """JSON text with every Decimal written as the exact number it is (never a float)."""
    if isinstance(document, Decimal):
        return f"{document:f}"
    if isinstance(document, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in document.items()) + "}"
    if isinstance(document, list | tuple):
        return "[" + ",".join(dumps(v) for v in document) + "]"
    return json.dumps(document, ensure_ascii=False)


def _date(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _text(value: str, limit: int) -> str:
    """Text the schema accepts: no double quote or control character, at most `limit`."""
    return _QUOTES.sub("'", value)[:limit]
