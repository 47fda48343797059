"""stored effect estimates: the estimate (who, when, data fingerprint), its effect.csv rows
and its dependency rows

Revision ID: 0010
Revises: 0009

The estimate carries the data version's triggers (a page can show it); its rows are
inserted in the same transaction as the estimate, so they are not counted
(store/data_seq.py UNCOUNTED), like a run's result rows.
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_BUMP = "UPDATE data_version SET seq = seq + 1 WHERE id = 1"
_EXACT = ("net_lift_pct", "low", "high", "roi", "paying_for_baseline_share", "roi_low",
          "roi_high", "baseline_value", "actual_value", "subsidised_value", "in_scheme_value",
          "halo_value", "dip_value", "cannibalised_value", "incremental_units",
          "cost_per_incremental_unit", "cost_pct_of_sales", "earner_rate", "margin")
_DEPENDENCY = ("scheme_share_13w", "post_drop_13w", "dependency_index", "previous_index",
               "index_change")


def _exact(name: str) -> sa.Column:
    return sa.Column(name, schemeops.store.types.Exact(), nullable=True)


def _row(table: str) -> list:
    return [sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("estimate_id", sa.Integer(), nullable=False),
            sa.Column("participant_id", sa.String(length=80), nullable=False),
            sa.ForeignKeyConstraint(["estimate_id"], ["effect_estimates.id"],
                                    name=op.f(f"fk_{table}_estimate_id_effect_estimates")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))]


def upgrade() -> None:
    op.create_table(
        "effect_estimates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=80), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("resamples", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"],
                                name=op.f("fk_effect_estimates_program_id_programs")),
        sa.ForeignKeyConstraint(["version_id"], ["program_versions.id"],
                                name=op.f("fk_effect_estimates_version_id_program_versions")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_effect_estimates_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_effect_estimates")),
    )
    op.create_index(op.f("ix_effect_estimates_program_id_id"), "effect_estimates",
                    ["program_id", "id"])
    op.create_table(
        "effect_lines",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("controls", sa.Integer(), nullable=False),
        *[_exact(c) for c in _EXACT],
        sa.Column("incremental_value", schemeops.store.types.Money(), nullable=False),
        sa.Column("cost", schemeops.store.types.Money(), nullable=False),
        sa.Column("payout", schemeops.store.types.Money(), nullable=False),
        *_row("effect_lines"),
    )
    op.create_index(op.f("ix_effect_lines_estimate_id_period_start_participant_id"),
                    "effect_lines", ["estimate_id", "period_start", "participant_id"])
    op.create_table(
        "effect_dependency",
        *[_exact(c) for c in _DEPENDENCY],
        sa.Column("trend", sa.String(length=10), nullable=False),
        *_row("effect_dependency"),
    )
    op.create_index(op.f("ix_effect_dependency_estimate_id_participant_id"),
                    "effect_dependency", ["estimate_id", "participant_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER data_seq_effect_estimates AFTER INSERT OR UPDATE OR "
                   "DELETE OR TRUNCATE ON effect_estimates FOR EACH STATEMENT "
                   "EXECUTE FUNCTION bump_data_seq()")
        return
    for verb in ("insert", "update", "delete"):
        op.execute(f"CREATE TRIGGER data_seq_effect_estimates_{verb} AFTER {verb.upper()} "
                   f"ON effect_estimates BEGIN {_BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER data_seq_effect_estimates ON effect_estimates")
    else:
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER data_seq_effect_estimates_{verb}")
    op.drop_table("effect_dependency")
    op.drop_table("effect_lines")
    op.drop_table("effect_estimates")
