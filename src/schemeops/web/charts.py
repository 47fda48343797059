"""Plotly figures (plain dicts for Plotly.newPlot) for the run page and the dashboards: titled
in words, a legend only where there is more than one series, axis labels given room. The
numbers are drawn as floats, shown exact in the tables beside them. Only bar charts: the
served bundle (plotly.js-basic-dist-min) has no histogram trace, so bins are counted here."""

from __future__ import annotations

import re
from decimal import Decimal

from schemeops.service.dashboards import Dashboard

#: Bins of the payout histogram; amounts above the 95th percentile share the last bin, so
#: a few large payouts do not squeeze every other bar into the first one.
BINS, TAIL_QUANTILE = 20, Decimal("0.95")


def inline_style_ids(js: bytes) -> tuple[str, ...]:
    """The ids of the stylesheets the chart library injects as inline <style> when loaded,
    unless an element with that id is already there (its map library's CSS; no chart here
    draws a map). Pages with charts carry an empty element with each, so nothing is injected
    that the Content-Security-Policy would refuse (Plotly's own rules are in
    static/charts.css)."""
    text = js.decode("utf-8", errors="replace")
    return tuple(dict.fromkeys(re.findall(
        r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)',
        text)))


def _figure(title: str, data: list[dict], *, x: str, y: str, **layout: object) -> dict:
    # the legend sits above the plot, so long tilted category labels below never run into it
    return {"data": data, "layout": {
        "title": {"text": title, "x": 0.02, "xanchor": "left"}, "height": 360,
        "font": {"size": 12}, "margin": {"l": 70, "r": 10, "t": 60, "b": 40},
        "showlegend": len(data) > 1,
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02,
                   "yanchor": "bottom"},
        "xaxis": {"title": {"text": x}, "automargin": True, "tickangle": -30},
        "yaxis": {"title": {"text": y}, "automargin": True, "rangemode": "tozero"},
        **layout}}


def _short(labels: list[str], width: int = 28) -> list[str]:
    """Category labels cut to `width` characters (the full text is in the hover)."""
    return [t if len(t) <= width else t[:width - 1].rstrip() + "…" for t in labels]


def _bars(name: str, labels: list[str], values: list[float]) -> dict:
    return {"type": "bar", "name": name, "x": _short(labels), "y": values,
            "hovertext": labels, "hoverinfo": "text+y+name"}


def _bins(values: list[Decimal]) -> tuple[list[str], list[int]]:
    """Equal-width bins from the smallest amount to the 95th percentile, the rest in one
    last bin labelled "over …"."""
    ordered = sorted(values)
    low = ordered[0]
    cut = ordered[min(len(ordered) - 1, int(len(ordered) * TAIL_QUANTILE))]
    if cut <= low:
        return [f"{low:,.2f}"], [len(ordered)]
    width = (cut - low) / BINS
    counts = [0] * (BINS + 1)
    for v in ordered:
        counts[BINS if v > cut else min(BINS - 1, int((v - low) / width))] += 1
    labels = [f"{low + i * width:,.0f}–{low + (i + 1) * width:,.0f}" for i in range(BINS)]
    labels.append(f"over {cut:,.0f}")
    if counts[-1] == 0:
        labels, counts = labels[:-1], counts[:-1]
    return labels, counts


def histogram(amounts: dict[str, list[Decimal]]) -> dict | None:
    """How many participants earn how much, all programs of a run together; the largest 5%
    in one last bar."""
    values = [a for vs in amounts.values() for a in vs]
    if not values:
        return None
    labels, counts = _bins(values)
    return _figure("How many participants earn how much",
                   [{"type": "bar", "name": "participants", "x": labels, "y": counts}],
                   x="payout", y="participants", bargap=0.05)


def _words(code: str) -> str:
    return code.replace("_", " ").strip().capitalize()


def attainment(d: Dashboard, by: str) -> list[dict]:
    """One chart per KPI of the dashboard's program: actual (and target, where the KPI has
    one) by region or tier."""
    figures = []
    for kpi in dict.fromkeys(r["kpi"] for r in d.attainment if r["by"] == by):
        rows = [r for r in d.attainment if r["by"] == by and r["kpi"] == kpi]
        groups = [r["group"] for r in rows]
        data = [_bars("actual", groups, [float(r["actual"]) for r in rows])]
        if any(r["target"] is not None for r in rows):
            data.insert(0, _bars("target", groups, [float(r["target"] or 0) for r in rows]))
        what = "actual against target" if len(data) > 1 else "actual"
        figures.append(_figure(f"{_words(kpi)}: {what} by {by}", data, x=by,
                               y=_words(kpi).lower(), barmode="group"))
    return figures


def budget(d: Dashboard) -> list[dict]:
    """Payouts against budget per program and period, and cost as a % of sales."""
    figures = []
    rows = [b for b in d.budget if b["budget"] is not None]
    if rows:
        labels = [f"{d.names.get(b['program_id'], b['program_id'])} from {b['period_start']}"
                  for b in rows]
        figures.append(_figure("Payouts against budget", [
            _bars("budget", labels, [float(b["budget"]) for b in rows]),
            _bars("payout", labels, [float(b["payout"]) for b in rows])],
            x="program and period", y="amount", barmode="group"))
    cost = [rv for rv in d.cost if rv.sales]
    if cost:
        figures.append(_figure("Cost of each program as a share of its sales", [
            _bars("cost", [d.names.get(rv.program_id, rv.program_id) for rv in cost],
                  [float(rv.payout / rv.sales * 100) for rv in cost])],
            x="program", y="% of sales"))
    return figures


def effect(rows: list) -> list[dict]:
    """A program's measured periods (its rows of an effect estimate, oldest first): actual
    sales against the baseline, and what the scheme caused against what it paid on."""
    if not rows:
        return []
    periods = [f"from {r.period_start.isoformat()}" for r in rows]

    def values(column: str) -> list[float]:
        return [float(getattr(r, column) or 0) for r in rows]

    return [
        _figure("Sales of the scheme's products: actual against the baseline", [
            _bars("baseline (without the scheme)", periods, values("baseline_value")),
            _bars("actual", periods, values("actual_value"))],
            x="period", y="value of sales", barmode="group"),
        _figure("What the scheme caused against what it paid on", [
            _bars("incremental (caused by the scheme)", periods, values("incremental_value")),
            _bars("subsidised (sales of those paid)", periods, values("subsidised_value"))],
            x="period", y="value of sales", barmode="group")]
