"""Events out (docs/webhooks.md), on SQLite and PostgreSQL, against a real receiver on
127.0.0.1 that checks every signature and counts the ids it took: each state change emits its
event in its own transaction; each event is delivered once; a receiver down for a while (503,
then its port closed) gets each event once when it is back; a restart mid-retry or a process
dying mid-send loses nothing and sends nothing twice; two processes never send the same
delivery; hostile endpoint input is refused, naming the field."""

from __future__ import annotations

import datetime as dt
import json
import threading

import httpx
import pytest
from service_support import calculated_run, example, live_version
from sqlalchemy import func, select

from schemeops.service import events, exports, periods, runs, webhooks
from schemeops.service.context import App
from schemeops.service.delivery import DeliveryPolicy, PassResult, claim, deliver_due
from schemeops.service.errors import Conflict, Forbidden
from schemeops.service.webhooks import BadEndpoint
from schemeops.store.db import make_engine, sessions
from schemeops.store.event_models import EVENT_TYPES, Delivery, Event
from schemeops.store.outbox import emit
from schemeops.store.types import utcnow
from webhook_receiver import Receiver

SECRET = "whsec_test_0123456789"
#: The defaults but a shorter timeout; after any failure the next attempt is due within
#: max_delay (1 h), so a pass 2 h later always finds it due.
POLICY = DeliveryPolicy(timeout=5.0, lease=60.0)
LATER = dt.timedelta(hours=2)


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    r = Receiver(SECRET)
    yield r
    r.stop()


@pytest.fixture
def client():  # type: ignore[no-untyped-def]
    with httpx.Client(timeout=5.0, follow_redirects=False) as c:
        yield c


def _endpoint(app: App, team, url: str, types: tuple[str, ...] = EVENT_TYPES) -> int:
    with app.sessions.begin() as s:
        return webhooks.add_endpoint(s, team.admin, url=url, secret=SECRET,
                                     event_types=list(types)).id


def _emit(app: App, n: int) -> list[str]:
    with app.sessions.begin() as s:
        return [emit(s, "run.finished", subject_type="run", subject_id=i,
                     data={"run": i}).key for i in range(1, n + 1)]


def _states(app: App) -> dict[str, tuple[str, int]]:
    with app.sessions.begin() as s:
        return {d.event.key: (d.status, d.attempts) for d in s.scalars(select(Delivery))}


def _pass(app: App, client: httpx.Client, at: dt.datetime) -> PassResult:
    return deliver_due(app, client=client, policy=POLICY, now=at)


def test_each_state_change_emits_its_event_in_its_own_transaction(app, team, tmp_path):
    every = _endpoint(app, team, "https://erp.example/hooks")
    closes = _endpoint(app, team, "http://books.example:8080/in", ("period.closed",))
    off = _endpoint(app, team, "https://old.example/hooks")
    with app.sessions.begin() as s:
        webhooks.disable_endpoint(s, team.admin, off)
    vid = live_version(app, team, example("volume_growth"))
    run_id = calculated_run(app, team, vid)
    with app.sessions.begin() as s, pytest.raises(Conflict, match="you started this run"):
        runs.decide_payouts(s, team.approver, run_id, approve=True)  # refused: rolled back
    with app.sessions.begin() as s:
        runs.decide_payouts(s, team.approver2, run_id, approve=True)
        export_id = exports.export(s, team.approver, run_id).export.id
        [period] = periods.list_periods(s, team.approver)
        periods.close(s, team.approver, period.id)
    broken = App(app.sessions, tmp_path / "missing.duckdb", app.runs_dir)
    failed_id = calculated_run(broken, team, vid)
    with app.sessions.begin() as s:
        got = s.scalars(select(Event).order_by(Event.id)).all()
        assert [(e.type, e.subject_type, e.subject_id) for e in got] == [
            ("run.finished", "run", str(run_id)), ("payouts.approved", "run", str(run_id)),
            ("export.made", "export", str(export_id)),
            ("period.closed", "period", str(period.id)),
            ("run.finished", "run", str(failed_id))]
        bodies = [json.loads(e.body) for e in got]
        assert [b["id"] for b in bodies] == [e.key for e in got]
        assert len({e.key for e in got}) == 5
        assert bodies[0]["data"]["status"] == "succeeded"
        assert bodies[4]["data"]["status"] == "failed" and "no warehouse" in \
            bodies[4]["data"]["error"]
        assert bodies[2]["data"]["run"] == run_id
        assert bodies[3]["data"]["seal"] == period.seal and bodies[3]["data"]["run"] == run_id
        assert [sorted(d.endpoint_id for d in e.deliveries) for e in got] == [
            [every], [every], [every], [every, closes], [every]]


