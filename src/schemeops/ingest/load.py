"""`load`: read input files, validate every row against the contract and the warehouse, and
write the accepted rows, atomically by default."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from schemeops.cancel import past_the_point_of_no_return
from schemeops.errors import SchemeopsError, UsageError
from schemeops.ingest.csv_reader import count_records, stage_csv
from schemeops.ingest.days import update_days
from schemeops.ingest.history import update_history
from schemeops.ingest.parquet_reader import stage_parquet
from schemeops.ingest.problems import PROBLEM_COLUMNS, FileRejected, Problem
from schemeops.ingest.sources import NotRead, Source, resolve
from schemeops.ingest.staging import UNPARSED, create_stage, create_unparsed, sql_string
from schemeops.ingest.validate import WAREHOUSE, TableCounts, TableValidator
from schemeops.ingest.warehouse import LOADS_TABLE, add_digests, ensure_tables
from schemeops.outdir import remove_dead_work, work_prefix
from schemeops.warehouse_file import check_warehouse_path, lock_message


def stage_excel(*args, **kwargs) -> list[Problem]:
    """The Excel reader, imported on first use (openpyxl is slow to import)."""
    from schemeops.ingest.excel_reader import stage_excel as stage

    return stage(*args, **kwargs)


#: Readers that append a file's rows, as text, to its table's staging table.
_TEXT_READERS = {"csv": stage_csv, "excel": stage_excel}
SHOW_FIRST = 20
#: The longest value the rejects file shows for a problem.
REJECTS_VALUE = 200
#: The name of a load's staging folders (beside the warehouse).
STAGE = "schemeops-stage"
#: DuckDB's memory during a load unless SCHEMEOPS_MEMORY_LIMIT says otherwise: at 100M lines
#: the load peaks at 2.9 GiB with it and takes 171 s; at 2GB its groupings spill to disk
#: (198 s), and 3GB is no faster (171 s at 3.8 GiB) (docs/benchmarks.md, "Load").
MEMORY_LIMIT = "2.5GB"


@dataclass(frozen=True)
class LoadReport:
    """What a load did: counts per table, the problems found, and whether rows were written."""

    counts: tuple[TableCounts, ...]
    file_problems: tuple[Problem, ...]
    first_problems: tuple[Problem, ...]
    problem_count: int
    loaded: bool
    accept_valid: bool
    rejects_path: Path | None = None
    quarantine_paths: tuple[Path, ...] = field(default=())
    #: Rows each table gained, read back from the warehouse after the commit.
    saved: dict[str, int] = field(default_factory=dict)
    #: Files in the input folders left alone, and why.
    not_read: tuple[NotRead, ...] = field(default=())
    #: Keys (seller, outlet, month) of past months whose history the load changed.
    stale: int = 0
    #: The load's id in `_loads` (None when nothing was written).
    load_id: int | None = None

    @property
    def ok(self) -> bool:
        """True when every row was accepted or already present."""
        return self.problem_count == 0


class LoadProgress:
    """Callbacks a front end implements to show progress; the default shows nothing."""

    def start_file(self, source: Source, size: int) -> None:
        """A file starts being read; `size` is its byte size."""

    def advance(self, rows: int) -> None:
        """`rows` more rows of the current file were read."""

    def stage(self, text: str) -> None:
        """A named step starts (e.g. validating a table)."""


def _count_rows(source: Source) -> int:
    """Rows in a file that is rejected as a whole, where cheap to tell (else 0)."""
    if source.fmt == "csv":
        return count_records(source.path)
    if source.fmt == "parquet":
        try:
            return pq.ParquetFile(source.path).metadata.num_rows
        except (pa.ArrowInvalid, OSError):
            return 0
    return 0


@dataclass(frozen=True)
class _Staged:
    """What staging found: each table's staged parts (its text staging table, then a view
    per Parquet file), the row problems of the text readers, the problems of files rejected
    whole and those files' rows per table."""

    parts: dict[str, list[str]]
    problems: list[Problem]
    rejected: list[Problem]
    unreadable: dict[str, int]


def _stage_all(con: duckdb.DuckDBPyConnection, sources: list[Source],
               progress: LoadProgress) -> _Staged:
    """Stage every file."""
    problems: list[Problem] = []
    rejected: list[Problem] = []
    unreadable: dict[str, int] = {}
    create_unparsed(con)
    parts = {t.name: [create_stage(con, t)]
             for t in {s.table.name: s.table for s in sources}.values()}
    for s in sources:
        progress.start_file(s, s.path.stat().st_size)
        stage = parts[s.table.name][0]
        try:
            if s.fmt == "parquet":
                part = f"{stage}_{len(parts[s.table.name])}"
                stage_parquet(con, s.path, s.table, part, progress.advance)
                parts[s.table.name].append(part)
            else:
                problems += _TEXT_READERS[s.fmt](con, s.path, s.table, stage, progress.advance)
        except FileRejected as e:
            rows = e.rows or _count_rows(s)
            rejected.append(e.problem)
            unreadable[s.table.name] = unreadable.get(s.table.name, 0) + rows
    return _Staged(parts, problems, rejected, unreadable)


