"""YAML text → `Program`, with every validation error located at its line and column."""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
from pathlib import Path as FsPath

from pydantic import BaseModel, ValidationError

from schemeops.errors import Diagnostic, SourceSpan, did_you_mean
from schemeops.program.model import Program
from schemeops.program.source import Path, Spans, load_located

# Model-level rule → (key to point at, hint); matched on the start of pydantic's message.
_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("end is before start", ("end",), "put `end` on or after `start` (both are inclusive)"),
    ("slab `from` values must increase", ("slabs",),
     "list slabs by increasing `from`, without repeats"),
    ("curve points must have increasing x", ("curve",),
     "list points by increasing `x`, without repeats"),
    ("a curve needs at least two points", ("curve",), "add a second point"),
    ("marginal slabs", ("mode", "on"), "set `on: actual` and drop `base`, or use `mode: step` "
     "(on attainment, marginal bands pay only `pct_of_incentive` of a `target_incentive`)"),
    ("give exactly one of from or above", ("above", "from"),
     "write `from: x` (reached at x) or `above: x` (reached only past x), not both"),
    ("give exactly one of x or above", ("above", "x"),
     "write `x: …` (reached at x) or `above: …` (reached only past x), not both"),
    ("give exactly one of rate or amount", ("amount", "rate"),
     "a point pays `rate` (of the base) or `amount` (money), not both"),
    ("curve points all pay", ("curve",),
     "give every point `rate:` (× base) or every point `amount:` (money)"),
    ("lot and free go together", ("lot", "free"),
     "write both, e.g. `{from: 0, lot: 12, free: 2}`: 2 free units per whole 12"),
    ("pct_of_incentive slabs need", ("slabs",),
     "add `target_incentive: {fixed: 50000}` or `target_incentive: {from_table: true}`"),
    ("target_incentive is only used", ("target_incentive",),
     "pay `pct_of_incentive:` in the slabs, or drop `target_incentive`"),
    ("marginal pct_of_incentive", ("mode",),
     "use `on: attainment` without `base`, with `pct_of_incentive` on every slab, or "
     "`mode: step`"),
    ("lot slabs need", ("slabs",), "add `free: {sku: SKU}` naming the free product"),
    ("free_units slabs need", ("slabs",), "add `free: {sku: SKU}` naming the free product"),
    ("rate and of go together", ("rate", "of"), "give both `rate` and `of` (a KPI id), or "
     "neither"),
    ("sales_rate and sales_kpi go together", ("sales_rate", "sales_kpi"),
     "give both `sales_rate` and `sales_kpi`, or neither"),
    ("give amount, or rate with of", (), "e.g. `cap: {amount: 5000}` or "
     "`cap: {rate: 0.03, of: sales}`"),
    ("give exactly one of", (), "keep exactly one of the keys named"),
    ("mode ", ("mode",), "add the key this mode needs, or choose another mode"),
)

_TYPE_HINTS = {
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD, e.g. 2025-04-01",
    "date_parsing": "write dates as YYYY-MM-DD, e.g. 2025-04-01",
    "date_type": "write dates as YYYY-MM-DD, e.g. 2025-04-01",
    "decimal_parsing": "write a number such as 0.05 (rates are fractions: 0.05 = 5%)",
    "decimal_type": "write a number such as 0.05 (rates are fractions: 0.05 = 5%)",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "int_from_float": "write a whole number",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "string_pattern_mismatch": "ids are lowercase: a letter, then letters, digits or _",
    "string_type": "quote the value to make it text, e.g. '1002'",
    "too_short": "add at least one item",
    "greater_than_equal": "use a value that is not negative",
    "greater_than": "use a value greater than zero",
    "less_than_equal": "use a smaller value",
    "less_than": "use a smaller value (a share is a fraction below 1: 0.2 = 20%)",
    "decimal_max_places": "money has at most 2 decimal places",
    "model_type": "write a mapping (`key: value` lines) here",
    "dict_type": "write a mapping (`key: value` lines) here",
    "tuple_type": "write a list (`- item` lines) here",
    "list_type": "write a list (`- item` lines) here",
}


