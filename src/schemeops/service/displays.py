"""The display names of program versions, parsed once per version: a live version's text
never changes, and parsing it costs more than the whole portal page."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import select
from sqlalchemy.engine import Connection

from schemeops.program.display import Display, display
from schemeops.program.model import Program
from schemeops.program.parse import parse_program
from schemeops.store.models import ProgramVersion


@dataclass(frozen=True)
class Shown:
    """A version's program and its display names."""

    program: Program
    display: Display


class Displays:
    """A bounded cache of `Shown` by program version id, owned by one `App`."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._known: OrderedDict[int, Shown | None] = OrderedDict()
        self._lock = Lock()  # the portal runs on the event loop and on worker threads

    def of(self, db: Connection, version_ids: set[int]) -> dict[int, Shown | None]:
        """Each version's program and display (None for a text that no longer parses)."""
        with self._lock:
            out = {v: self._known[v] for v in version_ids if v in self._known}
        missing = sorted(version_ids - out.keys())
        if missing:
            rows = db.execute(select(ProgramVersion.id, ProgramVersion.yaml)
                              .where(ProgramVersion.id.in_(missing)))
            for vid, text in rows:
                spec, _ = parse_program(text, f"version {vid}")
                out[vid] = Shown(spec, display(spec)) if spec is not None else None
            with self._lock:
                for vid in missing:
                    self._known[vid] = out.get(vid)
                    self._known.move_to_end(vid)
                while len(self._known) > self._size:
                    self._known.popitem(last=False)
        return out
