"""The program language as typed, frozen pydantic models: what a valid program can say.

A YAML program file is parsed into `Program` (see `parse.py`); the engine trusts it after that.
Expressions (filters, gates) stay as text here and are parsed by `expr.py`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemeops.program.guard_keys import Guards

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
#: A participant list's id, as loaded in the warehouse table `participant_lists`.
ListId = Annotated[str, Field(min_length=1, max_length=100)]
Ratio = Annotated[Decimal, Field(ge=0)]
#: The largest rate or factor (100 = 10,000 %): larger is a typo, and its products would
#: leave the engine's exact decimal range.
MAX_RATE = 100
Money = Annotated[Decimal, Field(ge=0, decimal_places=2)]
#: A display name or unit, as a distributor reads it on the portal (`program/display.py`).
Label = Annotated[str, Field(min_length=1, max_length=80)]
Unit = Annotated[str, Field(min_length=1, max_length=20)]


def _absent(value: object) -> bool:
    return value is None


def later(**constraints: object) -> Any:
    """An optional key added to the language after programs were first versioned: left out
    of the canonical form (`program_version`) when absent, so every earlier program keeps
    its version as the language grows."""
    return Field(default=None, exclude_if=_absent, **constraints)


def _none(value: object) -> bool:
    return not value


def later_list() -> Any:
    """A list added to the language after programs were first versioned: left out of the
    canonical form when empty (see `later`)."""
    return Field(default=(), exclude_if=_none)


def _off(value: object) -> bool:
    return value is False


def later_flag() -> Any:
    """A switch added to the language after programs were first versioned: left out of the
    canonical form when off (see `later`)."""
    return Field(default=False, exclude_if=_off)


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
    #: Ids of lists in the warehouse table `participant_lists`: their participants take
    #: part regardless, as if listed in `include` (`exclude_lists`: never, as `exclude`).
    include_lists: tuple[ListId, ...] = later_list()
    exclude_lists: tuple[ListId, ...] = later_list()


class Recurrence(Spec):
    """Repeat the period: `count` periods of `every_days` days, or of whole months."""

    every_days: int | None = Field(default=None, ge=1, le=366)
    every_months: int | None = Field(default=None, ge=1, le=12)
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

class KpiWindow(Spec):
    """Measure a KPI over a window other than its period, ending on the period's last day:
    to date (since the program's, calendar year's, April fiscal year's or quarter's start),
    or the last `days` days."""

    to_date: Literal["program", "year", "fiscal_year", "quarter"] | None = None
    days: int | None = Field(default=None, ge=1, le=3660)

    @model_validator(mode="after")
    def _one(self) -> KpiWindow:
        if (self.to_date is None) == (self.days is None):
            raise ValueError("give exactly one of to_date or days")
        return self


class KpiBase(Spec):
    """Common KPI fields: id, product and outlet filters, roll-up for managers."""

    id: Id
    products: str | None = None
    outlets: str | None = None
    rollup: Literal["direct", "subtree"] = "direct"
    window: KpiWindow | None = later()
    label: Label | None = later()
    unit: Unit | None = later()


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
    older_than_days: int = Field(default=0, ge=0, le=3660)


class NetChannelAddition(KpiBase):
    """New outlets minus lost outlets (or only new, or only lost)."""

    kind: Literal["net_channel_addition"]
    lookback_days: int = Field(default=90, ge=1, le=3660)
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

    days: int = Field(ge=0, le=3660)
    rate: Ratio


class EarlyPayment(KpiBase):
    """Discount earned on primary invoices paid in full early; earned when the payment lands."""

    kind: Literal["early_payment"]
    tiers: tuple[EarlyTier, ...] = Field(min_length=1)
    pro_rata: bool = False
    settlement: Literal["gross", "net"] = Field(default="gross",
                                                exclude_if=lambda v: v == "gross")  # as `later`


class ReactivatedOutlets(KpiBase):
    """Outlets billed in the window that were billed before but not in the inactive days."""

    kind: Literal["reactivated_outlets"]
    inactive_min_days: int = Field(default=90, ge=1, le=3660)
    inactive_max_days: int | None = Field(default=None, ge=1, le=3660)


class Metric(KpiBase):
    """A generic aggregate of a column or expression over one table, with a filter."""

    kind: Literal["metric"]
    table: Literal["sales", "primary_sales", "payments"]
    agg: Literal["sum", "count", "count_distinct", "min", "max", "avg"]
    expr: str = "1"
    where: str | None = None


class Formula(KpiBase):
    """A KPI derived from other KPIs' actuals: + − × ÷ over their ids and numbers, rounded
    half-up to `places` once."""

    kind: Literal["formula"]
    expr: str
    places: int = Field(ge=0, le=6)


Kpi = Annotated[
    Volume | BilledOutlets | BilledChannels | Outstanding | NetChannelAddition | Upsell
    | EarlyPayment | ReactivatedOutlets | Metric | Formula,
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
    """A band starting at `from` (inclusive) or `above` (strictly greater): pays a rate of the
    base, per unit, a fixed amount, free units (or `free` per whole `lot`), or a share of the
    participant's target incentive."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    from_: Decimal | None = Field(default=None, alias="from", ge=0)
    above: Decimal | None = later(ge=0)
    rate: Decimal | None = Field(default=None, ge=0, le=MAX_RATE)
    per_unit: Decimal | None = Field(default=None, ge=0)
    amount: Decimal | None = Field(default=None, ge=0)
    free_units: Decimal | None = Field(default=None, ge=0)
    pct_of_incentive: Decimal | None = later(ge=0)
    lot: Decimal | None = later(gt=0)
    free: Decimal | None = later(ge=0)

    @model_validator(mode="after")
    def _one_pay(self) -> Slab:
        if (self.from_ is None) == (self.above is None):
            raise ValueError("give exactly one of from or above")
        if (self.lot is None) != (self.free is None):
            raise ValueError("lot and free go together")
        if sum(v is not None for v in (self.rate, self.per_unit, self.amount,
                                       self.free_units, self.pct_of_incentive,
                                       self.lot)) != 1:
            raise ValueError("give exactly one of rate, per_unit, amount, free_units, "
                             "pct_of_incentive or lot with free")
        return self

    @property
    def start(self) -> Decimal:
        """Where the band starts (`from` or `above`)."""
        return self.from_ if self.from_ is not None else self.above  # type: ignore[return-value]

    @property
    def strict(self) -> bool:
        """Whether the band starts strictly above `start` (`above:`)."""
        return self.above is not None


