"""`calc`: the whole calculation as one visible pipeline, from program files to output files.

load programs → parse and check → bind the warehouse → compile → execute → write → manifest.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from schemeops import __version__
from schemeops.engine.backends import (
    SparkSettings,
    adapter_of,
    connect_lake,
    connect_source,
    connect_warehouse,
    materialize,
)
from schemeops.engine.data import Data
from schemeops.engine.fingerprint import data_fingerprint, recorded_digests
from schemeops.engine.kpis import facts_spans, reads_daily
from schemeops.engine.kpis.facts import facts_days, facts_rows, merge_spans, outlet_facts
from schemeops.engine.output import result_tables, write_outputs
from schemeops.engine.runner import ProgramResult, calculate_program, windows_as_of
from schemeops.engine.settlement import warning_records
from schemeops.engine.stale import stale_participants
from schemeops.errors import Diagnostic, SchemeopsError
from schemeops.laps import Laps
from schemeops.outdir import MARK, fresh_folder
from schemeops.program.check import load_and_check
from schemeops.program.model import Program
from schemeops.program.parse import program_version


class ProgramErrors(SchemeopsError):
    """Raised when a program file does not check; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} error(s) in the programs")
        self.diagnostics = diagnostics


@dataclass
class Manifest:
    """What produced an output folder: program versions, data fingerprint, as-of, timings."""

    programs: dict[str, str]
    data_fingerprint: str
    as_of: str | None
    backend: str
    rows: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    schemeops_version: str = __version__
    #: Early-payment invoices short of a tier's discount that earn none of it (always
    #: written, empty when there are none): see `engine.settlement`.
    warnings: list[dict] = field(default_factory=list)
    #: `{program id: {share, seed}}` of the programs with a holdout (left out when none, so
    #: earlier manifests read the same).
    holdouts: dict[str, dict] = field(default_factory=dict)
    #: A recalculation of stale results only: the load after which rows came late, and
    #: `{program id: participants computed}` (both left out of a whole calculation's).
    stale_since: int | None = None
    recalculated: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as stable JSON (timings last)."""
        optional = ("holdouts", "stale_since", "recalculated")
        body = {k: v for k, v in self.__dict__.items() if k not in optional or v not in (None, {})}
        return json.dumps(body, indent=2, sort_keys=True) + "\n"


def load_programs(paths: list[Path]) -> list[Program]:
    """Parse and check program files; raise ProgramErrors with every problem found."""
    programs, diagnostics = load_and_check(paths)
    errors = [d for d in diagnostics if d.is_error]  # warnings do not stop a calculation
    if errors:
        raise ProgramErrors(errors)
    return programs


def check_lists(paths: list[Path], programs: list[Program], data: Data,
                fetch: Callable[[ir.Table], Callable[[], pa.Table]]) -> None:
    """Raise ProgramErrors, located in the program files, when a program names a
    participant list (`include_lists`, `exclude_lists`) that the warehouse does not hold."""
    named = {i for p in programs
             for i in (*p.participants.include_lists, *p.participants.exclude_lists)}
    if not named:
        return
    lists = data.participant_lists
    known = set(fetch(lists.select("list_id").distinct())().column(0).to_pylist())
    if named <= known:
        return
    _programs, diagnostics = load_and_check(paths, known_lists=known)
    raise ProgramErrors([d for d in diagnostics if d.is_error])


def calculate(programs: list[Program], data: Data, *, as_of: dt.date | None,
              keep: Callable[[ir.Table], ir.Table] = materialize
              ) -> tuple[list[ProgramResult], Data]:
    """Compile every program against the warehouse tables `data`: the day totals of sales
    and the per-outlet facts are computed once (by `keep`) when a KPI reads them, then each
    program's wide table. The data returned keeps the day totals, not the facts."""
    spans = merge_spans(*(facts_spans(p, windows_as_of(p, as_of)) for p in programs))
    # Day totals that `load` recorded are a table already, read in place (a scan of 30M
    # rows costs less than writing them into the run's database); summed ones are kept.
    recorded = data.days is not None
    if spans:
        # the day totals with history's bills when the facts read history (one pass over
        # the lines, or over the recorded day totals)
        days = facts_days(data.daily, spans, sales=data.sales, named=data.named,
                          days=data.days, returns=data.returns, keep=keep)
        days = days if recorded else keep(days)
        wide = keep(outlet_facts(days, spans))
        data = replace(data, daily=data.daily if recorded else days.select(*data.daily.columns),
                       facts=facts_rows(wide, spans))
    elif not recorded and any(reads_daily(k) for p in programs for k in p.kpis):
        data = replace(data, daily=keep(data.daily))
    results = [calculate_program(p, data, as_of=as_of, keep=keep) for p in programs]
    # The facts hold only these programs' windows: what callers get back is without them, so
    # a later KPI over other windows computes from the lines instead of finding no rows.
    return results, replace(data, facts=None)


