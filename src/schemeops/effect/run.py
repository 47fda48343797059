"""`effect`: the whole measurement as one visible pipeline.

load the program → calculate it (the engine: payouts and KPIs) → choose controls → aggregate
the lines per participant × calendar atom × class (Ibis, one query) → baselines, DiD and
bootstrap per period (NumPy on that small table) → dependency → write the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemeops.effect.baseline import (
    Cube,
    choose_span,
    season_index,
    span_errors,
    to_cube,
    window_mask,
)
from schemeops.effect.dependency import Dependency, dependency
from schemeops.effect.estimate import match, sales_jumps
from schemeops.effect.facts import SCHEME, Calendar, build_calendar, costs, line_facts, sales_range
from schemeops.effect.measure import Inputs, Measured, first_slab, measure
from schemeops.engine.backends import connect_warehouse, materialize
from schemeops.engine.backends.base import fetch_now
from schemeops.engine.calc import calculate, load_programs
from schemeops.engine.data import Data
from schemeops.engine.eligibility import eligible
from schemeops.engine.exact import as_dec, dec, mul
from schemeops.engine.fingerprint import data_fingerprint, recorded_digests
from schemeops.engine.holdout import held_out
from schemeops.engine.periods import Window, windows_table
from schemeops.errors import UsageError
from schemeops.laps import Laps
from schemeops.program.model import Program

#: Roles that sell on secondary sales (`sales.distributor_id`), so can be measured.
SELLERS = ("distributor", "dealer", "sub_distributor")


@dataclass(frozen=True)
class PeriodResult:
    """One measured period: its window, treated ids, payout and cost (cents) and estimates."""

    window: Window
    ids: np.ndarray
    payout_cents: np.ndarray
    cost_cents: np.ndarray
    margin: Decimal | None
    measured: Measured
    method: str
    controls: int
    #: the controls left out because their sales jumped around the period
    jumped_controls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Effect:
    """A finished measurement."""

    program: Program
    data_fingerprint: str
    periods: list[PeriodResult]
    cube: Cube
    dependency: Dependency
    treated: np.ndarray
    timings: dict[str, float]
    #: the calendar atoms and their season index (the dependency's trends read them)
    calendar: Calendar
    season: np.ndarray
    #: the baseline's months on each side of a period (None: every month), from
    #: `baseline.choose_span`
    span: int | None = 1


def choose_windows(windows: tuple[Window, ...], period: dt.date | None, program: Program,
                   file: Path) -> list[Window]:
    """The periods to report; UsageError naming the file and its periods when `period` is
    not the start of one."""
    if period is None:
        return list(windows)
    chosen = [w for w in windows if w.start == period]
    if not chosen:
        starts = ", ".join(w.start.isoformat() for w in windows)
        raise UsageError(f"{file}: --period {period} is not the start of a period of "
                         f"program {program.id} (its periods start {starts}); give one of "
                         "those")
    return chosen


def _program(path: Path) -> Program:
    if not path.is_file():
        raise UsageError(f"{path}: no such program file; give a program YAML file "
                         "(`schemeops programs` lists the stored ones)")
    return load_programs([path])[0]


def _controls(program: Program, data: Data, wide: ibis.Table,
              windows: tuple[Window, ...]) -> tuple[ibis.Table, str]:
    """The controls and how they were chosen: the program's holdout (eligible but held out
    of enrolment) when it has one; else matched non-participants: sellers of the program's
    roles never eligible for it, who had joined before its first period and had not left
    (a seller who joins or leaves between baseline and period would read as a lift or a
    fall)."""
    p = data.participants
    if program.holdout is not None:
        would = eligible(program.participants, p, windows_table(windows),
                         data.participant_lists)
        held = would.filter(held_out(would.participant_id, program.holdout))
        return held.select("participant_id", "tier", "region").distinct(), "holdout"
    roles = [r for r in program.participants.roles if r in SELLERS] or list(SELLERS)
    chosen = p.filter(p.role.isin(roles), p.left_on.isnull(),
                      p.joined_on.isnull() | (p.joined_on < program.period.start))
    return chosen.anti_join(wide, "participant_id").select("participant_id", "tier",
                                                           "region"), "matched"


def _slab_columns(program: Program) -> tuple[str | None, str | None]:
    slab = first_slab(program)
    return (f"a__{slab[0]}", f"t__{slab[0]}") if slab else (None, None)


def _cents(money: ibis.Value) -> ibis.Value:
    """Money (2 places) as whole cents, 0 when absent."""
    return as_dec(mul(money.fill_null(0), dec(100)), 0).cast("int64")


def _decimal_sum(t: pa.Table, column: str) -> Decimal:
    s = pc.sum(t[column]).as_py()
    return Decimal(0) if s is None else Decimal(s)


def run_effect(path: Path, *, warehouse: Path, period: dt.date | None = None,
               backend: str = "duckdb", resamples: int = 1000, seed: int = 0,
               progress: Callable[[str], None] = lambda _s: None) -> Effect:
    """Measure the program in `path` on the warehouse (every period, or the one starting on
    `period`)."""
    laps = Laps()
    program = _program(path)
    progress("calculating the program")
    con = connect_warehouse(warehouse, backend)
    data = Data.from_backend(con)
    fingerprint = data_fingerprint(data, fetch_now(con), recorded_digests(con))
    [result], data = calculate([program], data, as_of=None, keep=materialize)
    windows = choose_windows(result.windows, period, program, path)
    a_col, t_col = _slab_columns(program)
    w = result.wide
    wide = w.select("participant_id", "period_no", "tier", "region",
                    kpi_actual=(w[a_col] if a_col else ibis.null("float64")).cast("float64"),
                    kpi_target=(w[t_col] if t_col else ibis.null("float64")).cast("float64"))
    c = costs(result, data)
    wide = wide.left_join(c, ["participant_id", "period_no"]).select(
        wide, payout=_cents(c.payout), cost=_cents(c.cost))
    wide_rows = con.to_pyarrow(wide.order_by("period_no", "participant_id"))
    chosen, kind = _controls(program, data, result.wide, result.windows)
    controls = con.to_pyarrow(chosen.order_by("participant_id"))
    laps.lap("calculate")

    progress("aggregating the lines")
    span = con.to_pyarrow(sales_range(data)).to_pylist()[0]
    if span["first"] is None:
        raise UsageError(f"{warehouse}: the warehouse has no sales to measure against")
    calendar = build_calendar(result.windows, span["first"], span["last"])
    treated_ids = pc.unique(wide_rows["participant_id"]).to_pylist()
    ids = sorted(treated_ids) + controls["participant_id"].to_pylist()
    sellers = ibis.memtable(pa.table({"participant_id": pa.array(ids, pa.string())}))
    cal = ibis.memtable(calendar.table)
    facts = con.to_pyarrow(line_facts(program, data, sellers, cal))
    laps.lap("aggregate")

    progress("estimating")
    cube = to_cube(facts, ids, len(calendar.atoms))
    n_treated = len(treated_ids)
    is_control = np.arange(len(ids)) >= n_treated
    season = season_index(cube, calendar, is_control)
    control_rows = np.nonzero(is_control)[0]
    # sellers whose sales jumped around a period: found with every control's season, then
    # left out of the season too (a control selling five-fold for a month would lift its
    # month's index for everyone), of that period's controls and of its program row; every
    # period's, so that the season does not depend on which periods are reported
    jumped = {w.no: sales_jumps(cube.value, calendar=calendar, season=season, no=w.no,
                                controls=control_rows) for w in result.windows}
    steady = ~np.logical_or.reduce([np.zeros(len(ids), bool), *jumped.values()])
    season = season_index(cube, calendar, is_control & steady)
    errors = span_errors(cube.value, calendar, season)
    control_keys = np.column_stack([controls["tier"].to_numpy(zero_copy_only=False),
                                    controls["region"].to_numpy(zero_copy_only=False)])
    periods = [_period(program, w, wide_rows, facts, cube, calendar, season, control_rows,
                       control_keys, errors, jumped[w.no], resamples=resamples, seed=seed,
                       method=f"did_{kind}" if control_rows.size else "baseline")
               for w in windows]
    dep = dependency(cube, calendar, season)
    laps.lap("estimate")
    return Effect(program, fingerprint(), periods, cube, dep, np.arange(n_treated),
                  laps.timings, calendar, season, choose_span(errors))


def _period(program: Program, window: Window, wide_rows: pa.Table, facts: pa.Table,
            cube: Cube, calendar: Calendar, season: np.ndarray, control_rows: np.ndarray,
            control_keys: np.ndarray, errors: np.ndarray, jumped: np.ndarray, *,
            resamples: int, seed: int, method: str) -> PeriodResult:
    """Measure one period: its enrolled rows of the engine's results, its margin (exact, from
    the facts' decimals) and the estimates; the sellers whose sales `jumped` around it (a
    bool per row of the cube) are neither its controls nor in its program row."""
    rows = wide_rows.filter(pc.equal(wide_rows["period_no"], window.no))
    ids = rows["participant_id"].to_numpy(zero_copy_only=False)
    position = pc.index_in(rows["participant_id"],
                           value_set=pa.array(cube.ids.tolist(), pa.string()))
    treated = position.to_numpy(zero_copy_only=False).astype(np.int64)
    keys = np.column_stack([rows["tier"].to_numpy(zero_copy_only=False),
                            rows["region"].to_numpy(zero_copy_only=False)])

    def in_cents(column: str) -> np.ndarray:
        return rows[column].to_numpy(zero_copy_only=False).astype(np.int64)

    steady = ~jumped[control_rows]
    left_out = tuple(str(p) for p in cube.ids[control_rows[~steady]])
    control_rows, control_keys = control_rows[steady], control_keys[steady]
    inside = np.nonzero(window_mask(calendar, "in", window.no))[0]
    sold = facts.filter(pc.and_(pc.and_(
        pc.is_in(facts["participant_id"], value_set=rows["participant_id"].combine_chunks()),
        pc.is_in(facts["atom"], value_set=pa.array(inside, pa.int64()))),
        pc.equal(facts["cls"], SCHEME)))
    value, cogs = _decimal_sum(sold, "value"), _decimal_sum(sold, "cogs")
    margin = 1 - cogs / value if value > 0 else None
    inputs = Inputs(
        program=program, no=window.no, calendar=calendar, season=season, value=cube.value,
        units=cube.units, treated=treated, controls=control_rows,
        matching=match(keys, control_keys), payout_cents=in_cents("payout"),
        cost_cents=in_cents("cost"),
        kpi_actual=pc.fill_null(rows["kpi_actual"], np.nan).to_numpy(zero_copy_only=False),
        kpi_target=pc.fill_null(rows["kpi_target"], np.nan).to_numpy(zero_copy_only=False),
        margin=margin, span_errors=errors, in_program=~jumped[treated])
    return PeriodResult(window, ids, inputs.payout_cents, inputs.cost_cents, margin,
                        measure(inputs, resamples=resamples, seed=seed),
                        method, int(control_rows.size), left_out)
