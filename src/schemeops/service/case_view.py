"""What a reviewer sees of a case, read from the warehouse: its evidence lines, the outlets
on a map (the participant's outlets, the flagged ones marked), and the participant's sales
per day of the case's month with the flagged part. Sizes are bounded so a case of any size
renders as one small page."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import ibis

from schemeops.store.models import Case

#: At most this many evidence lines are listed (the rest are counted).
MAX_LINES = 500
#: At most this many of the participant's outlets are drawn besides the flagged ones.
MAX_OUTLETS = 2000
MAP_W, MAP_H, MAP_PAD = 600, 360, 12
DAYS_W, DAYS_H = 600, 160
_KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Line:
    """A sales line named as evidence."""

    invoice_id: str
    line_no: int
    invoice_date: dt.date
    entered_on: dt.date | None
    outlet_id: str
    sku: str
    quantity: Decimal
    net_amount: Decimal
    doc_type: str


@dataclass(frozen=True)
class Outlet:
    """An outlet drawn on the map at (x, y) of the SVG; `flagged` when it is evidence."""

    outlet_id: str
    name: str
    phone: str | None
    tax_id: str | None
    city: str | None
    x: float
    y: float
    flagged: bool


@dataclass(frozen=True)
class OutletMap:
    """The outlets in an equirectangular projection scaled to MAP_W × MAP_H, and the span
    of the drawn area in km (so a cluster within 30 m reads as one dot)."""

    outlets: tuple[Outlet, ...]
    width_km: float
    height_km: float
    more: int

    @property
    def flagged(self) -> tuple[Outlet, ...]:
        return tuple(o for o in self.outlets if o.flagged)


@dataclass(frozen=True)
class Day:
    """One day's sales of the participant: bars in SVG units (y grows downward)."""

    day: dt.date
    sold: Decimal
    flagged: Decimal
    x: float
    width: float
    y: float
    height: float
    flag_y: float
    flag_height: float


@dataclass(frozen=True)
class DayHistogram:
    """The participant's net sales per day of the case's month, flagged part marked."""

    days: tuple[Day, ...]
    top: Decimal

    @property
    def total(self) -> Decimal:
        return sum((d.sold for d in self.days), Decimal(0))

    @property
    def flagged(self) -> Decimal:
        return sum((d.flagged for d in self.days), Decimal(0))


@dataclass(frozen=True)
class CaseView:
    """The warehouse side of a case page."""

    lines: tuple[Line, ...]
    line_count: int
    outlet_map: OutletMap | None
    days: DayHistogram | None


def case_view(warehouse: Path, case: Case) -> CaseView:
    """Read the case's evidence and context from the read-only warehouse (Ibis queries)."""
    pairs = sorted({(e.invoice_id, e.line_no) for e in case.evidence
                    if e.table == "sales" and e.invoice_id and e.line_no is not None})
    flagged_outlets = {e.outlet_id for e in case.evidence if e.outlet_id}
    con = ibis.duckdb.connect(str(warehouse), read_only=True)
    try:
        lines = _lines(con, pairs[:MAX_LINES])
        flagged_outlets |= {ln.outlet_id for ln in lines}
        outlet_map = _map(con, case.participant_id, flagged_outlets)
        days = _days(con, case, lines)
    finally:
        con.disconnect()
    return CaseView(lines, len(pairs), outlet_map, days)


def _lines(con: ibis.BaseBackend, pairs: Sequence[tuple[str, int]]) -> tuple[Line, ...]:
    if not pairs:
        return ()
    sales = con.table("sales")
    wanted = ibis.memtable({"invoice_id": [p[0] for p in pairs],
                            "line_no": [p[1] for p in pairs]})
    cols = ["invoice_id", "line_no", "invoice_date", "outlet_id", "sku", "quantity",
            "net_amount", "doc_type"]
    entered = sales.entered_on if "entered_on" in sales.columns else ibis.null("date")
    q = (sales.semi_join(wanted, ["invoice_id", "line_no"])
         .select(*cols, entered_on=entered).order_by(["invoice_date", "invoice_id", "line_no"]))
    return tuple(Line(**r) for r in q.to_pyarrow().to_pylist())


