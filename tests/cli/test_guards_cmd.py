"""`schemeops guards` on a tiny warehouse: verdicts printed, exit 1 on a block, 2 on an
unknown program in exclusive_with."""

import subprocess
import sys

import pytest

from guard_programs import discount_program
from warehouse_support import write_warehouse


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, check=False)


@pytest.fixture
def files(tmp_path):
    """A warehouse where D1 sells one unit of A1 (cost 500) at 1,000 on 5 October, and
    programs a (10%), b (15%), q (25%), x (10%, exclusive with a misspelt `bb`)."""
    wh = write_warehouse(tmp_path / "wh.duckdb", [("D1", "Delhi Traders")], [("O1", "D1")],
                         [("I1", "2026-10-05", "D1", "O1", "1000.00")], unit_cost="500.00")
    for pid, rate, extra in (("a", "0.10", ""), ("b", "0.15", ""), ("q", "0.25", ""),
                             ("x", "0.10", "exclusive_with: [bb]\n")):
        (tmp_path / f"{pid}.yaml").write_text(discount_program(pid, rate, extra=extra))
    return tmp_path, wh


def test_stacked_discounts_warn_and_exit_0(files):
    # 1 − 0.90 × 0.85 = 0.235: at the 20% warning, under the 25% block
    d, wh = files
    r = run("guards", str(d / "a.yaml"), "--with", str(d / "b.yaml"), "-w", str(wh))
    assert r.returncode == 0, r.stdout + r.stderr
    row = next(line for line in r.stdout.splitlines() if "discount_cap" in line)
    assert "warn" in row and "0.235" in row
    assert "a with b" in r.stdout


def test_a_quarter_off_blocks_and_exits_1(files):
    d, wh = files
    r = run("guards", str(d / "q.yaml"), "-w", str(wh))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "blocked by discount_cap" in r.stdout


def test_unknown_exclusive_program_is_located_with_a_hint(files):
    d, wh = files
    r = run("guards", str(d / "x.yaml"), "--with", str(d / "b.yaml"), "-w", str(wh))
    assert r.returncode == 2
    assert f"{d / 'x.yaml'}:12:18: unknown_program `bb` names no program given with --with" \
        in r.stderr
    assert "did you mean `b`?" in r.stderr


@pytest.mark.spark
def test_spark_prints_the_same_verdicts(files):
    d, wh = files
    args = ("guards", str(d / "a.yaml"), "--with", str(d / "b.yaml"), "-w", str(wh))
    duck, spark = run(*args), run(*args, "--backend", "spark")
    assert (spark.returncode, spark.stdout) == (duck.returncode, duck.stdout)
    assert "0.235" in spark.stdout
