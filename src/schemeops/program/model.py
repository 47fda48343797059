"""The program language as typed, frozen pydantic models: what a valid program can say.

A YAML program file is parsed into `Program` (see `parse.py`); the engine trusts it after that.
Expressions (filters, gates) stay as text here and are parsed by `expr.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Ratio = Annotated[Decimal, Field(ge=0)]
Money = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class Spec(BaseModel):
    """Base of every program model: frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- who and when

class Eligibility(Spec):
    """Who takes part: roles, an expression on participant columns, lists, joined before."""

    roles: tuple[Literal["distributor", "dealer", "sub_distributor", "sales_rep", "manager"],
                 ...] = ("distributor",)
    where: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    joined_before: dt.date | None = None


class Recurrence(Spec):
    """Repeat the period: `count` periods of `every_days` days, or of whole months."""

    every_days: int | None = Field(default=None, ge=1)
    every_months: int | None = Field(default=None, ge=1)
    count: int = Field(ge=1, le=60)

    @model_validator(mode="after")
    def _one_unit(self) -> Recurrence:
        if (self.every_days is None) == (self.every_months is None):
            raise ValueError("give exactly one of every_days or every_months")
        return self


class Period(Spec):
    """The first period (inclusive dates), and optionally its recurrences."""

    start: dt.date
    end: dt.date
    recurrence: Recurrence | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


# ---------------------------------------------------------------- KPIs

class KpiBase(Spec):
    """Common KPI fields: id, product and outlet filters, roll-up for managers."""

    id: Id
    products: str | None = None
    outlets: str | None = None
    rollup: Literal["direct", "subtree"] = "direct"


class Volume(KpiBase):
    """Σ quantity or net_amount of matching lines (returns net off)."""

    kind: Literal["volume"]
    measure: Literal["net_amount", "quantity"] = "net_amount"
    source: Literal["secondary", "primary"] = "secondary"


class BilledOutlets(KpiBase):
    """Distinct outlets whose net billed value in the window is ≥ min_value (MBO)."""

    kind: Literal["billed_outlets"]
    min_value: Money = Decimal("0.01")


class BilledChannels(KpiBase):
    """Distinct managed participants whose net billed value is ≥ min_value (MBC)."""

    kind: Literal["billed_channels"]
    min_value: Money = Decimal("0.01")
    source: Literal["primary", "secondary"] = "primary"


class Outstanding(KpiBase):
    """Unpaid primary invoice value: the level at period end, or its reduction over the period."""

    kind: Literal["outstanding"]
    mode: Literal["level", "reduction"] = "level"
    overdue_only: bool = False
    older_than_days: int = Field(default=0, ge=0)


class NetChannelAddition(KpiBase):
    """New outlets minus lost outlets (or only new, or only lost)."""

    kind: Literal["net_channel_addition"]
    lookback_days: int = Field(default=90, ge=1)
    count: Literal["net", "new", "lost"] = "net"


class Upsell(KpiBase):
    """Segment volume, outlets buying a range, complete bundles, or a segment's value share."""

    kind: Literal["upsell"]
    mode: Literal["segment_volume", "range_outlets", "bundle", "mix_share"]
    segment: str | None = None
    measure: Literal["net_amount", "quantity"] = "net_amount"
    min_distinct: int | None = Field(default=None, ge=1)
    distinct_of: Literal["category", "sku"] = "category"
    bundle: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _mode_fields(self) -> Upsell:
        need = {"segment_volume": "segment", "mix_share": "segment",
                "range_outlets": "min_distinct", "bundle": "bundle"}[self.mode]
        if not getattr(self, need):
            raise ValueError(f"mode {self.mode} needs `{need}`")
        return self


class EarlyTier(Spec):
    """Paid in full within `days` of the invoice date earns `rate` of the invoice."""

    days: int = Field(ge=0)
    rate: Ratio


