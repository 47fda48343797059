"""Fuzzing the program reader and checker (issue 15): any text, and example programs with
lines dropped, duplicated or garbled, gets located diagnostics or a program, never an
exception; the billion-laughs file is refused in < 1 s using < 100 MB."""

import time
import tracemalloc
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from schemeops.program.check import check_program
from schemeops.program.parse import parse_located

EXAMPLE = (Path(__file__).parents[2] / "examples" / "programs" / "volume_growth.yaml"
           ).read_text(encoding="utf-8").splitlines(keepends=True)
# The billion-laughs pattern (706 bytes in the report): nine aliases per level.
LAUGHS = 'lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def _read(text: str) -> None:
    """Parse and check `text`: diagnostics each located in the file, or a program."""
    program, spans, found = parse_located(text, "fuzz.yaml")
    if program is not None and not found:
        found = check_program(program, spans)
    for d in found:
        assert d.span.line >= 1 and d.span.col >= 1 and d.code and d.message


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_read_without_an_exception(text: str):
    _read(text)


_EDIT = st.tuples(st.sampled_from(["drop", "repeat", "garble"]), st.integers(0, len(EXAMPLE) - 1),
                  st.text(alphabet=":-{}[]&*!|>'\"#, 0123456789e.aZ_\t", max_size=12))


@settings(max_examples=150, deadline=None)
@given(st.lists(_EDIT, max_size=4))
def test_edited_examples_are_read_without_an_exception(edits):
    lines = list(EXAMPLE)
    for what, at, junk in edits:
        at %= len(lines) or 1
        if not lines:
            break
        if what == "drop":
            del lines[at]
        elif what == "repeat":
            lines.insert(at, lines[at])
        else:
            cut = len(lines[at]) // 2
            lines[at] = lines[at][:cut] + junk + lines[at][cut:]
    _read("".join(lines))


# CPU time, not wall time: the bound is on the reader's work, and the suite runs beside
# other jobs on a shared machine.
def test_the_billion_laughs_is_refused_quickly_in_little_memory():
    tracemalloc.start()
    try:
        start = time.process_time()
        program, _, found = parse_located(LAUGHS, "laughs.yaml")
        took = time.process_time() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert program is None and [d.code for d in found] == ["yaml_anchor"]
    assert took < 1.0 and peak < 100 * 2**20, (took, peak)
