"""Program YAML is bounded: anchors/aliases, nesting, value count and size are refused with a
located diagnostic, quickly, before any data is built (the CLI and the web share this)."""

import time

import pytest

from schemeops.program.parse import parse_program
from schemeops.program.source import MAX_CHARS, MAX_DEPTH, MAX_NODES

# The billion-laughs pattern: 272 bytes that a naive loader expands into 9**7 strings.
BOMB = "".join(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n"
               for p, n in zip("abcdef", "bcdefg", strict=True))
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BOMB


# CPU time, not wall time: the bound is on the reader's work, and the suite runs beside
# other jobs on a shared machine.
def refused(text: str) -> tuple[tuple[int, int, str], float]:
    start = time.process_time()
    program, found = parse_program(text, "p.yaml")
    took = time.process_time() - start
    assert program is None and len(found) == 1
    return (found[0].span.line, found[0].span.col, found[0].code), took


@pytest.mark.parametrize(("text", "where"), [
    (BOMB, (1, 4, "yaml_anchor")),
    ("id: x\nname: *a\n", (2, 7, "yaml_alias")),
    ("id: x\nkpis: " + "[" * 5000, (2, 6 + MAX_DEPTH, "too_deep")),
    ("id: x\nk: [" + ",".join(["1"] * 60_000) + "]\n",
     (2, 5 + 2 * (MAX_NODES - 5), "too_many_values")),
    ("id: x\n" + "# padding\n" * 30_000, (MAX_CHARS // 10 + 1, 5, "too_large")),
])
def test_bounds_are_refused_located_and_fast(text: str, where: tuple[int, int, str]):
    """Each hostile text gets one diagnostic at the place it crosses the bound, in < 1 s."""
    got, took = refused(text)
    assert got == where
    assert took < 1.0


def test_an_anchor_bomb_is_not_expanded():
    """The alias bomb is short and is refused at its first anchor, nothing expanded."""
    assert len(BOMB) < 300
    _, found = parse_program(BOMB, "bomb.yaml")
    assert "anchors and aliases" in found[0].message and found[0].hint


def test_control_characters_are_a_syntax_error_not_a_crash():
    """PyYAML's reader refuses them as the loader is made: still one diagnostic."""
    _, found = parse_program("id: x\nname: a\x1fb\n", "p.yaml")
    assert [(d.span.line, d.span.col, d.code) for d in found] == [(2, 8, "yaml_syntax")]
    assert "U+001F" in found[0].message
