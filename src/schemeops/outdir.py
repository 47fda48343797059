"""Output folders that are whole or absent: a run is written into a fresh hidden sibling
folder and swapped into place only once every file is written, so a kill, a full disk or an
error leaves the earlier run untouched (never new payouts beside old KPIs)."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from schemeops.cancel import past_the_point_of_no_return
from schemeops.errors import UsageError

#: A run's folder is recognised by this file (written last).
MARK = "manifest.json"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _pid_of(leftover: Path) -> int | None:
    """The process id in a work folder's name (`PREFIX<pid>-<token>`), if any."""
    try:
        return int(leftover.name.rsplit("-", 2)[-2])
    except (IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def work_prefix(name: str) -> str:
    """The start of this process's work folders for `name` (the pid lets a later run tell
    a killed run's leftovers from a running one's)."""
    return f".{name}.partial-{os.getpid()}-"


def remove_dead_work(parent: Path, name: str) -> None:
    """Remove the work folders for `name` in `parent` that killed processes left behind."""
    for leftover in parent.glob(f".{name}.partial-*"):
        pid = _pid_of(leftover)
        if pid is not None and not _alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARK).exists():
        raise UsageError(f"--out {out} holds files that are not a schemeops run; give a new "
                         "or empty folder (a run's folder is replaced whole)")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _put_in_place(work: Path, out: Path) -> None:
    """Make `work` be `out`, removing the run `out` held."""
    if not out.exists():
        work.rename(out)
        return
    if _exchange(work, out):
        shutil.rmtree(work)
        return
    old = out.parent / (work_prefix(out.name) + secrets.token_hex(4))
    out.rename(old)  # where no atomic swap exists, `out` is briefly absent, never mixed
    work.rename(out)
    shutil.rmtree(old)


@contextlib.contextmanager
def fresh_folder(out: Path) -> Iterator[Path]:
    """A new empty folder beside `out` to write a run into; when the block ends normally it
    replaces `out` whole, otherwise it is removed and `out` stays as it was."""
    _check_target(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_work(out.parent, out.name)
    work = out.parent / (work_prefix(out.name) + secrets.token_hex(4))
    work.mkdir()
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        with past_the_point_of_no_return():
            _put_in_place(work, out)
    except KeyboardInterrupt:  # a Ctrl-C lost earlier, found before the swap began
        shutil.rmtree(work, ignore_errors=True)
        raise
