"""`explain` on the warehouse: compute one participant's explanation rows (the same rows
calc writes to explanations.csv) and tell them as a story (engine/story.py), with the bills
that paid per invoice and the early-payment warnings."""

from __future__ import annotations

import datetime as dt

import ibis

from schemeops.engine.data import Data
from schemeops.engine.eligibility import eligible
from schemeops.engine.holdout import is_held_out
from schemeops.engine.output import explanation_rows, sorted_explanations
from schemeops.engine.per_invoice import bill_story, paid_bills
from schemeops.engine.periods import program_windows, windows_table
from schemeops.engine.runner import ProgramResult, calculate_program
from schemeops.engine.settlement import participant_warnings
from schemeops.engine.story import Explanation, Row, stories
from schemeops.errors import did_you_mean
from schemeops.program.model import Program


def explain(program: Program, data: Data, con: ibis.BaseBackend, participant_id: str, *,
            as_of: dt.date | None = None) -> list[Explanation]:
    """The participant's explanation for each period of the program (empty if not eligible)."""
    r: ProgramResult = calculate_program(program, data, as_of=as_of)
    t = explanation_rows(r)
    rows = [Row.of(x) for x in con.to_pyarrow(
        sorted_explanations(t.filter(t.participant_id == participant_id))).to_pylist()]
    starts = {w.no: w.start for w in r.windows}
    extra: dict[tuple, dict[str, tuple[str, ...]]] = {}
    for c in program.components:
        if c.per is None:
            continue
        bills = con.to_pyarrow(paid_bills(program, c, data, r.windows, participant_id))
        by_period: dict[int, list[dict]] = {}
        for b in bills.to_pylist():
            by_period.setdefault(b["period_no"], []).append(b)
        for no, found in by_period.items():
            extra.setdefault((program.id, starts[no]), {})[c.id] = bill_story(found)
    warned = {(program.id, starts[no]): lines for no, lines in
              participant_warnings(r, data, con, participant_id).items()}
    return stories(rows, names={program.id: program.name}, warnings=warned, extra=extra)


def _lists_of(participant_id: str, ids: tuple[str, ...], data: Data,
              con: ibis.BaseBackend) -> set[str]:
    """Which of the participant lists `ids` hold the participant."""
    if not ids:
        return set()
    lists = data.participant_lists
    chosen = lists.filter((lists.participant_id == participant_id) & lists.list_id.isin(ids))
    return set(con.to_pyarrow(chosen.select("list_id")).column(0).to_pylist())


def why_no_story(program: Program, data: Data, con: ibis.BaseBackend,
                 participant_id: str) -> str:
    """Why `explain` has nothing for the participant: an unknown id (with close ids), the
    program's holdout, or the eligibility rule that leaves it out."""
    p = data.participants
    found = con.to_pyarrow(p.filter(p.participant_id == participant_id)
                           .select("role", "joined_on", "left_on")).to_pylist()
    if not found:
        ids = con.to_pyarrow(p.select("participant_id")).column(0).to_pylist()
        hint = did_you_mean(participant_id, ids)
        return f"no participant `{participant_id}` in the warehouse" + (f"; {hint}" if hint
                                                                        else "")
    row, rule = found[0], program.participants
    h = program.holdout
    if h is not None and is_held_out(participant_id, h) and con.to_pyarrow(eligible(
            rule, p.filter(p.participant_id == participant_id),
            windows_table(program_windows(program.period)),
            data.participant_lists).count()).as_py():
        return (f"{participant_id} is held out of {program.id}: in its control group "
                f"(holdout share {h.share}, seed {h.seed}), not enrolled, so it earns nothing")
    on = _lists_of(participant_id, (*rule.include_lists, *rule.exclude_lists), data, con)
    out_of = sorted(on & set(rule.exclude_lists))
    why = "it is left out for every period"
    if participant_id in rule.exclude:
        why = "it is in `participants.exclude`"
    elif out_of:
        why = f"it is on the list `{out_of[0]}` of `participants.exclude_lists`"
    elif row["left_on"] is not None and row["left_on"] < program.period.start:
        why = f"it left on {row['left_on']}, before the program started"
    elif participant_id in rule.include or on & set(rule.include_lists):
        pass
    elif row["role"] not in rule.roles:
        why = f"a {row['role']}, and it takes {', '.join(rule.roles)}"
    elif rule.joined_before and row["joined_on"] is not None \
            and row["joined_on"] >= rule.joined_before:
        why = f"it joined on {row['joined_on']}, not before {rule.joined_before}"
    elif rule.where:
        why = f"it does not match `where: {rule.where}`"
    return f"{participant_id} is not eligible for {program.id}: {why}"
