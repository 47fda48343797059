"""Payout components as Ibis expressions over the per-participant-period table of KPI results.

The table has, per KPI k: `a__k` (actual), `t__k` (target, NULL if none) and `att__k`
(attainment, exact to 6 places). A component maps them to money: slabs (step or marginal),
a curve, or a fixed amount; then its gate, multipliers, rounding (half-up, 2 places) and cap.
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass
from decimal import Decimal

import ibis
import ibis.expr.types as ir

from schemeops.engine.conditions import ExactConditions
from schemeops.engine.exact import (
    as_dec,
    dec,
    div_half_up,
    either,
    floor_to,
    largest,
    mul,
    pick,
    round_half_up,
    smallest,
)
from schemeops.engine.formula import empty_formula
from schemeops.engine.shapes import (
    NOTE_NO_INCENTIVE,
    incentive_bands,
    incentive_column,
    lot_units,
)
from schemeops.program.model import Component, Multiplier, Program, Slab

MONEY = "decimal(28,2)"
ZERO = dec("0.00")
#: The staged column holding a scorecard's score (see `ComponentCompiler.compile`).
SCORE = "_score"
#: How a component's note starts or goes on when it is gated, capped, without target or a
#: catch-up (the same facts are typed in explanations.csv: nothing reads notes back).
NOTE_GATE_FAILED = "gate failed: "
NOTE_CAPPED = "; capped at "
NOTE_NO_TARGET = "no target"
NOTE_CATCH_UP = "catch-up of the amount missed in period "
#: The wide table's columns of a `per: invoice` component (`per_invoice.with_invoice_pay`):
#: Σ of the bills' rounded amounts, Σ of their positive values, bills paid, bills.
BILLS_AMOUNT, BILLS_BASE, BILLS_PAID, BILLS_COUNT = "_bills_amount", "_bills_base", \
    "_bills_paid", "_bills_count"


@dataclass(frozen=True)
class Facts:
    """How one component's amount came about, as typed values for explanations.csv (None
    where the component has no such part: no gate, no multipliers, no cap)."""

    outcome: ir.StringValue
    gate_held: ir.BooleanValue | None = None
    multiplier: ir.DecimalValue | None = None
    applied: ir.StringValue | None = None
    missed: ir.StringValue | None = None
    capped: ir.BooleanValue | None = None
    cap: ir.StringValue | None = None
    cap_limit: ir.DecimalValue | None = None


@dataclass(frozen=True)
class ComponentResult:
    """The columns one component adds to components.csv, and its typed facts, all to be
    selected from `table` (the wide table with the component's staged columns)."""

    table: ir.Table
    base: ir.DecimalValue
    rate: ir.StringValue
    amount: ir.DecimalValue
    note: ir.StringValue
    facts: Facts


def _text(value: ir.Value) -> ir.StringValue:
    return value.cast("string")


def _money_text(value: ir.DecimalValue) -> ir.StringValue:
    return as_dec(value, 2).cast("string")


def plain(value: Decimal) -> str:
    """A program's number as written, never in exponent form (`1e1` is `10`)."""
    return format(value, "f")


def multiplier_note(m: Multiplier) -> str:
    """What a multiplier that applied adds to the component's note."""
    return f"; ×{plain(m.factor)} ({m.when})"


def kpi_call(w: ir.Table, program: Program):
    """The `call` that gate expressions use: actual(k), target(k), attainment(k)."""
    def call(name: str, kpi_id: str) -> ir.Value:
        prefix = {"actual": "a", "target": "t", "attainment": "att"}[name]
        return w[f"{prefix}__{kpi_id}"]
    return call


class ComponentCompiler:
    """Builds one component's columns on the wide table `w`."""

    def __init__(self, program: Program, component: Component, w: ir.Table,
                 unit_prices: dict[str, ir.DecimalValue]) -> None:
        self.p, self.c, self.w = program, component, w
        self.unit_prices = unit_prices

    # ---------------------------------------------------------------- the measure
    def _actual(self, kpi_id: str) -> ir.DecimalValue:
        return self.w[f"a__{kpi_id}"]

    def _target(self, kpi_id: str) -> ir.DecimalValue:
        return self.w[f"t__{kpi_id}"]

    def _lower_is_better(self, kpi_id: str) -> bool:
        rule = self.p.targets.get(kpi_id)
        return bool(rule and rule.lower_is_better)

    def _has_target(self) -> ir.BooleanValue:
        if self.c.scorecard:
            return ibis.and_(*[self._target(i.kpi).notnull() & (self._target(i.kpi) > 0)
                               for i in self.c.scorecard])
        t = self._target(self.c.kpi)
        return t.notnull() & (t > 0)

    def score_parts(self) -> list[ir.DecimalValue]:
        """Each scorecard item's part of the score: its attainment (up to its cap) × weight."""
        parts = []
        for item in self.c.scorecard:
            att = self.w[f"att__{item.kpi}"].fill_null(dec(0, 6))
            if item.cap is not None:
                att = smallest(att, as_dec(dec(item.cap), 6))
            parts.append(mul(att, dec(item.weight)))
        return parts

    def score(self) -> ir.DecimalValue:
        """The scorecard's score: the sum of its parts (the staged column once `compile` has
        made it)."""
        if SCORE in self.w.columns:
            return self.w[SCORE]
        parts = self.score_parts()
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        return total

    def reaches(self, x: Decimal, strict: bool = False) -> ir.BooleanValue:
        """Whether the measure is at or above `x` (a break exactly met takes the higher slab),
        or strictly above it (`above:`)."""
        c = self.c
        past = operator.gt if strict else operator.ge
        if c.scorecard:
            return past(self.score(), dec(x))
        a = self._actual(c.kpi)
        if c.on == "actual":
            return past(a, dec(x))
        t = self._target(c.kpi)
        if self._lower_is_better(c.kpi):
            return past(t, mul(dec(x), a)).fill_null(False)
        return past(a, mul(dec(x), t)).fill_null(False) & (t > 0)

    def target_met(self) -> ir.BooleanValue:
        """Attainment ≥ 1, whatever the component's `on` (scorecards: score ≥ 1)."""
        if self.c.scorecard:
            return self.score() >= dec(1)
        a, t = self._actual(self.c.kpi), self._target(self.c.kpi)
        met = (t >= a) if self._lower_is_better(self.c.kpi) else (a >= t)
        return met.fill_null(False) & (t > 0)

    def measure_text(self) -> ir.StringValue:
        """How far the participant got, for notes."""
        if self.c.scorecard:
            return ibis.literal("score ") + _text(self.score())
        if self.c.on == "actual":
            return ibis.literal("actual ") + _text(self._actual(self.c.kpi))
        return ibis.literal("attainment ") + _text(
            self.w[f"att__{self.c.kpi}"].fill_null(dec(0, 6)))

    def base(self) -> ir.DecimalValue:
        """What rates apply to: the `base` KPI's actual, else the component's own KPI."""
        kpi_id = self.c.base or self.c.kpi
        if kpi_id is None:
            return ZERO
        return self._actual(kpi_id)

    # ---------------------------------------------------------------- payout shapes
    def _slab_pay(self, s: Slab, base: ir.DecimalValue) -> ir.DecimalValue:
        if s.rate is not None:
            return mul(base, dec(s.rate))
        if s.per_unit is not None:
            return mul(base, dec(s.per_unit))
        if s.amount is not None:
            return dec(s.amount)
        if s.pct_of_incentive is not None:
            return mul(self.w[incentive_column(self.c.id)], dec(s.pct_of_incentive))
        if s.lot is not None:
            return self._free_value(lot_units(base, s))
        return self._free_value(mul(base, dec(s.free_units)))

    def _free_value(self, units: ir.DecimalValue) -> ir.DecimalValue:
        """Free units, rounded as the program says (down by default), at the SKU's price."""
        units = {"down": floor_to(units, 0), "nearest": round_half_up(units, 0),
                 "up": -floor_to(-units, 0)}[self.c.free.rounding]
        return mul(units, self.unit_prices[self.c.free.sku].fill_null(dec("0.00")))

    @staticmethod
    def _slab_rate(s: Slab) -> str:
        if s.lot is not None:
            return f"{plain(s.free)} per {plain(s.lot)}"
        for v in (s.rate, s.per_unit, s.amount, s.free_units, s.pct_of_incentive):
            if v is not None:
                return plain(v)
        return ""

    def _step(self, base: ir.DecimalValue) -> tuple[ir.Value, ir.Value, ir.Value]:
        slabs = list(enumerate(self.c.slabs, 1))
        n = len(slabs)
        cases = [(self.reaches(s.start, s.strict), (self._slab_pay(s, base), i, s))
                 for i, s in reversed(slabs)]
        amount = pick(*[(cond, pay) for cond, (pay, _i, _s) in cases], else_=ZERO)
        rate = ibis.cases(*[(cond, ibis.literal(self._slab_rate(s))) for cond, (_p, _i, s)
                            in cases], else_=ibis.null("string"))
        note = ibis.cases(*[(cond, ibis.literal(f"slab {i} of {n} ({_break(s)})"))
                            for cond, (_p, i, s) in cases],
                          else_=self._below_first())
        return amount, rate, note

    def _below_first(self) -> ir.StringValue:
        return ibis.literal(f"below the first slab ({_break(self.c.slabs[0])})")

    def _marginal(self) -> tuple[ir.Value, ir.Value | None, ir.Value, ir.Value]:
        slabs = self.c.slabs
        if self.c.on == "attainment":  # bands of attainment, each a share of the incentive
            a, t = self._actual(self.c.kpi), self._target(self.c.kpi)
            measure, per = (t, a) if self._lower_is_better(self.c.kpi) else (a, t)
            total, den = incentive_bands(slabs, measure, per,
                                         self.w[incentive_column(self.c.id)])
        else:
            total, den = self._marginal_amount(), None
        rates = ", ".join(f"{self._slab_rate(s)} {_break(s)}" for s in slabs)
        note = ibis.ifelse(self.reaches(slabs[0].start, slabs[0].strict),
                           ibis.literal("marginal: each band at its own rate"),
                           self._below_first())
        return total, den, ibis.literal(rates), note

    def _marginal_amount(self) -> ir.DecimalValue:
        """Each band of the actual at its own rate (free units added, then rounded once)."""
        a = self._actual(self.c.kpi)
        slabs = self.c.slabs
        total, units = ZERO, None  # free units of every band are added, then rounded once
        for i, s in enumerate(slabs):
            lo = dec(s.start)
            top = smallest(a, dec(slabs[i + 1].start)) if i + 1 < len(slabs) else a
            band = largest(top - lo, dec(0))
            if s.free_units is not None or s.lot is not None:
                more = mul(band, dec(s.free_units)) if s.lot is None else lot_units(band, s)
                units = more if units is None else units + more
                continue
            pay = self._slab_pay(s, band) if s.amount is None else either(
                self.reaches(s.start, s.strict), dec(s.amount), ZERO)
            total = total + pay
        if units is not None:
            total = total + self._free_value(units)
        return total

    def _per_invoice(self) -> tuple[ir.Value, ir.Value, ir.Value]:
        """The bills' amounts, each already rounded, as one sum (see engine/per_invoice.py)."""
        w = self.w
        rates = ", ".join(f"{self._slab_rate(s)} {_break(s)}" for s in self.c.slabs)
        note = (ibis.literal("per invoice: ") + _text(w[BILLS_PAID]) + ibis.literal(" of ")
                + _text(w[BILLS_COUNT]) + ibis.literal(" invoices paid"))
        return w[BILLS_AMOUNT], ibis.literal(rates), note

    def _curve(self, base: ir.DecimalValue
               ) -> tuple[ir.Value, ir.Value, ir.Value, ir.Value]:
        """The exact amount as numerator and denominator (rounded once, after multipliers)."""
        pts = self.c.curve
        a = self._actual(self.c.kpi) if not self.c.scorecard else self.score()
        t = dec(1) if (self.c.on == "actual" or self.c.scorecard) else self._target(self.c.kpi)
        if self.c.on == "attainment" and not self.c.scorecard and self._lower_is_better(
                self.c.kpi):
            a, t = t, a  # attainment is target ÷ actual

        money = pts[0].amount is not None  # points pay amounts, not rates of the base

        def scaled(v: ir.DecimalValue) -> ir.DecimalValue:
            return v if money else mul(base, v)

        last = pts[-1]
        cases = [(self.reaches(last.start, last.strict), scaled(dec(last.pay)), dec(1))]
        for p0, p1 in reversed(list(itertools.pairwise(pts))):
            dx, dr = p1.start - p0.start, p1.pay - p0.pay
            # base × (r0 + dr·(a/t − x0)/dx) = base·(r0·dx·t + dr·(a − x0·t)) / (dx·t)
            num = scaled(mul(dec(p0.pay * dx), t) + mul(dec(dr), a - mul(dec(p0.start), t)))
            cases.append((self.reaches(p0.start, p0.strict), num, mul(dec(dx), t)))
        num = pick(*[(cond, n) for cond, n, _d in cases], else_=ZERO)
        den = pick(*[(cond, d) for cond, _n, d in cases], else_=dec(1))
        pay = f"amount {plain(last.pay)}" if money else f"rate {plain(last.pay)}"
        note = ibis.cases(
            (self.reaches(last.start, last.strict),
             ibis.literal(f"at or past the curve's last point: {pay} (")
             + self.measure_text() + ibis.literal(")")),
            (self.reaches(pts[0].start, pts[0].strict), ibis.literal("curve, interpolated at ")
             + self.measure_text()),
            else_=ibis.literal(f"below the curve's start ({plain(pts[0].start)})"))
        return num, den, ibis.literal("curve"), note

    def _fixed(self) -> tuple[ir.Value, ir.Value, ir.Value]:
        if self.c.kpi and self.c.kpi not in self.p.targets and not self.c.scorecard:
            return dec(self.c.fixed), ibis.null("string"), ibis.literal("fixed amount")
        met = self.target_met()
        return (either(met, dec(self.c.fixed), ZERO), ibis.null("string"),
                ibis.ifelse(met, ibis.literal("target met: fixed amount"),
                            ibis.literal("target not met")))

    # ---------------------------------------------------------------- the whole component
    def compile(self) -> ComponentResult:
        """Amount (rounded half-up to 2 places), base, rate and the note explaining it.

        What is read several times (the score, each multiplier's condition, the rounded
        amount, the gate, the cap's limit) is staged as a column of `self.w`, so that the
        SQL writes it once."""
        c = self.c
        staged = {SCORE: self.score()} if c.scorecard else {}
        staged |= {f"_hit{j}": ExactConditions(self.p, self.w).compile(m.when).fill_null(False)
                   for j, m in enumerate(c.multipliers)}
        if staged:
            self.w = self.w.mutate(**staged)
        base = self.base() if c.per is None else self.w[BILLS_BASE]
        den = None  # a curve's amount is a quotient, divided (and rounded) last
        if c.per is not None:
            raw, rate, note = self._per_invoice()
        elif c.slabs and c.mode == "marginal":
            raw, den, rate, note = self._marginal()
        elif c.slabs:
            raw, rate, note = self._step(base)
        elif c.curve:
            raw, den, rate, note = self._curve(base)
        else:
            raw, rate, note = self._fixed()
        outcome = self._shape_outcome()
        facts: dict[str, ir.Value] = {}
        product, applied, missed = None, [], []
        for j, m in enumerate(c.multipliers):
            hit = self.w[f"_hit{j}"]
            product = mul(dec(1) if product is None else product,
                          either(hit, dec(m.factor), dec(1)))
            said = ibis.literal(multiplier_note(m))
            applied.append(ibis.ifelse(hit, said, ibis.literal("")))
            missed.append(ibis.ifelse(hit, ibis.literal(""), said))
            if den is None:
                raw = mul(raw, either(hit, dec(m.factor), dec(1)))
            else:  # factor = digits ÷ 10^places: the numerator keeps its scale
                digits, places = _fraction(m.factor)
                raw = mul(raw, either(hit, dec(digits), dec(1)))
                den = mul(den, either(hit, dec(10**places), dec(1)))
            note = note + applied[-1]
        later = {"_amount": round_half_up(raw, 2) if den is None else div_half_up(raw, den, 2)}
        if c.gate:
            later["_gate"] = ExactConditions(self.p, self.w).compile(c.gate).fill_null(False)
        if c.cap is not None:
            later["_cap"] = self._cap_limit()
        self.w = self.w.mutate(**later)
        amount = self.w._amount
        negative = amount < 0  # rates are ≥ 0: only a negative base (returns over sales)
        note = ibis.ifelse(negative, note + ibis.literal(
            "; negative base (returns over sales): pays 0"), note)
        amount = either(negative, ZERO, amount)
        outcome = ibis.ifelse(negative, ibis.literal("negative_base"), outcome)
        if c.free is not None:
            price = self.unit_prices[c.free.sku]
            note = ibis.ifelse(price.isnull(), note + ibis.literal(
                f"; free SKU {c.free.sku} has no unit_price: not valued"), note)
        if c.target_incentive is not None:
            known = self.w[incentive_column(c.id)].notnull()
            amount = either(known, amount, ZERO)
            note = ibis.ifelse(known, note, ibis.literal(NOTE_NO_INCENTIVE))
            outcome = ibis.ifelse(known, outcome, ibis.literal("no_incentive"))
        needs_target = c.on == "attainment" or bool(c.scorecard)
        if needs_target:
            amount = either(self._has_target(), amount, ZERO)
            note = ibis.ifelse(self._has_target(), note, ibis.literal(NOTE_NO_TARGET))
            outcome = ibis.ifelse(self._has_target(), outcome, ibis.literal("no_target"))
        if c.gate:
            ok = self.w._gate
            amount = either(ok, amount, ZERO)
            note = ibis.ifelse(ok, note, ibis.literal(f"{NOTE_GATE_FAILED}{c.gate}"))
            outcome = ibis.ifelse(ok, outcome, ibis.literal("gate_failed"))
            facts["gate_held"] = ok
        if c.cap is not None:
            limit = self.w._cap
            capped = amount > limit
            facts |= {"capped": capped, "cap_limit": limit, "cap": self._which_cap(limit)}
            note = ibis.ifelse(capped, note + ibis.literal(NOTE_CAPPED) + _money_text(limit),
                               note)
            amount = either(capped, limit, amount)
        empty = empty_formula(self.p, c, self.w)
        if empty is not None:  # a formula that divided by zero has no actual to pay on
            amount = either(empty[0], ZERO, amount)
            note = ibis.ifelse(empty[0], empty[1], note)
            outcome = ibis.ifelse(empty[0], ibis.literal("empty_formula"), outcome)
            if "capped" in facts:
                facts["capped"] = facts["capped"] & ~empty[0]
        if product is not None:
            facts |= {"multiplier": product, "applied": _listed(applied),
                      "missed": _listed(missed)}
        return ComponentResult(table=self.w, base=as_dec(base, _scale(base)), rate=rate,
                               amount=as_dec(amount, 2), note=note,
                               facts=Facts(outcome=outcome, **facts))

    def _cap_limit(self) -> ir.DecimalValue:
        """The component's cap: its amount, its rate of a KPI's actual (half-up, ≥ 0), or the
        lower of the two."""
        cap, limits = self.c.cap, []
        if cap.amount is not None:
            limits.append(dec(cap.amount))
        if cap.rate is not None:
            limits.append(largest(round_half_up(mul(self._actual(cap.of), dec(cap.rate)), 2),
                                  ZERO))
        return as_dec(limits[0] if len(limits) == 1 else smallest(*limits), 2)

    def _which_cap(self, limit: ir.DecimalValue) -> ir.StringValue:
        """Which of the component's caps is its limit: `amount`, or `rate` of a KPI (the
        amount when both give the same)."""
        cap = self.c.cap
        if cap.rate is None or cap.amount is None:
            return ibis.literal("amount" if cap.amount is not None else "rate")
        return ibis.ifelse(limit == as_dec(dec(cap.amount), 2), ibis.literal("amount"),
                           ibis.literal("rate"))

    def _shape_outcome(self) -> ir.StringValue:
        """`paid`, or why the shape itself pays nothing: below the first slab or curve point,
        or (a fixed amount on a target) the target not met."""
        c = self.c
        first = (c.slabs or c.curve or (None,))[0]
        if c.per is None and first is not None:
            return ibis.ifelse(self.reaches(first.start, first.strict), ibis.literal("paid"),
                               ibis.literal("below_first"))
        if c.fixed is not None and not (c.kpi and c.kpi not in self.p.targets
                                        and not c.scorecard):
            return ibis.ifelse(self.target_met(), ibis.literal("paid"),
                               ibis.literal("target_not_met"))
        return ibis.literal("paid")


def _listed(pieces: list[ir.StringValue]) -> ir.StringValue:
    """Multiplier notes (each `; ×f (when)`) joined, without the leading `; `; NULL when
    there are none."""
    text = pieces[0]
    for p in pieces[1:]:
        text = text + p
    return ibis.ifelse(text == "", ibis.null("string"), text.substr(2))


def _break(s: Slab) -> str:
    """Where a slab starts, as the program says it (`from 10000`, `above 0.95`)."""
    return f"{'above' if s.strict else 'from'} {plain(s.start)}"


def _fraction(value: Decimal) -> tuple[int, int]:
    """`value` as digits ÷ 10^places, both whole (1.25 → (125, 2))."""
    sign, digits, exp = value.as_tuple()
    n = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    return (n, -exp) if exp < 0 else (n * 10**exp, 0)


def _scale(value: ir.Value) -> int:
    t = value.type()
    return t.scale if t.is_decimal() else 0
