"""Semantic checks after the model validates: names resolve, targets exist, expressions are sound.

Each check is a plain function `(program, spans) -> diagnostics`; `CHECKS` lists them in order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path as FsPath

from schemeops.errors import Diagnostic, did_you_mean
from schemeops.program.check_carry import CARRY_CHECKS
from schemeops.program.check_exprs import check_expressions
from schemeops.program.check_formula import check_formulas
from schemeops.program.check_guards import check_exclusive_with
from schemeops.program.check_per_invoice import check_per_invoice
from schemeops.program.check_shapes import check_target_incentive_names, check_threshold_places
from schemeops.program.model import Program
from schemeops.program.parse import load_located_program, parse_located
from schemeops.program.source import Path, Spans

Check = Callable[[Program, Spans], list[Diagnostic]]
#: The most list ids an `unknown_list` hint names.
_LISTS_SHOWN = 20


def check_unique_ids(program: Program, spans: Spans) -> list[Diagnostic]:
    """KPI ids are unique, and component ids are unique."""
    out: list[Diagnostic] = []
    for section, ids, code in (("kpis", [k.id for k in program.kpis], "duplicate_kpi"),
                               ("components", [c.id for c in program.components],
                                "duplicate_component")):
        first: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in first:
                line = spans.at((section, first[ident], "id")).line
                out.append(Diagnostic(spans.at((section, i, "id")), code,
                                      f"`{ident}` is defined twice in `{section}`",
                                      f"first at line {line}; rename one"))
            else:
                first[ident] = i
    return out


def _kpi_refs(program: Program) -> Iterator[tuple[Path, str]]:
    """Every place a KPI is named by id, with that id."""
    for j, comp in enumerate(program.components):
        if comp.kpi is not None:
            yield ("components", j, "kpi"), comp.kpi
        if comp.base is not None:
            yield ("components", j, "base"), comp.base
        if comp.cap is not None and comp.cap.of is not None:
            yield ("components", j, "cap", "of"), comp.cap.of
        for k, item in enumerate(comp.scorecard):
            yield ("components", j, "scorecard", k, "kpi"), item.kpi
    if program.caps.sales_kpi is not None:
        yield ("caps", "sales_kpi"), program.caps.sales_kpi


def check_kpi_references(program: Program, spans: Spans) -> list[Diagnostic]:
    """Every `kpi`, `base`, `cap.of`, `scorecard[].kpi` and `caps.sales_kpi` names a KPI."""
    ids = [k.id for k in program.kpis]
    return [Diagnostic(spans.at(path), "unknown_kpi", f"`{name}` names no KPI of this program",
                       did_you_mean(name, ids))
            for path, name in _kpi_refs(program) if name not in ids]


def check_target_keys(program: Program, spans: Spans) -> list[Diagnostic]:
    """Every key of `targets` names a KPI."""
    ids = [k.id for k in program.kpis]
    return [Diagnostic(spans.at(("targets", name), key=True), "unknown_target_kpi",
                       f"target for `{name}`, which is not a KPI of this program",
                       did_you_mean(name, ids))
            for name in program.targets if name not in ids]


def check_targets_present(program: Program, spans: Spans) -> list[Diagnostic]:
    """A component paying on attainment, and every scorecard item, has a target for its KPI."""
    ids = {k.id for k in program.kpis}
    out: list[Diagnostic] = []
    for j, comp in enumerate(program.components):
        if comp.kpi is not None and comp.on == "attainment" and comp.kpi in ids \
                and comp.kpi not in program.targets:
            out.append(Diagnostic(
                spans.at(("components", j, "kpi")), "missing_target",
                f"component `{comp.id}` pays on attainment of `{comp.kpi}`, which has no target",
                f"add `targets: {{{comp.kpi}: {{fixed: …}}}}`, or pay on `on: actual`"))
        for k, item in enumerate(comp.scorecard):
            if item.kpi in ids and item.kpi not in program.targets:
                out.append(Diagnostic(
                    spans.at(("components", j, "scorecard", k, "kpi")), "missing_target",
                    f"scorecard of `{comp.id}` weighs attainment of `{item.kpi}`, which has no "
                    "target", f"add `targets: {{{item.kpi}: {{fixed: …}}}}`"))
    return out


def check_catch_up(program: Program, spans: Spans) -> list[Diagnostic]:
    """Catch-up needs recurrences to catch up over, and a target to accumulate."""
    out: list[Diagnostic] = []
    for j, comp in enumerate(program.components):
        if comp.catch_up is None:
            continue
        path = ("components", j, "catch_up")
        if program.period.recurrence is None:
            out.append(Diagnostic(spans.at(path, key=True), "catch_up_needs_recurrence",
                                  f"component `{comp.id}` catches up, but the period does "
                                  "not recur", "add `period.recurrence`, e.g. "
                                  "`{every_days: 7, count: 4}`, or drop `catch_up`"))
        if comp.kpi is not None and comp.on == "actual" and comp.kpi not in program.targets:
            out.append(Diagnostic(spans.at(path, key=True), "catch_up_needs_target",
                                  f"component `{comp.id}` catches up on `{comp.kpi}`, which "
                                  "has no target", f"add `targets: {{{comp.kpi}: {{fixed: …}}}}`"))
    return out


def check_eligibility_lists(program: Program, spans: Spans) -> list[Diagnostic]:
    """No participant, and no participant list, is both included and excluded."""
    rule = program.participants
    out = []
    for key, ids, included in (("exclude", rule.exclude, set(rule.include)),
                               ("exclude_lists", rule.exclude_lists, set(rule.include_lists))):
        out += [Diagnostic(spans.at(("participants", key, i)), "include_exclude_overlap",
                           f"`{ident}` is both included and excluded",
                           "remove it from one of the two lists")
                for i, ident in enumerate(ids) if ident in included]
    return out


def _shown(text: str, most: int = 40) -> str:
    """A list id read from the warehouse as a hint shows it: unprintable characters as `?`,
    cut to `most` characters (the warehouse bounds neither)."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= most else text[:most - 1] + "…"


