"""the control plane: users, programs, runs, periods, payouts, audit

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=80), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)

    op.create_table(
        "participants",
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.String(length=80), nullable=True),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("tier", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_participants")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participants_region"), ["region"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "designer",
                "approver",
                "regional_head",
                "distributor",
                "rep",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("participant_id", sa.String(length=80), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "approved",
                "rejected",
                name="decision",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_decisions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_table(
        "programs",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_programs_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "simulation",
                "calculation",
                name="run_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                name="run_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("timings", sa.JSON(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("earning", sa.Integer(), nullable=True),
        sa.Column("total_payout", schemeops.store.types.Money(), nullable=True),
        sa.Column("sales", schemeops.store.types.Money(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "payout_status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="payout_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["started_by"], ["users.id"], name=op.f("fk_runs_started_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_table(
        "component_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("component", sa.String(length=80), nullable=False),
        sa.Column("base", sa.String(length=40), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("amount", schemeops.store.types.Money(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_component_results_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component_results")),
    )
    with op.batch_alter_table("component_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_component_results_run_id_participant_id"),
            ["run_id", "participant_id"],
            unique=False,
        )

    op.create_table(
        "exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("new_credit_notes", sa.Integer(), nullable=False),
        sa.Column("total", schemeops.store.types.Money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_exports_created_by_users")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_exports_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
    )
    op.create_table(
        "kpi_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("kpi", sa.String(length=80), nullable=False),
        sa.Column("actual", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("attainment", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_kpi_results_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_results")),
    )
    with op.batch_alter_table("kpi_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kpi_results_run_id_participant_id"),
            ["run_id", "participant_id"],
            unique=False,
        )

    op.create_table(
        "periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                name="period_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("seal", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["users.id"], name=op.f("fk_periods_closed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_periods_program_id_programs")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_periods_run_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periods")),
        sa.UniqueConstraint(
            "program_id", "start", "end", name=op.f("uq_periods_program_id_start_end")
        ),
    )
    op.create_table(
        "program_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=16), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "approved",
                "rejected",
                "live",
                "closed",
                name="version_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_program_versions_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_program_versions_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_versions")),
        sa.UniqueConstraint(
            "program_id", "number", name=op.f("uq_program_versions_program_id_number")
        ),
    )
    op.create_table(
        "payouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("amount", schemeops.store.types.Money(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["payouts.id"], name=op.f("fk_payouts_corrects_id_payouts")
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_payouts_run_id_runs")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["program_versions.id"],
            name=op.f("fk_payouts_version_id_program_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
        sa.UniqueConstraint("reference", name=op.f("uq_payouts_reference")),
        sa.UniqueConstraint(
            "run_id",
            "program_id",
            "participant_id",
            "period_start",
            name=op.f("uq_payouts_run_id_program_id_participant_id_period_start"),
        ),
    )
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payouts_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payouts_program_id_period_start_participant_id"),
            ["program_id", "period_start", "participant_id"],
            unique=False,
        )

    op.create_table(
        "run_versions",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("eligible", sa.Integer(), nullable=True),
        sa.Column("earning", sa.Integer(), nullable=True),
        sa.Column("payout", schemeops.store.types.Money(), nullable=True),
        sa.Column("sales", schemeops.store.types.Money(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_versions_run_id_runs")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["program_versions.id"],
            name=op.f("fk_run_versions_version_id_program_versions"),
        ),
        sa.PrimaryKeyConstraint("run_id", "version_id", name=op.f("pk_run_versions")),
    )
    op.create_table(
        "credit_notes",
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("payout_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("amount", schemeops.store.types.Money(), nullable=False),
        sa.Column("first_export_id", sa.Integer(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["first_export_id"],
            ["exports.id"],
            name=op.f("fk_credit_notes_first_export_id_exports"),
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"], ["payouts.id"], name=op.f("fk_credit_notes_payout_id_payouts")
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("payout_id", name=op.f("uq_credit_notes_payout_id")),
    )


def downgrade() -> None:
    op.drop_table("credit_notes")
    op.drop_table("run_versions")
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payouts_program_id_period_start_participant_id"))
        batch_op.drop_index(batch_op.f("ix_payouts_participant_id"))

    op.drop_table("payouts")
    op.drop_table("program_versions")
    op.drop_table("periods")
    with op.batch_alter_table("kpi_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_results_run_id_participant_id"))

    op.drop_table("kpi_results")
    op.drop_table("exports")
    with op.batch_alter_table("component_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_component_results_run_id_participant_id"))

    op.drop_table("component_results")
    op.drop_table("runs")
    op.drop_table("programs")
    op.drop_table("decisions")
    op.drop_table("api_tokens")
    op.drop_table("users")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_region"))

    op.drop_table("participants")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
