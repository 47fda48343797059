"""Signing in with a password (the sign-in form and `POST /api/tokens` alike): failures are
counted per account name and per client address, and either crossing its limit locks further
attempts out for a while (an admin can lift it); every checked attempt, and every lockout,
goes into the audit chain. Server-side web sessions: the cookie holds a random id, the store
its sha256; sign-out, password change, removal and the idle and absolute timeouts end them.

The counters live in the store (not in a process), so they hold across `serve --workers N`
and restarts. While a lockout holds, attempts are refused before any password is checked and
without an audit entry each, so a flood costs neither argon2 work nor audit rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemeops.service.context import Actor
from schemeops.service.errors import NotFound
from schemeops.service.policy import require
from schemeops.service.users import authenticate
from schemeops.store.audit import record
from schemeops.store.data_seq import DATA_SEQ
from schemeops.store.models import SignInThrottle, User, WebSession
from schemeops.store.types import utcnow


@dataclass(frozen=True)
class SignInLimits:
    """How many failed password checks lock an account name or a client address, within
    which window, and for how long."""

    account_failures: int = 10
    address_failures: int = 30
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class SessionLimits:
    """A web session ends after `idle` without a request or `absolute` after sign-in; its
    last-seen time is written at most every `touch` (so reads stay reads)."""

    idle: dt.timedelta = dt.timedelta(minutes=30)
    absolute: dt.timedelta = dt.timedelta(hours=12)
    touch: dt.timedelta = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Attempt:
    """The outcome of a sign-in attempt: the user, or why not (`locked_until` when a lockout
    refused it before the password was checked)."""

    user: User | None
    locked_until: dt.datetime | None = None
    locked_now: tuple[str, ...] = field(default=())


def account_key(username: str) -> str:
    """Account names are counted case-insensitively (and whether or not the user exists)."""
    return username.strip().lower()[:200]


def _locked_until(s: Session, keys: list[tuple[str, str]], now: dt.datetime
                  ) -> dt.datetime | None:
    until = [t.locked_until for scope, key in keys
             if (t := s.get(SignInThrottle, (scope, key))) is not None
             and t.locked_until is not None and t.locked_until > now]
    return max(until, default=None)


def _count_failure(s: Session, scope: str, key: str, limit: int, limits: SignInLimits,
                   now: dt.datetime) -> SignInThrottle:
    """One more failure on (scope, key), inserting its row on the first (a concurrent first
    failure elsewhere makes the insert fail; then the row is updated instead)."""
    t = s.get(SignInThrottle, (scope, key))
    if t is None:
        try:
            with s.begin_nested():
                t = SignInThrottle(scope=scope, key=key, failures=0, window_start=now)
                s.add(t)
        except IntegrityError:
            t = s.get(SignInThrottle, (scope, key), populate_existing=True)
            assert t is not None
    if now - t.window_start > limits.window or (t.locked_until and t.locked_until <= now):
        t.failures, t.window_start, t.locked_until = 0, now, None
    t.failures += 1
    if t.failures >= limit:
        t.locked_until = now + limits.lockout
    s.flush()
    return t


def attempt(s: Session, limits: SignInLimits, username: str, password: str, address: str,
            via: str) -> Attempt:
    """Check a password unless a lockout holds; count and audit the outcome. The caller
    commits whatever the outcome (a refusal must still be counted)."""
    now = utcnow()
    name, addr = account_key(username), address[:200]
    keys = [("account", name), ("address", addr)]
    until = _locked_until(s, keys, now)
    if until is not None:
        return Attempt(None, until)
    user = authenticate(s, username, password)
    details = {"username": username[:80], "address": addr, "via": via}
    if user is not None:
        s.execute(delete(SignInThrottle).where(SignInThrottle.scope == "account",
                                               SignInThrottle.key == name))
        record(s, actor=user.username, action="user.signed_in", subject_type="user",
               subject_id=user.id, details=details)
        return Attempt(user)
    known = s.scalar(select(User.id).where(User.username == username))
    locked: list[str] = []
    for scope, key, limit in (("account", name, limits.account_failures),
                              ("address", addr, limits.address_failures)):
        t = _count_failure(s, scope, key, limit, limits, now)
        details[f"{scope}_failures"] = t.failures
        if t.locked_until is not None and t.failures == limit:
            locked.append(scope)
    record(s, actor="anonymous", action="user.sign_in_failed", subject_type="user",
           subject_id=known if known is not None else "-",
           details={**details, "reason": "wrong password" if known else "unknown user"})
    for scope in locked:
        key = name if scope == "account" else addr
        record(s, actor="system", action=f"{scope}.locked", subject_type=scope, subject_id=key,
               details={"until": (now + limits.lockout).isoformat(), "after_failures":
                        limits.account_failures if scope == "account"
                        else limits.address_failures})
    return Attempt(None, now + limits.lockout if locked else None, tuple(locked))


def locks(s: Session, actor: Actor) -> list[SignInThrottle]:
    """The lockouts in force now (accounts and addresses), soonest to end first."""
    require(actor, "users.manage")
    now = utcnow()
    return list(s.scalars(select(SignInThrottle).where(SignInThrottle.locked_until > now)
                          .order_by(SignInThrottle.locked_until)))


def lift(s: Session, by: str, scope: str, key: str) -> None:
    """Lift a lockout (and forget its failures) on behalf of `by`; audited. NotFound if no
    failure of it is recorded."""
    if scope not in ("account", "address"):
        raise NotFound(f"no lockout scope {scope!r}")
    t = s.get(SignInThrottle, (scope, key))
    if t is None:
        raise NotFound(f"no failed sign-ins recorded for {scope} {key!r}")
    s.delete(t)
    record(s, actor=by, action=f"{scope}.unlocked", subject_type=scope, subject_id=key,
           details={"was_locked_until": t.locked_until.isoformat() if t.locked_until
                    else None, "failures": t.failures})
    s.flush()


def unlock(s: Session, actor: Actor, scope: str, key: str) -> None:
    """An admin lifts a lockout."""
    require(actor, "users.manage")
    lift(s, actor.username, scope, key)


def unlock_user(s: Session, actor: Actor, user_id: int) -> User:
    """Lift the lockout of a user's account name."""
    require(actor, "users.manage")
    user = s.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    unlock(s, actor, "account", account_key(user.username))
    return user


