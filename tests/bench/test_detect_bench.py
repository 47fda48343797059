"""`schemeops bench detect --lines N`: detect and its calc baseline timed in one run."""

import subprocess
import sys

from schemeops.bench.calc import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)


def test_bench_detect_times_detect_beside_calc(tmp_path):
    """At a tiny size: the table has detect and calc rows with their ratios, the findings
    count, whether claims were read, the 60 s / 4 GiB verdict; the scratch folder goes."""
    data, work = tmp_path / "data", tmp_path / "work"
    work.mkdir()
    r = run("bench", "detect", "--lines", "20000", "--data", str(data), "--work", str(work))
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout.splitlines()
    assert out[0].startswith("| run | lines | wall | peak RSS | detect ÷ this (time) |")
    assert out[2].startswith("| detect | 20,000 | ") and out[2].endswith("| 1.00× | 1.00× |")
    assert out[3].startswith("| calc | 20,000 | ")
    assert out[4].startswith("detect ÷ calc: ") and "× the peak memory" in out[4]
    assert out[5].startswith("detect wrote ") and "(claims: yes; programs: none)" in out[5]
    assert out[6] in ("within 60 s and 4 GiB: yes", "within 60 s and 4 GiB: no")
    assert out[7].startswith("CPU time (user + system): detect ") and " calc " in out[7]
    cpu = float(out[7].split("detect ")[1].split(" s")[0])
    assert cpu > 0
    assert (data / "schemeops.duckdb").exists()  # the warehouse is kept for the next run
    assert not list(work.iterdir())
    # Reused, with programs: slab bunching and the value at risk are in the run.
    r = run("bench", "detect", "--lines", "20000", "--data", str(data), "--work", str(work),
            "--programs", "benchmarks/programs/volume_targets.yaml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "programs: " + str(ROOT / "benchmarks/programs/volume_targets.yaml") in r.stdout \
        or "programs: benchmarks/programs/volume_targets.yaml" in r.stdout


def test_bench_detect_refuses_a_dataset_of_another_size(tmp_path):
    data = tmp_path / "data"
    g = run("generate", "--out", str(data), "--lines", "5000", "--seed", "2")
    assert g.returncode == 0, g.stderr
    r = run("bench", "detect", "--lines", "6000", "--data", str(data), "--work", str(tmp_path))
    assert r.returncode == 2
    assert "holds 5,000 sales lines, not 6,000" in r.stdout + r.stderr
