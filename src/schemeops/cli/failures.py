"""Failures of the machine rather than of schemeops (a full disk, a locked or unreadable
file, a folder where a file belongs) as one line naming the cause and the fix, never a
traceback. Anything else is a bug and keeps its traceback."""

from __future__ import annotations

import errno
import sys

_FULL = ("no space left on device", "disk is full", "could not write")


def explain(e: BaseException) -> str | None:
    """One line for an environmental failure, or None when `e` is not one."""
    duckdb = sys.modules.get("duckdb")  # not imported: `e` cannot be one of its errors
    db_error = duckdb.Error if duckdb else ()
    db_io = duckdb.IOException if duckdb else ()
    text = str(e).lower()
    if (isinstance(e, OSError) and e.errno == errno.ENOSPC) or \
            (isinstance(e, db_error) and any(f in text for f in _FULL)):
        return ("the disk is full: free some space (or write the warehouse or --out to "
                "another disk) and run the command again; nothing half-written was kept")
    if isinstance(e, db_io) and "lock" in text:
        return ("the warehouse is in use by another process (a load or calc); wait for it "
                "to finish and run this again")
    if isinstance(e, IsADirectoryError):
        return f"{e.filename} is a folder where a file is expected; give the file's path"
    if isinstance(e, NotADirectoryError):
        return f"{e.filename} is a file where a folder is expected; give a folder's path"
    if isinstance(e, PermissionError):
        return f"permission denied on {e.filename}; check who owns it, or use another path"
    if isinstance(e, db_error) and "cannot rollback" in text:
        # DuckDB reports a transaction it already lost (seen on a full disk) this way
        return ("the warehouse could not finish writing (often a full disk); free some "
                "space and run the command again; nothing half-written was kept")
    return None