def test_a_receiver_gets_each_event_once_with_a_valid_signature(app, team, receiver, client):
    _endpoint(app, team, receiver.url)
    keys = _emit(app, 3)
    assert _pass(app, client, utcnow()) == PassResult(delivered=3)
    assert _pass(app, client, utcnow() + LATER) == PassResult()  # nothing twice
    got = receiver.got
    assert sorted(got.taken) == sorted(keys) and got.duplicates == 0
    assert len(got.requests) == 3 and got.bad_signatures == 0
    with app.sessions.begin() as s:
        for e in s.scalars(select(Event)):
            [sent] = [r for r in got.requests if json.loads(r["body"])["id"] == e.key]
            assert sent["body"] == e.body.encode() and sent["signed"]
            assert sent["headers"]["X-Schemeops-Event-Type"] == "run.finished"
            [d] = e.deliveries
            assert (d.status, d.attempts, d.last_status, d.last_error) == (
                "delivered", 1, 204, None)


def test_a_receiver_down_for_a_while_gets_each_event_once_when_back(
        app, team, receiver, client):
    _endpoint(app, team, receiver.url)
    keys = _emit(app, 4)
    start = utcnow()
    receiver.down(4 * 3)  # three passes answered 503
    for n in range(1, 4):
        assert _pass(app, client, start + n * LATER) == PassResult(retrying=4)
        assert set(_states(app).values()) == {("pending", n)}
        # backoff: the first retry is due no sooner than 15 s (half of 30 s) later
        assert _pass(app, client, start + n * LATER + dt.timedelta(seconds=14)) == PassResult()
    receiver.stop()  # then its port is closed for two passes
    for n in range(4, 6):
        assert _pass(app, client, start + n * LATER) == PassResult(retrying=4)
    with app.sessions.begin() as s:
        errors = {d.last_error.split(":")[0] for d in s.scalars(select(Delivery))}
        assert errors == {"ConnectError"}
    receiver.start()
    assert _pass(app, client, start + 6 * LATER) == PassResult(delivered=4)
    assert _pass(app, client, start + 7 * LATER) == PassResult()
    assert sorted(receiver.got.taken) == sorted(keys) and receiver.got.duplicates == 0
    assert receiver.got.bad_signatures == 0 and len(receiver.got.requests) == 4 * 3 + 4
    assert set(_states(app).values()) == {("delivered", 6)}


def _reopened(app: App) -> App:
    """The same store through a new engine: another server process, or this one restarted."""
    url = app.sessions.kw["bind"].url.render_as_string(hide_password=False)
    return App(sessions(make_engine(url)), app.warehouse, app.runs_dir)