def _computed(results: list[ProgramResult],
              fetch: Callable[[ir.Table], Callable[[], pa.Table]]) -> dict[str, int]:
    """Per program: how many participants were computed."""
    counts = {r.program.id: fetch(r.wide.aggregate(n=r.wide.participant_id.nunique()))
              for r in results}
    return {k: int(v().column("n")[0].as_py()) for k, v in counts.items()}


@dataclass(frozen=True)
class CalcRun:
    """A finished calculation: its manifest, and its results still bound to the connection
    (so a caller can summarise them without computing them again)."""

    manifest: Manifest
    results: list[ProgramResult]
    data: Data
    con: ibis.BaseBackend


def run_calc(program_paths: list[Path], *, warehouse: Path, out: Path,
             as_of: dt.date | None = None, backend: str = "duckdb",
             lake: Path | None = None, source: str | None = None,
             spark: SparkSettings | None = None,
             progress: Callable[[str], None] = lambda _step: None,
             stale_since: int | None = None, memory_limit: str | None = None) -> CalcRun:
    """Run `calc` end to end and write payouts.csv, kpis.csv, components.csv, manifest.json.
    The tables are the warehouse's, the lake's when `lake` is given, or those of the
    PostgreSQL database at `source` (computed there); `spark` says where and how the Spark
    backend runs.

    The fingerprint is started first (from the digests `load` recorded, where the backend
    reads them). The backend's executor runs the queries: on DuckDB each one on a worker
    thread as soon as it is compiled, so the timings overlap: `compile` is until every query
    is compiled and queued, `execute` the wait for the output files after that,
    `fingerprint` the wait for the fingerprint; on Spark each query runs when it is asked,
    and the fingerprint's time falls in `compile`.

    With `stale_since` (a load id), only the participants whose results the later loads'
    late rows changed are computed (`engine.stale`), and the manifest counts them.
    `memory_limit` (e.g. "6GB") caps DuckDB's memory for the run; None leaves DuckDB's own
    (80% of the machine's).
    """
    laps = Laps()
    lap, timings = laps.lap, laps.timings

    progress("checking programs")
    programs = load_programs(program_paths)
    lap("check")
    if stale_since is not None and (lake is not None or source is not None):
        # the load log and the stale keys live in the warehouse file, not in a lake or database
        raise SchemeopsError("--stale-since reads the warehouse's load log: give --warehouse, "
                             "not --lake or --source")
    only = None if stale_since is None else stale_participants(warehouse, stale_since)
    if source is not None:
        progress("connecting to the database")
        con = connect_source(source)
    else:
        progress(f"connecting to the {'lake' if lake else 'warehouse'} ({backend})")
        con = (connect_lake(lake, backend, spark=spark) if lake is not None
               else connect_warehouse(warehouse, backend, spark=spark))
    backend = adapter_of(con).name
    if memory_limit is not None:
        adapter_of(con).cap_memory(con, memory_limit)
    run = adapter_of(con).executor(con)
    with fresh_folder(out) as work:
        try:
            data = Data.from_backend(con)
            if only is not None:
                data = replace(data, only=ibis.memtable(only))
            check_lists(program_paths, programs, data, run.fetch)
            recorded = recorded_digests(con)
            fingerprint = data_fingerprint(data, run.read_warehouse, recorded)  # starts now
            results, data = calculate(programs, data, as_of=as_of, keep=run.materialize)
            written = write_outputs(result_tables(results, run.materialize, run.stage), work,
                                    run.write_csv)
            lap("compile")
            progress("calculating")
            rows = written()
            warnings = warning_records(results, data, con, fetch=run.fetch)
            recalculated = {} if only is None else _computed(results, run.fetch)
            lap("execute")
            progress("fingerprinting the data")
            manifest = Manifest(
                programs={p.id: program_version(p) for p in programs},
                data_fingerprint=fingerprint(), as_of=as_of.isoformat() if as_of else None,
                backend=backend, rows=rows, timings=timings, warnings=warnings,
                holdouts={p.id: {"share": str(p.holdout.share), "seed": p.holdout.seed}
                          for p in programs if p.holdout is not None},
                stale_since=stale_since, recalculated=recalculated)
            lap("fingerprint")
        finally:
            run.close()
        (work / MARK).write_text(manifest.to_json())  # last: it marks a whole run
    return CalcRun(manifest, results, data, con)
