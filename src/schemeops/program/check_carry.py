"""Checks of KPI windows and carried amounts: true-ups need recurrences and a to-date KPI,
clawback needs a true-up, a recoverable draw needs later periods, a window must change
what its KPI measures."""

from __future__ import annotations

from schemeops.errors import Diagnostic
from schemeops.program.model import Formula, Outstanding, Program
from schemeops.program.source import Spans


def check_true_up(program: Program, spans: Spans) -> list[Diagnostic]:
    """A true-up recurs, on a KPI measured to date."""
    out: list[Diagnostic] = []
    ids = {k.id for k in program.kpis}
    for j, comp in enumerate(program.components):
        if not comp.true_up:
            continue
        at = spans.at(("components", j, "true_up"), key=True)
        if program.period.recurrence is None:
            out.append(Diagnostic(at, "true_up_needs_recurrence",
                                  f"component `{comp.id}` trues up against earlier periods, "
                                  "but the period does not recur",
                                  "add `period.recurrence`, e.g. `{every_months: 1, count: 3}`"
                                  ", or drop `true_up`"))
        if comp.kpi in ids and (program.kpi(comp.kpi).window is None
                                or program.kpi(comp.kpi).window.to_date is None):
            out.append(Diagnostic(at, "true_up_needs_to_date",
                                  f"component `{comp.id}` trues up, but its KPI `{comp.kpi}` "
                                  "is not measured to date",
                                  f"give KPI `{comp.kpi}` `window: {{to_date: program}}` "
                                  "(or year, fiscal_year, quarter)"))
    return out


def check_clawback(program: Program, spans: Spans) -> list[Diagnostic]:
    """`allow_clawback` only means something with a true-up or late returns (`returns`)
    to take back from."""
    if (not program.allow_clawback or program.returns is not None
            or any(c.true_up for c in program.components)):
        return []
    return [Diagnostic(spans.at(("allow_clawback",), key=True), "clawback_without_true_up",
                       "`allow_clawback` is set, but no component trues up and late returns "
                       "are not counted: nothing can be taken back", "add `true_up: true` to "
                       "a component or `returns: {until_days: 30}`, or drop "
                       "`allow_clawback`")]


def check_draw(program: Program, spans: Spans) -> list[Diagnostic]:
    """A recoverable draw is recovered in later periods, so the period must recur."""
    if program.period.recurrence is not None:
        return []
    return [Diagnostic(spans.at(("components", j, "draw", "recoverable"), key=True),
                       "draw_needs_recurrence",
                       f"component `{comp.id}` recovers its draw from later periods, but the "
                       "period does not recur",
                       "add `period.recurrence`, or make the draw `recoverable: false`")
            for j, comp in enumerate(program.components)
            if comp.draw is not None and comp.draw.recoverable]


def check_windows(program: Program, spans: Spans) -> list[Diagnostic]:
    """A window on an outstanding level changes nothing: it is the balance on the last day;
    a formula reads the actuals of other KPIs, which carry their own windows."""
    out = []
    for i, kpi in enumerate(program.kpis):
        if kpi.window is None:
            continue
        at = spans.at(("kpis", i, "window"), key=True)
        if isinstance(kpi, Outstanding) and kpi.mode == "level":
            out.append(Diagnostic(at, "window_not_applicable",
                                  f"KPI `{kpi.id}` is the outstanding balance on the period's "
                                  "last day, which a window does not change",
                                  "remove `window`, or measure `mode: reduction` over the window"))
        elif isinstance(kpi, Formula):
            out.append(Diagnostic(at, "window_not_applicable",
                                  f"KPI `{kpi.id}` is a formula over other KPIs' actuals, so it "
                                  "has no window of its own",
                                  "put `window` on the KPIs the formula reads"))
    return out


def check_holdback(program: Program, spans: Spans) -> list[Diagnostic]:
    """A holdback waits for the returns window: there must be one, and it must be over
    when the holdback is released."""
    h, r = program.holdback, program.returns
    if h is None:
        return []
    if r is None:
        return [Diagnostic(spans.at(("holdback",), key=True), "holdback_without_returns",
                           "`holdback` waits for the returns window, but late returns are "
                           "not counted", f"add `returns: {{until_days: "
                           f"{h.release_after_days}}}`, or drop `holdback`")]
    if h.release_after_days < r.until_days:
        return [Diagnostic(spans.at(("holdback", "release_after_days")),
                           "holdback_before_window_ends",
                           f"the holdback is released {h.release_after_days} days after the "
                           f"period, before its returns window of {r.until_days} days ends",
                           f"make `release_after_days` at least {r.until_days}")]
    return []


CARRY_CHECKS = (check_true_up, check_clawback, check_draw, check_windows, check_holdback)
