"""payouts withhold late returns of a closed period (returns window, no clawback)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payouts") as b:
        b.add_column(sa.Column("withholds_id", sa.Integer(), nullable=True))
        b.add_column(sa.Column("withheld", schemeops.store.types.Money(), nullable=True))
        b.create_foreign_key("fk_payouts_withholds_id", "payouts", ["withholds_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("payouts") as b:
        b.drop_constraint("fk_payouts_withholds_id", type_="foreignkey")
        b.drop_column("withheld")
        b.drop_column("withholds_id")
