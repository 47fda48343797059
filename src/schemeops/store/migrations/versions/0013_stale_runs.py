"""runs record the warehouse's newest load they read, and a recalculation of stale results
the load after which rows came late

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table copy on SQLite): the data version's triggers on runs stay
    op.add_column("runs", sa.Column("last_load", sa.Integer(), nullable=True))
    op.add_column("runs", sa.Column("stale_since", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as b:
        b.drop_column("stale_since")
        b.drop_column("last_load")
