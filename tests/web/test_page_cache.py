"""The portal page cache: each user gets only their own page, a write to the store makes the
next request render afresh, a browser's copy is revalidated by its ETag (304), and the cache
stays within its bounds."""

from __future__ import annotations

import gzip
import re

from sqlalchemy import update
from webkit import Browser, World

from schemeops.service import programs, runs
from schemeops.service.context import Actor, App
from schemeops.service.users import create_user
from schemeops.store.models import Participant, User
from schemeops.web.app import create_app
from schemeops.web.page_cache import CACHE_CONTROL, PageCache, PageKey
from schemeops.web.settings import WebSettings


def _whose(html: str) -> str:
    """The participant id the portal's heading names."""
    m = re.search(r"<h1>.*?<small>(\w+)</small></h1>", html, re.S)
    assert m is not None, "no portal heading"
    return m.group(1)


def _key(seq: int = 1, user: int = 1, path: str = "/portal") -> PageKey:
    return PageKey(seq, user, "csrf", path, "en-IN")


def test_each_user_gets_their_own_page_never_anothers(world: World, app: App, web, as_user):
    other = min(p for p in world.payouts if p.startswith("D") and p != "D00001")
    with app.sessions.begin() as s:
        create_user(s, username="distributor2", password="distributor2-pw",
                    role="distributor", participant_id=other)
    one, two = as_user("distributor"), as_user("distributor2")
    pages = []
    for _ in range(3):  # the first round renders, the others come from the cache
        a, b = one.get("/portal"), two.get("/portal")
        assert (a.status_code, b.status_code) == (200, 200)
        assert (_whose(a.text), _whose(b.text)) == ("D00001", other)
        assert other not in a.text and "D00001" not in b.text
        pages.append((a.text, b.text))
    assert pages[0] == pages[1] == pages[2]
    assert len(web.state.page_cache) == 2
    # one user's ETag gets another nothing but their own page
    r = two.get("/portal", headers={"If-None-Match": a.headers["etag"]})
    assert r.status_code == 200 and _whose(r.text) == other


def test_two_sessions_of_one_user_each_get_their_own_token(world: World, as_user):
    """The page carries the session's CSRF token (the sign-out form): a page cached for one
    session must not hand it to another."""
    a, b = as_user("distributor"), as_user("distributor")
    ra, rb = a.get("/portal"), b.get("/portal")
    assert a.csrf and b.csrf and a.csrf != b.csrf
    assert a.csrf in ra.text and b.csrf not in ra.text and b.csrf in rb.text
    assert a.post("/signout").status_code == 303
    assert b.post("/signout").status_code == 303


