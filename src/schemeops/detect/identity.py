"""Outlet identity links: pairs of outlets of one group (seller × month of creation) that
look like one business: shared phone, shared tax id, coordinates within 30 m, same
normalised name."""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

#: Grid cells for the 30 m search: 0.0003° of latitude ≈ 33 m, 0.0004° of longitude ≥ 30 m
#: up to 41°N. Two outlets within 30 m lie in the same or a neighbouring cell.
LAT_CELL, LON_CELL = 0.0003, 0.0004
NEAR_METRES = 30.0
_EARTH_M_PER_DEG = 111_320.0


def _norm_name(name: ir.StringValue) -> ir.StringValue:
    """Lower case, letters and digits only ('Sharma  Stores.' → 'sharmastores')."""
    return name.lower().re_replace(r"[^a-z0-9]", "")


def _equal_pairs(o: ir.Table, key: ir.StringValue) -> ir.Table:
    """outlet_id, other_id of distinct outlets of one group whose `key` is equal, not empty."""
    a = o.select("outlet_id", k=o.group.concat("|", key)).filter(
        lambda t: t.k.notnull() & (t.k != ""))
    b = a.select(other_id=a.outlet_id, k2=a.k)
    j = a.join(b, a.k == b.k2)
    return j.filter(j.outlet_id != j.other_id).select("outlet_id", "other_id")


def _near_pairs(o: ir.Table) -> ir.Table:
    """outlet_id, other_id of distinct outlets of one group within NEAR_METRES (grid join, then the
    equirectangular distance, exact enough at 30 m)."""
    a = o.filter(o.latitude.notnull() & o.longitude.notnull()).select(
        "outlet_id", "group", "latitude", "longitude",
        cx=(o.latitude / LAT_CELL).floor().cast("int64"),
        cy=(o.longitude / LON_CELL).floor().cast("int64"))
    shifted = ibis.union(*(a.select(other_id=a.outlet_id, g2=a.group, lat2=a.latitude,
                                    lon2=a.longitude,
                                    cx2=a.cx + dx, cy2=a.cy + dy)
                           for dx in (-1, 0, 1) for dy in (-1, 0, 1)), distinct=False)
    j = a.join(shifted, (a.cx == shifted.cx2) & (a.cy == shifted.cy2)
               & (a.group == shifted.g2))
    dy = (j.latitude - j.lat2) * _EARTH_M_PER_DEG
    dx = (j.longitude - j.lon2) * _EARTH_M_PER_DEG * (j.latitude * (math.pi / 180)).cos()
    near = (dx * dx + dy * dy).sqrt() <= NEAR_METRES
    return j.filter(near & (j.outlet_id != j.other_id)).select("outlet_id", "other_id")


def identity_links(outlets: ir.Table, group: ir.StringValue) -> ir.Table:
    """Per outlet with at least one link: outlet_id and `links`, how many of the four
    identity signals (phone, tax id, 30 m, normalised name) tie it to another outlet of the
    same `group` (e.g. seller and month of creation)."""
    o = outlets.mutate(group=group)
    kinds = {
        "phone": _equal_pairs(o, o.phone),
        "tax": _equal_pairs(o, o.tax_id),
        "near": _near_pairs(o),
        "name": _equal_pairs(o, _norm_name(o.name)),
    }
    per = ibis.union(*(p.select("outlet_id", sig=ibis.literal(k)) for k, p in kinds.items()),
                     distinct=True)
    return per.group_by("outlet_id").agg(links=per.sig.nunique(),
                                         phone=(per.sig == "phone").any(),
                                         tax=(per.sig == "tax").any(),
                                         near=(per.sig == "near").any(),
                                         name=(per.sig == "name").any())