class EarlyPayment(KpiBase):
    """Discount earned on primary invoices paid in full early; earned when the payment lands."""

    kind: Literal["early_payment"]
    tiers: tuple[EarlyTier, ...] = Field(min_length=1)
    pro_rata: bool = False
    settlement: Literal["gross", "net"] = "gross"

    @pydantic.model_serializer(mode="wrap")
    def _without_gross(self, handler: pydantic.SerializerFunctionWrapHandler) -> dict:
        # Programs written before `settlement` existed keep their version (its canonical form).
        out = handler(self)
        if self.settlement == "gross":
            out.pop("settlement", None)
        return out


class ReactivatedOutlets(KpiBase):
    """Outlets billed in the window that were billed before but not in the inactive days."""

    kind: Literal["reactivated_outlets"]
    inactive_min_days: int = Field(default=90, ge=1)
    inactive_max_days: int | None = Field(default=None, ge=1)


class Metric(KpiBase):
    """A generic aggregate of a column or expression over one table, with a filter."""

    kind: Literal["metric"]
    table: Literal["sales", "primary_sales", "payments"]
    agg: Literal["sum", "count", "count_distinct", "min", "max", "avg"]
    expr: str = "1"
    where: str | None = None


Kpi = Annotated[
    Volume | BilledOutlets | BilledChannels | Outstanding | NetChannelAddition | Upsell
    | EarlyPayment | ReactivatedOutlets | Metric,
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------- targets

class Uplift(Spec):
    """Growth over history: a default, overridden by a participant attribute's value."""

    default: Decimal = Decimal("0")
    by: Literal["tier", "region", "channel", "area"] | None = None
    values: dict[str, Decimal] = Field(default_factory=dict)


class Rounding(Spec):
    """Round a target to a multiple of `to`, up, down or to the nearest."""

    to: Decimal = Field(gt=0)
    mode: Literal["up", "down", "nearest"] = "nearest"


class History(Spec):
    """Base a target on the participant's own past: previous period, same period last year,
    or the average of the N periods before."""

    basis: Literal["previous_period", "same_period_last_year", "average"]
    periods: int = Field(default=1, ge=1, le=24)


class Target(Spec):
    """How a KPI's target is set: fixed, from the targets table, or from history × uplift."""

    fixed: Decimal | None = None
    from_table: bool = False
    history: History | None = None
    uplift: Uplift = Uplift()
    floor: Decimal | None = None
    round: Rounding | None = None
    lower_is_better: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> Target:
        given = [self.fixed is not None, self.from_table, self.history is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of fixed, from_table or history")
        return self


# ---------------------------------------------------------------- payouts

class Slab(Spec):
    """A band starting at `from` (inclusive): pays a rate of the base, per unit, a fixed
    amount, or free units."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: Decimal = Field(alias="from", ge=0)
    rate: Decimal | None = Field(default=None, ge=0)
    per_unit: Decimal | None = Field(default=None, ge=0)
    amount: Decimal | None = Field(default=None, ge=0)
    free_units: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_pay(self) -> Slab:
        if sum(v is not None for v in (self.rate, self.per_unit, self.amount,
                                       self.free_units)) != 1:
            raise ValueError("give exactly one of rate, per_unit, amount or free_units")
        return self


class Point(Spec):
    """A curve point: at `x` (attainment or actual), pay `rate` of the base."""

    x: Decimal = Field(ge=0)
    rate: Decimal = Field(ge=0)


class ScoreItem(Spec):
    """One KPI's weight in a scorecard; attainment counted up to `cap`."""

    kpi: Id
    weight: Decimal = Field(gt=0)
    cap: Decimal | None = Field(default=None, gt=0)


class Multiplier(Spec):
    """Multiply the component's amount by `factor` when the condition holds."""

    when: str
    factor: Decimal = Field(ge=0)


class Cap(Spec):
    """A ceiling: a fixed amount, and/or a rate of a KPI's actual (e.g. 3% of sales)."""

    amount: Money | None = None
    rate: Decimal | None = Field(default=None, ge=0)
    of: Id | None = None

    @model_validator(mode="after")
    def _some(self) -> Cap:
        if self.amount is None and self.rate is None:
            raise ValueError("give amount, or rate with of")
        if (self.rate is None) != (self.of is None):
            raise ValueError("rate and of go together")
        return self


class FreeUnits(Spec):
    """Free units are of this SKU, valued at its unit_price; rounded down unless told."""

    sku: str
    rounding: Literal["down", "nearest", "up"] = "down"


class CatchUp(Spec):
    """Release a missed payout in one of the next `within` recurrences once the cumulative
    target is met."""

    within: int = Field(ge=1, le=12)


class Component(Spec):
    """One payout rule: what it measures, how that maps to money, and its conditions."""

    id: Id
    kpi: Id | None = None
    scorecard: tuple[ScoreItem, ...] = ()
    on: Literal["actual", "attainment"] = "attainment"
    base: Id | None = None
    mode: Literal["step", "marginal"] = "step"
    slabs: tuple[Slab, ...] = ()
    curve: tuple[Point, ...] = ()
    fixed: Money | None = None
    free: FreeUnits | None = None
    gate: str | None = None
    multipliers: tuple[Multiplier, ...] = ()
    cap: Cap | None = None
    catch_up: CatchUp | None = None

    @model_validator(mode="after")
    def _shape(self) -> Component:
        if (self.kpi is None) == (not self.scorecard):
            raise ValueError("give exactly one of kpi or scorecard")
        if sum([bool(self.slabs), bool(self.curve), self.fixed is not None]) != 1:
            raise ValueError("give exactly one of slabs, curve or fixed")
        froms = [s.from_ for s in self.slabs]
        if froms != sorted(set(froms)):
            raise ValueError("slab `from` values must increase")
        xs = [p.x for p in self.curve]
        if xs != sorted(set(xs)):
            raise ValueError("curve points must have increasing x")
        if self.curve and len(self.curve) < 2:
            raise ValueError("a curve needs at least two points")
        if self.mode == "marginal" and (self.on != "actual" or self.base is not None
                                        or self.scorecard):
            raise ValueError("marginal slabs pay each band of the KPI's own actual: use "
                             "on: actual and no base")
        if self.scorecard and (total := sum(i.weight for i in self.scorecard)) != 1:
            raise ValueError(f"scorecard weights add up to {total}, not 1: give each KPI its "
                             "share (50% is 0.5)")
        if self.catch_up is not None and self.kpi is None:
            raise ValueError("catch_up needs a component on one KPI (not a scorecard)")
        if self.scorecard and self.base is None and any(
                s.rate is not None or s.per_unit is not None for s in self.slabs):
            raise ValueError("a scorecard paying a rate or per unit needs `base`: the KPI "
                             "whose actual the rate applies to")
        if any(s.free_units is not None for s in self.slabs) and self.free is None:
            raise ValueError("free_units slabs need `free: {sku: …}`")
        return self


class Caps(Spec):
    """Program-level ceilings: per participant, as a share of its sales, the total budget."""

    participant: Money | None = None
    sales_rate: Decimal | None = Field(default=None, ge=0)
    sales_kpi: Id | None = None
    budget: Money | None = None

    @model_validator(mode="after")
    def _sales(self) -> Caps:
        if (self.sales_rate is None) != (self.sales_kpi is None):
            raise ValueError("sales_rate and sales_kpi go together")
        return self


class Program(Spec):
    """A whole incentive program: who, when, what is measured, targets, payouts, caps."""

    id: Id
    name: str
    goal: str | None = None
    participants: Eligibility = Eligibility()
    period: Period
    kpis: tuple[Kpi, ...] = Field(min_length=1)
    targets: dict[str, Target] = Field(default_factory=dict)
    components: tuple[Component, ...] = Field(min_length=1)
    gate: str | None = None
    caps: Caps = Caps()

    def kpi(self, kpi_id: str) -> Kpi:
        """The KPI called `kpi_id`."""
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        raise KeyError(kpi_id)
