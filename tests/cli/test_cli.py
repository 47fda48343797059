"""The CLI end to end on a small generated network: schema, generate, load, demo."""

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from schemeops.cli.store_opts import open_app
from schemeops.engine.backends import adapter
from schemeops.engine.calc import run_calc
from schemeops.errors import UsageError
from schemeops.schema.render import render_markdown
from schemeops.service import runs
from schemeops.service.users import authenticate
from schemeops.store.db import sqlite_url


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "schemeops", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


def test_schema_prints_the_contract():
    """`schemeops schema --markdown` prints docs/data.md's text; plain prints every table."""
    assert run("schema", "--markdown").stdout == render_markdown()
    plain = run("schema").stdout
    for name in ("participants", "outlets", "products", "sales", "primary_sales", "payments"):
        assert name in plain


def test_generate_then_load_twice_is_idempotent(tmp_path):
    """Generated data loads with no problem; loading it again adds nothing."""
    data, wh = tmp_path / "data", tmp_path / "wh.duckdb"
    g = run("generate", "--out", str(data), "--lines", "20000", "--seed", "3")
    assert g.returncode == 0, g.stderr
    assert "sales: 20,000 rows" in g.stdout
    first = run("load", str(data), "--warehouse", str(wh))
    assert first.returncode == 0, first.stdout + first.stderr
    second = run("load", str(data), "--warehouse", str(wh))
    assert second.returncode == 0, second.stdout
    con = duckdb.connect(str(wh), read_only=True)
    assert con.sql("select count(*) from sales").fetchone()[0] == 20000
    loads = con.sql("select load_id, accepted, already_present from _loads "
                    "where \"table\" = 'sales' order by load_id").fetchall()
    assert loads == [(1, 20000, 0), (2, 0, 20000)]


def test_demo_generates_loads_calculates_and_creates_users(tmp_path):
    """`schemeops demo` runs the whole path: holdings, a run of every example program through
    the store, one user per role whose printed password signs in."""
    r = run("demo", "--dir", str(tmp_path / "demo"), "--lines", "20000", "--no-serve")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "loaded" in r.stdout
    assert "secondary sales by month" in r.stdout
    assert "20,000" in r.stdout
    assert (tmp_path / "demo" / "schemeops.duckdb").exists()
    assert (tmp_path / "demo" / "runs" / "run-1" / "out" / "payouts.csv").exists()
    for program in ("balanced_scorecard_oct", "premium_upsell_oct", "mbc_reps_oct"):
        assert re.search(rf"│ {program} +│ +\d+ │", r.stdout), program  # whole, not folded
    out = tmp_path / "demo" / "runs" / "run-1" / "out"
    assert f"output files: {out}/payouts.csv, kpis.csv, components.csv, manifest.json\n" \
        in r.stdout
    users = dict(re.findall(r"│ (\w+)\s+│ \w+\s+│[^│]*│ (\S+)\s+│", r.stdout))
    assert set(users) == {"admin", "designer", "approver", "checker", "regional",
                          "distributor", "rep"}
    app = open_app(sqlite_url(tmp_path / "demo" / "schemeops.db"),
                   tmp_path / "demo" / "schemeops.duckdb", migrate=False)
    with app.sessions.begin() as s:
        assert all(authenticate(s, name, pw) for name, pw in users.items())
        assert runs.get_run(s, 1).status == "succeeded"


EXAMPLES = "examples/programs"


