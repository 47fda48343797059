"""The use cases' errors; the web layer maps each kind to one HTTP status in one place."""

from __future__ import annotations

from schemeops.errors import Diagnostic, SchemeopsError


class NotFound(SchemeopsError):
    """Raised when the thing asked for does not exist (or the actor may not know it does)."""


class Forbidden(SchemeopsError):
    """Raised when the actor's role or scope does not allow the action."""


class Conflict(SchemeopsError):
    """Raised when the action does not fit the current state (e.g. editing a submitted
    version, approving one's own work, exporting unapproved payouts)."""


class Invalid(SchemeopsError):
    """Raised when a program text does not check; carries every located diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} error(s) in the program")
        self.diagnostics = diagnostics
