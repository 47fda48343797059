"""Each detector on a small hand-made warehouse: a case it must flag and a near miss."""

from __future__ import annotations

import datetime as dt

from schemeops.detect.dummy_outlets import dummy_outlets
from schemeops.detect.month_end_stuffing import month_end_stuffing
from schemeops.detect.months import months_table
from schemeops.detect.sales_jump import sales_jump
from schemeops.detect.territory_violations import territory_violations
from schemeops.detect.token_invoices import token_invoices

MONTHS = ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
SELLERS = {"D1": "O1", "D2": "O5", "D3": "O7"}


def _steady(wh, *, skip=(), scale=None, tail=None):
    """Each seller: invoices of 500 on days 5, 10, 15 of every month and one of 500 on the
    28th (in the last 3 days of a 30-day month only for April, June); `scale` multiplies a
    (seller, month)'s invoices, `skip` leaves a (seller, month) out."""
    scale, n = scale or {}, 0
    for d, o in SELLERS.items():
        for m in MONTHS:
            if (d, m) in skip:
                continue
            f = scale.get((d, m), 1)
            for day in ("05", "10", "15", "28"):
                n += 1
                amount = 500 * f + (n % 7) * 3  # a little noise
                wh.sale(f"I{n}", f"{m}-{day}", d, o, "A1", "50", f"{amount}.00")
    return wh


def _flagged(det, con):
    t = con.to_pyarrow(det.findings).to_pylist()
    return {(r["participant_id"], r["period_start"]) for r in t}


def _run(wh, fn):
    data = wh.data()
    con = data.sales.get_backend()
    months = months_table(dt.date(2026, 2, 1), dt.date(2026, 7, 31))
    return _flagged(fn(data, months), con), con, fn(data, months)


def test_sales_jump_flags_a_fourfold_month(wh):
    # D1's June invoices are 4× its usual (2,000 instead of 500): its value per line is
    # ln 4 ≈ 1.39 above its median month, peers flat, MAD floored at 0.05 → modified z ≈
    # 0.6745 × 1.39 / 0.05 ≫ 3.5; the month's total is 4× (≥ 1.2×) its median.
    _steady(wh, scale={("D1", "2026-06"): 4})
    flagged, _, _ = _run(wh, sales_jump)
    assert flagged == {("D1", dt.date(2026, 6, 1))}


def test_sales_jump_ignores_a_festival_month_everyone_shares(wh):
    # Every seller's June is 4× (a festival): the peers' median deviation takes it out.
    _steady(wh, scale={(d, "2026-06"): 4 for d in SELLERS})
    flagged, _, _ = _run(wh, sales_jump)
    assert flagged == set()


def test_sales_jump_ignores_growth_through_more_bills(wh):
    # D1's June has three times the bills (new outlets O2, O3 billed like O1): the month is
    # 3× its median but its value per line is its usual 500: growth, not inflated bills.
    _steady(wh)
    for i, o in enumerate(("O2", "O3") * 4):
        wh.sale(f"G{i}", f"2026-06-{5 + 2 * i:02d}", "D1", o, "A1", "50", "500.00")
    flagged, _, _ = _run(wh, sales_jump)
    assert flagged == set()


def _stuff(wh, amount, returned):
    wh.sale("STUFF", "2026-06-29", "D1", "O2", "A1", "400", f"{amount}.00")
    if returned:
        wh.ret("RSTUFF", "2026-07-03", "D1", "O2", "A1", "-300", f"-{returned}.00",
               ref="STUFF")
    return wh


def test_month_end_stuffing_flags_a_large_returned_month_end_bill(wh):
    # D1, 29 June: one bill of 5,000 (10× the month's usual 500), 4,000 back on 3 July.
    # Returned share of the last days ≈ 4,000 / 5,500 = 0.73 (/0.15 ≈ 4.8 alone ≥ 2).
    _stuff(_steady(wh), 5000, 4000)
    flagged, con, det = _run(wh, month_end_stuffing)
    assert flagged == {("D1", dt.date(2026, 6, 1))}
    ev = con.to_pyarrow(det.evidence).to_pylist()
    assert {r["invoice_id"] for r in ev} == {"STUFF", "RSTUFF"}


def test_month_end_stuffing_ignores_a_modest_push_that_stays_sold(wh):
    # The same day, 800 (1.6× usual) and nothing returned: size ln 1.6 / ln 2 ≈ 0.68, the
    # share's z below 3.5: the sum stays under 2.
    _stuff(_steady(wh), 800, 0)
    flagged, _, _ = _run(wh, month_end_stuffing)
    assert flagged == set()


def _new_outlets(wh, ids, *, phones, coords):
    for oid, phone, (lat, lon) in zip(ids, phones, coords, strict=True):
        wh.rows["outlets"].append({
            "outlet_id": oid, "name": "Sharma Stores", "distributor_id": "D1",
            "outlet_type": "grocery", "phone": phone, "latitude": lat, "longitude": lon,
            "created_on": dt.date(2026, 6, 29)})
        wh.sale(f"B{oid}", "2026-06-30", "D1", oid, "A1", "10", "100.00")
    return wh


