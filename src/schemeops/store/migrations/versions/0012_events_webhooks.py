"""events out: webhook endpoints, the events outbox and their deliveries

Revision ID: 0012
Revises: 0011

Endpoints and events carry the data version's triggers (the pages show them); deliveries do
not: the delivery loop updates them on every attempt, and no cached page shows them, so
counting them would empty the portal's cache on every retry (store/data_seq.py UNCOUNTED).
"""

import sqlalchemy as sa
from alembic import op

import schemeops.store.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_BUMP = "UPDATE data_version SET seq = seq + 1 WHERE id = 1"
_COUNTED = ("webhook_endpoints", "events")
_EVENT_TYPES = ("run.finished", "payouts.approved", "export.made", "period.closed")
_STATES = ("pending", "sending", "delivered", "failed")


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, schemeops.store.types.UtcDateTime(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("event_types", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        _when("created_at", nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_webhook_endpoints_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("type", sa.Enum(*_EVENT_TYPES, name="event_type", native_enum=False,
                                  create_constraint=True, length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _when("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("key", name=op.f("uq_events_key")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum(*_STATES, name="delivery_state", native_enum=False,
                                    create_constraint=True, length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at", nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        _when("claimed_until"),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        _when("last_attempt_at"),
        _when("delivered_at"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_webhook_deliveries_event_id_events")),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"],
                                name=op.f("fk_webhook_deliveries_endpoint_id_webhook_endpoints")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("event_id", "endpoint_id",
                            name=op.f("uq_webhook_deliveries_event_id_endpoint_id")),
    )
    op.create_index(op.f("ix_webhook_deliveries_status_next_attempt_at"),
                    "webhook_deliveries", ["status", "next_attempt_at"])
    if op.get_bind().dialect.name == "postgresql":
        for table in _COUNTED:
            op.execute(f"CREATE TRIGGER data_seq_{table} AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION bump_data_seq()")
        return
    for table in _COUNTED:
        for verb in ("insert", "update", "delete"):
            op.execute(f"CREATE TRIGGER data_seq_{table}_{verb} AFTER {verb.upper()} "
                       f"ON {table} BEGIN {_BUMP}; END")


def downgrade() -> None:
    for table in _COUNTED:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER data_seq_{table} ON {table}")
        else:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER data_seq_{table}_{verb}")
    op.drop_table("webhook_deliveries")
    op.drop_table("events")
    op.drop_table("webhook_endpoints")
