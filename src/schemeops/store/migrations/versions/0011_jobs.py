"""scheduled jobs: job_runs (one row per claimed occurrence, UNIQUE (job_name, due_at)) and
job_files (the files a watched folder loaded)

Revision ID: 0011
Revises: 0010

Both are bookkeeping that no cached page shows, so they carry no data-version triggers
(store/data_seq.py UNCOUNTED).
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.Column("trigger", sa.Enum("schedule", "manual", name="job_trigger",
                                     native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column("status", sa.Enum("running", "succeeded", "failed", name="job_status",
                                    native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column("claimed_by", sa.String(length=120), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.Column("started_at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.Column("finished_at", schemeops.store.types.UtcDateTime(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rows_present", sa.Integer(), nullable=False),
        sa.Column("rows_conflicts", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint("job_name", "due_at", name=op.f("uq_job_runs_job_name_due_at")),
    )
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_name", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("job_run_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("at", schemeops.store.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["job_run_id"], ["job_runs.id"],
                                name=op.f("fk_job_files_job_run_id_job_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_files")),
        sa.UniqueConstraint("job_name", "name", "size", "sha256",
                            name=op.f("uq_job_files_job_name_name_size_sha256")),
    )
    op.create_index(op.f("ix_job_files_sha256"), "job_files", ["sha256"])


def downgrade() -> None:
    op.drop_table("job_files")
    op.drop_table("job_runs")
