"""`forecast`: a program (typically a draft) replayed on comparable history, as one
visible pipeline.

comparable replays → calculate every replay with the engine (and the live version's on the
same dates) → per replay × participant × period: slab reached, payout, cost (Ibis) → the
scheme's sales by week → cost and its bootstrap interval, earners, deciles, burn by week,
paying-for-baseline share → expected ROI from the similar programs' measured lifts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

import ibis
import pyarrow as pa

from schemeops.effect.facts import sales_range
from schemeops.engine.backends import materialize
from schemeops.engine.backends.base import fetch_now
from schemeops.engine.calc import calculate
from schemeops.engine.data import Data
from schemeops.engine.fingerprint import data_fingerprint, recorded_digests
from schemeops.engine.periods import Window, program_windows
from schemeops.errors import UsageError
from schemeops.forecast import figures as f
from schemeops.forecast.replays import Replay, comparable_replays, with_period
from schemeops.forecast.similar import ExpectedLift, PastLift, expected_roi, pooled, similar
from schemeops.laps import Laps
from schemeops.program.model import Program

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
#: The interval's ends: the 5th and 95th percentile of the draws (nearest rank).
LOW, HIGH = Decimal("0.05"), Decimal("0.95")


@dataclass(frozen=True)
class Week:
    """A week of a forecast period and the expected payout accrued by its end."""

    period_no: int
    week: int
    start: dt.date
    end: dt.date
    cumulative: Decimal
    budget: Decimal | None

    @property
    def burn_pct(self) -> Decimal | None:
        """100 × cumulative ÷ budget, 2 places (None without a budget)."""
        if not self.budget:
            return None
        return (100 * self.cumulative / self.budget).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """One program's forecast (`program` as given; the live version's figures are over the
    draft's periods): per replay means (money half-up to the paisa) on history, the cost's
    90% interval, the earners by slab and by payout decile, the burn by week; with a
    similar program's lift, the payout, cost and earners at that lift, and the expected ROI
    and paying-for-baseline share at it (None without a lift)."""

    program: Program
    participants: Decimal
    earners: Decimal
    payout: Decimal
    cost: Decimal
    cost_low: Decimal
    cost_high: Decimal
    budget: Decimal | None
    paying_for_baseline_share: Decimal | None
    payout_at_lift: Decimal | None
    cost_at_lift: Decimal | None
    earners_at_lift: Decimal | None
    baseline_value: Decimal
    margin: Decimal | None
    lift: ExpectedLift | None
    roi: Decimal | None
    roi_low: Decimal | None
    roi_high: Decimal | None
    replay_costs: tuple[Decimal, ...]                         # the newest replay first
    slabs: tuple[tuple[str, Decimal, Decimal], ...]          # label, rows, payout
    deciles: tuple[tuple[int, Decimal, Decimal, Decimal], ...]  # decile, rows, upto, share
    weeks: tuple[Week, ...]

    @property
    def incremental_value(self) -> Decimal | None:
        """Expected lift × baseline value, to the paisa."""
        if self.lift is None:
            return None
        return (self.lift.lift_pct / 100 * self.baseline_value).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Forecast:
    """A finished forecast: the draft's figures, the live version's on the same replays
    (when it replaces one), the replays' dates and the data's fingerprint."""

    draft: Figures
    live: Figures | None
    replays: tuple[tuple[dt.date, dt.date], ...]
    resamples: int
    seed: int
    data_fingerprint: str
    timings: dict[str, float]


def _mean(total: Decimal | None, n: int, places: Decimal = CENT) -> Decimal:
    return (Decimal(total or 0) / n).quantize(places, ROUND_HALF_UP)


def _replay_of_draw(seed: int, draw: int, replays: int) -> int:
    digest = hashlib.md5(f"{seed}:{draw}".encode()).hexdigest()
    return int(digest[:8], 16) % replays + 1


def _calendar(replays: list[Replay], own: tuple[Window, ...]) -> tuple[pa.Table, pa.Table]:
    """(replay, day) → (period_no, week) of the replayed periods, and the frame replay ×
    period_no × week × weeks. Weeks count from each period's start; a replayed period longer
    than the forecast one (a 31-day month for a 28-day one) folds its last days into the
    last week."""
    weeks = {w.no: math.ceil(w.days / 7) for w in own}
    cal: dict[str, list] = {"replay": [], "day": [], "period_no": [], "week": []}
    frame: dict[str, list] = {"replay": [], "period_no": [], "week": [], "weeks": []}
    for r in replays:  # days of a few periods, not rows
        for w in r.windows:
            for i in range(w.days):
                cal["replay"].append(r.no)
                cal["day"].append(w.start + dt.timedelta(days=i))
                cal["period_no"].append(w.no)
                cal["week"].append(min(i // 7 + 1, weeks[w.no]))
            for k in range(1, weeks[w.no] + 1):
                for name, v in (("replay", r.no), ("period_no", w.no), ("week", k),
                                ("weeks", weeks[w.no])):
                    frame[name].append(v)
    types = {"day": pa.date32()}
    return (pa.table({k: pa.array(v, types.get(k, pa.int64())) for k, v in cal.items()}),
            pa.table({k: pa.array(v, pa.int64()) for k, v in frame.items()}))


def _interval(totals: list[Decimal], point: Decimal) -> tuple[Decimal, Decimal]:
    """The nearest-rank 5th and 95th percentiles of the draws, widened to the point when a
    skewed handful of draws leaves it outside (the point is the replays' own mean)."""
    ranked = sorted(totals)
    n = len(ranked)
    low = ranked[max(math.ceil(LOW * n), 1) - 1]
    high = ranked[max(math.ceil(HIGH * n), 1) - 1]
    return min(low, point), max(high, point)


def _weeks(own: tuple[Window, ...], burn: pa.Table, n: int, budget: Decimal | None
           ) -> tuple[Week, ...]:
    acc = {(r["period_no"], r["week"]): r["accrued"] for r in burn.to_pylist()}
    out = []
    for w in own:  # the forecast's weeks
        for k in range(1, math.ceil(w.days / 7) + 1):
            start = w.start + dt.timedelta(days=7 * (k - 1))
            out.append(Week(w.no, k, start, min(start + dt.timedelta(days=6), w.end),
                            _mean(acc.get((w.no, k)), n), budget))
    return tuple(out)


def _at_lift(program: Program, replays: list[Replay], base: Data, lift: ExpectedLift,
             rows: ibis.Table, con: ibis.BaseBackend) -> dict[str, Decimal | None]:
    """Payout, cost and earners (means per replay) and the paying-for-baseline share of
    the replays calculated on history with the scheme's sales in them raised by the lift
    (`rows`: the replays on history, the baseline)."""
    windows = [w for r in replays for w in r.windows]
    data = replace(base, sales=f.lifted_sales(program, base, windows, lift.lift_pct),
                   daily=None, facts=None)
    lifted, data = calculate([r.program for r in replays], data, as_of=None,
                             keep=materialize)
    rows_l = f.participant_rows(
        [(r.no, res) for r, res in zip(replays, lifted, strict=True)], data)
    t = con.to_pyarrow(f.lifted_totals(rows_l, rows)).to_pylist()[0]
    n, paid = len(replays), Decimal(t["payout"] or 0)
    return {"payout_at_lift": _mean(paid, n), "cost_at_lift": _mean(t["cost"], n),
            "earners_at_lift": _mean(t["earners"], n),
            "paying_for_baseline_share": (Decimal(t["reached"]) / paid).quantize(
                SHARE, ROUND_HALF_UP) if paid > 0 else None}


def _figures(program: Program, replays: list[Replay], results: list, data: Data,
             con: ibis.BaseBackend, *, base: Data, lifts: list[PastLift], resamples: int,
             seed: int) -> Figures:
    """Every figure of one program from its replays' engine results (and, with a lift,
    from the replays calculated at it)."""
    n = len(replays)
    own = program_windows(program.period)
    rows = materialize(f.participant_rows(
        [(r.no, res) for r, res in zip(replays, results, strict=True)], data))
    cal, frame = _calendar(replays, own)
    sales = materialize(f.scheme_sales(program, data, rows, ibis.memtable(cal)))
    t = con.to_pyarrow(f.totals(rows, sales)).to_pylist()[0]
    draws = pa.table({"draw": pa.array(range(1, resamples + 1), pa.int64()),
                      "replay": pa.array([_replay_of_draw(seed, b, n)
                                          for b in range(1, resamples + 1)], pa.int64())})
    drawn = con.to_pyarrow(f.draw_totals(rows, ibis.memtable(draws), seed=seed))
    cost = _mean(t["cost"], n)
    low, high = _interval([Decimal(x) for x in drawn["total"].to_pylist()], cost)
    payout = Decimal(t["payout"] or 0)
    value, cogs = Decimal(t["value"] or 0), Decimal(t["cogs"] or 0)
    margin = (1 - cogs / value).quantize(SHARE, ROUND_HALF_UP) if value > 0 else None
    baseline = _mean(value, n)
    lift = pooled(lifts)
    per = {r["replay"]: r["cost"] for r in con.to_pyarrow(f.cost_per_replay(rows)).to_pylist()}
    replay_costs = tuple(Decimal(per.get(r.no) or 0).quantize(CENT) for r in replays)
    levels = {r["level"]: r for r in con.to_pyarrow(f.earners(rows)).to_pylist()}
    slabs = tuple((label, _mean(levels.get(i, {}).get("rows"), n),
                   _mean(levels.get(i, {}).get("payout"), n))
                  for i, label in enumerate(f.slab_labels(program)))
    dec_rows = sorted(con.to_pyarrow(f.deciles(rows)).to_pylist(), key=lambda r: r["decile"])
    deciles = tuple((r["decile"], _mean(r["rows"], n), Decimal(r["upto"]),
                     (Decimal(r["payout"]) / payout).quantize(SHARE, ROUND_HALF_UP))
                    for r in dec_rows)
    budget = program.caps.budget.quantize(CENT) if program.caps.budget is not None else None
    # on history, the share is history's own; with a lift, the one at the lift
    at_lift: dict[str, Decimal | None] = {
        "payout_at_lift": None, "cost_at_lift": None, "earners_at_lift": None,
        "paying_for_baseline_share": (Decimal(t["reached"]) / payout).quantize(
            SHARE, ROUND_HALF_UP) if payout > 0 else None}
    if lift is not None:
        at_lift = _at_lift(program, replays, base, lift, rows, con)
    roi_cost = cost if at_lift["cost_at_lift"] is None else at_lift["cost_at_lift"]
    return Figures(
        program=program, participants=_mean(t["rows"], n), earners=_mean(t["earners"], n),
        payout=_mean(payout, n), cost=cost, cost_low=low, cost_high=high, budget=budget,
        **at_lift, baseline_value=baseline, margin=margin, lift=lift,
        roi=expected_roi(lift.lift_pct, baseline, margin, roi_cost) if lift else None,
        roi_low=expected_roi(lift.low, baseline, margin, roi_cost) if lift else None,
        roi_high=expected_roi(lift.high, baseline, margin, roi_cost) if lift else None,
        replay_costs=replay_costs, slabs=slabs, deciles=deciles,
        weeks=_weeks(own, con.to_pyarrow(f.burn(rows, sales, ibis.memtable(frame))), n,
                     budget))


def forecast(draft: Program, con: ibis.BaseBackend, *, live: Program | None = None,
             past: Sequence[tuple[Program, PastLift]] = (), count: int = 3,
             resamples: int = 200, seed: int = 0,
             progress: Callable[[str], None] = lambda _s: None) -> Forecast:
    """Forecast `draft` (and `live` over the draft's periods, when it replaces one) on the
    warehouse behind `con`; `past`: measured lifts of past programs, the similar ones used."""
    if resamples < 1 or count < 1:
        raise UsageError("give at least one replay and one resample")
    laps = Laps()
    data = base = Data.from_backend(con)
    fingerprint = data_fingerprint(data, fetch_now(con), recorded_digests(con))
    span = con.to_pyarrow(sales_range(data)).to_pylist()[0]
    if span["first"] is None:
        raise UsageError("the warehouse has no sales to replay the program on")
    progress("calculating the replays")
    replays = comparable_replays(draft, span["first"], span["last"], count=count)
    programs = [r.program for r in replays]
    live_replays = []
    if live is not None:
        live_replays = [Replay(r.no, with_period(live, r.program.period), r.windows)
                        for r in replays]
        programs += [r.program for r in live_replays]
    results, data = calculate(programs, data, as_of=None, keep=materialize)
    laps.lap("calculate")
    progress("forecasting")
    kw = {"resamples": resamples, "seed": seed, "base": base}
    draft_fig = _figures(draft, replays, results[:len(replays)], data, con,
                         lifts=[x for p, x in past if similar(draft, p)], **kw)
    live_fig = None
    if live is not None:
        moved = _figures(with_period(live, draft.period), live_replays,
                         results[len(replays):], data, con,
                         lifts=[x for p, x in past if similar(live, p)], **kw)
        live_fig = replace(moved, program=live)  # the version as given, for its hash
    laps.lap("figures")
    return Forecast(draft_fig, live_fig,
                    tuple((r.windows[0].start, r.windows[-1].end) for r in replays),
                    resamples, seed, fingerprint(), laps.timings)
