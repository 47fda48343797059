"""Located YAML: plain Python data built from the node tree, with the place of every value.

Numbers become `int` or `Decimal` from their source text (never float), `YYYY-MM-DD` becomes a
`datetime.date`, only `true`/`false` are booleans (`on`, `yes`, `no` stay text), quoted scalars
stay text, and duplicate keys are errors.

Bounded, so that a program text cannot hold the process (CLI and web alike): at most
`MAX_CHARS` characters, `MAX_DEPTH` levels of nesting and `MAX_NODES` values, and no anchors
or aliases (`&a`, `*a`: an alias bomb expands a few hundred bytes into billions of nodes).
Each is refused with a located diagnostic before any data is built.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml

from schemeops.errors import Diagnostic, SourceSpan

Path = tuple[str | int, ...]
Pos = tuple[int, int]

_INT = re.compile(r"[-+]?[0-9][0-9_]*")
_DECIMAL = re.compile(
    r"[-+]?([0-9][0-9_]*\.[0-9_]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

#: The longest program text accepted (characters); the web forms and API say the same.
MAX_CHARS = 200_000
#: The deepest nesting of mappings and lists accepted (a real program needs fewer than 10).
MAX_DEPTH = 40
#: The most values (mappings, lists, scalars; keys included) accepted; the bundled examples
#: have at most 117. It keeps composing (pure-Python PyYAML, ~30 µs a value) well under 1 s.
MAX_NODES = 10_000


#: Numbers a program may hold: below 10^15 in size and at most 10 decimal places (money is
#: exact to the paisa in DECIMAL(38, …) columns; beyond these a rate or threshold is a typo).
MAX_INTEGER_DIGITS = 15
MAX_PLACES = 10
NUMBER_HINT = (f"numbers have at most {MAX_INTEGER_DIGITS} digits before the point and "
               f"{MAX_PLACES} after it")
#: Dates a program may name: periods, windows and look-backs stay far from year 1 and 9999.
MIN_DATE, MAX_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def number_problem(value: object) -> str | None:
    """Why a number is outside what a program may hold, or None (also for non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return f"{value} is not a number"
    if abs(value) >= 10 ** MAX_INTEGER_DIGITS:
        return f"{value} is too large"
    if isinstance(value, Decimal) and value != 0 and value.normalize().as_tuple().exponent \
            < -MAX_PLACES:
        return f"{value} has more than {MAX_PLACES} decimal places"
    return None


class _Refused(yaml.MarkedYAMLError):
    """A bound of the located loader was crossed; `code` names which."""

    def __init__(self, code: str, mark: yaml.Mark, problem: str, hint: str) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.code, self.hint = code, hint


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe composer, refusing anchors, aliases and nesting past `MAX_DEPTH` at the
    event that crosses the bound (so nothing is expanded and the place is known)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused("too_many_values", event.start_mark,
                           f"more than {MAX_NODES:,} values", "a program needs far fewer; "
                           "move data (targets, lists) to the warehouse")
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("yaml_alias", event.start_mark,
                           f"alias `*{event.anchor}` refused: anchors and aliases are not "
                           "accepted in programs", "write the value out in full")
        if getattr(event, "anchor", None) is not None:
            raise _Refused("yaml_anchor", event.start_mark,
                           f"anchor `&{event.anchor}` refused: anchors and aliases are not "
                           "accepted in programs", "write the value out in full")
        if isinstance(event, yaml.CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused("too_deep", event.start_mark,
                               f"nesting deeper than {MAX_DEPTH} levels",
                               "a program needs only a few levels; check the brackets and "
                               "indentation here")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class Scalar:
    """Where a scalar's text starts, its YAML style (None plain, quote, `|` or `>`), its text,
    and for block scalars the indentation of their content."""

    line: int
    col: int
    style: str | None
    text: str
    indent: int = 0


@dataclass(frozen=True)
class Spans:
    """Where each data path is in the file: its value, its key, and scalars' styles."""

    file: str
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)
    scalars: dict[Path, Scalar] = field(default_factory=dict)

    def at(self, path: Path, *, key: bool = False) -> SourceSpan:
        """The place of `path` (its key if asked and known), else of its nearest ancestor."""
        for n in range(len(path), -1, -1):
            sub = path[:n]
            if key and sub in self.keys:
                return SourceSpan(self.file, *self.keys[sub])
            if sub in self.values:
                return SourceSpan(self.file, *self.values[sub])
        return SourceSpan(self.file, 1, 1)

    def point(self, path: Path, offset: int) -> SourceSpan:
        """The place of character `offset` inside the scalar at `path` (approximate when the
        scalar is folded over several lines)."""
        scalar = self.scalars.get(path)
        if scalar is None:
            return self.at(path)
        if scalar.style in ("|", ">"):
            before = scalar.text[:offset]
            line = scalar.line + 1 + before.count("\n")
            return SourceSpan(self.file, line, scalar.indent + len(before) - before.rfind("\n"))
        quote = 1 if scalar.style in ("'", '"') else 0
        return SourceSpan(self.file, scalar.line, scalar.col + quote + offset)


class _Builder:
    """Turns a composed node tree into data, recording places and duplicate keys."""

    def __init__(self, file: str, text: str) -> None:
        self.lines = text.splitlines()
        self.spans = Spans(file)
        self.problems: list[Diagnostic] = []

    def build(self, node: yaml.Node, path: Path) -> object:
        self.spans.values[path] = _pos(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        line, col = _pos(node)
        indent = 0
        if node.style in ("|", ">") and line < len(self.lines):
            content = self.lines[line]
            indent = len(content) - len(content.lstrip(" "))
        self.spans.scalars[path] = Scalar(line, col, node.style, node.value, indent)
        value = scalar_value(node.value, node.style)
        if (problem := number_problem(value)) is not None:
            self._problem(node, "number_out_of_range", problem, NUMBER_HINT)
        elif isinstance(value, dt.date) and not MIN_DATE <= value <= MAX_DATE:
            self._problem(node, "date_out_of_range", f"{value} is outside "
                          f"{MIN_DATE.year}–{MAX_DATE.year}", "check the year")
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, object]:
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "bad_key", "a key must be a plain name",
                              "write `name: value`; lists and mappings cannot be keys")
                continue
            key = key_node.value
            if key in out:
                first = self.spans.keys[(*path, key)]
                self._problem(key_node, "duplicate_key", f"key `{key}` appears twice here",
                              f"first at line {first[0]}; keep one")
                continue
            self.spans.keys[(*path, key)] = _pos(key_node)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _problem(self, node: yaml.Node, code: str, message: str, hint: str) -> None:
        self.problems.append(Diagnostic(SourceSpan(self.spans.file, *_pos(node)), code,
                                        message, hint))


