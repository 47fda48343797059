"""Whose results late rows changed: the participants a recalculation limited to stale
results computes (docs/app.md, "Late rows").

A load records the keys (seller, outlet, month) of past months whose history it changed
(`_stale_keys`, ingest/history.py). The results they change are those of the seller and of
every participant above it (a rep's or a manager's KPIs roll its sellers up). A program
whose participants' payouts depend on each other (a `caps.budget` shared pro rata) is
computed whole.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import pyarrow as pa

from schemeops.errors import UsageError
from schemeops.ingest.history import STALE_TABLE
from schemeops.program.model import Program


def stale_participants(warehouse: Path, since_load: int) -> pa.Table:
    """participant_id of every participant whose results the loads after `since_load`
    made stale, read from the warehouse file (whatever backend then calculates): the
    sellers of the stale keys, then their parents level by level (a loop over the levels
    of the hierarchy, each a join; the loader refuses cycles)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ib = ibis.duckdb.from_connection(con)
        if STALE_TABLE not in ib.list_tables():
            raise UsageError(f"{warehouse} records no stale keys: it was last loaded by an "
                             "older schemeops; load new rows with this version first")
        keys = ib.table(STALE_TABLE)
        keys = keys.filter(keys.load_id > since_load)
        found = ib.to_pyarrow(keys.select(participant_id=keys.distributor_id).distinct())
        parents = ib.table("participants").select("participant_id", "parent_id")
        level = found
        while level.num_rows:
            mem = ibis.memtable(level)
            up = parents.semi_join(mem, "participant_id")
            up = up.filter(up.parent_id.notnull()).select(participant_id=up.parent_id)
            up = up.anti_join(ibis.memtable(found), "participant_id").distinct()
            level = ib.to_pyarrow(up)
            found = pa.concat_tables([found, level])
    finally:
        con.close()
    return found.sort_by("participant_id")


def limited(program: Program) -> bool:
    """Whether `program` can be computed for some of its participants alone: not when a
    budget shares the period's payouts among all of them."""
    return program.caps is None or program.caps.budget is None
