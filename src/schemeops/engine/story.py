"""A participant's story from the typed rows of explanations.csv (as the calculation wrote them,
as the store keeps them, or as `explain` computes them): each KPI, each component's outcome
with its gate, multipliers and cap, what the next slab takes, the program's limits.

This is the one place that turns those rows into words: `explain`, the drill-down, the API and
the portal all render through `stories`.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

from schemeops.engine.wording import say_gap

CARRIED = ("catch_up", "true_up", "draw", "draw_recovery")
LIMITS = ("program_gate", "participant_cap", "sales_cap", "budget")


@dataclass(frozen=True)
class Row:
    """One row of explanations.csv, typed (see docs/programs.md, Output files)."""

    program_id: str
    participant_id: str
    period_start: dt.date
    period_end: dt.date
    period_no: int
    row: str
    component: str | None = None
    kpi: str | None = None
    amount: Decimal | None = None
    outcome: str | None = None
    shape: str | None = None
    measure_of: str | None = None
    measure: Decimal | None = None
    slab: int | None = None
    slabs: int | None = None
    slab_start: Decimal | None = None
    slab_above: bool | None = None
    next_break: Decimal | None = None
    next_above: bool | None = None
    needed: Decimal | None = None
    gap: Decimal | None = None
    actual: Decimal | None = None
    target: Decimal | None = None
    attainment: Decimal | None = None
    gate: str | None = None
    gate_held: bool | None = None
    multiplier: Decimal | None = None
    multipliers: str | None = None
    multipliers_missed: str | None = None
    capped: bool | None = None
    cap: str | None = None
    cap_limit: Decimal | None = None
    deferred: bool | None = None
    earned: Decimal | None = None
    paid_before: Decimal | None = None
    balance_before: Decimal | None = None
    balance_after: Decimal | None = None
    carried_from: int | None = None
    carried_to: int | None = None
    bills_paid: int | None = None
    bills: int | None = None
    target_rule: str | None = None
    formula: str | None = None
    lower_is_better: bool | None = None
    gap_unit: str | None = None
    gap_phrase: str | None = None

    @classmethod
    def of(cls, values: Mapping[str, object]) -> Row:
        """A row from text (a CSV line: '' is empty) or from typed values (Arrow, the
        store), each field converted to its type."""
        return cls(**{f.name: _convert(_KINDS[f.name], values.get(f.name)) for f in fields(cls)})


_HINTS = typing.get_type_hints(Row)
_KINDS = {name: next(t for t in typing.get_args(hint) or (hint,) if t is not type(None))
          for name, hint in _HINTS.items()}


def _convert(kind: type, value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if kind is bool:
        return value in ("true", "True", "1", 1)
    if kind is dt.date:
        return dt.date.fromisoformat(str(value))
    if kind is Decimal:
        return Decimal(str(value))
    return kind(value)


@dataclass(frozen=True)
class KpiLine:
    """One KPI of the participant in one period."""

    kpi: str
    actual: Decimal | None  # None only for a formula that divided by zero
    target: Decimal | None
    attainment: Decimal | None
    target_rule: str
    formula: str = ""


@dataclass(frozen=True)
class ComponentLine:
    """One component's outcome (or a carried amount or a limit that bit), in words, and what
    it takes to reach its next slab."""

    component: str
    amount: Decimal
    note: str
    next_step: str | None
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """A participant's story in one program and period."""

    program_id: str
    program_name: str | None
    participant_id: str
    period_start: dt.date
    period_end: dt.date
    kpis: tuple[KpiLine, ...]
    components: tuple[ComponentLine, ...]
    payout: Decimal
    limits: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def render(self) -> str:
        """The story as plain text."""
        head = f"{self.program_name} ({self.program_id})" if self.program_name \
            else self.program_id
        out = [f"{head} — {self.participant_id}, "
               f"{self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"]
        for k in self.kpis:
            line = f"  {k.kpi}: actual {'empty' if k.actual is None else k.actual}"
            if k.formula:
                line += f" (formula: {k.formula})"
            if k.target is not None:
                line += f", target {k.target} ({k.target_rule})"
            if k.attainment is not None:
                line += f", attainment {k.attainment:.1%}"
            out.append(line)
        for c in self.components:
            out.append(f"  {c.component}: {c.amount:,.2f} — {c.note}")
            out += [f"    {x}" for x in c.conditions]
            if c.next_step:
                out.append(f"    next: {c.next_step}")
        out += [f"  {x}" for x in self.limits]
        out.append(f"  payout: {self.payout:,.2f}")
        out += [f"  {x}" for x in self.warnings]
        return "\n".join(out)


