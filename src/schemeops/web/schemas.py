"""The API's transport shapes, one family per entity (XRead out, XCreate in); money is a
decimal string, never a float."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from schemeops.errors import Diagnostic

MAX_ID = 2**62
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class Read(BaseModel):
    """Base of the read shapes: built from ORM objects or dataclasses."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


class DiagnosticRead(Read):
    """One located problem of a program text."""

    line: int
    col: int
    code: str
    message: str
    hint: str

    @classmethod
    def of(cls, d: Diagnostic) -> DiagnosticRead:
        """The shape of a diagnostic."""
        return cls(line=d.span.line, col=d.span.col, code=d.code, message=d.message,
                   hint=d.hint)


class ErrorRead(BaseModel):
    """What every refused request answers; diagnostics only for program texts."""

    detail: str
    diagnostics: list[DiagnosticRead] = []


class TokenCreate(BaseModel):
    """Credentials exchanged for an API token."""

    username: str = Field(max_length=80)
    password: str = Field(max_length=400)
    name: str = Field(default="api", max_length=80)


class TokenRead(BaseModel):
    """A new API token, shown once."""

    token: str


class UnlockRead(BaseModel):
    """The user whose lockout was lifted."""

    user_id: int
    username: str


class VersionCreate(BaseModel):
    """A program text (a new program, or the next draft of an existing one)."""

    yaml: str = Field(max_length=200_000)


class DecisionCreate(BaseModel):
    """Approve or reject, with a comment (required to reject)."""

    approve: bool
    comment: str = Field(default="", max_length=4000)


class OverrideCreate(BaseModel):
    """Approve over blocking guards, saying why (docs/guards.md)."""

    comment: str = Field(max_length=4000)


class DecisionRead(Read):
    """One approval or rejection."""

    decision: str
    user_id: int
    comment: str
    at: dt.datetime


class VersionRead(Read):
    """One version of a program, with its text."""

    id: int
    program_id: str
    number: int
    status: str
    yaml: str
    content_hash: str | None
    author_id: int
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None


class ProgramRead(BaseModel):
    """A program and its newest version's state."""

    id: str
    name: str
    latest_version_id: int
    latest_number: int
    status: str


class HistoryRead(BaseModel):
    """One version in a program's history with its diff against the version before."""

    version: VersionRead
    decisions: list[DecisionRead]
    diff: str


class RunCreate(BaseModel):
    """A calculation of live versions, as of a date (default: the data's end)."""

    version_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1,
                                                                   max_length=200)
    as_of: dt.date | None = None
    reason: str = Field(default="", max_length=4000)


class SimulationCreate(BaseModel):
    """A simulation of one version, as of a date."""

    as_of: dt.date | None = None


class RunProgramRead(Read):
    """One program's headline numbers in a run."""

    program_id: str
    version_id: int
    participants: int | None
    eligible: int | None
    earning: int | None
    payout: Decimal | None
    sales: Decimal | None


class RunRead(Read):
    """A run: state, progress, totals."""

    id: int
    kind: str
    status: str
    progress: int
    step: str
    as_of: dt.date | None
    data_fingerprint: str | None
    reason: str
    started_by: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    participants: int | None
    earning: int | None
    total_payout: Decimal | None
    sales: Decimal | None
    error: str | None
    payout_status: str
    programs: list[RunProgramRead]


class PayoutRead(Read):
    """One payout line."""

    reference: str
    program_id: str
    participant_id: str
    name: str
    region: str | None
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    corrects_id: int | None
    reason: str


class PayoutPageRead(Read):
    """A page of payouts and the totals of every matching row."""

    rows: list[PayoutRead]
    page: int
    pages: int
    count: int
    total: Decimal


class KpiLineRead(Read):
    """One KPI of an explanation."""

    kpi: str
    #: Empty only for a formula that divided by zero.
    actual: Decimal | None
    target: Decimal | None
    attainment: Decimal | None
    target_rule: str
    #: A formula KPI's expression.
    formula: str = ""


class ComponentLineRead(Read):
    """One component of an explanation."""

    component: str
    amount: Decimal
    note: str
    next_step: str | None
    #: Each gate, multiplier and cap of the component, and whether it held or bit.
    conditions: list[str] = []


class ExplanationRead(Read):
    """A participant's story in one program and period."""

    program_id: str
    program_name: str | None = None
    participant_id: str
    period_start: dt.date
    period_end: dt.date
    kpis: list[KpiLineRead]
    components: list[ComponentLineRead]
    payout: Decimal
    #: The program's gate, participant and sales caps and budget, and whether they bit.
    limits: list[str] = []
    #: Early-payment invoices short of a discount that earn none of it, in words.
    warnings: list[str] = []


class PeriodRead(Read):
    """A program's period and whether it is closed."""

    id: int
    program_id: str
    start: dt.date
    end: dt.date
    status: str
    closed_at: dt.datetime | None
    run_id: int | None


class KpiProgressRead(Read):
    """Actual against target for one KPI, in its display name and unit."""

    kpi: str
    label: str
    unit: str
    actual: Decimal | None
    target: Decimal | None
    share: Decimal | None
    lower_is_better: bool


class ComponentProgressRead(Read):
    """One payout line, and what its next slab takes and pays more."""

    component: str
    label: str
    amount: Decimal
    next_gap: str | None
    next_gain: Decimal | None
    top_reached: bool


class ProgramProgressRead(Read):
    """One live program in the portal: its latest period and where its money stands."""

    program_id: str
    label: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date | None
    standing: str
    run_id: int
    payout_id: int | None
    kpis: list[KpiProgressRead]
    components: list[ComponentProgressRead]
    payout: Decimal


class AmountsRead(Read):
    """Approved (of which paid), pending approval and projected: never mixed."""

    approved: Decimal
    paid: Decimal
    pending: Decimal
    projected: Decimal


class PortalRead(Read):
    """The signed-in participant's programs and money."""

    participant_id: str
    name: str
    programs: list[ProgramProgressRead]
    amounts: AmountsRead
    paid_runs: int


class DashboardRead(BaseModel):
    """The dashboard numbers of one run (empty without a calculation)."""

    run_id: int | None
    region: str | None
    attainment: list[dict]
    budget: list[dict]
    cost: list[RunProgramRead]
    best: list[dict]
    worst: list[dict]


class AuditEntryRead(Read):
    """One entry of the audit chain."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str
    details: str
    hash: str


class FindingRead(Read):
    """One tampering `verify` found."""

    where: str
    problem: str
