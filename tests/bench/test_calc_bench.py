"""`schemeops bench --lines N`: the calc benchmark's harness, and its two baselines agreeing."""

import subprocess
import sys

import pytest

from schemeops.bench.calc import ROOT, compare_file


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          cwd=ROOT, check=False)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """A small generated and loaded dataset, in the layout `bench --data` reuses."""
    data = tmp_path_factory.mktemp("calc_bench") / "data"
    g = run("schemeops", "generate", "--out", str(data), "--lines", "20000", "--seed", "5")
    assert g.returncode == 0, g.stderr
    ld = run("schemeops", "load", str(data), "--warehouse", str(data / "schemeops.duckdb"))
    assert ld.returncode == 0, ld.stdout + ld.stderr
    return data


def test_compare_file_locates_the_first_difference(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    a.write_text("h\n1\n2\n3\n")
    b.write_text("h\n1\nX\n3\n")
    c.write_text("h\n1\n")
    assert compare_file(a, a) is None
    assert compare_file(a, b) == (1, 3, "2", "X")
    assert compare_file(a, c) == (2, 3, "2", None)


def test_the_two_baselines_write_the_same_bytes(dataset, tmp_path):
    """pandas and SQL, written independently, agree on every byte of the three files."""
    wh = dataset / "schemeops.duckdb"
    for name in ("pandas", "sql"):
        r = run(f"benchmarks.{name}_baseline", str(wh), str(tmp_path / name))
        assert r.returncode == 0, r.stderr
    for f in ("payouts.csv", "kpis.csv", "components.csv"):
        assert (tmp_path / "pandas" / f).read_bytes() == (tmp_path / "sql" / f).read_bytes()
    kpis = (tmp_path / "sql" / "kpis.csv").read_text().splitlines()
    assert kpis[0] == ("program_id,participant_id,kpi,actual,target,attainment,period_start,"
                       "period_end")
    assert {line.split(",")[0] for line in kpis[1:]} >= {"rod_q3", "volume_growth_oct"}


def test_bench_lines_times_three_runs_and_reports_agreement(dataset, tmp_path):
    """The table has the engine and both baselines, and all three write the same bytes (the
    baselines check the engine's meanings: a change to one must reach the others)."""
    r = run("schemeops", "bench", "--lines", "20000", "--data", str(dataset),
            "--work", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    for label in ("| engine | 20,000 |", "| pandas baseline | 20,000 |",
                  "| SQL baseline | 20,000 |"):
        assert label in out
    assert "outputs agree: yes" in out
    assert not list(tmp_path.iterdir())  # the scratch folder is removed


def test_bench_refuses_a_dataset_of_another_size(dataset, tmp_path):
    r = run("schemeops", "bench", "--lines", "30000", "--data", str(dataset),
            "--work", str(tmp_path))
    assert r.returncode != 0
    assert "holds 20,000 sales lines, not 30,000" in r.stdout + r.stderr


def test_compare_file_reads_only_the_baselines_programs(tmp_path):
    """An engine-only example program's rows are left out; a baseline program's are not."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("program_id,x\nrod_q3,1\nper_bill,5\n")
    b.write_text("program_id,x\nrod_q3,1\n")
    assert compare_file(a, b, programs=frozenset({"rod_q3"})) is None
    b.write_text("program_id,x\nrod_q3,2\n")
    assert compare_file(a, b, programs=frozenset({"rod_q3"})) == (1, 2, "rod_q3,1", "rod_q3,2")


def test_bench_times_a_reference_checkout_in_the_same_run(dataset, tmp_path):
    """`--reference` runs another checkout's engine on its own examples (here: this one, run
    from its source folder) and reports the engine's time over it; no outputs compared."""
    r = run("schemeops", "bench", "--lines", "20000", "--data", str(dataset), "--skip-pandas",
            "--reference", str(ROOT), "--work", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "| reference engine | 20,000 |" in r.stdout
    line = next(x for x in r.stdout.splitlines() if x.startswith("engine ÷ reference engine: "))
    assert line.endswith("× the CPU time")
    assert "outputs agree: yes (engine, SQL baseline)" in r.stdout


def test_bench_refuses_a_reference_that_is_not_a_checkout(dataset, tmp_path):
    r = run("schemeops", "bench", "--lines", "20000", "--data", str(dataset),
            "--reference", str(tmp_path), "--work", str(tmp_path))
    assert r.returncode == 2
    assert "not a schemeops source checkout" in r.stderr