def test_calc_unknown_backend_or_missing_warehouse_is_a_message_not_a_traceback(tmp_path,
                                                                                warehouse):
    """A backend that does not exist, or a warehouse file that does not, exits 2 with one line
    that says what to do."""
    prog = f"{EXAMPLES}/billed_outlets.yaml"
    r = run("calc", "--program", prog, "--warehouse", str(warehouse), "--backend", "foo",
            "--out", str(tmp_path / "a"))
    assert r.returncode == 2
    assert r.stderr.strip() == "error: unknown backend 'foo'; choose one of duckdb, spark, postgres"
    missing = tmp_path / "none.duckdb"
    r = run("calc", "--program", prog, "--warehouse", str(missing), "--out", str(tmp_path / "b"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert f"error: no warehouse at {missing}; load data first" in r.stderr
    r = run("explain", "--program", prog, "--participant", "D00001", "--warehouse", str(missing))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "error: no warehouse at" in r.stderr


def test_as_of_before_the_period_is_refused_with_the_period_start(tmp_path, warehouse):
    """`--as-of` before a program's first period names the program and its start (exit 2);
    inside the period it computes attainment so far and records the date."""
    prog = f"{EXAMPLES}/billed_outlets.yaml"
    for cmd in (["calc", "--out", str(tmp_path / "a")], ["explain", "--participant", "D00001"]):
        r = run(*cmd, "--program", prog, "--warehouse", str(warehouse), "--as-of", "2026-09-01")
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip() == ("error: --as-of 2026-09-01 is before the first period of "
                                    "mbo_targets, which starts 2026-10-01")
    r = run("calc", "--program", prog, "--warehouse", str(warehouse), "--as-of", "2026-10-15",
            "--out", str(tmp_path / "b"))
    assert r.returncode == 0, r.stderr
    assert '"as_of": "2026-10-15"' in (tmp_path / "b" / "manifest.json").read_text()
    assert ",2026-10-01,2026-10-15," in (tmp_path / "b" / "payouts.csv").read_text()


def test_memory_limit_caps_duckdb_and_refuses_what_is_not_a_size(tmp_path, warehouse):
    """`calc --memory-limit 1GB` sets DuckDB's cap for the run and calculates what an
    uncapped run does, byte for byte; a value that is not a size (hostile text included)
    exits 2 naming the form; Spark and PostgreSQL refuse it (their memory is their own)."""
    prog = f"{EXAMPLES}/premium_upsell.yaml"
    runs = {}
    for name, extra in (("free", []), ("capped", ["--memory-limit", "1GB"])):
        r = run("calc", "--program", prog, "--warehouse", str(warehouse), *extra,
                "--out", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
        runs[name] = [(tmp_path / name / f).read_bytes() for f in ("payouts.csv", "kpis.csv")]
    assert runs["free"] == runs["capped"]
    capped = run_calc([Path(prog)], warehouse=warehouse, out=tmp_path / "api",
                      memory_limit="512MiB")
    try:
        limit = capped.con.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    finally:  # the warehouse is the session's: later tests open it with their own settings
        capped.con.disconnect()
    assert limit == "512.0 MiB"
    for bad in ("lots", "6 GBs", "1GB'; DROP TABLE sales; --", "-1GB", "x" * 10_000):
        r = run("calc", "--program", prog, "--warehouse", str(warehouse), "--memory-limit",
                bad, "--out", str(tmp_path / "bad"))
        assert r.returncode == 2, bad
        assert r.stderr.strip() == (f"error: --memory-limit {bad[:40]!r} is not a memory size; "
                                    "write a number and a unit, e.g. 6GB or 5.5GiB")
    for other in ("spark", "postgres"):
        with pytest.raises(UsageError, match="--memory-limit caps DuckDB's memory"):
            adapter(other).cap_memory(None, "1GB")


def test_explain_unknown_or_ineligible_participant_says_why(warehouse):
    """An id not in the warehouse is named as such, with close ids; a participant left out
    says which rule leaves it out; both exit 1 without a traceback."""
    prog = f"{EXAMPLES}/billed_outlets.yaml"
    r = run("explain", "--program", prog, "--participant", "D0001", "--warehouse", str(warehouse))
    assert r.returncode == 1
    assert r.stderr.startswith("error: no participant `D0001` in the warehouse; did you mean")
    r = run("explain", "--program", prog, "--participant", "R0001", "--warehouse", str(warehouse))
    assert r.returncode == 1
    assert r.stderr.strip() == ("error: R0001 is not eligible for mbo_targets: a sales_rep, "
                                "and it takes distributor, dealer, sub_distributor")
    r = run("explain", "--program", f"{EXAMPLES}/scorecard_gate.yaml", "--participant", "D00002",
            "--warehouse", str(warehouse))
    assert r.returncode == 1
    assert r.stderr.strip() == ("error: D00002 is not eligible for balanced_scorecard_oct: "
                                "it does not match `where: tier in ('gold', 'platinum') and "
                                "region in ('North', 'West')`")


def test_explain_from_a_finished_calc_tells_what_the_warehouse_mode_tells(tmp_path, warehouse):
    """`explain --run OUT` reads the calc's explanations.csv and prints the story `explain
    --program` computes on the same warehouse, line for line (its heading names programs by
    id: the folder has no names). A folder without explanations.csv is a usage error (2), a
    participant with no row in it says so with close ids (1), and one of --run or --program
    is required (2)."""
    # in the order of their ids (quarterly_true_up, volume_growth_oct), as the file sorts them
    progs = [f"{EXAMPLES}/quarterly_true_up.yaml", f"{EXAMPLES}/volume_growth.yaml"]
    out = tmp_path / "out"
    calc = run("calc", "-p", progs[0], "-p", progs[1], "--warehouse", str(warehouse),
               "--out", str(out))
    assert calc.returncode == 0, calc.stderr
    stored = run("explain", "--run", str(out), "--participant", "D00001")
    assert stored.returncode == 0, stored.stderr
    computed = []
    for prog in progs:
        r = run("explain", "--program", prog, "--participant", "D00001", "--warehouse",
                str(warehouse))
        assert r.returncode == 0, r.stderr
        computed += r.stdout.splitlines()
    told = stored.stdout.splitlines()
    body = [line for line in told if line.startswith(" ")]
    assert body == [line for line in computed if line.startswith(" ")]
    assert [line for line in told if not line.startswith(" ")] == [
        re.sub(r"^.* \((\w+)\) —", r"\1 —", line) for line in computed
        if not line.startswith(" ")]
    assert told[0].startswith("quarterly_true_up — D00001, 01 Jul 2026 to 31 Jul 2026")
    assert "volume_growth_oct — D00001, 01 Oct 2026 to 31 Oct 2026" in told
    assert "    next: " in stored.stdout
    r = run("explain", "--run", str(tmp_path), "--participant", "D00001")
    assert r.returncode == 2 and r.stderr.startswith("error: no explanations.csv in")
    r = run("explain", "--run", str(out), "--participant", "D0001")
    assert r.returncode == 1
    assert r.stderr.startswith("error: D0001 takes part in no program of this calculation; "
                               "did you mean")
    r = run("explain", "--participant", "D00001")
    assert r.returncode == 2 and "give either --run" in r.stderr
