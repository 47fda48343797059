"""disputes of payouts, their threads, and payouts that pay a dispute's adjustment

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_REASONS = ("missing_sales", "wrong_target", "returns_wrongly_counted", "claim_not_paid",
            "other")


def _choice(name: str, *values: str, length: int = 20) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=length)


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payout_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("reason_code", _choice("dispute_reason", *_REASONS, length=40), nullable=False),
        sa.Column("status", _choice("dispute_status", "open", "proposed", "resolved"),
                  nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("opened_at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("outcome", _choice("dispute_outcome", "no_change", "adjust"), nullable=True),
        sa.Column("amount", schemeops.store.types.Money(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", schemeops.store.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["payout_id"], ["payouts.id"],
                                name=op.f("fk_disputes_payout_id_payouts")),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"],
                                name=op.f("fk_disputes_opened_by_users")),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"],
                                name=op.f("fk_disputes_assignee_id_users")),
        sa.ForeignKeyConstraint(["proposed_by"], ["users.id"],
                                name=op.f("fk_disputes_proposed_by_users")),
        sa.ForeignKeyConstraint(["resolved_by"], ["users.id"],
                                name=op.f("fk_disputes_resolved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index(op.f("ix_disputes_participant_id"), "disputes", ["participant_id"])
    op.create_index(op.f("ix_disputes_status_due_on"), "disputes", ["status", "due_on"])
    op.create_table(
        "dispute_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("side", _choice("dispute_side", "participant", "reviewer"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dispute_id"], ["disputes.id"],
                                name=op.f("fk_dispute_messages_dispute_id_disputes")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_dispute_messages_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_messages")),
    )
    op.create_index(op.f("ix_dispute_messages_dispute_id"), "dispute_messages", ["dispute_id"])
    # a dispute's adjustment is a second row for its participant, program and period in a
    # run: the computed rows stay unique, adjustments are unique per dispute and run
    with op.batch_alter_table("payouts") as b:
        b.add_column(sa.Column("dispute_id", sa.Integer(), nullable=True))
        b.create_foreign_key("fk_payouts_dispute_id", "disputes", ["dispute_id"], ["id"])
        b.drop_constraint("uq_payouts_run_id_program_id_participant_id_period_start",
                          type_="unique")
        b.create_unique_constraint("uq_payouts_run_id_dispute_id", ["run_id", "dispute_id"])
    op.create_index("ux_payouts_computed", "payouts",
                    ["run_id", "program_id", "participant_id", "period_start"], unique=True,
                    sqlite_where=sa.text("dispute_id IS NULL"),
                    postgresql_where=sa.text("dispute_id IS NULL"))


def downgrade() -> None:
    op.drop_index("ux_payouts_computed", table_name="payouts")
    with op.batch_alter_table("payouts") as b:
        b.drop_constraint("uq_payouts_run_id_dispute_id", type_="unique")
        b.create_unique_constraint(
            "uq_payouts_run_id_program_id_participant_id_period_start",
            ["run_id", "program_id", "participant_id", "period_start"])
        b.drop_constraint("fk_payouts_dispute_id", type_="foreignkey")
        b.drop_column("dispute_id")
    op.drop_index(op.f("ix_dispute_messages_dispute_id"), table_name="dispute_messages")
    op.drop_table("dispute_messages")
    op.drop_index(op.f("ix_disputes_status_due_on"), table_name="disputes")
    op.drop_index(op.f("ix_disputes_participant_id"), table_name="disputes")
    op.drop_table("disputes")
