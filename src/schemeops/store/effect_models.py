"""The stored measurements of `schemeops effect` (docs/effectiveness.md): an estimate of one
program version on the warehouse as it was, its effect.csv rows and its dependency rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from schemeops.store.models import Base, ProgramVersion, User
from schemeops.store.types import Exact, Money, UtcDateTime, utcnow

#: effect.csv's exact columns other than money, kept as the estimator wrote them.
EFFECT_EXACT = ("net_lift_pct", "low", "high", "roi", "paying_for_baseline_share", "roi_low",
                "roi_high", "baseline_value", "actual_value", "subsidised_value",
                "in_scheme_value", "halo_value", "dip_value", "cannibalised_value",
                "incremental_units", "cost_per_incremental_unit", "cost_pct_of_sales",
                "earner_rate", "margin")
EFFECT_MONEY = ("incremental_value", "cost", "payout")
DEPENDENCY_EXACT = ("scheme_share_13w", "post_drop_13w", "dependency_index",
                    "previous_index", "index_change")


class EffectEstimate(Base):
    """One run of the estimator on a program version: who, when, on which data."""

    __tablename__ = "effect_estimates"
    __table_args__ = (Index(None, "program_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    data_fingerprint: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(20))
    resamples: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    #: the baseline's months on each side of a period ("1"–"3", or "all"); None on
    #: estimates stored before it was kept
    baseline_span: Mapped[str | None] = mapped_column(String(8), nullable=True)
    version: Mapped[ProgramVersion] = relationship()
    author: Mapped[User] = relationship()


class _EffectRow:
    id: Mapped[int] = mapped_column(primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("effect_estimates.id"))
    #: empty for the program's row
    participant_id: Mapped[str] = mapped_column(String(80))


class EffectLine(_EffectRow, Base):
    """One row of effect.csv: a period of the program (participant empty) or of one
    enrolled participant."""

    __tablename__ = "effect_lines"
    __table_args__ = (Index(None, "estimate_id", "period_start", "participant_id"),)
    period_start: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(20))
    participants: Mapped[int] = mapped_column(Integer)
    controls: Mapped[int] = mapped_column(Integer)
    net_lift_pct: Mapped[Decimal | None] = mapped_column(Exact)
    low: Mapped[Decimal | None] = mapped_column(Exact)
    high: Mapped[Decimal | None] = mapped_column(Exact)
    roi: Mapped[Decimal | None] = mapped_column(Exact)
    paying_for_baseline_share: Mapped[Decimal | None] = mapped_column(Exact)
    roi_low: Mapped[Decimal | None] = mapped_column(Exact)
    roi_high: Mapped[Decimal | None] = mapped_column(Exact)
    baseline_value: Mapped[Decimal | None] = mapped_column(Exact)
    actual_value: Mapped[Decimal | None] = mapped_column(Exact)
    subsidised_value: Mapped[Decimal | None] = mapped_column(Exact)
    in_scheme_value: Mapped[Decimal | None] = mapped_column(Exact)
    halo_value: Mapped[Decimal | None] = mapped_column(Exact)
    dip_value: Mapped[Decimal | None] = mapped_column(Exact)
    cannibalised_value: Mapped[Decimal | None] = mapped_column(Exact)
    incremental_units: Mapped[Decimal | None] = mapped_column(Exact)
    cost_per_incremental_unit: Mapped[Decimal | None] = mapped_column(Exact)
    cost_pct_of_sales: Mapped[Decimal | None] = mapped_column(Exact)
    earner_rate: Mapped[Decimal | None] = mapped_column(Exact)
    margin: Mapped[Decimal | None] = mapped_column(Exact)
    incremental_value: Mapped[Decimal] = mapped_column(Money)
    cost: Mapped[Decimal] = mapped_column(Money)
    payout: Mapped[Decimal] = mapped_column(Money)


class EffectDependency(_EffectRow, Base):
    """One row of dependency.csv: an enrolled participant's dependency on the schemes."""

    __tablename__ = "effect_dependency"
    __table_args__ = (Index(None, "estimate_id", "participant_id"),)
    scheme_share_13w: Mapped[Decimal | None] = mapped_column(Exact)
    post_drop_13w: Mapped[Decimal | None] = mapped_column(Exact)
    dependency_index: Mapped[Decimal | None] = mapped_column(Exact)
    previous_index: Mapped[Decimal | None] = mapped_column(Exact)
    index_change: Mapped[Decimal | None] = mapped_column(Exact)
    trend: Mapped[str] = mapped_column(String(10))


class _PeriodRow:
    id: Mapped[int] = mapped_column(primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("effect_estimates.id"))
    period_start: Mapped[dt.date] = mapped_column(Date)


class EffectPart(_PeriodRow, Base):
    """A side part (halo, dip, cannibalised) counted in a period's net because it stood out
    of the market's moves; a period without a row counted none."""

    __tablename__ = "effect_parts"
    __table_args__ = (Index(None, "estimate_id", "period_start"),)
    part: Mapped[str] = mapped_column(String(20))


class EffectExclusion(_PeriodRow, Base):
    """A seller left out of a period's measurement because its sales jumped: a participant
    out of the program's lift (`side` participant) or a control out of the controls and the
    season index (`side` control)."""

    __tablename__ = "effect_exclusions"
    __table_args__ = (Index(None, "estimate_id", "period_start"),)
    seller_id: Mapped[str] = mapped_column(String(80))
    side: Mapped[str] = mapped_column(String(12))
