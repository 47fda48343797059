"""The outlet-heavy programs: the hand-written SQL writes what the engine writes, and
`schemeops bench outlets` times both and says so."""

import subprocess
import sys
from pathlib import Path

import pytest

from schemeops.bench.calc import ENGINE, HAND_SQL, OUTPUT_FILES, ROOT, compare_file, compare_outputs
from schemeops.bench.outlets import OUTLET_PROGRAMS

PROGRAM_IDS = [Path(f).stem for f in OUTLET_PROGRAMS]  # each file is named after its id


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          cwd=ROOT, check=False)


@pytest.fixture(scope="module")
def outputs(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The engine's (engine/) and the hand SQL's (sql/) files for the outlet programs."""
    out = tmp_path_factory.mktemp("outlets")
    programs = [arg for f in OUTLET_PROGRAMS for arg in ("-p", f)]
    e = run("schemeops", "calc", *programs, "-w", str(warehouse), "-o", str(out / "engine"))
    assert e.returncode == 0, e.stdout + e.stderr
    s = run("benchmarks.outlet_sql", str(warehouse), str(out / "sql"))
    assert s.returncode == 0, s.stderr
    return out


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
@pytest.mark.parametrize("name", OUTPUT_FILES)
def test_the_hand_sql_writes_the_engines_bytes(outputs: Path, program_id: str, name: str):
    engine, sql = outputs / "engine" / name, outputs / "sql" / name
    assert compare_file(engine, sql, programs=frozenset({program_id})) is None
    rows = [r for r in engine.read_text().splitlines() if r.startswith(f"{program_id},")]
    assert rows  # the program has rows: nothing compared vacuously


@pytest.mark.parametrize("program_id", PROGRAM_IDS)
def test_every_outlet_program_pays_someone_and_every_kpi_counts(outputs: Path,
                                                                program_id: str):
    """Non-trivial figures: some participant is paid, and each KPI is non-zero somewhere
    (a KPI 0 for everyone would agree without being computed)."""
    payouts = [r.split(",") for r in (outputs / "sql" / "payouts.csv").read_text()
               .splitlines()[1:] if r.startswith(f"{program_id},")]
    assert any(float(r[4]) > 0 for r in payouts)
    kpis = [r.split(",") for r in (outputs / "sql" / "kpis.csv").read_text()
            .splitlines()[1:] if r.startswith(f"{program_id},")]
    nonzero = {r[2] for r in kpis if float(r[3]) != 0}
    assert nonzero == {r[2] for r in kpis}


def test_bench_outlets_times_both_and_reports_agreement(warehouse: Path, tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "schemeops.duckdb").symlink_to(warehouse)
    work = tmp_path / "work"
    work.mkdir()
    r = run("schemeops", "bench", "outlets", "--lines", "30000", "--data", str(data),
            "--work", str(work))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "| engine | 30,000 |" in r.stdout and "| hand SQL | 30,000 |" in r.stdout
    assert "engine ÷ hand SQL: " in r.stdout and "× the CPU time" in r.stdout
    assert "outputs agree: yes" in r.stdout
    assert not list(work.iterdir())  # the scratch folder is removed


def test_a_changed_byte_in_any_row_is_a_difference(tmp_path: Path):
    """Compared on every row (no program filter): one changed amount in components.csv is
    the one difference found, at its line."""
    header = "program_id,participant_id,amount\n"
    for folder, amount in ((ENGINE, "10.00"), (HAND_SQL, "10.01")):
        out = tmp_path / ("engine" if folder == ENGINE else "hand_sql")
        out.mkdir()
        for name in OUTPUT_FILES:
            body = f"outlet_heavy_weekly,D1,{amount}\n" if name == "components.csv" else ""
            (out / name).write_text(header + "outlet_heavy_monthly,D1,5.00\n" + body)
    (d,) = compare_outputs(tmp_path, [ENGINE, HAND_SQL], programs=None)
    assert (d.file, d.line, d.lines_differing) == ("components.csv", 3, 1)
    assert d.right_text == "outlet_heavy_weekly,D1,10.01"
