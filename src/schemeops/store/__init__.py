"""The control plane: SQLAlchemy models, Alembic migrations and the audit chain."""