class Point(Spec):
    """A curve point: at `x` (or strictly `above` it), pay `rate` of the base or `amount`."""

    x: Decimal | None = Field(default=None, ge=0)
    above: Decimal | None = later(ge=0)
    rate: Decimal | None = Field(default=None, ge=0, le=MAX_RATE)
    amount: Decimal | None = later(ge=0)

    @model_validator(mode="after")
    def _one_each(self) -> Point:
        if (self.x is None) == (self.above is None):
            raise ValueError("give exactly one of x or above")
        if (self.rate is None) == (self.amount is None):
            raise ValueError("give exactly one of rate or amount")
        return self

    @property
    def start(self) -> Decimal:
        """The point's x (`x` or `above`)."""
        return self.x if self.x is not None else self.above  # type: ignore[return-value]

    @property
    def strict(self) -> bool:
        """Whether the point is reached only strictly above its x (`above:`)."""
        return self.above is not None

    @property
    def pay(self) -> Decimal:
        """The point's rate or amount."""
        return self.rate if self.rate is not None else self.amount  # type: ignore[return-value]


class ScoreItem(Spec):
    """One KPI's weight in a scorecard; attainment counted up to `cap`."""

    kpi: Id
    weight: Decimal = Field(gt=0)
    cap: Decimal | None = Field(default=None, gt=0)


class Multiplier(Spec):
    """Multiply the component's amount by `factor` when the condition holds."""

    when: str
    factor: Decimal = Field(ge=0, le=MAX_RATE)


class Cap(Spec):
    """A ceiling: a fixed amount, and/or a rate of a KPI's actual (e.g. 3% of sales)."""

    amount: Money | None = None
    rate: Decimal | None = Field(default=None, ge=0, le=MAX_RATE)
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


class TargetIncentive(Spec):
    """Each participant's target incentive: a fixed amount, or from the targets table (the
    row whose `kpi` is the component's id)."""

    fixed: Money | None = None
    from_table: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> TargetIncentive:
        if (self.fixed is not None) == self.from_table:
            raise ValueError("give exactly one of fixed or from_table")
        return self


class CatchUp(Spec):
    """Release a missed payout in one of the next `within` recurrences once the cumulative
    target is met."""

    within: int = Field(ge=1, le=12)


