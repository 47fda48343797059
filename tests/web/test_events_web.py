"""The webhook endpoints page (add, refuse naming the field, disable; the secret never shown
back; everything typed escaped) and the events page (each delivery's state, attempts, last
answer; "retry now")."""

from __future__ import annotations

import datetime as dt
import threading

import httpx
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from schemeops.service.delivery import DeliveryPolicy, deliver_due
from schemeops.store.event_models import Delivery, WebhookEndpoint
from schemeops.store.outbox import emit
from schemeops.store.types import utcnow
from schemeops.web.app import create_app
from schemeops.web.settings import WebSettings
from webhook_receiver import Receiver

SECRET = "whsec_web_test_0123456789"
HOSTILE = '<script>alert("x")</script>'


def test_an_admin_adds_and_disables_an_endpoint_whose_secret_is_never_shown(app, as_user):
    admin = as_user("admin")
    assert admin.get("/webhooks").status_code == 200
    r = admin.post("/webhooks", {"url": "https://erp.example/in?a=1&b=<2>", "secret": SECRET,
                                 "event_types": ["run.finished", "period.closed"],
                                 "description": HOSTILE})
    assert r.status_code == 303 and r.headers["location"] == "/webhooks?done=webhook_added"
    page = admin.get("/webhooks?done=webhook_added").text
    assert "Endpoint added" in page and SECRET not in page
    assert HOSTILE not in page and str(escape(HOSTILE)) in page
    assert "https://erp.example/in?a=1&amp;b=&lt;2&gt;" in page
    assert "run.finished, period.closed" in page
    with app.sessions.begin() as s:
        [w] = s.scalars(select(WebhookEndpoint)).all()
        assert w.secret == SECRET and w.enabled
    r = admin.post(f"/webhooks/{w.id}/disable")
    assert r.status_code == 303
    assert "disabled" in admin.get("/webhooks").text
    with app.sessions.begin() as s:
        assert not s.get(WebhookEndpoint, w.id).enabled


def test_a_refused_endpoint_comes_back_named_without_its_secret(app, as_user):
    admin = as_user("admin")
    admin.get("/webhooks")
    r = admin.post("/webhooks", {"url": "javascript:alert(1)", "secret": SECRET,
                                 "event_types": ["run.finished"]})
    assert r.status_code == 422
    assert "url: only http:// and https:// addresses are accepted" in r.text
    assert SECRET not in r.text and 'value="javascript:alert(1)"' in r.text
    r = admin.post("/webhooks", {"url": "https://erp.example/in", "secret": SECRET,
                                 "event_types": ["run.finished"], "description": "x" * 301})
    assert r.status_code == 422  # over the form's bound: refused before the use case
    with app.sessions.begin() as s:
        assert s.scalars(select(WebhookEndpoint)).all() == []


def test_the_events_page_shows_each_delivery_and_retries_one_now(app, as_user):
    receiver = Receiver(SECRET)
    try:
        with app.sessions.begin() as s:
            s.add(WebhookEndpoint(url=receiver.url, secret=SECRET, event_types="run.finished",
                                  created_by=1))
            s.flush()
            key = emit(s, "run.finished", subject_type="run", subject_id=7,
                       data={"run": 7}).key
        receiver.down(1)
        with httpx.Client(timeout=5.0) as client:
            deliver_due(app, client=client, policy=DeliveryPolicy())
            approver = as_user("approver")
            page = approver.get("/events").text
            assert key in page and "HTTP 503" in page and '<span class="tag pending">' in page
            assert "Retry now" in page
            assert as_user("designer").get("/events").status_code == 403
            with app.sessions.begin() as s:
                d = s.scalars(select(Delivery)).one()
                assert d.next_attempt_at > utcnow() + dt.timedelta(seconds=14)
            r = approver.post(f"/events/deliveries/{d.id}/retry")
            assert r.headers["location"] == "/events?done=retry_queued"
            deliver_due(app, client=client, policy=DeliveryPolicy())
        page = approver.get("/events?status=delivered").text
        assert key in page and '<span class="tag delivered">' in page and "Retry now" not in page
        assert approver.get("/events?status=nonsense").status_code == 404
        assert receiver.got.taken == {key: 1}
    finally:
        receiver.stop()


def test_the_server_runs_its_delivery_loop_when_its_settings_say_so(app):
    """`serve` sets deliver_webhooks (also through `--workers N`'s JSON); the loop's thread
    lives as long as the app."""
    settings = WebSettings.from_json(WebSettings(deliver_webhooks=True).to_json())
    assert settings.deliver_webhooks and not WebSettings().deliver_webhooks

    def loops() -> int:
        return sum(t.name == "schemeops-webhooks" for t in threading.enumerate())

    before = loops()
    with TestClient(create_app(app, secret_key="k", settings=settings)):
        assert loops() == before + 1
    assert loops() == before
    with TestClient(create_app(app, secret_key="k")):
        assert loops() == before