def _map(con: ibis.BaseBackend, participant_id: str, flagged: set[str]) -> OutletMap | None:
    outlets = con.table("outlets")
    located = outlets.latitude.notnull() & outlets.longitude.notnull()
    cols = ["outlet_id", "name", "phone", "tax_id", "city", "latitude", "longitude"]
    marked = (outlets.filter(outlets.outlet_id.isin(sorted(flagged)), located).select(*cols)
              .to_pyarrow().to_pylist()) if flagged else []
    own = outlets.filter(outlets.distributor_id == participant_id, located,
                         ~outlets.outlet_id.isin(sorted(flagged) or [""]))
    more = max(own.count().to_pyarrow().as_py() - MAX_OUTLETS, 0)
    rest = own.select(*cols).order_by("outlet_id").limit(MAX_OUTLETS).to_pyarrow().to_pylist()
    rows = [(r, True) for r in marked] + [(r, False) for r in rest]
    if not marked:
        return None
    lats = [r["latitude"] for r, _ in rows]
    lons = [r["longitude"] for r, _ in rows]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width_deg = max((max(lons) - min(lons)) * scale_x, 1e-6)
    height_deg = max(max(lats) - min(lats), 1e-6)
    unit = min((MAP_W - 2 * MAP_PAD) / width_deg, (MAP_H - 2 * MAP_PAD) / height_deg)

    def at(r: dict) -> tuple[float, float]:
        return (round(MAP_PAD + (r["longitude"] - min(lons)) * scale_x * unit, 1),
                round(MAP_H - MAP_PAD - (r["latitude"] - min(lats)) * unit, 1))

    drawn = tuple(Outlet(r["outlet_id"], r["name"], r["phone"], r["tax_id"], r["city"],
                         *at(r), flag) for r, flag in rows)
    return OutletMap(drawn, round(width_deg * _KM_PER_DEGREE, 3),
                     round(height_deg * _KM_PER_DEGREE, 3), more)


def _days(con: ibis.BaseBackend, case: Case, lines: Sequence[Line]) -> DayHistogram | None:
    sales = con.table("sales")
    q = (sales.filter(sales.distributor_id == case.participant_id,
                      sales.invoice_date.between(case.period_start, case.period_end))
         .group_by("invoice_date").agg(sold=sales.net_amount.sum()))
    sold = {r["invoice_date"]: r["sold"] for r in q.to_pyarrow().to_pylist()}
    if not sold:
        return None
    flagged: dict[dt.date, Decimal] = {}
    for ln in lines:  # at most MAX_LINES evidence lines
        if case.period_start <= ln.invoice_date <= case.period_end:
            flagged[ln.invoice_date] = flagged.get(ln.invoice_date, Decimal(0)) + ln.net_amount
    n = (case.period_end - case.period_start).days + 1
    top = max([abs(v) for v in sold.values()] + [abs(v) for v in flagged.values()])
    top = top or Decimal(1)
    width = DAYS_W / n

    def bar(value: Decimal) -> tuple[float, float]:
        """A bar's top and height; a day whose returns exceed its bills draws none."""
        h = float(max(value, Decimal(0)) / top) * (DAYS_H - 4)
        return round(DAYS_H - h, 1), round(h, 1)

    days = []
    for i in range(n):  # the days of one month, not rows
        day = case.period_start + dt.timedelta(days=i)
        v, f = sold.get(day, Decimal(0)), flagged.get(day, Decimal(0))
        y, h = bar(v)
        fy, fh = bar(f)
        days.append(Day(day, v, f, round(i * width + 1, 1), round(max(width - 2, 1), 1),
                        y, h, fy, fh))
    return DayHistogram(tuple(days), top)