def check_list_ids(program: Program, spans: Spans, known: Collection[str]
                   ) -> list[Diagnostic]:
    """Every list in `include_lists` and `exclude_lists` is among the warehouse's lists
    `known` (a check against the data: `calc`, `explain` and `detect` run it)."""
    rule = program.participants
    present = sorted(_shown(i) for i in known)
    if present:
        shown = ", ".join(f"`{i}`" for i in present[:_LISTS_SHOWN])
        more = f" and {len(present) - _LISTS_SHOWN} more" if len(present) > _LISTS_SHOWN else ""
        where = f"the warehouse's participant lists are {shown}{more}"
    else:
        where = "the warehouse has no participant lists; load them as participant_lists.csv " \
                "(list_id, participant_id)"
    out = []
    for key, ids in (("include_lists", rule.include_lists), ("exclude_lists", rule.exclude_lists)):
        for i, ident in enumerate(ids):
            if ident not in known:
                close = did_you_mean(ident, present)
                close = close if close.startswith("did you mean") else ""
                out.append(Diagnostic(spans.at(("participants", key, i)), "unknown_list",
                                      f"`{ident}` names no participant list in the warehouse",
                                      f"{where}; {close}" if close else where))
    return out


def check_uplift(program: Program, spans: Spans) -> list[Diagnostic]:
    """Uplift values by attribute need `by` to say which attribute."""
    return [Diagnostic(spans.at(("targets", name, "uplift", "values"), key=True),
                       "uplift_values_without_by",
                       f"uplift values for `{name}` without `by`",
                       "add `by: tier` (or region, channel, area)")
            for name, target in program.targets.items()
            if target.uplift.values and target.uplift.by is None]


def _inapplicable_filters(kpi) -> list[str]:
    """The filters a KPI has but cannot apply (its lines have no product or outlet)."""
    primary = getattr(kpi, "source", "secondary") == "primary"
    if kpi.kind in ("outstanding", "early_payment") or (
            kpi.kind == "metric" and kpi.table == "payments"):
        return [f for f in ("products", "outlets") if getattr(kpi, f)]
    if primary or (kpi.kind == "metric" and kpi.table == "primary_sales"):
        return ["outlets"] if kpi.outlets else []
    return []


