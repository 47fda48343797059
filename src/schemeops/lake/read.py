"""Where a lake's tables are: its pointer file names the current snapshot folder, which holds
one folder of Parquet files per table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from schemeops.errors import UsageError

#: The pointer file: which snapshot is current. Replaced atomically by each export.
POINTER = "lake.json"
#: What the pointer says it is, so another folder's JSON is not taken for a lake.
FORMAT = "schemeops-lake/1"
#: Sales lines are partitioned by the month of their invoice date, Hive-style (month=YYYY-MM).
PARTITIONS = {"sales": ("month", "invoice_date")}


@dataclass(frozen=True)
class LakeTable:
    """One table of the lake: its folder and, when partitioned, the partition column (a
    column derived for the folder names, not one of the table's)."""

    name: str
    folder: Path
    partition: str | None

    @property
    def files(self) -> str:
        """A glob of every Parquet file of the table, partitions included."""
        return str(self.folder / "**" / "*.parquet")


def current_snapshot(lake: Path) -> tuple[str, list[str]] | None:
    """The current snapshot's folder name and table names (None when `lake` has none yet)."""
    try:
        pointer = json.loads((lake / POINTER).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise UsageError(f"cannot read the lake's pointer {lake / POINTER}: {e}; export the "
                         "lake again (schemeops lake export)") from None
    if not isinstance(pointer, dict) or pointer.get("format") != FORMAT:
        raise UsageError(f"{lake / POINTER} is not a schemeops lake's pointer (format "
                         f"{FORMAT}); give a folder written by schemeops lake export")
    return pointer["snapshot"], list(pointer["tables"])


def lake_tables(lake: Path) -> dict[str, LakeTable]:
    """The lake's tables by name; UsageError when `lake` is not a lake."""
    if not lake.is_dir():
        raise UsageError(f"no lake at {lake}; write one with schemeops lake export -w "
                         f"WAREHOUSE {lake} (or load … --lake {lake})")
    current = current_snapshot(lake)
    if current is None:
        raise UsageError(f"{lake} has no {POINTER}: it is not a lake; write one with "
                         f"schemeops lake export -w WAREHOUSE {lake}")
    snapshot, names = current
    folder = lake / snapshot
    if not folder.is_dir():
        raise UsageError(f"the lake {lake} names snapshot {snapshot}, which is missing; export "
                         "the lake again")
    return {n: LakeTable(n, folder / n, PARTITIONS.get(n, (None,))[0]) for n in names}
