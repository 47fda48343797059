"""The late-rows golden case's data: a network of two reps over three distributors, a
monthly program with a 30-day returns window, June's invoices and July's lines with a
return of a June invoice; loaded through `load`, which keeps the history state."""

from __future__ import annotations

from pathlib import Path

from schemeops.ingest import load

PROGRAM = """id: june_july
name: June and July, returns within 30 days count back
period:
  start: 2026-06-01
  end: 2026-06-30
  recurrence: {every_months: 1, count: 2}
participants:
  roles: [distributor, sales_rep]
kpis:
  - {id: sales, kind: volume}
components:
  - id: bonus
    kpi: sales
    on: actual
    slabs:
      - {from: 0, rate: 0.02}
returns: {until_days: 30}
allow_clawback: true
"""

MASTER = {
    "participants.csv": """\
participant_id,name,role,parent_id,region,area,tier,channel,city,joined_on,left_on
R1,Rep One,sales_rep,,North,N1,,,Delhi,2021-01-01,
R2,Rep Two,sales_rep,,North,N1,,,Agra,2021-01-01,
D1,Dist One,distributor,R1,North,N1,gold,general_trade,Delhi,2022-01-01,
D2,Dist Two,distributor,R1,North,N1,gold,general_trade,Delhi,2022-01-01,
D3,Dist Three,distributor,R2,North,N1,gold,general_trade,Agra,2022-01-01,
""",
    "outlets.csv": """\
outlet_id,name,distributor_id,outlet_type,city,postal_code,phone,tax_id,latitude,longitude,created_on
O1,Shop One,D1,grocery,Delhi,110001,,,28.61,77.21,2023-01-01
O2,Shop Two,D2,grocery,Delhi,110001,,,28.61,77.21,2023-01-01
O3,Shop Three,D3,grocery,Agra,282001,,,27.18,78.01,2023-01-01
""",
    "products.csv": """\
sku,name,brand,category,segment,unit_price,unit_cost,launched_on
P1,Soap,Clean,personal_care,core,10.00,6.00,2020-01-01
""",
}
SALES = ("invoice_id,line_no,invoice_date,distributor_id,outlet_id,sku,quantity,net_amount,"
         "doc_type,ref_invoice_id\n")
JUNE = """\
S1,1,2026-06-29,D1,O1,P1,1200,120000.00,invoice,
S2,1,2026-06-28,D2,O2,P1,1100,110000.00,invoice,
S3,1,2026-06-15,D3,O3,P1,900,90000.00,invoice,
"""
JULY = """\
T1,1,2026-07-05,D1,O1,P1,500,50000.00,invoice,
T2,1,2026-07-06,D2,O2,P1,250,25000.00,invoice,
T3,1,2026-07-07,D3,O3,P1,300,30000.00,invoice,
R1,1,2026-07-20,D1,O1,P1,-400,-40000.00,return,S1
"""


def load_files(warehouse: Path, folder: Path, files: dict[str, str]) -> int:
    """Load `files` (name → text) from `folder`; the stale keys the load recorded."""
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    report = load([folder / n for n in files], warehouse=warehouse)
    assert report.ok and report.loaded, report
    return report.stale