def check_filters_apply(program: Program, spans: Spans) -> list[Diagnostic]:
    """Product filters need lines with a sku, outlet filters lines with an outlet."""
    return [Diagnostic(spans.at(("kpis", i, name), key=True), "filter_not_applicable",
                       f"KPI `{kpi.id}` ({kpi.kind}) has no {name[:-1]} on its lines, so "
                       f"`{name}` cannot filter it",
                       "remove the filter, or measure secondary sales (source: secondary)"
                       if name == "outlets" else "remove the filter")
            for i, kpi in enumerate(program.kpis) for name in _inapplicable_filters(kpi)]


def check_net_settlement(program: Program, spans: Spans) -> list[Diagnostic]:
    """Early payment settled net takes tier rates below 1 (a payment is grossed up by
    ÷ (1 − rate))."""
    return [Diagnostic(spans.at(("kpis", i, "tiers", j, "rate")), "net_rate_not_below_1",
                       f"KPI `{kpi.id}` is settled net, so its tier rate {tier.rate} must be "
                       "below 1 (payments are grossed up by ÷ (1 − rate))",
                       "write the rate as a fraction (0.02 = 2 %), or use `settlement: gross`")
            for i, kpi in enumerate(program.kpis)
            if kpi.kind == "early_payment" and kpi.settlement == "net"
            for j, tier in enumerate(kpi.tiers) if tier.rate >= 1]


CHECKS: tuple[Check, ...] = (
    check_unique_ids,
    check_kpi_references,
    check_target_keys,
    check_targets_present,
    check_catch_up,
    check_eligibility_lists,
    check_uplift,
    check_filters_apply,
    check_net_settlement,
    check_expressions,
    check_per_invoice,
    check_target_incentive_names,
    check_threshold_places,
    check_formulas,
    check_exclusive_with,
    *CARRY_CHECKS,
)


def _order(d: Diagnostic) -> tuple[str, int, int, str]:
    return d.span.file, d.span.line, d.span.col, d.code


def check_program(program: Program, spans: Spans) -> list[Diagnostic]:
    """Run every check; diagnostics sorted by place."""
    return sorted((d for check in CHECKS for d in check(program, spans)), key=_order)


def load_and_check(paths: Iterable[str | FsPath], *, known_lists: Collection[str] | None = None
                   ) -> tuple[list[Program], list[Diagnostic]]:
    """Load, validate and check every file; return the sound programs (warnings allowed) and
    every error and warning. With `known_lists` (the warehouse's participant lists), the
    lists the programs name are checked against them too."""
    programs: list[Program] = []
    diagnostics: list[Diagnostic] = []
    first_file: dict[str, str] = {}
    for path in paths:
        program, spans, found = load_located_program(path)
        if program is not None:
            found = found + check_program(program, spans)
            if known_lists is not None:
                found += check_list_ids(program, spans, known_lists)
            if program.id in first_file:
                found.append(Diagnostic(spans.at(("id",)), "duplicate_program",
                                        f"program id `{program.id}` is used twice",
                                        f"also in {first_file[program.id]}; rename one"))
            else:
                first_file[program.id] = spans.file
        if program is not None and not any(d.is_error for d in found):
            programs.append(program)
        diagnostics.extend(sorted(found, key=_order))
    return programs, diagnostics


def check_text(text: str, file: str) -> tuple[Program | None, list[Diagnostic]]:
    """Parse, validate and check one program's text (e.g. from the web editor)."""
    program, spans, found = parse_located(text, file)
    if program is not None:
        found = found + check_program(program, spans)
    found = sorted(found, key=_order)
    return (None if any(d.is_error for d in found) else program), found


def diagnostic_files(diagnostics: Iterable[Diagnostic]) -> set[str]:
    """The files the diagnostics are in."""
    return {d.span.file for d in diagnostics}
