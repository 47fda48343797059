"""Users and sign-in: argon2 password hashes, API tokens kept as sha256 only."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from schemeops.service.errors import Conflict
from schemeops.store.audit import record
from schemeops.store.models import ROLES, ApiToken, User, WebSession
from schemeops.store.types import utcnow

_HASHER = PasswordHasher()
#: The shortest password `change_password` accepts.
MIN_PASSWORD = 12


def create_user(s: Session, *, username: str, password: str, role: str,
                display_name: str = "", region: str | None = None,
                participant_id: str | None = None, by: str = "setup") -> User:
    """A new user; a regional head needs a region, a distributor or rep a participant."""
    if role not in ROLES:
        raise Conflict(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if role == "regional_head" and not region:
        raise Conflict("a regional head needs a region")
    if role in ("distributor", "rep") and not participant_id:
        raise Conflict(f"a {role} needs a participant id")
    if s.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists")
    user = User(username=username, display_name=display_name or username, role=role,
                region=region, participant_id=participant_id,
                password_hash=_HASHER.hash(password))
    s.add(user)
    s.flush()
    record(s, actor=by, action="user.created", subject_type="user", subject_id=user.id,
           details={"username": username, "role": role, "region": region,
                    "participant": participant_id})
    return user


def authenticate(s: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = s.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        _HASHER.hash(password)  # same work either way: no timing hint that the name exists
        return None
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(s: Session, user: User, name: str) -> str:
    """A new API token for the user, shown once."""
    token = "so_" + secrets.token_urlsafe(32)
    s.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token)))
    record(s, actor=user.username, action="token.issued", subject_type="user",
           subject_id=user.id, details={"name": name})
    return token


def user_for_token(s: Session, token: str) -> User | None:
    """The active user behind a live token, or None."""
    t = s.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token),
                                        ApiToken.revoked_at.is_(None)))
    return t.user if t is not None and t.user.active else None


def _end_sessions(s: Session, user_id: int) -> int:
    return s.execute(delete(WebSession).where(WebSession.user_id == user_id)).rowcount or 0


def set_password(s: Session, user: User, password: str, *, by: str) -> int:
    """Give the user a new password and end every web session they had (how many); their
    API tokens stay (revoke those by removing the user)."""
    if len(password) < MIN_PASSWORD:
        raise Conflict(f"a password needs at least {MIN_PASSWORD} characters")
    user.password_hash = _HASHER.hash(password)
    ended = _end_sessions(s, user.id)
    record(s, actor=by, action="user.password_changed", subject_type="user",
           subject_id=user.id, details={"sessions_ended": ended})
    s.flush()
    return ended


def change_password(s: Session, user: User, current: str, new: str) -> int:
    """The user changes their own password, proving the current one; every session ends."""
    try:
        _HASHER.verify(user.password_hash, current)
    except (VerifyMismatchError, InvalidHashError):
        raise Conflict("the current password is wrong") from None
    return set_password(s, user, new, by=user.username)


def remove_user(s: Session, user: User, *, by: str) -> None:
    """Deactivate a user: their sessions end and their API tokens are revoked (the row
    stays, for the audit chain and the records that name them)."""
    user.active = False
    ended = _end_sessions(s, user.id)
    revoked = s.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                               ApiToken.revoked_at.is_(None))
                        .values(revoked_at=utcnow())).rowcount or 0
    record(s, actor=by, action="user.removed", subject_type="user", subject_id=user.id,
           details={"sessions_ended": ended, "tokens_revoked": revoked})
    s.flush()