def test_revalidation_answers_304_until_the_store_changes(world: World, app: App, as_user):
    b = as_user("distributor")
    first = b.get("/portal")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == CACHE_CONTROL == "private, no-cache"
    assert "cookie" in first.headers["vary"].lower()
    again = b.get("/portal", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    # a load renames the participant: the next request renders afresh
    with app.sessions.begin() as s:
        s.execute(update(Participant).where(Participant.participant_id == "D00001")
                  .values(name="Renamed Traders"))
    fresh = b.get("/portal", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "Renamed Traders" in fresh.text
    assert fresh.headers["etag"] != etag
    assert b.get("/portal", headers={"If-None-Match": fresh.headers["etag"]}).status_code == 304


def test_a_new_calculation_shows_at_the_next_request(world: World, app: App, as_user):
    """The use cases write as always; the page changes with them (pending money appears)."""
    b = as_user("distributor")
    before = b.get("/portal").text
    assert 'data-standing="pending"' not in before
    with app.sessions.begin() as s:
        who = {u.username: Actor.of(u) for u in s.query(User)}
        programs.decide(s, who["approver"], world.version, approve=True, comment="fine")
        programs.go_live(s, who["approver"], world.version)
        run_id = runs.start(s, who["approver"], [world.version]).id
    runs.execute(app, run_id)
    after = b.get("/portal").text
    assert 'data-standing="pending"' in after and after != before


def test_a_deactivated_user_gets_no_kept_page(world: World, app: App, as_user):
    b = as_user("distributor")
    assert b.get("/portal").status_code == 200
    with app.sessions.begin() as s:
        s.execute(update(User).where(User.username == "distributor").values(active=False))
    r = b.get("/portal")
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")


def test_the_page_is_sent_gzipped_to_who_accepts_it(world: World, as_user):
    b = as_user("distributor")
    plain = b.client.get("/portal", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = b.client.get("/portal", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.text == plain.text  # httpx undid the gzip
    assert int(packed.headers["content-length"]) < len(plain.content) / 2


def test_without_the_cache_every_request_renders(world: World, app: App):
    web = create_app(app, secret_key="test-secret", secure_cookies=False,
                     settings=WebSettings(page_cache_entries=0))
    b = Browser(web)
    assert b.sign_in("distributor").status_code == 303
    r = b.get("/portal")
    assert r.status_code == 200 and _whose(r.text) == "D00001"
    assert "etag" not in r.headers and len(web.state.page_cache) == 0


def test_the_cache_keeps_the_most_recently_used_within_its_entries():
    cache = PageCache(entries=2)
    for user in (1, 2):
        cache.put(_key(user=user), b"page %d" % user)
    assert cache.get(_key(user=1)) is not None  # 1 is now the most recently used
    cache.put(_key(user=3), b"page 3")
    assert len(cache) == 2 and cache.get(_key(user=2)) is None
    assert cache.get(_key(user=1)).body == b"page 1"
    assert cache.get(_key(user=3)).body == b"page 3"
    assert cache.get(_key(seq=2, user=3)) is None  # another data version: not this page


def test_the_cache_keeps_within_its_bytes():
    body = bytes(range(256)) * 40  # 10,240 bytes that gzip cannot shrink much
    size = len(body) + len(gzip.compress(body, compresslevel=6, mtime=0))
    cache = PageCache(entries=100, max_bytes=2 * size + 10)
    for user in (1, 2, 3):
        cache.put(_key(user=user), body)
    assert len(cache) == 2 and cache.bytes == 2 * size <= cache.max_bytes
    assert cache.get(_key(user=1)) is None
    huge = PageCache(entries=100, max_bytes=size - 1)
    assert huge.put(_key(), body).body == body and len(huge) == 0  # served, not kept
    cache.put(_key(user=3), body)  # the same key again replaces, never counts twice
    assert cache.bytes == 2 * size


def test_the_etag_names_the_whole_key_and_hides_the_token():
    tags = {_key().etag(), _key(seq=2).etag(), _key(user=2).etag(),
            _key(path="/portal?done=x").etag(),
            PageKey(1, 1, "other", "/portal", "en-IN").etag(),
            PageKey(1, 1, "csrf", "/portal", "en").etag()}
    assert len(tags) == 6
    assert all("csrf" not in t and t.startswith('"') and t.endswith('"') for t in tags)
    assert PageCache(entries=0).put(_key(), b"x").body == b"x"
    assert not PageCache(entries=0).enabled


def test_the_cache_setting_reaches_every_server_process():
    """`serve --workers N` hands the settings to each process as JSON."""
    off = WebSettings.from_json(WebSettings(page_cache_entries=0, page_cache_bytes=5).to_json())
    assert (off.page_cache_entries, off.page_cache_bytes) == (0, 5)
    assert WebSettings.from_json(WebSettings().to_json()) == WebSettings()


def test_a_page_is_found_only_under_its_whole_key():
    cache = PageCache()
    cache.put(_key(), b"one's page")
    for other in (_key(user=2), _key(seq=2), _key(path="/portal?x=1"),
                  PageKey(1, 1, "other", "/portal", "en-IN"),
                  PageKey(1, 1, "csrf", "/portal", "en")):
        assert cache.get(other) is None
    assert cache.get(_key()).body == b"one's page"
