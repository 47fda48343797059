"""The store's data version (`DataVersion`): read in the same statement as the session, so
a cached page costs one query to validate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemeops.store.models import DataVersion

#: Tables whose writes do not bump the version: session and sign-in bookkeeping, the audit
#: chain (a sign-in appends to it; no cached page shows it), the counter itself, and the
#: bulk result rows a run stores in the transaction that also marks the run succeeded, and
#: an effect estimate's rows, stored in the transaction that inserts the (counted) estimate;
#: webhook deliveries, updated on every attempt by the delivery loop, and scheduled jobs'
#: records (no cached page shows them; what a job changes is counted).
UNCOUNTED = frozenset({"web_sessions", "sign_in_throttles", "audit_log", "audit_head",
                       "data_version", "explanation_lines", "kpi_results",
                       "component_results", "run_warnings", "effect_lines",
                       "effect_dependency", "effect_parts", "effect_exclusions",
                       "webhook_deliveries", "job_runs", "job_files"})

#: The version as a scalar subquery, to add to another statement.
DATA_SEQ = select(DataVersion.seq).where(DataVersion.id == 1).scalar_subquery()


def data_seq(s: Session) -> int:
    """The store's data version now."""
    return s.scalar(select(DATA_SEQ)) or 0
