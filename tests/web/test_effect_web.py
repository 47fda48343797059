"""The effectiveness pages: Estimate effect (CSRF, runs.start) stores an estimate and the page
shows its stored figures, charts titled in words, the dependency table; a version not yet
live cannot be estimated (the button says why); the ranking and its CSV."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, update
from webkit import World, example

from schemeops.effect.report import baseline_span, period_methods
from schemeops.effect.run import run_effect
from schemeops.service import effects, programs
from schemeops.service.context import Actor, App
from schemeops.store.effect_models import EffectExclusion, EffectPart
from schemeops.store.models import Program, User


def _shown(value, places: int = 2) -> str:
    """A stored decimal as the page rounds it: half-up (Python's format rounds half-even, so
    14.405 would read 14.40 where the page rightly shows 14.41)."""
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{q:,}"


def _estimate(b, version: int):  # type: ignore[no-untyped-def]
    b.get(f"/versions/{version}/effect")
    return b.post(f"/versions/{version}/effect")


def test_estimate_then_the_page_shows_the_stored_figures(as_user, app: App, world: World):
    b = as_user("designer")
    before = b.get(f"/versions/{world.live_version}/effect").text
    assert 'id="no-estimate"' in before and "Estimate effect" in before
    assert "data-figure" not in before
    r = _estimate(b, world.live_version)
    assert r.status_code == 303
    assert r.headers["location"] == f"/versions/{world.live_version}/effect?done=effect_estimated"
    page = b.get(r.headers["location"]).text
    assert "Effect estimated on the warehouse" in page
    with app.sessions.begin() as s:
        designer = Actor.of(s.query(User).filter_by(username="designer").one())
        view = effects.version_effect(s, designer, world.live_version)
        last = view.program_rows[-1]
        tiles = page[page.index('id="effect-tiles"'):page.index("</section>")]
        assert _shown(last.roi) in tiles and _shown(last.incremental_value) in tiles
        assert _shown(last.cost_per_incremental_unit) in tiles
        assert f"{_shown(last.roi_low)} to {_shown(last.roi_high)}" in tiles
        word = {"worth_it": "worth it", "not_worth_it": "not worth it",
                "inconclusive": "inconclusive"}[last.verdict]
        assert f">{word}</span>" in tiles
        assert f"{_shown(last.paying_for_baseline_share * 100, 1)}%" in tiles
        assert view.estimate.data_fingerprint in page
        dependency = page[page.index('id="dependency"'):]
        assert len(re.findall(r"<tr><td>D\d{5}", dependency)) == len(view.dependency) > 0
    figures = [json.loads(html.unescape(f)) for f in re.findall(r'data-figure="([^"]+)"', page)]
    assert [f["layout"]["title"]["text"] for f in figures] == [
        "Sales of the scheme's products: actual against the baseline",
        "What the scheme caused against what it paid on"]
    for f in figures:
        assert f["layout"]["showlegend"] and all(d["name"] for d in f["data"])
        assert f["layout"]["xaxis"]["title"]["text"] and f["layout"]["yaxis"]["title"]["text"]
    assert figures[0]["data"][1]["y"] == [float(last.actual_value)]
    assert "/vendor/plotly.min.js" in page


def test_a_version_not_live_cannot_be_estimated(as_user, world: World):
    b = as_user("approver")
    page = b.get(f"/versions/{world.version}/effect").text
    assert re.search(r'<button type="submit" id="estimate" disabled', page)
    assert "Only a live or closed version" in page
    r = b.post(f"/versions/{world.version}/effect")
    assert r.status_code == 409
    assert b.post(f"/versions/{world.live_version}/effect", csrf=False).status_code == 403


def test_the_ranking_and_its_csv(as_user, app: App, world: World):
    b = as_user("approver")
    assert 'id="no-ranking"' in b.get("/effect").text
    _estimate(b, world.live_version)
    with app.sessions.begin() as s:  # a name typed by someone, as a formula
        s.execute(update(Program).where(Program.id == world.live_program)
                  .values(name="=HYPERLINK(\"http://x\")"))
    page = b.get("/effect").text
    assert f'href="/versions/{world.live_version}/effect"' in page
    assert "=HYPERLINK(&#34;http://x&#34;)" in page  # escaped for HTML
    r = b.get("/effect.csv")
    assert r.headers["content-disposition"] == 'attachment; filename="effect-ranking.csv"'
    [row] = list(csv.DictReader(io.StringIO(r.text)))
    assert row["name"] == "'=HYPERLINK(\"http://x\")" and row["rank"] == "1"
    assert row["program_id"] == world.live_program and row["roi"]
    audit = b.get("/audit").text
    assert "estimated the effect of" in audit


def test_a_recurring_program_is_shown_over_time_and_ranked_by_its_latest_period(
        as_user, app: App, world: World):
    """ytd_gated_monthly has three monthly periods (August to October): the charts have a
    bar per period, the table a row per period, and the ranking reads October's row."""
    with app.sessions.begin() as s:
        who = {u.username: Actor.of(u) for u in s.query(User)}
        v = programs.create_draft(s, who["designer"], example("ytd_gated_monthly"))
        programs.submit(s, who["designer"], v.id)
        programs.decide(s, who["approver"], v.id, approve=True, comment="fine")
        programs.go_live(s, who["approver"], v.id)
        monthly = v.id
    b = as_user("approver")
    _estimate(b, monthly)
    _estimate(b, world.live_version)
    page = b.get(f"/versions/{monthly}/effect").text
    figures = [json.loads(html.unescape(f)) for f in re.findall(r'data-figure="([^"]+)"', page)]
    periods = ["from 2026-08-01", "from 2026-09-01", "from 2026-10-01"]
    assert all(d["x"] == periods for f in figures for d in f["data"])
    start = page.index('id="effect-periods"')
    table = page[start:page.index("</table>", start)]
    assert re.findall(r"<tr><td>(2026-\d\d-01)</td>", table) == [
        "2026-08-01", "2026-09-01", "2026-10-01"]
    with app.sessions.begin() as s:
        ranked = effects.ranking(s, who["approver"])
        rois = {r.program_id: r.row.roi for r in ranked}
        assert {r.program_id: r.row.period_start.isoformat() for r in ranked}[
            "ytd_gated_monthly"] == "2026-10-01"
    order = [r["program_id"] for r in csv.DictReader(io.StringIO(b.get("/effect.csv").text))]
    assert order == sorted(rois, key=lambda p: -rois[p]) and len(order) == 2