def test_a_restart_mid_retry_or_mid_send_loses_nothing_and_sends_nothing_twice(
        app, team, receiver, client):
    _endpoint(app, team, receiver.url)
    keys = _emit(app, 2)
    start = utcnow()
    receiver.down(2)
    assert _pass(app, client, start) == PassResult(retrying=2)
    app.sessions.kw["bind"].dispose()  # the server stops mid-retry
    restarted = _reopened(app)
    assert _pass(restarted, client, start + LATER) == PassResult(delivered=2)
    # a process that claims a delivery and dies before sending it
    [lost] = _emit(restarted, 1)
    with restarted.sessions.begin() as s:
        lost_id = s.scalar(select(Delivery.id).join(Event).where(Event.key == lost))
    assert claim(restarted, lost_id, start + 2 * LATER, POLICY) is not None
    survivor = _reopened(restarted)
    assert _pass(survivor, client, start + 2 * LATER) == PassResult()  # its claim holds
    after_lease = start + 2 * LATER + dt.timedelta(seconds=POLICY.lease + 1)
    assert _pass(survivor, client, after_lease) == PassResult(delivered=1)
    assert sorted(receiver.got.taken) == sorted([*keys, lost])
    assert receiver.got.duplicates == 0
    assert _states(survivor)[lost] == ("delivered", 2)
    for a in (restarted, survivor):
        a.sessions.kw["bind"].dispose()


def test_two_processes_never_send_the_same_delivery(app, team, receiver):
    _endpoint(app, team, receiver.url)
    keys = _emit(app, 20)
    one, two = _reopened(app), _reopened(app)
    with one.sessions.begin() as s:
        first = s.scalar(select(func.min(Delivery.id)))
    now = utcnow()
    assert claim(one, first, now, POLICY) is not None
    assert claim(two, first, now, POLICY) is None  # the conditional UPDATE matched nothing
    results: list[PassResult] = []

    def process(a: App) -> None:
        with httpx.Client(timeout=5.0) as c:
            results.append(deliver_due(a, client=c, policy=POLICY, now=now))

    threads = [threading.Thread(target=process, args=(a,)) for a in (one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r.delivered for r in results) == 19  # the claimed one waits for its lease
    assert len(receiver.got.requests) == 19 and receiver.got.duplicates == 0
    assert set(receiver.got.taken) == set(keys) - {_key_of(app, first)}
    for a in (one, two):
        a.sessions.kw["bind"].dispose()


def _key_of(app: App, delivery_id: int) -> str:
    with app.sessions.begin() as s:
        return s.get(Delivery, delivery_id).event.key


def test_retry_now_gives_a_failed_delivery_one_more_attempt(app, team, receiver, client):
    _endpoint(app, team, receiver.url)
    [key] = _emit(app, 1)
    tight = DeliveryPolicy(timeout=5.0, max_attempts=2)
    receiver.down(2)
    start = utcnow()
    for n in range(2):
        deliver_due(app, client=client, policy=tight, now=start + n * LATER)
    assert _states(app)[key] == ("failed", 2)
    assert deliver_due(app, client=client, policy=tight, now=start + 5 * LATER) == PassResult()
    with app.sessions.begin() as s:
        d_id = s.scalar(select(Delivery.id))
        with pytest.raises(Forbidden):
            events.retry(s, team.designer, d_id)
        events.retry(s, team.approver, d_id)
    assert deliver_due(app, client=client, policy=tight) == PassResult(delivered=1)
    with app.sessions.begin() as s, pytest.raises(Conflict, match="received already"):
        events.retry(s, team.approver, d_id)
    assert receiver.got.taken == {key: 1}


def test_a_refused_endpoint_is_not_stored(app, team):
    """The field checks themselves: tests/service/test_webhook_input.py."""
    with app.sessions.begin() as s:
        with pytest.raises(BadEndpoint, match=r"^url: only http"):
            webhooks.add_endpoint(s, team.admin, url="javascript:alert(1)", secret=SECRET,
                                  event_types=["run.finished"])
        assert webhooks.list_endpoints(s, team.admin) == []


def test_only_admins_manage_endpoints(app, team):
    with app.sessions.begin() as s:
        for who in (team.approver, team.designer, team.distributor):
            with pytest.raises(Forbidden):
                webhooks.add_endpoint(s, who, url="https://erp.example/in", secret=SECRET,
                                      event_types=["run.finished"])
        with pytest.raises(Forbidden):
            events.recent(s, team.designer)