class Draw(Spec):
    """A guaranteed minimum per period; when recoverable, what it paid above earnings comes
    back out of later earnings above it."""

    amount: Money
    recoverable: bool = False


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
    target_incentive: TargetIncentive | None = later()
    gate: str | None = None
    multipliers: tuple[Multiplier, ...] = ()
    cap: Cap | None = None
    catch_up: CatchUp | None = None
    #: `invoice`: the slabs apply to each bill's value and the bills' amounts are added up.
    per: Literal["invoice"] | None = later()
    true_up: bool = later_flag()
    draw: Draw | None = later()
    label: Label | None = later()
    unit: Unit | None = later()

    @model_validator(mode="after")
    def _shape(self) -> Component:
        if (self.kpi is None) == (not self.scorecard):
            raise ValueError("give exactly one of kpi or scorecard")
        if sum([bool(self.slabs), bool(self.curve), self.fixed is not None]) != 1:
            raise ValueError("give exactly one of slabs, curve or fixed")
        froms = [s.start for s in self.slabs]
        if froms != sorted(set(froms)):
            raise ValueError("slab `from` values must increase")
        xs = [p.start for p in self.curve]
        if xs != sorted(set(xs)):
            raise ValueError("curve points must have increasing x")
        if self.curve and len(self.curve) < 2:
            raise ValueError("a curve needs at least two points")
        _check_shapes(self)
        if self.mode == "marginal" and (self.on != "actual" or self.base is not None
                                        or self.scorecard) and not _incentive_bands(self):
            raise ValueError("marginal slabs pay each band of the KPI's own actual: use "
                             "on: actual and no base")
        if self.scorecard and (total := sum(i.weight for i in self.scorecard)) != 1:
            raise ValueError(f"scorecard weights add up to {total}, not 1: give each KPI its "
                             "share (50% is 0.5)")
        if self.catch_up is not None and self.kpi is None:
            raise ValueError("catch_up needs a component on one KPI (not a scorecard)")
        if self.true_up and self.kpi is None:
            raise ValueError("true_up needs a component on one KPI (not a scorecard)")
        if sum([self.true_up, self.draw is not None, self.catch_up is not None]) > 1:
            raise ValueError("give at most one of true_up, draw or catch_up: each carries "
                             "amounts across periods its own way")
        if self.scorecard and self.base is None and any(
                s.rate is not None or s.per_unit is not None for s in self.slabs):
            raise ValueError("a scorecard paying a rate or per unit needs `base`: the KPI "
                             "whose actual the rate applies to")
        if any(s.free_units is not None for s in self.slabs) and self.free is None:
            raise ValueError("free_units slabs need `free: {sku: …}`")
        return self


def _incentive_bands(c: Component) -> bool:
    """Marginal bands of the component's own attainment, each paying a share of the target
    incentive: the one marginal shape allowed on attainment."""
    return (c.on == "attainment" and c.base is None and not c.scorecard
            and all(s.pct_of_incentive is not None for s in c.slabs))


def _check_shapes(c: Component) -> None:
    """The rules of `above`, money curves, target incentives and lots (issue 9)."""
    if len({p.rate is None for p in c.curve}) > 1:
        raise ValueError("curve points all pay a rate or all an amount, not both")
    pct = any(s.pct_of_incentive is not None for s in c.slabs)
    if pct and c.target_incentive is None:
        raise ValueError("pct_of_incentive slabs need `target_incentive`")
    if c.target_incentive is not None and not pct:
        raise ValueError("target_incentive is only used by pct_of_incentive slabs")
    if c.mode == "marginal" and pct and not _incentive_bands(c):
        raise ValueError("marginal pct_of_incentive slabs pay bands of attainment: use "
                         "on: attainment, no base, and pct_of_incentive on every slab")
    if any(s.lot is not None for s in c.slabs) and c.free is None:
        raise ValueError("lot slabs need `free: {sku: …}`")


class Caps(Spec):
    """Program-level ceilings: per participant, as a share of its sales, the total budget."""

    participant: Money | None = None
    sales_rate: Decimal | None = Field(default=None, ge=0, le=MAX_RATE)
    sales_kpi: Id | None = None
    budget: Money | None = None

    @model_validator(mode="after")
    def _sales(self) -> Caps:
        if (self.sales_rate is None) != (self.sales_kpi is None):
            raise ValueError("sales_rate and sales_kpi go together")
        return self


class Returns(Spec):
    """Late returns count against their invoice's period: those dated up to `until_days`
    days after the period's end that name (`ref_invoice_id`) an invoice of the period."""

    until_days: int = Field(ge=1, le=366)


class Holdback(Spec):
    """A share (`rate`, 0 to 1) of each period's payout paid only `release_after_days`
    after the period's end, once its returns window is over."""

    rate: Decimal = Field(gt=0, le=1)
    release_after_days: int = Field(ge=1, le=366)


class Holdout(Spec):
    """A control group: a `share` (between 0 and 1) of the otherwise eligible participants,
    chosen by a hash of `seed` and their id, is not enrolled (see `engine/holdout.py`)."""

    share: Decimal = Field(gt=0, lt=1)
    seed: int = Field(strict=True, ge=0, le=2**31 - 1)


class Program(Spec):
    """A whole incentive program: who, when, what is measured, targets, payouts, caps."""

    id: Id
    name: str
    goal: str | None = None
    participants: Eligibility = Eligibility()
    period: Period
    kpis: tuple[Kpi, ...] = Field(min_length=1, max_length=50)
    targets: dict[str, Target] = Field(default_factory=dict)
    components: tuple[Component, ...] = Field(min_length=1, max_length=50)
    gate: str | None = None
    caps: Caps = Caps()
    allow_clawback: bool = later_flag()
    returns: Returns | None = later()
    holdback: Holdback | None = later()
    holdout: Holdout | None = later()
    label: Label | None = later()
    #: Programs that may not pay on the same sale line as this one (docs/guards.md).
    exclusive_with: tuple[Id, ...] | None = later(max_length=50)
    #: At most this many programs may pay on a sale line this one pays on.
    max_stacking: int | None = later(ge=1, le=50)
    guards: Guards | None = later()

    def kpi(self, kpi_id: str) -> Kpi:
        """The KPI called `kpi_id`."""
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        raise KeyError(kpi_id)
