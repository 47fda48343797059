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


#: Set when Ctrl-C or SIGTERM comes during `sigterm_as_interrupt`'s block. Python prints and
#: drops an exception raised inside a finaliser (`__del__`): a Ctrl-C that lands there is
#: lost, and the command would go on to save. This remembers it until the block ends, so
#: that `past_the_point_of_no_return` cancels before saving. (A signal is the process's.)
_ASKED = threading.Event()


def _interrupt(signum: int, frame: object) -> None:
    _ASKED.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """For the block, SIGTERM raises KeyboardInterrupt as Ctrl-C does (instead of ending the
    process at once, which would leave staging behind), and either is remembered (`_ASKED`);
    a Ctrl-C that the process ignores (a shell's background job) stays ignored. The earlier
    handlers are restored."""
    signals = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signals.append(signal.SIGINT)
    _ASKED.clear()
    previous = {s: signal.signal(s, _interrupt) for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _ASKED.clear()


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
    itself cancelled. One that came before and was lost (`_ASKED`) raises KeyboardInterrupt
    on entering, before anything is saved. Only the main thread can set signal handlers;
    elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    if _ASKED.is_set():
        for s, handler in previous.items():
            signal.signal(s, handler)
        raise KeyboardInterrupt
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
