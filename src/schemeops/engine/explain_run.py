"""`explain --run`: a participant's story from a finished calculation's folder, read from its
explanations.csv (never recomputed) with the early-payment warnings of its manifest."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from schemeops.engine.story import Explanation, Row, stories
from schemeops.errors import SchemeopsError, UsageError, did_you_mean

_MONEY = ("total", "paid", "short", "discount", "tier_rate")


def read_rows(path: Path, participant_id: str) -> tuple[list[Row], set[str]]:
    """The participant's rows of an explanations.csv, in file order, and every participant
    id the file has (to suggest one when the id is unknown)."""
    rows, ids = [], set()
    with path.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ids.add(r["participant_id"])
            if r["participant_id"] == participant_id:
                rows.append(Row.of(r))
    return rows, ids


def _warnings(manifest: Path, participant_id: str, told: list[Explanation]
              ) -> dict[tuple[str, dt.date], tuple[str, ...]]:
    """The manifest's warnings on the participant's own invoices, in the period of each story
    whose days hold the warning's date."""
    if not manifest.exists():
        return {}
    mine = [w for w in json.loads(manifest.read_text(encoding="utf-8")).get("warnings", [])
            if w["distributor_id"] == participant_id]
    if not mine:
        return {}
    from schemeops.engine.settlement import warning_text  # lazily: it loads Ibis

    out: dict[tuple[str, dt.date], list[str]] = {}
    for w in mine:
        typed = w | {k: Decimal(w[k]) for k in _MONEY} | {
            "invoice_date": dt.date.fromisoformat(w["invoice_date"])}
        on = dt.date.fromisoformat(w["warn_on"])
        for e in told:
            if e.program_id == w["program_id"] and e.period_start <= on <= e.period_end:
                out.setdefault((e.program_id, e.period_start), []).append(warning_text(typed))
    return {k: tuple(v) for k, v in out.items()}


def _held_out_of(manifest: Path, participant_id: str) -> str:
    """Which programs' holdouts the id falls in, as words ('' when none): a participant the
    rule would enrol is held out of those, not enrolled."""
    if not manifest.exists():
        return ""
    holdouts = json.loads(manifest.read_text(encoding="utf-8")).get("holdouts", {})
    if not holdouts:
        return ""
    from schemeops.engine.holdout import is_held_out  # lazily: it loads Ibis
    from schemeops.program.model import Holdout

    held = [f"{pid} (share {h['share']}, seed {h['seed']})" for pid, h in sorted(
        holdouts.items()) if is_held_out(participant_id, Holdout(share=h["share"], seed=h["seed"]))]
    return ("it falls in the holdout (control group) of " + ", ".join(held)
            + ": held out there, not enrolled, if the program's rule would take it"
            ) if held else ""


def run_stories(folder: Path, participant_id: str) -> list[Explanation]:
    """The participant's explanations in a calc's output folder; UsageError when the folder
    has no explanations.csv, SchemeopsError when the participant has no row in it."""
    path = folder / "explanations.csv"
    if not path.exists():
        raise UsageError(f"no explanations.csv in {folder}: is it the --out folder of a "
                         "finished `schemeops calc`?")
    rows, ids = read_rows(path, participant_id)
    if not rows:
        held = _held_out_of(folder / "manifest.json", participant_id)
        hint = held or did_you_mean(participant_id, sorted(ids))
        raise SchemeopsError(f"{participant_id} takes part in no program of this calculation"
                         + (f"; {hint}" if hint else ""))
    told = stories(rows)
    warned = _warnings(folder / "manifest.json", participant_id, told)
    return stories(rows, warnings=warned) if warned else told
