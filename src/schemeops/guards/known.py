"""`exclusive_with` names programs that exist: each unknown id is a located error with the
closest known ids as a hint."""

from __future__ import annotations

from collections.abc import Iterable

from schemeops.errors import Diagnostic, did_you_mean
from schemeops.program.model import Program
from schemeops.program.source import Spans


def unknown_exclusive(program: Program, spans: Spans, known: Iterable[str], *,
                      where: str) -> list[Diagnostic]:
    """Every id of the program's `exclusive_with` that is not in `known` (`where` says
    where known ids come from, for the hint)."""
    ids = set(known)
    out = []
    for i, other in enumerate(program.exclusive_with or ()):
        if other not in ids and other != program.id:
            hint = did_you_mean(other, ids - {program.id})
            out.append(Diagnostic(spans.at(("exclusive_with", i)), "unknown_program",
                                  f"`{other}` names no program {where}",
                                  f"{hint + ' ' if hint else ''}"
                                  f"(or add its file with --with, or remove it)"))
    return out
