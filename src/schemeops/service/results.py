"""Bring a calculation's output files into the store: payouts (with stable references, and
corrections where a period is closed), KPI, component and explanation lines, early-payment
warnings, and periods."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from schemeops.engine.story import Row
from schemeops.store.models import (
    ComponentResult,
    ExplanationLine,
    KpiResult,
    Payout,
    Period,
    Run,
    RunWarning,
)

_SCALE = Decimal("0.01")
#: Rows per INSERT of explanation lines: a run can have millions, read as they are inserted.
_BATCH = 5000


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _period(row: dict[str, str]) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(row["period_start"]), dt.date.fromisoformat(row["period_end"])


def reference(run: Run, program_id: str, participant_id: str, start: dt.date) -> str:
    """The payout's stable reference: run, program, participant and period start."""
    prefix = "SO" if run.kind == "calculation" else "SIM"
    return f"{prefix}-{run.id}-{program_id}-{participant_id}-{start:%Y%m%d}"


def _closed_periods(s: Session, program_ids: set[str]) -> dict[tuple, Period]:
    q = select(Period).where(Period.status == "closed", Period.program_id.in_(program_ids))
    return {(p.program_id, p.start, p.end): p for p in s.scalars(q)}


def _paid_so_far(s: Session, period: Period) -> dict[str, tuple[int, Decimal]]:
    """Per participant: the sealed payout's id and the amount paid with later corrections."""
    sealed = s.execute(select(Payout.id, Payout.participant_id, Payout.amount).where(
        Payout.run_id == period.run_id, Payout.program_id == period.program_id,
        Payout.period_start == period.start, Payout.corrects_id.is_(None))).all()
    out = {r.participant_id: (r.id, r.amount) for r in sealed}
    ids = [i for i, _ in out.values()]
    # a dispute's adjustment is paid on top of what the period computes: not a correction
    fixes = s.execute(select(Payout.participant_id, func.sum(Payout.amount)).where(
        Payout.corrects_id.in_(ids), Payout.dispute_id.is_(None))
        .group_by(Payout.participant_id))
    # what later payouts withheld for this period counts as taken back from it
    kept = s.execute(select(Payout.participant_id, -func.sum(Payout.withheld)).where(
        Payout.withholds_id.in_(ids)).group_by(Payout.participant_id))
    for pid, total in [*fixes, *kept]:
        oid, amount = out[pid]
        out[pid] = (oid, amount + total)
    return out


def store_payouts(s: Session, run: Run, out: Path, versions: dict[str, int],
                  withhold: frozenset[str] = frozenset(), *,
                  corrections_only: bool = False) -> None:
    """Insert the run's payouts; in a closed period only the differences, as corrections.
    With `corrections_only` (a recalculation of stale results, which computed some
    participants only) the payouts of periods not closed are left out: a whole calculation
    pays those.

    For the programs in `withhold` (a returns window without allow_clawback) a closed
    period's fall is not debited: it is withheld from the participant's next open payout of
    the program in this run, up to that payout (what is left is withheld by later runs)."""
    closed = _closed_periods(s, set(versions)) if run.kind == "calculation" else {}
    paid: dict[tuple, dict[str, tuple[int, Decimal]]] = {}
    rows, opened = [], set()
    falls: dict[tuple[str, str], list[tuple[Decimal, int, tuple]]] = {}
    for r in _rows(out / "payouts.csv"):
        start, end = _period(r)
        key = (r["program_id"], start, end)
        amount = Decimal(r["payout"]).quantize(_SCALE)
        row = {"run_id": run.id, "version_id": versions[r["program_id"]],
               "program_id": r["program_id"], "participant_id": r["participant_id"],
               "period_start": start, "period_end": end, "amount": amount,
               "reference": reference(run, r["program_id"], r["participant_id"], start)}
        if key in closed:
            if key not in paid:
                paid[key] = _paid_so_far(s, closed[key])
            original, before = paid[key].get(r["participant_id"], (None, Decimal("0.00")))
            if amount == before:
                continue
            if amount < before and r["program_id"] in withhold:
                falls.setdefault((r["program_id"], r["participant_id"]), []).append(
                    (before - amount, original, key))
                continue
            row |= {"amount": amount - before, "corrects_id": original,
                    "reason": run.reason or f"recalculated by run {run.id}"}
        elif corrections_only:
            continue
        elif run.kind == "calculation":
            opened.add(key)
        rows.append(row)
    _withhold(rows, falls)
    if rows:
        s.execute(insert(Payout), rows)
    _open_periods(s, opened)


def _withhold(rows: list[dict], falls: dict[tuple[str, str], list]) -> None:
    """Take each closed period's fall out of the first later open payout of the same
    participant and program that pays more than 0 (rows are changed in place)."""
    for (program_id, pid), pending in falls.items():
        fall, original, (_, start, end) = min(pending, key=lambda f: f[2])
        later = sorted((r for r in rows if r["program_id"] == program_id
                        and r["participant_id"] == pid and "corrects_id" not in r
                        and r["period_start"] > end and r["amount"] > 0),
                       key=lambda r: r["period_start"])
        if not later:
            continue  # nothing to withhold from yet: a later run does
        row = later[0]
        taken = min(fall, row["amount"])
        row |= {"amount": row["amount"] - taken, "withheld": taken, "withholds_id": original,
                "reason": f"withholds {taken} for late returns of the closed period "
                          f"{start}–{end}"}


def _open_periods(s: Session, keys: set[tuple]) -> None:
    known = {(p.program_id, p.start, p.end) for p in s.scalars(
        select(Period).where(Period.program_id.in_({k[0] for k in keys})))}
    for program_id, start, end in sorted(keys - known):
        s.add(Period(program_id=program_id, start=start, end=end))


def store_lines(s: Session, run: Run, out: Path) -> None:
    """Insert the run's KPI and component lines as the engine wrote them."""
    kpis = [{"run_id": run.id, "program_id": r["program_id"],
             "participant_id": r["participant_id"], "period_start": _period(r)[0],
             "period_end": _period(r)[1], "kpi": r["kpi"], "actual": r["actual"],
             "target": r["target"], "attainment": r["attainment"]}
            for r in _rows(out / "kpis.csv")]
    comps = [{"run_id": run.id, "program_id": r["program_id"],
              "participant_id": r["participant_id"], "period_start": _period(r)[0],
              "period_end": _period(r)[1], "component": r["component"], "base": r["base"],
              "rate": r["rate"], "amount": Decimal(r["amount"]), "note": r["note"]}
             for r in _rows(out / "components.csv")]
    if kpis:
        s.execute(insert(KpiResult), kpis)
    if comps:
        s.execute(insert(ComponentResult), comps)


def _insert(s: Session, model: type, rows: Iterable[dict]) -> None:
    """Insert `rows` a batch at a time (one executemany each)."""
    it = iter(rows)
    while batch := list(itertools.islice(it, _BATCH)):
        s.execute(insert(model), batch)


def store_explanations(s: Session, run: Run, out: Path) -> None:
    """Insert the run's explanations.csv, each row typed (engine/story.py `Row`)."""
    _insert(s, ExplanationLine, (dataclasses.asdict(Row.of(r)) | {"run_id": run.id}
                                 for r in _rows(out / "explanations.csv")))


def store_warnings(s: Session, run: Run, records: Iterable[dict]) -> None:
    """Insert the run's early-payment warnings, one per participant and period they concern
    (`settlement.participant_warning_records`)."""
    _insert(s, RunWarning, ({**r, "run_id": run.id} for r in records))
