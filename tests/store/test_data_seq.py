"""The data version: triggers bump it on every write to a counted table, whatever wrote it,
and leave it alone for session bookkeeping and the audit chain (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import text, update

from schemeops.service.signin import SessionLimits, session_user, start_session
from schemeops.service.users import create_user
from schemeops.store.audit import record
from schemeops.store.data_seq import UNCOUNTED, data_seq
from schemeops.store.db import make_engine, sessions
from schemeops.store.migrate import upgrade
from schemeops.store.models import Base, Participant, User, WebSession


def _triggered_tables(conn) -> set[str]:  # type: ignore[no-untyped-def]
    if conn.dialect.name == "sqlite":
        sql = "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = ("SELECT event_object_table FROM information_schema.triggers "
               "WHERE trigger_name LIKE 'data_seq_%'")
    return {row[0] for row in conn.execute(text(sql))}


def test_every_table_but_the_uncounted_has_the_triggers(db_url):
    """A table a later migration adds without triggers fails here (or must be named
    uncounted, with its reason)."""
    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert _triggered_tables(conn) == set(Base.metadata.tables) - UNCOUNTED
    engine.dispose()


def test_writes_bump_the_version_and_bookkeeping_does_not(db_url):
    upgrade(db_url)
    factory = sessions(make_engine(db_url))
    with factory.begin() as s:
        assert data_seq(s) == 0
        user = create_user(s, username="d1", password="pw-d1-long", role="distributor",
                           participant_id="D1")
    with factory.begin() as s:
        after_user = data_seq(s)
        assert after_user >= 1
        token = start_session(s, user, "127.0.0.1", SessionLimits())
        record(s, actor="d1", action="user.signed_in", subject_type="user", subject_id=1)
        s.execute(update(WebSession).values(address="elsewhere"))
    with factory.begin() as s:
        assert data_seq(s) == after_user  # sessions and the audit chain are not counted
        signed = session_user(s, token, SessionLimits())
        assert signed is not None and signed.actor.username == "d1"
        assert signed.data_seq == after_user  # read in the session's own query
        s.add(Participant(participant_id="D1", name="First", role="distributor"))
    with factory.begin() as s:
        assert data_seq(s) > after_user
        before = data_seq(s)
        s.execute(update(User).values(display_name="renamed"))  # a bulk Core update too
    with factory.begin() as s:
        assert data_seq(s) > before
