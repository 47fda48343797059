"""The web app's limits and switches, in one frozen value given to `create_app` (nothing is
kept in module state). `serve` builds it from its options; `serve --workers N` hands it to each
process as JSON in the environment."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from schemeops.service.signin import SessionLimits, SignInLimits

#: Largest request body accepted (bytes), forms, JSON and the claims CSV upload alike.
MAX_BODY = 2 * 1024 * 1024
#: Rendered portal pages kept per server process (`web/page_cache.py`), and their bytes.
PAGE_CACHE_ENTRIES = 4096
PAGE_CACHE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """`secure_cookies`: None marks the session cookie Secure when the request came over
    HTTPS (behind a proxy: as its X-Forwarded-Proto says, with `--behind-proxy` only); True or
    False forces it. HSTS follows the request's scheme alone."""

    secure_cookies: bool | None = None
    max_body: int = MAX_BODY
    signin: SignInLimits = field(default_factory=SignInLimits)
    sessions: SessionLimits = field(default_factory=SessionLimits)
    #: How numbers and money read on the portal: `en-IN` (lakh, crore) or `en`
    #: (`service/numbers.py` LOCALES); one per deployment (docs/web.md, "Portal").
    locale: str = "en-IN"
    #: The portal page cache's bounds; 0 entries turns it off (`serve --no-page-cache`).
    page_cache_entries: int = PAGE_CACHE_ENTRIES
    page_cache_bytes: int = PAGE_CACHE_BYTES
    #: Run the webhook delivery loop in this process (`serve` turns it on; docs/webhooks.md).
    deliver_webhooks: bool = False
    #: Whether the jobs file's jobs run on schedule in this server (`serve --no-scheduler`
    #: leaves them to "run now" and `schemeops jobs run`).
    scheduler: bool = True

    def to_json(self) -> str:
        """The settings as JSON (durations in seconds)."""
        def limits(obj: object) -> dict[str, object]:
            return {k: v.total_seconds() if isinstance(v, dt.timedelta) else v
                    for k, v in vars(obj).items()}

        return json.dumps({"secure_cookies": self.secure_cookies, "max_body": self.max_body,
                           "signin": limits(self.signin), "sessions": limits(self.sessions),
                           "locale": self.locale,
                           "page_cache": [self.page_cache_entries, self.page_cache_bytes],
                           "deliver_webhooks": self.deliver_webhooks,
                           "scheduler": self.scheduler})

    @classmethod
    def from_json(cls, text: str) -> WebSettings:
        """Settings from `to_json`'s text."""
        raw = json.loads(text)

        def limits(kind: type, values: dict[str, object]):  # type: ignore[no-untyped-def]
            return kind(**{k: dt.timedelta(seconds=v) if k not in (
                "account_failures", "address_failures") else int(v)  # type: ignore[call-overload]
                for k, v in values.items()})

        return cls(secure_cookies=raw["secure_cookies"], max_body=int(raw["max_body"]),
                   signin=limits(SignInLimits, raw["signin"]),
                   sessions=limits(SessionLimits, raw["sessions"]),
                   locale=raw.get("locale", "en-IN"),
                   page_cache_entries=int(raw["page_cache"][0]),
                   page_cache_bytes=int(raw["page_cache"][1]),
                   deliver_webhooks=bool(raw.get("deliver_webhooks", False)),
                   scheduler=bool(raw.get("scheduler", True)))