def parse_program(text: str, file: str) -> tuple[Program | None, list[Diagnostic]]:
    """Parse and validate a program's YAML text; every problem comes back located."""
    program, _spans, diagnostics = parse_located(text, file)
    return program, diagnostics


def load_program(path: str | FsPath) -> tuple[Program | None, list[Diagnostic]]:
    """Read and parse a program file."""
    program, _spans, diagnostics = load_located_program(path)
    return program, diagnostics


def load_located_program(path: str | FsPath) -> tuple[Program | None, Spans, list[Diagnostic]]:
    """Read and parse a program file, keeping the spans for later checks."""
    name = str(path)
    try:
        text = FsPath(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        return None, Spans(name), [Diagnostic(SourceSpan(name, 1, 1), "not_utf8",
                                              f"the file is not UTF-8 text ({e.reason})",
                                              "save the file as UTF-8")]
    except OSError as e:
        return None, Spans(name), [Diagnostic(SourceSpan(name, 1, 1), "unreadable",
                                              f"cannot read the file: {e.strerror}",
                                              "check the path and its permissions")]
    return parse_located(text, name)


def parse_located(text: str, file: str) -> tuple[Program | None, Spans, list[Diagnostic]]:
    """Parse and validate, returning the program (or None), its spans and all diagnostics."""
    data, spans, diagnostics = load_located(text, file)
    if data is None or not isinstance(data, dict):
        return None, spans, diagnostics
    try:
        program = Program.model_validate(data)
    except ValidationError as e:
        errors = _without_cascades(e.errors())
        return None, spans, diagnostics + [_diagnostic(err, data, spans) for err in errors]
    return (None if diagnostics else program), spans, diagnostics


def program_version(program: Program) -> str:
    """The first 16 hex digits of the sha256 of the program's canonical JSON."""
    canonical = json.dumps(program.model_dump(mode="json", by_alias=True), sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _without_cascades(errors: list[typing.Any]) -> list[typing.Any]:
    """Drop a list's `too_short` when it only follows from errors in its items."""
    def cascade(err: typing.Any) -> bool:
        loc = err["loc"]
        return err["type"] == "too_short" and bool(err.get("input")) and any(
            o is not err and o["loc"][:len(loc)] == loc for o in errors)
    return [err for err in errors if not cascade(err)]


def _data_path(loc: tuple[typing.Any, ...], data: object) -> tuple[Path, tuple[typing.Any, ...]]:
    """Follow pydantic's `loc` through the data; union tags are skipped. Returns the path that
    exists in the data and the loc's parts left over after it."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        inside = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node))
        if inside:
            node = node[part]  # type: ignore[index]
            path.append(part)
        elif isinstance(node, dict) and i == len(loc) - 1:
            return tuple(path), loc[i:]
    return tuple(path), ()


def _diagnostic(err: typing.Any, data: object, spans: Spans) -> Diagnostic:
    """One pydantic error as a located diagnostic with a hint."""
    kind, loc = err["type"], tuple(err["loc"])
    path, rest = _data_path(loc, data)
    where = _parent(path)
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        near = did_you_mean(str(loc[-1]), allowed)
        hint = (near + " " if near.startswith("did") else "") + "allowed keys: " + ", ".join(
            allowed)
        return Diagnostic(spans.at(path, key=True), kind,
                          f"unknown key `{loc[-1]}` in {_parent(path[:-1])}", hint)
    if kind == "missing":
        name = rest[0] if rest else loc[-1]
        return Diagnostic(spans.at(path), kind, f"`{name}` is required in {where}",
                          f"add `{name}:`")
    if kind == "union_tag_invalid":
        tags = re.findall(r"'([^']*)'", err["ctx"]["expected_tags"])
        return Diagnostic(spans.at((*path, "kind")), kind,
                          f"unknown KPI kind `{err['ctx']['tag']}`", did_you_mean(
                              str(err["ctx"]["tag"]), tags))
    if kind == "union_tag_not_found":
        kinds = _allowed_kinds()
        return Diagnostic(spans.at(path), kind, f"{where} needs `kind`",
                          "add `kind:` with one of: " + ", ".join(kinds))
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", err["ctx"]["expected"])
        return Diagnostic(spans.at(path), kind, f"`{err['input']}` is not allowed for {where}",
                          did_you_mean(str(err["input"]), options))
    if kind in ("value_error", "assertion_error"):
        return _rule_diagnostic(str(err["ctx"]["error"]), path, data, spans)
    hint = _TYPE_HINTS.get(kind, "see `schemeops programs schema` for the allowed shape")
    return Diagnostic(spans.at(path), kind, f"{where}: {err['msg']}", hint)


def _rule_diagnostic(message: str, path: Path, data: object, spans: Spans) -> Diagnostic:
    """A model rule's error, pointed at the key it is about."""
    node = _get(data, path)
    for prefix, keys, hint in _RULES:
        if not message.startswith(prefix):
            continue
        for key in keys:
            if isinstance(node, dict) and key in node:
                target = (*path, key)
                if key == "slabs":
                    target = _first_unordered(node[key], target)
                elif key == "curve":
                    target = _first_other_pay(node[key], target)
                point_key = key != "slabs" and target == (*path, key)
                return Diagnostic(spans.at(target, key=point_key), "value_error",
                                  f"{message} (in {_parent(path)})", hint)
        return Diagnostic(spans.at(path), "value_error", f"{message} (in {_parent(path)})", hint)
    return Diagnostic(spans.at(path), "value_error", f"{message} (in {_parent(path)})",
                      "see docs/programs.md for this rule")


def _first_unordered(slabs: object, path: Path) -> Path:
    """The path of the first slab whose `from` does not exceed the one before it."""
    if isinstance(slabs, list):
        froms = [s.get("from", s.get("above")) if isinstance(s, dict) else None
                 for s in slabs]
        for i in range(1, len(froms)):
            a, b = froms[i - 1], froms[i]
            if a is not None and b is not None and not isinstance(a, str | bool) \
                    and not isinstance(b, str | bool) and b <= a:
                return (*path, i, "from" if "from" in slabs[i] else "above")
    return path


def _first_other_pay(points: object, path: Path) -> Path:
    """The path of the first curve point paying otherwise than the first point does."""
    if isinstance(points, list) and points and isinstance(points[0], dict):
        first = "rate" in points[0]
        for i, p in enumerate(points):
            if isinstance(p, dict) and ("rate" in p) != first:
                return (*path, i)
    return path


def _get(data: object, path: Path) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def _parent(path: Path) -> str:
    """A readable name for a data path, e.g. `components[0].cap`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return f"`{out}`" if out else "the program"


def _unwrap(tp: typing.Any) -> typing.Any:
    """Strip Annotated and Optional from a type annotation."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _model_at(loc: tuple[typing.Any, ...]) -> type[BaseModel] | None:
    """The model class that validates the value at pydantic `loc`."""
    tp: typing.Any = Program
    for part in loc:
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {f.alias or n: f for n, f in tp.model_fields.items()}
            if part not in fields:
                return None
            tp = fields[part].annotation
        elif origin is tuple and isinstance(part, int):
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        elif origin in (typing.Union, types.UnionType):
            tp = next((m for m in typing.get_args(tp) if isinstance(m, type)
                       and issubclass(m, BaseModel) and "kind" in m.model_fields
                       and typing.get_args(m.model_fields["kind"].annotation) == (part,)), None)
            if tp is None:
                return None
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _allowed_keys(loc: tuple[typing.Any, ...]) -> list[str]:
    """The keys the model at `loc` accepts."""
    model = _model_at(loc)
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _allowed_kinds() -> list[str]:
    """Every KPI kind the language knows."""
    union = _unwrap(Program.model_fields["kpis"].annotation)
    members = typing.get_args(_unwrap(typing.get_args(union)[0]))
    return [typing.get_args(m.model_fields["kind"].annotation)[0] for m in members]
