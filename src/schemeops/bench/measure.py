"""Run a command as a child process and measure its wall time, CPU time and peak resident
memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    """Wall time, peak RSS and CPU time (user + system) of one child process."""

    label: str
    seconds: float
    peak_bytes: int
    #: Steadier than the wall time on a shared machine: other processes' load stretches the
    #: wall time, hardly the CPU time.
    cpu_seconds: float = 0.0

    @property
    def peak_gib(self) -> float:
        """Peak RSS in GiB."""
        return self.peak_bytes / 2**30


def measure(label: str, argv: list[str], *, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> Measurement:
    """Run `argv` (in `cwd`, default here; with `env` added to this environment) to
    completion; raise CalledProcessError if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, cwd=cwd,
                            env={**os.environ, **env} if env else None)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, argv)
    return Measurement(label, seconds, usage.ru_maxrss * 1024,
                       usage.ru_utime + usage.ru_stime)


def schemeops_argv(*args: str) -> list[str]:
    """argv that runs `schemeops ARGS` with this interpreter."""
    return [sys.executable, "-m", "schemeops", *args]


def python_argv(module: str, *args: str) -> list[str]:
    """argv that runs `python -m MODULE ARGS` with this interpreter."""
    return [sys.executable, "-m", module, *args]


def ensure_dataset(data: Path, lines: int) -> None:
    """Generate an N-line dataset into `data` unless it holds one (sales.parquet or .csv)."""
    if not (data / "sales.parquet").exists() and not (data / "sales.csv").exists():
        measure("generate", schemeops_argv("generate", "--out", str(data),
                                           "--lines", str(lines)))
