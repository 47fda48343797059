"""The jobs file (TOML): named jobs, each with a cron schedule, checked once here; the rest of
the package trusts the `JobsConfig` it returns (docs/jobs.md)."""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal

from cronsim import CronSim, CronSimError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from schemeops.errors import UsageError
from schemeops.schema import TABLES

NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$"
_TABLE_NAMES = tuple(t.name for t in TABLES)


class _Job(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schedule: str = Field(max_length=100)

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            CronSim(value, dt.datetime(2026, 1, 1))
        except CronSimError as e:
            raise ValueError(f"not a cron expression ({e}): write e.g. `0 6 * * *` "
                             "(minute hour day month weekday)") from None
        return value


class _Pull(_Job):
    #: write the valid rows and quarantine the rest (load --accept-valid); else atomic
    accept_valid: bool = False


class FolderJob(_Pull):
    """A watched folder: files named after a table, each new one loaded once."""

    kind: Literal["folder"]
    path: Path
    #: a file changed more recently than this is left for the next pull (still being copied)
    settle_seconds: int = Field(default=60, ge=0, le=86_400)


class _TablePull(_Pull):
    """A pull from a URL into one contract table."""

    url: str = Field(max_length=2000)
    table: str

    @field_validator("table")
    @classmethod
    def _table(cls, value: str) -> str:
        return _known_table(value)


class SqlJob(_TablePull):
    """A query on any SQLAlchemy URL, read incrementally by a cursor column."""

    kind: Literal["sql"]
    #: a SELECT returning the table's contract columns by name
    query: str = Field(max_length=20000)
    cursor: str = Field(max_length=80)
    #: rows up to this many days before the newest cursor value are read again (late rows)
    lag_days: int = Field(default=3, ge=0, le=366)


class RestJob(_TablePull):
    """A JSON endpoint read page by page until a page comes back empty."""

    kind: Literal["rest"]
    #: the key of the list of records in each page's JSON object ("" = the page is the list)
    records: str = Field(default="items", max_length=80)
    page_param: str = Field(default="page", max_length=80)
    first_page: int = 1
    max_pages: int = Field(default=10_000, ge=1)
    #: an environment variable holding a bearer token (never the token in the file)
    token_env: str | None = Field(default=None, max_length=80)
    timeout_seconds: float = Field(default=30, gt=0, le=600)


class ProgressJob(_Job):
    """A simulation of every live program as of today: progress so far, never paid."""

    kind: Literal["progress"]


class MonthEndJob(_Job):
    """The month-end calendar: cut-off calculation, approval reminders, close."""

    kind: Literal["month_end"]
    #: the day of the month after the period on which last month is calculated
    cutoff_day: int = Field(default=3, ge=1, le=28)
    #: the day on which last month's approved periods are closed (after the cut-off)
    close_day: int = Field(default=10, ge=1, le=28)


Job = Annotated[FolderJob | SqlJob | RestJob | ProgressJob | MonthEndJob,
                Field(discriminator="kind")]
PULL_KINDS = ("folder", "sql", "rest")


class JobsConfig(BaseModel):
    """Every job by name, the zone its schedules are read in, and whom calculations run as."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str = "UTC"
    #: the user (by name) the progress and month-end jobs act as
    run_as: str | None = Field(default=None, max_length=80)
    jobs: dict[Annotated[str, Field(pattern=NAME)], Job] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}: write e.g. Asia/Kolkata or "
                             "UTC") from None
        return value

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone schedules are read in."""
        return zoneinfo.ZoneInfo(self.timezone)


def _known_table(value: str) -> str:
    if value not in _TABLE_NAMES:
        raise ValueError(f"no table {value!r}: one of {', '.join(_TABLE_NAMES)}")
    return value


def parse_jobs(text: str, *, source: str = "jobs.toml") -> JobsConfig:
    """The jobs of a TOML text; UsageError naming every problem by its place."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{source}: not TOML: {e}") from None
    try:
        return JobsConfig.model_validate(raw)
    except ValidationError as e:
        lines = [f"{source}: {'.'.join(str(p) for p in err['loc']) or 'top'}: "
                 f"{err['msg'].removeprefix('Value error, ')}"
                 for err in e.errors(include_url=False)]
        raise UsageError("\n".join(lines)) from None


def read_jobs(path: Path) -> JobsConfig:
    """The jobs file at `path` (UsageError when it cannot be read or is wrong)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read the jobs file ({e})") from None
    config = parse_jobs(text, source=str(path))
    # a folder named relative to the jobs file, wherever the server was started from
    return config.model_copy(update={"jobs": {
        name: spec.model_copy(update={"path": path.resolve().parent / spec.path})
        if isinstance(spec, FolderJob) else spec for name, spec in config.jobs.items()}})
