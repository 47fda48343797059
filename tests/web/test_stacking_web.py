"""The stacking page of a version, without a browser: its two tables are the service's rows,
highest discount first, rounded half-up as the page says."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from guard_programs import discount_program
from schemeops.guards.views import GroupRow
from schemeops.service import guards, programs
from schemeops.service.context import Actor, App
from schemeops.store.models import User


def _actors(app: App) -> dict[str, Actor]:
    with app.sessions.begin() as s:
        return {u.username: Actor.of(u) for u in s.query(User)}


def _half_up(d: Decimal, places: int = 2) -> str:
    return f"{d.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"


def _cells(r: GroupRow) -> list[str]:
    assert r.top_discount is not None and r.low_ratio is not None
    return [r.key or "—", f"{r.lines:,}", f"{r.stacked:,}", _half_up(r.top_discount * 100) + "%",
            f"{r.at_warn:,}", f"{r.at_block:,}", _half_up(r.low_ratio), f"{r.below_floor:,}"]


def _table(page: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body is not None
    return [[re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def test_the_page_shows_both_tables_stacked_with_the_live_program(app: App, as_user):
    # a (10% of every line) is live; b (15% of every line) is submitted: every line b
    # feeds is fed by both, 1 − 0.9 × 0.85 = 23.50% off at most
    who = _actors(app)
    with app.sessions.begin() as s:
        a = programs.create_draft(s, who["designer"], discount_program("a", "0.10"))
        programs.submit(s, who["designer"], a.id)
        programs.decide(s, who["approver"], a.id, approve=True)
        programs.go_live(s, who["approver"], a.id)
        b = programs.create_draft(s, who["designer"], discount_program("b", "0.15"))
        programs.submit(s, who["designer"], b.id)
    with app.sessions.begin() as s:
        report = guards.stacking(s, app, programs.get_version(s, b.id))
    assert report.problem == "" and report.beside == ["a v1"] and report.views is not None
    by_sku, by_region = report.views.by_sku, report.views.by_region
    assert by_sku and by_region
    assert {r.top_discount for r in by_sku + by_region} == {Decimal("0.235")}
    assert all(r.stacked == r.lines for r in by_sku + by_region)
    assert sum(r.lines for r in by_sku) == sum(r.lines for r in by_region)
    page = as_user("approver").get(f"/versions/{b.id}/stacking").text
    assert "beside a v1" in page
    assert _table(page, "by-sku") == [_cells(r) for r in by_sku]
    assert _table(page, "by-region") == [_cells(r) for r in by_region]
    assert "23.50%" in page
    assert f'href="/versions/{b.id}/stacking"' in as_user("approver").get(
        f"/versions/{b.id}").text
