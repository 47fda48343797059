"""The control plane's tables: users, programs and versions, runs and their results, periods,
decisions, exports, claims, disputes and the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from schemeops.store.types import Exact, Money, UtcDateTime, utcnow

ROLES = ("admin", "designer", "approver", "regional_head", "distributor", "rep")
VERSION_STATES = ("draft", "submitted", "approved", "rejected", "live", "closed")
RUN_KINDS = ("simulation", "calculation")
RUN_STATES = ("queued", "running", "succeeded", "failed")
PAYOUT_STATES = ("pending", "approved", "rejected")
PERIOD_STATES = ("open", "closed")
DECISIONS = ("approved", "rejected")

# Stable constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _choice(name: str, values: tuple[str, ...], length: int = 20) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=_NAMING)


class User(Base):
    """Someone who signs in; `region` scopes a regional head, `participant_id` a distributor
    or rep."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(_choice("role", ROLES))
    region: Mapped[str | None] = mapped_column(String(80))
    participant_id: Mapped[str | None] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token for integrations; only its sha256 is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    user: Mapped[User] = relationship()


class WebSession(Base):
    """A signed-in browser: the cookie carries a random id, the store only its sha256.
    Deleting the row ends the session (sign-out, password change, removal, timeouts)."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


THROTTLE_SCOPES = ("account", "address")


class SignInThrottle(Base):
    """Failed password checks of one account name or one client address in the current
    window, and until when further attempts are refused (the lockout)."""

    __tablename__ = "sign_in_throttles"
    scope: Mapped[str] = mapped_column(_choice("throttle_scope", THROTTLE_SCOPES),
                                       primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Participant(Base):
    """A copy of the warehouse's participants, for scoping and display."""

    __tablename__ = "participants"
    participant_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(80), index=True)
    tier: Mapped[str | None] = mapped_column(String(40))


class Program(Base):
    """A program, identified by the `id` of its YAML; its text lives in its versions."""

    __tablename__ = "programs"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    versions: Mapped[list[ProgramVersion]] = relationship(
        back_populates="program", order_by="ProgramVersion.number")


