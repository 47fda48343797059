"""What an endpoint may be (hostile URLs, secrets and event types refused, naming the field),
the signature (a golden value computed with openssl, and what `verify` refuses) and the
backoff's bounds."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemeops.service.delivery import DeliveryPolicy, backoff
from schemeops.service.webhook_signature import sign, verify
from schemeops.service.webhooks import BadEndpoint, check_secret, check_types, check_url

SECRET = "whsec_test_0123456789"


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "file:///etc/passwd", "ftp://erp.example/in", "data:,x",
    "https://user:pw@erp.example/in", "https:///no-host", "https://erp.example:99999/in",
    "https://erp.example/in\r\nX-Evil: 1", "https://erp.example/a b", "https://erp.example/\x00",
    "https://erp.example/in#top", "https://erp.example/" + "a" * 500, "", "erp.example/in",
    "http://[::1", "  "])
def test_hostile_urls_are_refused(url):
    with pytest.raises(BadEndpoint) as e:
        check_url(url)
    assert e.value.field == "url" and str(e.value).startswith("url: ")


@pytest.mark.parametrize("url", ["https://erp.example/hooks/schemeops?k=1",
                                 "http://127.0.0.1:8080/in", "https://[::1]:9443/x",
                                 "https://erp.example/" + "a" * 480])
def test_ordinary_urls_are_taken_as_typed(url):
    assert check_url(url) == url


@pytest.mark.parametrize("secret", ["short", "x" * 15, "x" * 201, "sixteen chars but spaced",
                                    "nul\x00nul\x00nul\x00nul\x00", "tab\tseparated-secret"])
def test_weak_or_odd_secrets_are_refused(secret):
    with pytest.raises(BadEndpoint, match=r"^secret: "):
        check_secret(secret)


def test_event_types_are_known_ones_in_a_fixed_order():
    assert check_types(["period.closed", "run.finished"]) == ("run.finished", "period.closed")
    for bad in ([], ["run.finished", "<img src=x>"], ["run.*"]):
        with pytest.raises(BadEndpoint, match=r"^event_types: "):
            check_types(bad)


def test_the_signature_is_hmac_sha256_over_time_dot_body():
    # printf '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac 'whsec_test_0123456789'
    body = b'{"id":"evt_1"}'
    header = sign(SECRET, 1_700_000_000, body)
    assert header == ("t=1700000000,"
                      "v1=96a6e4147d41eb58c1480c33f2e6c77496783ed0b5e00ff73e862fbca407ecc6")
    assert verify(SECRET, header, body, now=1_700_000_000 + 300)
    assert not verify(SECRET, header, body, now=1_700_000_000 + 301)  # a replay, too late
    assert not verify(SECRET, header, b'{"id":"evt_2"}', now=1_700_000_000)
    assert not verify("another-secret-0123", header, body, now=1_700_000_000)
    assert not verify(SECRET, "v1=" + header.split("v1=")[1], body, now=1_700_000_000)
    assert not verify(SECRET, "garbage", body, now=1_700_000_000)


@given(attempts=st.integers(1, 40), seed=st.integers(0, 2**32))
def test_backoff_doubles_up_to_the_cap_with_jitter_in_its_upper_half(attempts, seed):
    policy = DeliveryPolicy(first_delay=30.0, max_delay=3600.0)
    full = min(3600.0, 30.0 * 2 ** (attempts - 1))
    wait = backoff(policy, attempts, random.Random(seed)).total_seconds()
    assert full / 2 <= wait < full + 1e-6
