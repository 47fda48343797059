"""Explain one participant's payout in words and numbers: each KPI's actual and how its target
was set, each component's slab, gate, multipliers and cap, and what the next slab takes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import ibis

from schemeops.engine.data import Data
from schemeops.engine.kpis import down_text, gap_text, kpi_scale
from schemeops.engine.kpis.kind import money
from schemeops.engine.payouts import (
    NOTE_CAPPED,
    NOTE_CATCH_UP,
    NOTE_GATE_FAILED,
    NOTE_NO_TARGET,
    multiplier_note,
    plain,
)
from schemeops.engine.per_invoice import bill_story, paid_bills
from schemeops.engine.runner import ProgramResult, calculate_program
from schemeops.engine.settlement import participant_warnings
from schemeops.errors import did_you_mean
from schemeops.program.model import Component, Kpi, Program, Target


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
    """One component's outcome, and what it takes to reach its next slab."""

    component: str
    amount: Decimal
    note: str
    next_step: str | None
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """A participant's story in one program and period."""

    program: Program
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
        p = self.program
        out = [f"{p.name} ({p.id}) — {self.participant_id}, "
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


def describe_target(rule: Target) -> str:
    """How a target is set, in words."""
    if rule.fixed is not None:
        text = f"fixed {rule.fixed}"
    elif rule.from_table:
        text = "from the targets table"
    else:
        h = rule.history
        basis = {"previous_period": "previous period's actual",
                 "same_period_last_year": "same period last year",
                 "average": f"average of the {h.periods} periods before"}[h.basis]
        up = rule.uplift
        text = f"{basis} × (1 + {up.default})"
        if up.by and up.values:
            text += f", uplift by {up.by}: " + ", ".join(f"{k} {v}" for k, v in
                                                         sorted(up.values.items()))
    if rule.floor is not None:
        text += f", at least {rule.floor}"
    if rule.round is not None:
        text += f", rounded {rule.round.mode} to {rule.round.to}"
    if rule.lower_is_better:
        text += ", lower is better"
    return text


def _step_down(kpi: Kpi, breaks: list[Decimal], actual: Decimal,
               target: Decimal | None) -> str | None:
    """The next slab when lower is better: the actual must come down to target ÷ break."""
    if target is None or target <= 0:
        return None
    for b in breaks:
        if b > 0 and actual * b > target:
            gap = money(actual - target / b)
            return f"{down_text(kpi)} {gap:,} to reach {b} attainment"
    return "top slab reached"


def next_step(program: Program, c: Component, actual: Decimal,
              target: Decimal | None) -> str | None:
    """What it takes to reach the component's next slab (or curve point), if anything."""
    if c.scorecard or c.kpi is None or actual is None:  # None: a formula divided by zero
        return None
    kpi = program.kpi(c.kpi)
    rule = program.targets.get(c.kpi)
    marks = [(s.start, s.strict) for s in c.slabs] or [(p.start, p.strict) for p in c.curve] \
        or ([(Decimal(1), False)] if c.fixed is not None and rule else [])
    breaks = [b for b, _strict in marks]
    if rule and rule.lower_is_better and (c.on == "attainment" or c.fixed is not None):
        return _step_down(kpi, breaks, actual, target)
    for b, strict in marks:
        if c.on == "attainment" or (c.fixed is not None and rule):
            if target is None or target <= 0:
                return None
            needed = b * target
        else:
            needed = b
        if strict:  # `above`: the first value the actual can take past the break
            unit = Decimal(1).scaleb(-kpi_scale(kpi))
            needed = (needed / unit).to_integral_value(ROUND_FLOOR) * unit + unit
        if actual < needed:
            return f"{gap_text(kpi, needed - actual)} to {'get above' if strict else 'reach'} " \
                f"{b}" + (" attainment" if c.on == "attainment" else "")
    return "top slab reached"


def conditions(c: Component, note: str) -> tuple[str, ...]:
    """The component's gate, multipliers and cap, each with whether it held (read from the
    note the calculation wrote)."""
    if note.startswith(NOTE_CATCH_UP):
        return ()
    out = []
    if c.gate:
        if note.startswith(NOTE_GATE_FAILED):
            return (f"{NOTE_GATE_FAILED}{c.gate}",)
        out.append(f"gate met: {c.gate}")
    if note == NOTE_NO_TARGET:
        return tuple(out)
    for m in c.multipliers:
        hit = multiplier_note(m) in note
        out.append(f"×{plain(m.factor)} {'applied' if hit else 'not applied'}: {m.when}")
    if c.cap is not None:
        if NOTE_CAPPED in note:
            out.append(note[note.index(NOTE_CAPPED) + 2:])
        else:
            parts = ([f"{c.cap.amount:.2f}"] if c.cap.amount is not None else []) + (
                [f"{plain(c.cap.rate)} of {c.cap.of}"] if c.cap.rate is not None else [])
            out.append(f"cap {' and '.join(parts)}: not reached")
    return tuple(out)


def program_limits(program: Program, biting: set[str]) -> tuple[str, ...]:
    """The program's gate and caps that did not change the payout (those that did have their
    own adjustment line)."""
    caps, out = program.caps, []
    if program.gate and "program_gate" not in biting:
        out.append(f"program gate met: {program.gate}")
    if caps.participant is not None and "participant_cap" not in biting:
        out.append(f"participant cap {plain(caps.participant)}: not reached")
    if caps.sales_rate is not None and "sales_cap" not in biting:
        out.append(f"cap of {plain(caps.sales_rate)} of {caps.sales_kpi}: not reached")
    if caps.budget is not None and "budget" not in biting:
        out.append(f"budget {plain(caps.budget)}: not exceeded")
    return tuple(out)


def explain(program: Program, data: Data, con: ibis.BaseBackend, participant_id: str, *,
            as_of: dt.date | None = None) -> list[Explanation]:
    """The participant's explanation for each period of the program (empty if not eligible)."""
    r: ProgramResult = calculate_program(program, data, as_of=as_of)
    w = con.to_pyarrow(r.wide.filter(r.wide.participant_id == participant_id)).to_pylist()
    comps = con.to_pyarrow(r.components.filter(r.components.participant_id == participant_id)
                           .order_by(["period_no", "_order"])).to_pylist()
    bills = {c.id: con.to_pyarrow(paid_bills(program, c, data, r.windows, participant_id))
             .to_pylist() for c in program.components if c.per is not None}
    warned = participant_warnings(r, data, con, participant_id)
    out = []
    for row in sorted(w, key=lambda x: x["period_no"]):  # one per period of one participant
        kpis = tuple(
            KpiLine(k.id, row[f"a__{k.id}"], row[f"t__{k.id}"], row[f"att__{k.id}"],
                    describe_target(program.targets[k.id]) if k.id in program.targets else "",
                    getattr(k, "expr", "") if k.kind == "formula" else "")
            for k in program.kpis)
        by_id = {c.id: c for c in program.components}
        lines = []
        for c in (x for x in comps if x["period_no"] == row["period_no"]):
            spec = by_id.get(c["component"])
            step = None
            if spec is not None and NOTE_CAPPED in c["note"]:
                step = "none: the cap is reached, so a higher slab pays no more"
            elif spec is not None and spec.per is None:  # per bill: no one next slab
                step = next_step(program, spec, row[f"a__{spec.kpi}"] if spec.kpi else
                                 Decimal(0), row[f"t__{spec.kpi}"] if spec.kpi else None)
            paid = bill_story([b for b in bills.get(c["component"], ())
                               if b["period_no"] == row["period_no"]])
            lines.append(ComponentLine(c["component"], c["amount"], c["note"], step,
                                       (conditions(spec, c["note"]) if spec else ()) + paid))
        biting = {x.component for x in lines if x.component not in by_id}
        out.append(Explanation(program, participant_id, row["period_start"], row["period_end"],
                               kpis, tuple(lines), sum((c.amount for c in lines), Decimal(0)),
                               program_limits(program, biting),
                               warned.get(row["period_no"], ())))
    return out


def why_no_story(program: Program, data: Data, con: ibis.BaseBackend,
                 participant_id: str) -> str:
    """Why `explain` has nothing for the participant: an unknown id (with close ids), or the
    eligibility rule that leaves it out."""
    p = data.participants
    found = con.to_pyarrow(p.filter(p.participant_id == participant_id)
                           .select("role", "joined_on", "left_on")).to_pylist()
    if not found:
        ids = con.to_pyarrow(p.select("participant_id")).column(0).to_pylist()
        hint = did_you_mean(participant_id, ids)
        return f"no participant `{participant_id}` in the warehouse" + (f"; {hint}" if hint
                                                                        else "")
    row, rule = found[0], program.participants
    why = "it is left out for every period"
    if participant_id in rule.exclude:
        why = "it is in `participants.exclude`"
    elif row["left_on"] is not None and row["left_on"] < program.period.start:
        why = f"it left on {row['left_on']}, before the program started"
    elif participant_id in rule.include:
        pass
    elif row["role"] not in rule.roles:
        why = f"a {row['role']}, and it takes {', '.join(rule.roles)}"
    elif rule.joined_before and row["joined_on"] is not None \
            and row["joined_on"] >= rule.joined_before:
        why = f"it joined on {row['joined_on']}, not before {rule.joined_before}"
    elif rule.where:
        why = f"it does not match `where: {rule.where}`"
    return f"{participant_id} is not eligible for {program.id}: {why}"