class ProgramVersion(Base):
    """One text of a program; editable while a draft, immutable once submitted."""

    __tablename__ = "program_versions"
    __table_args__ = (UniqueConstraint("program_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    number: Mapped[int] = mapped_column(Integer)
    yaml: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(_choice("version_status", VERSION_STATES),
                                        default="draft")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    program: Mapped[Program] = relationship(back_populates="versions")
    author: Mapped[User] = relationship()


class Decision(Base):
    """An approval or rejection, with its comment, of a program version or a run's payouts."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(_choice("decision", DECISIONS))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    user: Mapped[User] = relationship()


class Run(Base):
    """A calculation (of live versions) or a simulation (of any version) and its totals."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(_choice("run_kind", RUN_KINDS))
    status: Mapped[str] = mapped_column(_choice("run_status", RUN_STATES), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(200), default="")
    as_of: Mapped[dt.date | None] = mapped_column(Date)
    backend: Mapped[str] = mapped_column(String(20), default="duckdb")
    data_fingerprint: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    timings: Mapped[dict | None] = mapped_column(JSON)
    participants: Mapped[int | None] = mapped_column(Integer)
    earning: Mapped[int | None] = mapped_column(Integer)
    total_payout: Mapped[Decimal | None] = mapped_column(Money)
    sales: Mapped[Decimal | None] = mapped_column(Money)
    error: Mapped[str | None] = mapped_column(Text)
    payout_status: Mapped[str] = mapped_column(_choice("payout_status", PAYOUT_STATES),
                                               default="pending")
    #: The warehouse's newest load (`_loads.load_id`) when the run read it.
    last_load: Mapped[int | None] = mapped_column(Integer)
    #: A recalculation of stale results only: the load after which rows came late.
    stale_since: Mapped[int | None] = mapped_column(Integer)
    versions: Mapped[list[ProgramVersion]] = relationship(secondary="run_versions",
                                                          viewonly=True)
    programs: Mapped[list[RunVersion]] = relationship(order_by="RunVersion.program_id")
    starter: Mapped[User] = relationship()


class RunVersion(Base):
    """A program version a run calculated, with that program's headline numbers."""

    __tablename__ = "run_versions"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"), primary_key=True)
    program_id: Mapped[str] = mapped_column(String(80))
    participants: Mapped[int | None] = mapped_column(Integer)
    eligible: Mapped[int | None] = mapped_column(Integer)
    earning: Mapped[int | None] = mapped_column(Integer)
    payout: Mapped[Decimal | None] = mapped_column(Money)
    sales: Mapped[Decimal | None] = mapped_column(Money)


class Period(Base):
    """A program's period; once closed, the payouts of `run_id` for it are sealed."""

    __tablename__ = "periods"
    __table_args__ = (UniqueConstraint("program_id", "start", "end"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(_choice("period_status", PERIOD_STATES),
                                        default="open")
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    seal: Mapped[str | None] = mapped_column(String(64))


class Payout(Base):
    """What a run computed for one participant, program and period, with its stable reference;
    a correction to a closed period is a row with `corrects_id` and a reason; a payout that
    withholds a closed period's fall names it in `withholds_id`."""

    __tablename__ = "payouts"
    __table_args__ = (
        # one computed row per participant, program and period in a run; a dispute's
        # adjustment may sit beside it, once per dispute in a run
        Index("ux_payouts_computed", "run_id", "program_id", "participant_id", "period_start",
              unique=True, sqlite_where=text("dispute_id IS NULL"),
              postgresql_where=text("dispute_id IS NULL")),
        UniqueConstraint("run_id", "dispute_id"),
        Index(None, "program_id", "period_start", "participant_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"))
    program_id: Mapped[str] = mapped_column(String(80))
    participant_id: Mapped[str] = mapped_column(String(80), index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The sealed payout whose late returns (a fall it may not debit: no allow_clawback)
    #: this payout withholds `withheld` for; `amount` is already net of it.
    withholds_id: Mapped[int | None] = mapped_column(
        ForeignKey("payouts.id", name="fk_payouts_withholds_id"))
    withheld: Mapped[Decimal | None] = mapped_column(Money)
    #: The dispute whose resolved adjustment this row pays (`corrects_id` is the disputed
    #: payout); recalculations of a closed period leave such rows out of what was paid.
    dispute_id: Mapped[int | None] = mapped_column(
        ForeignKey("disputes.id", name="fk_payouts_dispute_id", use_alter=True))


class _ResultLine:
    """The columns every line of a run's results has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    program_id: Mapped[str] = mapped_column(String(80))
    participant_id: Mapped[str] = mapped_column(String(80))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)


class KpiResult(_ResultLine, Base):
    """One KPI line of a run, as the engine wrote it (numbers kept as exact text)."""

    __tablename__ = "kpi_results"
    __table_args__ = (Index(None, "run_id", "participant_id"),)
    kpi: Mapped[str] = mapped_column(String(80))
    actual: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(40), default="")
    attainment: Mapped[str] = mapped_column(String(40), default="")


class ComponentResult(_ResultLine, Base):
    """One component line of a run, with the engine's note."""

    __tablename__ = "component_results"
    __table_args__ = (Index(None, "run_id", "participant_id"),)
    component: Mapped[str] = mapped_column(String(80))
    base: Mapped[str] = mapped_column(String(40), default="")
    rate: Mapped[str] = mapped_column(String(40), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(Text, default="")


class ExplanationLine(_ResultLine, Base):
    """One row of a run's explanations.csv, typed (its columns are documented with the
    output files in docs/programs.md): what the drill-down, the API and the portal tell."""

    __tablename__ = "explanation_lines"
    __table_args__ = (Index(None, "run_id", "participant_id"),)
    period_no: Mapped[int] = mapped_column(Integer)
    row: Mapped[str] = mapped_column(String(20))
    component: Mapped[str | None] = mapped_column(String(120))
    kpi: Mapped[str | None] = mapped_column(String(80))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    outcome: Mapped[str | None] = mapped_column(String(20))
    shape: Mapped[str | None] = mapped_column(String(20))
    measure_of: Mapped[str | None] = mapped_column(String(20))
    measure: Mapped[Decimal | None] = mapped_column(Exact)
    slab: Mapped[int | None] = mapped_column(Integer)
    slabs: Mapped[int | None] = mapped_column(Integer)
    slab_start: Mapped[Decimal | None] = mapped_column(Exact)
    slab_above: Mapped[bool | None] = mapped_column(Boolean)
    next_break: Mapped[Decimal | None] = mapped_column(Exact)
    next_above: Mapped[bool | None] = mapped_column(Boolean)
    needed: Mapped[Decimal | None] = mapped_column(Exact)
    gap: Mapped[Decimal | None] = mapped_column(Exact)
    actual: Mapped[Decimal | None] = mapped_column(Exact)
    target: Mapped[Decimal | None] = mapped_column(Exact)
    attainment: Mapped[Decimal | None] = mapped_column(Exact)
    gate: Mapped[str | None] = mapped_column(Text)
    gate_held: Mapped[bool | None] = mapped_column(Boolean)
    multiplier: Mapped[Decimal | None] = mapped_column(Exact)
    multipliers: Mapped[str | None] = mapped_column(Text)
    multipliers_missed: Mapped[str | None] = mapped_column(Text)
    capped: Mapped[bool | None] = mapped_column(Boolean)
    cap: Mapped[str | None] = mapped_column(String(20))
    cap_limit: Mapped[Decimal | None] = mapped_column(Money)
    deferred: Mapped[bool | None] = mapped_column(Boolean)
    earned: Mapped[Decimal | None] = mapped_column(Money)
    paid_before: Mapped[Decimal | None] = mapped_column(Money)
    balance_before: Mapped[Decimal | None] = mapped_column(Money)
    balance_after: Mapped[Decimal | None] = mapped_column(Money)
    carried_from: Mapped[int | None] = mapped_column(Integer)
    carried_to: Mapped[int | None] = mapped_column(Integer)
    bills_paid: Mapped[int | None] = mapped_column(Integer)
    bills: Mapped[int | None] = mapped_column(Integer)
    target_rule: Mapped[str | None] = mapped_column(Text)
    formula: Mapped[str | None] = mapped_column(Text)
    lower_is_better: Mapped[bool | None] = mapped_column(Boolean)
    gap_unit: Mapped[str | None] = mapped_column(String(10))
    gap_phrase: Mapped[str | None] = mapped_column(Text)


class RunWarning(_ResultLine, Base):
    """An early-payment invoice short of a discount that earns none of it, for a participant
    whose KPI counts it in a period of the run (see engine/settlement.py)."""

    __tablename__ = "run_warnings"
    __table_args__ = (Index(None, "run_id", "participant_id"),)
    kpi: Mapped[str] = mapped_column(String(80))
    settlement: Mapped[str] = mapped_column(String(10))
    distributor_id: Mapped[str] = mapped_column(String(80))
    invoice_id: Mapped[str] = mapped_column(String(80))
    invoice_date: Mapped[dt.date] = mapped_column(Date)
    total: Mapped[Decimal] = mapped_column(Money)
    paid: Mapped[Decimal] = mapped_column(Money)
    short: Mapped[Decimal] = mapped_column(Money)
    tier_days: Mapped[int] = mapped_column(Integer)
    tier_rate: Mapped[Decimal] = mapped_column(Exact)
    discount: Mapped[Decimal] = mapped_column(Money)
    warn_on: Mapped[dt.date] = mapped_column(Date)


class Export(Base):
    """One export of a run's approved payouts as credit notes."""

    __tablename__ = "exports"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(Integer)
    new_credit_notes: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Money)


class CreditNote(Base):
    """A payment instruction; one per payout reference, whatever the number of exports."""

    __tablename__ = "credit_notes"
    reference: Mapped[str] = mapped_column(String(200), primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), unique=True)
    participant_id: Mapped[str] = mapped_column(String(80))
    amount: Mapped[Decimal] = mapped_column(Money)
    first_export_id: Mapped[int] = mapped_column(ForeignKey("exports.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditEntry(Base):
    """One state change; `hash` covers this entry's fields and the previous entry's hash."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(80))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's newest sequence number and hash, in one row: appending updates it first,
    which queues concurrent appends on both SQLite and PostgreSQL."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class DataVersion(Base):
    """One row counting the writes that can change what a page shows: database triggers
    (migration 0009) add one on every insert, update or delete of the tables outside
    `store.data_seq.UNCOUNTED`, so cached pages keyed by it go stale at the next write,
    whichever process or command made it."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)


CLAIM_STATES = ("submitted", "refused", "approved", "partly_approved", "rejected")
CLAIM_LINE_STATES = ("accepted", "refused")


class Claim(Base):
    """A participant's claim on a program (free goods, display rent, price-drop support):
    its lines are validated against the warehouse on submission, then an approver other than
    the submitter approves them fully or partly, or rejects the claim."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("participant_id", "reference"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(80))
    participant_id: Mapped[str] = mapped_column(String(80), index=True)
    program_id: Mapped[str] = mapped_column(String(80))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("program_versions.id"))
    status: Mapped[str] = mapped_column(_choice("claim_status", CLAIM_STATES))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed: Mapped[Decimal] = mapped_column(Money)
    approved: Mapped[Decimal | None] = mapped_column(Money)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
    lines: Mapped[list[ClaimLine]] = relationship(order_by="ClaimLine.line_no")


class ClaimLine(Base):
    """One line of a claim as submitted, with its verdict: accepted (with what the invoice
    supports) or refused (an error class and a reason); `approved` once decided. `holds` marks
    a line that keeps its (program, invoice, sku) claimed, so no later claim can claim it
    again (a partial unique index enforces it, under concurrency too)."""

    __tablename__ = "claim_lines"
    __table_args__ = (
        UniqueConstraint("claim_id", "line_no"),
        Index("ux_claim_lines_held", "program_id", "invoice_id", "sku", unique=True,
              sqlite_where=text("holds"), postgresql_where=text("holds")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    program_id: Mapped[str] = mapped_column(String(80))
    invoice_id: Mapped[str | None] = mapped_column(String(80))
    sku: Mapped[str | None] = mapped_column(String(80))
    quantity: Mapped[Decimal | None] = mapped_column(Exact)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(_choice("claim_line_status", CLAIM_LINE_STATES))
    error: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    supported_quantity: Mapped[Decimal | None] = mapped_column(Exact)
    supported_amount: Mapped[Decimal | None] = mapped_column(Money)
    approved: Mapped[Decimal | None] = mapped_column(Money)
    holds: Mapped[bool] = mapped_column(Boolean, default=False)


CASE_STATES = ("open", "released", "adjusted", "rejected", "dropped")


class Case(Base):
    """A detector's finding on one participant and month of a calculation run. Opened
    (`open`) it is reviewed; `blocking` ones hold the participant's payouts until a reviewer
    releases, adjusts or rejects; a finding over the alert budget is kept as `dropped`
    (recorded and counted, never holding anything)."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("run_id", "finding_id"),
                      Index(None, "participant_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    finding_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    participant_id: Mapped[str] = mapped_column(String(80))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[Decimal] = mapped_column(Exact)
    value_at_risk: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(_choice("case_status", CASE_STATES))
    blocking: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[CaseEvidence]] = relationship(order_by="CaseEvidence.id")
    holds: Mapped[list[CaseHold]] = relationship(order_by="CaseHold.payout_id")


class CaseEvidence(Base):
    """One row behind a case: a sales line (invoice_id, line_no), an outlet, or a claim
    line (claim_id, line_no)."""

    __tablename__ = "case_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    table: Mapped[str] = mapped_column(String(20))
    invoice_id: Mapped[str | None] = mapped_column(String(80))
    line_no: Mapped[int | None] = mapped_column(Integer)
    outlet_id: Mapped[str | None] = mapped_column(String(80))
    claim_id: Mapped[str | None] = mapped_column(String(80))


class CaseHold(Base):
    """A payout a blocking case holds (the participant's payouts of the case's run in
    periods overlapping its month); `pays` is what the decision lets it pay, None while
    the case is open."""

    __tablename__ = "case_holds"
    __table_args__ = (UniqueConstraint("case_id", "payout_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"), index=True)
    pays: Mapped[Decimal | None] = mapped_column(Money)


DISPUTE_REASONS = ("missing_sales", "wrong_target", "returns_wrongly_counted", "claim_not_paid",
                   "other")
DISPUTE_STATES = ("open", "proposed", "resolved")
DISPUTE_OUTCOMES = ("no_change", "adjust")
DISPUTE_SIDES = ("participant", "reviewer")


class Dispute(Base):
    """A participant's dispute of one of its payouts, with a reason code; a reviewer is
    assigned, the two sides write in its thread, and it is resolved as no change or as an
    adjustment (proposed by one reviewer, confirmed by another) that the program's next
    calculation pays as a payout row linked to the disputed one."""

    __tablename__ = "disputes"
    __table_args__ = (Index(None, "status", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("payouts.id"))
    participant_id: Mapped[str] = mapped_column(String(80), index=True)
    program_id: Mapped[str] = mapped_column(String(80))
    reason_code: Mapped[str] = mapped_column(_choice("dispute_reason", DISPUTE_REASONS, 40))
    status: Mapped[str] = mapped_column(_choice("dispute_status", DISPUTE_STATES),
                                        default="open")
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    due_on: Mapped[dt.date] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(_choice("dispute_outcome", DISPUTE_OUTCOMES))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    resolution: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    payout: Mapped[Payout] = relationship(foreign_keys=[payout_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    messages: Mapped[list[DisputeMessage]] = relationship(order_by="DisputeMessage.id")


class DisputeMessage(Base):
    """One message of a dispute's thread (the opening comment is the first), by either side."""

    __tablename__ = "dispute_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    side: Mapped[str] = mapped_column(_choice("dispute_side", DISPUTE_SIDES))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    author: Mapped[User] = relationship()


# Registered on Base's metadata with the rest (the estimates, the events and the jobs live in
# their own modules).
from schemeops.store import effect_models as _effect_models  # noqa: E402, F401
from schemeops.store import event_models as _event_models  # noqa: E402, F401
from schemeops.store import job_models as _job_models  # noqa: E402, F401
