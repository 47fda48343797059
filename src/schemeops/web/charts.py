"""Plotly figures (plain dicts for Plotly.newPlot) for the run page and the dashboards; the
numbers are drawn as floats, shown exact in the tables beside them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import plotly

from schemeops.service.dashboards import Dashboard

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def inline_style_ids(js: Path = PLOTLY_JS) -> tuple[str, ...]:
    """The ids of the stylesheets plotly.min.js injects as inline <style> when loaded, unless
    an element with that id is already there (its map library's CSS; no chart here draws a
    map). Pages with charts carry an empty element with each, so nothing is injected that
    the Content-Security-Policy would refuse (Plotly's own rules are in static/charts.css)."""
    text = js.read_text(encoding="utf-8", errors="replace")
    return tuple(dict.fromkeys(re.findall(
        r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)',
        text)))

_LAYOUT = {"margin": {"l": 50, "r": 10, "t": 40, "b": 50}, "height": 320,
           "legend": {"orientation": "h"}, "font": {"size": 12}}


def _figure(title: str, data: list[dict], **layout: object) -> dict:
    return {"data": data, "layout": {**_LAYOUT, "title": {"text": title}, **layout}}


def histogram(amounts: dict[str, list[Decimal]]) -> dict | None:
    """The payout distribution of each program of a run, overlaid."""
    if not amounts:
        return None
    data = [{"type": "histogram", "name": program, "x": [float(a) for a in values],
             "opacity": 0.7, "nbinsx": 30} for program, values in amounts.items()]
    return _figure("Payout per participant", data, barmode="overlay",
                   xaxis={"title": {"text": "payout"}},
                   yaxis={"title": {"text": "participants"}})


def _attainment(rows: list[dict], by: str) -> list[dict]:
    figures = []
    keys = sorted({(r["program_id"], r["kpi"]) for r in rows if r["by"] == by})
    for program_id, kpi in keys:
        mine = [r for r in rows if r["by"] == by and (r["program_id"], r["kpi"]) ==
                (program_id, kpi)]
        groups = [r["group"] for r in mine]
        data = [{"type": "bar", "name": "target", "x": groups,
                 "y": [float(r["target"] or 0) for r in mine]},
                {"type": "bar", "name": "actual", "x": groups,
                 "y": [float(r["actual"]) for r in mine]}]
        figures.append(_figure(f"{program_id} · {kpi} by {by}", data, barmode="group"))
    return figures


def dashboard(d: Dashboard) -> dict[str, list[dict]]:
    """Target vs actual by region and by tier, payouts against budget, cost % of sales."""
    budget = [b for b in d.budget if b["budget"] is not None]
    labels = [f"{b['program_id']} {b['period_start']}" for b in budget]
    cost = [rv for rv in d.cost if rv.sales]
    return {
        "region": _attainment(d.attainment, "region"),
        "tier": _attainment(d.attainment, "tier"),
        "budget": [_figure("Payouts against budget", [
            {"type": "bar", "name": "budget", "x": labels,
             "y": [float(b["budget"]) for b in budget]},
            {"type": "bar", "name": "payout", "x": labels,
             "y": [float(b["payout"]) for b in budget]}], barmode="group")] if budget else [],
        "cost": [_figure("Cost as % of sales", [
            {"type": "bar", "x": [rv.program_id for rv in cost],
             "y": [float(rv.payout / rv.sales * 100) for rv in cost]}],
            yaxis={"title": {"text": "% of sales"}})] if cost else [],
    }