def _mark(above: bool | None, at: Decimal | None) -> str:
    return f"{'above' if above else 'from'} {at}"


def _periods(first: int | None, last: int | None) -> str:
    return f"period {last}" if first == last else f"periods {first}–{last}"


def _shape_note(r: Row) -> str:
    """What the component's shape gave, before its multipliers, gate and cap."""
    reached = r.slab is not None
    if r.shape == "step":
        return f"slab {r.slab} of {r.slabs} ({_mark(r.slab_above, r.slab_start)})" if reached \
            else f"below the first slab ({_mark(r.next_above, r.next_break)})"
    if r.shape == "marginal":
        return (f"marginal: each band at its own rate, up to band {r.slab} of {r.slabs}"
                if reached else f"below the first slab ({_mark(r.next_above, r.next_break)})")
    if r.shape == "curve":
        if not reached:
            return f"below the curve's start ({r.next_break})"
        where = f"{r.measure_of} {r.measure}"
        return f"at or past the curve's last point ({where})" if r.slab == r.slabs \
            else f"curve, interpolated at {where}"
    if r.shape == "per_invoice":
        return f"per invoice: {r.bills_paid} of {r.bills} invoices paid"
    if r.slabs is None:
        return "fixed amount"
    return "target met: fixed amount" if r.outcome != "target_not_met" else "target not met"


def _empty(r: Row, kpis: Mapping[str, Row]) -> str:
    """The note of a component reading a formula that divided by zero (its own KPI's, when
    that is the empty one)."""
    k = kpis.get(r.kpi or "")
    name = r.kpi if k is not None and k.formula and k.actual is None else None
    return f"formula {name} divided by zero: pays 0" if name \
        else "a formula it reads divided by zero: pays 0"


def _component_note(r: Row, kpis: Mapping[str, Row]) -> str:
    whole = {"empty_formula": _empty(r, kpis),
             "gate_failed": f"gate failed: {r.gate}", "no_target": "no target",
             "no_incentive": "no target incentive"}
    note = whole.get(r.outcome or "") or _shape_note(r)
    if r.outcome in whole:
        return note
    if r.multipliers:
        note += f"; {r.multipliers}"
    if r.outcome == "negative_base":
        note += "; negative base (returns over sales): pays 0"
    if r.capped:
        note += f"; capped at {r.cap_limit}"
    if r.deferred:
        note += "; deferred for catch-up"
    return note


def note(r: Row, kpis: Mapping[str, Row]) -> str:
    """Why a component, carried or limit row has its amount (`kpis`: the story's KPI rows)."""
    if r.row == "component":
        return _component_note(r, kpis)
    if r.row == "catch_up":
        return f"catch-up of the amount missed in period {r.carried_from}"
    if r.row == "true_up":
        text = (f"to date pays {r.earned}; {_periods(r.carried_from, r.carried_to)} paid "
                f"{r.paid_before}")
        if r.earned < r.paid_before:
            paid = r.earned + r.amount
            text += (": the difference is a debit (allow_clawback)" if paid < 0
                     else ": nothing is taken back (no allow_clawback)")
        return text
    if r.row == "draw":
        text = f"draw {r.earned + r.amount}: earned {r.earned}"
        return text + (f"; balance to recover {r.balance_after}"
                       if r.balance_after is not None else "")
    if r.row == "draw_recovery":
        return (f"recovers the draw paid above earnings in "
                f"{_periods(r.carried_from, r.carried_to)}: earned {r.earned}, balance "
                f"{r.balance_before} → {r.balance_after}")
    if r.row in ("holdback", "holdback_release"):
        what = "held" if r.row == "holdback" else "released"
        return f"{what}: the holdback of period {r.carried_from} on {r.earned}"
    return _limit(r, bit=True)