def _write_problems(ib: ibis.BaseBackend, names: list[str], extra: list[Problem],
                    path: Path) -> tuple[int, list[Problem]]:
    """Write every problem to `path` (CSV, sorted by file and row); return count and the first."""
    mem = ibis.memtable(pa.table(
        {c: [getattr(p, c) for p in extra] for c in PROBLEM_COLUMNS},
        schema=pa.schema([(c, pa.int64() if c == "row" else pa.string())
                          for c in PROBLEM_COLUMNS])))
    parts = [mem] + [ib.table(n) for n in names]
    allp = ibis.union(*parts, distinct=False).order_by(["file", "row", "column", "code"])
    # a report, not a copy of the data: the row itself is in the file (or the quarantine)
    allp = allp.mutate(value=allp.value.substr(0, REJECTS_VALUE))
    count = int(allp.count().execute())
    if count:
        path.parent.mkdir(parents=True, exist_ok=True)
        ib.to_csv(allp, path)
    first = [Problem(**r) for r in allp.limit(SHOW_FIRST).to_pyarrow().to_pylist()]
    return count, first


def _write_quarantine(ib: ibis.BaseBackend, validators: list[TableValidator],
                      folder: Path) -> list[Path]:
    """One CSV per table with the rejected rows as they came, plus their reasons."""
    out = []
    for v in validators:
        problems = ib.table(v.problems_name)
        if int(problems.count().execute()) == 0:
            continue
        reasons = problems.group_by(["file", "row"]).aggregate(
            _reasons=problems.reason.group_concat("; "))
        stage = v.staged_text()
        rows = stage.join(reasons, [stage._file == reasons.file, stage._row == reasons.row])
        rows = rows.select(*v.t.column_names, _file=rows._file, _row=rows._row,
                           _reasons=rows._reasons).order_by(["_file", "_row"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{v.t.name}.csv"
        ib.to_csv(rows, path)
        out.append(path)
    return out


def _write_unparsed(ib: ibis.BaseBackend, names: list[str], problems: list[Problem],
                    folder: Path) -> list[Path]:
    """One CSV per table with the rows that could not be split into fields (or were
    rejected by the reader, e.g. an Excel error cell), verbatim, plus their reasons."""
    unparsed = ib.table(UNPARSED)
    located = [p for p in problems if p.row is not None]
    reasons = ibis.memtable(pa.table({
        "file": pa.array([p.file for p in located], pa.string()),
        "row": pa.array([p.row for p in located], pa.int64()),
        "reason": pa.array([p.reason for p in located], pa.string())}))
    reasons = reasons.group_by(["file", "row"]).aggregate(
        _reasons=reasons.reason.group_concat("; "))
    out = []
    for name in names:
        mine = unparsed.filter(unparsed.table == name)
        if int(mine.count().execute()) == 0:
            continue
        rows = mine.left_join(reasons, [mine._file == reasons.file, mine._row == reasons.row])
        rows = rows.select("_file", "_row", "_text", "_reasons").order_by(["_file", "_row"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.unparsed.csv"
        ib.to_csv(rows, path)
        out.append(path)
    return out


def _row_counts(ib: ibis.BaseBackend, names: list[str]) -> dict[str, int]:
    """Rows in each of the warehouse's tables `names`, as committed."""
    return {n: int(ib.table(n, database=WAREHOUSE).count().execute()) for n in names}


def _commit(ib: ibis.BaseBackend, con: duckdb.DuckDBPyConnection,
            validators: list[TableValidator], counts: list[TableCounts], files: dict[str, str],
            now: dt.datetime) -> tuple[dict[str, int], int, int]:
    """Write the accepted rows, the history state, the day totals and the load's log in
    one transaction; return the rows each table gained, read back from the warehouse after
    the commit (SchemeopsError when that differs from what was accepted), the stale keys
    and the load's id."""
    names = [v.t.name for v in validators]
    before = _row_counts(ib, names)
    wh_loads = ib.table(LOADS_TABLE, database=WAREHOUSE)
    load_id = int(wh_loads.load_id.max().fill_null(0).execute()) + 1
    con.execute("BEGIN TRANSACTION")
    try:
        stale = 0
        for v in validators:
            ib.insert(v.t.name, v.accepted_table(), database=WAREHOUSE)
            if v.t.name == "sales":
                stale = update_history(ib, v.accepted_table(), load_id=load_id,
                                       database=WAREHOUSE)
                update_days(ib, v.accepted_table(), database=WAREHOUSE)
        log = ibis.memtable(pa.Table.from_pylist([
            {"load_id": load_id, "loaded_at": now, "table": c.table, "files": files[c.table],
             "read": c.read, "accepted": c.accepted, "rejected": c.rejected,
             "already_present": c.already_present, "conflicts": c.conflicts} for c in counts
        ]))
        ib.insert(LOADS_TABLE, log, database=WAREHOUSE)
        add_digests(ib, {v.t.name: v.accepted_table() for v in validators},
                    database=WAREHOUSE)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    after = _row_counts(ib, names)
    saved = {n: after[n] - before[n] for n in names}
    for c in counts:
        if saved[c.table] != c.accepted:
            raise SchemeopsError(f"the warehouse gained {saved[c.table]:,} {c.table} rows "
                                 f"where {c.accepted:,} were accepted; check the disk and "
                                 "load again")
    return saved, stale, load_id


def load(paths: list[Path], *, warehouse: Path, accept_valid: bool = False,
         rejects: Path | None = None, quarantine: Path | None = None,
         progress: LoadProgress | None = None,
         clock: Callable[[], dt.datetime] = dt.datetime.now) -> LoadReport:
    """Load `paths` into `warehouse`: nothing when any row is bad, unless `accept_valid`."""
    progress = progress or LoadProgress()
    rejects = rejects or warehouse.with_name(warehouse.stem + ".rejects.csv")
    quarantine = quarantine or warehouse.with_name(warehouse.stem + ".quarantine")
    check_warehouse_path(warehouse, must_exist=False)
    sources, file_problems, not_read = resolve(paths)
    new = not warehouse.exists()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    loaded = False
    try:
        report = _load(sources, file_problems, warehouse, accept_valid, rejects, quarantine,
                       progress, clock)
        loaded = report.loaded
        return replace(report, not_read=tuple(not_read))
    finally:
        if new and not loaded:  # a refused or cancelled first load leaves no warehouse
            for leftover in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
                leftover.unlink(missing_ok=True)


def _load(sources: list[Source], file_problems: list[Problem], warehouse: Path,
          accept_valid: bool, rejects: Path, quarantine: Path, progress: LoadProgress,
          clock: Callable[[], dt.datetime]) -> LoadReport:
    """`load` once its inputs are resolved: stage, validate, report, commit."""
    remove_dead_work(warehouse.parent, STAGE)  # what killed loads left
    with tempfile.TemporaryDirectory(prefix=work_prefix(STAGE), dir=warehouse.parent) as tmp:
        con = duckdb.connect(os.path.join(tmp, "stage.duckdb"))
        limit = os.environ.get("SCHEMEOPS_MEMORY_LIMIT", MEMORY_LIMIT)
        con.execute(f"SET memory_limit = {sql_string(limit)}")
        con.execute(f"SET temp_directory = {sql_string(os.path.join(tmp, 'spill'))}")
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(f"ATTACH {sql_string(str(warehouse))} AS wh")
        except duckdb.IOException as e:
            con.close()
            raise UsageError(lock_message(warehouse, e)) from None
        ib = ibis.duckdb.from_connection(con)
        ensure_tables(ib, database=WAREHOUSE)
        try:
            staged = _stage_all(con, sources, progress)
            row_problems = staged.problems
            validators, counts, accepted = [], [], {}
            for t in dict.fromkeys(s.table for s in sources):
                progress.stage(f"validating {t.name}")
                v = TableValidator(ib, t, staged.parts[t.name])
                c = v.run(accepted)
                skipped = len({(p.file, p.row) for p in row_problems
                               if p.table == t.name and p.row})
                extra = staged.unreadable.get(t.name, 0) + skipped
                counts.append(TableCounts(t.name, c.read + extra, c.accepted,
                                          c.rejected + extra, c.already_present, c.conflicts))
                accepted[t.name] = v.accepted_table()
                validators.append(v)
            file_problems += staged.rejected + row_problems
            progress.stage("writing the report")
            n, first = _write_problems(ib, [v.problems_name for v in validators],
                                       file_problems, rejects)
            loaded = False
            saved: dict[str, int] = {}
            stale, load_id = 0, None
            qpaths: list[Path] = []
            if validators and (n == 0 or accept_valid):
                progress.stage("writing to the warehouse")
                files = {t.name: ";".join(str(s.path) for s in sources if s.table is t)
                         for t in (v.t for v in validators)}
                with past_the_point_of_no_return():
                    saved, stale, load_id = _commit(ib, con, validators, counts, files, clock())
                    loaded = True
                    if n and accept_valid:
                        qpaths = _write_quarantine(ib, validators, quarantine) + \
                            _write_unparsed(ib, [v.t.name for v in validators], row_problems,
                                            quarantine)
            return LoadReport(
                counts=tuple(counts), file_problems=tuple(file_problems),
                first_problems=tuple(first), problem_count=n, loaded=loaded,
                accept_valid=accept_valid, rejects_path=rejects if n else None,
                quarantine_paths=tuple(qpaths), saved=saved, stale=stale,
                load_id=load_id)
        finally:
            con.close()
