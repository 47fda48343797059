"""Write a forecast: forecast.csv, burn.csv, earners.csv and manifest.json (written last).

Beside a live version, forecast.csv and burn.csv carry draft, live and difference (draft −
live) columns; earners.csv has a row per version, since two versions' slabs differ.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from schemeops import __version__
from schemeops.forecast.run import Figures, Forecast
from schemeops.outdir import MARK, fresh_folder
from schemeops.program.parse import program_version

EARNER_COLUMNS = ("version", "kind", "key", "participants", "payout", "upto", "payout_share")


def _text(x: Decimal | int | None) -> str:
    return "" if x is None else str(x)


def figure_rows(f: Figures) -> list[tuple[str, Decimal | None]]:
    """The forecast's headline figures, in order (None: unknown)."""
    lift = f.lift
    rate = (f.earners / f.participants).quantize(Decimal("0.0001")) if f.participants else None
    return [
        ("participants", f.participants), ("earners", f.earners), ("earner_rate", rate),
        ("payout", f.payout), ("cost", f.cost), ("cost_low", f.cost_low),
        ("cost_high", f.cost_high), ("budget_per_period", f.budget),
        ("paying_for_baseline_share", f.paying_for_baseline_share),
        ("baseline_value", f.baseline_value), ("margin", f.margin),
        ("expected_lift_pct", lift.lift_pct if lift else None),
        ("lift_low", lift.low if lift else None), ("lift_high", lift.high if lift else None),
        ("payout_at_lift", f.payout_at_lift), ("cost_at_lift", f.cost_at_lift),
        ("earners_at_lift", f.earners_at_lift),
        ("expected_incremental_value", f.incremental_value),
        ("expected_roi", f.roi), ("roi_low", f.roi_low), ("roi_high", f.roi_high),
        ("similar_programs", Decimal(len(lift.sources)) if lift else Decimal(0)),
        *((f"cost_replay_{n}", c) for n, c in enumerate(f.replay_costs, 1))]


def _difference(a: Decimal | None, b: Decimal | None) -> str:
    return "" if a is None or b is None else str(a - b)


def forecast_rows(fc: Forecast) -> list[dict[str, str]]:
    """forecast.csv's rows: figure, draft (, live, difference)."""
    draft = figure_rows(fc.draft)
    if fc.live is None:
        return [{"figure": k, "draft": _text(v)} for k, v in draft]
    live = dict(figure_rows(fc.live))
    return [{"figure": k, "draft": _text(v), "live": _text(live[k]),
             "difference": _difference(v, live[k])} for k, v in draft]


def burn_rows(fc: Forecast) -> list[dict[str, str]]:
    """burn.csv's rows: per period and week, the cumulative expected payout and its share
    of the period's budget (draft, and live beside it)."""
    live = {(w.period_no, w.week): w for w in fc.live.weeks} if fc.live else {}
    out = []
    for w in fc.draft.weeks:
        row = {"period_no": str(w.period_no), "week": str(w.week),
               "week_start": w.start.isoformat(), "week_end": w.end.isoformat(),
               "draft_cumulative": str(w.cumulative), "draft_budget": _text(w.budget),
               "draft_burn_pct": _text(w.burn_pct)}
        if fc.live is not None:
            lw = live.get((w.period_no, w.week))
            row |= {"live_cumulative": _text(lw.cumulative if lw else None),
                    "live_budget": _text(lw.budget if lw else None),
                    "live_burn_pct": _text(lw.burn_pct if lw else None),
                    "difference": _difference(w.cumulative, lw.cumulative if lw else None)}
        out.append(row)
    return out


def earner_rows(fc: Forecast) -> list[dict[str, str]]:
    """earners.csv's rows: per version, the participant-periods per slab reached, then the
    paid ones' payout deciles (1 = lowest; `upto` its highest payout)."""
    out = []
    for name, f in (("draft", fc.draft), ("live", fc.live)):
        if f is None:
            continue
        out += [{"version": name, "kind": "slab", "key": label, "participants": str(n),
                 "payout": str(p), "upto": "", "payout_share": ""} for label, n, p in f.slabs]
        out += [{"version": name, "kind": "decile", "key": str(d), "participants": str(n),
                 "payout": "", "upto": str(upto), "payout_share": str(share)}
                for d, n, upto, share in f.deciles]
    return out


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def manifest(fc: Forecast, *, warehouse: str, backend: str) -> dict:
    """What produced the forecast: versions, data, replays, method and the lifts used."""
    versions = {"draft": {fc.draft.program.id: program_version(fc.draft.program)}}
    if fc.live is not None:
        versions["live"] = {fc.live.program.id: program_version(fc.live.program)}
    lifts = {}
    for name, f in (("draft", fc.draft), ("live", fc.live)):
        if f is not None:
            lifts[name] = [{"program_id": x.program_id, "source": x.source,
                            "period_start": x.period_start, "lift_pct": str(x.lift_pct)}
                           for x in (f.lift.sources if f.lift else ())] or \
                "no similar program has a measured lift: no expected ROI"
    return {"programs": versions, "warehouse": warehouse, "backend": backend,
            "data_fingerprint": fc.data_fingerprint,
            "replays": [[a.isoformat(), b.isoformat()] for a, b in fc.replays],
            "method": "the program replayed on its latest comparable history periods; "
                      "figures are means over the replays; the cost interval is the "
                      "5th-95th percentile of a Poisson bootstrap over participants and "
                      "replays (docs/effectiveness.md, Pre-launch forecast)",
            "resamples": fc.resamples, "seed": fc.seed, "lifts": lifts,
            "timings": fc.timings, "schemeops_version": __version__}


def write_forecast(fc: Forecast, out: Path, *, warehouse: str, backend: str
                   ) -> dict[str, int]:
    """Write the four files into `out` (whole or not at all); the rows of each CSV."""
    side = ("live", "difference") if fc.live is not None else ()
    burn_side = ("live_cumulative", "live_budget", "live_burn_pct", "difference") \
        if fc.live is not None else ()
    rows = {"forecast": forecast_rows(fc), "burn": burn_rows(fc), "earners": earner_rows(fc)}
    with fresh_folder(out) as work:
        _write(work / "forecast.csv", rows["forecast"], ("figure", "draft", *side))
        _write(work / "burn.csv", rows["burn"],
               ("period_no", "week", "week_start", "week_end", "draft_cumulative",
                "draft_budget", "draft_burn_pct", *burn_side))
        _write(work / "earners.csv", rows["earners"], EARNER_COLUMNS)
        body = manifest(fc, warehouse=warehouse, backend=backend)
        (work / MARK).write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    return {k: len(v) for k, v in rows.items()}