def _limit(r: Row, *, bit: bool) -> str:
    """A program limit that changed the payout (`bit`) or did not."""
    if r.row == "program_gate":
        return f"program gate {'failed' if not r.gate_held else 'met'}: {r.gate}"
    if r.row == "participant_cap":
        return f"participant cap {r.cap_limit}" + ("" if bit else ": not reached")
    if r.row == "sales_cap":
        return f"sales cap {r.cap_limit}" + ("" if bit else ": not reached")
    if bit:
        return f"budget {r.cap_limit}: period total {r.measure} scaled pro-rata"
    return f"budget {r.cap_limit}: not exceeded"


def conditions(r: Row) -> tuple[str, ...]:
    """The component's gate, multipliers and cap, each with whether it held or bit."""
    if r.row != "component":
        return ()
    out = []
    if r.gate is not None:
        if not r.gate_held:
            return (f"gate failed: {r.gate}",)
        out.append(f"gate met: {r.gate}")
    if r.outcome == "no_target":
        return tuple(out)
    if r.multipliers:
        out.append(f"multipliers applied (×{r.multiplier}): {r.multipliers}")
    if r.multipliers_missed:
        out.append(f"multipliers not applied: {r.multipliers_missed}")
    if r.capped is not None:
        out.append(f"capped at {r.cap_limit} (its {r.cap} cap)" if r.capped
                   else f"cap {r.cap_limit} (its {r.cap} cap): not reached")
    return tuple(out)


def _gap(k: Row | None, gap: Decimal) -> str:
    return say_gap(k.gap_unit, k.gap_phrase, gap) if k is not None else f"{gap} more"


def next_step(r: Row, kpis: Mapping[str, Row], items: list[Row]) -> str | None:
    """What it takes to reach the component's next slab (or curve point), if anything."""
    if r.row != "component" or r.shape == "per_invoice" or r.slabs is None:
        return None
    if r.capped:
        return "none: the cap is reached, so a higher slab pays no more"
    if r.next_break is None:
        return "top slab reached"
    to = f"to {'get above' if r.next_above else 'reach'}"
    if r.measure_of == "score":
        parts = [f"{i.kpi}: {_gap(kpis.get(i.kpi), i.gap)}" if i.gap is not None
                 else f"{i.kpi}: cannot reach it alone" for i in items]
        if all(i.gap is None for i in items):
            return None
        return f"{to} a score of {r.next_break} (now {r.measure}): " + "; or ".join(parts)
    if r.gap is None:
        return None
    on = " attainment" if r.measure_of == "attainment" else ""
    return f"{_gap(kpis.get(r.kpi), r.gap)} {to} {r.next_break}{on}"


def _story(rows: list[Row], name: str | None, warnings: tuple[str, ...],
           extra: Mapping[str, tuple[str, ...]]) -> Explanation:
    first = rows[0]
    kpis = {r.kpi: r for r in rows if r.row == "kpi"}
    lines, limits = [], []
    for r in rows:
        if r.row in ("kpi", "score_item"):
            continue
        if r.row in LIMITS and not r.amount:
            limits.append(_limit(r, bit=False))
            continue
        items = [i for i in rows if i.row == "score_item" and i.component == r.component]
        lines.append(ComponentLine(r.component, r.amount, note(r, kpis),
                                   next_step(r, kpis, items),
                                   conditions(r) + extra.get(r.component, ())))
    return Explanation(
        first.program_id, name, first.participant_id, first.period_start, first.period_end,
        tuple(KpiLine(k.kpi, k.actual, k.target, k.attainment, k.target_rule or "",
                      k.formula or "") for k in kpis.values()),
        tuple(lines), sum((c.amount for c in lines), Decimal("0.00")), tuple(limits), warnings)


def stories(rows: Iterable[Row], *, names: Mapping[str, str] | None = None,
            warnings: Mapping[tuple[str, dt.date], tuple[str, ...]] | None = None,
            extra: Mapping[tuple[str, dt.date], Mapping[str, tuple[str, ...]]] | None = None
            ) -> list[Explanation]:
    """One explanation per program, participant and period of `rows` (in the rows' order):
    `names` gives program names, `warnings` lines per (program_id, period_start), `extra`
    more lines under a component (its bills) per (program_id, period_start)."""
    groups: dict[tuple, list[Row]] = {}
    for r in rows:
        groups.setdefault((r.program_id, r.participant_id, r.period_start), []).append(r)
    names, warnings, extra = names or {}, warnings or {}, extra or {}
    return [_story(g, names.get(p), warnings.get((p, start), ()), extra.get((p, start), {}))
            for (p, _pid, start), g in groups.items()]