# ------------------------------------------------------------------ web sessions

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(s: Session, user: User, address: str, limits: SessionLimits) -> str:
    """A new session for the user (its id, to go in the cookie); sessions that timed out
    (anybody's) are removed on the way, so the table holds about the live ones."""
    now = utcnow()
    s.execute(delete(WebSession).where(
        (WebSession.seen_at < now - limits.idle)
        | (WebSession.created_at < now - limits.absolute)))
    token = secrets.token_urlsafe(32)
    s.add(WebSession(token_hash=_digest(token), user_id=user.id, address=address[:64],
                     created_at=now, seen_at=now))
    s.flush()
    return token


@dataclass(frozen=True)
class SignedIn:
    """A live session's actor, and the store's data version read in the same statement."""

    actor: Actor
    data_seq: int


# Built once, run as Core on the request's connection: every signed-in request makes it,
# and building and ORM-loading it cost more than the cached portal page it guards.
_SESSION = (
    select(User.id, User.username, User.role, User.region, User.participant_id, User.active,
           WebSession.id.label("session_id"), WebSession.created_at, WebSession.seen_at,
           DATA_SEQ.label("data_seq"))
    .join(WebSession, WebSession.user_id == User.id)
    .where(WebSession.token_hash == bindparam("digest")))


def session_user(s: Session, token: str, limits: SessionLimits) -> SignedIn | None:
    """The active user of a live session, or None (unknown, ended or timed out); one query."""
    row = s.connection().execute(_SESSION, {"digest": _digest(token)}).first()
    if row is None:
        return None
    now = utcnow()
    if now - row.seen_at > limits.idle or now - row.created_at > limits.absolute \
            or not row.active:
        return None
    if now - row.seen_at > limits.touch:
        s.execute(update(WebSession).where(WebSession.id == row.session_id)
                  .values(seen_at=now))
    actor = Actor(row.id, row.username, row.role, row.region, row.participant_id)
    return SignedIn(actor, row.data_seq or 0)


def end_session(s: Session, token: str) -> User | None:
    """End one session (sign-out); the user it belonged to, if it was live."""
    ws = s.scalar(select(WebSession).where(WebSession.token_hash == _digest(token)))
    if ws is None:
        return None
    user = s.get(User, ws.user_id)
    s.delete(ws)
    s.flush()
    return user


