"""territory_violations: new outlets billed far outside the seller's area. The seller's area
is its outlets created before the data's first month: their median location and their
cities. An outlet created since is out of territory when its city is not
among those, it lies beyond `min_km` (a new town 20 km out does not), and its city belongs
to another region (the region of most sellers' established outlets there); the month it
opens in flags the seller (later months' bills to it are the same violation)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis.expr.types as ir

from schemeops.detect.common import line_evidence, monthly_lines, outlet_evidence
from schemeops.detect.finding import FINDING_KEYS, Detection
from schemeops.engine.data import Data

KIND = "territory_violations"
_KM_PER_DEG = 111.32


@dataclass(frozen=True)
class TerritoryThresholds:
    """Defaults documented in docs/detection.md."""

    #: Distance from the seller's median outlet location beyond which an outlet is far.
    min_km: float = 60.0
    #: Far outlets billed in a month that flag (score = count / this).
    min_outlets: int = 1


def territory_violations(data: Data, months: ir.Table,
                         th: TerritoryThresholds = TerritoryThresholds()) -> Detection:
    """Seller-months billing outlets in a city new to the seller and far from its centre."""
    o = data.outlets
    first = months.period_start.min().as_scalar()
    old = o.filter(o.created_on < first)
    centre = old.group_by("distributor_id").agg(clat=old.latitude.median(),
                                                clon=old.longitude.median())
    x = o.join(centre, "distributor_id")
    dy = (x.latitude - x.clat) * _KM_PER_DEG
    dx = (x.longitude - x.clon) * _KM_PER_DEG * (x.clat * (math.pi / 180)).cos()
    x = x.mutate(km=(dx * dx + dy * dy).sqrt())
    cities = old.select("distributor_id", "city").distinct()
    new = x.filter(x.created_on >= first).anti_join(
        cities, ["distributor_id", "city"])
    # A city's region: the region of most sellers' established outlets there.
    p = data.participants.select(distributor_id=data.participants.participant_id,
                                 seller_region=data.participants.region)
    oj = old.join(p, "distributor_id")
    cr = oj.group_by(["city", "seller_region"]).agg(n=oj.count())
    cr = cr.group_by("city").agg(city_region=cr.seller_region.argmax(cr.n))
    # A city no seller had established outlets in takes the region of the nearest city that
    # has one (city centres: the median location of all their outlets).
    at = o.group_by("city").agg(lat=o.latitude.median(), lon=o.longitude.median())
    known = at.join(cr, "city").select(k_lat="lat", k_lon="lon", k_region="city_region")
    unknown = at.anti_join(cr, "city")
    u = unknown.cross_join(known)
    ky = (u.k_lat - u.lat) * _KM_PER_DEG
    kx = (u.k_lon - u.lon) * _KM_PER_DEG * (u.lat * (math.pi / 180)).cos()
    u = u.mutate(d=kx * kx + ky * ky)
    guessed = u.group_by("city").agg(city_region=u.k_region.argmin(u.d))
    cr = cr.union(guessed)
    new = new.join(p, "distributor_id").left_join(cr, "city")
    other_region = new.city_region.isnull() | (new.city_region != new.seller_region)
    far = new.filter((new.km >= th.min_km) & other_region).select(
        "outlet_id", participant_id=new.distributor_id, km=new.km,
        opened=new.created_on.truncate("M").cast("date"))
    lines = monthly_lines(data.sales, months)
    billed = lines.join(far, ["outlet_id", "participant_id"])
    billed = billed.filter(billed.period_start == billed.opened)
    m = billed.group_by(FINDING_KEYS).agg(n=billed.outlet_id.nunique(), km=billed.km.max())
    findings = m.select(*FINDING_KEYS, score=m.n / th.min_outlets)
    ob = billed.select(*FINDING_KEYS, "outlet_id").distinct()
    ev = outlet_evidence(ob).union(line_evidence(billed), distinct=False)
    return Detection(KIND, findings, ev)
