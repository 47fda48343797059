"""how an effect estimate measured each period: the baseline's span, the side parts counted
and the sellers left out because their sales jumped

Revision ID: 0014
Revises: 0013

The new rows are inserted in the same transaction as their (counted) estimate, so they are
not counted (store/data_seq.py UNCOUNTED), like the estimate's other rows.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _period_row(table: str) -> list:
    return [sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("estimate_id", sa.Integer(), nullable=False),
            sa.Column("period_start", sa.Date(), nullable=False),
            sa.ForeignKeyConstraint(["estimate_id"], ["effect_estimates.id"],
                                    name=op.f(f"fk_{table}_estimate_id_effect_estimates")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))]


def upgrade() -> None:
    # plain ADD COLUMN (no table copy on SQLite): the data version's triggers stay
    op.add_column("effect_estimates",
                  sa.Column("baseline_span", sa.String(length=8), nullable=True))
    op.create_table("effect_parts", sa.Column("part", sa.String(length=20), nullable=False),
                    *_period_row("effect_parts"))
    op.create_index(op.f("ix_effect_parts_estimate_id_period_start"), "effect_parts",
                    ["estimate_id", "period_start"])
    op.create_table("effect_exclusions",
                    sa.Column("seller_id", sa.String(length=80), nullable=False),
                    sa.Column("side", sa.String(length=12), nullable=False),
                    *_period_row("effect_exclusions"))
    op.create_index(op.f("ix_effect_exclusions_estimate_id_period_start"),
                    "effect_exclusions", ["estimate_id", "period_start"])


def downgrade() -> None:
    op.drop_table("effect_exclusions")
    op.drop_table("effect_parts")
    with op.batch_alter_table("effect_estimates") as b:
        b.drop_column("baseline_span")
