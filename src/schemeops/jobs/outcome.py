"""What a job did, and the one way every pull writes to the warehouse: `schemeops load`'s
validated, atomic, idempotent load."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from schemeops.errors import UsageError
from schemeops.ingest import LoadReport, load

#: How long a pull waits for a warehouse another process holds (a load or a calculation).
WAIT_FOR_WAREHOUSE = 120.0


@dataclass
class Outcome:
    """Rows by outcome over every load of a job, its cursor, its detail and any error."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    present: int = 0
    conflicts: int = 0
    cursor: str | None = None
    detail: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    #: files of rows left out by loads with `accept_valid`, to fix and load again
    quarantined: list[str] = field(default_factory=list)

    def add(self, report: LoadReport) -> None:
        """Count a load's rows and note where the rows it left out went."""
        self.quarantined += [str(p) for p in report.quarantine_paths]
        for c in report.counts:
            self.read += c.read
            self.accepted += c.accepted
            self.rejected += c.rejected
            self.present += c.already_present
            self.conflicts += c.conflicts


def load_files(paths: list[Path], *, warehouse: Path, accept_valid: bool,
               wait: float = WAIT_FOR_WAREHOUSE) -> LoadReport:
    """Load `paths` as `schemeops load` does, waiting while another process holds the
    warehouse."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return load(paths, warehouse=warehouse, accept_valid=accept_valid)
        except UsageError as e:
            if "in use by another process" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(1)


def failure(report: LoadReport, what: str) -> str | None:
    """Why a load of `what` wrote nothing, or None when it wrote (with `accept_valid`, rows
    it left out are counted as rejected and quarantined, as `load --accept-valid` does)."""
    if report.loaded or report.ok:
        return None
    first = report.first_problems[0] if report.first_problems else None
    where = f" (first: row {first.row} {first.code}: {first.reason})" if first else ""
    return (f"{what}: {report.problem_count:,} problems, nothing loaded{where}; see "
            f"{report.rejects_path}")


def write_csv(columns: dict[str, pa.Array], path: Path) -> None:
    """Write columns as a CSV file with a header, every value as text."""
    table = pa.table({k: v.cast(pa.string()) for k, v in columns.items()})
    pacsv.write_csv(table, path)