def test_how_each_period_was_measured_is_shown_bounded_and_escaped(as_user, app: App,
                                                                  world: World, tmp_path):
    """The page says the baseline's span the estimate chose and, per period, the side parts
    counted and the sellers left out for a sales jump, as stored with the estimate: what the
    estimator says on the same data. Stored rows then stand in for more jumps
    (tests/effect/test_sales_jumps.py measures real ones): a seller id is data from a loaded
    file, so one carries markup, and 25 controls are listed as the first 20 and how many
    more."""
    b = as_user("approver")
    _estimate(b, world.live_version)
    with app.sessions.begin() as s:
        approver = Actor.of(s.query(User).filter_by(username="approver").one())
        view = effects.version_effect(s, approver, world.live_version)
        est, period = view.estimate, view.program_rows[-1].period_start
        assert est.baseline_span in ("1", "2", "3", "all")
        yaml = programs.get_version(s, world.live_version).yaml
        stored_parts, stored_controls = view.notes[period].parts, view.notes[period].controls
    program = tmp_path / "program.yaml"
    program.write_text(yaml, encoding="utf-8")
    measured = run_effect(program, warehouse=app.warehouse, backend=app.backend,
                          resamples=effects.RESAMPLES, seed=effects.SEED)
    assert est.baseline_span == baseline_span(measured)
    assert {m.period_start: (list(m.parts_counted), list(m.jumped_participants),
                             list(m.jumped_controls)) for m in period_methods(measured)} == {
        p: (n.parts, n.participants, n.controls) for p, n in view.notes.items()}
    with app.sessions.begin() as s:
        s.execute(insert(EffectExclusion), [
            {"estimate_id": est.id, "period_start": period, "seller_id": seller, "side": side}
            for seller, side in [("<b>D9</b>", "participant")]
            + [(f"C{i:03d}", "control") for i in range(25)]])
        if not stored_parts:
            s.execute(insert(EffectPart), [{"estimate_id": est.id, "period_start": period,
                                            "part": "dip"}])
    page = b.get(f"/versions/{world.live_version}/effect").text
    start = page.index('id="baseline-span"')
    span = page[start:page.index("</p>", start)]
    assert ("of every month of data" in span) == (est.baseline_span == "all")
    start = page.index('id="effect-method"')
    table = page[start:page.index("</table>", start)]
    row = table[table.index(f"<td>{period}</td>"):]
    row = row[:row.index("</tr>")]
    assert "<b>D9</b>" not in page and "&lt;b&gt;D9&lt;/b&gt;" in row
    controls = sorted(stored_controls + [f"C{i:03d}" for i in range(25)])
    assert ", ".join(controls[:20]) in row and controls[20] not in row
    assert f"and {len(controls) - 20} more" in row
    assert (", ".join(stored_parts) if stored_parts else "dip") in row
