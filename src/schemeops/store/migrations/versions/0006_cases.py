"""cases opened from a run's findings, their evidence, and the payouts they hold

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CASE = ("open", "released", "adjusted", "rejected", "dropped")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("score", schemeops.store.types.Exact(), nullable=False),
        sa.Column("value_at_risk", schemeops.store.types.Money(), nullable=False),
        sa.Column("status", sa.Enum(*_CASE, name="case_status", native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column("blocking", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", schemeops.store.types.UtcDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_cases_run_id_runs")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"],
                                name=op.f("fk_cases_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("run_id", "finding_id", name=op.f("uq_cases_run_id_finding_id")),
    )
    op.create_index(op.f("ix_cases_participant_id_status"), "cases",
                    ["participant_id", "status"])
    op.create_table(
        "case_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("table", sa.String(length=20), nullable=False),
        sa.Column("invoice_id", sa.String(length=80), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("outlet_id", sa.String(length=80), nullable=True),
        sa.Column("claim_id", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_evidence_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_evidence")),
    )
    op.create_index(op.f("ix_case_evidence_case_id"), "case_evidence", ["case_id"])
    op.create_table(
        "case_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("payout_id", sa.Integer(), nullable=False),
        sa.Column("pays", schemeops.store.types.Money(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_holds_case_id_cases")),
        sa.ForeignKeyConstraint(["payout_id"], ["payouts.id"],
                                name=op.f("fk_case_holds_payout_id_payouts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_holds")),
        sa.UniqueConstraint("case_id", "payout_id",
                            name=op.f("uq_case_holds_case_id_payout_id")),
    )
    op.create_index(op.f("ix_case_holds_payout_id"), "case_holds", ["payout_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_holds_payout_id"), table_name="case_holds")
    op.drop_table("case_holds")
    op.drop_index(op.f("ix_case_evidence_case_id"), table_name="case_evidence")
    op.drop_table("case_evidence")
    op.drop_index(op.f("ix_cases_participant_id_status"), table_name="cases")
    op.drop_table("cases")
