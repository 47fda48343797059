"""Tax and ERP settings: the shipped default file merged with a deployment's override;
rates and thresholds dated; every error located in the file that caused it."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from schemeops.errors import Diagnostic, SchemeopsError, SourceSpan

DEFAULT = "default_settings.toml"
M = TypeVar("M", bound="BaseModel")


class SettingsError(SchemeopsError):
    """Raised when a settings or mapping file cannot be read or breaks a rule."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Seller(Frozen):
    """Who issues the notes (the e-invoice's SellerDtls)."""

    gstin: str = ""
    legal_name: str = Field("", max_length=100, pattern=r'^[^"]*$')
    address1: str = Field("", max_length=100, pattern=r'^[^"]*$')
    location: str = Field("", max_length=50, pattern=r'^[^"]*$')
    pincode: int = 0
    state_code: str = ""

    def missing(self) -> list[str]:
        """The fields a GST note needs that are not set."""
        return [k for k, v in self.model_dump().items() if not v]


class Notes(Frozen):
    """How notes are numbered."""

    prefix: str = Field("SCN", pattern=r"^[A-Za-z1-9][A-Za-z0-9]{0,5}$")


class ProgramTax(Frozen):
    """A program's choice: a GST or a financial note, and what kind of benefit it is."""

    credit_note: Literal["gst", "financial"] = "financial"
    benefit: Literal["incentive", "free_goods", "price_discount"] = "incentive"


class Hsn(Frozen):
    """HSN codes of products: by SKU, else by category."""

    by_sku: dict[str, str] = {}
    by_category: dict[str, str] = {}

    @field_validator("by_sku", "by_category")
    @classmethod
    def _codes(cls, v: dict[str, str]) -> dict[str, str]:
        for key, code in v.items():
            if not (code.isdigit() and len(code) in (4, 6, 8) and code.strip("0")):
                raise ValueError(f"HSN of {key!r} is {code!r}: 4, 6 or 8 digits, not all 0")
        return v


class GstRate(Frozen):
    """The GST rate (percent, IGST; CGST and SGST half each) of an HSN from a date."""

    hsn: str = Field(pattern=r"^([0-9]{4}|[0-9]{6}|[0-9]{8})$")
    rate: Decimal = Field(ge=0, le=100)
    start: dt.date = Field(alias="from")


class TdsRule(Frozen):
    """TDS on benefits from a date: rate (percent) and the yearly threshold per recipient."""

    section: str = "194R"
    rate: Decimal = Field(ge=0, le=100)
    threshold: Decimal = Field(ge=0, decimal_places=2)
    start: dt.date = Field(alias="from")


class TaxSettings(Frozen):
    """Everything the ERP exports need to know that the data does not say."""

    seller: Seller = Seller()
    notes: Notes = Notes()
    programs: dict[str, ProgramTax] = {"default": ProgramTax()}
    hsn: Hsn = Hsn()
    gst_rates: tuple[GstRate, ...] = ()
    tds: tuple[TdsRule, ...] = ()

    def program(self, program_id: str) -> ProgramTax:
        """The program's choice, or the default's."""
        return self.programs.get(program_id) or self.programs.get("default") or ProgramTax()

    def hsn_of(self, sku: str, category: str) -> str | None:
        """The product's HSN code: by SKU, else by category; None when neither is set."""
        return self.hsn.by_sku.get(sku) or self.hsn.by_category.get(category)

    def gst_rate(self, hsn: str, on: dt.date) -> Decimal | None:
        """The HSN's rate in force on `on` (the latest entry from on or before it)."""
        dated = [r for r in self.gst_rates if r.hsn == hsn and r.start <= on]
        return max(dated, key=lambda r: r.start).rate if dated else None

    def tds_rule(self, on: dt.date) -> TdsRule | None:
        """The TDS rule in force on `on`, None before the first."""
        dated = [r for r in self.tds if r.start <= on]
        return max(dated, key=lambda r: r.start) if dated else None


def load_settings(override: Path | None = None) -> TaxSettings:
    """The shipped defaults merged with `override` (tables key by key, dated lists added)."""
    settings = load_toml(TaxSettings, DEFAULT, override)
    _check_dates(settings, *_source(DEFAULT, override))
    return settings


def load_toml(model: type[M], default: str, override: Path | None) -> M:
    """A settings model from the shipped file `default` merged with `override`; errors are
    located in the file that holds the offending key."""
    text, name = _source(default, override)
    merged = _parse(resources.files("schemeops.erp").joinpath(default).read_text(), default)
    if override is not None:
        merged = _merge(merged, _parse(text, name))
    try:
        return model.model_validate(merged)
    except ValidationError as e:
        raise SettingsError([_located(err, text, name) for err in e.errors()]) from None


def _source(default: str, override: Path | None) -> tuple[str, str]:
    """The text and name errors are located in: the override's, else the default's."""
    if override is None:
        return resources.files("schemeops.erp").joinpath(default).read_text(), default
    return _read(override), str(override)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError([Diagnostic(SourceSpan(str(path), 1, 1), "settings_unreadable",
                                        str(e), "give a UTF-8 TOML file")]) from None


def _parse(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", 1) or 1
        raise SettingsError([Diagnostic(SourceSpan(name, line, getattr(e, "colno", 1) or 1),
                                        "settings_toml", str(e).split(" (at ")[0],
                                        "fix the TOML syntax")]) from None


def _merge(base: Mapping, over: Mapping) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = [*out[key], *value]
        else:
            out[key] = value
    return out


def _located(err: Mapping, text: str, name: str) -> Diagnostic:
    """A pydantic error as a diagnostic at the line of its deepest key found in the text."""
    path = ".".join(str(p) for p in err["loc"])
    keys = [p for p in err["loc"] if isinstance(p, str)]
    return Diagnostic(SourceSpan(name, _line_of(text, keys[-1] if keys else ""), 1),
                      "settings_invalid", f"{path}: {err['msg']}",
                      "see the comments in the shipped default_settings.toml")


def _line_of(text: str, key: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if key and (stripped.startswith((key, f'"{key}"')) or f".{key}" in stripped
                    or f'"{key}"' in stripped):
            return n
    return 1


def _check_dates(s: TaxSettings, text: str, name: str) -> None:
    """Two entries for the same HSN (or two TDS rules) from the same date are ambiguous."""
    problems = []
    seen: set[tuple[str, dt.date]] = set()
    for key in [(r.hsn, r.start) for r in s.gst_rates] + [("tds", r.start) for r in s.tds]:
        if key in seen:
            problems.append(Diagnostic(
                SourceSpan(name, _line_of(text, f'from = "{key[1]}"'), 1), "settings_dated_twice",
                f"{key[0]} has two entries from {key[1]}",
                "keep one; a new notification is a new entry with a later `from`"))
        seen.add(key)
    if problems:
        raise SettingsError(problems)
