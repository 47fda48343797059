"""Settings, recipients and recorded notes shared by the ERP export tests: a seller in
Karnataka (29), one distributor in Maharashtra (27, inter-state) and one in Karnataka
(intra-state)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from schemeops.erp.notes import Recorded

SETTINGS = """
[seller]
gstin = "29AABCS1234F1Z5"
legal_name = "Sunrise Foods Private Limited"
address1 = "12 Industrial Area"
location = "Bengaluru"
pincode = 560058
state_code = "29"

[programs."PRG-GST"]
credit_note = "gst"
benefit = "price_discount"

[programs."PRG-CASH"]
credit_note = "financial"
benefit = "incentive"

[programs."PRG-GIFT"]
credit_note = "financial"
benefit = "free_goods"

[hsn.by_category]
biscuits = "1905"
snacks = "2106"

# biscuits went from 18% to 5% on 22 Sep 2025; the note of July 2026 takes 5%
[[gst_rates]]
hsn = "1905"
rate = "18"
from = "2017-07-01"

[[gst_rates]]
hsn = "1905"
rate = "5"
from = "2025-09-22"

[[gst_rates]]
hsn = "2106"
rate = "18"
from = "2017-07-01"
"""

RECIPIENTS = """participant_id,gstin,legal_name,address1,location,pincode,state_code,pan
D001,27AAACM5678K1Z2,Mumbai Traders LLP,4 Dock Road,Mumbai,400009,27,AAACM5678K
D002,29AAACB4321L1Z7,Bangalore Distributors,7 MG Road,Bengaluru,560001,29,AAACB4321L
"""


def recorded(amount: str, *, participant: str = "D001", program: str = "PRG-GST",
             payout_id: int = 42, date: dt.date = dt.date(2026, 7, 31),
             name: str = "Mumbai Traders") -> Recorded:
    """A recorded note for June 2026, exported on `date`."""
    return Recorded(reference=f"SO-7-{program}-{participant}-2026-06-01", payout_id=payout_id,
                    participant_id=participant, participant_name=name, program_id=program,
                    period_start=dt.date(2026, 6, 1), period_end=dt.date(2026, 6, 30),
                    amount=Decimal(amount), date=date)
