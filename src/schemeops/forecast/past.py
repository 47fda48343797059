"""Measured lifts of past programs read from `schemeops effect` output folders."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from schemeops.engine.calc import load_programs
from schemeops.errors import UsageError
from schemeops.forecast.similar import PastLift
from schemeops.program.model import Program


def _number(text: str, where: str) -> Decimal | None:
    if text == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise UsageError(f"{where}: {text!r} is not a number; give an effect.csv written "
                         "by `schemeops effect`") from None


def lift_from_effect(program_file: Path, folder: Path) -> tuple[Program, PastLift]:
    """The program in `program_file` and the lift its effect.csv in `folder` measured (the
    program's row of the latest period); UsageError naming the file when it has none."""
    path = folder / "effect.csv"
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give a folder written by "
                         "`schemeops effect --out`")
    program = load_programs([program_file])[0]
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"program_id", "period_start", "participant_id", "net_lift_pct", "low",
                   "high"} - set(reader.fieldnames or ())
        if missing:
            raise UsageError(f"{path}:1: no column {', '.join(sorted(missing))}; give an "
                             "effect.csv written by `schemeops effect`")
        rows = [(n, r) for n, r in enumerate(reader, 2)
                if r["participant_id"] == "" and r["program_id"] == program.id]
    if not rows:
        raise UsageError(f"{path}: no program row of {program.id} (from {program_file}); "
                         "give the effect folder of that program")
    line, row = max(rows, key=lambda nr: nr[1]["period_start"])
    lift = _number(row["net_lift_pct"], f"{path}:{line}: net_lift_pct")
    if lift is None:
        raise UsageError(f"{path}:{line}: net_lift_pct is empty (nothing measured in "
                         f"{row['period_start']}); give an effect run with a measured lift")
    return program, PastLift(program.id, str(path), row["period_start"], lift,
                             _number(row["low"], f"{path}:{line}: low"),
                             _number(row["high"], f"{path}:{line}: high"))
