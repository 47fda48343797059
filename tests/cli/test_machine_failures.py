"""A full disk, a warehouse another process holds, a folder or a pipe where a file belongs:
one line naming the cause and the fix, exit 2, never a traceback (issue 15, item 6)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from schemeops.cli.failures import explain
from unavailable import unavailable

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, check=False, timeout=300)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("net")
    data, wh = root / "data", root / "wh.duckdb"
    assert run("generate", "--out", str(data), "--lines", "20000", "--seed", "4").returncode == 0
    assert run("load", str(data), "--warehouse", str(wh)).returncode == 0
    return data, wh


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MB file system (tmpfs; needs root, as CI and the developers' machines run)."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        unavailable(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_load_onto_a_full_disk_says_so_and_leaves_nothing(loaded, small_disk):
    """Before: a traceback, sometimes "cannot rollback - no transaction is active"."""
    data, _ = loaded
    r = run("load", str(data), "--warehouse", str(small_disk / "wh.duckdb"))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "the disk is full" in r.stderr
    assert list(small_disk.iterdir()) == []


def test_a_calc_onto_a_full_disk_keeps_the_earlier_run(loaded, small_disk):
    _, wh = loaded
    out = small_disk / "out"
    one = run("calc", "--program", str(EXAMPLES / "volume_growth.yaml"), "--warehouse", str(wh),
              "--out", str(out))
    assert one.returncode == 0, one.stderr
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"x" * (free.f_bavail * free.f_frsize - 16_384))
    r = run("calc", "--program", str(EXAMPLES), "--warehouse", str(wh), "--out", str(out))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "the disk is full" in r.stderr
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "out"]


def test_a_warehouse_in_use_is_one_line(loaded, tmp_path):
    """Before: DuckDB's "Could not set lock on file" traceback."""
    _, wh = loaded
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; "
                               f"c = duckdb.connect({str(wh)!r}); sys.stdin.read()"],
                              stdin=subprocess.PIPE)
    try:
        for args in (("calc", "--program", str(EXAMPLES / "volume_growth.yaml"),
                      "--warehouse", str(wh), "--out", str(tmp_path / "o")),
                     ("load", str(tmp_path), "--warehouse", str(wh))):
            r = run(*args)
            assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
            assert "in use by another process" in r.stderr
    finally:
        holder.communicate(b"")


def test_a_pipe_named_after_a_table_is_refused_not_waited_on(loaded, tmp_path):
    """Before: a FIFO named sales.csv hung the load."""
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "sales.csv")
    r = run("load", str(folder), "--warehouse", str(tmp_path / "wh.duckdb"))
    assert r.returncode != 0 and "not a regular file" in r.stdout + r.stderr


@pytest.mark.parametrize(("error", "words"), [
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    (duckdb.IOException("IO Error: Could not write file: No space left on device"),
     "the disk is full"),
    (duckdb.TransactionException("cannot rollback - no transaction is active"),
     "could not finish writing"),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "x.yaml"), "is a folder"),
    (PermissionError(errno.EACCES, "Permission denied", "wh.duckdb"), "permission denied"),
])
def test_failures_of_the_machine_read_as_one_line(error, words):
    line = explain(error)
    assert line is not None and words in line and "\n" not in line


def test_a_bug_is_not_explained_away():
    assert explain(ValueError("boom")) is None
    assert explain(duckdb.BinderException("no column x")) is None
