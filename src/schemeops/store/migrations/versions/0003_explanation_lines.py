"""a run's typed explanation lines and its early-payment warnings, per participant

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "explanation_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("period_no", sa.Integer(), nullable=False),
        sa.Column("row", sa.String(length=20), nullable=False),
        sa.Column("component", sa.String(length=120), nullable=True),
        sa.Column("kpi", sa.String(length=80), nullable=True),
        sa.Column("amount", schemeops.store.types.Money(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("shape", sa.String(length=20), nullable=True),
        sa.Column("measure_of", sa.String(length=20), nullable=True),
        sa.Column("measure", schemeops.store.types.Exact(), nullable=True),
        sa.Column("slab", sa.Integer(), nullable=True),
        sa.Column("slabs", sa.Integer(), nullable=True),
        sa.Column("slab_start", schemeops.store.types.Exact(), nullable=True),
        sa.Column("slab_above", sa.Boolean(), nullable=True),
        sa.Column("next_break", schemeops.store.types.Exact(), nullable=True),
        sa.Column("next_above", sa.Boolean(), nullable=True),
        sa.Column("needed", schemeops.store.types.Exact(), nullable=True),
        sa.Column("gap", schemeops.store.types.Exact(), nullable=True),
        sa.Column("actual", schemeops.store.types.Exact(), nullable=True),
        sa.Column("target", schemeops.store.types.Exact(), nullable=True),
        sa.Column("attainment", schemeops.store.types.Exact(), nullable=True),
        sa.Column("gate", sa.Text(), nullable=True),
        sa.Column("gate_held", sa.Boolean(), nullable=True),
        sa.Column("multiplier", schemeops.store.types.Exact(), nullable=True),
        sa.Column("multipliers", sa.Text(), nullable=True),
        sa.Column("multipliers_missed", sa.Text(), nullable=True),
        sa.Column("capped", sa.Boolean(), nullable=True),
        sa.Column("cap", sa.String(length=20), nullable=True),
        sa.Column("cap_limit", schemeops.store.types.Money(), nullable=True),
        sa.Column("deferred", sa.Boolean(), nullable=True),
        sa.Column("earned", schemeops.store.types.Money(), nullable=True),
        sa.Column("paid_before", schemeops.store.types.Money(), nullable=True),
        sa.Column("balance_before", schemeops.store.types.Money(), nullable=True),
        sa.Column("balance_after", schemeops.store.types.Money(), nullable=True),
        sa.Column("carried_from", sa.Integer(), nullable=True),
        sa.Column("carried_to", sa.Integer(), nullable=True),
        sa.Column("bills_paid", sa.Integer(), nullable=True),
        sa.Column("bills", sa.Integer(), nullable=True),
        sa.Column("target_rule", sa.Text(), nullable=True),
        sa.Column("formula", sa.Text(), nullable=True),
        sa.Column("lower_is_better", sa.Boolean(), nullable=True),
        sa.Column("gap_unit", sa.String(length=10), nullable=True),
        sa.Column("gap_phrase", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_explanation_lines_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanation_lines")),
    )
    with op.batch_alter_table("explanation_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_explanation_lines_run_id_participant_id"),
            ["run_id", "participant_id"],
            unique=False,
        )

    op.create_table(
        "run_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("participant_id", sa.String(length=80), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("kpi", sa.String(length=80), nullable=False),
        sa.Column("settlement", sa.String(length=10), nullable=False),
        sa.Column("distributor_id", sa.String(length=80), nullable=False),
        sa.Column("invoice_id", sa.String(length=80), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("total", schemeops.store.types.Money(), nullable=False),
        sa.Column("paid", schemeops.store.types.Money(), nullable=False),
        sa.Column("short", schemeops.store.types.Money(), nullable=False),
        sa.Column("tier_days", sa.Integer(), nullable=False),
        sa.Column("tier_rate", schemeops.store.types.Exact(), nullable=False),
        sa.Column("discount", schemeops.store.types.Money(), nullable=False),
        sa.Column("warn_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_warnings_run_id_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run_warnings")),
    )
    with op.batch_alter_table("run_warnings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_run_warnings_run_id_participant_id"),
            ["run_id", "participant_id"],
            unique=False,
        )


def downgrade() -> None:
    for name in ("run_warnings", "explanation_lines"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_run_id_participant_id"))
        op.drop_table(name)
