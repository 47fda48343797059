"""Ctrl-C and SIGTERM during a 2M-line load or a calc: exit 130, the warehouse exactly as
before, no staging or work folder left; a kill -9's staging is removed by the next load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

EXAMPLES = Path(__file__).parents[2] / "examples" / "programs"
TABLES = ("participants", "outlets", "products", "sales", "primary_sales", "payments",
          "targets", "_loads")


def _as_a_terminal_starts_it() -> None:
    # A command started from a shell gets Ctrl-C at its default action, which Python turns
    # into KeyboardInterrupt. An ignored SIGINT would be inherited instead (a background job
    # of a shell without job control, or a test runner's worker that ignores it), and a
    # process that starts with SIGINT ignored never sees Ctrl-C.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def schemeops(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "schemeops", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_as_a_terminal_starts_it)


def state(wh: Path) -> dict[str, int]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return {t: con.sql(f'select count(*) from "{t}"').fetchone()[0] for t in TABLES}
    finally:
        con.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial-" in p.name)


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> tuple[Path, Path]:
    """2M generated lines as CSV, and a warehouse already holding their master data."""
    root = tmp_path_factory.mktemp("big")
    data = root / "data"
    g = schemeops("generate", "--out", str(data), "--lines", "2000000", "--seed", "2",
                  "--format", "csv")
    assert g.wait() == 0, g.stderr.read()
    wh = root / "wh.duckdb"
    first = schemeops("load", *(str(data / f"{t}.csv") for t in
                                ("participants", "outlets", "products")), "--warehouse", str(wh))
    assert first.wait() == 0, first.stderr.read()
    return data, wh


def _cancel_when_staging(p: subprocess.Popen, folder: Path, sig: int, after: float) -> None:
    """Send `sig` `after` seconds once the load's staging folder exists."""
    deadline = time.monotonic() + 60
    while not leftovers(folder) and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.05)
    time.sleep(after)
    p.send_signal(sig)


@pytest.mark.parametrize(("sig", "after"), [(signal.SIGINT, 1.0), (signal.SIGTERM, 3.0)])
def test_a_cancelled_load_changes_nothing_and_leaves_no_staging(network, sig, after):
    """Before: Ctrl-C was ignored (the load finished and saved every row); SIGTERM left
    7–74 MB of staging that nothing removed."""
    data, wh = network
    before = state(wh)
    p = schemeops("load", str(data), "--warehouse", str(wh))
    _cancel_when_staging(p, wh.parent, sig, after)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "cancelled: nothing was saved" in err and "Traceback" not in err
    assert state(wh) == before
    assert leftovers(wh.parent) == []


def test_a_killed_loads_staging_is_removed_by_the_next_load(network, tmp_path):
    data, wh = network
    p = schemeops("load", str(data), "--warehouse", str(wh))
    _cancel_when_staging(p, wh.parent, signal.SIGKILL, 0.5)
    p.wait()
    assert leftovers(wh.parent)  # kill -9 cannot clean up
    small = tmp_path / "products.csv"
    small.write_text((data / "products.csv").read_text())
    again = schemeops("load", str(small), "--warehouse", str(wh))
    assert again.wait() == 0, again.stderr.read()
    assert leftovers(wh.parent) == []


def test_a_cancelled_calc_leaves_the_earlier_run(network, tmp_path):
    _, wh = network
    out = tmp_path / "out"
    one = schemeops("calc", "--program", str(EXAMPLES / "volume_growth.yaml"), "--warehouse",
                    str(wh), "--out", str(out))
    assert one.wait() == 0, one.stderr.read()
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    p = schemeops("calc", "--program", str(EXAMPLES), "--warehouse", str(wh), "--out", str(out))
    deadline = time.monotonic() + 60
    while not leftovers(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before
    assert leftovers(tmp_path) == []


class _Finaliser:
    """An object whose finaliser gets SIGTERM: Python prints and drops the KeyboardInterrupt
    raised there (as a Ctrl-C landing in Ibis's `__del__` once made a calc finish, exit 0)."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGTERM)


def test_a_cancel_lost_in_a_finaliser_still_cancels_before_the_output_is_swapped(tmp_path):
    """The interrupt raised inside `__del__` is dropped, the block goes on to its end, and
    the swap into place refuses: KeyboardInterrupt, the earlier run's folder as it was, no
    work folder left; the handlers are the earlier ones again afterwards."""
    from schemeops.cancel import sigterm_as_interrupt
    from schemeops.outdir import MARK, fresh_folder

    out = tmp_path / "out"
    out.mkdir()
    (out / MARK).write_text("earlier")
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), sigterm_as_interrupt(), fresh_folder(out) as work:
        (work / MARK).write_text("new")
        _Finaliser()  # dropped at once: the interrupt is raised and lost in its __del__
        reached_the_end = True
    assert reached_the_end
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (out / MARK).read_text() == "earlier"
    assert signal.getsignal(signal.SIGTERM) is handler
