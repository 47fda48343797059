"""Rendered pages kept per (data version, user, session's CSRF token, path and query,
locale), least recently used dropped first, bounded in entries and bytes; one per app (in its
state), one per server process.

A page is a function of the store and of who asks: the key names the user (never another's
page) and the store's data version, which database triggers bump on every write a page can
show (`store/data_seq.py`), so the first request after a write renders afresh. The version
is read (with the session) before the page's data, so a kept page is never older than its
key says, whatever the isolation level (newer at worst, and then replaced). The CSRF
token is in the key because the page carries it (the sign-out form). Stale entries are not
looked for: they are never asked for again and age out."""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from fastapi import Request
from fastapi.responses import Response

from schemeops.web.assets import accepts_gzip

#: A cache-validated page: the browser keeps it, but asks every time (and gets a 304).
CACHE_CONTROL = "private, no-cache"


@dataclass(frozen=True)
class PageKey:
    """What a rendered page depends on besides the template."""

    data_seq: int
    user_id: int
    csrf: str
    path: str
    locale: str

    def etag(self) -> str:
        """A strong validator: the sha256 of the whole key (so the CSRF token never shows)."""
        raw = "\x1f".join((str(self.data_seq), str(self.user_id), self.csrf, self.path,
                           self.locale))
        return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class CachedPage:
    """A rendered page, as sent and gzipped, and its ETag."""

    body: bytes
    gzipped: bytes
    etag: str

    @property
    def size(self) -> int:
        """The bytes it holds."""
        return len(self.body) + len(self.gzipped)


class PageCache:
    """An LRU of `CachedPage` by `PageKey`, at most `entries` pages and `max_bytes` bytes;
    `entries=0` turns it off (every `get` misses, `put` keeps nothing)."""

    def __init__(self, entries: int = 4096, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self._pages: OrderedDict[PageKey, CachedPage] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()  # pages render on the event loop and on worker threads

    @property
    def enabled(self) -> bool:
        """Whether pages are kept at all."""
        return self.entries > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def bytes(self) -> int:
        """The bytes held now."""
        return self._bytes

    def get(self, key: PageKey) -> CachedPage | None:
        """The page kept for exactly this key (and it becomes the most recently used)."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: PageKey, body: bytes) -> CachedPage:
        """Keep a rendered page under `key` (unless it alone exceeds the byte bound)."""
        page = CachedPage(body, gzip.compress(body, compresslevel=6, mtime=0), key.etag())
        if not self.enabled or page.size > self.max_bytes:
            return page
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            while len(self._pages) > self.entries or self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= dropped.size
        return page


def page_response(request: Request, page: CachedPage) -> Response:
    """The page (gzipped when the client accepts it), or 304 when the client's copy has its
    ETag; the browser may keep it but must ask again."""
    headers = {"ETag": page.etag, "Cache-Control": CACHE_CONTROL,
               "Vary": "Cookie, Accept-Encoding"}
    if page.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        headers["Content-Encoding"] = "gzip"
        return Response(page.gzipped, media_type="text/html; charset=utf-8", headers=headers)
    return Response(page.body, media_type="text/html; charset=utf-8", headers=headers)
