"""Who is acting, and the application's settings: the store, the warehouse, where runs write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from schemeops.service.case_rules import CaseRules
from schemeops.service.displays import Displays
from schemeops.store.models import User

STAFF = ("admin", "designer", "approver", "regional_head")


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the use cases see them."""

    user_id: int
    username: str
    role: str
    region: str | None = None
    participant_id: str | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for a stored user."""
        return cls(user.id, user.username, user.role, user.region, user.participant_id)

    @property
    def is_staff(self) -> bool:
        """Admins, designers, approvers and regional heads (not distributors or reps)."""
        return self.role in STAFF


@dataclass(frozen=True)
class App:
    """Everything a use case needs besides the actor."""

    sessions: sessionmaker[Session]
    warehouse: Path
    runs_dir: Path
    backend: str = "duckdb"
    #: How a calculation's findings become cases (severity, holds, alert budget).
    cases: CaseRules = field(default_factory=CaseRules)
    #: Programs' display names, parsed once per version (the portal's).
    displays: Displays = field(default_factory=Displays, compare=False, repr=False)
