"""the data version: one counter that triggers bump on every write a cached page can show

Revision ID: 0009
Revises: 0008

Triggers rather than calls in the use cases, so no write path (a command, the worker, another
server process, SQL typed by hand) can forget it. SQLite has only row triggers; PostgreSQL
bumps once per statement. Not counted: session bookkeeping, the audit chain, and the bulk
result rows a run stores in the same transaction as the status change that is counted.
A table added by a later migration gets its triggers there (tests/store checks every table).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COUNTED = ("api_tokens", "case_evidence", "case_holds", "cases", "claim_lines", "claims",
           "credit_notes", "decisions", "dispute_messages", "disputes", "exports",
           "participants", "payouts", "periods", "program_versions", "programs",
           "run_versions", "runs", "users")
_OPS = ("insert", "update", "delete")
_BUMP = "UPDATE data_version SET seq = seq + 1 WHERE id = 1"


def _sqlite(table: str, verb: str) -> str:
    return (f"CREATE TRIGGER data_seq_{table}_{verb} AFTER {verb.upper()} ON {table} "
            f"BEGIN {_BUMP}; END")


def upgrade() -> None:
    version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(version, [{"id": 1, "seq": 0}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION bump_data_seq() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN {_BUMP}; RETURN NULL; END $$")
        for table in COUNTED:
            op.execute(f"CREATE TRIGGER data_seq_{table} AFTER INSERT OR UPDATE OR DELETE "
                       f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION bump_data_seq()")
        return
    for table in COUNTED:
        for verb in _OPS:
            op.execute(_sqlite(table, verb))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in COUNTED:
            op.execute(f"DROP TRIGGER data_seq_{table} ON {table}")
        op.execute("DROP FUNCTION bump_data_seq()")
    else:
        for table in COUNTED:
            for verb in _OPS:
                op.execute(f"DROP TRIGGER data_seq_{table}_{verb}")
    op.drop_table("data_version")
