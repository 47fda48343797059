"""Checks of the stacking keys within one program: `exclusive_with` names other programs,
each once."""

from __future__ import annotations

from schemeops.errors import Diagnostic
from schemeops.program.model import Program
from schemeops.program.source import Spans


def check_exclusive_with(program: Program, spans: Spans) -> list[Diagnostic]:
    """`exclusive_with` does not name the program itself, nor any program twice."""
    out: list[Diagnostic] = []
    seen: set[str] = set()
    for i, other in enumerate(program.exclusive_with or ()):
        at = spans.at(("exclusive_with", i))
        if other == program.id:
            out.append(Diagnostic(at, "exclusive_with_self",
                                  f"`{other}` is this program: it cannot exclude itself",
                                  "list the other programs it must not stack with"))
        elif other in seen:
            out.append(Diagnostic(at, "duplicate_exclusive", f"`{other}` is listed twice",
                                  "remove one"))
        seen.add(other)
    return out