def test_dummy_outlets_flags_new_outlets_sharing_a_phone(wh):
    # Three outlets of D1 created 29 June with one phone, billed once on 30 June, never
    # again though July exists. Each: 1 (phone) + 0.5 (same name) + 0.5 (last 3 days) + 1
    # (one bill) + 1 (gone) = 4; 3 outlets = 12 ≥ 6.
    ids = ["N1", "N2", "N3"]
    _new_outlets(_steady(wh), ids, phones=["9000000001"] * 3,
                 coords=[(19.0, 72.8), (19.1, 72.9), (19.2, 73.0)])
    flagged, con, det = _run(wh, dummy_outlets)
    assert flagged == {("D1", dt.date(2026, 6, 1))}
    ev = con.to_pyarrow(det.evidence).to_pylist()
    assert {r["outlet_id"] for r in ev if r["table"] == "outlets"} == set(ids)


def test_dummy_outlets_flags_outlets_within_30_metres(wh):
    # 0.0001° of latitude apart (≈ 11 m): linked by location alone.
    _new_outlets(_steady(wh), ["N1", "N2", "N3"], phones=["1", "2", "3"],
                 coords=[(19.0, 72.8), (19.0001, 72.8), (19.0002, 72.8)])
    flagged, _, _ = _run(wh, dummy_outlets)
    assert flagged == {("D1", dt.date(2026, 6, 1))}


def test_dummy_outlets_ignores_new_outlets_that_only_share_a_common_name(wh):
    # A new town's shops opened at month end: same common name, distinct phones, 40 m+
    # apart (0.0004° ≈ 44 m): no phone, tax id or location link, nothing flagged.
    _new_outlets(_steady(wh), ["N1", "N2", "N3"], phones=["1", "2", "3"],
                 coords=[(19.0, 72.8), (19.0004, 72.8), (19.0008, 72.8)])
    flagged, _, _ = _run(wh, dummy_outlets)
    assert flagged == set()


def test_token_invoices_flags_many_tiny_bills_to_one_outlet_in_a_day(wh):
    # D1's usual bill is ≈ 500; on 12 June six bills of 20 (4% of it) to O3: 6 tiny bills
    # on 1 day ≥ 4 and ≥ 2 a day → score 6 / 4 = 1.5.
    _steady(wh)
    for i in range(6):
        wh.sale(f"T{i}", "2026-06-12", "D1", "O3", "A1", "1", "20.00")
    flagged, _, _ = _run(wh, token_invoices)
    assert flagged == {("D1", dt.date(2026, 6, 1))}


def test_token_invoices_ignores_small_bills_spread_over_the_month(wh):
    # Six bills of 20 to O3 on six different days: 1 a day, below 2.
    _steady(wh)
    for i in range(6):
        wh.sale(f"T{i}", f"2026-06-{10 + i}", "D1", "O3", "A1", "1", "20.00")
    flagged, _, _ = _run(wh, token_invoices)
    assert flagged == set()


def _territory(wh, lat, lon, city):
    for o in wh.rows["outlets"]:  # established outlets: D1, D2 in Pune (West), D3 in Delhi
        west = o["distributor_id"] != "D3"
        o.update(city="Pune" if west else "Delhi", latitude=18.5 if west else 28.6,
                 longitude=73.8 if west else 77.2)
    for p in wh.rows["participants"]:
        p["region"] = "North" if p["participant_id"] == "D3" else "West"
    wh.rows["outlets"].append({"outlet_id": "F1", "name": "F1", "distributor_id": "D1",
                               "outlet_type": "grocery", "city": city, "latitude": lat,
                               "longitude": lon, "created_on": dt.date(2026, 6, 3)})
    wh.sale("FB1", "2026-06-05", "D1", "F1", "A1", "50", "500.00")
    return _steady(wh)


def test_territory_violations_flags_an_outlet_opened_in_another_regions_city(wh):
    # F1 of D1 (West, Pune) opens in Delhi, ≈ 1,180 km away, a city of the North's sellers.
    flagged, _, _ = _run(_territory(wh, 28.6, 77.2, "Delhi"), territory_violations)
    assert flagged == {("D1", dt.date(2026, 6, 1))}


def test_territory_violations_ignores_a_new_town_near_the_seller(wh):
    # F1 opens in a new town 20 km from Pune (0.18° of latitude): not far, not flagged.
    flagged, _, _ = _run(_territory(wh, 18.68, 73.8, "Newtown"), territory_violations)
    assert flagged == set()


def test_month_end_stuffing_ignores_one_ordinary_return_of_a_small_seller(wh):
    # D1's June: its 28 June bill (500) comes back almost whole on 2 July: the returned
    # share of its last days is high, but 480 is one bill's worth, not the ≥ 5 usual bills
    # that stuffed goods send back.
    _steady(wh)
    wh.ret("R28", "2026-07-02", "D1", "O1", "A1", "-48", "-480.00", ref="I16")
    flagged, _, _ = _run(wh, month_end_stuffing)
    assert flagged == set()


def test_territory_a_city_with_no_established_outlet_takes_its_nearest_citys_region(wh):
    # F1 of D1 (West, Pune) opens in Nashik, ≈ 170 km out, where no seller has an
    # established outlet: Nashik takes the region of the nearest city that has one (Pune,
    # West), so F1 is no violation (before: a city of no region counted as another's).
    flagged, _, _ = _run(_territory(wh, 20.0, 73.8, "Nashik"), territory_violations)
    assert flagged == set()
