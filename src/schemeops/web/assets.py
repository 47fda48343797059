"""The files the browser loads: the app's own (`static/`) and the chart library, which
`make install` puts in the git-ignored `node_modules/` with `npm ci` (package-lock.json pins
it). Each is read and gzipped once, when the app is built. Pages link them as
`/static/app.css?v=<hash of the content>`: such a URL is cached for a year, and a release that
changes a file changes its URL, so nobody keeps a stale copy; the same path without the
current hash is served with `no-cache` (revalidated by its ETag)."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

from schemeops.errors import SchemeopsError

STATIC = Path(__file__).parent / "static"
#: Where `npm ci` installs, beside pyproject.toml (the package is installed editable).
NODE_MODULES = Path(__file__).resolve().parents[3] / "node_modules"
#: The chart library's file inside node_modules (the npm package `plotly.js-basic-dist-min`:
#: bar and scatter charts, all the pages draw).
CHART_LIBRARY = Path("plotly.js-basic-dist-min") / "plotly-basic.min.js"
CHART_URL = "/vendor/plotly.min.js"
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_YEAR = "public, max-age=31536000, immutable"


class AssetMissing(SchemeopsError):
    """Raised when the app is built without a file it serves (the chart library before
    `make install`)."""


@dataclass(frozen=True)
class Asset:
    """One file as served: its bytes, gzipped bytes, type and content hash."""

    body: bytes
    gzipped: bytes
    media_type: str
    digest: str

    @classmethod
    def read(cls, path: Path) -> Asset:
        """The file at `path`, compressed once."""
        body = path.read_bytes()
        return cls(body, gzip.compress(body, compresslevel=9, mtime=0),
                   _TYPES.get(path.suffix, "application/octet-stream"),
                   hashlib.sha256(body).hexdigest()[:16])


@dataclass(frozen=True)
class Assets:
    """Every served file by URL path."""

    files: Mapping[str, Asset]

    def url(self, path: str) -> str:
        """`path` with its content hash, for a link cached for a year."""
        return f"{path}?v={self.files[path].digest}"

    def response(self, request: Request, path: str) -> Response:
        """The file at `path`, gzipped when the client accepts it; 304 when its ETag matches."""
        asset = self.files.get(path)
        if asset is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        etag = f'"{asset.digest}"'
        cache = _YEAR if request.query_params.get("v") == asset.digest else "no-cache"
        headers = {"ETag": etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        if accepts_gzip(request.headers.get("accept-encoding", "")):
            headers["Content-Encoding"] = "gzip"
            return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (named, or `*`, without q=0)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def load_assets(static: Path = STATIC, node_modules: Path = NODE_MODULES) -> Assets:
    """Every file of `static/` under /static/, and the chart library under /vendor/."""
    chart = node_modules / CHART_LIBRARY
    if not chart.is_file():
        raise AssetMissing(f"the chart library is missing: {chart} not found; run `make "
                           "install` (it runs `npm ci`, which installs package-lock.json's "
                           "pinned version into node_modules/)")
    files = {f"/static/{p.name}": Asset.read(p) for p in sorted(static.iterdir())
             if p.is_file()}
    return Assets({**files, CHART_URL: Asset.read(chart)})