def _pos(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def scalar_value(text: str, style: str | None) -> object:
    """The value of a scalar: quoted and block scalars are text; plain ones are resolved."""
    if style is not None:
        return text
    if text in _NULLS:
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _INT.fullmatch(text):
        return int(text.replace("_", ""))
    if _DECIMAL.fullmatch(text):
        try:
            return Decimal(text.replace("_", ""))
        except InvalidOperation:
            return text
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def load_located(text: str, file: str) -> tuple[object, Spans, list[Diagnostic]]:
    """Compose `text` and build its data and spans; YAML errors come back as diagnostics."""
    builder = _Builder(file, text)
    if len(text) > MAX_CHARS:
        line = text.count("\n", 0, MAX_CHARS) + 1
        col = MAX_CHARS - text.rfind("\n", 0, MAX_CHARS)
        return None, builder.spans, [Diagnostic(
            SourceSpan(file, line, col), "too_large",
            f"the program has {len(text):,} characters; at most {MAX_CHARS:,} are accepted",
            "a program is a few pages of YAML; move data (targets, lists) to the warehouse")]
    loader = None
    try:
        loader = _BoundedLoader(text)  # its reader refuses control characters already
        root = loader.get_single_node()
    except _Refused as e:
        mark = e.problem_mark
        return None, builder.spans, [Diagnostic(
            SourceSpan(file, mark.line + 1, mark.column + 1), e.code, e.problem or "", e.hint)]
    except yaml.MarkedYAMLError as e:
        return None, builder.spans, [_yaml_diagnostic(e, file)]
    except yaml.reader.ReaderError as e:
        at = max(0, min(e.position, len(text)))
        line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        return None, builder.spans, [Diagnostic(
            SourceSpan(file, line, col), "yaml_syntax",
            f"character U+{e.character:04X} is not allowed in YAML",
            "remove the control character (often pasted from another program)")]
    except yaml.YAMLError as e:
        return None, builder.spans, [Diagnostic(SourceSpan(file, 1, 1), "yaml_syntax", str(e),
                                                "check the file is valid YAML")]
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return None, builder.spans, [Diagnostic(
            SourceSpan(file, 1, 1), "empty_program", "the file holds no program",
            "start with `id:`, `name:`, `period:`, `kpis:` and `components:`")]
    data = builder.build(root, ())
    if not isinstance(data, dict):
        builder.problems.append(Diagnostic(
            builder.spans.at(()), "not_a_mapping", "a program is a mapping of keys to values",
            "start with `id: my_program` on the first line"))
    return data, builder.spans, builder.problems


def _yaml_diagnostic(e: yaml.MarkedYAMLError, file: str) -> Diagnostic:
    mark = e.problem_mark or e.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = e.problem or "invalid YAML"
    if e.context:
        problem = f"{problem} ({e.context})"
    if "\\t" in problem or "\t" in problem:
        hint = "indent with spaces, not tabs"
    elif "mapping values are not allowed" in problem:
        hint = "quote a value that contains `: `, or fix the indentation above"
    else:
        hint = "check the indentation and quoting on this line and the one above"
    return Diagnostic(SourceSpan(file, line, col), "yaml_syntax", problem, hint)
