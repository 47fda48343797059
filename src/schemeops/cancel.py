"""Ctrl-C and SIGTERM end a command cleanly: what it was writing is rolled back (a load's
transaction and staging, a calc's work folder) by the code that opened it, and the command
says so and exits 130."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator

EXIT_CANCELLED = 130
MESSAGE = ("cancelled: nothing was saved (the warehouse and the output folder are as they "
           "were before this command)")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """For the block, SIGTERM raises KeyboardInterrupt as Ctrl-C does (instead of ending the
    process at once, which would leave staging behind); the earlier handler is restored."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def is_cancel(e: BaseException) -> bool:
    """Whether `e` is a cancellation: Ctrl-C, or DuckDB's query interrupted by it."""
    duckdb = sys.modules.get("duckdb")  # not imported: `e` cannot be one of its errors
    return isinstance(e, KeyboardInterrupt) or (
        duckdb is not None and isinstance(e, duckdb.InterruptException)) or (
        isinstance(e, RuntimeError) and str(e).startswith("Query interrupted"))


@contextlib.contextmanager
def past_the_point_of_no_return() -> Iterator[None]:
    """For the block (a commit and what follows it), Ctrl-C and SIGTERM are ignored: once a
    transaction commits, the command finishes and reports what it saved rather than calling
    itself cancelled. Only the main thread can set signal handlers; elsewhere the block runs
    as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
