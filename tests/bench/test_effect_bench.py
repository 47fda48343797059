"""`python -m benchmarks.effect_bench`: effect and calc of one program timed in one run."""

import subprocess
import sys

from effect_support import PROGRAM, write_network
from schemeops.bench.calc import ROOT


def test_effect_bench_prints_effect_beside_calc(tmp_path):
    """The row names the program and the lines; effect's phases and the bound's verdict
    follow; the scratch folder goes."""
    (tmp_path / "golden.yaml").write_text(PROGRAM)
    w = write_network(tmp_path / "w.duckdb")
    work = tmp_path / "work"
    work.mkdir()
    r = subprocess.run([sys.executable, "-m", "benchmarks.effect_bench", str(w),
                        str(tmp_path / "golden.yaml"), str(work)], capture_output=True,
                       text=True, cwd=ROOT, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "| program | lines | effect | calc (same run) | effect ÷ calc |"
    assert out[2].startswith("| golden | 720 | ") and out[2].endswith("× |")
    assert out[3] in ("within 60 s and 4 GiB: yes", "within 60 s and 4 GiB: no")
    assert out[4].startswith("effect's phases (its manifest): calculate ")
    assert not list(work.iterdir())
