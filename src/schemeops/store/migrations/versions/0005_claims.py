"""claims and their lines, validated against the warehouse and decided by an approver

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_CLAIM = ("submitted", "refused", "approved", "partly_approved", "rejected")


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum(*_CLAIM, name="claim_status", native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.Column("claimed", schemeops.store.types.Money(), nullable=False),
        sa.Column("approved", schemeops.store.types.Money(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", schemeops.store.types.UtcDateTime(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["program_versions.id"],
                                name=op.f("fk_claims_version_id_program_versions")),
        sa.ForeignKeyConstraint(["submitted_by"], ["users.id"],
                                name=op.f("fk_claims_submitted_by_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"],
                                name=op.f("fk_claims_decided_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("participant_id", "reference",
                            name=op.f("uq_claims_participant_id_reference")),
    )
    op.create_index(op.f("ix_claims_participant_id"), "claims", ["participant_id"])
    op.create_table(
        "claim_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("invoice_id", sa.String(length=80), nullable=True),
        sa.Column("sku", sa.String(length=80), nullable=True),
        sa.Column("quantity", schemeops.store.types.Exact(), nullable=True),
        sa.Column("amount", schemeops.store.types.Money(), nullable=True),
        sa.Column("status", sa.Enum("accepted", "refused", name="claim_line_status",
                                    native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column("error", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("supported_quantity", schemeops.store.types.Exact(), nullable=True),
        sa.Column("supported_amount", schemeops.store.types.Money(), nullable=True),
        sa.Column("approved", schemeops.store.types.Money(), nullable=True),
        sa.Column("holds", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"],
                                name=op.f("fk_claim_lines_claim_id_claims")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_lines")),
        sa.UniqueConstraint("claim_id", "line_no", name=op.f("uq_claim_lines_claim_id_line_no")),
    )
    op.create_index("ux_claim_lines_held", "claim_lines", ["program_id", "invoice_id", "sku"],
                    unique=True, sqlite_where=sa.text("holds"),
                    postgresql_where=sa.text("holds"))


def downgrade() -> None:
    op.drop_index("ux_claim_lines_held", table_name="claim_lines")
    op.drop_table("claim_lines")
    op.drop_index(op.f("ix_claims_participant_id"), table_name="claims")
    op.drop_table("claims")
