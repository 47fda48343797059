"""The program keys about guards: `exclusive_with`, `max_stacking` and the `guards:` block
that overrides the guards' default limits for one program, with the reason why."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Keys(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DiscountCap(_Keys):
    """The effective discount on a line at which the cap guard warns, and blocks."""

    warn: Decimal = Field(ge=0, le=1)
    block: Decimal = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> DiscountCap:
        if self.warn > self.block:
            raise ValueError("warn must not be above block")
        return self


class Guards(_Keys):
    """This program's own guard limits; `reason` says why they differ (it is audited)."""

    reason: str = Field(min_length=1, max_length=500)
    #: Pocket price must be at least unit_cost × this.
    margin_floor: Decimal | None = Field(default=None, ge=0, le=10)
    #: Gross margin on the pocket price below this warns.
    gross_margin: Decimal | None = Field(default=None, ge=0, lt=1)
    discount_cap: DiscountCap | None = None
    #: Budget burn ÷ elapsed share of the program's time above this warns.
    burn_pace: Decimal | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _says_why(self) -> Guards:
        if not self.reason.strip():
            raise ValueError("say why this program's guards differ: `reason` is empty")
        return self
